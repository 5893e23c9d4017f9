# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the stress test: every device of $MSIXG_DEVICES (BDF:FLAGS)
# on msix-guard, stressed for $MSIXG_STRESS_SECS seconds, all at once.
pids=
for spec in $MSIXG_DEVICES; do
	bdf=${spec%:*}
	msixg_bind "$bdf" "$MSIXG_DRV"
	/msix_guard_test stress "$bdf" "$MSIXG_STRESS_SECS" "${spec##*:}" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
