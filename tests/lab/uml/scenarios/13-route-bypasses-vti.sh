#!/bin/bash
# gwA runs its CHILD_SA route-based over VTI (mark_in/mark_out = 42,
# charon.install_routes = no; vti0 with key 42, "10.20.1.0/24 dev vti0 src
# 10.10.1.1"); gwB stays policy-based. Healthy: pings pass both ways through
# the SAs, gwA reports no error or warning. Then the route for 10.20.1.0/24
# goes out of wan: the packets carry no mark, match no policy and leave gwA
# in cleartext (captured on the NAT's in), gwA's outbound SA stays flat:
# route-bypasses-tunnel (error) on gwA naming vti0; resolved with the route
# back. Then vti0 goes down: route-bypasses-tunnel again, state down.
# The VTI device and its route exist before the CHILD_SA does.
# timeout: 300
. "$UML_DIR/lib.sh"

lab_up LAB_INITIATE=0 GWA_CHARON_EXTRA="install_routes = no" GWA_CHILD_EXTRA="mark_in = 42
				mark_out = 42" || { fail "lab did not come up"; finish; }
lab_exec gwA ip link add vti0 type vti local "$GWA_WAN_IP" remote "$GWB_WAN_IP" key 42 ||
	{ fail "gwA: no VTI device"; finish; }
lab_exec gwA sysctl -qw net.ipv4.conf.vti0.disable_policy=1
lab_exec gwA ip link set vti0 up
lab_exec gwA ip route add "$NET_B" dev vti0 src "$GWA_LAN_IP"
note "gwA: $(lab_exec gwA ip -d link show vti0 | sed -n 3p | sed 's/^ *//' | cut -d' ' -f1-7)"
lab_initiate >"$LAB_OUT/initiate.out" 2>&1 || { fail "gwA could not initiate: $(tail -n 3 "$LAB_OUT/initiate.out")"; finish; }

# healthy route-based tunnel
a2b=$(ping_count hostA "$HOSTB_IP" 3)
b2a=$(ping_count hostB "$HOSTA_IP" 3)
[ "${a2b:-0}" = 3 ] && ok "through vti0: ping hostA -> hostB 3/3" || fail "through vti0: ping hostA -> hostB ${a2b:-0}/3"
[ "${b2a:-0}" = 3 ] && ok "through vti0: ping hostB -> hostA 3/3" || fail "through vti0: ping hostB -> hostA ${b2a:-0}/3"
wait_rounds gwA 2
assert_no_finding gwA route-bypasses-tunnel
assert_healthy gwA

# the route leaves through wan
lab_exec gwA ip route replace "$NET_B" via "$NAT_IN_IP" dev wan
note "gwA: $(lab_exec gwA ip route get "$HOSTB_IP" from "$HOSTA_IP" iif lan | head -n1)"
out0=$(xfrm_packets gwA out)
cap_start nat in wire icmp
n=$(ping_count hostA "$HOSTB_IP" 3)
cap_stop wire
out1=$(xfrm_packets gwA out)
clear=$(cap_count wire icmp and src host "$HOSTA_IP" and dst host "$HOSTB_IP")
note "ping hostA -> hostB: ${n:-0}/3; nat:in saw $clear cleartext echo requests:"
cap_show wire
[ "$clear" -ge 1 ] && ok "hostA's pings leave gwA in cleartext" || fail "no cleartext ICMP $HOSTA_IP > $HOSTB_IP on nat:in"
[ "${out1:-0}" = "${out0:-0}" ] && ok "gwA's outbound SA did not carry them (${out0:-0} packets)" ||
	fail "gwA's outbound SA counted $(( ${out1:-0} - ${out0:-0} )) packets"
wait_for_finding gwA route-bypasses-tunnel
assert_severity gwA route-bypasses-tunnel error
note "gwA route-bypasses-tunnel: $(finding_text gwA route-bypasses-tunnel)"
d=$(finding_field gwA route-bypasses-tunnel .evidence.device)
[ "$d" = vti0 ] && ok "evidence device=vti0" || fail "evidence device is '$d'"
assert_no_finding gwB route-bypasses-tunnel
lab_exec gwA ip route replace "$NET_B" dev vti0 src "$GWA_LAN_IP"
wait_for_resolved gwA route-bypasses-tunnel

# the device goes down (its routes go with it: the default route wins)
lab_exec gwA ip link set vti0 down
wait_for_finding gwA route-bypasses-tunnel
s=$(finding_field gwA route-bypasses-tunnel .evidence.state)
[ "$s" = down ] && ok "evidence state=down" || fail "evidence state is '$s'"
n=$(ping_count hostA "$HOSTB_IP" 2)
[ "${n:-0}" = 0 ] && ok "with vti0 down: ping hostA -> hostB 0/2" || fail "with vti0 down: ping hostA -> hostB ${n:-0}/2"
finish
