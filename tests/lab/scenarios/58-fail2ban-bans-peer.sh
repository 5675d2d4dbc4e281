#!/bin/bash
# fail2ban on gwB (Debian 12's 1.0.2, private configuration, socket and
# database; default banaction iptables-multiport) with a jail for IKE and
# NAT-T (port = 500,4500, protocol = udp) bans the address gwA's packets come
# from (the NAT router's 198.51.100.1):
#   fail2ban-client set ipsec banip 198.51.100.1
# -> INPUT -p udp -m multiport --dports 500,4500 -j f2b-ipsec,
#    f2b-ipsec: -s 198.51.100.1 -j REJECT. The ESP-in-UDP from gwA is rejected:
# nothing passes either way (gwB's DPD gives up and deletes the IKE_SA);
# filter-blocks-ike (error) on gwB naming the ban rule, nothing on gwA.
# Then configured as fail2ban's docs say for an address that must never be
# banned: unbanip and addignoreip (ignoreip); the finding resolves, gwA
# re-initiates through gwB's INPUT and traffic passes both ways again.
. "$(dirname "$0")/../lib.sh"
. "$LAB_DIR/managers.sh"
F2B=$LAB_RUN/gwB/fail2ban

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
mgr_serve hostA; mgr_serve hostB
mgr_fail2ban_start "$NS_GWB" "$F2B" ipsec 500,4500 udp || { fail "fail2ban did not start"; finish; }
assert_flows hostA "$HOSTB_IP" pass pass pass
assert_no_finding gwB filter-blocks-ike

n=$(mgr_fail2ban "$NS_GWB" "$F2B" set ipsec banip "$NAT_OUT_IP") || { fail "banip failed"; finish; }
note "gwB: fail2ban banned $NAT_OUT_IP ($n)"
lab_exec gwB iptables -S >"$LAB_RUN/gwB/iptables-f2b.txt"
wait_for_finding gwB filter-blocks-ike
assert_severity gwB filter-blocks-ike error
rules=$(finding_evidence gwB filter-blocks-ike rule | sort -u | tr '\n' ' ')
case $rules in
*'ip filter f2b-ipsec handle '*"ip saddr $NAT_OUT_IP"*REJECT*) ok "gwB: the ban rule: $rules" ;;
*) fail "gwB: filter-blocks-ike rules: '$rules'" ;;
esac
log_lines gwB filter-blocks-ike | grep -q 'UDP 4500 .*f2b-ipsec' &&
	ok "gwB log line names UDP 4500 and the ban" || fail "gwB log: $(log_lines gwB filter-blocks-ike | head -n 1)"
assert_flows hostA "$HOSTB_IP" fail fail fail
assert_flows hostB "$HOSTA_IP" fail fail fail
assert_no_finding gwA filter-blocks-ike
assert_no_finding gwB filter-blocks-forward
assert_no_finding gwB ruleset-uncertain

mgr_fail2ban "$NS_GWB" "$F2B" set ipsec unbanip "$NAT_OUT_IP" >/dev/null || fail "unbanip failed"
mgr_fail2ban "$NS_GWB" "$F2B" set ipsec addignoreip "$NAT_OUT_IP" >/dev/null || fail "addignoreip failed"
wait_for_resolved gwB filter-blocks-ike 30
lab_swanctl gwA --terminate --ike s2s --force --timeout 5 >/dev/null 2>&1
lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/gwA/reinitiate.out" 2>&1 &&
	ok "gwA re-initiated through gwB's INPUT" || fail "re-initiate failed: $(tail -n 3 "$LAB_RUN/gwA/reinitiate.out")"
assert_flows hostA "$HOSTB_IP" pass pass pass
assert_flows hostB "$HOSTA_IP" pass pass pass
lab_dpc gwB --check >/dev/null 2>&1
[ "$(json_count gwB filter-blocks-ike)" = 0 ] && ok "gwB: no filter-blocks-ike now" ||
	fail "gwB: filter-blocks-ike still active"
finish
