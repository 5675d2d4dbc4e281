#!/bin/bash
# gwA gets 10.20.1.200/24 on an extra interface (dmz): its network overlaps the
# remote selector 10.20.1.0/24. A ping from hostA to 10.20.1.200 is answered
# by gwA itself, not through the tunnel (gwB's lan never sees it):
# ts-overlap-local on gwA; nothing on gwB.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
assert_no_finding gwA ts-overlap-local
lab_exec gwA ip link add dmz type veth peer name dmz-p
lab_exec gwA ip addr add 10.20.1.200/24 dev dmz
lab_exec gwA ip link set dmz up
lab_exec gwA ip link set dmz-p up
cap="$LAB_SCRATCH/lan-34.txt"
lab_exec gwB timeout 6 tcpdump -ni lan -c 1 "icmp and host 10.20.1.200" >"$cap" 2>/dev/null &
tpid=$!
sleep 1
assert_ping hostA 10.20.1.200
wait "$tpid" 2>/dev/null
if grep -q "ICMP" "$cap"; then
	fail "gwB's lan saw the ping for 10.20.1.200: $(cat "$cap")"
else
	ok "gwA answered 10.20.1.200 itself: nothing on gwB's lan"
fi
wait_for_finding gwA ts-overlap-local
assert_severity gwA ts-overlap-local warning
note "gwA ts-overlap-local: $(finding_text gwA ts-overlap-local)"
v=$(finding_evidence gwA ts-overlap-local address_dmz)
[ "$v" = "10.20.1.200/24" ] && ok "evidence address_dmz=$v" || fail "evidence address_dmz is '$v'"
assert_no_finding gwB ts-overlap-local
lab_exec gwA ip link del dmz
wait_for_resolved gwA ts-overlap-local
finish
