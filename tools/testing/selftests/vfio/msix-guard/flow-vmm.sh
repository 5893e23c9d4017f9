# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the VMM test: Debian's QEMU, staged into this VM with its
# libraries, gets the nvme and the megasas-gen2 through -device vfio-pci,
# and msix_guard_vmm plays their guest driver (vmm.c).  Twice: on msix-guard,
# then on stock vfio-pci for comparison; each run writes its own 8 MiB
# pattern, which the host checks in the nvme's backing file afterwards.
set -- $MSIXG_DEVICES
nvme=${1%:*}
mega=${2%:*}
for d in /sys/bus/pci/devices/*; do
	echo "MSIXG RES ${d##*/} $(tr '\n' ' ' < "$d/resource")"
done

# vmm_run DRIVER SEED FIRST_LBA TAG
vmm_run() {
	msixg_bind "$nvme" "$1"
	msixg_bind "$mega" "$1"
	echo "MSIXG VMM-RUN $4 $1"
	/msix_guard_vmm /usr/bin/qemu-system-x86_64 "$nvme" "$mega" "$2" "$3" "$4"
	echo "MSIXG RC vmm-$1 $?"
	sed "s/^/MSIXG L2 $4 /" /tmp/msixg-l2.trace
}
vmm_run "$MSIXG_DRV" 1 0 1
vmm_run vfio-pci 2 16384 2
