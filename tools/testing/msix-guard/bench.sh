#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench`: boot Debian's kernel in QEMU with two identical
# megasas-gen2, one bound to stock vfio-pci and one to msix-guard (and then
# swapped), and print side by side, measured in one run: the cost of each
# operation for each driver and their ratio (trapped accesses, accesses
# msix-guard hands to the core, config writes that do or do not toggle
# decode, the mmap floor), then the in-kernel cache lock figures: reader
# throughput with one and two readers and the latency of one isolated
# invalidation.  Figures, not a test: nothing here passes or fails on a
# number.
#
# Two VMs.  The first runs with QEMU's -icount shift=0: guest time advances
# one nanosecond per guest instruction, so its figures count instructions,
# the same on every run and on any host load -- what the driver's code
# costs, free of the emulator's noise (TCG's software TLB alone moves the
# wall-clock ratio of two identical mmap reads by 30%).  The second runs as
# the tests do (multi-threaded TCG, 2 vCPUs): wall-clock figures for the
# same operations, for comparison, and the lock benchmark, which needs two
# vCPUs really running at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard

line=${1:-6.12}
work=$MSIXG_CACHE/bench-$line
rm -rf "$work" && mkdir -p "$work/root/lib/modules" "$work/benchmod"

msixg_prepare_kernel "$line"
cp "$MSIXG_REPO/tools/testing/msix-guard/bench/"{Kbuild,msix_guard_bench.c} \
	"$MSIXG_REPO/drivers/vfio/pci/msix-guard/"{cache.c,cache.h,compat.h,layout.h} \
	"$work/benchmod/"
make -s -C "$KDIR" M="$work/benchmod" modules >&2 ||
	msixg_die "building the benchmark module failed"
cp "$work/benchmod/msix-guard-bench.ko" "$work/root/lib/modules/"
msixg_stage_vm "$work" "$sel/flow-bench.sh"

msixg_log "booting Debian $KREL under QEMU twice (TCG, 2 vCPUs) with two megasas-gen2"
cp "$work/vm.cpio.gz" "$work/icount.cpio.gz"
cp "$work/vm.cpio.gz" "$work/wall.cpio.gz"
# MSIXG_BENCH_VMS: the VMs to run (default "icount wall").
for vm in ${MSIXG_BENCH_VMS:-icount wall}; do
	rc=0
	qemu=()
	[ $vm = icount ] && qemu=(-icount shift=0,sleep=off)
	msixg_boot "$work/$vm" 900 "msixg_bench=$vm" -- "${qemu[@]}" \
		-device megasas-gen2,addr=03.0 -device megasas-gen2,addr=04.0 ||
		rc=$?
	[ "$rc" -eq 0 ] || msixg_die "the VM failed (rc $rc): see $work/$vm.console"
	grep -q '^MSIXG BENCH' "$work/$vm.console" ||
		msixg_die "no figures: see $work/$vm.console"
done

# bench_table CONSOLE TITLE: per row, the median of each driver over all
# passes, and the geometric mean of the passes' ratios with their spread.
bench_table() {
	tr -d '\r' < "$1" | awk -v title="$2" '
/^MSIXG BENCH / {
	op = $3
	name[op] = $7; for (i = 8; i <= NF; i++) name[op] = name[op] " " $i
	n[op]++; a[op, n[op]] = $4; b[op, n[op]] = $5; lr[op] += log($6)
	if (!(op in lo) || $6 < lo[op]) lo[op] = $6
	if (!(op in hi) || $6 > hi[op]) hi[op] = $6
	if (op > last) last = op
}
/^MSIXG LOCKBENCH / { lock[++nl] = substr($0, 17) }
function median(arr, op, k,   v, i, j, t) {
	for (i = 1; i <= k; i++) v[i] = arr[op, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
END {
	printf "\n%s, %d passes\n", title, n[0]
	printf "%-44s %10s %10s %7s  %s\n", "", "vfio-pci", "msix-guard",
		"ratio", "passes"
	for (op = 0; op <= last; op++)
		printf "%-44s %10d %10d %6.2fx  %.2f-%.2f\n", name[op],
			median(a, op, n[op]), median(b, op, n[op]),
			exp(lr[op] / n[op]), lo[op], hi[op]
	if (nl) printf "\nin-kernel cache lock, fake backend (2 vCPUs):\n"
	for (i = 1; i <= nl; i++) print "  " lock[i]
}'
}
[ -f "$work/icount.console" ] && bench_table "$work/icount.console" \
	"guest instructions per operation (QEMU -icount; exact, the same every run)"
[ -f "$work/wall.console" ] && bench_table "$work/wall.console" \
	"wall-clock ns per operation (multi-threaded TCG; noisy, for comparison)"
echo
