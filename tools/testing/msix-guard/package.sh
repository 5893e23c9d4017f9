#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging for people who don't build by hand.
#
#   package.sh version     print the version (from dkms.conf, its one place)
#   package.sh dkms-src    stage the DKMS source tree, print its path
#                          (under \$MSIXG_DKMS_SRC if set)
#   package.sh deb         build msix-guard-dkms_<ver>_all.deb, print its path
set -euo pipefail
. "$(dirname "$0")/lib.sh"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$MSIXG_REPO/dkms.conf")
[ -n "$version" ] || msixg_die "no PACKAGE_VERSION in dkms.conf"

# The files a module build needs, and nothing built.
stage() {
	rm -rf "$1"
	msixg_copy_sources "$1"
}

case ${1:-} in
version)
	echo "$version"
	;;
dkms-src)
	# MSIXG_DKMS_SRC: where to stage it (a build root's tree for 7.x).
	dir=${MSIXG_DKMS_SRC:-$MSIXG_CACHE/dkms-src}/msix-guard-$version
	stage "$dir"
	echo "$dir"
	;;
deb)
	msixg_need_pkgs dpkg-dev debhelper dh-dkms fakeroot gcc libc6-dev make
	top=$MSIXG_CACHE/deb
	src=$top/msix-guard-$version
	stage "$src"
	cp -r "$MSIXG_REPO/debian" "$src/"
	mkdir -p "$src/tools/msix-guard"
	cp "$MSIXG_REPO/tools/msix-guard/"{Makefile,msixg.c} "$src/tools/msix-guard/"
	date=$(git -C "$MSIXG_REPO" log -1 --format=%aD 2>/dev/null || date -R)
	cat > "$src/debian/changelog" <<-CHANGELOG
	msix-guard ($version) unstable; urgency=medium

	  * Release $version.

	 -- msix-guard developers <msix-guard@localhost>  $date
	CHANGELOG
	rm -f "$top"/*.deb "$top"/*.ddeb
	(cd "$src" && dpkg-buildpackage -b -us -uc) >&2 ||
		msixg_die "dpkg-buildpackage failed"
	ls "$top/msix-guard-dkms_${version}_all.deb"
	;;
*)
	msixg_die "usage: package.sh version|dkms-src|deb"
	;;
esac
