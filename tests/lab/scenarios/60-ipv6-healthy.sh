#!/bin/bash
# A healthy dual-stack tunnel (LAB_IPV6=1): CHILD_SA net carries
# 10.10.1.0/24,fd10::/64 <-> 10.20.1.0/24,2001:db8:20::/64, IKE and ESP on
# IPv4 through the NAT. IPv4 and IPv6 pings and TCP pass both ways for
# longer than traffic_window: no warning or error on either gateway; the
# tracer follows an IPv6 packet into the CHILD_SA. Then a realistic
# dual-stack firewall on both gateways (inet input/forward policy drop with
# established/related, IKE, ESP, ICMP and ICMPv6 accepted, the tunnel
# device accepted both ways) and gwA NATing its ULA LAN to the internet
# only (inet nat: oifname "wan" ip6 saddr fd10::/64 masquerade): still
# nothing, and both families still pass both ways.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_IPV6=1 || { fail "lab did not come up"; finish; }
tcp_listen hostA 8080
tcp_listen hostB 8080
warm_ping hostA "$HOSTB_IP6"
warm_ping hostB "$HOSTA_IP6"
bg_ping hostA "$HOSTB_IP"
bg_ping hostB "$HOSTA_IP"
bg_ping hostA "$HOSTB_IP6"
bg_ping hostB "$HOSTA_IP6"
wait_for_finding gwA nat-detected
ts=$(dpc_json gwA | jq -r '.ike_sas[0].children[0] | [.local_ts, .remote_ts] | tostring' 2>/dev/null)
note "gwA net selectors: $ts"
case $ts in *"$NET_A6"*"$NET_B6"*) ok "the CHILD_SA carries both families" ;; *) fail "the CHILD_SA's selectors lack IPv6: $ts" ;; esac
# traffic_window is 6s, interval 2s: give the traffic checks a full window
sleep 10
for pair in "hostA $HOSTB_IP" "hostB $HOSTA_IP" "hostA $HOSTB_IP6" "hostB $HOSTA_IP6"; do
	set -- $pair
	assert_ping "$1" "$2"
	assert_tcp "$1" "$2" 8080
done
for gw in gwA gwB; do
	assert_healthy "$gw"
	for code in ts-narrowed ts-unprotected forwarding-disabled route-missing inbound-undeliverable traffic-none; do
		assert_no_finding "$gw" "$code"
	done
done
# the tracer with IPv6 addresses: forwarded from the LAN into the CHILD_SA
out=$(lab_dpc gwA --trace --src "$HOSTA_IP6" --dst "$HOSTB_IP6" --iif lan 2>&1); rc=$?
note "gwA trace: $(printf '%s\n' "$out" | grep '^Verdict' | head -n1)"
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q '^Verdict:.*net{'; then
	ok "--trace $HOSTA_IP6 -> $HOSTB_IP6 is encrypted by net (exit 0)"
else
	fail "--trace $HOSTA_IP6 -> $HOSTB_IP6: exit $rc: $(printf '%s\n' "$out" | tail -n 3)"
fi
stop_bg
for gw in gwA gwB; do
	nft_load "$gw" <<-EOF || finish
		flush ruleset
		table inet filter {
			chain input {
				type filter hook input priority filter; policy drop;
				iifname "lo" accept
				ct state invalid drop
				ct state established,related accept
				udp dport { 500, 4500 } accept
				meta l4proto esp accept
				meta l4proto { icmp, ipv6-icmp } accept
			}
			chain forward {
				type filter hook forward priority filter; policy drop;
				ct state established,related accept
				iifname "ipsec0" accept
				oifname "ipsec0" accept
				iifname "lan" oifname "wan" accept
			}
		}
		table inet nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "wan" ip6 saddr $NET_A6 masquerade
			}
		}
	EOF
done
note "both gateways: dual-stack inet firewall, inet nat: oifname wan ip6 saddr $NET_A6 masquerade"
for pair in "hostA $HOSTB_IP" "hostB $HOSTA_IP" "hostA $HOSTB_IP6" "hostB $HOSTA_IP6"; do
	set -- $pair
	assert_ping "$1" "$2"
	assert_tcp "$1" "$2" 8080
done
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
sleep 2
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
for gw in gwA gwB; do
	assert_healthy "$gw"
	for code in nat-before-ipsec nat-hides-source nat-rewrites-ike filter-blocks-forward \
		filter-blocks-ike filter-blocks-pmtu ruleset-uncertain; do
		assert_no_finding "$gw" "$code"
	done
done
finish
