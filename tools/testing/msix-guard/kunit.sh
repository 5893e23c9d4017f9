#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run msix-guard's KUnit suites under UML, in Debian's linux-source-6.12
# unpacked in the cache with the driver directory grafted in.
#
# Usage: kunit.sh [extra kunit.py run arguments]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

msixg_need_pkgs python3 gcc make flex bison bc libelf-dev libssl-dev
src=$("$(dirname "$0")/kernel-source.sh")
build=$MSIXG_CACHE/kunit-uml

# Graft: the driver directory where it would live upstream, reachable from
# drivers/ even though UML has neither PCI nor VFIO.
ln -sfn "$MSIXG_REPO/drivers/vfio/pci/msix-guard" \
	"$src/drivers/vfio/pci/msix-guard"
grep -q 'msix-guard/Kconfig' "$src/drivers/Kconfig" ||
	echo 'source "drivers/vfio/pci/msix-guard/Kconfig"' >> "$src/drivers/Kconfig"
# Its Makefile builds what the config asks for: the KUnit module alone
# under UML, the driver (with its tests) where VFIO exists.
grep -q 'vfio/pci/msix-guard/' "$src/drivers/Makefile" ||
	echo 'obj-y += vfio/pci/msix-guard/' >> "$src/drivers/Makefile"

cd "$src"
exec python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="drivers/vfio/pci/msix-guard/.kunitconfig" \
	--build_dir="$build" --jobs="$MSIXG_JOBS" "$@"
