# SPDX-License-Identifier: GPL-2.0-only
# Guest flow on the debug kernel: the KUnit suites run as their module
# loads (their summaries go to the host), then the stress flow; last, proof
# that the checkers were on and still are (lockdep turns itself off after
# its first report).
insmod /lib/modules/msix-guard-kunit.ko || echo "MSIXG FATAL insmod msix-guard-kunit"
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
if grep -qE 'debug_locks: +1' /proc/lockdep_stats 2>/dev/null; then
	echo "MSIXG PASS global lockdep-on-to-the-end"
else
	echo "MSIXG FAIL global lockdep-on-to-the-end: lockdep off or absent"
fi
