#!/bin/bash
# draft
. "$UML_DIR/lib.sh"
lab_up || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
bg_ping hostB "$HOSTA_IP"
wait_for_finding gwA nat-detected
sleep 8
xfrm_show gwA
xfrm_packets gwA in; xfrm_packets gwA out
dpc_json gwA | jq -c .
dpc_json gwB | jq -c .
grep -a dataplane-check "$(lab_log gwA)"
grep -a dataplane-check "$(lab_log gwB)"
assert_healthy gwA
assert_healthy gwB
finish
