#!/bin/bash
# The same masquerade through iptables-nft, the way most scripts write it:
#   iptables-nft -t nat -A POSTROUTING -s 10.20.1.0/24 -j MASQUERADE
# (an nft rule whose target is the xt MASQUERADE blob): nat-before-ipsec on
# gwB naming the rule, not on gwA; hostB -> hostA pings fail.
# `-m policy --pol ipsec --dir out -j ACCEPT` before it is the exemption for
# the XFRM data plane (UML tier); kernel-libipsec's ipsec0 traffic has no
# XFRM policy, so it does NOT exempt it here: still reported, pings still fail.
# `-o ipsec0 -j ACCEPT` before it does: the finding is resolved, pings work.
. "$(dirname "$0")/../lib.sh"

ipt() { lab_exec gwB iptables-nft "$@" || fail "iptables-nft $*"; }
lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected

ipt -t nat -A POSTROUTING -s "$NET_B" -j MASQUERADE
note "gwB: iptables-nft -t nat -A POSTROUTING -s $NET_B -j MASQUERADE"
wait_for_finding gwB nat-before-ipsec
assert_severity gwB nat-before-ipsec error
note "gwB nat-before-ipsec: $(finding_text gwB nat-before-ipsec)"
rule=$(finding_evidence gwB nat-before-ipsec rule)
case $rule in
*"ip nat POSTROUTING handle "*"ip saddr $NET_B "*MASQUERADE*) ok "json evidence names the rule: $rule" ;;
*) fail "json evidence rule is '$rule', want the POSTROUTING MASQUERADE rule" ;;
esac
log_lines gwB nat-before-ipsec | grep -q 'POSTROUTING handle .*MASQUERADE' && ok "log line names the rule" ||
	fail "log line does not name the rule: $(log_lines gwB nat-before-ipsec | head -n1)"
assert_no_finding gwA nat-before-ipsec
assert_no_ping hostB "$HOSTA_IP"

ipt -t nat -I POSTROUTING -m policy --pol ipsec --dir out -j ACCEPT
note "gwB: -m policy --pol ipsec --dir out -j ACCEPT inserted first"
lab_dpc gwB --check >/dev/null 2>&1
lab_dpc gwB --check >/dev/null 2>&1
n=$(json_count gwB nat-before-ipsec)
[ "${n:-0}" -gt 0 ] && ok "nat-before-ipsec still reported with the policy match (libipsec)" ||
	fail "nat-before-ipsec gone after -m policy --pol ipsec, but libipsec traffic is still masqueraded"
assert_no_ping hostB "$HOSTA_IP"

ipt -t nat -I POSTROUTING -o ipsec0 -j ACCEPT
note "gwB: -o ipsec0 -j ACCEPT inserted first"
wait_for_resolved gwB nat-before-ipsec
assert_ping hostB "$HOSTA_IP"
assert_no_finding gwB nat-hides-source
finish
