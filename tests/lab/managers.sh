# Firewall managers inside a lab namespace (sourced after lab.env, by the
# scenarios and by tests/unit/fixtures/nfsim/capture.sh). Each manager runs
# with private configuration and state under a directory of the caller's
# (the lab's run dir), so neither the host's firewall nor its /etc, /run or
# /var/lib change; every daemon runs in the namespace, so down.sh (or the
# namespace's deletion) ends it.
#
#   mgr_ufw NS DIR [ufw args...]  ufw (Debian's, iptables-nft) with its
#                                 configuration copied from /etc to DIR on
#                                 first use (--rootdir/--datadir: ufw.conf,
#                                 the rules files, /etc/default/ufw, its lock)
#   mgr_ufw_before NS DIR RULES   insert iptables-restore lines (a file) into
#                                 DIR's before.rules after ufw-before-forward's
#                                 established rule (what its docs tell a VPN
#                                 gateway to do), before enabling
#   mgr_dockerd_start NS DIR      Docker's daemon (docker.io 20.10) with data
#                                 root, exec root, pid file and API socket in
#                                 DIR, in its own mount namespace (private
#                                 /run, cgroup mounts kept); waits for its
#                                 API and its DOCKER-USER chain
#   mgr_dockerd_stop DIR          SIGTERM to it (it stops its containerd)
#   mgr_fail2ban_start NS DIR JAIL PORTS PROTO [BANACTION]
#                                 fail2ban-server (1.0.2) with a private copy
#                                 of /etc/fail2ban (Debian's jail.d dropped),
#                                 socket, pid file, database and log in DIR,
#                                 and one jail JAIL for PORTS/PROTO with
#                                 BANACTION (default: Debian's default,
#                                 iptables-multiport)
#   mgr_fail2ban NS DIR args...   fail2ban-client against it (set JAIL banip A)
#
# NS is a network namespace name (ip netns). The daemons are entered with
# nsenter --net rather than ip netns exec, which would remount /sys and hide
# the cgroup hierarchies dockerd needs.

mgr_ufw() { # ns dir [ufw args...]
	local ns=$1 d=$2
	shift 2
	if [ ! -d "$d/etc/ufw" ]; then
		mkdir -p "$d/etc/default" "$d/lib/ufw" "$d/usr" || return 1
		cp -a /etc/ufw "$d/etc/" || return 1
		cp /etc/default/ufw "$d/etc/default/ufw" || return 1
		cp -a /lib/ufw/ufw-init /lib/ufw/ufw-init-functions "$d/lib/ufw/" || return 1
		# ufw-init and the frontend find these relative to --rootdir
		ln -s /usr/share /usr/sbin "$d/usr/" || return 1
		sed -i "s|^IPT_SYSCTL=.*|IPT_SYSCTL=$d/etc/ufw/sysctl.conf|" "$d/etc/default/ufw"
	fi
	ip netns exec "$ns" ufw --rootdir="$d" --datadir="$d" "$@" 2>&1 |
		grep -v 'is world writable'
	return "${PIPESTATUS[0]}"
}

mgr_ufw_before() { # ns dir rules-file
	local ns=$1 d=$2 rules=$3
	mgr_ufw "$ns" "$d" status >/dev/null 2>&1 # creates the private copy
	awk -v f="$rules" '
		{ print }
		/^-A ufw-before-forward .*RELATED,ESTABLISHED -j ACCEPT/ && !done {
			while ((getline l < f) > 0) print l
			done = 1
		}
		END { if (!done) exit 1 }' "$d/etc/ufw/before.rules" >"$d/before.rules.new" &&
		mv "$d/before.rules.new" "$d/etc/ufw/before.rules"
}

mgr_dockerd_start() { # ns dir
	local ns=$1 d=$2 i
	mkdir -p "$d" || return 1
	setsid nsenter --net="/run/netns/$ns" unshare -m --propagation private \
		sh -c 'mount -t tmpfs tmpfs /run && exec dockerd --data-root "$1/root" \
			--exec-root "$1/exec" --pidfile "$1/docker.pid" -H "unix://$1/docker.sock" \
			--log-level warn' sh "$d" >"$d/dockerd.log" 2>&1 </dev/null &
	# its API answers once the bridge network and its rules are set up
	for i in $(seq 1 300); do
		[ -S "$d/docker.sock" ] &&
			docker -H "unix://$d/docker.sock" version >/dev/null 2>&1 &&
			ip netns exec "$ns" iptables -w -S DOCKER-USER >/dev/null 2>&1 &&
			return 0
		sleep 0.1
	done
	echo "dockerd did not set up its chains: $(tail -n 3 "$d/dockerd.log")" >&2
	return 1
}

