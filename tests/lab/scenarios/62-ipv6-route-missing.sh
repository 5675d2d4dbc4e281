#!/bin/bash
# Dual stack (LAB_IPV6=1), IPv6 routes removed on gwB, IPv4 untouched:
#  1. the connected route of gwB's IPv6 LAN (2001:db8:20::/64 dev lan):
#     decrypted IPv6 has no route to hostB: inbound-undeliverable on gwB
#     (the IPv6 path), IPv6 pings from hostA fail, IPv4 pass; resolved
#     when the route is back;
#  2. the table-220 route into the tunnel for fd10::/64 (gwB has no IPv6
#     default route): route-missing on gwB for the IPv6 path, IPv6 pings
#     from hostB fail, IPv4 pass.
# Nothing on gwA.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_IPV6=1 || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
warm_ping hostA "$HOSTB_IP6"
assert_ping hostA "$HOSTB_IP6"

lab_exec gwB ip -6 route del "$NET_B6" dev lan || fail "ip -6 route del $NET_B6 failed"
note "gwB: $(lab_exec gwB ip -6 route get "$HOSTB_IP6" from "$HOSTA_IP6" iif ipsec0 2>&1 | head -n1)"
wait_for_finding gwB inbound-undeliverable
assert_severity gwB inbound-undeliverable error
note "gwB inbound-undeliverable: $(finding_text gwB inbound-undeliverable)"
finding_text gwB inbound-undeliverable | grep -qF "for $NET_B6 have no route" &&
	ok "message names $NET_B6" || fail "message does not name $NET_B6"
n=$(json_count gwB inbound-undeliverable)
[ "$n" = 1 ] && ok "one inbound-undeliverable finding" || fail "$n inbound-undeliverable findings, want 1"
assert_no_ping hostA "$HOSTB_IP6"
assert_ping hostA "$HOSTB_IP"
assert_no_finding gwA inbound-undeliverable
assert_no_finding gwB route-missing
lab_exec gwB ip -6 route add "$NET_B6" dev lan || fail "ip -6 route add $NET_B6 failed"
wait_for_resolved gwB inbound-undeliverable
warm_ping hostA "$HOSTB_IP6"
assert_ping hostA "$HOSTB_IP6"

lab_exec gwB ip -6 route del "$NET_A6" table 220 || fail "ip -6 route del $NET_A6 table 220 failed"
note "gwB: $(lab_exec gwB ip -6 route get "$HOSTA_IP6" from "$HOSTB_IP6" iif lan 2>&1 | head -n1)"
wait_for_finding gwB route-missing
assert_severity gwB route-missing error
note "gwB route-missing: $(finding_text gwB route-missing)"
finding_text gwB route-missing | grep -qF "table 220" && finding_text gwB route-missing | grep -qF "$NET_A6" &&
	ok "message and hint name $NET_A6 and table 220" || fail "finding does not name $NET_A6 / table 220"
n=$(json_count gwB route-missing)
[ "$n" = 1 ] && ok "one route-missing finding" || fail "$n route-missing findings, want 1"
assert_no_ping hostB "$HOSTA_IP6"
assert_ping hostB "$HOSTA_IP"
assert_no_finding gwA route-missing
finish
