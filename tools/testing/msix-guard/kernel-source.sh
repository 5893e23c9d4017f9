#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpack Debian's linux-source-LINE (once per package version), graft the
# driver directory into it, and print its path.  6.12 is unpacked into the
# cache on this host; 7.3 inside the trixie build root (its tools need that
# root's compiler), where the driver directory is seen at /msixg-driver
# (bind-mount it there when running in the root).
#
# Usage: kernel-source.sh [LINE]    (6.12 by default, or 7.3)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=${1:-6.12}
pkg=linux-source-$line
case $line in
6.12)
	msixg_need_pkgs "$pkg" xz-utils
	top=$MSIXG_CACHE
	sysroot=
	driver=$MSIXG_REPO/drivers/vfio/pci/msix-guard
	version=$(dpkg-query -W -f='${Version}' "$pkg")
	uml=$MSIXG_CACHE/kunit-uml
	;;
7.3)
	msixg_root_need_pkgs "$pkg" xz-utils
	sysroot=$MSIXG_TRIXIE
	top=$sysroot/root
	driver=/msixg-driver
	version=$(chroot "$sysroot" dpkg-query -W -f='${Version}' "$pkg")
	uml=$top/kunit-uml-$line
	;;
*)
	msixg_die "no kernel source for '$line' (6.12 or 7.3)"
	;;
esac
tarball=$sysroot/usr/src/$pkg.tar.xz
[ -f "$tarball" ] || msixg_die "$pkg ships no /usr/src/$pkg.tar.xz"
src=$top/$pkg
# Unpack and graft under a lock: the KUnit and debug-kernel suites may both
# get here at once.
unpack_and_graft() {
	if [ "$(cat "$src/.msixg-version" 2>/dev/null)" != "$version" ]; then
		msixg_log "unpacking $pkg $version into $top"
		# A UML build of the old source would not notice the new one.
		rm -rf "$src" "$uml"
		mkdir -p "$top"
		tar -C "$top" -xaf "$tarball"
		echo "$version" > "$src/.msixg-version"
	fi
	# The graft: the driver directory where it would live upstream, reachable
	# from drivers/ even under UML, which has neither PCI nor VFIO.  Its own
	# Makefile builds what the config asks for: the KUnit module alone under
	# UML, the driver with its tests where VFIO exists (the debug kernel).
	ln -sfn "$driver" "$src/drivers/vfio/pci/msix-guard"
	# Its tracepoints' header, copied (the 7.3 tree sees only /msixg-driver)
	# only when it changed: a build of the other suite may be reading it.
	cmp -s "$MSIXG_REPO/include/trace/events/msix_guard.h" \
		"$src/include/trace/events/msix_guard.h" ||
		cp "$MSIXG_REPO/include/trace/events/msix_guard.h" "$src/include/trace/events/"
	grep -q 'msix-guard/Kconfig' "$src/drivers/Kconfig" ||
		echo 'source "drivers/vfio/pci/msix-guard/Kconfig"' >> "$src/drivers/Kconfig"
	grep -q 'vfio/pci/msix-guard/' "$src/drivers/Makefile" ||
		echo 'obj-y += vfio/pci/msix-guard/' >> "$src/drivers/Makefile"
}
msixg_locked "$MSIXG_LOCKS/source-$line" unpack_and_graft
echo "$src"
