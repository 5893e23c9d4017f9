#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# DKMS for one kernel line: dkms add, build and install the module, run the
# end-to-end smoke flow (one device, every check of the full flow) with the
# DKMS-built module, dkms remove.  The full flow already ran on the same
# source built by make; this proves the DKMS build is that module.  For 7.x
# all of it happens in the trixie build root, where those kernels' headers
# live.
#
# Usage: dkms.sh KERNEL_LINE     (6.12, 6.1, 7.3 or 7.2)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
line=${1:?usage: dkms.sh 6.12|6.1|7.3|7.2}
here=$(cd "$(dirname "$0")" && pwd)

msixg_prepare_kernel "$line"
# in_root CMD...: CMD on this host, or in the build root for 7.x.
if [ -n "$KROOT" ]; then
	msixg_root_need_pkgs dkms
	in_root() { msixg_chroot "$KROOT" -- "$@"; }
	srcdir=$KROOT/root/dkms-src
else
	msixg_need_pkgs dkms
	in_root() { "$@"; }
	srcdir=$MSIXG_CACHE/dkms-src
	# A copy left installed by an interrupted deb suite would own the DKMS tree.
	if dpkg-query -W -f='${Status}' msix-guard-dkms 2>/dev/null | grep -q 'ok installed'; then
		msixg_log "removing the installed msix-guard-dkms package first"
		msixg_dpkg -r msix-guard-dkms
	fi
fi
ver=$("$here/package.sh" version)
src=$(MSIXG_DKMS_SRC=$srcdir "$here/package.sh" dkms-src)
moddir=${KROOT}/lib/modules/$KREL/updates/dkms
in_root dkms remove "msix-guard/$ver" --all >/dev/null 2>&1
rm -rf "${KROOT}/usr/src/msix-guard-$ver"

msixg_ok "dkms add" in_root dkms add "${src#"$KROOT"}"
msixg_ok "dkms build -k $KREL" in_root dkms build "msix-guard/$ver" -k "$KREL"
msixg_ok "dkms install -k $KREL" in_root dkms install "msix-guard/$ver" -k "$KREL"
ko=$(find "$moddir" -name 'msix-guard-vfio-pci.ko*' 2>/dev/null | head -n1)
msixg_ok "module installed in updates/dkms" test -n "$ko"
if [ -n "$ko" ]; then
	msixg_ok "module version is $ver" \
		test "$(in_root modinfo -F version "${ko#"$KROOT"}")" = "$ver"
	log=$MSIXG_CACHE/logs/dkms-e2e-$line.log
	mkdir -p "$(dirname "$log")"
	MSIXG_KO=$ko MSIXG_LABEL=e2e-dkms-$line \
		"$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard/run.sh" "$line" smoke > "$log" 2>&1
	grep '^FAIL' "$log"
	msixg_add_counts "$log"
fi

msixg_ok "dkms remove" in_root dkms remove "msix-guard/$ver" --all
msixg_ok "module gone after remove" \
	test -z "$(find "$moddir" -name 'msix-guard-vfio-pci.ko*' 2>/dev/null)"
rm -rf "${KROOT}/usr/src/msix-guard-$ver"
msixg_summary "dkms-$line"
