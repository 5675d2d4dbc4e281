#!/bin/bash
# hostB loses its default route while hostA pings: the requests arrive, the
# replies never leave hostB. Kernel SA counters: gwA out grows, in stays; gwB
# in grows, out stays. The plugin samples them through XFRM and reports
# traffic-one-way-out on gwA and traffic-one-way-in on gwB (not the other
# way round).
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
bg_ping hostA "$HOSTB_IP"
lab_sleep 1
lab_exec hostB ip route del default
note "hostB: default route deleted"

wait_for_finding gwA traffic-one-way-out 30
wait_for_finding gwB traffic-one-way-in 30
note "gwA: $(finding_text gwA traffic-one-way-out)"
note "gwB: $(finding_text gwB traffic-one-way-in)"
assert_no_finding gwA traffic-one-way-in
assert_no_finding gwB traffic-one-way-out

read -r ai0 ao0 <<<"$(xfrm_counts gwA)"; read -r bi0 bo0 <<<"$(xfrm_counts gwB)"
lab_sleep 2
read -r ai1 ao1 <<<"$(xfrm_counts gwA)"; read -r bi1 bo1 <<<"$(xfrm_counts gwB)"
note "kernel SAs over 2 s: gwA out $ao0 -> $ao1, in $ai0 -> $ai1; gwB in $bi0 -> $bi1, out $bo0 -> $bo1"
[ "${ao1:-0}" -gt "${ao0:-0}" ] && [ "${ai1:-0}" = "${ai0:-0}" ] && [ "${bi1:-0}" -gt "${bi0:-0}" ] && [ "${bo1:-0}" = "${bo0:-0}" ] &&
	ok "XFRM counters move one way only: gwA out / gwB in" || fail "XFRM counters do not show one-way traffic"
read -r jin jout <<<"$(json_child_packets gwA)"
note "gwA --json: packets_in=$jin packets_out=$jout"
finish
