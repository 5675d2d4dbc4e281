#!/bin/bash
# gwA's nft forward chain drops what comes out of the tunnel:
#   table inet filter { chain forward { type filter hook forward priority filter;
#                                       iifname "ipsec0" drop; } }
# (kernel-libipsec delivers decrypted packets on ipsec0): filter-blocks-forward
# (error: established traffic, the replies to hostA's connections, is dropped
# too) on gwA with direction in, naming the rule; no outbound one, nothing
# on gwB; pings fail both ways (requests from hostB, replies to hostA's).
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
assert_ping hostA "$HOSTB_IP"

nft_load gwA <<'EOF' || finish
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "ipsec0" counter drop
	}
}
EOF
note 'gwA: forward iifname "ipsec0" drop'
wait_for_finding gwA filter-blocks-forward
assert_severity gwA filter-blocks-forward error
note "gwA filter-blocks-forward: $(finding_text gwA filter-blocks-forward)"
dirs=$(finding_evidence gwA filter-blocks-forward direction | sort -u | tr '\n' ' ')
[ "$dirs" = "in " ] && ok "direction in only" || fail "directions reported: '$dirs', want 'in' only"
rule=$(finding_evidence gwA filter-blocks-forward rule)
case $rule in
*'inet filter forward handle '*'iifname "ipsec0"'*drop*) ok "json evidence names the rule: $rule" ;;
*) fail "json evidence rule is '$rule'" ;;
esac
est=$(finding_evidence gwA filter-blocks-forward established)
case $est in
'drop by inet filter forward handle '*'iifname "ipsec0"'*) ok "established traffic dropped by that rule: $est" ;;
*) fail "json evidence established is '$est'" ;;
esac
log_lines gwA filter-blocks-forward | grep -q 'direction=in .*iifname \\"ipsec0\\".*drop' &&
	ok "log line names direction and rule" ||
	fail "log line lacks direction/rule: $(log_lines gwA filter-blocks-forward | head -n1)"
assert_no_finding gwB filter-blocks-forward

assert_no_ping hostB "$HOSTA_IP"
assert_no_ping hostA "$HOSTB_IP"
drops=$(lab_exec gwA nft list chain inet filter forward | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
[ "${drops:-0}" -gt 0 ] && ok "gwA's drop rule counted $drops packets" || fail "gwA's drop rule counted nothing"
finish
