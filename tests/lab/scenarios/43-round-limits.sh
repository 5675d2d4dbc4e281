#!/bin/bash
# exclusive: it measures time or memory, so it runs alone (DPC_LAB_JOBS)
# What a round may cost. gwA: a ruleset above ruleset_max_elements is not
# judged, and the plugin says so (one log line, a gateway-wide
# ruleset-uncertain info finding) instead of reporting a rule it did not
# read. gwB: rounds that take longer than round_budget are dropped, said in
# one log line, and the findings of the last complete round stay.
# timeout: 150
. "$(dirname "$0")/../lib.sh"

lab_up GWA_DPC_EXTRA="ruleset_max_elements = 50" || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected

# gwA: 100 rules, one of them drops the tunnel's inbound traffic
{
	echo "table inet filter {"
	echo "  chain forward { type filter hook forward priority filter; policy accept;"
	for i in $(seq 1 99); do echo "    ip saddr 172.16.0.$i drop"; done
	echo "    ip saddr 10.20.1.0/24 drop"
	echo "  }"
	echo "}"
} | nft_load gwA
wait_for_finding gwA ruleset-uncertain 20
n=$(host_finding_count gwA ruleset-uncertain)
[ "$n" = 1 ] && ok "gwA: one gateway-wide ruleset-uncertain" || fail "gwA: $n gateway-wide ruleset-uncertain findings, want 1"
finding_text gwA ruleset-uncertain | sed 's/^/    /'
sleep 5
assert_no_finding gwA filter-blocks-forward
lines=$(grep -a 'dataplane-check: the netfilter ruleset is too large' "$(lab_log gwA)")
n=$(printf '%s' "$lines" | grep -c .)
[ "$n" = 1 ] && ok "gwA: one log line: $(echo "$lines" | sed 's/^[0-9:.]* //')" ||
	fail "gwA: $n log lines about the ruleset's size, want 1: $lines"

# gwB: 40,000 rules take longer to read than a 100 ms budget (a changed
# ruleset is read again in every round until one completes)
sed -i 's/^\(\t*\)interval = 2s/\1interval = 2s\n\1round_budget = 100ms/' "$LAB_RUN/gwB/strongswan.conf"
lab_swanctl gwB --reload-settings >/dev/null || fail "gwB: reload-settings failed"
{
	echo "table inet big {"
	echo "  chain forward { type filter hook forward priority filter; policy accept;"
	for i in $(seq 1 40000); do
		echo "    ip saddr 172.$((16 + i / 65536)).$(((i / 256) % 256)).$((i % 256)) tcp dport $((1024 + i % 60000)) drop"
	done
	echo "  }"
	echo "}"
} | nft_load gwB
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
sleep 10
lines=$(grep -a 'dataplane-check: a round .* took longer than round_budget' "$(lab_log gwB)")
n=$(printf '%s' "$lines" | grep -c .)
[ "$n" = 1 ] && ok "gwB: one log line: $(echo "$lines" | sed 's/^[0-9:.]* //')" ||
	fail "gwB: $n log lines about the round budget, want 1: $lines"
# dropped rounds report nothing new
assert_no_finding gwB forwarding-disabled
has_finding gwB nat-detected && ok "gwB: the last complete round's findings stay" ||
	fail "gwB: nat-detected is gone"
finish
