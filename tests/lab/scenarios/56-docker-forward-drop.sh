#!/bin/bash
# Docker's daemon on gwB (docker.io 20.10.24, private data and exec roots,
# API socket and pid file in the run dir), started the way it often is on a
# fresh host: net.ipv4.ip_forward still 0. Docker turns forwarding on and,
# because it did, sets FORWARD's policy to DROP; its own chains (DOCKER-USER,
# DOCKER-ISOLATION-STAGE-1/2, docker0's rules) accept nothing of the tunnel.
# The classic way Docker breaks a VPN gateway: new TCP, UDP and ping die at
# gwB both ways; filter-blocks-forward (error) on gwB for both directions,
# naming FORWARD's policy; nothing on gwA, no ruleset-uncertain.
. "$(dirname "$0")/../lib.sh"
. "$LAB_DIR/managers.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
mgr_serve hostA; mgr_serve hostB
assert_flows hostA "$HOSTB_IP" pass pass pass

lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
mgr_dockerd_start "$NS_GWB" "$LAB_RUN/gwB/docker" || { fail "dockerd did not start"; finish; }
pol=$(lab_exec gwB iptables -S FORWARD | head -n 1)
fwd=$(lab_exec gwB sysctl -n net.ipv4.ip_forward)
[ "$pol" = "-P FORWARD DROP" ] && [ "$fwd" = 1 ] && ok "dockerd: forwarding on, '$pol'" ||
	fail "dockerd left '$pol', ip_forward=$fwd"
lab_exec gwB iptables-save >"$LAB_RUN/gwB/iptables-docker.txt"

assert_flows hostA "$HOSTB_IP" fail fail fail
assert_flows hostB "$HOSTA_IP" fail fail fail
wait_for_finding gwB filter-blocks-forward
assert_severity gwB filter-blocks-forward error
dirs=$(finding_evidence gwB filter-blocks-forward direction | sort | tr '\n' ' ')
[ "$dirs" = "in out " ] && ok "gwB: both directions" || fail "gwB directions: '$dirs'"
rules=$(finding_evidence gwB filter-blocks-forward rule | sort -u)
[ "$rules" = "ip filter FORWARD policy drop" ] && ok "gwB: rule is FORWARD's policy" || fail "gwB rule: '$rules'"
log_lines gwB filter-blocks-forward | grep -q 'direction=in .*FORWARD policy drop' &&
	ok "gwB log line names direction and policy" || fail "gwB log: $(log_lines gwB filter-blocks-forward | head -n 1)"
assert_no_finding gwA filter-blocks-forward
assert_no_finding gwB filter-blocks-ike
assert_no_finding gwB nat-before-ipsec
assert_no_finding gwB ruleset-uncertain
finish
