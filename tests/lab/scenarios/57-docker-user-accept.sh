#!/bin/bash
# Docker's daemon on gwB as in 56 (FORWARD policy DROP), then configured the
# way Docker's documentation says for a host that routes ("Docker on a
# router": accept rules in DOCKER-USER), for the tunnel device:
#   iptables -I DOCKER-USER -i ipsec0 -o lan -j ACCEPT
#   iptables -I DOCKER-USER -i lan -o ipsec0 -j ACCEPT
# filter-blocks-forward on gwB resolves, new TCP, UDP and ping pass both
# ways, and no netfilter finding, warning or error remains on either gateway.
. "$(dirname "$0")/../lib.sh"
. "$LAB_DIR/managers.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
mgr_serve hostA; mgr_serve hostB
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
mgr_dockerd_start "$NS_GWB" "$LAB_RUN/gwB/docker" || { fail "dockerd did not start"; finish; }
wait_for_finding gwB filter-blocks-forward

lab_exec gwB iptables -I DOCKER-USER -i ipsec0 -o lan -j ACCEPT &&
	lab_exec gwB iptables -I DOCKER-USER -i lan -o ipsec0 -j ACCEPT ||
	{ fail "iptables -I DOCKER-USER failed"; finish; }
note "gwB: DOCKER-USER accepts ipsec0 <-> lan"
lab_exec gwB iptables-save >"$LAB_RUN/gwB/iptables-docker.txt"
wait_for_resolved gwB filter-blocks-forward 30
assert_flows hostA "$HOSTB_IP" pass pass pass
assert_flows hostB "$HOSTA_IP" pass pass pass
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
# gwB's log holds the resolved filter-blocks-forward (and forwarding-disabled
# if a round saw ip_forward=0 before dockerd turned it on): judged by --json
assert_healthy_now gwB
[ "$(json_count gwB filter-blocks-forward)" = 0 ] && ok "gwB: no filter-blocks-forward now" ||
	fail "gwB: filter-blocks-forward still active"
assert_healthy gwA
for gw in gwA gwB; do
	for code in filter-blocks-ike nat-before-ipsec nat-hides-source ruleset-uncertain; do
		assert_no_finding "$gw" "$code"
	done
done
assert_no_finding gwA filter-blocks-forward
finish
