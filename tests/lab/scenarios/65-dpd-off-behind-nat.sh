#!/bin/bash
# gwA sits behind the NAT router; gwB runs with dpd_delay = 0, gwA with DPD
# every 3s. The tunnel works (ping both ways), but only gwA checks that the
# path through the NAT is alive: while the router drops the tunnel's UDP
# (as when it forgot the mapping) gwA sends DPD requests and gwB sends
# nothing at all, its SAs stay installed. dpd-off-behind-nat on gwB only.
. "$(dirname "$0")/../lib.sh"

lab_up GWB_DPD_DELAY=0 GWA_DPD_DELAY=3s || { fail "lab did not come up"; finish; }
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
wait_for_finding gwB dpd-off-behind-nat
assert_severity gwB dpd-off-behind-nat warning
note "gwB dpd-off-behind-nat: $(finding_text gwB dpd-off-behind-nat)"
[ "$(finding_evidence gwB dpd-off-behind-nat nat)" = remote ] && ok "evidence nat=remote (the peer is behind NAT)" ||
	fail "evidence nat='$(finding_evidence gwB dpd-off-behind-nat nat)', expected remote"
assert_no_finding gwA dpd-off-behind-nat

# ground truth: cut the NAT-T path on the router and count the IKE packets
# each gateway sends on it: gwA's DPD requests, nothing from gwB
lab_exec nat nft -f - <<'NFT' && ok "nat router: UDP 4500 dropped" || fail "could not load the drop rule"
table inet dpclab_cut {
	chain cut {
		type filter hook forward priority -10; policy accept;
		udp dport 4500 counter drop
	}
}
NFT
lab_exec gwB timeout 10 tcpdump -n -i wan -w "$LAB_RUN/gwB-wan.pcap" 'udp port 4500 and src host '"$GWB_WAN_IP" >/dev/null 2>&1 &
lab_exec gwA timeout 10 tcpdump -n -i wan -w "$LAB_RUN/gwA-wan.pcap" 'udp port 4500 and src host '"$GWA_WAN_IP" >/dev/null 2>&1 &
wait
a=$(tcpdump -n -r "$LAB_RUN/gwA-wan.pcap" 2>/dev/null | wc -l)
b=$(tcpdump -n -r "$LAB_RUN/gwB-wan.pcap" 2>/dev/null | wc -l)
note "10 s with the NAT-T path cut: gwA sent $a UDP/4500 packets (DPD), gwB sent $b"
[ "$a" -ge 2 ] && ok "gwA probes the dead path ($a packets)" || fail "gwA sent only $a packets: DPD every 3s expected"
[ "$b" = 0 ] && ok "gwB sends nothing: it cannot notice the dead path" || fail "gwB sent $b packets with DPD off"
lab_swanctl gwB --list-sas 2>/dev/null | grep -q 'net: .*INSTALLED' && ok "gwB still has its CHILD_SA installed" ||
	fail "gwB's CHILD_SA is gone"
finish
