#!/bin/bash
# exclusive: it measures time or memory, so it runs alone (DPC_LAB_JOBS)
# timeout: 420
# Socket load on gwA (charon.threads = 12, DPD every 2s on both gateways,
# 5,000 nftables rules whose generation changes 20 times a second, so that
# every round and trace reads and decodes them again): 64 clients, 16
# looping `trace` and `check` on their connections, 48 connected and silent.
# A CHILD_SA rekey completes within twice its time without the load (median
# of alternating pairs in this run), the load takes no more than one of
# charon's workers (swanctl --stats), DPD is never missed (no retransmit, no
# IKE_SA deleted), finding events still reach a --monitor subscriber, and
# the CLI gets an answer or a clear "busy" (exit 3, "busy" on stderr).
. "$(dirname "$0")/../lib.sh"

PAIRS=${SOCKLOAD_PAIRS:-7}
LOAD=$LAB_SCRATCH/sockload
${CC:-cc} -O2 -Wall -pthread -o "$LOAD" "$LAB_DIR/sockload.c" || { fail "cannot build sockload"; finish; }
lab_up GWA_CHARON_EXTRA="threads = 12" LAB_DPD_DELAY=2s || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
SOCK=$LAB_RUN/gwA/charon.dpc

# a busy gateway: a large ruleset with a set that changes all the time
{
	echo "table inet load {"
	echo "	set bump { type ipv4_addr; }"
	echo "	chain busy { type filter hook forward priority 10; policy accept;"
	for i in $(seq 0 4999); do
		echo "		ip saddr 192.168.$((i / 250)).$((i % 250 + 1)) tcp dport $((1000 + i)) drop"
	done
	echo "	}"
	echo "}"
} | nft_load gwA || finish
lab_exec gwA sh -c 'i=0; while :; do
	nft add element inet load bump "{ 10.255.$((i / 250 % 250)).$((i % 250 + 1)) }"
	i=$((i + 1)); sleep 0.05
done' >/dev/null 2>&1 &
BG_PIDS="$BG_PIDS $!"
LOGA=$(lab_log gwA)
LOGB=$(lab_log gwB)

