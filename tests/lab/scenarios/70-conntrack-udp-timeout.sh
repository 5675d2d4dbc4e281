#!/bin/bash
# gwB's INPUT lets the peer's packets in only as established conntrack
# flows, and its conntrack forgets an idle UDP flow after 8 s, while what
# refreshes the entry comes every 20 s (gwA's NAT keepalives) or 30 s
# (DPD): conntrack-udp-timeout on gwB. Ground truth: right after gwB sent
# something the tunnel works both ways; after 12 s idle hostA's pings die
# at gwB's INPUT (its drop counter grows). With UDP 500/4500 accepted as such the finding resolves
# and pings after the same idle gap pass.
# timeout: 150
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
lab_exec gwB sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=8 net.netfilter.nf_conntrack_udp_timeout=8
lab_exec gwB nft -f - <<'NFT' && ok "gwB: INPUT accepts only established flows on wan, conntrack UDP timeouts 8 s" ||
table inet dpclab_in {
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "wan" ct state established,related accept
		iifname "wan" counter drop
	}
}
NFT
	{ fail "could not load gwB's rules"; finish; }
# conntrack starts tracking in gwB's namespace with these rules: gwB's own
# packets to the peer make the entry the peer's packets then match
assert_ping hostB "$HOSTA_IP"
assert_ping hostA "$HOSTB_IP"
wait_for_finding gwB conntrack-udp-timeout
assert_severity gwB conntrack-udp-timeout warning
note "gwB conntrack-udp-timeout: $(finding_text gwB conntrack-udp-timeout)"
assert_no_finding gwA conntrack-udp-timeout

drops() { lab_exec gwB nft list chain inet dpclab_in input | sed -n 's/.*counter packets \([0-9]*\).*drop.*/\1/p'; }
assert_ping hostB "$HOSTA_IP"
before=$(drops)
sleep 12
assert_no_ping hostA "$HOSTB_IP"
after=$(drops)
[ "${after:-0}" -gt "${before:-0}" ] && ok "gwB's INPUT dropped $(( after - before )) packets from the peer after the idle gap" ||
	fail "gwB's drop counter did not grow (${before:-?} -> ${after:-?})"

# the peer's IKE/NAT-T accepted whatever the conntrack state
lab_exec gwB nft insert rule inet dpclab_in input iifname "wan" udp dport '{ 500, 4500 }' accept
wait_for_resolved gwB conntrack-udp-timeout 20
assert_ping hostB "$HOSTA_IP"
sleep 12
assert_ping hostA "$HOSTB_IP"
finish
