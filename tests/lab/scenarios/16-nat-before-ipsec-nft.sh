#!/bin/bash
# nftables masquerade of gwB's LAN without any exemption:
#   table ip nat { chain post { type nat hook postrouting priority srcnat;
#                               ip saddr 10.20.1.0/24 masquerade; } }
# With kernel-libipsec the tunnel traffic leaves through the TUN device
# ipsec0, which has no address, so masquerade takes gwB's first global
# address (198.51.100.2, outside the local selectors) and libipsec finds no
# policy for the packet: nat-before-ipsec on gwB naming the rule, not on gwA;
# hostB -> hostA pings fail and gwB's conntrack shows the rewrite, while
# hostA -> hostB pings still work (replies of a flow hostA started are not
# source-NATed).
#
# Then `rt ipsec exists accept` goes in before the masquerade. That is the
# exemption for the XFRM data plane (proven in the UML tier); with
# kernel-libipsec no XFRM policy applies to packets routed into ipsec0, so it
# does NOT exempt them: the plugin must keep reporting nat-before-ipsec on the
# masquerade rule, and the pings keep failing.
. "$(dirname "$0")/../lib.sh"

RULE="ip saddr $NET_B masquerade"
lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
assert_ping hostB "$HOSTA_IP"

nft_load gwB <<EOF || finish
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		$RULE
	}
}
EOF
note "gwB: $RULE"
wait_for_finding gwB nat-before-ipsec
note "gwB nat-before-ipsec: $(finding_text gwB nat-before-ipsec)"
rule=$(finding_evidence gwB nat-before-ipsec rule)
case $rule in
*"ip nat post handle "*": $RULE") ok "json evidence names the rule: $rule" ;;
*) fail "json evidence rule is '$rule', want ip nat post ...: $RULE" ;;
esac
log_lines gwB nat-before-ipsec | grep -qF "$RULE" && ok "log line names the rule" ||
	fail "log line does not name the rule: $(log_lines gwB nat-before-ipsec | head -n1)"
# the kernel lends the address-less TUN device the first global address
assert_severity gwB nat-before-ipsec error
finding_text gwB nat-before-ipsec | grep -qF "to $GWB_WAN_IP, outside the local traffic selectors" &&
	ok "message names the masqueraded source $GWB_WAN_IP" ||
	fail "message does not name $GWB_WAN_IP as the new source"
assert_no_finding gwA nat-before-ipsec
assert_no_finding gwB nat-hides-source

assert_no_ping hostB "$HOSTA_IP"
if [ -r /proc/net/nf_conntrack ]; then
	ct=$(lab_exec gwB grep -a "src=$HOSTB_IP dst=$HOSTA_IP .*src=$HOSTA_IP dst=$GWB_WAN_IP " /proc/net/nf_conntrack | head -n1)
	[ -n "$ct" ] && ok "gwB conntrack: hostB's pings masqueraded to $GWB_WAN_IP" ||
		fail "gwB conntrack shows no masqueraded hostB -> hostA flow"
fi
assert_ping hostA "$HOSTB_IP"

# the XFRM exemption does not apply to kernel-libipsec's TUN device
lab_exec gwB nft insert rule ip nat post rt ipsec exists accept || fail "nft insert failed"
note "gwB: 'rt ipsec exists accept' inserted before the masquerade"
lab_dpc gwB --check >/dev/null 2>&1
lab_dpc gwB --check >/dev/null 2>&1
n=$(json_count gwB nat-before-ipsec)
[ "${n:-0}" -gt 0 ] && ok "nat-before-ipsec still reported with 'rt ipsec exists accept' (libipsec)" ||
	fail "nat-before-ipsec gone after 'rt ipsec exists accept', but libipsec traffic is still masqueraded"
rule=$(finding_evidence gwB nat-before-ipsec rule)
case $rule in *": $RULE") ok "still names the masquerade rule" ;; *) fail "evidence rule is now '$rule'" ;; esac
grep -a 'dataplane-check: resolved' "$(lab_log gwB)" | grep -q ' nat-before-ipsec ' &&
	fail "gwB logged nat-before-ipsec as resolved"
assert_no_ping hostB "$HOSTA_IP"
finish
