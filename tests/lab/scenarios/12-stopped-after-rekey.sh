#!/bin/bash
# Traffic flows both ways on the CHILD_SA, gwA rekeys it, and right after the
# rekey hostB loses its default route: the new SA only carries traffic out:
# traffic-stopped-after-rekey on gwA.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
sleep 5
lab_swanctl gwA --rekey --child net >"$LAB_RUN/rekey.out" 2>&1 && ok "rekeyed (swanctl --rekey --child net)" ||
	{ fail "swanctl --rekey failed: $(tail -n 3 "$LAB_RUN/rekey.out")"; finish; }
lab_exec hostB ip route del default
note "hostB: default route deleted"
wait_for_finding gwA traffic-stopped-after-rekey 30
assert_severity gwA traffic-stopped-after-rekey error
note "gwA traffic-stopped-after-rekey: $(finding_text gwA traffic-stopped-after-rekey)"
note "gwA codes: $(all_codes gwA)"
note "gwB codes: $(all_codes gwB)"
finish
