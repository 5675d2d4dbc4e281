#!/bin/bash
# idle_warn = 4s: a CHILD_SA without any traffic gets traffic-none (info) on
# both gateways; in a second, fresh lab with pings running it is absent.
. "$(dirname "$0")/../lib.sh"

lab_up DPC_EXTRA='idle_warn = 4s' || { fail "lab did not come up"; finish; }
wait_for_finding gwA traffic-none
wait_for_finding gwB traffic-none
assert_severity gwA traffic-none info
note "gwA traffic-none: $(finding_text gwA traffic-none)"

note "second lab, with traffic"
lab_up DPC_EXTRA='idle_warn = 4s' || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
wait_for_finding gwA nat-detected
sleep 8
for gw in gwA gwB; do
	assert_no_finding "$gw" traffic-none
	assert_healthy "$gw"
done
finish
