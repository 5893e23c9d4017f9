#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's own quality gates on msix-guard, each failing on any finding:
# checkpatch --strict, sparse (C=2), W=1 builds, coccicheck with the
# kernel's semantic patches, and our own semantic patches (which must also
# catch the deliberate violations in cocci/bad/, or they guard nothing).
#
# Usage: lint.sh [KERNEL_LINE...]   (default: 6.12 6.1)
#
# checkpatch ignores, all of them, and why:
#   compat.h: LINUX_VERSION_CODE, CONSTANT_COMPARISON -- compat.h is the one
#   file that tests kernel versions, by design, so that the same source
#   builds on Debian's 6.1 and 6.12; checkpatch flags every such test.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

lines=${*:-"6.12 6.1"}
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

msixg_need_pkgs sparse coccinelle ocaml-nox perl
src=$("$(dirname "$0")/kernel-source.sh")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$MSIXG_REPO"

for f in $drv/*.[ch] tools/testing/selftests/vfio/msix-guard/*.c \
	 tools/testing/msix-guard/bench/*.c; do
	ignore=
	[ "$(basename "$f")" = compat.h ] && ignore=--ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON
	perl "$src/scripts/checkpatch.pl" --strict --no-tree --terse --quiet \
		$ignore -f "$f" 2>&1 |
		grep -v '^total: 0 errors, 0 warnings, 0 checks' > "$out/cp"
	gate "checkpatch --strict $f" "$out/cp"
done

for line in $lines; do
	msixg_prepare_kernel "$line"
	build=$MSIXG_CACHE/lint/$KREL
	rm -rf "$build" && mkdir -p "$build"
	cp -r Kbuild Makefile drivers "$build/"
	make -s -C "$build" KDIR="$KDIR" W=1 modules > "$out/w1" 2>&1 ||
		echo "build failed" >> "$out/w1"
	grep -E 'warning|error' "$out/w1" > "$out/w1.find"
	[ -s "$build/$drv/msix-guard-vfio-pci.ko" ] || echo "no module built" >> "$out/w1.find"
	gate "W=1 build against $KREL" "$out/w1.find"
	make -s -C "$KDIR" M="$build" CONFIG_MSIX_GUARD_VFIO_PCI=m C=2 \
		CHECK=sparse modules > "$out/sparse" 2>&1
	grep -E 'warning|error' "$out/sparse" > "$out/sparse.find"
	gate "sparse against $KREL" "$out/sparse.find"
done

# A kernel without CONFIG_VFIO_PCI_CORE: make refuses, saying why.
fake=$out/fake-kdir
mkdir -p "$fake"
printf 'all:\n' > "$fake/Makefile"
printf 'CONFIG_PCI=y\n' > "$fake/.config"
make -s -C "$MSIXG_REPO" KDIR="$fake" modules > "$out/refuse" 2>&1
grep -q 'lacks CONFIG_VFIO_PCI_CORE' "$out/refuse" && : > "$out/refuse"
gate "make refuses a kernel without CONFIG_VFIO_PCI_CORE" "$out/refuse"

make -C "$src" coccicheck MODE=report J="$MSIXG_JOBS" M="$MSIXG_REPO/$drv" \
	> "$out/cocci" 2>&1 || echo "coccicheck failed" >> "$out/cocci.find"
grep -E "^($MSIXG_REPO/)?$drv/.*:[0-9]+" "$out/cocci" >> "$out/cocci.find"
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
