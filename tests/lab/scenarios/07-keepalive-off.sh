#!/bin/bash
# gwA is behind the NAT and charon.keep_alive = 0 there: keepalive-off on gwA
# (the NAT mapping will expire); gwB (default keep_alive) has none.
. "$(dirname "$0")/../lib.sh"

lab_up GWA_CHARON_EXTRA='keep_alive = 0' || { fail "lab did not come up"; finish; }
grep -q 'local host is behind NAT' "$(lab_log gwA)" && ok "charon on gwA: local host is behind NAT" ||
	fail "precondition: gwA's charon did not detect the NAT"
wait_for_finding gwA keepalive-off
assert_severity gwA keepalive-off error
note "gwA keepalive-off: $(finding_text gwA keepalive-off)"
assert_no_finding gwA keepalive-slow
assert_no_finding gwB keepalive-off
finish
