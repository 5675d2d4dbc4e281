#!/bin/bash
# Dual stack (LAB_IPV6=1): gwA NATs its ULA LAN to the internet with an
# inet-family masquerade and no exemption:
#   table inet nat { chain post { type nat hook postrouting priority srcnat;
#                                 ip6 saddr fd10::/64 masquerade; } }
# Tunnel traffic leaves through kernel-libipsec's address-less ipsec0; the
# kernel picks the source by RFC 6724 over all addresses: gwA's global WAN
# address 2001:db8:a::2 (its label matches 2001:db8:20::10's, the ULA's
# does not), outside the local selectors, so libipsec finds no policy:
# nat-before-ipsec on gwA for the IPv6 path, naming the rule and the new
# source; IPv6 pings and TCP from hostA fail (conntrack shows the rewrite),
# IPv4 passes; nothing on gwB. With 'ip6 daddr 2001:db8:20::/64 accept'
# before the masquerade it is resolved and IPv6 passes again.
. "$(dirname "$0")/../lib.sh"

RULE="ip6 saddr $NET_A6 masquerade"
lab_up LAB_IPV6=1 || { fail "lab did not come up"; finish; }
tcp_listen hostB 8080
wait_for_finding gwA nat-detected
warm_ping hostA "$HOSTB_IP6"
assert_ping hostA "$HOSTB_IP6"

nft_load gwA <<EOF2 || finish
table inet nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		$RULE
	}
}
EOF2
note "gwA: inet nat: $RULE"
wait_for_finding gwA nat-before-ipsec
assert_severity gwA nat-before-ipsec error
note "gwA nat-before-ipsec: $(finding_text gwA nat-before-ipsec)"
rule=$(finding_evidence gwA nat-before-ipsec rule)
# (the simulator shows the inet table's implicit "meta nfproto ipv6")
case $rule in
*"inet nat post handle "*": "*"$RULE") ok "json evidence names the rule: $rule" ;;
*) fail "json evidence rule is '$rule', want inet nat post ...: $RULE" ;;
esac
log_lines gwA nat-before-ipsec | grep -qF "$RULE" && ok "log line names the rule" ||
	fail "log line does not name the rule: $(log_lines gwA nat-before-ipsec | head -n1)"
finding_text gwA nat-before-ipsec | grep -qF "to $GWA_WAN_IP6, outside the local traffic selectors" &&
	ok "message names the masqueraded source $GWA_WAN_IP6" ||
	fail "message does not name $GWA_WAN_IP6 as the new source"
n=$(json_count gwA nat-before-ipsec)
[ "$n" = 1 ] && ok "one nat-before-ipsec finding (the IPv6 path's)" || fail "$n nat-before-ipsec findings, want 1"
d=$(dpc_json gwA | jq -r "$JQ_ALL | map(select(.code == \"nat-before-ipsec\")) | .[0].discriminator // empty")
[ "$d" = ipv6 ] && ok "discriminator ipv6" || fail "discriminator is '$d', want ipv6"
assert_no_finding gwA nat-hides-source
assert_no_finding gwB nat-before-ipsec

assert_no_ping hostA "$HOSTB_IP6"
assert_no_tcp hostA "$HOSTB_IP6" 8080
assert_ping hostA "$HOSTB_IP"
assert_tcp hostA "$HOSTB_IP" 8080
if [ -r /proc/net/nf_conntrack ]; then
	# /proc/net/nf_conntrack writes IPv6 addresses in full
	x() { /usr/bin/python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).exploded)' "$1"; }
	ct=$(lab_exec gwA grep -a "src=$(x "$HOSTA_IP6") dst=$(x "$HOSTB_IP6") .*src=$(x "$HOSTB_IP6") dst=$(x "$GWA_WAN_IP6") " /proc/net/nf_conntrack | head -n1)
	[ -n "$ct" ] && ok "gwA conntrack: hostA's IPv6 masqueraded to $GWA_WAN_IP6" ||
		fail "gwA conntrack shows no masqueraded hostA -> hostB IPv6 flow"
fi

lab_exec gwA nft insert rule inet nat post ip6 daddr "$NET_B6" accept || fail "nft insert failed"
note "gwA: 'ip6 daddr $NET_B6 accept' inserted before the masquerade"
wait_for_resolved gwA nat-before-ipsec
assert_no_finding gwA nat-hides-source
assert_ping hostA "$HOSTB_IP6"
assert_tcp hostA "$HOSTB_IP6" 8080
finish
