#!/bin/bash
# gwA's nft input drops ICMP "fragmentation needed":
#   icmp type destination-unreachable icmp code frag-needed drop
# filter-blocks-pmtu (warning) on gwA naming the rule, nothing on gwB.
# The real effect: the path between the NAT router and gwB is narrowed to
# MTU 1280; gwA's ESP-in-UDP packets of 1200-byte pings exceed it with DF
# set, the router's frag-needed dies in gwA's input (the rule counts it), gwA
# never learns the path MTU and the pings vanish. Without the rule gwA learns
# MTU 1280 (route cache), fragments the outer packets and the pings work.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected

nft_load gwA <<'EOF' || finish
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		icmp type destination-unreachable icmp code frag-needed counter drop
	}
}
EOF
note "gwA input: icmp type destination-unreachable icmp code frag-needed drop"
wait_for_finding gwA filter-blocks-pmtu
assert_severity gwA filter-blocks-pmtu warning
note "gwA filter-blocks-pmtu: $(finding_text gwA filter-blocks-pmtu)"
rule=$(finding_evidence gwA filter-blocks-pmtu rule | head -n1)
case $rule in
*'inet filter input handle '*'icmp type destination-unreachable icmp code 4 counter drop') ok "names the rule: $rule" ;;
*) fail "evidence rule is '$rule'" ;;
esac
log_lines gwA filter-blocks-pmtu | grep -q 'inet filter input handle .*destination-unreachable' &&
	ok "log line names the rule" || fail "log line lacks the rule: $(log_lines gwA filter-blocks-pmtu | head -n1)"
assert_no_finding gwB filter-blocks-pmtu

# a narrow link behind the NAT router
lab_exec nat ip link set out mtu 1280
lab_exec gwB ip link set wan mtu 1280
assert_ping hostA "$HOSTB_IP"
assert_no_ping hostA "$HOSTB_IP" -s 1200
drops=$(lab_exec gwA nft list chain inet filter input | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
[ "${drops:-0}" -gt 0 ] && ok "gwA's rule dropped $drops frag-needed messages" || fail "gwA's rule dropped nothing"
lab_exec gwA ip route get "$GWB_WAN_IP" | grep -q ' mtu ' &&
	fail "gwA learned a path MTU although frag-needed is dropped" || ok "gwA has no path MTU for $GWB_WAN_IP"

lab_exec gwA nft flush ruleset
note "gwA: ruleset flushed"
wait_for_resolved gwA filter-blocks-pmtu
# the first big packet draws the frag-needed that teaches gwA the path MTU
lab_exec hostA ping -c 1 -W 1 -s 1200 "$HOSTB_IP" >/dev/null 2>&1
pmtu=$(lab_exec gwA ip route get "$GWB_WAN_IP" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
[ "$pmtu" = 1280 ] && ok "gwA learned path MTU 1280 for $GWB_WAN_IP" || fail "gwA path MTU for $GWB_WAN_IP: '${pmtu}', want 1280"
assert_ping hostA "$HOSTB_IP" -s 1200
finish
