#!/bin/bash
# The NAT router forgets idle UDP mappings after 5 s and masquerades with
# random ports; gwA (behind it) sends DPD every 10 s, so each DPD leaves
# through a new mapping: gwB sees gwA's port change again and again.
# nat-mapping-changed on gwB, info after the first change and warning once
# three happened within the hour; gwA (its endpoints never change from its
# side) reports nothing. Ground truth: the source ports of the NAT-T
# packets on gwB's WAN, and the IKE_SA's remote port in swanctl.
# timeout: 150
. "$(dirname "$0")/../lib.sh"

lab_up GWA_DPD_DELAY=10s || { fail "lab did not come up"; finish; }
assert_ping hostA "$HOSTB_IP"
assert_no_finding gwB nat-mapping-changed
lab_exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=5 net.netfilter.nf_conntrack_udp_timeout_stream=5
lab_exec nat nft -f - <<'NFT' && ok "nat router: masquerade random, UDP mappings forgotten after 5 s idle" || fail "could not change the NAT"
flush chain ip labnat postrouting
add rule ip labnat postrouting oifname "out" masquerade random
NFT
lab_exec gwB timeout 40 tcpdump -n -i wan -w "$LAB_RUN/gwB-wan.pcap" "udp and src host $NAT_OUT_IP" >/dev/null 2>&1 &
cap=$!
wait_for_finding gwB nat-mapping-changed 40
note "gwB nat-mapping-changed: $(finding_text gwB nat-mapping-changed)"
[ "$(finding_evidence gwB nat-mapping-changed side)" = remote ] && ok "evidence side=remote" ||
	fail "evidence side='$(finding_evidence gwB nat-mapping-changed side)'"
t0=$(lab_now)
until [ "$(dpc_json gwB | jq -r '[.. | objects | select(.code? == "nat-mapping-changed") | .severity][0] // empty')" = warning ]; do
	awk -v a="$t0" -v b="$(lab_now)" 'BEGIN{exit !(b-a >= 60)}' && break
	sleep 1
done
assert_severity gwB nat-mapping-changed warning
note "gwB nat-mapping-changed: $(finding_text gwB nat-mapping-changed)"
assert_no_finding gwA nat-mapping-changed
wait $cap
ports=$(tcpdump -n -r "$LAB_RUN/gwB-wan.pcap" 2>/dev/null | awk '{print $3}' | awk -F. '{print $NF}' | sort -u | tr '\n' ' ')
n=$(echo $ports | wc -w)
[ "$n" -ge 3 ] && ok "gwB received NAT-T packets from $n source ports: $ports" ||
	fail "only $n source port(s) on gwB's WAN: $ports"
port=$(lab_swanctl gwB --list-sas 2>/dev/null | sed -n "s/.*remote .*@ $NAT_OUT_IP\[\([0-9]*\)\].*/\1/p" | head -1)
[ -n "$port" ] && [ "$port" != 4500 ] && ok "gwB's IKE_SA now talks to $NAT_OUT_IP[$port]" ||
	fail "gwB's IKE_SA remote port is '${port:-?}'"
assert_ping hostA "$HOSTB_IP"
finish
