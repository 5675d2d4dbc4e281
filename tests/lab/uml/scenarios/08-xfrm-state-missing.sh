#!/bin/bash
# timeout: 240
# gwA's outbound SA is deleted by hand (ip xfrm state delete), the way a
# rekey collision loses it: charon keeps the CHILD_SA up, hostA's pings
# die at gwA (XfrmOutNoStates grows, no ESP leaves). The plugin reports
# xfrm-state-missing on gwA naming the SPI, and xfrm-errors for
# XfrmOutNoStates on the same CHILD_SA; gwB, whose SAs are intact, reports
# neither.
. "$UML_DIR/lib.sh"

xstat() { lab_exec "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat; }

lab_up || { fail "lab did not come up"; finish; }
[ "$(ping_count hostA "$HOSTB_IP" 3)" = 3 ] && ok "ping hostA -> hostB: 3/3 before" ||
	fail "ping hostA -> hostB failed before the SA was deleted"

spi=$(lab_exec gwA ip xfrm state list src "$GWA_WAN_IP" | awk '/proto esp spi/ { print $4; exit }')
[ -n "$spi" ] || { fail "gwA: no outbound SA found"; finish; }
dst=$(lab_exec gwA ip xfrm state list src "$GWA_WAN_IP" | awk '/^src/ { print $4; exit }')
# charon learns of a lost outbound SA only when the kernel's acquire state
# for it expires (xfrm_acq_expires, 30 s after the first packet), then
# replaces the CHILD_SA: keep the loss for the whole scenario
lab_exec gwA sysctl -qw net.core.xfrm_acq_expires=600
lab_exec gwA ip xfrm state delete src "$GWA_WAN_IP" dst "$dst" proto esp spi "$spi"
note "gwA: ip xfrm state delete src $GWA_WAN_IP dst $dst proto esp spi $spi"

# the data plane: pings die at gwA
n0=$(xstat gwA XfrmOutNoStates)
cap_start nat in wire
got=$(ping_count hostA "$HOSTB_IP" 2)
cap_stop wire
n1=$(xstat gwA XfrmOutNoStates)
[ "${got:-0}" = 0 ] && ok "ping hostA -> hostB: 0/2 while the SA is gone" || fail "ping hostA -> hostB: $got/2, want 0"
note "gwA XfrmOutNoStates $n0 -> $n1"
[ "${n1:-0}" -gt "${n0:-0}" ] && ok "gwA: XfrmOutNoStates grows" || fail "gwA: XfrmOutNoStates did not grow"
clear=$(cap_count wire icmp); esp=$(cap_count wire udp port 4500 and greater 100)
[ "$clear" = 0 ] && [ "$esp" = 0 ] && ok "neither cleartext ICMP nor ESP leaves gwA" ||
	fail "$clear cleartext ICMP and $esp ESP packets left gwA, want none"
bg_ping hostA "$HOSTB_IP"
wait_for_finding gwA xfrm-state-missing 20
assert_severity gwA xfrm-state-missing error
note "gwA: $(finding_text gwA xfrm-state-missing)"
ev=$(finding_field gwA xfrm-state-missing .evidence.sa_out)
[[ $ev == *"spi $spi absent"* ]] && ok "gwA: evidence names the lost SA ($ev)" ||
	fail "gwA: evidence sa_out '$ev' does not name spi $spi"
[[ $(finding_field gwA xfrm-state-missing .hint) == *"swanctl --rekey --child net"* ]] &&
	ok "gwA: the hint rekeys the CHILD_SA" || fail "gwA: hint without swanctl --rekey --child net"
log_lines gwA xfrm-state-missing | grep -q "spi 0x${spi#0x}" && ok "gwA: logged with the SPI" || fail "gwA: no log line naming the SPI"
wait_for_finding gwA xfrm-errors 20
tied=$(_last gwA | jq -r '[(.ike_sas // [])[] | (.children // [])[] | select(.name == "net") |
	(.findings // [])[] | select(.code == "xfrm-errors") | .evidence.counter] | join(",")')
[[ ,$tied, == *,XfrmOutNoStates,* ]] && ok "gwA: xfrm-errors XfrmOutNoStates on CHILD_SA net" ||
	fail "gwA: xfrm-errors on CHILD_SA net: '$tied', want XfrmOutNoStates"

assert_no_finding gwB xfrm-state-missing xfrm-policy-missing xfrm-policy-shadowed
finish
