#!/bin/bash
# charon-systemd on gwB with a real systemd-journald in its private /run
# (JOURNAL_MODE=sink: the native-protocol stand-in tests/lab/journal_sink.py
# instead, see 47-journal-fields-native). After rekeys (IKE_SA #2, CHILD_SA
# #3) the healthy tunnel writes no finding entry; with ip_forward=0,
# forwarding-disabled is exactly one journal entry (none from charon-systemd's
# logger) carrying IKE_SA_NAME/IKE_SA_UNIQUE_ID as charon-systemd sets them,
# CHILD_SA_NAME, CHILD_SA_UNIQUE_ID, DPC_CODE, DPC_SEVERITY and its code's
# MESSAGE_ID, found by `journalctl DPC_CODE=...`, `MESSAGE_ID=...` and
# `IKE_SA_NAME=...`; its resolution is one more; charon's file log keeps
# the lines. With journal_fields = no (settings reloaded) the finding is one
# plain line from charon-systemd's logger, without fields.
. "$(dirname "$0")/../lib.sh"

CHARON_SYSTEMD=${CHARON_SYSTEMD:-/usr/sbin/charon-systemd}
JOURNALD=/lib/systemd/systemd-journald
MODE=${JOURNAL_MODE:-journald}
NS_MSGID=4d8a161c-e7e3-4389-b94a-b5f7e857abaf
[ -x "$CHARON_SYSTEMD" ] || { fail "$CHARON_SYSTEMD missing (run ./bootstrap: package charon-systemd)"; finish; }
if [ "$MODE" = journald ]; then
	[ -x "$JOURNALD" ] && command -v journalctl >/dev/null ||
		{ fail "$JOURNALD or journalctl missing (run ./bootstrap: package systemd)"; finish; }
fi

lab_up GWB_DAEMON="$CHARON_SYSTEMD" GWB_JOURNAL="$MODE" || { fail "lab did not come up"; finish; }
J=$LAB_RUN/gwB/journal.jsonl
JD=$LAB_RUN/gwB/journal
note "gwB's journal: $MODE"

# every entry of gwB's journal, one JSON object a line
all_entries() {
	if [ "$MODE" = journald ]; then
		journalctl -D "$JD" -q --no-pager -o json
	else
		cat "$J"
	fi
}
# the entries matching a jq filter (msg: MESSAGE if it is text), as a JSON
# array; read again if it caught the writer in the middle of a line
entries() {
	local i
	for i in 1 2 3; do
		all_entries | jq -c -s "def msg: ((.MESSAGE | strings) // \"\"); [.[] | select($1)]" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "entries: gwB's journal does not parse" >&2
	return 1
}
count() { entries "$1" | jq length; }
wait_entries() { # filter n
	local i
	for i in $(seq 1 40); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.5
	done
	return 1
}
# field of the only entry matching a filter
field() { entries "$1" | jq -r --arg k "$2" '.[0][$k] // "(absent)"'; }
# entries journalctl itself selects by these matches (journald mode)
jcount() { journalctl -D "$JD" -q --no-pager -o json "$@" | jq -s length; }
expect() { # what got want
	if [ "$2" = "$3" ]; then ok "$1 = $2"; else fail "$1 = '$2', want '$3'"; fi
}

exe=$(readlink "/proc/$(lab_charon_pid gwB)/exe")
expect "gwB daemon" "$(basename "$exe")" charon-systemd

# charon-systemd's own lines reach the stand-in, with its IKE_SA fields
if wait_entries '.IKE_SA_NAME == "s2s" and (.DPC_CODE | not)' 1; then
	ok "charon-systemd's own entries arrive ($(count 'true') so far, $(count '.IKE_SA_NAME == "s2s"') in IKE_SA s2s)"
else
	fail "no charon-systemd entry with IKE_SA_NAME=s2s in $J"
fi

