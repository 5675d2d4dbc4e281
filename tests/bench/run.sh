#!/bin/bash
# Benchmarks (root for the kernel part): cost of a check round per CHILD_SA,
# with facts from memory and with live kernel facts in a scratch network
# namespace holding one table-220 route per tunnel.
# Usage: tests/bench/run.sh [TUNNELS] [ROUNDS]   (from the build directory)
set -euo pipefail
N=${1:-1000}
ROUNDS=${2:-20}
B=tests/bench
NS=dpcbench
make -s $B/bench_round >/dev/null

"$B/bench_round" fixture "$N" "$ROUNDS"

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
	for i in $(seq 0 $((N - 1))); do
		echo "route add 10.$((128 + i / 256)).$((i % 256)).0/24 via 192.0.2.1 dev wan0 src 10.10.0.1 table 220"
	done
} | ip -n $NS -batch -
ip netns exec $NS sysctl -qw net.ipv4.ip_forward=1
ip netns exec $NS "$B/bench_round" kernel "$N" "$ROUNDS"
