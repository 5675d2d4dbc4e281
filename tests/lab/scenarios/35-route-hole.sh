#!/bin/bash
# A host route for hostB (10.20.1.10/32) out of gwA's wan in table 220 cuts
# a hole into the remote selector 10.20.1.0/24: hostA's pings to hostB leak
# in cleartext (tcpdump on gwA's wan) while the rest of the selector still
# goes through ipsec0: route-missing on gwA with the range and the route.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
assert_ping hostA "$HOSTB_IP"
assert_no_finding gwA route-missing
lab_exec gwA ip route add "$HOSTB_IP/32" via "$NAT_IN_IP" dev wan table 220
cap="$LAB_SCRATCH/wan-35.txt"
lab_exec gwA timeout 8 tcpdump -ni wan -c 1 "icmp and dst host $HOSTB_IP" >"$cap" 2>/dev/null &
tpid=$!
sleep 1
assert_no_ping hostA "$HOSTB_IP"
wait "$tpid" 2>/dev/null
if grep -q "> $HOSTB_IP: ICMP echo request" "$cap"; then
	ok "hostA's pings to hostB leave gwA's wan in cleartext: $(head -n1 "$cap")"
else
	fail "no cleartext ICMP to $HOSTB_IP on gwA's wan: $(cat "$cap")"
fi
assert_ping hostA "$GWB_LAN_IP"
wait_for_finding gwA route-missing
assert_severity gwA route-missing error
note "gwA route-missing: $(finding_text gwA route-missing)"
r=$(finding_evidence gwA route-missing range)
[ "$r" = "$HOSTB_IP/32" ] && ok "evidence range=$r" || fail "evidence range is '$r'"
if finding_evidence gwA route-missing table_route | grep -q "^$HOSTB_IP via $NAT_IN_IP dev wan table 220"; then
	ok "evidence shows the host route"
else
	fail "evidence table_route: $(finding_evidence gwA route-missing table_route)"
fi
assert_no_finding gwB route-missing
lab_exec gwA ip route del "$HOSTB_IP/32" table 220
wait_for_resolved gwA route-missing
assert_ping hostA "$HOSTB_IP"
finish
