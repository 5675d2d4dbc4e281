#!/bin/bash
# timeout: 240
# A bypass policy with priority 100 for hostB alone is added on gwA (ip
# xfrm policy add ... dir out priority 100): the kernel picks it before
# charon's out policy, hostA's pings to hostB leave gwA in cleartext
# (captured between gwA and the NAT) and get no answer. The plugin reports
# xfrm-policy-shadowed (error, direction out) on gwA naming the policy and
# the affected range; gwB stays silent about XFRM.
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
lab_exec gwA ip xfrm policy add src 10.10.1.0/24 dst "$HOSTB_IP/32" dir out priority 100
note "gwA: ip xfrm policy add src 10.10.1.0/24 dst $HOSTB_IP/32 dir out priority 100"

cap_start nat in wire
got=$(ping_count hostA "$HOSTB_IP" 3)
cap_stop wire
clear=$(cap_count wire icmp and host "$HOSTB_IP")
[ "${got:-0}" = 0 ] && ok "ping hostA -> hostB: 0/3" || fail "ping hostA -> hostB: $got/3, want 0"
[ "${clear:-0}" -ge 3 ] && ok "hostA's echo requests leave gwA in cleartext ($clear captured)" ||
	fail "$clear cleartext ICMP packets to hostB captured, want >= 3"
cap_show wire icmp

wait_for_finding gwA xfrm-policy-shadowed 30
assert_severity gwA xfrm-policy-shadowed error
note "gwA: $(finding_text gwA xfrm-policy-shadowed)"
pol=$(finding_field gwA xfrm-policy-shadowed .evidence.policy)
[ "$pol" = "src 10.10.1.0/24 dst $HOSTB_IP/32 dir out priority 100 action allow" ] &&
	ok "gwA: evidence names the policy ($pol)" || fail "gwA: evidence policy '$pol'"
aff=$(finding_field gwA xfrm-policy-shadowed .evidence.affected)
[ "$aff" = "10.10.1.0/24 -> $HOSTB_IP/32" ] && ok "gwA: affected $aff" || fail "gwA: affected '$aff'"
[[ $(finding_field gwA xfrm-policy-shadowed .hint) == *"ip xfrm policy delete src 10.10.1.0/24 dst $HOSTB_IP/32 dir out"* ]] &&
	ok "gwA: the hint deletes it" || fail "gwA: hint without the ip xfrm policy delete"
# the tracer shows the kernel's lookup: the bypass, not charon's policy
tr=$("$DPC_CLI" --uri "$(lab_dpc_uri gwA)" --timeout 10 --trace --src 10.10.1.10 --dst "$HOSTB_IP" 2>&1)
note "gwA --trace: $(printf '%s\n' "$tr" | grep -A4 'XFRM-POLICY' | tr -s ' \n' ' ')"
printf '%s\n' "$tr" | grep -A4 'XFRM-POLICY' | grep -q "priority 100 .*bypass, sent unprotected" &&
	ok "gwA --trace: XFRM-POLICY phase names the bypass" || fail "gwA --trace: no XFRM-POLICY phase with the bypass"
assert_no_finding gwA xfrm-policy-missing xfrm-state-missing
assert_no_finding gwB xfrm-policy-shadowed xfrm-policy-missing xfrm-state-missing
finish
