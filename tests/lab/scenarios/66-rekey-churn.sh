#!/bin/bash
# gwA's CHILD_SA has rekey_time = 8s (life_time 20s, so it is rekeyed, not
# left to expire): it is rekeyed about 400 times an hour,
# far more than rekey_churn (30/h). rekey-churn on both gateways (both see
# every rekey): on gwA with its own 8s rekey_time as the cause, on gwB (1h)
# with the peer named as the one starting them. Pings pass throughout.
# timeout: 150
. "$(dirname "$0")/../lib.sh"

lab_up GWA_CHILD_EXTRA='rekey_time = 8s
				life_time = 20s
				rand_time = 1s' || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
wait_for_finding gwA rekey-churn 60
wait_for_finding gwB rekey-churn 20
assert_severity gwA rekey-churn warning
assert_severity gwB rekey-churn warning
note "gwA rekey-churn: $(finding_text gwA rekey-churn)"
note "gwB rekey-churn: $(finding_text gwB rekey-churn)"
[ "$(finding_evidence gwA rekey-churn rekey_time)" = 8s ] && ok "gwA evidence rekey_time=8s" ||
	fail "gwA evidence rekey_time='$(finding_evidence gwA rekey-churn rekey_time)'"
dpc_json gwB | jq -r '.. | objects | select(.code? == "rekey-churn") | .hint' | grep -q 'the peer starts them' &&
	ok "gwB's hint names the peer as the one rekeying" || fail "gwB's hint does not name the peer"
# ground truth: charon ran the rekeys (not expiries and re-creations)
n=$(grep -ac 'activating CHILD_REKEY task' "$(lab_log gwA)")
[ "$n" -ge 3 ] && ok "gwA's charon log: $n CHILD_REKEY exchanges started" ||
	fail "only $n CHILD_REKEY exchanges in gwA's log"
stop_bg
assert_ping hostA "$HOSTB_IP"
assert_no_finding gwA traffic-stopped-after-rekey
finish
