#!/bin/bash
# gwB's forward chain is the common "ping yes, connections no" default, with
# only its own LAN allowed to start connections:
#   policy drop; ct state established,related accept;
#   icmp type echo-request accept; iifname "lan" accept
# Ping passes both ways, hostB's new TCP and UDP connections to hostA work,
# hostA's to hostB are dropped. filter-blocks-forward on gwB, direction in
# only, a warning (new connections of one direction), naming the kinds that
# are dropped (TCP and UDP), ping passing, and the rule (the chain policy) per
# kind; nothing about it on gwA.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
flow_serve hostA || finish
flow_serve hostB || finish
assert_flow hostA "$HOSTB_IP" tcp

nft_load gwB <<'EOF2' || finish
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		icmp type echo-request accept
		iifname "lan" accept
	}
}
EOF2
note 'gwB forward: policy drop; established,related; echo-request; iifname "lan" accept'
wait_for_finding gwB filter-blocks-forward
assert_severity gwB filter-blocks-forward warning
note "gwB filter-blocks-forward: $(finding_text gwB filter-blocks-forward)"
dirs=$(finding_evidence gwB filter-blocks-forward direction | sort -u | tr '\n' ' ')
[ "$dirs" = "in " ] && ok "direction in only" || fail "directions reported: '$dirs', want 'in' only"
for k in tcp udp; do
	v=$(finding_evidence gwB filter-blocks-forward $k)
	case $v in
	'drop by inet filter forward policy drop') ok "json evidence $k=$v" ;;
	*) fail "json evidence $k is '$v', want the chain policy" ;;
	esac
done
v=$(finding_evidence gwB filter-blocks-forward icmp)
[ "$v" = accept ] && ok "json evidence icmp=accept" || fail "json evidence icmp is '$v'"
v=$(finding_evidence gwB filter-blocks-forward established)
[ "$v" = accept ] && ok "json evidence established=accept" || fail "json evidence established is '$v'"
msg=$(dpc_json gwB | jq -r "$JQ_ALL | map(select(.code == \"filter-blocks-forward\")) | .[0].message")
case $msg in
*'drops new TCP and UDP connections from 10.10.1.0/24 to 10.20.1.0/24; ping passes'*) ok "message names the kinds: $msg" ;;
*) fail "message: '$msg'" ;;
esac
log_lines gwB filter-blocks-forward | grep -q 'warning filter-blocks-forward .*direction=in .*tcp=.drop by inet filter forward policy drop' &&
	ok "log line: warning, direction and tcp verdict" ||
	fail "log line lacks severity/direction/tcp: $(log_lines gwB filter-blocks-forward | head -n1)"
assert_no_finding gwA filter-blocks-forward
assert_no_finding gwB ruleset-uncertain

# ground truth
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
assert_no_flow hostA "$HOSTB_IP" tcp
assert_no_flow hostA "$HOSTB_IP" udp
assert_flow hostB "$HOSTA_IP" tcp
assert_flow hostB "$HOSTA_IP" udp
finish
