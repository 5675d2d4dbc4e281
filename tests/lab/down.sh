#!/bin/bash
# Tear the lab down completely. Idempotent; safe when nothing is up.
#  1. SIGTERM to the charons by their recorded PID (only if that PID is still
#     a daemon of this lab: in the gateway's namespace, started with the lab's
#     strongswan.conf), SIGKILL after DPC_LAB_STOP_TIMEOUT seconds (6)
#  2. stop, by PID, anything else still inside a $LAB_PREFIX-* namespace
#  3. delete the namespaces (veths go with them; ipsec0 and the private /run
#     went with charon)
#  4. remove $LAB_RUN unless DPC_LAB_KEEP_RUN=1
#  5. verify that nothing is left; exit 1 otherwise
set -uo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab.env"
KEEP_RUN=${DPC_LAB_KEEP_RUN:-0}
STOP_TIMEOUT=${DPC_LAB_STOP_TIMEOUT:-6}
T0=$(lab_now)
rc=0

wait_gone() { # pid seconds
	local i
	for i in $(seq 1 $(( $2 * 10 ))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# 1. charons (all signalled first: each needs ~2 s to exit in libipsec mode)
pids=""
for gw in gwA gwB; do
	pid=$(lab_charon_pid "$gw")
	if lab_is_our_charon "$pid" "$gw"; then
		kill -TERM "$pid" 2>/dev/null && pids="$pids $pid"
	fi
done
for pid in $pids; do
	if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
		echo "down.sh: charon pid $pid ignored SIGTERM, sending SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
		wait_gone "$pid" 2
	fi
done
rm -f "$LAB_RUN"/gw?/charon.pid

# 2. leftovers inside our namespaces (pings, tcpdump, a charon without pid file)
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB_PREFIX-"); do
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		kill -TERM "$pid" 2>/dev/null || continue
		if ! wait_gone "$pid" 3; then
			echo "down.sh: leftover pid $pid in $ns ignored SIGTERM, sending SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null
			wait_gone "$pid" 2
		fi
	done
done

# 3. namespaces
dels=$(for ns in $LAB_NAMESPACES $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB_PREFIX-"); do
	[ -e "/run/netns/$ns" ] && echo "$ns"
done | sort -u)
if [ -n "$dels" ]; then
	printf 'netns del %s\n' $dels | ip -force -batch - || { echo "down.sh: could not delete all of:" $dels >&2; rc=1; }
fi

# 4. run directory
if [ "$KEEP_RUN" != 1 ]; then
	case $LAB_RUN in
	/?*) rm -rf "$LAB_RUN" ;;
	*) echo "down.sh: not removing LAB_RUN='$LAB_RUN' (not an absolute path)" >&2; rc=1 ;;
	esac
fi

# 5. verify
left_ns=$(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB_PREFIX-" || true)
left_proc=""
for pid in $(ps -e -o pid=); do
	grep -qz "^STRONGSWAN_CONF=$LAB_RUN/" "/proc/$pid/environ" 2>/dev/null && left_proc="$left_proc $pid"
done
if [ -n "$left_ns$left_proc" ]; then
	echo "down.sh: NOT clean: namespaces=[$left_ns] processes=[$left_proc]" >&2
	rc=1
else
	echo "lab down in $(lab_since "$T0")s: no $LAB_PREFIX-* namespaces or lab processes left"
fi
exit $rc