mgr_dockerd_stop() { # dir
	local pid
	pid=$(cat "$1/docker.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
}

mgr_fail2ban() { # ns dir args...
	local ns=$1 d=$2
	shift 2
	nsenter --net="/run/netns/$ns" fail2ban-client -c "$d/conf" "$@"
}

mgr_fail2ban_start() { # ns dir jail ports proto [banaction]
	local ns=$1 d=$2 jail=$3 ports=$4 proto=$5 action=${6:-}
	mkdir -p "$d" || return 1
	rm -rf "$d/conf"
	cp -a /etc/fail2ban "$d/conf" || return 1
	rm -f "$d/conf/jail.d/"*
	: >"$d/$jail.log"
	cat >"$d/conf/fail2ban.local" <<-EOF
		[Definition]
		logtarget = $d/fail2ban.log
		socket = $d/fail2ban.sock
		pidfile = $d/fail2ban.pid
		dbfile = $d/fail2ban.sqlite3
	EOF
	cat >"$d/conf/jail.local" <<-EOF
		[$jail]
		enabled = true
		filter = sshd
		backend = polling
		logpath = $d/$jail.log
		port = $ports
		protocol = $proto
		${action:+banaction = $action}
	EOF
	mgr_fail2ban "$ns" "$d" -x start >/dev/null || return 1
	mgr_fail2ban "$ns" "$d" ping >/dev/null
}

# ---- traffic as ground truth (scenarios; needs lib.sh) ----
#   mgr_serve HOST              TCP and UDP servers on port 5001 of HOST (a
#                               line back to each connection or datagram),
#                               waited for until both listen, killed at exit
#   mgr_tcp FROM DST / mgr_udp FROM DST
#                               0 if a new connection / datagram to DST:5001
#                               is answered within 3 s
#   assert_flows FROM DST TCP UDP PING
#                               each "pass" or "fail", asserted by traffic
MGR_PORT=5001

mgr_serve() { # host
	lab_exec "$1" python3 -c '
import socket, sys, threading
def udp():
	u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	u.bind(("", int(sys.argv[1])))
	while True:
		d, a = u.recvfrom(512)
		u.sendto(b"ok\n", a)
threading.Thread(target=udp, daemon=True).start()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
s.listen(16)
while True:
	c, _ = s.accept()
	c.sendall(b"ok\n")
	c.close()
' "$MGR_PORT" >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	# both sockets bound before any probe (python starts slowly under load)
	local i
	for i in $(seq 1 100); do
		[ "$(lab_exec "$1" ss -Hln "( sport = :$MGR_PORT )" 2>/dev/null | wc -l)" -ge 2 ] && return 0
		sleep 0.1
	done
	fail "$1: the TCP/UDP servers on port $MGR_PORT did not start"
	return 1
}

mgr_tcp() { # from dst
	[ "$(lab_exec "$1" python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
print(s.recv(8).decode().strip())
' "$2" "$MGR_PORT" 2>/dev/null)" = ok ]
}

mgr_udp() { # from dst
	[ "$(lab_exec "$1" python3 -c '
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(3)
u.sendto(b"hi\n", (sys.argv[1], int(sys.argv[2])))
print(u.recvfrom(512)[0].decode().strip())
' "$2" "$MGR_PORT" 2>/dev/null)" = ok ]
}

assert_flows() { # from dst tcp udp ping  (pass|fail each)
	local from=$1 dst=$2 want got kind
	for kind in tcp udp ping; do
		case $kind in
		tcp) want=$3; mgr_tcp "$from" "$dst" && got=pass || got=fail ;;
		udp) want=$4; mgr_udp "$from" "$dst" && got=pass || got=fail ;;
		ping) want=$5; [ "$(ping_received "$from" "$dst")" = 3 ] && got=pass || got=fail ;;
		esac
		if [ "$got" = "$want" ]; then
			ok "$from -> $dst new $kind: $got"
		else
			fail "$from -> $dst new $kind: $got, want $want"
		fi
	done
}

#   assert_healthy_now GW       no warning or error active now (--json) and
#                               --list exits 0; unlike assert_healthy the log
#                               may hold findings of earlier steps, resolved
assert_healthy_now() { # gw
	local gw=$1 json bad rc=0
	if ! json=$(dpc_json "$gw"); then
		fail "$gw: no JSON from dataplane-check"
		return 1
	fi
	bad=$(printf '%s\n' "$json" | jq -r "$JQ_ALL | map(select(.severity == \"warning\" or .severity == \"error\")) | map(.severity + \" \" + .code) | join(\", \")")
	[ -z "$bad" ] || { fail "$gw not healthy now: $bad"; return 1; }
	timeout 10 "$DPC_CLI" --list --uri "$(lab_dpc_uri "$gw")" >/dev/null 2>&1 || rc=$?
	[ $rc = 0 ] || { fail "$gw: dataplane-check --list exits $rc (want 0)"; return 1; }
	ok "$gw healthy now (no warning/error in --json, --list exit 0)"
}
