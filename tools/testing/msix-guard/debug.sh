#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The debug kernel suite: build (or reuse) the x86_64 debug kernel with
# lockdep, KASAN, UBSAN and atomic-sleep checks (debug-kernel.sh), boot it
# in QEMU, load msix-guard and its KUnit module (the suites run at load),
# check their results and run the stress flow on it.  Any checker report
# fails the suite.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard

work=$MSIXG_CACHE/debug-vm
msixg_stage_debug_vm "$work" "$sel/flow-debug.sh"
truncate -s 1M "$work/nvme.img"
secs=${MSIXG_STRESS_SECS:-30}

msixg_log "booting the debug kernel (TCG; slow: lockdep and KASAN)"
rc=0
msixg_boot "$work/vm" $((4 * secs + 360)) \
	"sysctl.kernel.hung_task_timeout_secs=60 MSIXG_DEVICES=\"0000:00:03.0:1 0000:00:06.0:2\" MSIXG_STRESS_SECS=$secs" -- \
	-device megasas-gen2,addr=03.0 \
	-drive if=none,id=nvm,format=raw,file="$work/nvme.img" \
	-device nvme,serial=msixg,drive=nvm,addr=06.0 || rc=$?

ok=0
msixg_python "$sel/check_trace.py" --console "$work/vm.console" --trace "$work/vm.trace" \
	--qemu-rc "$rc" --label debug-kernel --expect-devices 2 --stress \
	--expect-kunit msix_guard_layout msix_guard_cache || ok=$?
[ "$ok" -ne 0 ] || rm -f "$work/vm.trace"
exit "$ok"
