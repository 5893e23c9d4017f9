#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build an x86_64 debug kernel (lockdep, KASAN, UBSAN, atomic-sleep checks)
# from Debian's linux-source-6.12 with msix-guard and its KUnit suites built
# in (debug.config), in the cache.  Prints the path of the bzImage.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

msixg_need_pkgs gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils
src=$("$here/kernel-source.sh")
out=$MSIXG_CACHE/debug-x86_64

mkdir -p "$out"
if [ ! -f "$out/.config" ] || ! cmp -s "$here/debug.config" "$out/.msixg-fragment"; then
	make -s -C "$src" O="$out" x86_64_defconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$here/debug.config" >&2
	make -s -C "$src" O="$out" olddefconfig >&2
	cp "$here/debug.config" "$out/.msixg-fragment"
fi
for opt in KASAN PROVE_LOCKING UBSAN DEBUG_ATOMIC_SLEEP KUNIT \
	   MSIX_GUARD_VFIO_PCI MSIX_GUARD_KUNIT_TEST VFIO_PCI INTEL_IOMMU; do
	grep -q "^CONFIG_$opt=y" "$out/.config" || msixg_die "debug config lacks CONFIG_$opt"
done
make -s -C "$src" O="$out" -j"$MSIXG_JOBS" bzImage >&2 ||
	msixg_die "debug kernel build failed"
echo "$out/arch/x86/boot/bzImage"
