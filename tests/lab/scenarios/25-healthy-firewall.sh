#!/bin/bash
# A realistic good firewall on both gateways, loaded before gwA initiates:
# input policy drop with established/related, IKE and NAT-T (a set), ESP and
# ICMP accepted; forward policy drop with established/related and the tunnel
# device both ways accepted; masquerade only towards the Internet
# (`oifname "wan" ip daddr != 10.0.0.0/8`), which also covers charon's own
# IKE/NAT-T but keeps their address and port. The tunnel comes up through it,
# pings and new TCP and UDP connections work both ways, and neither gateway reports any netfilter finding
# (not even ruleset-uncertain) nor any warning or error.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_INITIATE=0 || { fail "lab did not come up"; finish; }
for gw in gwA gwB; do
	nft_load "$gw" <<-'EOF' || finish
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
				iifname "lan" tcp dport 22 accept
			}
			chain forward {
				type filter hook forward priority filter; policy drop;
				ct state established,related accept
				iifname "ipsec0" accept
				oifname "ipsec0" accept
			}
			chain output {
				type filter hook output priority filter; policy accept;
			}
		}
		table ip nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "wan" ip daddr != 10.0.0.0/8 masquerade
			}
		}
	EOF
done
note "both gateways: input/forward policy drop with the tunnel allowed, masquerade to the Internet only"
lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/gwA/initiate.out" 2>&1 &&
	ok "tunnel up through both firewalls" || { fail "initiate failed: $(tail -n 3 "$LAB_RUN/gwA/initiate.out")"; finish; }
wait_for_finding gwA nat-detected
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
flow_serve hostA && flow_serve hostB || finish
for k in tcp udp; do
	assert_flow hostA "$HOSTB_IP" $k
	assert_flow hostB "$HOSTA_IP" $k
done
rport=$(dpc_json gwB | jq -r '[.ike_sas[] | select(.state == "up") | .remote_port][0] // empty')
[ "$rport" = 4500 ] && ok "gwA's masquerade kept its NAT-T port (gwB sees 4500)" || fail "gwB sees gwA on port '$rport'"
# a few rounds on the final state
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
sleep 2
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
for gw in gwA gwB; do
	assert_healthy "$gw"
	for code in nat-before-ipsec nat-hides-source nat-rewrites-ike filter-blocks-forward \
		filter-blocks-ike filter-blocks-pmtu iptables-mixed-backends ruleset-uncertain; do
		assert_no_finding "$gw" "$code"
	done
done
finish
