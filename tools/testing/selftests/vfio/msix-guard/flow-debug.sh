# SPDX-License-Identifier: GPL-2.0-only
# Guest flow on the debug kernel: the KUnit suites built into it ran at
# boot (their summaries go to the host), then the stress flow; last, proof
# that the checkers were on and still are (lockdep turns itself off after
# its first report).
dmesg | grep -E '# msix_guard_[a-z]+: pass:' | sed 's/^.*# /MSIXG KUNIT /'
# Before anything can fill the log ring.
if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
	echo "MSIXG PASS global kasan-on"
else
	echo "MSIXG FAIL global kasan-on: no KASAN in this kernel"
fi
. /flow-stress.sh
# The debugfs files, read and reset under lockdep and KASAN after the stress.
mount -t debugfs none /sys/kernel/debug
n=0
for d in /sys/kernel/debug/msix-guard/*/; do
	cat "$d/layout" "$d/stats" > /dev/null && echo 1 > "$d/reset" &&
		cat "$d/stats" > /dev/null && n=$((n + 1))
done
if [ "$n" -gt 0 ]; then
	echo "MSIXG PASS global debugfs-read-after-stress ($n devices)"
else
	echo "MSIXG FAIL global debugfs-read-after-stress: no device directory"
fi
# Allocation failures, one point after another, in opening a device, its
# first trapped access and region info (faults.c); then nothing of
# msix-guard or vfio may have leaked.  Injected failures only for the test
# task (fail-nth), also for GFP_KERNEL and order-0 pages, without a stack
# dump each (the console checker would take it for a kernel report).
echo N > /sys/kernel/debug/failslab/ignore-gfp-wait
echo 0 > /sys/kernel/debug/failslab/verbose
echo N > /sys/kernel/debug/fail_page_alloc/ignore-gfp-wait
echo 0 > /sys/kernel/debug/fail_page_alloc/min-order
echo 0 > /sys/kernel/debug/fail_page_alloc/verbose
echo clear > /sys/kernel/debug/kmemleak
# On the megasas-gen2 alone: each open of the nvme resets it (FLR), and
# ~80 opens of it would take a minute more.
t0=$(date +%s)
/msix_guard_faults 0000:00:03.0 ||
	echo "MSIXG FAIL 0000:00:03.0 faults: exit status $?"
echo "MSIXG INFO global faults took $(($(date +%s) - t0)) s"
# Kmemleak reports objects at least 5 s old, found unreferenced by a scan.
sleep 6
t0=$(date +%s)
echo scan > /sys/kernel/debug/kmemleak
echo "MSIXG INFO global kmemleak scan took $(($(date +%s) - t0)) s"
cat /sys/kernel/debug/kmemleak > /tmp/leaks
sed 's/^/MSIXG LEAK /' /tmp/leaks
if grep -qE 'msixg_|vfio_|msix_guard' /tmp/leaks; then
	echo "MSIXG FAIL global no-leaks: kmemleak reports objects of msix-guard or vfio"
else
	echo "MSIXG PASS global no-leaks ($(grep -c 'unreferenced object' /tmp/leaks) unrelated reports)"
fi
if grep -qE 'debug_locks: +1' /proc/lockdep_stats 2>/dev/null; then
	echo "MSIXG PASS global lockdep-on-to-the-end"
else
	echo "MSIXG FAIL global lockdep-on-to-the-end: lockdep off or absent"
fi
