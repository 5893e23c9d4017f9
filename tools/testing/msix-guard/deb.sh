#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian package: make deb, install it with dpkg (with the headers of
# both kernel lines present), see DKMS build the module for each, remove the
# package, see the module gone.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

krels=()
for line in 6.12 6.1; do
	msixg_prepare_kernel "$line"
	krels+=("$KREL")
done
ver=$("$here/package.sh" version)
# Start clean, whatever an interrupted earlier run left.
for pkg in msix-guard-dkms msix-guard-tools; do
	if dpkg-query -W -f='${Status}' $pkg 2>/dev/null | grep -q 'ok installed'; then
		msixg_dpkg -r $pkg
	fi
done
dkms remove "msix-guard/$ver" --all >/dev/null 2>&1
deb=$("$here/package.sh" deb 2>/dev/null)
msixg_ok "make deb builds msix-guard-dkms_${ver}_all.deb" \
	test "$(basename "$deb")" = "msix-guard-dkms_${ver}_all.deb"
msixg_ok "dpkg -i" msixg_dpkg -i "$deb"
tools=$(ls "$(dirname "$deb")"/msix-guard-tools_"${ver}"_*.deb 2>/dev/null)
msixg_ok "make deb builds msix-guard-tools (msixg)" test -n "$tools"
msixg_ok "dpkg -i msix-guard-tools" msixg_dpkg -i "$tools"
msixg_ok "msixg scan runs from the package" bash -c '/usr/sbin/msixg scan > /dev/null'
msixg_ok "dpkg -r msix-guard-tools" msixg_dpkg -r msix-guard-tools
msixg_ok "msixg gone" test ! -e /usr/sbin/msixg
for k in "${krels[@]}"; do
	msixg_ok "DKMS built and installed for $k" \
		bash -c "dkms status msix-guard/$ver -k $k | grep -q installed &&
			 ls /lib/modules/$k/updates/dkms/msix-guard-vfio-pci.ko*"
done
msixg_ok "dpkg -r" msixg_dpkg -r msix-guard-dkms
for k in "${krels[@]}"; do
	msixg_ok "module gone for $k" \
		bash -c "! ls /lib/modules/$k/updates/dkms/msix-guard-vfio-pci.ko* 2>/dev/null"
done
msixg_ok "nothing left in the DKMS tree" \
	bash -c "[ -z \"\$(dkms status msix-guard)\" ] && [ ! -e /usr/src/msix-guard-$ver ]"
msixg_summary deb
