#!/bin/bash
# A healthy kernel-XFRM tunnel with the NAT in the middle: pings pass both
# ways as ESP-in-UDP (no cleartext ICMP between gwA and the NAT), the kernel
# SA counters move; with traffic both ways for longer than traffic_window
# neither gateway reports a warning or an error; gwA (behind the NAT) reports
# nat-detected (info); the plugin's --json carries the CHILD_SA counters it
# sampled from XFRM.
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }

# the data plane
read -r in0 out0 <<<"$(xfrm_counts gwA)"
cap_start nat in wire
a2b=$(ping_count hostA "$HOSTB_IP" 3)
b2a=$(ping_count hostB "$HOSTA_IP" 3)
cap_stop wire
read -r in1 out1 <<<"$(xfrm_counts gwA)"
[ "${a2b:-0}" = 3 ] && ok "ping hostA -> hostB: 3/3" || fail "ping hostA -> hostB: ${a2b:-0}/3"
[ "${b2a:-0}" = 3 ] && ok "ping hostB -> hostA: 3/3" || fail "ping hostB -> hostA: ${b2a:-0}/3"
esp=$(cap_count wire udp port 4500); clear=$(cap_count wire icmp)
note "nat:in saw $esp ESP-in-UDP packets and $clear cleartext ICMP packets"
[ "$esp" -ge 12 ] && [ "$clear" = 0 ] && ok "only ESP-in-UDP between gwA and the NAT" ||
	fail "wire gwA<->NAT: $esp ESP-in-UDP (want >= 12), $clear cleartext ICMP (want 0)"
note "gwA XFRM SAs: out ${out0:-none} -> ${out1:-none}, in ${in0:-none} -> ${in1:-none} packets"
[ $(( ${out1:-0} - ${out0:-0} )) -ge 6 ] && [ $(( ${in1:-0} - ${in0:-0} )) -ge 6 ] &&
	ok "gwA kernel SA counters moved by >= 6 each way" || fail "gwA kernel SA counters did not move"
[ "$(lab_exec gwA ip xfrm state | grep -c 'encap type espinudp')" = 2 ] &&
	ok "gwA: two kernel SAs with espinudp encapsulation" || fail "gwA: not two espinudp SAs"

# the plugin
wait_for_finding gwA nat-detected
assert_severity gwA nat-detected info
note "gwA nat-detected: $(finding_text gwA nat-detected)"
[ "$(finding_field gwA nat-detected .evidence.nat)" = local ] && ok "gwA: the NAT is on the local side" ||
	fail "gwA nat-detected evidence nat=$(finding_field gwA nat-detected .evidence.nat), want local"
dp=$(_last gwA | jq -r .dataplane)
[ "$dp" = xfrm ] && ok "gwA: --json says data plane xfrm" || fail "gwA: --json says data plane '$dp', want xfrm"

# traffic both ways for longer than traffic_window (6s)
bg_ping hostA "$HOSTB_IP"
bg_ping hostB "$HOSTA_IP"
lab_sleep 6
wait_rounds gwA 1
for gw in gwA gwB; do
	assert_healthy "$gw"
	assert_no_finding "$gw" traffic-one-way-out traffic-one-way-in traffic-none nat-before-ipsec \
		filter-blocks-forward filter-blocks-ike filter-blocks-pmtu ruleset-uncertain
	read -r jin jout <<<"$(json_child_packets "$gw")"
	read -r kin kout <<<"$(xfrm_counts "$gw")"
	note "$gw: --json packets_in=$jin packets_out=$jout, kernel SAs now in=$kin out=$kout"
	if [ "${jin:-0}" -gt 0 ] 2>/dev/null && [ "${jout:-0}" -gt 0 ] 2>/dev/null &&
	   [ "$jin" -le "${kin:-0}" ] && [ "$jout" -le "${kout:-0}" ]; then
		ok "$gw: --json carries the XFRM counters (in/out > 0, not above the kernel's)"
	else
		fail "$gw: --json packets_in/out '$jin'/'$jout' do not match the kernel SAs ($kin/$kout)"
	fi
done
has_finding gwB nat-detected && note "gwB nat-detected: $(finding_text gwB nat-detected)"
finish
