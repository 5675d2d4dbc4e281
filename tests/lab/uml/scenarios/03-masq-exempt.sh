#!/bin/bash
# The same MASQUERADE on gwA, preceded by an IPsec exemption:
#   iptables-legacy -t nat -I POSTROUTING -m policy --pol ipsec --dir out -j ACCEPT
#   iptables-legacy -t nat -A POSTROUTING -o wan -j MASQUERADE
# No nat-before-ipsec (nor nat-hides-source) on gwA, the pings go through the
# SA, nothing leaves gwA in cleartext, and the exemption rule is what matched
# the tunnel traffic. A TCP MSS clamp added at the same time shows up in the
# CHILD_SA's mss_clamp: the plugin did read these iptables-legacy tables (the
# silence is not for want of a ruleset).
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
ipt gwA -t nat -I POSTROUTING -m policy --pol ipsec --dir out -j ACCEPT
ipt gwA -t nat -A POSTROUTING -o wan -j MASQUERADE
ipt gwA -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
note "gwA nat POSTROUTING: $(ipt gwA -t nat -S POSTROUTING | grep -v '^-P' | tr '\n' ';')"

out0=$(xfrm_packets gwA out)
cap_start nat in wire
n=$(ping_count hostA "$HOSTB_IP" 3)
m=$(ping_count hostB "$HOSTA_IP" 3)
cap_stop wire
out1=$(xfrm_packets gwA out)
[ "${n:-0}" = 3 ] && ok "ping hostA -> hostB 3/3" || fail "ping hostA -> hostB ${n:-0}/3"
[ "${m:-0}" = 3 ] && ok "ping hostB -> hostA 3/3" || fail "ping hostB -> hostA ${m:-0}/3"
clear=$(cap_count wire icmp); esp=$(cap_count wire udp port 4500)
[ "$clear" = 0 ] && [ "$esp" -ge 12 ] && ok "nat:in: $esp ESP-in-UDP packets, no cleartext ICMP" ||
	fail "nat:in: $esp ESP-in-UDP, $clear cleartext ICMP"
[ $(( ${out1:-0} - ${out0:-0} )) -ge 6 ] && ok "gwA outbound SA: ${out0:-none} -> ${out1:-none} packets" ||
	fail "gwA outbound SA: ${out0:-none} -> ${out1:-none} packets"
ex=$(ipt_pkts gwA nat POSTROUTING 1)
[ "${ex:-0}" -ge 1 ] && ok "the exemption matched $ex packets (MASQUERADE: $(ipt_pkts gwA nat POSTROUTING 2))" ||
	fail "the exemption rule matched no packet"

# the plugin has looked at the new ruleset (two rounds after the rules)
wait_rounds gwA 2
mss=$(_last gwA | jq -r '[.ike_sas[].children[] | select(.name == "net")][0].mss_clamp // "none"')
case $mss in *clamp-to-pmtu*mangle*FORWARD*) ok "gwA read the iptables-legacy ruleset: CHILD_SA mss_clamp '$mss'" ;;
*) fail "gwA: CHILD_SA mss_clamp '$mss', want the iptables-legacy mangle FORWARD clamp (ruleset not read?)" ;; esac
assert_no_finding gwA nat-before-ipsec nat-hides-source ruleset-uncertain
assert_healthy gwA
finish
