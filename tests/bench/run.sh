#!/bin/bash
# Benchmarks (root for the kernel part): cost of a check round per CHILD_SA,
# with facts from memory and with live kernel facts in a scratch network
# namespace holding one table-220 route per tunnel.
# Each bench_round runs at TUNNELS and at ten times as many, and prints the
# ratio of the CPU per CHILD_SA (1.0: linear in tunnels).
# Usage: tests/bench/run.sh [TUNNELS] [ROUNDS]   (from the build directory)
#   KROUNDS: rounds of the kernel benchmarks (each size), 3 by default
set -euo pipefail
N=${1:-1000}
ROUNDS=${2:-20}
KROUNDS=${KROUNDS:-3}
SIZES=$N,$((N * 10))
MAXN=$((N * 10))
B=tests/bench
NS=dpcbench
make -s $B/bench_round >/dev/null

"$B/bench_round" fixture "$SIZES" "$ROUNDS"
make -s $B/bench_nfsim >/dev/null
"$B/bench_nfsim" "$N" 5

if [ "$(id -u)" != 0 ]; then
	echo "kernel facts: skipped (needs root for a network namespace)"
	exit 0
fi
ip netns del $NS 2>/dev/null || true
trap 'ip netns del $NS 2>/dev/null || true' EXIT
ip netns add $NS
{
	echo "link set lo up"
	echo "link add lan0 type veth peer name lan1"
	echo "link add wan0 type veth peer name wan1"
	echo "addr add 10.10.0.1/24 dev lan0"
	echo "addr add 192.0.2.2/24 dev wan0"
	echo "link set lan0 up"
	echo "link set wan0 up"
	echo "link set lan1 up"
	echo "link set wan1 up"
	echo "route add default via 192.0.2.1"
	echo "rule add pref 220 table 220"
	for i in $(seq 0 $((MAXN - 1))); do
		echo "route add 10.$((128 + i / 256)).$((i % 256)).0/24 via 192.0.2.1 dev wan0 src 10.10.0.1 table 220"
	done
} | ip -n $NS -batch -
ip netns exec $NS sysctl -qw net.ipv4.ip_forward=1
ip netns exec $NS "$B/bench_round" kernel "$SIZES" "$KROUNDS"

# the same with a 5,000-rule nftables ruleset: filter rules that never match
# tunnel traffic before the accepting ones, NAT with an IPsec exemption
RULES=${RULES:-5000}
{
	echo "table inet filter {"
	echo "  chain forward { type filter hook forward priority filter; policy drop;"
	echo "    ct state established,related accept"
	for i in $(seq 1 $((RULES * 8 / 10))); do
		echo "    ip saddr 172.$((16 + i / 65536)).$(((i / 256) % 256)).$((i % 256)) tcp dport $((1024 + i % 60000)) drop"
	done
	echo "    meta ipsec exists accept"
	echo "    rt ipsec exists accept"
	echo "  }"
	echo "  chain input { type filter hook input priority filter; policy drop;"
	echo "    ct state established,related accept"
	for i in $(seq 1 $((RULES / 10))); do
		echo "    ip saddr 203.0.$(((i / 256) % 256)).$((i % 256)) udp dport $((2000 + i)) drop"
	done
	echo "    udp dport { 500, 4500 } accept"
	echo "    meta l4proto esp accept"
	echo "  }"
	echo "}"
	echo "table ip nat {"
	echo "  chain post { type nat hook postrouting priority srcnat; policy accept;"
	echo "    rt ipsec exists accept"
	for i in $(seq 1 $((RULES / 10 - 4))); do
		echo "    ip saddr 100.64.$(((i / 256) % 256)).$((i % 256)) oifname \"wan0\" snat to 192.0.2.2"
	done
	echo "    oifname \"wan0\" masquerade"
	echo "  }"
	echo "}"
} >"$B/ruleset.nft"
ip netns exec $NS nft -f "$B/ruleset.nft"
echo "with $(ip netns exec $NS nft list ruleset | grep -c -E 'accept|drop|snat|masquerade') rules loaded:"
ip netns exec $NS "$B/bench_round" kernel "$SIZES" "$KROUNDS"
rm -f "$B/ruleset.nft"
