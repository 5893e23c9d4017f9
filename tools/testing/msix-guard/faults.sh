#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The faults suite, on the debug kernel (lockdep, KASAN, kmemleak, fault
# injection; debug-kernel.sh): allocation failures in open, the first
# trapped access and region info; a device removed under an open fd by
# QEMU's device_del; AER errors injected by QEMU above a device on
# msix-guard and one on stock vfio-pci; rmmod; no leaks.  The guest
# prints its monitor requests on the console and qmp_relay.py sends them
# to QEMU's QMP socket; the relay's log is checked here.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard

work=$MSIXG_CACHE/faults-vm
msixg_stage_debug_vm "$work" "$sel/flow-faults.sh"
msixg_need_pkgs python3
truncate -s 1M "$work/gone1.img"

# The hot-plug root ports use ACPI hot-plug (q35's default): with native
# PCIe hot-plug, 6.12's pciehp itself makes lockdep report a circular
# dependency at every removal (it takes its reset_lock back while holding
# pci_rescan_remove_lock), and a device that pciehp's slot reset resets at
# open adds a cycle through vfio's locks (seen with stock vfio-pci too);
# lockdep is off for the rest of the boot after its first report.  AER is
# the kernel's own (pcie_ports=native); errors are injected at the ports
# (device_faults.c says why).  e1000e resets by PM, not through the port.
port() {	# port N ADDR: a hot-plug root port rpN in slot ADDR
	echo "-device pcie-root-port,id=rp$1,chassis=$1,slot=$1,addr=$2"
}
qdevs=(-device megasas-gen2,addr=03.0
	$(port 1 07.0) -drive if=none,id=g1,format=raw,file="$work/gone1.img"
	-device nvme,id=gone1,bus=rp1,serial=gone1,drive=g1
	$(port 3 09.0) -device e1000e,id=aer1,bus=rp3,romfile=
	$(port 4 0a.0) -device e1000e,id=aer2,bus=rp4,romfile=
	-qmp "unix:$work/vm.qmp,server=on,wait=off")
faults="0000:00:03.0 gone1@0000:00:07.0 aer1@0000:00:09.0 aer2@0000:00:0a.0"

msixg_log "booting the debug kernel (TCG; slow: lockdep and KASAN)"
/usr/bin/python3 "$sel/qmp_relay.py" --qmp "$work/vm.qmp" \
	--console "$work/vm.console" --log "$work/qmp.log" &
relay=$!
rc=0
msixg_boot "$work/vm" 420 "pcie_ports=native sysctl.kernel.hung_task_timeout_secs=60 MSIXG_FAULTS=\"$faults\"" -- "${qdevs[@]}" || rc=$?
# It follows every boot (msixg_boot may boot twice): done when QEMU is.
kill "$relay" 2>/dev/null
wait "$relay"

# The console's checks (counted from the checker's summary line; no line,
# one failure).
msixg_python "$sel/check_trace.py" --console "$work/vm.console" --trace "$work/vm.trace" \
	--qemu-rc "$rc" --label faults-kernel --stress > "$work/check.out"
cat "$work/check.out"
msixg_add_counts "$work/check.out"
# What QEMU did for the guest's requests.
qmp() { grep -q "$1" "$work/qmp.log"; }
msixg_ok "qmp: device_del gone1 accepted" \
	bash -c "grep -A1 '\"execute\": \"device_del\", \"arguments\": {\"id\": \"gone1\"}' \
		'$work/qmp.log' | grep -qx '{\"return\": {}}'"
msixg_ok "qmp: gone1 deleted (the guest ejected it)" \
	qmp '"event": "DEVICE_DELETED", "data": {"device": "gone1"'
msixg_ok "qmp: two AER injections, both accepted" \
	test "$(grep -c '"command-line": "pcie_aer_inject_error' "$work/qmp.log")" -eq 2 -a \
	"$(grep -c '^{"return": "OK id: rp[34] ' "$work/qmp.log")" -eq 2
[ "$MSIXG_FAIL" -ne 0 ] || rm -f "$work/vm.trace"
msixg_summary faults-6.12
