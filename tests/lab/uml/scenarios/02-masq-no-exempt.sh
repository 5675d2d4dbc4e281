#!/bin/bash
# gwA masquerades everything leaving on wan, without an IPsec exemption:
#   iptables-legacy -t nat -A POSTROUTING -o wan -j MASQUERADE
# Tunnel traffic is rewritten to 192.0.2.2 before the kernel looks up the
# IPsec policy again (nf_xfrm_me_harder), no longer matches 10.10.1.0/24 and
# leaves gwA in cleartext. The plugin reports nat-before-ipsec (error) on gwA
# naming that rule; the capture between gwA and the NAT shows the cleartext
# ICMP from 192.0.2.2 (the NAT router, with no route to 10.20.1.0/24, answers
# "net unreachable") and gwA's outbound SA does not count those packets.
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
n=$(ping_count hostA "$HOSTB_IP" 2)
[ "${n:-0}" = 2 ] && ok "before the rule: ping hostA -> hostB 2/2 through the tunnel" || fail "before the rule: ping hostA -> hostB ${n:-0}/2"

ipt gwA -t nat -A POSTROUTING -o wan -j MASQUERADE
note "gwA: iptables-legacy -t nat -A POSTROUTING -o wan -j MASQUERADE"

# the plugin
wait_for_finding gwA nat-before-ipsec
assert_severity gwA nat-before-ipsec error
note "gwA nat-before-ipsec: $(finding_text gwA nat-before-ipsec)"
rule=$(finding_field gwA nat-before-ipsec .evidence.rule)
case $rule in
*iptables-legacy*nat*POSTROUTING*"-o wan"*MASQUERADE*) ok "the finding names the rule: $rule" ;;
*) fail "the finding's rule is '$rule', want the iptables-legacy nat POSTROUTING MASQUERADE rule" ;;
esac
assert_no_finding gwB nat-before-ipsec

# the data plane: the prediction ("sent in cleartext or dropped")
out0=$(xfrm_packets gwA out)
cap_start nat in wire icmp
n=$(ping_count hostA "$HOSTB_IP" 3)
cap_stop wire
out1=$(xfrm_packets gwA out)
clear=$(cap_count wire icmp and src host "$GWA_WAN_IP" and dst host "$HOSTB_IP")
note "ping hostA -> hostB after the rule: ${n:-0}/3 replies; nat:in saw $clear cleartext ICMP packets $GWA_WAN_IP > $HOSTB_IP:"
cap_show wire
note "gwA outbound SA: ${out0:-none} -> ${out1:-none} packets; MASQUERADE rule matched $(ipt_pkts gwA nat POSTROUTING 1) packets"
[ "$clear" -ge 1 ] && ok "tunnel traffic left gwA in cleartext, SNATed to $GWA_WAN_IP" ||
	fail "no cleartext ICMP from $GWA_WAN_IP on nat:in"
[ "${out1:-0}" = "${out0:-0}" ] && ok "gwA's outbound SA did not carry those packets" ||
	fail "gwA's outbound SA counted $(( ${out1:-0} - ${out0:-0} )) packets"
# the NAT router has no route to 10.20.1.0/24 (an ISP would drop or misroute
# the private destination): it answers "net unreachable", the pings fail
unr=$(cap_count wire 'icmp[icmptype] == icmp-unreach' and src host "$NAT_IN_IP")
[ "${n:-0}" = 0 ] && [ "$unr" -ge 1 ] && ok "the pings fail: the NAT router answers the cleartext packets with $unr 'net unreachable'" ||
	fail "pings ${n:-0}/3, $unr 'unreachable' from the NAT router (want 0 replies and >= 1 unreachable)"
finish
