#!/bin/bash
# A working gwB firewall that uses conntrack status as gateways with port
# forwards do: forward policy drop; ct state invalid drop; ct status dnat
# accept; ct direction reply ct state established accept; established,
# related accept; the tunnel device both ways; a port forward (wan tcp 8443
# -> hostB:443) in prerouting. The simulator knows the conntrack status of
# the tunnel's flows (not DNATed, not confirmed for new ones): no
# ruleset-uncertain, no filter-blocks-forward, nothing warning on gwB; TCP,
# UDP and ping pass both ways, and the port forward really works from the
# Internet side.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
flow_serve hostA || finish
flow_serve hostB || finish

nft_load gwB <<'EOF2' || finish
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" tcp dport 8443 dnat to 10.20.1.10:443
	}
}
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state invalid drop
		ct status dnat accept
		ct direction reply ct state established accept
		ct state established,related accept
		iifname "ipsec0" accept
		oifname "ipsec0" accept
	}
}
EOF2
note 'gwB: forward policy drop with ct status dnat, ct direction and the tunnel accepted; port forward 8443'
lab_dpc gwB --check >/dev/null 2>&1
sleep 2
lab_dpc gwB --check >/dev/null 2>&1
for code in ruleset-uncertain filter-blocks-forward nat-hides-source nat-before-ipsec; do
	assert_no_finding gwB "$code"
done
assert_no_finding gwA filter-blocks-forward
assert_healthy gwB
t=$(timeout 20 "$DPC_CLI" --trace --src "$HOSTA_IP" --dst "$HOSTB_IP" --proto tcp --dport 443 \
	--uri "$(lab_dpc_uri gwB)" 2>&1)
case $t in
*'Conntrack: ct state new'*'no dnat'*'Action: ALLOW'*) ok "gwB --trace tcp: allowed, conntrack state shown" ;;
*) fail "gwB --trace tcp: $(echo "$t" | tr '\n' ' ' | head -c 600)" ;;
esac

assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
for k in tcp udp; do
	assert_flow hostA "$HOSTB_IP" $k
	assert_flow hostB "$HOSTA_IP" $k
done
lab_exec nat python3 "$LAB_DIR/flowprobe.py" tcp "$GWB_WAN_IP" 8443 3 &&
	ok "port forward $GWB_WAN_IP:8443 -> hostB works (ct status dnat accepted)" ||
	fail "port forward $GWB_WAN_IP:8443 -> hostB fails"
finish
