#!/bin/bash
# gwA masquerades everything leaving its WAN with fully random ports:
#   table ip nat { chain post { type nat hook postrouting priority srcnat;
#                               oifname "wan" masquerade fully-random; } }
# With kernel-libipsec only charon's own UDP (IKE, NAT-T with ESP inside)
# leaves through wan, so the rule rewrites the gateway's IKE/NAT-T source
# port: nat-rewrites-ike (warning) on gwA naming the rule, not on gwB. The
# rule is loaded before gwA initiates; gwA's conntrack shows its UDP 4500
# mapped to another port and gwB sees the peer on that port instead of 4500.
# (Plain masquerade keeping address and port stays silent: scenario 25.)
. "$(dirname "$0")/../lib.sh"

lab_up LAB_INITIATE=0 || { fail "lab did not come up"; finish; }
nft_load gwA <<'EOF' || finish
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade fully-random
	}
}
EOF
note 'gwA: oifname "wan" masquerade fully-random'
lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/gwA/initiate.out" 2>&1 &&
	ok "tunnel up (NAT-T copes with the mapping)" || { fail "initiate failed: $(tail -n 3 "$LAB_RUN/gwA/initiate.out")"; finish; }

wait_for_finding gwA nat-rewrites-ike
assert_severity gwA nat-rewrites-ike warning
note "gwA nat-rewrites-ike: $(finding_text gwA nat-rewrites-ike)"
rule=$(finding_evidence gwA nat-rewrites-ike rule)
case $rule in
*'ip nat post handle '*': oifname "wan" masquerade fully-random') ok "names the rule: $rule" ;;
*) fail "evidence rule is '$rule'" ;;
esac
log_lines gwA nat-rewrites-ike | grep -q 'masquerade fully-random' && ok "log line names the rule" ||
	fail "log line lacks the rule: $(log_lines gwA nat-rewrites-ike | head -n1)"
assert_no_finding gwB nat-rewrites-ike

if [ -r /proc/net/nf_conntrack ]; then
	ct=$(lab_exec gwA grep -a "udp .*src=$GWA_WAN_IP dst=$GWB_WAN_IP sport=4500 dport=4500 " /proc/net/nf_conntrack | head -n1)
	port=$(printf '%s\n' "$ct" | sed -n "s/.*src=$GWB_WAN_IP dst=$GWA_WAN_IP sport=4500 dport=\([0-9]*\) .*/\1/p")
	[ -n "$port" ] && [ "$port" != 4500 ] && ok "gwA conntrack: its UDP 4500 leaves as port $port" ||
		fail "gwA conntrack shows no rewritten UDP 4500 flow: ${ct:-none}"
fi
rport=$(dpc_json gwB | jq -r '[.ike_sas[] | select(.state == "up") | .remote_port][0] // empty')
[ -n "$rport" ] && [ "$rport" != 4500 ] && [ "$rport" != 500 ] && ok "gwB sees gwA on port $rport" ||
	fail "gwB sees gwA on port '${rport}', want a rewritten port"
finish
