#!/bin/bash
# Prove the data plane of a running lab: ping hostA <-> hostB, the CHILD_SA
# counters move on gwA, and only ESP (no cleartext ICMP) crosses gwA <-> NAT.
# Exit 0 when all of that holds. Usage: check.sh [count]
set -uo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab.env"
COUNT=${1:-3}
rc=0

sa_packets() { # gw in|out -> packets of the first CHILD_SA in that direction
	lab_swanctl "$1" --list-sas 2>/dev/null |
		awk -v d="$2" '$1==d {for (i=3; i<=NF; i++) if ($i ~ /^packets/) {print $(i-1); exit}}'
}

before_in=$(sa_packets gwA in); before_out=$(sa_packets gwA out)
PCAP=$LAB_RUN/check-nat-in.pcap
rm -f "$PCAP"
ip netns exec "$NS_NAT" timeout $(( COUNT + 4 )) tcpdump --immediate-mode -U -ni in -w "$PCAP" >/dev/null 2>&1 &
cap=$!
sleep 1
for dir in "hostA $HOSTB_IP" "hostB $HOSTA_IP"; do
	set -- $dir
	if out=$(lab_exec "$1" ping -c "$COUNT" -i 0.2 -W 1 "$2" 2>&1); then
		echo "ping $1 -> $2: OK ($(echo "$out" | grep -o '[0-9]* received'))"
	else
		echo "ping $1 -> $2: FAILED ($(echo "$out" | grep -o '[0-9]* received'))"; rc=1
	fi
done
sleep 0.5; kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null

after_in=$(sa_packets gwA in); after_out=$(sa_packets gwA out)
echo "gwA CHILD_SA packets: in ${before_in:-none} -> ${after_in:-none}, out ${before_out:-none} -> ${after_out:-none}"
if [ -z "$after_out" ] || [ "${after_out:-0}" -le "${before_out:-0}" ] || [ "${after_in:-0}" -le "${before_in:-0}" ]; then
	echo "CHILD_SA counters did not move"; rc=1
fi
esp=$(tcpdump -nr "$PCAP" 2>/dev/null | grep -c 'ESP(spi')
clear=$(tcpdump -nr "$PCAP" icmp 2>/dev/null | grep -c 'ICMP')
echo "on the wire gwA<->NAT: $esp ESP packets, $clear cleartext ICMP packets"
[ "$clear" -eq 0 ] || { echo "cleartext ICMP leaked past gwA"; rc=1; }
exit $rc
