#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# DKMS for one kernel line: dkms add, build and install the module, run the
# end-to-end smoke flow (one device, every check of the full flow) with the
# DKMS-built module, dkms remove.  The full flow already ran on the same
# source built by make; this proves the DKMS build is that module.
#
# Usage: dkms.sh KERNEL_LINE     (6.12 or 6.1)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
line=${1:?usage: dkms.sh 6.12|6.1}
here=$(cd "$(dirname "$0")" && pwd)

msixg_prepare_kernel "$line"
msixg_need_pkgs dkms
# A copy left installed by an interrupted deb suite would own the DKMS tree.
if dpkg-query -W -f='${Status}' msix-guard-dkms 2>/dev/null | grep -q 'ok installed'; then
	msixg_log "removing the installed msix-guard-dkms package first"
	msixg_dpkg -r msix-guard-dkms
fi
ver=$("$here/package.sh" version)
src=$("$here/package.sh" dkms-src)
dkms remove "msix-guard/$ver" --all >/dev/null 2>&1
rm -rf "/usr/src/msix-guard-$ver"

msixg_ok "dkms add" dkms add "$src"
msixg_ok "dkms build -k $KREL" dkms build "msix-guard/$ver" -k "$KREL"
msixg_ok "dkms install -k $KREL" dkms install "msix-guard/$ver" -k "$KREL"
ko=$(find "/lib/modules/$KREL/updates/dkms" -name 'msix-guard-vfio-pci.ko*' 2>/dev/null | head -n1)
msixg_ok "module installed in updates/dkms" test -n "$ko"
if [ -n "$ko" ]; then
	msixg_ok "module version is $ver" \
		test "$(modinfo -F version "$ko")" = "$ver"
	log=$MSIXG_CACHE/logs/dkms-e2e-$line.log
	mkdir -p "$(dirname "$log")"
	MSIXG_KO=$ko MSIXG_LABEL=e2e-dkms-$line \
		"$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard/run.sh" "$line" smoke > "$log" 2>&1
	grep '^FAIL' "$log"
	msixg_add_counts "$log"
fi

msixg_ok "dkms remove" dkms remove "msix-guard/$ver" --all
msixg_ok "module gone after remove" \
	test -z "$(find "/lib/modules/$KREL/updates/dkms" -name 'msix-guard-vfio-pci.ko*' 2>/dev/null)"
rm -rf "/usr/src/msix-guard-$ver"
msixg_summary "dkms-$line"
