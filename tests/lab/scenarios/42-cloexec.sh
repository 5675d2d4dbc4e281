#!/bin/bash
# Nothing the plugin opens leaks into the scripts charon runs (updown):
# every NETLINK_NETFILTER socket, raw socket and /proc file the rounds open
# while reading nftables and the iptables-legacy tables is close-on-exec,
# as strace sees them being opened over several rounds.
# timeout: 120
. "$(dirname "$0")/../lib.sh"

command -v strace >/dev/null || { fail "strace is needed"; finish; }
lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
PID=$(lab_charon_pid gwA)
# legacy tables, so the rounds open /proc/net/ip_tables_names and raw sockets
lab_exec gwA iptables-legacy -A FORWARD -s 172.16.0.1 -j DROP
lab_exec gwA ip6tables-legacy -A FORWARD -s fd00:172::1 -j DROP

TRACE=$LAB_RUN/gwA/strace.out
tids=""
for t in /proc/"$PID"/task/*; do tids="$tids -p ${t##*/}"; done
# shellcheck disable=SC2086
timeout -s INT 8 strace -f -qq -e trace=socket,openat,open,fcntl -o "$TRACE" $tids &
st=$!
sleep 1
# a changed ruleset makes the next round read it whole
for i in 1 2 3; do
	echo "table inet t$i { chain c { type filter hook forward priority 0; ip saddr 172.16.0.$i drop; }; }" | nft_load gwA
	timeout 15 "$DPC_CLI" --check --uri "$(lab_dpc_uri gwA)" >/dev/null 2>&1
	sleep 1
done
wait "$st" 2>/dev/null

# what the plugin opens, and whether close-on-exec was asked for
nfsock=$(grep -a 'NETLINK_NETFILTER' "$TRACE" | grep -a 'socket(' || true)
rawsock=$(grep -aE 'socket\(AF_INET6?, SOCK_RAW' "$TRACE" || true)
procf=$(grep -aE 'open(at)?\(.*"/proc/net/ip6?_tables_names"' "$TRACE" || true)
check() { # what lines
	local n leaks
	n=$(printf '%s' "$2" | grep -c .)
	leaks=$(printf '%s' "$2" | grep -av 'CLOEXEC' || true)
	if [ "$n" = 0 ]; then
		fail "$1: none opened while traced (the test saw nothing)"
	elif [ -n "$leaks" ]; then
		fail "$1: opened without close-on-exec: $(echo "$leaks" | head -n 3)"
	else
		ok "$1: $n opened, all close-on-exec"
	fi
}
check "NETLINK_NETFILTER sockets" "$nfsock"
check "/proc/net/ip*_tables_names" "$procf"
# the plugin's own raw sockets ask for it when created; libiptc's set
# FD_CLOEXEC with fcntl() right after socket()
own=$(printf '%s\n' "$rawsock" | grep -a 'SOCK_CLOEXEC' || true)
libiptc=$(printf '%s\n' "$rawsock" | grep -av 'SOCK_CLOEXEC' | grep -a . || true)
check "the plugin's raw sockets" "$own"
bad=0
while read -r line; do
	[ -n "$line" ] || continue
	tid=${line%% *}
	fd=${line##*= }
	grep -aqE "^$tid +fcntl\($fd, F_SETFD, FD_CLOEXEC\)" "$TRACE" || bad=$((bad + 1))
done <<<"$libiptc"
if [ -z "$libiptc" ]; then
	note "no libiptc raw socket seen"
elif [ $bad = 0 ]; then
	ok "libiptc's raw sockets: $(printf '%s\n' "$libiptc" | grep -c .) set close-on-exec by fcntl()"
else
	fail "$bad raw sockets of libiptc without close-on-exec"
fi
finish
