#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Every msix-guard test suite, two at a time (see the lanes below).  Each
# suite's log is kept under the cache; the summary lists the suites in the
# order given, with the wall time of each, and its last line sums them up
# as "N passed, N failed".
#
# Usage: check.sh [SUITE...]   (default: all; see SUITES below)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SUITES=${*:-"lint tools kunit kunit-7.3 e2e-6.12 e2e-6.1 e2e-7.3 parity-6.12 parity-7.3 vmm-6.12 vmm-7.3 stress-6.12 stress-7.3 dkms-6.12 dkms-6.1 dkms-7.3 deb debug faults-6.12 fresh"}
logs=$MSIXG_CACHE/logs
mkdir -p "$logs"
total_pass=0
total_fail=0
start=$SECONDS

# suite_counts LOG: "P F" from the suite's own summary line.
suite_counts() {
	local p f line
	line=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$1" | tail -n1)
	if [ -n "$line" ]; then
		p=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$line")
		f=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$line")
		echo "${p:-0} ${f:-0}"
		return
	fi
	line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n1)
	if [ -n "$line" ]; then
		sed 's/^[^ ]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/' <<<"$line"
		return
	fi
	echo "0 0"
}

# run_suite NAME CMD...: one suite, its log kept; leaves "P F SECONDS" in
# NAME.result and what to show of a failure in NAME.excerpt, and prints its
# line as soon as it ends.
run_suite() {
	local name=$1 log=$logs/$1.log rc=0 p f t0=$SECONDS
	shift
	msixg_log "suite $name (log: $log)"
	"$@" > "$log" 2>&1 || rc=$?
	read -r p f < <(suite_counts "$log")
	# A suite that failed without saying what failed counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		tail -n 40 "$log"
	elif [ "$f" -ne 0 ]; then
		grep -E '^FAIL |\[FAILED\]|EXPECTATION FAILED|ASSERTION FAILED' "$log" | head -n 40
	fi > "$logs/$name.excerpt"
	echo "$p $f $((SECONDS - t0))" > "$logs/$name.result"
	suite_line "$name" "$p" "$f" $((SECONDS - t0))
}

suite_line() {
	printf '%-12s %5d passed, %d failed %6ds\n' "$1:" "$2" "$3" "$4"
}

here=$(cd "$(dirname "$0")" && pwd)
sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard
run_named() {
	local s=$1 ref
	case $s in
	lint) run_suite lint "$here/lint.sh" 6.12 6.1 7.3 7.2 ;;
	tools) run_suite tools "$here/tools.sh" ;;
	kunit) run_suite kunit "$here/kunit.sh" 6.12 ;;
	kunit-7.3) run_suite kunit-7.3 "$here/kunit.sh" 7.3 ;;
	e2e-6.*) run_suite "$s" "$sel/run.sh" "${s#e2e-}" ;;
	# 7.x reports the MSI-X BARs' region info as 6.12 did, in this run
	# (e2e-6.12 runs before it, in the same lane).
	e2e-*)
		ref=
		[[ " $SUITES " == *" e2e-6.12 "* ]] &&
			ref=$MSIXG_CACHE/e2e-6.12-check/vm.console
		MSIXG_RINFO_REF=$ref run_suite "$s" "$sel/run.sh" "${s#e2e-}"
		;;
	stress-*) run_suite "$s" "$sel/run.sh" "${s#stress-}" stress ;;
	parity-*) run_suite "$s" "$sel/run.sh" "${s#parity-}" parity ;;
	vmm-*) run_suite "$s" "$sel/run.sh" "${s#vmm-}" vmm ;;
	dkms-*) run_suite "$s" "$here/dkms.sh" "${s#dkms-}" ;;
	deb) run_suite deb "$here/deb.sh" ;;
	debug) run_suite debug "$here/debug.sh" ;;
	faults-6.12) run_suite faults-6.12 "$here/faults.sh" ;;
	fresh) run_suite fresh "$here/fresh.sh" ;;
	esac
}

run_lane() {
	local s
	for s in "$@"; do
		run_named "$s"
	done
}

# Two lanes run side by side (MSIXG_LANES=1: everything in one).  A suite
# that is mostly one QEMU VM keeps about one of the two cores busy
# (measured: e2e 0.9, stress 1.2, debug 1.3 cores), so those run in one
# lane and the build-heavy suites in the other.  The VM lane builds only
# its module (an incremental build of a few files) and, when its sources
# or config changed, the debug kernel: then, on a cold cache, two builds
# do run at once.  What both lanes may prepare in the cache is prepared
# under a lock (lib.sh: msixg_locked); the deb and dkms suites, which
# share the host's DKMS tree, stay in one lane.
vm_lane=()
build_lane=()
for s in $SUITES; do
	case $s in
	e2e-* | stress-* | parity-* | vmm-* | debug | faults-6.12) vm_lane+=("$s") ;;
	lint | tools | kunit | kunit-7.3 | dkms-* | deb | fresh) build_lane+=("$s") ;;
	*) msixg_die "unknown suite '$s'" ;;
	esac
	rm -f "$logs/$s.result" "$logs/$s.excerpt"
done
if [ "${MSIXG_LANES:-2}" -eq 1 ]; then
	run_lane $SUITES
else
	run_lane "${vm_lane[@]}" &
	run_lane "${build_lane[@]}" &
	wait
fi

echo
echo "suite        passed, failed   wall time"
for s in $SUITES; do
	cat "$logs/$s.excerpt" 2>/dev/null
	if read -r p f t < "$logs/$s.result"; then
		suite_line "$s" "$p" "$f" "$t"
	else	# its lane died before it ended
		p=0 f=1
		suite_line "$s" 0 1 0
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done 2>/dev/null
printf 'total %34ds\n' $((SECONDS - start))
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
