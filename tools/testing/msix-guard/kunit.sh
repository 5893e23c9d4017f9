#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run msix-guard's KUnit suites under UML, in Debian's linux-source-LINE
# with the driver directory grafted in: 6.12 on this host, 7.3 inside the
# trixie build root.
#
# Usage: kunit.sh [LINE [extra kunit.py run arguments]]   (6.12 by default)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=${1:-6.12}
[ $# -gt 0 ] && shift
deps=(python3 gcc make flex bison bc libelf-dev libssl-dev)
if [ "$line" = 6.12 ]; then
	msixg_need_pkgs "${deps[@]}"
	src=$("$(dirname "$0")/kernel-source.sh" 6.12)
	cd "$src"
	exec /usr/bin/python3 tools/testing/kunit/kunit.py run \
		--kunitconfig="drivers/vfio/pci/msix-guard/.kunitconfig" \
		--build_dir="$MSIXG_CACHE/kunit-uml" --jobs="$MSIXG_JOBS" "$@"
fi
msixg_root_need_pkgs "${deps[@]}"
src=$("$(dirname "$0")/kernel-source.sh" "$line")
msixg_chroot "$MSIXG_TRIXIE" \
	"$MSIXG_REPO/drivers/vfio/pci/msix-guard:/msixg-driver" -- \
	/bin/sh -c 'cd "$1" && shift && exec python3 tools/testing/kunit/kunit.py "$@"' \
	sh "${src#"$MSIXG_TRIXIE"}" run \
	--kunitconfig=drivers/vfio/pci/msix-guard/.kunitconfig \
	--build_dir="/root/kunit-uml-$line" --jobs="$MSIXG_JOBS" "$@"
