#!/bin/bash
# interval = abc: the plugin says so in exactly one clear log line naming the
# option and the default it uses instead, and keeps working.
. "$(dirname "$0")/../lib.sh"

lab_up DPC_EXTRA='interval = abc' || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
for gw in gwA gwB; do
	lines=$(grep -a 'interval' "$(lab_log "$gw")" | grep -a 'abc')
	n=$(printf '%s' "$lines" | grep -c .)
	if [ "$n" = 1 ]; then
		ok "$gw: one log line: $(echo "$lines" | sed 's/^[0-9:.]* //')"
		echo "$lines" | grep -q 'dataplane-check' || fail "$gw: the line does not say dataplane-check"
		echo "$lines" | grep -qE '\b30 ?s\b|\b30\b' || fail "$gw: the line does not name the default (30s)"
	else
		fail "$gw: $n log lines about interval 'abc', want exactly 1: $lines"
	fi
	timeout 10 "$DPC_CLI" --list --uri "$(lab_dpc_uri "$gw")" >/dev/null 2>&1; rc=$?
	[ $rc -le 2 ] && ok "$gw: --list works (exit $rc)" || fail "$gw: --list exit $rc"
done
# the plugin still checks: break forwarding, the on-demand check finds it
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
timeout 20 "$DPC_CLI" --check --uri "$(lab_dpc_uri gwB)" >/dev/null 2>&1
wait_for_finding gwB forwarding-disabled 10
finish
