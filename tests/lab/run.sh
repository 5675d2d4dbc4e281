#!/bin/bash
# Run the lab scenarios (root): every tests/lab/scenarios/NN-name.sh, or the
# ones named as arguments (NN, name or NN-name), each in a fresh lab.
# Prints one PASS/FAIL line per scenario (a failed one is followed by its
# output) and a final line "N passed, N failed"; exits 1 if any failed.
#
# Env: DPC_PLUGIN  absolute path of the built plugin (.libs/libstrongswan-dataplane-check.so)
#      DPC_CLI     absolute path of the built dataplane-check client
#      DPC_LAB_SCENARIO_TIMEOUT  seconds per scenario (180; a scenario may say
#                  "# timeout: N" in its header)
#      DPC_LAB_VERBOSE=1  print every scenario's output, not only failures
#      DPC_LAB_JOBS  lanes run at once (1): each lane is a lab of its own
#                  (prefix <prefix>1, <prefix>2, ..., scratch <scratch>/laneN)
#                  taking every Nth scenario; a scenario whose header says
#                  "# exclusive" (it measures time or memory) runs alone after
#                  the lanes
# Results (logs, configs, output of each scenario) stay in
# ${DPC_LAB_SCRATCH:-${TMPDIR:-/tmp}/dpclab}/results/<scenario>/.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lab.env"
RESULTS=${DPC_LAB_RESULTS:-$LAB_SCRATCH/results}
export DPC_LAB_RESULTS=$RESULTS

die() { echo "run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || die "the lab tests need root"
[ -n "$DPC_PLUGIN" ] && [ -f "$DPC_PLUGIN" ] || die "DPC_PLUGIN='$DPC_PLUGIN' is not the built plugin (run make; make check-lab sets it)"
case $DPC_CLI in /*) [ -x "$DPC_CLI" ] || die "DPC_CLI='$DPC_CLI' is not executable";; *) command -v "$DPC_CLI" >/dev/null || die "DPC_CLI='$DPC_CLI' not found";; esac
for b in jq ip nft unshare timeout "$CHARON" "$SWANCTL"; do
	command -v "$b" >/dev/null || die "missing $b (run ./bootstrap)"
done
export DPC_PLUGIN DPC_CLI

# one run per lab prefix at a time: namespaces of that name are
# machine-wide, so another checkout's run waits instead of tearing ours
# down; flock -o keeps the lock's descriptor out of the daemons we start
LOCK=/run/lock/dataplane-check-lab-$LAB_PREFIX.lock
if [ -z "${DPC_LAB_LOCKED:-}" ]; then
	export DPC_LAB_LOCKED=1
	flock -n -o "$LOCK" true ||
		echo "run.sh: another lab run is in progress, waiting for it"
	exec flock -o "$LOCK" "$BASH" "${BASH_SOURCE[0]}" "$@"
fi

all=$(cd "$HERE/scenarios" && ls [0-9][0-9]-*.sh 2>/dev/null | sed 's/\.sh$//')
if [ $# -eq 0 ]; then
	list=$all
else
	list=""
	for a in "$@"; do
		a=${a%.sh}; a=${a##*/}
		m=$(printf '%s\n' $all | awk -v a="$a" '$0 == a || substr($0, 4) == a || substr($0, 1, 2) == a')
		[ -n "$m" ] || die "no scenario '$a' (have: $(echo $all))"
		list="$list $m"
	done
fi

# lanes: the scenarios shared out to DPC_LAB_JOBS runs of this script, each
# with its own namespaces and scratch; exclusive ones run alone afterwards
JOBS=${DPC_LAB_JOBS:-1}
if [ "$JOBS" -gt 1 ] && [ -z "${DPC_LAB_LANE:-}" ]; then
	shared=""; alone=""
	for s in $list; do
		if grep -q '^# exclusive' "$HERE/scenarios/$s.sh"; then
			alone="$alone $s"
		else
			shared="$shared $s"
		fi
	done
	T0=$(lab_now)
	mkdir -p "$RESULTS"
	pids=""; i=0
	for lane in $(seq 1 "$JOBS"); do
		mine=$(printf '%s\n' $shared | awk -v n="$JOBS" -v l="$lane" 'NR % n == l % n')
		[ -n "$mine" ] || continue
		DPC_LAB_LANE=$lane DPC_LAB_PREFIX=$LAB_PREFIX$lane \
			DPC_LAB_SCRATCH=$LAB_SCRATCH/lane$lane DPC_LAB_RUN= \
			DPC_LAB_RESULTS=$RESULTS DPC_LAB_LOCKED= \
			"$BASH" "${BASH_SOURCE[0]}" $mine >"$RESULTS/.lane$lane.out" 2>&1 &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do wait "$p" || rc=1; done
	if [ -n "$alone" ]; then
		DPC_LAB_LANE=alone "$BASH" "${BASH_SOURCE[0]}" $alone >"$RESULTS/.alone.out" 2>&1 || rc=1
	fi
	passed=0; failed=0
	for f in "$RESULTS"/.lane*.out "$RESULTS/.alone.out"; do
		[ -f "$f" ] || continue
		sed '/^lab scenarios took /d; /^[0-9]* passed, [0-9]* failed$/d' "$f"
		n=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$f")
		[ -n "$n" ] || { echo "run.sh: ${f##*/}: a lane did not finish"; rc=1; continue; }
		passed=$((passed + ${n% *})); failed=$((failed + ${n#* }))
	done
	echo "lab scenarios took $(lab_since "$T0")s in $JOBS lanes"
	echo "$passed passed, $failed failed"
	[ $rc = 0 ] && [ $failed = 0 ]
	exit
fi

cleanup() { "$HERE/down.sh" >/dev/null 2>&1 || "$HERE/down.sh" >&2; }
trap 'echo "run.sh: interrupted" >&2; cleanup; exit 130' INT TERM

passed=0; failed=0; failed_names=""
T0=$(lab_now)
mkdir -p "$RESULTS"
for s in $list; do
	f=$HERE/scenarios/$s.sh
	name=${s#[0-9][0-9]-}
	t=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$f" | head -n1)
	t=${t:-${DPC_LAB_SCENARIO_TIMEOUT:-180}}
	mkdir -p "$RESULTS/$s"
	out=$RESULTS/$s.out
	t1=$(lab_now)
	SCEN_NAME=$s timeout -k 30 "$t" bash "$f" >"$out" 2>&1
	rc=$?
	# the scenario tears its lab down; this makes sure of it
	if ! "$HERE/down.sh" >"$RESULTS/.down-$LAB_PREFIX.out" 2>&1; then
		cat "$RESULTS/.down-$LAB_PREFIX.out" >>"$out"; rc=1
	fi
	dt=$(lab_since "$t1")
	[ $rc = 124 ] && echo "  FAIL timed out after ${t}s" >>"$out"
	if [ $rc = 0 ]; then
		passed=$((passed + 1))
		printf 'PASS %-24s %6ss\n' "$name" "$dt"
		[ "${DPC_LAB_VERBOSE:-0}" = 1 ] && cat "$out"
	else
		failed=$((failed + 1)); failed_names="$failed_names $name"
		printf 'FAIL %-24s %6ss  (rc %s; output and logs in %s)\n' "$name" "$dt" "$rc" "$RESULTS/$s"
		cat "$out"
	fi
done
echo "lab scenarios took $(lab_since "$T0")s${failed_names:+; failed:$failed_names}"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
