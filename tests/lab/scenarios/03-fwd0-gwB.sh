#!/bin/bash
# ip_forward=0 on gwB: forwarding-disabled on gwB, not on gwA; resolved when
# forwarding is switched back on.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
wait_for_finding gwB forwarding-disabled
assert_severity gwB forwarding-disabled error
note "gwB forwarding-disabled: $(finding_text gwB forwarding-disabled)"
assert_no_finding gwA forwarding-disabled
lab_exec gwB sysctl -qw net.ipv4.ip_forward=1
wait_for_resolved gwB forwarding-disabled
finish
