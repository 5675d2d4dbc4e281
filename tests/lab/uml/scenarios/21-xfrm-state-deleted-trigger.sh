#!/bin/bash
# timeout: 240
# Default interval (30 s), settle 2 s: gwA's outbound SA is deleted by hand
# (ip xfrm state delete). The kernel announces it (XFRM_MSG_DELSA on
# XFRMNLGRP_SA) and the plugin's watcher schedules a round for the tunnel of
# that SPI: xfrm-state-missing is logged within 5 s of the command (latency
# printed), long before the next periodic round; gwA's status counts the
# XFRM state change and an incremental round.
. "$UML_DIR/lib.sh"

LAT_MAX=5

lab_up DPC_EXTRA='interval = 30s
			settle = 2s' || { fail "lab did not come up"; finish; }
[ "$(ping_count hostA "$HOSTB_IP" 3)" = 3 ] && ok "ping hostA -> hostB: 3/3 before" ||
	fail "ping hostA -> hostB failed before the SA was deleted"
[ "$(dpc_json gwA | jq -r '.triggers.watch_kernel')" = yes ] &&
	ok "gwA watches the kernel" || fail "gwA's status does not say watch_kernel = yes"
trig() { dpc_json gwA | jq -r ".triggers.$1"; }

spi=$(lab_exec gwA ip xfrm state list src "$GWA_WAN_IP" | awk '/proto esp spi/ { print $4; exit }')
[ -n "$spi" ] || { fail "gwA: no outbound SA found"; finish; }
dst=$(lab_exec gwA ip xfrm state list src "$GWA_WAN_IP" | awk '/^src/ { print $4; exit }')
# keep the loss (charon learns of it when the acquire state expires)
lab_exec gwA sysctl -qw net.core.xfrm_acq_expires=600
# let the rounds after the start pass, so no round is pending
sleep 4
x0=$(trig xfrm_state); inc0=$(trig rounds_incremental)
before=$(log_lines gwA xfrm-state-missing | wc -l)
t0=$(lab_now)
lab_exec gwA ip xfrm state delete src "$GWA_WAN_IP" dst "$dst" proto esp spi "$spi"
while :; do
	t=$(awk -v a="$t0" -v b="$(lab_now)" 'BEGIN{printf "%.2f", b-a}')
	[ "$(log_lines gwA xfrm-state-missing | wc -l)" -gt "$before" ] && break
	if awk -v t="$t" 'BEGIN{exit !(t >= 20)}'; then
		fail "xfrm-state-missing not logged on gwA within 20 s"
		finish
	fi
	sleep 0.1
done
if awk -v t="$t" -v m="$LAT_MAX" 'BEGIN{exit !(t <= m)}'; then
	ok "XFRM state deleted: xfrm-state-missing logged on gwA after $t s (<= $LAT_MAX s)"
else
	fail "XFRM state deleted: xfrm-state-missing logged on gwA after $t s (> $LAT_MAX s)"
fi
log_lines gwA xfrm-state-missing | grep -q "spi 0x${spi#0x}" &&
	ok "gwA: logged with the SPI" || fail "gwA: no log line naming the SPI"
x1=$(trig xfrm_state); inc1=$(trig rounds_incremental)
note "gwA status: xfrm_state changes $x0 -> $x1, incremental rounds $inc0 -> $inc1"
[ "$x1" -gt "$x0" ] 2>/dev/null && ok "the XFRM state change was counted" ||
	fail "xfrm_state did not grow ($x0 -> $x1)"
[ "$inc1" -gt "$inc0" ] 2>/dev/null && ok "an incremental round ran" ||
	fail "no incremental round ($inc0 -> $inc1)"
assert_no_finding gwB xfrm-state-missing
finish
