#!/bin/bash
# gwB masquerades everything leaving on its LAN side, as a zone with
# masquerading does:  table ip nat { postrouting: oifname "lan" masquerade }
# Decrypted traffic from hostA reaches hostB with gwB's LAN address as its
# source (hostB's server logs the peer): nat-hides-source on gwB with
# direction in, naming the rule; nothing about it on gwA, no
# nat-before-ipsec. With the exemption `iifname "ipsec0" accept` before the
# masquerade the finding is resolved and hostB sees hostA's own address.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
flow_serve hostB || finish

nft_load gwB <<'EOF2' || finish
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "lan" masquerade
	}
}
EOF2
note 'gwB: postrouting oifname "lan" masquerade'
wait_for_finding gwB nat-hides-source
assert_severity gwB nat-hides-source warning
note "gwB nat-hides-source: $(finding_text gwB nat-hides-source)"
d=$(finding_evidence gwB nat-hides-source direction | sort -u | tr '\n' ' ')
[ "$d" = "in " ] && ok "direction in" || fail "directions: '$d', want 'in'"
rule=$(finding_evidence gwB nat-hides-source rule)
case $rule in
*'ip nat postrouting handle '*'oifname "lan" masquerade'*) ok "json evidence names the rule: $rule" ;;
*) fail "json evidence rule is '$rule'" ;;
esac
log_lines gwB nat-hides-source | grep -q 'warning nat-hides-source .*direction=in .*iifname .*ipsec0.* accept' &&
	ok "log line: direction in, the exemption as hint" ||
	fail "log line: $(log_lines gwB nat-hides-source | head -n1)"
assert_no_finding gwB nat-before-ipsec
assert_no_finding gwA nat-hides-source

assert_flow hostA "$HOSTB_IP" tcp
assert_flow hostA "$HOSTB_IP" udp
peers=$(flow_peers hostB tcp | tr '\n' ' ')
[ "$peers" = "$GWB_LAN_IP " ] && ok "hostB sees $GWB_LAN_IP as the source of hostA's connection" ||
	fail "hostB saw '$peers' as the source, want $GWB_LAN_IP"

nft_load gwB <<'EOF2' || finish
flush ruleset
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		iifname "ipsec0" accept
		oifname "lan" masquerade
	}
}
EOF2
note 'gwB: exemption iifname "ipsec0" accept before the masquerade'
wait_for_resolved gwB nat-hides-source
: >"$LAB_RUN/hostB/flows.log"
assert_flow hostA "$HOSTB_IP" tcp
peers=$(flow_peers hostB tcp | tr '\n' ' ')
[ "$peers" = "$HOSTA_IP " ] && ok "hostB now sees hostA's own address $HOSTA_IP" ||
	fail "hostB saw '$peers' as the source, want $HOSTA_IP"
finish