# rekey the IKE_SA once and the CHILD_SA twice, so that the unique ids differ
# from each other and from 1 (IKE_SA #2, CHILD_SA #3 on gwB)
sas_ids() { # prints "IKE CHILD": gwB's installed SAs as swanctl lists them
	local sas
	sas=$(lab_swanctl gwB --list-sas 2>/dev/null)
	printf '%s %s\n' "$(printf '%s\n' "$sas" | sed -n 's/^s2s: #\([0-9]*\), ESTABLISHED.*/\1/p' | head -n1)" \
		"$(printf '%s\n' "$sas" | sed -n 's/^ *net: #\([0-9]*\), reqid [0-9]*, INSTALLED.*/\1/p' | head -n1)"
}
rekeyed() { # want: wait until gwB lists these ids (and only one CHILD_SA)
	local i
	for i in $(seq 1 40); do
		[ "$(sas_ids)" = "$1" ] && [ "$(lab_swanctl gwB --list-sas 2>/dev/null | grep -c ' net: #')" = 1 ] && return 0
		sleep 0.25
	done
	fail "gwB lists '$(sas_ids)' after rekeying, want '$1'"
}
lab_swanctl gwA --rekey --ike s2s >/dev/null 2>&1 || fail "swanctl --rekey --ike s2s failed"
rekeyed "2 1"
lab_swanctl gwA --rekey --child net >/dev/null 2>&1 || fail "swanctl --rekey --child net failed"
rekeyed "2 2"
lab_swanctl gwA --rekey --child net >/dev/null 2>&1 || fail "swanctl --rekey --child net failed"
rekeyed "2 3"
read -r ike_id child_id <<<"$(sas_ids)"
sd_ike_ids=$(entries '.IKE_SA_NAME == "s2s" and (.DPC_CODE | not)' | jq -r '[.[].IKE_SA_UNIQUE_ID] | unique | join(",")')
note "gwB: IKE_SA s2s #$ike_id, CHILD_SA net #$child_id (swanctl); charon-systemd's IKE_SA_UNIQUE_IDs of s2s: $sd_ike_ids"
case ",$sd_ike_ids," in
*",$ike_id,"*) ok "charon-systemd's own entries of IKE_SA s2s #$ike_id say IKE_SA_UNIQUE_ID=$ike_id" ;;
*) fail "charon-systemd's IKE_SA_UNIQUE_IDs of s2s ($sd_ike_ids) lack $ike_id" ;;
esac

# healthy: two rounds after the tunnel (interval 2s), no finding entry; gwB
# has nat-detected, an info finding (level 2), which the journal logger at
# its default level 1 would not show, so it has no entry either
wait_for_finding gwB nat-detected
sleep 5
assert_healthy gwB
expect "finding entries of the healthy tunnel" \
	"$(count '(.DPC_CODE != null) or (msg | test("^dataplane-check: (error|warning|info|resolved) "))')" 0

# a finding: exactly one entry, with the fields
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
wait_for_finding gwB forwarding-disabled
if ! wait_entries '.DPC_CODE == "forwarding-disabled"' 1; then
	fail "no journal entry with DPC_CODE=forwarding-disabled"
