#!/bin/bash
# gwB masquerades its LAN, preceded by an exemption that works with
# kernel-libipsec: first `ip daddr 10.10.1.0/24 accept`, then (replacing the
# ruleset atomically) `oifname "ipsec0" accept`. Neither nat-before-ipsec nor
# nat-hides-source on either gateway, pings work both ways.
# (The XFRM exemptions `rt ipsec exists accept` and `-m policy --pol ipsec
# --dir out -j ACCEPT` do not exempt ipsec0 traffic under kernel-libipsec:
# scenarios 16 and 17; they are proven silent in the UML tier.)
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected

for exempt in "ip daddr $NET_A accept" 'oifname "ipsec0" accept'; do
	nft_load gwB <<-EOF || finish
		flush ruleset
		table ip nat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				$exempt
				ip saddr $NET_B masquerade
			}
		}
	EOF
	note "gwB: $exempt; ip saddr $NET_B masquerade"
	# two rounds on the new ruleset
	lab_dpc gwB --check >/dev/null 2>&1
	lab_dpc gwB --check >/dev/null 2>&1
	assert_ping hostB "$HOSTA_IP"
	assert_ping hostA "$HOSTB_IP"
	for gw in gwA gwB; do
		assert_no_finding "$gw" nat-before-ipsec
		assert_no_finding "$gw" nat-hides-source
	done
done
assert_healthy gwB
finish
