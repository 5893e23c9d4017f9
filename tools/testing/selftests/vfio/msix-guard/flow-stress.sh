# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the stress test: every device of $MSIXG_DEVICES (BDF:FLAGS)
# on msix-guard, stressed for at least $MSIXG_STRESS_SECS seconds (and until
# every case has happened, 4 times that at most), all at once.
# A watchdog turns a hang into a failure with every blocked task's stack
# (sysrq w) on the console, instead of a VM that times out saying nothing.
pids=
for spec in $MSIXG_DEVICES; do
	bdf=${spec%:*}
	msixg_bind "$bdf" "$MSIXG_DRV"
	/msix_guard_test stress "$bdf" "$MSIXG_STRESS_SECS" "${spec##*:}" &
	pids="$pids $!"
done
(
	sleep $((4 * MSIXG_STRESS_SECS + 120))
	echo "MSIXG FAIL global stress-finished-in-time: still running after $((4 * MSIXG_STRESS_SECS + 120)) s"
	echo w > /proc/sysrq-trigger
	dmesg | tail -n 300 | sed 's/^/MSIXG HUNG /'
	poweroff -f
) &
watchdog=$!
for p in $pids; do
	wait "$p"
done
kill "$watchdog" 2>/dev/null
