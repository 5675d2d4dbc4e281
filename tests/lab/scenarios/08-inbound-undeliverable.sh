#!/bin/bash
# gwB loses the connected route to its LAN: decapsulated traffic for
# 10.20.1.0/24 cannot be delivered: inbound-undeliverable on gwB.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
lab_exec gwB ip route del "$NET_B" dev lan
note "gwB: $(lab_exec gwB ip route get 10.20.1.10 from 10.10.1.10 iif ipsec0 2>&1 | head -n1)"
wait_for_finding gwB inbound-undeliverable
assert_severity gwB inbound-undeliverable error
note "gwB inbound-undeliverable: $(finding_text gwB inbound-undeliverable)"
assert_no_finding gwA inbound-undeliverable
finish
