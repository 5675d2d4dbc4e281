#!/bin/bash
# hostB loses its default route while hostA pings continuously: requests go
# through, replies never come back: traffic-one-way-out on gwA (out grows, in
# flat), traffic-one-way-in on gwB (in grows, out flat).
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
sleep 2
lab_exec hostB ip route del default
note "hostB: default route deleted"
wait_for_finding gwA traffic-one-way-out 30
wait_for_finding gwB traffic-one-way-in 30
note "gwA: $(finding_text gwA traffic-one-way-out)"
note "gwB: $(finding_text gwB traffic-one-way-in)"
assert_no_finding gwA traffic-one-way-in
assert_no_finding gwB traffic-one-way-out
finish
