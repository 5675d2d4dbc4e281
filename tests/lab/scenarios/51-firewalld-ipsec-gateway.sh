#!/bin/bash
# timeout: 240
# firewalld on both gateways, configured the way its documentation does for
# an IPsec gateway (FWD_IPSEC_GATEWAY in tests/lab/firewalld.sh): zone
# public with wan and the ipsec service (ESP, AH, UDP 500/4500, TCP 4500);
# zone internal with lan and the tunnel's interface ipsec0, whose intra-zone
# forwarding lets the LAN and the tunnel talk; no masquerade. Loaded before
# gwA initiates (Debian 12's firewalld, private D-Bus and configuration).
# The tunnel comes up through both, ping, TCP and UDP pass both ways, and
# neither gateway reports any netfilter finding (not even ruleset-uncertain)
# nor any warning or error.
. "$(dirname "$0")/../lib.sh"
. "$LAB_DIR/firewalld.sh"

lab_up LAB_INITIATE=0 || { fail "lab did not come up"; finish; }
for gw in gwA gwB; do
	fwd_start "$(lab_ns "$gw")" "$LAB_RUN/$gw/firewalld" || { fail "firewalld did not start on $gw"; finish; }
	fwd_apply "$LAB_RUN/$gw/firewalld" "$FWD_IPSEC_GATEWAY" || { fail "$gw: firewall-cmd failed"; finish; }
	note "$gw: firewalld $(fwd_cmd "$LAB_RUN/$gw/firewalld" --version): $(fwd_cmd "$LAB_RUN/$gw/firewalld" --get-active-zones | tr '\n' ' ')"
	lab_exec "$gw" nft list ruleset >"$LAB_RUN/$gw/firewalld.nft"
done
flow_serve hostA || finish
flow_serve hostB || finish
lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/gwA/initiate.out" 2>&1 &&
	ok "tunnel up through both firewalls" || { fail "initiate failed: $(tail -n 3 "$LAB_RUN/gwA/initiate.out")"; finish; }
wait_for_finding gwA nat-detected

# ground truth first: everything passes both ways
for k in tcp udp; do
	assert_flow hostA "$HOSTB_IP" $k
	assert_flow hostB "$HOSTA_IP" $k
done
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
[ "$(flow_peers hostB tcp)" = "$HOSTA_IP" ] && ok "hostB's server saw hostA's own address" ||
	fail "hostB's server saw '$(flow_peers hostB tcp)'"
[ "$(flow_peers hostA tcp)" = "$HOSTB_IP" ] && ok "hostA's server saw hostB's own address" ||
	fail "hostA's server saw '$(flow_peers hostA tcp)'"

# a few rounds on the final state, then nothing to say
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
sleep 2
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
for gw in gwA gwB; do
	assert_healthy "$gw"
	for code in nat-before-ipsec nat-hides-source nat-rewrites-ike filter-blocks-forward \
		filter-blocks-ike filter-blocks-pmtu iptables-mixed-backends ruleset-uncertain; do
		assert_no_finding "$gw" "$code"
	done
done
finish
