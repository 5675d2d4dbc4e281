#!/bin/bash
# ufw's defaults on gwB (Debian 12's ufw 0.36.2 with a private copy of its
# configuration, iptables-nft): input and forward policy DROP, established
# traffic and ICMP echo requests accepted in ufw-before(-forward).
#  1. `ufw --force enable`: IKE and NAT-T from gwA are new to gwB's conntrack
#     (it only starts tracking with the first rules) and die at INPUT's
#     policy: filter-blocks-ike (error) on gwB, nothing passes from hostA
#  2. `ufw allow 500,4500/udp` (what an operator adds first): the IKE finding
#     resolves; routed traffic is still denied by default: ping passes both
#     ways, new TCP and UDP connections die at gwB in both directions, which
#     `--trace --proto tcp` on gwB names (FORWARD's policy). With per-kind
#     forward verdicts the plugin reports filter-blocks-forward (error: new
#     connections dropped both ways) on gwB, TCP dropped and ping passing;
#     a plugin that judges one ICMP echo per direction says nothing (the miss
#     of issue 10), which is asserted as such. Nothing on gwA.
. "$(dirname "$0")/../lib.sh"
. "$LAB_DIR/managers.sh"
UFW=$LAB_RUN/gwB/ufw

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
mgr_serve hostA; mgr_serve hostB
assert_flows hostA "$HOSTB_IP" pass pass pass

out=$(mgr_ufw "$NS_GWB" "$UFW" --force enable) || { fail "ufw enable failed: $out"; finish; }
note "gwB: ufw --force enable: $out"
wait_for_finding gwB filter-blocks-ike
assert_severity gwB filter-blocks-ike error
rules=$(finding_evidence gwB filter-blocks-ike rule | sort -u)
[ "$rules" = "ip filter INPUT policy drop" ] && ok "gwB: filter-blocks-ike names INPUT's policy" ||
	fail "gwB: filter-blocks-ike rules: $rules"
log_lines gwB filter-blocks-ike | grep -q 'UDP 4500 .*rule="ip filter INPUT policy drop"' &&
	ok "gwB log line names UDP 4500 and the policy" || fail "gwB log lines: $(log_lines gwB filter-blocks-ike | head -n 2)"
assert_no_ping hostA "$HOSTB_IP"
assert_no_finding gwA filter-blocks-ike

out=$(mgr_ufw "$NS_GWB" "$UFW" allow 500,4500/udp) || { fail "ufw allow failed: $out"; finish; }
note "gwB: ufw allow 500,4500/udp: $(echo $out)"
wait_for_resolved gwB filter-blocks-ike 30
assert_flows hostA "$HOSTB_IP" fail fail pass
assert_flows hostB "$HOSTA_IP" fail fail pass

# the simulator's verdict for new TCP, both directions, as --trace shows it
for dir in in out; do
	if [ $dir = in ]; then args="--src $HOSTA_IP --dst $HOSTB_IP --iif ipsec0"; else args="--src $HOSTB_IP --dst $HOSTA_IP --iif lan"; fi
	# shellcheck disable=SC2086
	tr=$(lab_dpc gwB --trace $args --proto tcp --dport "$MGR_PORT" 2>&1)
	echo "$tr" >"$LAB_RUN/gwB/trace-tcp-$dir.txt"
	if echo "$tr" | awk '/^Type: FORWARD/ { f = 1; next } f && /^Result:/ { print; exit }' | grep -q DROP &&
		echo "$tr" | grep -q 'FORWARD policy drop'; then
		ok "gwB --trace: new TCP ($dir) dropped by FORWARD's policy"
	else
		fail "gwB --trace new TCP ($dir): $(echo "$tr" | grep -A4 'Type: FORWARD' | tr '\n' ' ')"
	fi
done

lab_dpc gwB --check >/dev/null 2>&1
if grep -q 'the FORWARD filter drops %s tunnel traffic' "$DPC_PLUGIN"; then
	# one ICMP echo per direction: ping passes, so the plugin is silent
	assert_no_finding gwB filter-blocks-forward
	note "this plugin judges forwarding by one ICMP echo per direction: it misses ufw's routed-traffic default (issue 10, flow kinds)"
else
	wait_for_finding gwB filter-blocks-forward
	assert_severity gwB filter-blocks-forward error
	dirs=$(finding_evidence gwB filter-blocks-forward direction | sort | tr '\n' ' ')
	[ "$dirs" = "in out " ] && ok "gwB: both directions" || fail "gwB directions: '$dirs'"
	tcp=$(finding_evidence gwB filter-blocks-forward tcp | sort -u)
	case $tcp in drop*FORWARD*policy*) ok "gwB: TCP evidence: $tcp" ;; *) fail "gwB: TCP evidence: '$tcp'" ;; esac
	icmp=$(finding_evidence gwB filter-blocks-forward icmp | sort -u)
	case $icmp in accept*) ok "gwB: ping evidence: $icmp" ;; *) fail "gwB: ping evidence: '$icmp'" ;; esac
	log_lines gwB filter-blocks-forward | grep -q 'FORWARD policy drop' &&
		ok "gwB log line names FORWARD's policy" || fail "gwB log: $(log_lines gwB filter-blocks-forward | head -n 1)"
fi
assert_no_finding gwA filter-blocks-forward
assert_no_finding gwB ruleset-uncertain
finish