# wall clock ms of a log line's "HH:MM:SS.mmm" (the lab runs within a day)
log_ms() { # line
	local t=${1%% *}
	echo $(( $(date -d "$(date +%F) ${t%.*}" +%s) * 1000 + 10#${t#*.} ))
}

# one rekey of CHILD_SA net on gwA: ms from `swanctl --rekey` to the new
# CHILD_SA established in gwA's log (30000 if it does not happen in 30s)
rekey_ms() {
	local n0 t0 line i
	n0=$(grep -c 'CHILD_SA net{[0-9]*} established' "$LOGA")
	t0=$(date +%s%3N)
	LAB_SWANCTL_TIMEOUT=30 lab_swanctl gwA --rekey --child net >/dev/null 2>&1
	for i in $(seq 1 600); do
		line=$(grep 'CHILD_SA net{[0-9]*} established' "$LOGA" | sed -n "$((n0 + 1))p")
		[ -n "$line" ] && { echo $(( $(log_ms "$line") - t0 )); return; }
		sleep 0.05
	done
	echo 30000
}

# charon workers busy now (swanctl --stats: total - idle; the stats
# command itself, the watcher, receiver, scheduler... count too)
busy_workers() {
	LAB_SWANCTL_TIMEOUT=30 lab_swanctl gwA --stats 2>/dev/null |
		awk '/^worker threads:/ { gsub(",", ""); print $3 - $5; found = 1 } END { if (!found) print 99 }'
}
# the most busy workers among a few samples
max_busy() {
	local i n max=0
	for i in 1 2 3; do
		n=$(busy_workers); [ "$n" -gt "$max" ] && max=$n; sleep 0.3
	done
	echo "$max"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# the CLI during the load: an answer (exit 0-2) or a clear busy (exit 3,
# "busy" on stderr); anything else (no reply, cannot connect) fails
cli_ok() { # what [options]
	local what=$1 rc=0 err; shift
	err=$("$DPC_CLI" "$@" --timeout 20 --uri "unix://$SOCK" 2>&1 >/dev/null) || rc=$?
	if [ $rc -le 2 ]; then
		CLI_ANSWERED=$((CLI_ANSWERED + 1))
	elif [ $rc = 3 ] && [[ $err == *busy* ]]; then
		CLI_BUSY=$((CLI_BUSY + 1)); note "$what under load: $err"
	else
		CLI_FAILED=$((CLI_FAILED + 1)); fail "$what under load: exit $rc: $err"
	fi
}

CLI_ANSWERED=0 CLI_BUSY=0 CLI_FAILED=0
# a finding event subscriber through the whole run
MON=$LAB_SCRATCH/monitor.out
"$DPC_CLI" --monitor --json --uri "unix://$SOCK" >"$MON" 2>&1 &
BG_PIDS="$BG_PIDS $!"
ike_before=$(lab_swanctl gwA --list-sas 2>/dev/null | grep -o 's2s: #[0-9]*')
load_from=$(wc -l <"$LOGA") load_from_b=$(wc -l <"$LOGB")
idle=() loaded=() busy_idle=0 busy_load=0
for p in $(seq 1 "$PAIRS"); do
	idle+=("$(rekey_ms)")
	b=$(max_busy); [ "$b" -gt "$busy_idle" ] && busy_idle=$b
	"$LOAD" -a 16 -s 48 -t 60 -T 25 "$SOCK" >"$LAB_SCRATCH/load.$p" 2>&1 &
	lpid=$!
	sleep 3
	loaded+=("$(rekey_ms)")
	b=$(max_busy); [ "$b" -gt "$busy_load" ] && busy_load=$b
	cli_ok "--list"
	cli_ok "--trace" --trace --src 10.10.1.10 --dst 10.20.1.10
	kill -TERM "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
	note "pair $p: rekey ${idle[-1]} ms idle, ${loaded[-1]} ms under load; load: $(tr '\n' ';' <"$LAB_SCRATCH/load.$p")"
	sleep 1
done
mi=$(printf '%s\n' "${idle[@]}" | median)
ml=$(printf '%s\n' "${loaded[@]}" | median)
note "rekey median: ${mi} ms idle (${idle[*]}), ${ml} ms under load (${loaded[*]})"
if [ "$ml" -le $(( 2 * mi )) ]; then
	ok "rekey under load within twice its idle time: median $ml ms vs $mi ms"
else
	fail "rekey under load took median $ml ms, more than twice $mi ms idle"
fi

# socket work takes at most one charon worker (the plugin runs it in a
# thread of its own and takes none; the one allowed covers a round job that
# happens to run while sampling)
note "charon workers busy: at most $busy_idle without the load, $busy_load with it (threads = 12)"
if [ "$busy_load" -le $(( busy_idle + 1 )) ]; then
	ok "socket load keeps charon's workers free: $busy_load busy vs $busy_idle idle"
else
	fail "socket load takes charon's workers: $busy_load busy vs $busy_idle without it"
fi

# finding events still reach the subscriber under the load
"$LOAD" -a 16 -s 48 -t 60 -T 25 "$SOCK" >/dev/null 2>&1 &
lpid=$!
sleep 2
lab_exec gwA sysctl -qw net.ipv4.ip_forward=0
for i in $(seq 1 200); do
	grep -q '"forwarding-disabled"' "$MON" && break
	sleep 0.1
done
lab_exec gwA sysctl -qw net.ipv4.ip_forward=1
kill -TERM "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
grep -q '"forwarding-disabled"' "$MON" &&
	ok "the --monitor subscriber got the forwarding-disabled event under load" ||
	fail "no forwarding-disabled event reached --monitor under load: $(tail -c 300 "$MON")"

# the load did happen: looping clients got answers
answered=$(cat "$LAB_SCRATCH"/load.* | awk '$1 == "trace" || $1 == "check" { n += $5 } END { print n + 0 }')
[ "$answered" -gt 0 ] && ok "looping clients got $answered answers" || fail "looping clients got no answer"
[ "$CLI_FAILED" = 0 ] && ok "CLI under load: $CLI_ANSWERED answers, $CLI_BUSY clear busy, nothing else"

# DPD every 2s through the whole run: never a retransmit, no IKE_SA lost
dpd=$(cat <(tail -n +"$load_from" "$LOGA") <(tail -n +"$load_from_b" "$LOGB") | grep -c 'sending DPD request')
[ "$dpd" -gt 0 ] && ok "$dpd DPD requests during the run" || fail "no DPD request seen"
for gw in A B; do
	if [ $gw = A ]; then from=$load_from log=$LOGA; else from=$load_from_b log=$LOGB; fi
	bad=$(tail -n +"$from" "$log" | grep -E 'retransmit [0-9]+ of request|giving up after|DPD timeout|deleting IKE_SA|IKE_SA s2s\[[0-9]+\] state change: [A-Z]+ => DELETING' | head -3)
	[ -z "$bad" ] && ok "gw$gw: no retransmit, no IKE_SA deleted" || fail "gw$gw: $bad"
done
ike_after=$(lab_swanctl gwA --list-sas 2>/dev/null | grep -o 's2s: #[0-9]*')
[ -n "$ike_before" ] && [ "$ike_before" = "$ike_after" ] &&
	ok "IKE_SA $ike_before still up" || fail "IKE_SA changed: '$ike_before' -> '$ike_after'"
lab_is_our_charon "$(lab_charon_pid gwA)" gwA && ok "charon alive" || fail "charon died"
finish
