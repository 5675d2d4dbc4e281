#!/bin/bash
# Memory benchmark (make bench-memory; root): charon's resident set with
# CHILDREN CHILD_SAs up, with the plugin loaded and without it. Two labs of
# tests/lab run side by side (lab_pair.sh: prefixes ${PREFIX}p and ${PREFIX}n,
# kernel-libipsec, no NAT); in lab p the plugin runs a full round every
# second (interval = 1s), so ROUNDS rounds pass in minutes. No CHILD_SA is
# torn down: every record the plugin tracks is an installed CHILD_SA (or
# their IKE_SA). RSS of both gateways of both labs (the lowest and highest
# of ten readings a second apart: between rounds, and with a round's
# memory) is read after a tenth of the rounds and again after all of them,
# counted from when both labs are up; prints the difference per CHILD_SA
# (the goal: <= 2 KiB) and its growth between the two readings (flat), and
# how much of the late difference is code (file-backed) rather than memory.
#
# Usage: tests/bench/memory.sh [CHILDREN] [ROUNDS]   (1000, 200)
#   from the build directory, with DPC_PLUGIN and DPC_CLI set (make
#   bench-memory sets them); DPC_LAB_PREFIX (dpcmem) and DPC_LAB_SCRATCH
#   (${TMPDIR:-/tmp}/dpcmem) name the labs' namespaces and scratch dirs;
#   MEMORY_KEEP_LABS=1 leaves both labs up afterwards (to look into them;
#   tests/lab/down.sh with the same prefixes takes them down).
set -euo pipefail
N=${1:-1000}
ROUNDS=${2:-200}
B=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(cd "$B/../lab" && pwd)
PREFIX=${DPC_LAB_PREFIX:-dpcmem}
SCRATCH=${DPC_LAB_SCRATCH:-${TMPDIR:-/tmp}/dpcmem}
OUT=$SCRATCH/results
PAIR_DPC_EXTRA="interval = 1s
			settle = 1s"
unset DPC_LAB_RUN

die() { echo "memory: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
[ -n "${DPC_PLUGIN:-}" ] && [ -f "$DPC_PLUGIN" ] || die "DPC_PLUGIN must name the built plugin"
[ "$N" -ge 1 ] && [ "$N" -le 5000 ] || die "CHILDREN must be 1..5000"
[ "$ROUNDS" -ge 10 ] || die "ROUNDS must be 10 or more"
mkdir -p "$OUT"

. "$B/lab_pair.sh"

cleanup() {
	[ "${MEMORY_KEEP_LABS:-0}" = 1 ] && return
	in_lab p "$LAB/down.sh" >/dev/null 2>&1 || true
	in_lab n "$LAB/down.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT

rss() { # lab gw: charon's resident set in KiB
	awk '/^VmRSS:/ { print $2 }' "/proc/$(in_lab "$1" lab_charon_pid "$2")/status" 2>/dev/null || echo 0
}
status() { # gw jq-filter: from the plugin's status
	in_lab p lab_dpc "$1" --json 2>/dev/null | jq -r "$2" 2>/dev/null || echo 0
}
rounds() { status gwA '.triggers.rounds_full // 0'; }

# wait until gwA's plugin has run its n-th full round (both gateways run
# them at the same pace)
wait_rounds() { # n
	local t0=$SECONDS
	while [ "$(rounds)" -lt "$1" ]; do
		[ $((SECONDS - t0)) -lt $(($1 * 10 + 120)) ] || die "fewer than $1 rounds after $((SECONDS - t0)) s"
		sleep 2
	done
}

rss_kinds() { # lab gw: charon's anonymous and file-backed resident KiB,
	# the reading with the least anonymous memory of 10 a second apart
	# (between rounds, as rss_range's lowest)
	local f i
	f=/proc/$(in_lab "$1" lab_charon_pid "$2")/status
	for i in $(seq 1 10); do
		awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print a + 0, f + 0 }' \
			"$f" 2>/dev/null || echo 0 0
		sleep 1
	done | sort -n | head -n 1
}

# the late reading's difference split: anonymous (heap, stacks) and
# file-backed (the plugin's code and the libraries it loads, which do not
# grow with the tunnels)
split_reading() {
	local gw
	for gw in gwA gwB; do
		awk -v gw="$gw" -v p="$(rss_kinds p "$gw")" -v n="$(rss_kinds n "$gw")" \
			-v c="$N" 'BEGIN { split(p, P, " "); split(n, M, " ")
			printf "%s RSS difference: anonymous %+.2f KiB per CHILD_SA up, file-backed %+d KiB in all (%+.2f per CHILD_SA)\n",
				gw, (P[1] - M[1]) / c, P[2] - M[2], (P[2] - M[2]) / c }'
	done
}

rss_range() { # lab gw: lowest and highest of 10 readings a second apart
	# (rounds run every second: the lowest is between rounds, the highest
	# sees a round's memory too)
	local i
	for i in $(seq 1 10); do rss "$1" "$2"; sleep 1; done | sort -n | sed -n '1p;$p' | paste -sd' '
}

declare -A early
reading() { # label: RSS of every gateway, with the plugin against without
	local gw p n r
	for gw in gwA gwB; do
		p=$(rss_range p "$gw") n=$(rss_range n "$gw") r=$(status "$gw" '.records.tracked // 0')
		s=$(status "$gw" '.records.slots_kib // 0')
		[ "$1" = early ] && early[$gw]=$(( ${p% *} - ${n% *} ))
		awk -v gw="$gw" -v l="$1" -v p="$p" -v n="$n" -v c="$N" -v r="$r" \
			-v e="${early[$gw]}" -v f="$(rounds)" -v s="$s" 'BEGIN {
			split(p, P, " "); split(n, M, " ")
			printf "%s after %d rounds (%s): charon RSS plugin %d-%d KiB, none %d-%d KiB; between rounds %+.2f KiB per CHILD_SA up, with a round %+.2f (%d records tracked in %d KiB of slots)",
				gw, f, l, P[1], P[2], M[1], M[2], (P[1] - M[1]) / c, (P[2] - M[2]) / c, r, s
			if (l != "early") printf "; between rounds %+d KiB since the early reading", (P[1] - M[1]) - e
			printf "\n" }'
	done
}

echo "memory: $N CHILD_SAs per lab, $ROUNDS full rounds (results in $OUT)"
lab_with_children p & up_p=$!
lab_with_children n & up_n=$!
wait $up_p || die "the plugin's lab did not come up"
wait $up_n || die "the lab without the plugin did not come up"
{
	# the rounds counted from when both labs are up
	r0=$(rounds)
	wait_rounds $((r0 + ROUNDS / 10))
	reading early
	wait_rounds $((r0 + ROUNDS))
	reading late
	split_reading
	for gw in gwA gwB; do
		echo "$gw findings: $(in_lab p lab_dpc "$gw" --json 2>/dev/null |
			jq -r '[.. | objects | select(has("code") and has("severity")) | .code] |
				group_by(.) | map("\(.[0]) x\(length)") | join(", ") |
				if . == "" then "none" else . end' 2>/dev/null || echo unknown)"
	done
} | tee "$OUT/summary.txt"
