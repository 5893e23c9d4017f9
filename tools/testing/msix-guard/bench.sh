#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench`: boot Debian's kernel in QEMU with two identical
# megasas-gen2, one bound to stock vfio-pci and one to msix-guard, and print
# side by side, measured in one run: ns per trapped access for each driver
# and their ratio, the mmap floor, and the in-kernel cache lock throughput
# with one and two readers.  Figures, not a test: nothing here passes or
# fails on a number.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard

line=${1:-6.12}
work=$MSIXG_CACHE/bench-$line
rm -rf "$work" && mkdir -p "$work/root/lib/modules" "$work/benchmod"

msixg_prepare_kernel "$line"
cp "$MSIXG_REPO/tools/testing/msix-guard/bench/"{Kbuild,msix_guard_bench.c} \
	"$MSIXG_REPO/drivers/vfio/pci/msix-guard/"{cache.c,cache.h,layout.h} \
	"$work/benchmod/"
make -s -C "$KDIR" M="$work/benchmod" modules >&2 ||
	msixg_die "building the benchmark module failed"
cp "$work/benchmod/msix-guard-bench.ko" "$work/root/lib/modules/"
msixg_stage_vm "$work" "$sel/flow-bench.sh"

msixg_log "booting Debian $KREL under QEMU (TCG, 2 vCPUs) with two megasas-gen2"
rc=0
msixg_boot "$work/vm" 900 "" -- -device megasas-gen2,addr=03.0 \
	-device megasas-gen2,addr=04.0 || rc=$?
[ "$rc" -eq 0 ] || msixg_die "the VM failed (rc $rc): see $work/vm.console"

tr -d '\r' < "$work/vm.console" | awk '
/^MSIXG BENCH / {
	if (!hdr++) {
		printf "\n%-42s %12s %12s %8s\n", "ns per access (median of 31 rounds)",
			"vfio-pci", "msix-guard", "ratio"
	}
	name = $7; for (i = 8; i <= NF; i++) name = name " " $i
	printf "%-42s %12d %12d %7.2fx\n", name, $4, $5, $6
}
/^MSIXG LOCKBENCH / {
	if (!lhdr++) printf "\nin-kernel cache lock, fake backend (2 vCPUs):\n"
	sub(/^MSIXG LOCKBENCH /, "  "); print
}'
echo
grep -q '^MSIXG BENCH' "$work/vm.console" || msixg_die "no figures: see $work/vm.console"
