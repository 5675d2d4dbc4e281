#!/bin/bash
# A healthy tunnel with traffic both ways for longer than traffic_window: no
# warning or error on either gateway; nat-detected (info) on gwA, which sits
# behind the NAT; none of the info codes that need a fault. New TCP and UDP
# connections and pings really pass both ways.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
bg_ping hostB "$HOSTA_IP"
wait_for_finding gwA nat-detected
assert_severity gwA nat-detected info
note "gwA nat-detected: $(finding_text gwA nat-detected)"
# traffic_window is 6s, interval 2s: give the traffic checks a full window
sleep 10
lab_exec hostA ping -c 2 -W 1 "$HOSTB_IP" >/dev/null && ok "hostA -> hostB pings" || fail "hostA -> hostB pings fail"
flow_serve hostA && flow_serve hostB || finish
for k in tcp udp; do
	assert_flow hostA "$HOSTB_IP" $k
	assert_flow hostB "$HOSTA_IP" $k
done
for gw in gwA gwB; do
	assert_healthy "$gw"
	for code in ts-narrowed traffic-none keepalive-off keepalive-slow; do
		assert_no_finding "$gw" "$code"
	done
done
has_finding gwB nat-detected && note "gwB nat-detected: $(finding_text gwB nat-detected)"
finish
