#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# msix-guard end-to-end test: boot Debian's kernel in QEMU (TCG, q35,
# intel-iommu) with emulated MSI-X devices, bind them to vfio-pci and then
# to msix-guard, drive the VFIO device fd from a static C program, and
# check the results against QEMU's trace of what reached the device model.
#
# Usage: run.sh [KERNEL_LINE [check|smoke|stress|parity|vmm]]   (6.12, check)
#   check:  the functional test of every device
#   smoke:  the same on the megasas-gen2 alone (a module already proven by
#           check, built another way, e.g. by DKMS)
#   stress: random trapped accesses racing decode toggles, resets and
#           re-opens, on two devices at once, for MSIXG_STRESS_SECS (20)
#   parity: the same operations (parity.c; MSIXG_PARITY_SEED, _OPS) on two
#           identical devices, one on stock vfio-pci, one on msix-guard:
#           results and traces must agree but for the documented classes
#   vmm:    Debian's QEMU inside the VM drives an nvme and a megasas through
#           -device vfio-pci, a test program playing their guest driver
#           (vmm.c), on msix-guard and then on stock vfio-pci
# MSIXG_KO=path: test that module (e.g. DKMS-built) instead of building one.
# MSIXG_RINFO_REF=CONSOLE: the region info of the MSI-X BARs must equal what
# the VM of that console (another kernel line's run) reported.
# Output ends with "e2e-LINE: N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../msix-guard/lib.sh"

line=${1:-6.12}
flow=${2:-check}
work=$MSIXG_CACHE/e2e-$line-$flow
rm -rf "$work" && mkdir -p "$work"

msixg_prepare_kernel "$line"
msixg_log "kernel $KREL"
gflow=$flow
[ "$flow" = smoke ] && gflow=check
[ "$flow" = vmm ] && msixg_stage_qemu "$work/root"
msixg_stage_vm "$work" "$here/flow-$gflow.sh" "${MSIXG_KO:-}"
truncate -s 1M "$work/nvme.img"

# BDF:FLAGS for the guest (1: adjacent registers backed by the device
# model, 2: supports VFIO_DEVICE_RESET); the QEMU devices at those slots.
qdevs=(-device megasas-gen2,addr=03.0
	-device qemu-xhci,addr=04.0
	-device virtio-rng-pci,addr=05.0
	-drive if=none,id=nvm,format=raw,file="$work/nvme.img"
	-device nvme,serial=msixg,drive=nvm,addr=06.0)
if [ "$flow" = stress ]; then
	devices="0000:00:03.0:1 0000:00:06.0:2"
	label=${MSIXG_LABEL:-stress-$line}
	secs=${MSIXG_STRESS_SECS:-20}
	tmo=$((secs * 4 + 300))
elif [ "$flow" = parity ]; then
	qdevs=(-device megasas-gen2,addr=03.0 -device megasas-gen2,addr=04.0)
	devices="0000:00:03.0:0 0000:00:04.0:0"
	label=${MSIXG_LABEL:-parity-$line}
	secs=0
	tmo=900
elif [ "$flow" = vmm ]; then
	# Two 8 MiB patterns, one per run.
	truncate -s 20M "$work/nvme.img"
	qdevs=(-device megasas-gen2,addr=03.0
		-drive if=none,id=nvm,format=raw,file="$work/nvme.img"
		-device nvme,serial=msixg,drive=nvm,addr=06.0)
	devices="0000:00:06.0:0 0000:00:03.0:0"
	label=${MSIXG_LABEL:-vmm-$line}
	secs=0
	tmo=600
elif [ "$flow" = smoke ]; then
	qdevs=(-device megasas-gen2,addr=03.0)
	devices="0000:00:03.0:1"
	label=${MSIXG_LABEL:-smoke-$line}
	secs=0
	tmo=600
else
	devices="0000:00:03.0:1 0000:00:04.0:0 0000:00:05.0:0 0000:00:06.0:2"
	label=${MSIXG_LABEL:-e2e-$line}
	secs=0
	tmo=600
fi
ndev=$(wc -w <<<"$devices")

msixg_log "booting the VM (TCG)"
rc=0
msixg_boot "$work/vm" "$tmo" "MSIXG_DEVICES=\"$devices\" MSIXG_STRESS_SECS=$secs \
MSIXG_PARITY_SEED=${MSIXG_PARITY_SEED:-1} MSIXG_PARITY_OPS=${MSIXG_PARITY_OPS:-2000}" -- \
	"${qdevs[@]}" || rc=$?

ok=0
if [ "$flow" = vmm ]; then
	msixg_python "$here/check_vmm.py" --console "$work/vm.console" \
		--trace "$work/vm.trace" --disk "$work/nvme.img" --qemu-rc "$rc" \
		--label "$label" || ok=$?
	[ "$ok" -ne 0 ] || rm -f "$work/vm.trace"
	exit "$ok"
fi
if [ "$flow" = parity ]; then
	msixg_python "$here/check_parity.py" --console "$work/vm.console" \
		--trace "$work/vm.trace" --qemu-rc "$rc" --label "$label" || ok=$?
	[ "$ok" -ne 0 ] || rm -f "$work/vm.trace"
	exit "$ok"
fi
msixg_python "$here/check_trace.py" --console "$work/vm.console" \
	--trace "$work/vm.trace" --qemu-rc "$rc" --label "$label" \
	--expect-devices "$ndev" $([ "$flow" = stress ] && echo --stress) \
	${MSIXG_RINFO_REF:+--rinfo-ref "$MSIXG_RINFO_REF"} || ok=$?
# The trace is large; it is kept only to debug a failure.
[ "$ok" -ne 0 ] || rm -f "$work/vm.trace"
exit "$ok"
