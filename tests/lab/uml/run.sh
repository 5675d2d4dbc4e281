#!/bin/bash
# Run the UML lab scenarios (root): every tests/lab/uml/scenarios/NN-name.sh,
# or the ones named as arguments (NN, name or NN-name), each in its own UML
# boot with a real kernel XFRM/ESP data plane and iptables-legacy.
# Prints one PASS/FAIL line per scenario (a failed one is followed by its
# output) and a final line "N passed, N failed"; exits 1 if any failed.
# When UML cannot run here (not root, prepare.sh fails, UML does not boot)
# it says why, prints "0 passed, 0 failed" and exits 0.
#
# Env: DPC_PLUGIN  absolute path of the built plugin (.libs/libstrongswan-dataplane-check.so)
#      DPC_CLI     absolute path of the built dataplane-check client
#      DPC_UML_JOBS  scenarios run at once (2 with 2 or more CPUs, else 1;
#                  each UML uses one CPU)
#      DPC_UML_SCENARIO_TIMEOUT  seconds per scenario (180; a scenario may
#                  say "# timeout: N" in its header)
#      DPC_UML_RESULTS  where each scenario's out dir goes
#                  ($UML_HOME/results/<scenario>/: console.txt, lab/gw*/ with
#                  configs, charon logs, last --json)
#      DPC_LAB_VERBOSE=1  print passing scenarios' output too
#      UML_HOME    prepared UML (${TMPDIR:-/tmp}/dpc-uml; prepare.sh runs first)
#      UML_MEM, UML_TMPDIR, UML_KARGS: see run-uml.sh / run-in-uml.sh
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UML_HOME=${UML_HOME:-${TMPDIR:-/tmp}/dpc-uml}
RESULTS=${DPC_UML_RESULTS:-$UML_HOME/results}
# each UML runs on one CPU: by default as many at once as there are CPUs, at most 2
JOBS=${DPC_UML_JOBS:-$( n=$(nproc 2>/dev/null || echo 1); [ "$n" -ge 2 ] && echo 2 || echo 1 )}
export UML_HOME

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
skip() { echo "run.sh: UML lab skipped: $*"; echo "0 passed, 0 failed"; exit 0; }
die() { echo "run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
DPC_PLUGIN=${DPC_PLUGIN:-}; DPC_CLI=${DPC_CLI:-}
case $DPC_PLUGIN in /*) [ -f "$DPC_PLUGIN" ] || die "DPC_PLUGIN='$DPC_PLUGIN' does not exist (run make)";;
	*) die "DPC_PLUGIN='$DPC_PLUGIN' must be the absolute path of the built plugin (make check-uml sets it)";; esac
case $DPC_CLI in /*) [ -x "$DPC_CLI" ] || die "DPC_CLI='$DPC_CLI' is not executable";;
	*) die "DPC_CLI='$DPC_CLI' must be the absolute path of the built dataplane-check";; esac
for b in jq ip iptables-legacy tcpdump ping unshare timeout flock /usr/lib/ipsec/charon /usr/sbin/swanctl; do
	command -v "$b" >/dev/null || die "missing $b (run ./bootstrap)"
done
export DPC_PLUGIN DPC_CLI
case $UML_HOME$RESULTS in *[[:space:]]*) skip "UML_HOME and DPC_UML_RESULTS must not contain spaces (kernel command line)";; esac

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

T0=$(now)
mkdir -p "$RESULTS" || skip "cannot create $RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
# one run at a time per results directory (another checkout's make check
# may use the same default one)
exec {lock}>"$RESULTS/.lock"
if ! flock -n "$lock"; then
	echo "run.sh: another run uses $RESULTS, waiting for it"
	flock "$lock"
fi
if ! "$HERE/prepare.sh" >"$RESULTS/prepare.out" 2>&1; then
	skip "prepare.sh failed: $(tail -n 3 "$RESULTS/prepare.out" | tr '\n' ' ')"
fi

# run one scenario in its own UML; writes $RESULTS/<s>.rc and .time
run_one() { # scenario
	local s=$1 f=$HERE/scenarios/$1.sh t t1 rc
	t=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$f" | head -n 1)
	t=${t:-${DPC_UML_SCENARIO_TIMEOUT:-180}}
	rm -rf "${RESULTS:?}/$s" "$RESULTS/$s".{out,rc,time}
	mkdir -p "$RESULTS/$s"
	t1=$(now)
	SCEN_NAME=$s UML_PASS_ENV="SCEN_NAME" UML_OUT=$RESULTS/$s UML_TIMEOUT=$t \
		"$HERE/run-in-uml.sh" "$f" </dev/null >"$RESULTS/$s.out" 2>&1
	rc=$?
	echo "$rc" >"$RESULTS/$s.rc"
	since "$t1" >"$RESULTS/$s.time"
}

# UML never reached its init: this machine cannot run it (rather than a
# scenario failing)
uml_did_not_boot() { # scenario
	! grep -q '^UML-INIT: init at' "$RESULTS/$1/console.txt" 2>/dev/null
}

report() { # scenario
	local s=$1 name=${1#[0-9][0-9]-} rc dt
	rc=$(cat "$RESULTS/$s.rc"); dt=$(cat "$RESULTS/$s.time")
	[ "$rc" = 124 ] && echo "  FAIL UML ran past its timeout" >>"$RESULTS/$s.out"
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		printf 'PASS %-24s %6ss\n' "$name" "$dt"
		[ "${DPC_LAB_VERBOSE:-0}" = 1 ] && grep -v '^UML-INIT: ' "$RESULTS/$s.out"
	else
		failed=$((failed + 1)); failed_names="$failed_names $name"
		printf 'FAIL %-24s %6ss  (rc %s; output, configs and logs in %s)\n' "$name" "$dt" "$rc" "$RESULTS/$s"
		cat "$RESULTS/$s.out"
	fi
}

trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM
passed=0; failed=0; failed_names=""; first=1
set -- $list
while [ $# -gt 0 ]; do
	batch=""
	for _ in $(seq 1 "$JOBS"); do
		[ $# -gt 0 ] || break
		batch="$batch $1"; shift
	done
	for s in $batch; do run_one "$s" & done
	wait
	for s in $batch; do
		if [ $first = 1 ] && [ "$(cat "$RESULTS/$s.rc")" != 0 ] && uml_did_not_boot "$s"; then
			echo "run.sh: UML did not boot; console of $s:"
			tail -n 15 "$RESULTS/$s.out" | sed 's/^/  /'
			skip "User-Mode Linux cannot run on this machine"
		fi
		first=0
		report "$s"
	done
done
echo "UML scenarios took $(since "$T0")s${failed_names:+; failed:$failed_names}"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
