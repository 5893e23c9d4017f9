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

cd "$src"
exec /usr/bin/python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="drivers/vfio/pci/msix-guard/.kunitconfig" \
	--build_dir="$build" --jobs="$MSIXG_JOBS" "$@"
