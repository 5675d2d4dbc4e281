#!/bin/bash
# IKE latency benchmark (make bench-ike; root): the time of one CHILD_SA
# rekey on a gateway pair with CHILDREN CHILD_SAs up under one IKE_SA, in
# three conditions:
#   load   the plugin loaded, a `dataplane-check --check` loop against both
#          gateways (so rounds run back to back) while the rekey runs
#   idle   the same charons, no client (rounds only every 30s and after the
#          rekey's settle delay: the plugin's defaults)
#   none   a second lab whose charons run without the plugin
# Two labs of tests/lab run side by side (prefixes ${PREFIX}p and ${PREFIX}n,
# kernel-libipsec data plane, no NAT). Each of PAIRS rounds measures the
# three conditions once, in an order that rotates through all six
# permutations; a rekey is timed by ike_rekey_time (from vici's `rekey`
# request to charon's child-rekey event, on gwA, the initiator).
# Prints the median, quartiles and range per condition and the medians'
# ratios to `none`.
#
# Usage: tests/bench/ike_latency.sh [CHILDREN] [PAIRS]   (1000, 20)
#   from the build directory, with DPC_PLUGIN and DPC_CLI set (make bench-ike
#   sets them); DPC_LAB_PREFIX (dpcbench) and DPC_LAB_SCRATCH
#   (${TMPDIR:-/tmp}/dpcbench) name the labs' namespaces and scratch dirs;
#   DPC_BENCH_KEEP=1 leaves the labs up at the end (tests/lab/down.sh with
#   the same DPC_LAB_PREFIX/DPC_LAB_SCRATCH plus p or n stops them).
set -euo pipefail
N=${1:-1000}
PAIRS=${2:-20}
B=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(cd "$B/../lab" && pwd)
TIMER=${IKE_REKEY_TIME:-tests/bench/ike_rekey_time}
PREFIX=${DPC_LAB_PREFIX:-dpcbench}
SCRATCH=${DPC_LAB_SCRATCH:-${TMPDIR:-/tmp}/dpcbench}
OUT=$SCRATCH/results
unset DPC_LAB_RUN

die() { echo "ike_latency: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
[ -n "${DPC_PLUGIN:-}" ] && [ -f "$DPC_PLUGIN" ] || die "DPC_PLUGIN must name the built plugin"
command -v "${DPC_CLI:-dataplane-check}" >/dev/null || die "DPC_CLI must name the built client"
[ -x "$TIMER" ] || die "$TIMER not built (make tests/bench/ike_rekey_time)"
[ "$N" -ge 1 ] && [ "$N" -le 60000 ] || die "CHILDREN must be 1..60000"
mkdir -p "$OUT"

. "$B/lab_pair.sh"

LOOP_PIDS=""
stop_loops() {
	local p
	for p in $LOOP_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $LOOP_PIDS; do wait "$p" 2>/dev/null || true; done
	LOOP_PIDS=""
}
cleanup() {
	stop_loops
	[ "${DPC_BENCH_KEEP:-0}" = 1 ] && { echo "ike_latency: labs left up (DPC_BENCH_KEEP=1)"; return; }
	in_lab p "$LAB/down.sh" >/dev/null 2>&1 || true
	in_lab n "$LAB/down.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# a --check loop against both gateways of the plugin lab
start_loops() {
	local gw uri
	for gw in gwA gwB; do
		uri="unix://$(lab_run_dir p)/$gw/charon.dpc"
		( while :; do timeout 60 "${DPC_CLI:-dataplane-check}" --check --uri "$uri" >/dev/null 2>&1 || true; done ) &
		LOOP_PIDS="$LOOP_PIDS $!"
	done
}

measure() { # condition child
	local lab=p uri ms
	[ "$1" = none ] && lab=n
	uri="unix://$(lab_run_dir $lab)/gwA/charon.vici"
	[ "$1" = load ] && { start_loops; sleep 1; }
	if ms=$("$TIMER" "$uri" "$2" 60 2>>"$OUT/errors.txt"); then
		echo "$ms" >>"$OUT/$1.txt"
		printf ' %s %7.1f ms' "$1" "$ms"
	else
		printf ' %s  failed' "$1"
	fi
	[ "$1" = load ] && stop_loops
	# let the old SA's DELETE exchange finish before the next rekey
	sleep 0.5
}

stats() { # condition: n median p25 p75 min max
	sort -n "$OUT/$1.txt" | awk -v c="$1" '
		{ v[NR] = $1 }
		function q(p,  i) { i = int(p * (NR - 1) + 1.5); return v[i] }
		END { if (NR) printf "%-5s %3d %9.1f %9.1f %9.1f %9.1f %9.1f\n",
				c, NR, q(0.5), q(0.25), q(0.75), v[1], v[NR] }'
}

echo "ike_latency: $N CHILD_SAs per lab, $PAIRS rounds of 3 conditions (results in $OUT)"
rm -f "$OUT"/*.txt
# both labs come up at once (each is one IKE_SA's CHILD_SAs one after
# the other: minutes for 1,000)
lab_with_children p & up_p=$!
lab_with_children n & up_n=$!
wait $up_p || die "the plugin's lab did not come up"
wait $up_n || die "the lab without the plugin did not come up"

PERMS=("load idle none" "idle none load" "none load idle" "load none idle" "none idle load" "idle load none")
for r in $(seq 1 "$PAIRS"); do
	child=c$(( (r * 37) % N + 1 ))
	printf 'round %2d %-6s' "$r" "$child"
	for cond in ${PERMS[$(( (r - 1) % 6 ))]}; do
		measure "$cond" "$child"
	done
	echo
done

echo
echo "CHILD_SA rekey time on gwA with $N CHILD_SAs up (ms):"
printf '%-5s %3s %9s %9s %9s %9s %9s\n' cond n median p25 p75 min max
for cond in load idle none; do
	[ -s "$OUT/$cond.txt" ] && stats "$cond"
done | tee "$OUT/summary.txt"
awk '$1 == "none" { none = $3 } { m[$1] = $3 }
	END { if (none > 0) printf "median vs none: load x%.2f, idle x%.2f\n", m["load"] / none, m["idle"] / none }' \
	"$OUT/summary.txt" | tee -a "$OUT/summary.txt"
failed=$(grep -c . "$OUT/errors.txt" 2>/dev/null || true)
[ "${failed:-0}" = 0 ] || { echo "ike_latency: $failed rekey(s) failed, see $OUT/errors.txt"; exit 1; }
