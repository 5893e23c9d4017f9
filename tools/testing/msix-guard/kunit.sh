#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run msix-guard's KUnit suites under UML, in Debian's linux-source-6.12
# unpacked in the cache with the driver directory grafted in.
#
# Usage: kunit.sh [extra kunit.py run arguments]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

msixg_need_pkgs linux-source-6.12 python3 gcc make flex bison bc libelf-dev \
	libssl-dev xz-utils

tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null) ||
	msixg_die "linux-source-6.12 ships no tarball"
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
src=$MSIXG_CACHE/linux-source-6.12
build=$MSIXG_CACHE/kunit-uml

if [ "$(cat "$src/.msixg-version" 2>/dev/null)" != "$version" ]; then
	msixg_log "unpacking linux-source-6.12 $version into $MSIXG_CACHE"
	rm -rf "$src" "$build"
	mkdir -p "$MSIXG_CACHE"
	tar -C "$MSIXG_CACHE" -xaf "$tarball"
	echo "$version" > "$src/.msixg-version"
fi

# Graft: the driver directory where it would live upstream, reachable from
# drivers/ even though UML has neither PCI nor VFIO.
ln -sfn "$MSIXG_REPO/drivers/vfio/pci/msix-guard" \
	"$src/drivers/vfio/pci/msix-guard"
grep -q 'msix-guard/Kconfig' "$src/drivers/Kconfig" ||
	echo 'source "drivers/vfio/pci/msix-guard/Kconfig"' >> "$src/drivers/Kconfig"
grep -q 'msix-guard/' "$src/drivers/Makefile" ||
	echo 'obj-$(CONFIG_MSIX_GUARD_KUNIT_TEST) += vfio/pci/msix-guard/' >> "$src/drivers/Makefile"

cd "$src"
exec python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="drivers/vfio/pci/msix-guard/.kunitconfig" \
	--build_dir="$build" --jobs="$MSIXG_JOBS" "$@"
