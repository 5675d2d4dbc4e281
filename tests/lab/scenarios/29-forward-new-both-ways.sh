#!/bin/bash
# gwB's forward chain lets ping and established traffic through but no new
# connection either way:
#   policy drop; ct state established,related accept;
#   icmp type echo-request accept
# Nothing can ever connect with TCP or UDP: filter-blocks-forward on gwB for
# both directions, each an error (not two warnings), the message saying the
# other way is dropped too; ping passes both ways, TCP and UDP fail both
# ways. Nothing about it on gwA.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
flow_serve hostA || finish
flow_serve hostB || finish

nft_load gwB <<'EOF2' || finish
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		icmp type echo-request accept
	}
}
EOF2
note 'gwB forward: policy drop; established,related; echo-request accept'
wait_for_finding gwB filter-blocks-forward
sleep 1
sev=$(dpc_json gwB | jq -r "$JQ_ALL | map(select(.code == \"filter-blocks-forward\")) | map(.evidence.direction + \"=\" + .severity) | sort | join(\" \")")
[ "$sev" = "in=error out=error" ] && ok "both directions reported as errors ($sev)" ||
	fail "directions and severities: '$sev', want 'in=error out=error'"
note "gwB filter-blocks-forward: $(finding_text gwB filter-blocks-forward)"
n=$(log_lines gwB filter-blocks-forward | grep -c 'warning filter-blocks-forward')
[ "$n" = 0 ] && ok "no warning line for it in the log" || fail "$n warning lines in the log"
n=$(log_lines gwB filter-blocks-forward | grep -c 'error filter-blocks-forward .*other way too')
[ "$n" -ge 2 ] && ok "$n error lines say the other way is dropped too" || fail "$n error lines saying so, want 2"
assert_no_finding gwA filter-blocks-forward

assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
assert_no_flow hostA "$HOSTB_IP" tcp
assert_no_flow hostA "$HOSTB_IP" udp
assert_no_flow hostB "$HOSTA_IP" tcp
assert_no_flow hostB "$HOSTA_IP" udp
finish
