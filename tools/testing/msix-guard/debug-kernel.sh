#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build an x86_64 debug kernel (lockdep, KASAN, UBSAN, atomic-sleep checks)
# from Debian's linux-source-6.12 (allnoconfig + debug.config), VFIO built
# in, msix-guard and its KUnit suites as modules, in the cache.  Prints the
# path of the bzImage; the modules are in drivers/vfio/pci/msix-guard/ next
# to it (msixg_stage_debug_vm in lib.sh stages them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

msixg_need_pkgs gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils
src=$("$here/kernel-source.sh")
out=$MSIXG_CACHE/debug-x86_64

mkdir -p "$out"
if [ ! -f "$out/.config" ] || ! cmp -s "$here/debug.config" "$out/.msixg-fragment"; then
	# allnoconfig with the fragment on top: only what the VM boots, so a
	# cold build (or one after a source update) stays short.
	make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$here/debug.config" \
		allnoconfig >&2
	cp "$here/debug.config" "$out/.msixg-fragment"
fi
# Every line of the fragment must have survived Kconfig's dependencies.
grep '^CONFIG_' "$here/debug.config" | while read -r opt; do
	grep -qx "$opt" "$out/.config" || msixg_die "debug config lacks $opt"
done || exit 1
make -s -C "$src" O="$out" -j"$MSIXG_JOBS" bzImage modules >&2 ||
	msixg_die "debug kernel build failed"
echo "$out/arch/x86/boot/bzImage"
