#!/bin/bash
# gwA gets "ip rule from 10.10.1.0/24 iif lan lookup 100" at priority 100,
# before charon's rule 220, and table 100 only has a default route out of
# wan: hostA's packets for hostB bypass the TUN device and leave in
# cleartext (tcpdump on gwA's wan). route-policy-table on gwA with the rule,
# both tables' routes and the fix; nothing on gwB.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
assert_no_finding gwA route-policy-table
lab_exec gwA ip route add default via "$NAT_IN_IP" dev wan table 100
lab_exec gwA ip rule add from "$NET_A" iif lan lookup 100 priority 100
note "gwA: $(lab_exec gwA ip route get "$HOSTB_IP" from "$HOSTA_IP" iif lan 2>&1 | head -n1)"
cap="$LAB_SCRATCH/wan-32.txt"
lab_exec gwA timeout 8 tcpdump -ni wan -c 1 "icmp and dst host $HOSTB_IP" >"$cap" 2>/dev/null &
tpid=$!
sleep 1
assert_no_ping hostA "$HOSTB_IP"
wait "$tpid" 2>/dev/null
if grep -q "> $HOSTB_IP: ICMP echo request" "$cap"; then
	ok "gwA's wan carries hostA's pings in cleartext: $(head -n1 "$cap")"
else
	fail "no cleartext ICMP to $HOSTB_IP on gwA's wan: $(cat "$cap")"
fi
wait_for_finding gwA route-policy-table
assert_severity gwA route-policy-table error
note "gwA route-policy-table: $(finding_text gwA route-policy-table)"
rule=$(finding_evidence gwA route-policy-table rule)
if echo "$rule" | grep -q "^100:.*from $NET_A iif lan lookup 100"; then
	ok "evidence names the rule: $rule"
else
	fail "evidence rule is '$rule'"
fi
if finding_evidence gwA route-policy-table table_route | grep -q "^default via $NAT_IN_IP dev wan table 100"; then
	ok "evidence shows table 100's default route"
else
	fail "evidence table_route: $(finding_evidence gwA route-policy-table table_route)"
fi
assert_no_finding gwB route-policy-table
lab_exec gwA ip rule del priority 100
wait_for_resolved gwA route-policy-table
assert_ping hostA "$HOSTB_IP"
finish
