#!/bin/bash
# Strict rp_filter on gwB passes while the reverse routes are right (the
# decrypted packets on ipsec0 have table 220's route back through ipsec0,
# the peer's ESP-in-UDP the connected route on wan): no finding. Then a host
# route sends the way back to the NAT router (gwB's IKE peer) out of lan:
# the peer's packets arriving on wan fail the reverse path check
# (IPReversePathFilter grows, pings stop): rp-filter-drop on gwB.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
lab_exec gwB sysctl -qw net.ipv4.conf.all.rp_filter=1
assert_ping hostA "$HOSTB_IP"
# a round that saw strict mode on a healthy path
sleep 6
assert_no_finding gwB rp-filter-drop
rpf() { lab_exec gwB nstat -az TcpExtIPReversePathFilter | awk '/IPReversePathFilter/ {print $2}'; }
before=$(rpf)
lab_exec gwB ip route add "$NAT_OUT_IP/32" dev lan
note "gwB: $(lab_exec gwB ip route get "$GWB_WAN_IP" from "$NAT_OUT_IP" iif wan 2>&1 | head -n1)"
assert_no_ping hostA "$HOSTB_IP"
after=$(rpf)
if [ "${after:-0}" -gt "${before:-0}" ]; then
	ok "gwB's IPReversePathFilter counter grew ($before -> $after)"
else
	fail "gwB's IPReversePathFilter did not grow ($before -> $after)"
fi
wait_for_finding gwB rp-filter-drop
assert_severity gwB rp-filter-drop error
note "gwB rp-filter-drop: $(finding_text gwB rp-filter-drop)"
v=$(finding_evidence gwB rp-filter-drop net.ipv4.conf.all.rp_filter)
[ "$v" = 1 ] && ok "evidence net.ipv4.conf.all.rp_filter=1" || fail "evidence all.rp_filter is '$v'"
if finding_evidence gwB rp-filter-drop reverse_route | grep -q "dev lan"; then
	ok "evidence shows the reverse route out of lan"
else
	fail "evidence reverse_route: $(finding_evidence gwB rp-filter-drop reverse_route)"
fi
assert_no_finding gwA rp-filter-drop
finish
