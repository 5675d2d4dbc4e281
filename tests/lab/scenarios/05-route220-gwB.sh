#!/bin/bash
# gwB's table-220 route into the tunnel is deleted: gwB has no route for the
# remote TS any more (it has no default route): route-missing on gwB.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
lab_exec gwB ip route del "$NET_A" table 220
note "gwB: $(lab_exec gwB ip route get 10.10.1.10 from 10.20.1.10 iif lan 2>&1 | head -n1)"
wait_for_finding gwB route-missing
assert_severity gwB route-missing error
note "gwB route-missing: $(finding_text gwB route-missing)"
assert_no_finding gwA route-missing
finish
