#!/bin/bash
# ufw on gwB configured for an IPsec gateway the way its documentation says
# (ufw(8): `ufw allow` for IKE and NAT-T, `ufw route allow` for routed
# traffic between the tunnel's subnets), enabled after the tunnel came up:
#   ufw allow 500,4500/udp
#   ufw route allow from 10.10.1.0/24 to 10.20.1.0/24   (and the reverse)
# New TCP, new UDP and ping pass both ways, and neither gateway reports a
# netfilter finding (not even ruleset-uncertain) nor any warning or error.
. "$(dirname "$0")/../lib.sh"
. "$LAB_DIR/managers.sh"
UFW=$LAB_RUN/gwB/ufw

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
mgr_serve hostA; mgr_serve hostB
for args in "allow 500,4500/udp" "route allow from $NET_A to $NET_B" \
	"route allow from $NET_B to $NET_A" "--force enable"; do
	# shellcheck disable=SC2086
	out=$(mgr_ufw "$NS_GWB" "$UFW" $args) || { fail "ufw $args: $out"; finish; }
	note "gwB: ufw $args: $(echo $out)"
done
lab_exec gwB iptables -S ufw-user-forward >"$LAB_RUN/gwB/ufw-user-forward.txt" 2>&1
assert_flows hostA "$HOSTB_IP" pass pass pass
assert_flows hostB "$HOSTA_IP" pass pass pass
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
sleep 2
lab_dpc gwA --check >/dev/null 2>&1; lab_dpc gwB --check >/dev/null 2>&1
for gw in gwA gwB; do
	assert_healthy "$gw"
	for code in filter-blocks-forward filter-blocks-ike filter-blocks-pmtu nat-before-ipsec \
		nat-hides-source iptables-mixed-backends ruleset-uncertain; do
		assert_no_finding "$gw" "$code"
	done
done
finish
