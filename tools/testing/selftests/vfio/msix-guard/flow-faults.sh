# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the faults suite, on the debug kernel: allocation failures
# (faults.c), devices removed and AER errors injected under open fds
# (device_faults.c; the host relays the monitor requests it prints), then
# rmmod; nothing of msix-guard or vfio may leak, and lockdep must still be
# on at the end.  $MSIXG_FAULTS: the BDF for allocation failures, then
# QEMU_ID@ROOT_PORT for each device behind a hot-plug port.
mount -t debugfs none /sys/kernel/debug
set -- $MSIXG_FAULTS
alloc=$1
shift
for spec; do
	d=$(basename "$(ls -d "/sys/bus/pci/devices/${spec#*@}"/0000:??:??.? 2>/dev/null | head -n1)")
	eval "${spec%@*}=$d"
	echo "MSIXG INFO global ${spec%@*} is $d behind ${spec#*@}," \
		"resets: $(cat "/sys/bus/pci/devices/$d/reset_method" 2>/dev/null)"
done

# Allocation failures, one point after another, in opening a device, its
# first trapped access and region info (faults.c).  Injected failures only
# for the test task (fail-nth), also for GFP_KERNEL and order-0 pages,
# without a stack dump each (the console checker would take it for a
# kernel report).
echo N > /sys/kernel/debug/failslab/ignore-gfp-wait
echo 0 > /sys/kernel/debug/failslab/verbose
echo N > /sys/kernel/debug/fail_page_alloc/ignore-gfp-wait
echo 0 > /sys/kernel/debug/fail_page_alloc/min-order
echo 0 > /sys/kernel/debug/fail_page_alloc/verbose
echo clear > /sys/kernel/debug/kmemleak
# On a megasas-gen2: an nvme resets at each open (FLR), and ~80 opens of
# it would take a minute more.
t0=$(date +%s)
msixg_bind "$alloc" "$MSIXG_DRV"
/msix_guard_faults "$alloc" ||
	echo "MSIXG FAIL $alloc faults: exit status $?"
echo "MSIXG INFO global faults took $(($(date +%s) - t0)) s"

# A device removed by QEMU's device_del under an open fd and a thread of
# trapped accesses.
msixg_bind "$gone1" "$MSIXG_DRV"
/msix_guard_devfaults remove "$gone1" gone1 ||
	echo "MSIXG FAIL $gone1 remove: exit status $?"

# The same AER error at the ports above a device on stock vfio-pci and one
# on msix-guard (QEMU ids rp3, rp4).
msixg_bind "$aer1" vfio-pci
msixg_bind "$aer2" "$MSIXG_DRV"
/msix_guard_devfaults aer "$aer1" rp3 "$aer2" rp4 ||
	echo "MSIXG FAIL $aer2 aer: exit status $?"

# What the kernel said of the removal and the AER errors, for the record.
dmesg | grep -E 'AER|acpiphp|pcieport|vfio' | sed 's/^/MSIXG DMESG /'

# msixg_leaks NAME [LO HI]: a kmemleak scan (it reports objects at least
# 5 s old); a report of msix-guard or vfio, or with a return address in
# LO-HI (an unloaded module's text: printed as a bare 0x... address, no
# name resolves it any more), fails NAME.
msixg_leaks() {
	sleep 6
	if ! echo scan > /sys/kernel/debug/kmemleak ||
	   ! cat /sys/kernel/debug/kmemleak > /tmp/leaks; then
		echo "MSIXG FAIL global $1: no kmemleak scan"
		return
	fi
	sed "s/^/MSIXG LEAK $1 /" /tmp/leaks
	if grep -qE 'msixg_|vfio_|msix_guard' /tmp/leaks ||
	   { [ -n "${2:-}" ] && grep -o '0x[0-9a-f]\{16\}' /tmp/leaks | cut -c3- |
	     awk -v lo="$2" -v hi="$3" '$1 >= lo && $1 < hi { f = 1 } END { exit !f }'; }; then
		echo "MSIXG FAIL global $1: kmemleak reports objects of msix-guard or vfio"
	else
		echo "MSIXG PASS global $1 ($(grep -c 'unreferenced object' /tmp/leaks) unrelated reports)"
	fi
	echo clear > /sys/kernel/debug/kmemleak
}
msixg_leaks no-leaks

# rmmod with devices still bound (their remove runs now), then its leaks.
set -- $(grep '^msix_guard_vfio_pci ' /proc/modules)
size=${2:-0}
base=${6#0x}
[ "$((0x${base:-0}))" -ne 0 ] && [ "$size" -ne 0 ] ||
	echo "MSIXG FAIL global module-text-known: /proc/modules shows no address"
end=$(printf '%016x' $((0x${base:-0} + size)))
if rmmod msix-guard-vfio-pci && [ ! -e /sys/bus/pci/drivers/msix-guard-vfio-pci ] &&
   [ -z "$(msixg_driver_of "$alloc")" ]; then
	echo "MSIXG PASS global rmmod"
else
	echo "MSIXG FAIL global rmmod: still loaded or still bound"
fi
msixg_leaks no-leaks-after-rmmod "$base" "$end"
if grep -qE 'debug_locks: +1' /proc/lockdep_stats 2>/dev/null; then
	echo "MSIXG PASS global lockdep-on-to-the-end"
else
	echo "MSIXG FAIL global lockdep-on-to-the-end: lockdep off or absent"
fi
