#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's own quality gates on msix-guard, each failing on any finding:
# checkpatch --strict, sparse (C=2), W=1 builds, coccicheck with the
# kernel's semantic patches, and our own semantic patches (which must also
# catch the deliberate violations in cocci/bad/, or they guard nothing).
#
# Usage: lint.sh [KERNEL_LINE...]   (default: 6.12 6.1 7.3 7.2)
#
# checkpatch ignores, all of them, and why:
#   compat.h: LINUX_VERSION_CODE, CONSTANT_COMPARISON -- compat.h is the one
#   file that tests kernel versions, by design, so that the same source
#   builds on Debian's 6.1 and 6.12; checkpatch flags every such test.
#   include/trace/events/msix_guard.h: OPEN_ENDED_LINE, PARENTHESIS_ALIGNMENT
#   -- the TRACE_EVENT() layout of every header in include/trace/events,
#   which checkpatch flags in each of them.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

lines=${*:-"6.12 6.1 7.3 7.2"}
drv=drivers/vfio/pci/msix-guard
cocci_dir=$MSIXG_REPO/tools/testing/msix-guard/cocci
pass=0
fail=0

gate() {	# gate NAME OUTPUT_FILE: passes when the file is empty
	if [ ! -s "$2" ]; then
		echo "ok   $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		sed 's/^/     /' "$2" | head -n 40
		fail=$((fail + 1))
	fi
}

msixg_need_pkgs sparse coccinelle ocaml-nox perl tar
src=$("$(dirname "$0")/kernel-source.sh")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$MSIXG_REPO"

for f in $drv/*.[ch] include/trace/events/msix_guard.h \
	 tools/testing/selftests/vfio/msix-guard/*.c \
	 tools/testing/msix-guard/bench/*.c tools/msix-guard/*.c; do
	ignore=
	[ "$(basename "$f")" = compat.h ] && ignore=--ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON
	[ "$f" = include/trace/events/msix_guard.h ] &&
		ignore=--ignore=OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT
	perl "$src/scripts/checkpatch.pl" --strict --no-tree --terse --quiet \
		$ignore -f "$f" 2>&1 |
		grep -v '^total: 0 errors, 0 warnings, 0 checks' > "$out/cp"
	gate "checkpatch --strict $f" "$out/cp"
done

for line in $lines; do
	msixg_prepare_kernel "$line"
	# 7.x: built (and checked with sparse) in the trixie root.
	build=$MSIXG_CACHE/lint/$KREL
	[ -n "$KROOT" ] && build=$KROOT/root/lint/$KREL && msixg_root_need_pkgs sparse
	rm -rf "$build"
	msixg_copy_sources "$build"
	# One pass: every file compiled with W=1 and checked by sparse.
	msixg_kmake "$build" -s W=1 C=2 CHECK=sparse modules > "$out/w1" 2>&1 ||
		echo "build failed" >> "$out/w1"
	grep -E 'warning|error' "$out/w1" > "$out/w1.find"
	[ -s "$build/$drv/msix-guard-vfio-pci.ko" ] || echo "no module built" >> "$out/w1.find"
	gate "W=1 build and sparse against $KREL" "$out/w1.find"
done

# A kernel line outside the tested set: make stops before compiling
# anything, saying why (the 6.12 headers, told they are 6.13).
msixg_prepare_kernel 6.12
rm -rf "$out/untested" && msixg_copy_sources "$out/untested"
make -s -C "$out/untested" KDIR="$KDIR" PATCHLEVEL=13 modules > "$out/untested.log" 2>&1
: > "$out/refuse"
grep -q 'Linux 6.13 is not a tested kernel line' "$out/untested.log" ||
	{ echo "no refusal:"; tail -n 5 "$out/untested.log"; } > "$out/refuse"
[ -z "$(find "$out/untested" -name '*.o')" ] || echo "objects were built" >> "$out/refuse"
gate "make stops at once for an untested kernel line" "$out/refuse"

# dkms.conf's BUILD_EXCLUSIVE_KERNEL admits exactly the tested lines.
re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$MSIXG_REPO/dkms.conf")
: > "$out/dkmsre"
for k in 6.1.0-57-amd64 6.12.117+deb12-amd64 7.2.12+deb13-amd64 7.3.4+deb13-amd64; do
	[[ $k =~ $re ]] || echo "refuses tested $k" >> "$out/dkmsre"
done
for k in 6.10.0 6.11.1 6.13.0 6.17.3 6.19.1 7.1.0 7.4.0 7.30.1 16.1.0 5.10.0; do
	[[ $k =~ $re ]] && echo "admits untested $k" >> "$out/dkmsre"
done
gate "dkms.conf BUILD_EXCLUSIVE_KERNEL is exactly 6.1, 6.12, 7.2, 7.3" "$out/dkmsre"

# A kernel without CONFIG_VFIO_PCI_CORE: make refuses, saying why.
fake=$out/fake-kdir
mkdir -p "$fake"
printf 'all:\n' > "$fake/Makefile"
printf 'CONFIG_PCI=y\n' > "$fake/.config"
make -s -C "$MSIXG_REPO" KDIR="$fake" modules > "$out/refuse" 2>&1
grep -q 'lacks CONFIG_VFIO_PCI_CORE' "$out/refuse" && : > "$out/refuse"
gate "make refuses a kernel without CONFIG_VFIO_PCI_CORE" "$out/refuse"

# The kernel's semantic patches take ~25 s; their findings depend only on
# the driver's sources, the kernel tree and spatch, so a run on the same
# ones is reused (keyed by a hash of all three).
key=$( (cat "$drv"/*.[ch] include/trace/events/*.h; cat "$src/.msixg-version"; spatch --version) |
	sha256sum | cut -c1-16)
cached=$MSIXG_CACHE/lint/coccicheck-$key.find
if [ -f "$cached" ]; then
	cp "$cached" "$out/cocci.find"
	echo "     (coccicheck: reused the run on these same sources)"
else
	: > "$out/cocci.find"
	if make -C "$src" coccicheck MODE=report J="$MSIXG_JOBS" \
		M="$MSIXG_REPO/$drv" > "$out/cocci" 2>&1; then
		grep -E "^($MSIXG_REPO/)?$drv/.*:[0-9]+" "$out/cocci" >> "$out/cocci.find"
		mkdir -p "$MSIXG_CACHE/lint"
		cp "$out/cocci.find" "$cached"
	else
		echo "coccicheck failed" >> "$out/cocci.find"
	fi
fi
gate "coccicheck (kernel semantic patches)" "$out/cocci.find"

for c in "$cocci_dir"/*.cocci; do
	spatch -D report --very-quiet --no-show-diff --cocci-file "$c" \
		--dir "$drv" > "$out/own" 2>&1
	gate "$(basename "$c") on the driver" "$out/own"
	spatch -D report --very-quiet --no-show-diff --cocci-file "$c" \
		"$cocci_dir/bad/violations.c" > "$out/bad" 2>&1
	if grep -q 'violations.c:[0-9]' "$out/bad"; then : > "$out/bad"; else
		echo "reports nothing on cocci/bad/violations.c" > "$out/bad"; fi
	gate "$(basename "$c") catches cocci/bad/violations.c" "$out/bad"
done

echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