fi
sleep 5	# two more rounds: a second copy would have come by now
F='msg | test("forwarding-disabled")'
expect "journal entries naming forwarding-disabled" "$(count "$F")" 1
E='.DPC_CODE == "forwarding-disabled"'
msg=$(field "$E" MESSAGE)
case $msg in
"dataplane-check: error forwarding-disabled s2s[$ike_id] net{$child_id}: "*) ok "MESSAGE: $msg" ;;
*) fail "MESSAGE: '$msg'" ;;
esac
want_id=$(python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.UUID(sys.argv[1]), sys.argv[2]).hex)' "$NS_MSGID" forwarding-disabled)
expect PRIORITY "$(field "$E" PRIORITY)" 3
expect MESSAGE_ID "$(field "$E" MESSAGE_ID)" "$want_id"
expect DPC_SEVERITY "$(field "$E" DPC_SEVERITY)" error
expect DPC_EVENT "$(field "$E" DPC_EVENT)" appeared
expect IKE_SA_NAME "$(field "$E" IKE_SA_NAME)" s2s
expect IKE_SA_UNIQUE_ID "$(field "$E" IKE_SA_UNIQUE_ID)" "$ike_id"
expect CHILD_SA_NAME "$(field "$E" CHILD_SA_NAME)" net
expect CHILD_SA_UNIQUE_ID "$(field "$E" CHILD_SA_UNIQUE_ID)" "$child_id"
expect GROUP "$(field "$E" GROUP)" CFG
if [ "$MODE" = journald ]; then
	expect "journalctl DPC_CODE=forwarding-disabled" "$(jcount DPC_CODE=forwarding-disabled)" 1
	expect "journalctl MESSAGE_ID=$want_id" "$(jcount MESSAGE_ID="$want_id")" 1
	expect "journalctl IKE_SA_NAME=s2s DPC_SEVERITY=error" "$(jcount IKE_SA_NAME=s2s DPC_SEVERITY=error)" 1
	expect "journalctl IKE_SA_UNIQUE_ID=$ike_id CHILD_SA_UNIQUE_ID=$child_id" \
		"$(jcount IKE_SA_UNIQUE_ID="$ike_id" CHILD_SA_UNIQUE_ID="$child_id")" 1
	n=$(journalctl -D "$JD" -q --no-pager -o json IKE_SA_NAME=s2s | jq -s '[.[] | select(.DPC_CODE == null)] | length')
	if [ "$n" -gt 0 ]; then ok "journalctl IKE_SA_NAME=s2s: the finding and $n lines of charon-systemd"; else fail "journalctl IKE_SA_NAME=s2s: no charon-systemd line"; fi
fi
# charon's file log still has the line, once
expect "charon.log lines of forwarding-disabled" "$(log_lines gwB forwarding-disabled | wc -l)" 1

# resolved: one more entry
lab_exec gwB sysctl -qw net.ipv4.ip_forward=1
wait_for_resolved gwB forwarding-disabled
R='.DPC_CODE == "forwarding-disabled" and .DPC_EVENT == "resolved"'
wait_entries "$R" 1 || fail "no resolved entry for forwarding-disabled"
sleep 3
expect "journal entries naming forwarding-disabled" "$(count "$F")" 2
expect "resolved PRIORITY" "$(field "$R" PRIORITY)" 5
case $(field "$R" MESSAGE) in
"dataplane-check: resolved forwarding-disabled s2s[$ike_id] net{$child_id}: "*) ok "resolved MESSAGE" ;;
*) fail "resolved MESSAGE: '$(field "$R" MESSAGE)'" ;;
esac

# journal_fields = no (settings reloaded): the plain line again, once, from
# charon-systemd's logger, with its IKE_SA fields but none of the plugin's
sed -i 's/^\(\t*dataplane-check {\)$/\1\n\t\t\tjournal_fields = no/' "$LAB_RUN/gwB/strongswan.conf"
grep -q 'journal_fields = no' "$LAB_RUN/gwB/strongswan.conf" || fail "could not set journal_fields = no"
lab_swanctl gwB --reload-settings >/dev/null 2>&1 || fail "swanctl --reload-settings failed on gwB"
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
P='(msg | test("^dataplane-check: error forwarding-disabled "))'
wait_entries "$P" 2 || fail "no second forwarding-disabled line with journal_fields = no"
sleep 5
expect "journal entries naming forwarding-disabled" "$(count "$F")" 3
P2="$P and (.DPC_CODE == null)"
expect "plain lines (journal_fields = no)" "$(count "$P2")" 1
expect "their IKE_SA_NAME" "$(field "$P2" IKE_SA_NAME)" "(absent)"
expect "their PRIORITY (charon-systemd's level 1)" "$(field "$P2" PRIORITY)" 6
lab_exec gwB sysctl -qw net.ipv4.ip_forward=1

if [ "$MODE" = sink ]; then
	expect "entries the stand-in could not decode" "$(count '._SINK_ERROR != null')" 0
fi
note "gwB journal: $(count 'true') entries, $(count '.DPC_CODE != null') from dataplane-check"
finish
