#!/bin/bash
# Dual stack (LAB_IPV6=1), IPv6 forwarding off on gwB only
# (net.ipv6.conf.all.forwarding=0): IPv4 still passes, IPv6 through the
# tunnel fails; forwarding-disabled on gwB for the IPv6 path (discriminator
# ipv6, evidence net.ipv6.conf.all.forwarding=0), one finding only, none on
# gwA; resolved when forwarding is back on. Before that, gwB's LAN
# interface alone set to forwarding=0 (a host/router switch for IPv6, not a
# forwarding one): IPv6 still passes and nothing is reported.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_IPV6=1 || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
warm_ping hostA "$HOSTB_IP6"
assert_ping hostA "$HOSTB_IP6"

lab_exec gwB sysctl -qw net.ipv6.conf.lan.forwarding=0
note "gwB: net.ipv6.conf.lan.forwarding=0, all.forwarding=1"
assert_ping hostA "$HOSTB_IP6"
assert_ping hostB "$HOSTA_IP6"
lab_dpc gwB --check >/dev/null 2>&1
lab_dpc gwB --check >/dev/null 2>&1
assert_no_finding gwB forwarding-disabled

lab_exec gwB sysctl -qw net.ipv6.conf.all.forwarding=0
note "gwB: net.ipv6.conf.all.forwarding=0"
wait_for_finding gwB forwarding-disabled
assert_severity gwB forwarding-disabled error
note "gwB forwarding-disabled: $(finding_text gwB forwarding-disabled)"
n=$(json_count gwB forwarding-disabled)
[ "$n" = 1 ] && ok "one forwarding-disabled finding (the IPv6 path's)" || fail "$n forwarding-disabled findings, want 1"
d=$(dpc_json gwB | jq -r "$JQ_ALL | map(select(.code == \"forwarding-disabled\")) | .[0].discriminator // empty")
[ "$d" = ipv6 ] && ok "discriminator ipv6" || fail "discriminator is '$d', want ipv6"
[ "$(finding_evidence gwB forwarding-disabled net.ipv6.conf.all.forwarding)" = 0 ] &&
	ok "evidence net.ipv6.conf.all.forwarding=0" || fail "evidence lacks net.ipv6.conf.all.forwarding=0"
finding_text gwB forwarding-disabled | grep -q "IPv6 forwarding is off" &&
	ok "message names IPv6" || fail "message does not name IPv6"
log_lines gwB forwarding-disabled | grep -q "IPv6 forwarding is off" &&
	ok "log line names IPv6" || fail "log line does not name IPv6"
assert_no_finding gwA forwarding-disabled
assert_no_ping hostA "$HOSTB_IP6"
assert_no_ping hostB "$HOSTA_IP6"
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"

lab_exec gwB sysctl -qw net.ipv6.conf.all.forwarding=1
wait_for_resolved gwB forwarding-disabled
warm_ping hostA "$HOSTB_IP6"
assert_ping hostA "$HOSTB_IP6"
finish
