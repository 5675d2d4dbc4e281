#!/bin/bash
# timeout: 480
# gwB's fwd policy for 10.10.1.0/24 -> 10.20.1.0/24 is replaced (ip xfrm
# policy update, same selector and priority) by one whose template names
# another reqid: gwB's inbound SA still decrypts hostA's packets, but they
# fail the fwd policy's template check and are dropped
# (XfrmInTmplMismatch grows), hostA's pings get no answer. The plugin
# reports on gwB xfrm-policy-missing (the CHILD_SA's fwd policy is gone, an
# IPsec policy of the other reqid has its place, XfrmInTmplMismatch; the
# hint updates it back) and xfrm-errors for XfrmInTmplMismatch on CHILD_SA
# net; nothing about XFRM on gwA. Running the hint's command brings the
# pings back and resolves both. Then the template keeps charon's reqid but
# says transport mode: XfrmInTmplMismatch grows again, xfrm-errors for it
# on CHILD_SA net, no xfrm-policy-missing; charon's template back heals it.
. "$UML_DIR/lib.sh"

xstat() { lab_exec "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat; }

lab_up || { fail "lab did not come up"; finish; }
[ "$(ping_count hostA "$HOSTB_IP" 3)" = 3 ] && ok "ping hostA -> hostB: 3/3 before" || fail "pings fail before the fault"

# charon's fwd policy: priority, template addresses and reqid
pol=$(lab_exec gwB ip xfrm policy get src "$NET_A" dst "$NET_B" dir fwd | tr -s ' \t\n' ' ')
prio=$(sed -n 's/.* priority \([0-9]*\) .*/\1/p' <<<"$pol")
tsrc=$(sed -n 's/.* tmpl src \([0-9.]*\) dst .*/\1/p' <<<"$pol")
tdst=$(sed -n 's/.* tmpl src [0-9.]* dst \([0-9.]*\) .*/\1/p' <<<"$pol")
reqid=$(sed -n 's/.* reqid \([0-9]*\) .*/\1/p' <<<"$pol")
note "gwB fwd policy: $pol"
other=$((reqid + 100))
lab_exec gwB ip xfrm policy update src "$NET_A" dst "$NET_B" dir fwd priority "$prio" \
	tmpl src "$tsrc" dst "$tdst" proto esp reqid "$other" mode tunnel ||
	fail "gwB: ip xfrm policy update failed"
note "gwB: ip xfrm policy update src $NET_A dst $NET_B dir fwd priority $prio tmpl src $tsrc dst $tdst proto esp reqid $other mode tunnel"

# the data plane: decrypted, then dropped by the template check
m0=$(xstat gwB XfrmInTmplMismatch)
in0=$(xfrm_packets gwB in)
got=$(ping_count hostA "$HOSTB_IP" 3)
m1=$(xstat gwB XfrmInTmplMismatch)
in1=$(xfrm_packets gwB in)
[ "${got:-0}" = 0 ] && ok "ping hostA -> hostB: 0/3" || fail "ping hostA -> hostB: $got/3, want 0"
[ "$in1" -ge $((in0 + 3)) ] && ok "gwB's inbound SA decrypts them ($in0 -> $in1)" ||
	fail "gwB's inbound SA $in0 -> $in1, want +3"
[ "${m1:-0}" -ge $(( ${m0:-0} + 3 )) ] && ok "gwB: XfrmInTmplMismatch ${m0:-0} -> $m1" ||
	fail "gwB: XfrmInTmplMismatch ${m0:-0} -> ${m1:-0}, want +3"
bg_ping hostA "$HOSTB_IP"

wait_for_finding gwB xfrm-policy-missing 40
note "gwB: $(finding_text gwB xfrm-policy-missing)"
[ "$(finding_field gwB xfrm-policy-missing .evidence.missing)" = "fwd $NET_A -> $NET_B" ] &&
	ok "gwB: missing fwd $NET_A -> $NET_B" || fail "gwB: missing '$(finding_field gwB xfrm-policy-missing .evidence.missing)'"
msg=$(finding_field gwB xfrm-policy-missing .message)
[[ $msg == *"an IPsec policy of reqid $other has its place"*XfrmInTmplMismatch* ]] &&
	ok "gwB: the message names the policy in its place and XfrmInTmplMismatch" || fail "gwB: message '$msg'"
cmd=$(finding_field gwB xfrm-policy-missing .hint | sed 's/ (or swanctl.*//')
[[ $cmd == "ip xfrm policy update src $NET_A dst $NET_B dir fwd priority $prio tmpl src $tsrc dst $tdst proto esp reqid $reqid mode tunnel" ]] &&
	ok "gwB: the hint updates it back ($cmd)" || fail "gwB: hint '$cmd'"
wait_for_finding gwB xfrm-errors 30
errs=$(_last gwB | jq -r '[(.ike_sas // [])[] | (.children // [])[] | select(.name == "net") |
	(.findings // [])[] | select(.code == "xfrm-errors") | .evidence.counter] | join(",")')
[[ ,$errs, == *,XfrmInTmplMismatch,* ]] && ok "gwB: xfrm-errors XfrmInTmplMismatch on CHILD_SA net" ||
	fail "gwB: xfrm-errors on CHILD_SA net: '$errs', want XfrmInTmplMismatch"
host=$(_last gwB | jq -r '[(.findings // [])[] | select(.code == "xfrm-errors") | .evidence.counter] | join(",")')
[ -z "$host" ] && ok "gwB: no xfrm-errors on the gateway" || fail "gwB: gateway xfrm-errors '$host'"
note "gwB: $(finding_text gwB xfrm-errors)"
[[ $(finding_field gwB xfrm-errors .hint) == *"swanctl --terminate --child net"* ]] &&
	ok "gwB: the counter's hint names CHILD_SA net" || fail "gwB: xfrm-errors hint '$(finding_field gwB xfrm-errors .hint)'"
assert_no_finding gwA xfrm-policy-missing xfrm-state-missing xfrm-policy-shadowed xfrm-errors
assert_no_finding gwB xfrm-policy-shadowed xfrm-state-missing

# the hint's command puts charon's policy back
lab_exec gwB $cmd || fail "gwB: '$cmd' failed"
wait_for_resolved gwB xfrm-policy-missing 30
n=$(ping_count hostA "$HOSTB_IP" 3)
[ "$n" = 3 ] && ok "ping hostA -> hostB: 3/3 after the hint's command" || fail "ping hostA -> hostB: ${n:-0}/3 after the fix"
wait_for_resolved gwB xfrm-errors 40

# the template with charon's reqid but in transport mode: no policy is
# missing, the tunnel-mode SA fails the template all the same
lab_exec gwB ip xfrm policy update src "$NET_A" dst "$NET_B" dir fwd priority "$prio" \
	tmpl src "$tsrc" dst "$tdst" proto esp reqid "$reqid" mode transport ||
	fail "gwB: ip xfrm policy update (mode transport) failed"
note "gwB: the fwd policy's template now reqid $reqid mode transport"
m0=$(xstat gwB XfrmInTmplMismatch)
got=$(ping_count hostA "$HOSTB_IP" 3)
m1=$(xstat gwB XfrmInTmplMismatch)
[ "${got:-0}" = 0 ] && ok "ping hostA -> hostB: 0/3" || fail "ping hostA -> hostB: $got/3, want 0"
[ "${m1:-0}" -ge $(( ${m0:-0} + 3 )) ] && ok "gwB: XfrmInTmplMismatch ${m0:-0} -> $m1" ||
	fail "gwB: XfrmInTmplMismatch ${m0:-0} -> ${m1:-0}, want +3"
wait_for_finding gwB xfrm-errors 30
errs=$(_last gwB | jq -r '[(.ike_sas // [])[] | (.children // [])[] | select(.name == "net") |
	(.findings // [])[] | select(.code == "xfrm-errors") | .evidence.counter] | join(",")')
[[ ,$errs, == *,XfrmInTmplMismatch,* ]] && ok "gwB: xfrm-errors XfrmInTmplMismatch on CHILD_SA net (mode)" ||
	fail "gwB: xfrm-errors on CHILD_SA net: '$errs', want XfrmInTmplMismatch"
assert_no_finding gwB xfrm-policy-shadowed xfrm-state-missing
[ "$(json_count gwB xfrm-policy-missing)" = 0 ] && ok "gwB: no xfrm-policy-missing (the policy is charon's reqid)" ||
	fail "gwB: xfrm-policy-missing for a policy with charon's reqid"
lab_exec gwB $cmd || fail "gwB: '$cmd' failed"
n=$(ping_count hostA "$HOSTB_IP" 3)
[ "$n" = 3 ] && ok "ping hostA -> hostB: 3/3 with charon's template back" || fail "ping hostA -> hostB: ${n:-0}/3 after the fix"
wait_for_resolved gwB xfrm-errors 40
finish
