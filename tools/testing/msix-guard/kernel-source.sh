#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpack Debian's linux-source-6.12 into the cache (once per package
# version) and print its path.
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
echo "$src"
