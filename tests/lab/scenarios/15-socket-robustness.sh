#!/bin/bash
# The query socket is mode 0600 and survives malformed, truncated, oversized
# and stalled requests: charon keeps running and --list keeps working.
. "$(dirname "$0")/../lib.sh"

POKE=$LAB_SCRATCH/sockpoke
${CC:-cc} -O2 -Wall -o "$POKE" "$LAB_DIR/sockpoke.c" || { fail "cannot build sockpoke"; finish; }
lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
SOCK=$LAB_RUN/gwA/charon.dpc
PID=$(lab_charon_pid gwA)

mode=$(stat -c %a "$SOCK")
[ "$mode" = 600 ] && ok "socket mode 0600" || fail "socket mode is $mode, want 600"

be32() { printf "\\x$(printf %02x $(( ($1 >> 24) & 255 )))\\x$(printf %02x $(( ($1 >> 16) & 255 )))\\x$(printf %02x $(( ($1 >> 8) & 255 )))\\x$(printf %02x $(( $1 & 255 )))"; }
# a vici packet: length, then the body
pkt() { local body; body=$(mktemp); cat >"$body"; be32 "$(stat -c %s "$body")"; cat "$body"; rm -f "$body"; }
cmd() { printf '\x00'; printf "\\x$(printf %02x ${#1})"; printf '%s' "$1"; }

alive() { # after what
	local rc=0
	if ! lab_is_our_charon "$PID" gwA; then
		fail "charon died after: $1"; finish
	fi
	timeout 10 "$DPC_CLI" --list --uri "unix://$SOCK" >/dev/null 2>&1 || rc=$?
	if [ $rc -le 2 ]; then ok "after $1: charon alive, --list exit $rc"; else fail "after $1: --list exit $rc"; fi
}
poke() { # what [sockpoke options]; payload on stdin
	local what=$1 r; shift
	r=$("$POKE" "$@" "$SOCK")
	note "$what -> $r"
	alive "$what"
}

r=$(cmd version | pkt | "$POKE" "$SOCK")
case $r in "reply "*" type 1"*) ok "valid 'version' request -> CMD_RESPONSE ($r)";; *) fail "valid 'version' request -> $r";; esac
cmd nosuchcommand | pkt | poke "unknown command"
printf '' | poke "connect and close"
printf '\x00\x00' | poke "half a length header"
printf '\x00\x00\x00\x00' | poke "zero length packet"
printf '\xff\xff\xff\xff' | poke "length 4 GiB, no body" -w 2000
printf '\x7f\xff\xff\xff\x00\x07version' | poke "length 2 GiB, short body" -w 2000
printf '\x00\x10\x00\x00\x00\x07version' | poke "length 1 MiB, short body, stalled" -k 1500 -w 500
{ printf '\x09'; printf 'garbage'; } | pkt | poke "unknown packet type"
{ printf '\x00\xffversion'; } | pkt | poke "command name length beyond the packet"
{ cmd status; printf '\x03\xff'; } | pkt | poke "key length beyond the packet"
{ cmd status; printf '\x03\x01k\xff\xffabc'; } | pkt | poke "value length beyond the packet"
{ cmd status; for i in $(seq 1 3000); do printf '\x01\x01s'; done; } | pkt | poke "3000 nested sections"
{ cmd status; for i in $(seq 1 3000); do printf '\x02'; done; } | pkt | poke "3000 section ends"
{ cmd status; printf '\x04\x01l'; for i in $(seq 1 2000); do printf '\x05\x00\x01x'; done; } | pkt | poke "list without end"
{ cmd status; printf '\x77\x01\x02\x03'; } | pkt | poke "unknown element type"
{ printf '\x03\x07finding'; } | pkt | poke "event register 'finding', then disconnect" -w 300
{ printf '\x03\x05bogus'; } | pkt | poke "event register unknown event"
head -c 300000 /dev/urandom | poke "300 kB of random bytes" -w 2000
head -c 70000 /dev/zero | { cmd status; printf '\x03\x01k\x00\x00'; cat; } | pkt | poke "70 kB packet of zeros"
{ cmd version; } | pkt | poke "valid request sent byte by byte" -c 1

# stalled clients must not block others: 20 connections that sent half a
# request and wait, while --list must still answer
cpids=""
for i in $(seq 1 20); do
	printf '\x00\x00\x00\x20\x00' | "$POKE" -k 8000 -w 100 "$SOCK" >/dev/null 2>&1 &
	cpids="$cpids $!"
done
sleep 1
t0=$(lab_now); rc=0
timeout 6 "$DPC_CLI" --list --uri "unix://$SOCK" >/dev/null 2>&1 || rc=$?
if [ $rc -le 2 ]; then ok "--list answers in $(lab_since "$t0")s while 20 clients stall"; else fail "--list exit $rc while 20 clients stall (blocked?)"; fi
for p in $cpids; do wait "$p" 2>/dev/null; done
alive "20 stalled clients"

# event listeners that went away: one registered and disconnected (above),
# one --monitor killed hard; then a finding appears and is sent as an event
"$DPC_CLI" --monitor --uri "unix://$SOCK" >/dev/null 2>&1 &
mon=$!
sleep 1
kill -KILL "$mon" 2>/dev/null; wait "$mon" 2>/dev/null
{ printf '\x03\x07finding'; } | pkt | "$POKE" -w 100 "$SOCK" >/dev/null
lab_exec gwA sysctl -qw net.ipv4.ip_forward=0
wait_for_finding gwA forwarding-disabled
lab_exec gwA sysctl -qw net.ipv4.ip_forward=1
wait_for_resolved gwA forwarding-disabled
alive "finding events to clients that went away"
LAB_SWANCTL_TIMEOUT=10 lab_swanctl gwA --stats >/dev/null 2>&1 &&
	ok "charon still answers on vici" || fail "charon does not answer on vici"
finish
