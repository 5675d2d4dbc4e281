#!/bin/bash
# Without NAT gwB sees gwA's addresses. gwA gets a second address
# (192.0.2.3) and a second connection s2s2 from it (id gwA2.lab) whose child
# net2 claims the same 10.10.1.0/24 <-> 10.20.1.0/24 (as a second site
# numbered like the first would): on gwB two CHILD_SAs of IKE_SAs with
# different peers (192.0.2.2 and 192.0.2.3) claim the same remote selector:
# ts-overlap-tunnel on gwB for each of them; gwA's two IKE_SAs go to the same
# peer: nothing there. On the wire, hostB's pings to hostA leave through one
# of gwB's two CHILD_SAs only.
. "$(dirname "$0")/../lib.sh"

lab_up LAB_NAT=0 || { fail "lab did not come up"; finish; }
assert_ping hostA "$HOSTB_IP"
lab_exec gwA ip addr add 192.0.2.3/24 dev wan

# a second connection on both ends (load-conns replaces the set, so the
# file holds both), and the second identity's secret
add_conn() { # gw local_addrs remote_addrs local_id remote_id local_ts remote_ts
	local f="$LAB_RUN/$1/swanctl/swanctl2.conf"
	awk -v la="$2" -v ra="$3" -v li="$4" -v ri="$5" -v lt="$6" -v rt="$7" '
		/^connections \{/ { print; print "\ts2s2 {\n\t\tversion = 2\n\t\tlocal_addrs = " la \
			"\n\t\tremote_addrs = " ra "\n\t\tproposals = aes256-sha256-x25519\n\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " li \
			"\n\t\t}\n\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = " ri "\n\t\t}\n\t\tchildren {\n\t\t\tnet2 {\n\t\t\t\tlocal_ts = " lt \
			"\n\t\t\t\tremote_ts = " rt "\n\t\t\t\tesp_proposals = aes256gcm16\n\t\t\t\tstart_action = none\n\t\t\t}\n\t\t}\n\t}"; next }
		/id-b = / { print; print "\t\tid-c = gwA2.lab"; next }
		{ print }' "$LAB_RUN/$1/swanctl/swanctl.conf" >"$f"
	lab_swanctl "$1" --load-all --file "$f" >"$LAB_RUN/$1/load2.out" 2>&1 ||
		fail "$1: loading s2s2 failed: $(tail -n 3 "$LAB_RUN/$1/load2.out")"
}
add_conn gwA 192.0.2.3 "$GWB_WAN_IP" gwA2.lab gwB.lab "$NET_A" "$NET_B"
add_conn gwB "$GWB_WAN_IP" 192.0.2.3 gwB.lab gwA2.lab "$NET_B" "$NET_A"
if lab_swanctl gwA --initiate --child net2 --ike s2s2 --timeout 20 >"$LAB_RUN/gwA/initiate2.out" 2>&1; then
	ok "gwA: s2s2/net2 up"
else
	fail "gwA: s2s2/net2 did not come up: $(tail -n 3 "$LAB_RUN/gwA/initiate2.out")"
fi
note "gwB: $(lab_swanctl gwB --list-sas 2>/dev/null | grep -E '^(s2s|s2s2):|net' | tr -s ' ' | tr '\n' ';')"

wait_for_finding gwB ts-overlap-tunnel
assert_severity gwB ts-overlap-tunnel warning
note "gwB ts-overlap-tunnel: $(finding_text gwB ts-overlap-tunnel)"
peers=$(finding_evidence gwB ts-overlap-tunnel other_peer | sort | tr '\n' ' ')
[ "$peers" = "192.0.2.2 192.0.2.3 " ] && ok "each of gwB's CHILD_SAs names the other peer: $peers" ||
	fail "other_peer evidence: '$peers' (want 192.0.2.2 and 192.0.2.3)"
assert_no_finding gwA ts-overlap-tunnel

# the overlap goes through one CHILD_SA only
bytes() { lab_swanctl gwB --list-sas --ike "$1" 2>/dev/null | grep -E '^ +out ' | sed -E 's/.* ([0-9]+) bytes.*/\1/' | head -n1; }
o1=$(bytes s2s); o2=$(bytes s2s2)
n=$(ping_received hostB "$HOSTA_IP")
p1=$(bytes s2s); p2=$(bytes s2s2)
note "hostB -> hostA: ${n:-0}/3; gwB out bytes: s2s ${o1:-?} -> ${p1:-?}, s2s2 ${o2:-?} -> ${p2:-?}"
d1=$(( ${p1:-0} - ${o1:-0} )); d2=$(( ${p2:-0} - ${o2:-0} ))
if { [ "$d1" -gt 0 ] && [ "$d2" = 0 ]; } || { [ "$d1" = 0 ] && [ "$d2" -gt 0 ]; }; then
	ok "the overlap's packets left through one of gwB's two CHILD_SAs only"
else
	fail "gwB's CHILD_SAs both or neither carried the packets ($d1 / $d2 bytes)"
fi
finish
