#!/bin/bash
# The NAT router drops UDP 4500 from the start: IKE_SA_INIT on UDP 500 is
# answered, gwA (behind the NAT) floats to 4500 for IKE_AUTH and retransmits
# until it gives up; the IKE_SA never comes up. natt-port-blocked (error) on
# gwA, naming both ports; gwB (which never sees a packet on 4500) is silent.
# With the drop removed the next initiation works and the finding goes.
# timeout: 150
. "$(dirname "$0")/../lib.sh"

block() {
	lab_exec nat nft -f - <<'NFT'
table inet dpclab_block {
	chain cut {
		type filter hook forward priority -10; policy accept;
		udp dport 4500 counter drop
	}
}
NFT
}
rc=0
lab_up LAB_INITIATE=0 GWA_CHARON_EXTRA='retransmit_timeout = 1
	retransmit_tries = 3' || rc=$?
[ $rc = 0 ] || { fail "lab did not come up (rc $rc)"; finish; }
block && ok "nat router drops UDP 4500" || { fail "could not load the drop rule"; finish; }
if lab_swanctl gwA --initiate --child net --timeout 25 >"$LAB_RUN/initiate.out" 2>&1; then
	fail "the tunnel came up although UDP 4500 is dropped"
else
	ok "initiation failed: $(grep -a 'giving up\|establishing connection' "$LAB_RUN/initiate.out" | tail -n 1)"
fi
grep -aq 'received packet: from 198.51.100.2\[500\]' "$(lab_log gwA)" &&
	ok "gwA got the IKE_SA_INIT response on UDP 500" || fail "no IKE_SA_INIT response on gwA"
n=$(lab_exec nat nft list table inet dpclab_block | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
[ "${n:-0}" -ge 3 ] && ok "the router dropped $n UDP 4500 packets (IKE_AUTH and its retransmits)" ||
	fail "the router dropped ${n:-0} packets"
wait_for_finding gwA natt-port-blocked 20
assert_severity gwA natt-port-blocked error
note "gwA natt-port-blocked: $(finding_text gwA natt-port-blocked)"
assert_no_finding gwB natt-port-blocked

# the path opened: the next attempt works and the finding goes
lab_exec nat nft delete table inet dpclab_block
lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/initiate2.out" 2>&1 &&
	ok "initiation works with UDP 4500 let through" || fail "initiation still fails"
assert_ping hostA "$HOSTB_IP"
t0=$(lab_now)
until [ "$(json_count gwA natt-port-blocked)" = 0 ]; do
	awk -v a="$t0" -v b="$(lab_now)" 'BEGIN{exit !(b-a >= 15)}' && break
	sleep 0.5
done
[ "$(json_count gwA natt-port-blocked)" = 0 ] && ok "natt-port-blocked gone from gwA's --json once an IKE_SA is up" ||
	fail "natt-port-blocked still reported by gwA"
finish
