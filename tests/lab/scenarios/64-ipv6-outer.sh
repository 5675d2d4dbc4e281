#!/bin/bash
# Peers talking IPv6 (LAB_IPV6=outer): IKE and ESP-in-UDP between
# 2001:db8:a::2 and 2001:db8:b::2 (no NAT on the IPv6 path), CHILD_SA net
# dual stack inside. Healthy first: IPv4 and IPv6 pings and TCP pass both
# ways, no warning or error on either gateway. Then gwB's ip6 forward chain
# accepts neighbour discovery, what its LAN starts and established flows,
# and drops the rest: filter-blocks-forward (warning, direction in, the
# IPv6 path) on gwB; new IPv6 from hostA fails, hostB's passes, IPv4 passes
# both ways. Then gwB's input drops UDP
# 4500 in an ip (IPv4-only) table: the peers do not talk IPv4, so nothing
# is reported and pings pass. Then the same rule in an ip6 table:
# filter-blocks-ike on gwB naming UDP 4500 from gwA's IPv6 address and the
# rule; the tunnel is cut (pings of both families fail); nothing on gwA.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_IPV6=outer || { fail "lab did not come up"; finish; }
local_host=$(dpc_json gwA | jq -r '.ike_sas[0].local_host // empty')
[ "$local_host" = "$GWA_WAN_IP6" ] && ok "gwA's IKE_SA runs over IPv6 ($local_host)" ||
	fail "gwA's IKE_SA local address is '$local_host', want $GWA_WAN_IP6"
tcp_listen hostA 8080
tcp_listen hostB 8080
warm_ping hostA "$HOSTB_IP6"
warm_ping hostB "$HOSTA_IP6"
bg_ping hostA "$HOSTB_IP"
bg_ping hostB "$HOSTA_IP6"
# traffic_window is 6s, interval 2s: give the traffic checks a full window
sleep 10
for pair in "hostA $HOSTB_IP" "hostB $HOSTA_IP" "hostA $HOSTB_IP6" "hostB $HOSTA_IP6"; do
	set -- $pair
	assert_ping "$1" "$2"
	assert_tcp "$1" "$2" 8080
done
stop_bg
for gw in gwA gwB; do
	assert_healthy "$gw"
done

nft_load gwB <<-EOF || finish
	table ip6 filter {
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state established,related accept
			icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
			iifname "lan" accept
		}
	}
EOF
note "gwB: ip6 filter forward policy drop: established, neighbour discovery and the LAN accepted"
wait_for_finding gwB filter-blocks-forward
assert_severity gwB filter-blocks-forward warning
note "gwB filter-blocks-forward: $(finding_text gwB filter-blocks-forward)"
d=$(dpc_json gwB | jq -r "[$JQ_ALL | .[] | select(.code == \"filter-blocks-forward\") | .discriminator] | join(\",\")")
[ "$d" = "in ipv6" ] && ok "one finding, discriminator 'in ipv6'" || fail "filter-blocks-forward discriminators '$d', want 'in ipv6'"
finding_text gwB filter-blocks-forward | grep -qF "from $NET_A6 to $NET_B6" &&
	ok "names from $NET_A6 to $NET_B6" || fail "does not name from $NET_A6 to $NET_B6"
assert_no_finding gwA filter-blocks-forward
assert_no_ping hostA "$HOSTB_IP6"
assert_ping hostB "$HOSTA_IP6"
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"

ruleset() { # family
	nft_load gwB <<-EOF
		flush ruleset
		table $1 filter {
			chain input {
				type filter hook input priority filter; policy accept;
				udp dport 4500 counter drop
			}
		}
	EOF
}
ruleset ip || finish
note "gwB: table ip filter input: udp dport 4500 drop"
lab_dpc gwB --check >/dev/null 2>&1
lab_dpc gwB --check >/dev/null 2>&1
assert_no_finding gwB filter-blocks-ike
assert_ping hostA "$HOSTB_IP6"

ruleset ip6 || finish
note "gwB: table ip6 filter input: udp dport 4500 drop"
wait_for_finding gwB filter-blocks-ike
assert_severity gwB filter-blocks-ike error
note "gwB filter-blocks-ike: $(finding_text gwB filter-blocks-ike)"
pkts=$(finding_evidence gwB filter-blocks-ike packet | sort -u)
case $pkts in
*"UDP 4500 $GWA_WAN_IP6 -> $GWB_WAN_IP6 iif wan"*) ok "names UDP 4500 from gwA's IPv6 address: $pkts" ;;
*) fail "filter-blocks-ike packets: '$pkts', want UDP 4500 $GWA_WAN_IP6 -> $GWB_WAN_IP6" ;;
esac
rule=$(finding_evidence gwB filter-blocks-ike rule | head -n1)
case $rule in
*'ip6 filter input handle '*'udp dport 4500 counter drop') ok "names the rule: $rule" ;;
*) fail "evidence rule is '$rule'" ;;
esac
assert_no_finding gwA filter-blocks-ike
assert_no_ping hostA "$HOSTB_IP6"
assert_no_ping hostA "$HOSTB_IP"
finish
