#!/bin/bash
# exclusive: it measures time or memory, so it runs alone (DPC_LAB_JOBS)
# Shutdown during a long round: with 150,000 nftables rules (dumping them
# alone takes the kernel seconds) and a round budget of an hour, SIGTERM
# while a round reads the ruleset: charon exits within 5 s, the round is
# aborted instead of waited for.
# timeout: 240
. "$(dirname "$0")/../lib.sh"

RULES=${RULES:-150000}
lab_up GWA_DPC_EXTRA="round_budget = 1h" || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
PID=$(lab_charon_pid gwA)

{
	echo "table inet big {"
	echo "  chain forward { type filter hook forward priority filter; policy accept;"
	for i in $(seq 1 "$RULES"); do
		echo "    ip saddr 172.$((16 + i / 65536)).$(((i / 256) % 256)).$((i % 256)) tcp dport $((1024 + i % 60000)) drop"
	done
	echo "  }"
	echo "}"
} >"$LAB_SCRATCH/big.nft"
t0=$(lab_now)
nft_load gwA <"$LAB_SCRATCH/big.nft" || finish
ok "$RULES rules loaded in $(lab_since "$t0")s"
t0=$(lab_now)

# a round reads the new ruleset: charon holds a NETLINK_NETFILTER socket
# (protocol 12) for the whole dump; seen twice 0.3 s apart, it is the dump
# (the generation id question closes its socket within a millisecond)
nf_socket_open() {
	local inodes ino
	inodes=$(ls -l "/proc/$PID/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p')
	for ino in $(awk '$2 == 12 { print $NF }' "/proc/$PID/net/netlink" 2>/dev/null); do
		echo "$inodes" | grep -qx "$ino" && return 0
	done
	return 1
}
seen=0
for i in $(seq 1 200); do
	if nf_socket_open; then
		seen=$((seen + 1))
		[ $seen -ge 2 ] && break
	else
		seen=0
	fi
	sleep 0.3
done
if [ $seen -lt 2 ]; then
	fail "no round reading the ruleset seen within 60s"
	finish
fi
ok "a round is dumping the ruleset ($(lab_since "$t0")s after loading it)"

t0=$(lab_now)
kill -TERM "$PID"
for i in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
took=$(lab_since "$t0")
if kill -0 "$PID" 2>/dev/null; then
	fail "charon still running ${took}s after SIGTERM"
elif awk -v t="$took" 'BEGIN { exit !(t < 5) }'; then
	ok "charon exited ${took}s after SIGTERM"
else
	fail "charon exited only ${took}s after SIGTERM, want < 5s"
fi
grep -aq 'dataplane-check: round aborted' "$(lab_log gwA)" &&
	ok "the log says the round was aborted" ||
	fail "no 'round aborted' line in the log"
rm -f "$LAB_SCRATCH/big.nft"
finish
