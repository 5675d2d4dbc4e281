#!/bin/bash
# timeout: 240
# gwB's fwd policy of the CHILD_SA is deleted by hand: ESP from gwA still
# arrives and decrypts, but the kernel drops the decrypted packets for want
# of a fwd policy (XfrmInNoPols grows), hostA's pings fail. The plugin
# reports xfrm-policy-missing on gwB (missing fwd 10.10.1.0/24 ->
# 10.20.1.0/24, with the ip xfrm policy add that restores it) and
# xfrm-errors for XfrmInNoPols on the CHILD_SA; gwA reports neither.
. "$UML_DIR/lib.sh"

xstat() { lab_exec "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat; }

lab_up || { fail "lab did not come up"; finish; }
lab_exec gwB ip xfrm policy delete src 10.10.1.0/24 dst 10.20.1.0/24 dir fwd
note "gwB: ip xfrm policy delete src 10.10.1.0/24 dst 10.20.1.0/24 dir fwd"

n0=$(xstat gwB XfrmInNoPols); read -r bi0 _ <<<"$(xfrm_counts gwB)"
got=$(ping_count hostA "$HOSTB_IP" 3)
n1=$(xstat gwB XfrmInNoPols); read -r bi1 _ <<<"$(xfrm_counts gwB)"
[ "${got:-0}" = 0 ] && ok "ping hostA -> hostB: 0/3" || fail "ping hostA -> hostB: $got/3, want 0"
note "gwB: inbound SA $bi0 -> $bi1 packets, XfrmInNoPols $n0 -> $n1"
[ "${bi1:-0}" -gt "${bi0:-0}" ] && [ "${n1:-0}" -gt "${n0:-0}" ] &&
	ok "gwB decrypts the requests and drops them: XfrmInNoPols grows" ||
	fail "gwB: inbound SA or XfrmInNoPols did not grow"

bg_ping hostA "$HOSTB_IP"
wait_for_finding gwB xfrm-policy-missing 30
assert_severity gwB xfrm-policy-missing error
note "gwB: $(finding_text gwB xfrm-policy-missing)"
miss=$(finding_field gwB xfrm-policy-missing .evidence.missing)
[ "$miss" = "fwd 10.10.1.0/24 -> 10.20.1.0/24" ] && ok "gwB: missing $miss" || fail "gwB: missing '$miss'"
[[ $(finding_field gwB xfrm-policy-missing .hint) == *"ip xfrm policy add src 10.10.1.0/24 dst 10.20.1.0/24 dir fwd priority "* ]] &&
	ok "gwB: the hint adds it back" || fail "gwB: hint without ip xfrm policy add"
wait_for_finding gwB xfrm-errors 30
tied=$(_last gwB | jq -r '[(.ike_sas // [])[] | (.children // [])[] | select(.name == "net") |
	(.findings // [])[] | select(.code == "xfrm-errors") | .evidence.counter] | join(",")')
[[ ,$tied, == *,XfrmInNoPols,* ]] && ok "gwB: xfrm-errors XfrmInNoPols on CHILD_SA net" ||
	fail "gwB: xfrm-errors on CHILD_SA net: '$tied', want XfrmInNoPols"

# putting it back as the hint says heals it
cmd=$(finding_field gwB xfrm-policy-missing .hint | sed 's/ (or swanctl.*//')
note "gwB: $cmd"
lab_exec gwB $cmd
wait_for_resolved gwB xfrm-policy-missing 30
[ "$(ping_count hostA "$HOSTB_IP" 3)" = 3 ] && ok "ping hostA -> hostB: 3/3 after the hint's command" ||
	fail "pings still fail after the hint's command"
assert_no_finding gwA xfrm-policy-missing xfrm-state-missing xfrm-policy-shadowed
finish
