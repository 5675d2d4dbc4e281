#!/bin/bash
# gwA's table-220 route for 10.20.1.0/24 gets src 192.0.2.2 (its WAN
# address) instead of 10.10.1.1: gwA's own pings to hostB leave with a
# source outside the local selector and match no SA (they fail), while
# "ping -I 10.10.1.1" and hostA's pings still work: source-outside-ts on gwA.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
assert_ping gwA "$HOSTB_IP"
assert_no_finding gwA source-outside-ts
note "gwA table 220: $(lab_exec gwA ip route show table 220 | tr '\n' ';')"
lab_exec gwA ip route replace "$NET_B" dev ipsec0 src "$GWA_WAN_IP" table 220
note "gwA: $(lab_exec gwA ip route get "$HOSTB_IP" 2>&1 | head -n1)"
assert_no_ping gwA "$HOSTB_IP"
assert_ping gwA "$HOSTB_IP" -I "$GWA_LAN_IP"
assert_ping hostA "$HOSTB_IP"
wait_for_finding gwA source-outside-ts
assert_severity gwA source-outside-ts warning
note "gwA source-outside-ts: $(finding_text gwA source-outside-ts)"
s=$(finding_evidence gwA source-outside-ts source)
[ "$s" = "$GWA_WAN_IP" ] && ok "evidence source=$s" || fail "evidence source is '$s'"
assert_no_finding gwB source-outside-ts
lab_exec gwA ip route replace "$NET_B" dev ipsec0 src "$GWA_LAN_IP" table 220
wait_for_resolved gwA source-outside-ts
finish
