#!/bin/bash
# Setup rate benchmark (make bench-setup; root): how fast charon brings an
# IKE_SA and CHILDREN CHILD_SAs up with the plugin loaded and without it.
# Two labs of tests/lab run side by side (lab_pair.sh: prefixes ${PREFIX}p
# and ${PREFIX}n, kernel-libipsec, no NAT, the plugin's default interval
# and settle in lab p). Each of PAIRS rounds tears gwA's IKE_SA down in
# both labs and brings it up again with all its CHILD_SAs, one `initiate`
# after the other (tests/bench/ike_setup_time), the labs in alternating
# order; rounds run while the plugin reacts to the events of the previous
# ones, as on a gateway. Prints the CHILD_SAs per second of each round, the
# medians and the ratio plugin / none (the goal: >= 0.98).
#
# Usage: tests/bench/setup_rate.sh [CHILDREN] [PAIRS]   (200, 10)
#   from the build directory, with DPC_PLUGIN and DPC_CLI set (make
#   bench-setup sets them); DPC_LAB_PREFIX (dpcsetup) and DPC_LAB_SCRATCH
#   (${TMPDIR:-/tmp}/dpcsetup) name the labs' namespaces and scratch dirs.
set -euo pipefail
N=${1:-200}
PAIRS=${2:-10}
B=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(cd "$B/../lab" && pwd)
TIMER=${IKE_SETUP_TIME:-tests/bench/ike_setup_time}
PREFIX=${DPC_LAB_PREFIX:-dpcsetup}
SCRATCH=${DPC_LAB_SCRATCH:-${TMPDIR:-/tmp}/dpcsetup}
OUT=$SCRATCH/results
unset DPC_LAB_RUN

die() { echo "setup_rate: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
[ -n "${DPC_PLUGIN:-}" ] && [ -f "$DPC_PLUGIN" ] || die "DPC_PLUGIN must name the built plugin"
[ -x "$TIMER" ] || die "$TIMER not built (make tests/bench/ike_setup_time)"
[ "$N" -ge 1 ] && [ "$N" -le 5000 ] || die "CHILDREN must be 1..5000"
mkdir -p "$OUT"

. "$B/lab_pair.sh"

cleanup() {
	in_lab p "$LAB/down.sh" >/dev/null 2>&1 || true
	in_lab n "$LAB/down.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT

measure() { # lab
	local uri ms
	uri="unix://$(lab_run_dir "$1")/gwA/charon.vici"
	if ms=$("$TIMER" "$uri" s2s c "$N" 600 2>>"$OUT/errors.txt"); then
		awk -v n="$N" -v ms="$ms" 'BEGIN { printf "%.1f\n", n * 1000 / ms }' >>"$OUT/$1.txt"
		printf ' %s %7.1f/s' "$([ "$1" = p ] && echo plugin || echo none)" "$(tail -n1 "$OUT/$1.txt")"
	else
		printf ' %s failed' "$1"
	fi
}

median() { sort -n "$OUT/$1.txt" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

echo "setup_rate: $N CHILD_SAs per lab, $PAIRS rounds (results in $OUT)"
rm -f "$OUT"/*.txt
lab_with_children p & up_p=$!
lab_with_children n & up_n=$!
wait $up_p || die "the plugin's lab did not come up"
wait $up_n || die "the lab without the plugin did not come up"

for r in $(seq 1 "$PAIRS"); do
	printf 'round %2d' "$r"
	if [ $((r % 2)) = 1 ]; then measure p; measure n; else measure n; measure p; fi
	echo
done

mp=$(median p); mn=$(median n)
rss() { # lab gw: charon's resident set in KiB
	awk '/^VmRSS:/ { print $2 }' "/proc/$(in_lab "$1" lab_charon_pid "$2")/status" 2>/dev/null || echo 0
}
tracked() { # gw: IKE_SA and CHILD_SA records the plugin keeps (closed ones
	# included, for keep_closed), from its status
	in_lab p lab_dpc "$1" --json 2>/dev/null | jq -r '.records.tracked // 0' 2>/dev/null || echo 0
}
{
	echo "IKE_SA + $N CHILD_SAs brought up on gwA, CHILD_SAs per second, median of $PAIRS:"
	echo "plugin $mp/s, none $mn/s"
	awk -v p="$mp" -v n="$mn" 'BEGIN { if (n > 0) printf "ratio plugin / none: %.3f\n", p / n }'
	# after the rounds: the plugin has seen every CHILD_SA come and go
	for gw in gwA gwB; do
		# findings the plugin keeps (their memory counts with the records')
		echo "$gw findings: $(in_lab p lab_dpc "$gw" --json 2>/dev/null |
			jq -r '[.. | objects | select(has("code") and has("severity")) | .code] |
				group_by(.) | map("\(.[0]) x\(length)") | join(", ") |
				if . == "" then "none" else . end' 2>/dev/null || echo unknown)"
		awk -v gw="$gw" -v p="$(rss p "$gw")" -v n="$(rss n "$gw")" -v c="$N" \
			-v r="$(tracked "$gw")" 'BEGIN {
			printf "%s charon RSS: plugin %d KiB, none %d KiB, %+.1f KiB per CHILD_SA up", gw, p, n, (p - n) / c
			if (r > 0) printf "; %d records tracked (closed ones kept for keep_closed), %+.1f KiB per record", r, (p - n) / r
			printf "\n" }'
	done
} | tee "$OUT/summary.txt"
failed=$(grep -c . "$OUT/errors.txt" 2>/dev/null || true)
[ "${failed:-0}" = 0 ] || { echo "setup_rate: $failed setup(s) failed, see $OUT/errors.txt"; exit 1; }
