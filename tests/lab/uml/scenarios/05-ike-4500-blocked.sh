#!/bin/bash
# gwB lets IKE in on UDP 500 but drops UDP 4500:
#   iptables-legacy -A INPUT -p udp --dport 500 -j ACCEPT
#   iptables-legacy -A INPUT -p udp --dport 4500 -j DROP
# gwA is behind the NAT, so the IKE_SA and the ESP-in-UDP SAs moved to 4500:
# filter-blocks-ike (error) on gwB naming UDP 4500 and the DROP rule, nothing
# about UDP 500. The data plane: hostA -> hostB fails, gwA's outbound SA
# sends, gwB's inbound SA receives nothing, the DROP rule counts the packets.
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
ports=$(dpc_json gwB | jq -r '.ike_sas[0] | "\(.local_port) \(.remote_port) \(.initial_local_port)"')
[ "$ports" = "4500 4500 500" ] && ok "gwB: the IKE_SA started on 500 and uses NAT-T on 4500" ||
	fail "gwB: IKE_SA ports (local remote initial) '$ports', want '4500 4500 500'"
ipt gwB -A INPUT -p udp --dport 500 -j ACCEPT
ipt gwB -A INPUT -p udp --dport 4500 -j DROP
note "gwB filter INPUT: $(ipt gwB -S INPUT | tr '\n' ';')"

# the plugin
wait_for_finding gwB filter-blocks-ike
assert_severity gwB filter-blocks-ike error
note "gwB filter-blocks-ike: $(finding_text gwB filter-blocks-ike)"
pkts=$(findings_field gwB filter-blocks-ike .evidence.packet)
case $pkts in
*"UDP 500 "*) fail "gwB reports UDP 500 as blocked: $pkts" ;;
*"UDP 4500 "*) ok "gwB: filter-blocks-ike for UDP 4500 ($pkts)" ;;
*) fail "gwB: filter-blocks-ike packets '$pkts', want UDP 4500" ;;
esac
rule=$(finding_field gwB filter-blocks-ike .evidence.rule)
case $rule in *iptables-legacy*filter*INPUT*"--dport 4500"*DROP*) ok "the finding names the rule: $rule" ;;
*) fail "the finding's rule is '$rule', want gwB's INPUT --dport 4500 DROP rule" ;; esac
assert_no_finding gwA filter-blocks-ike

# the data plane
aout0=$(xfrm_packets gwA out); bin0=$(xfrm_packets gwB in); d0=$(ipt_pkts gwB filter INPUT 2)
n=$(ping_count hostA "$HOSTB_IP" 3)
aout1=$(xfrm_packets gwA out); bin1=$(xfrm_packets gwB in); d1=$(ipt_pkts gwB filter INPUT 2)
note "ping hostA -> hostB: ${n:-0}/3; gwA outbound SA ${aout0:-none} -> ${aout1:-none}, gwB inbound SA ${bin0:-none} -> ${bin1:-none}, gwB DROP rule ${d0:-?} -> ${d1:-?} packets"
[ "${n:-0}" = 0 ] && ok "hostA -> hostB fails" || fail "hostA -> hostB got ${n:-0}/3 replies"
[ $(( ${aout1:-0} - ${aout0:-0} )) -ge 3 ] && [ "${bin1:-0}" = "${bin0:-0}" ] && [ $(( ${d1:-0} - ${d0:-0} )) -ge 3 ] &&
	ok "ESP-in-UDP left gwA and was dropped by gwB's INPUT rule before its SA" ||
	fail "counters do not show the drop at gwB's INPUT"
finish
