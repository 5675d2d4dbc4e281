#!/bin/bash
# hostA pings hostB through real kernel ESP, the pings pause while gwA
# rekeys the CHILD_SA and gwB's kernel loses the new inbound SA (deleted by
# hand, as after a rekey gone wrong; an outbound SA lost instead would be
# recreated by charon on the kernel's acquire), then resume: gwA's ESP dies
# at gwB, which counts XfrmInNoStates. traffic-stopped-after-rekey on
# gwB, with the kernel's SAD as evidence: the new inbound SPI is missing.
# gwA sees its new CHILD_SA only send (stopped-after-rekey or one-way-out,
# depending on whether a reply slipped through first).
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
lab_sleep 6
stop_bg
innostates() { lab_exec gwB awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat; }
n0=$(innostates)
lab_swanctl gwA --rekey --child net >/dev/null 2>&1 && ok "gwA rekeyed the CHILD_SA" || fail "swanctl --rekey failed"
lab_exec gwB ip xfrm state deleteall src 198.51.100.1 dst 198.51.100.2 proto esp &&
	ok "gwB: its inbound SAs (the new one) deleted from the kernel" || fail "could not delete gwB's inbound SA"
note "gwB's SAs now: $(xfrm_show gwB | tr '\n' ';')"
bg_ping hostA "$HOSTB_IP"
wait_for_finding gwB traffic-stopped-after-rekey 40
note "gwB: $(finding_text gwB traffic-stopped-after-rekey)"
sa_in=$(finding_field gwB traffic-stopped-after-rekey .evidence.sa_in)
case $sa_in in
*"missing from the kernel's SAD") ok "gwB evidence sa_in: $sa_in" ;;
*) fail "gwB evidence sa_in='$sa_in', want the SPI missing" ;;
esac
# gwA's new inbound SA may have caught a reply or two before gwB lost its
# SA: then it reports the one-way traffic instead; one of the two it must
t0=$(lab_now)
until has_finding gwA traffic-stopped-after-rekey || has_finding gwA traffic-one-way-out; do
	_timed_out "$t0" 30 && break
	lab_sleep 1
done
if has_finding gwA traffic-stopped-after-rekey; then
	ok "gwA: traffic-stopped-after-rekey, sa_in $(finding_field gwA traffic-stopped-after-rekey .evidence.sa_in)"
elif has_finding gwA traffic-one-way-out; then
	ok "gwA: traffic-one-way-out (a few replies came through the new SA first)"
else
	fail "gwA reports neither traffic-stopped-after-rekey nor traffic-one-way-out: $(all_codes gwA)"
fi
stop_bg
[ "$(ping_count hostA "$HOSTB_IP" 3)" = 0 ] && ok "hostA's pings die" || fail "hostA's pings pass"
n1=$(innostates)
[ "${n1:-0}" -gt "${n0:-0}" ] && ok "gwB's XfrmInNoStates grew ${n0:-?} -> ${n1:-?}" ||
	fail "XfrmInNoStates did not grow (${n0:-?} -> ${n1:-?})"
finish
