#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpack Debian's linux-source-6.12 into the cache (once per package
# version), graft the driver directory into it, and print its path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

msixg_need_pkgs linux-source-6.12 xz-utils
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || msixg_die "linux-source-6.12 ships no $tarball"
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
src=$MSIXG_CACHE/linux-source-6.12
if [ "$(cat "$src/.msixg-version" 2>/dev/null)" != "$version" ]; then
	msixg_log "unpacking linux-source-6.12 $version into $MSIXG_CACHE"
	rm -rf "$src" "$MSIXG_CACHE/kunit-uml"
	mkdir -p "$MSIXG_CACHE"
	tar -C "$MSIXG_CACHE" -xaf "$tarball"
	echo "$version" > "$src/.msixg-version"
fi
# The graft: the driver directory where it would live upstream, reachable
# from drivers/ even under UML, which has neither PCI nor VFIO.  Its own
# Makefile builds what the config asks for: the KUnit module alone under
# UML, the driver with its tests where VFIO exists (the debug kernel).
ln -sfn "$MSIXG_REPO/drivers/vfio/pci/msix-guard" \
	"$src/drivers/vfio/pci/msix-guard"
grep -q 'msix-guard/Kconfig' "$src/drivers/Kconfig" ||
	echo 'source "drivers/vfio/pci/msix-guard/Kconfig"' >> "$src/drivers/Kconfig"
grep -q 'vfio/pci/msix-guard/' "$src/drivers/Makefile" ||
	echo 'obj-y += vfio/pci/msix-guard/' >> "$src/drivers/Makefile"
echo "$src"
