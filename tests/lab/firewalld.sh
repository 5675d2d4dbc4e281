# firewalld in a lab network namespace (sourced, plain bash).
#
# firewalld talks to its clients over the D-Bus system bus. Each instance
# gets a private bus (its own dbus-daemon with its own configuration and
# socket, no service activation, so no polkit: firewalld then authorizes by
# uid and root may do everything) and its own configuration directory
# (--system-config), so the host's bus and /etc/firewalld are never used or
# changed. Both daemons run inside the namespace: the lab's down.sh stops
# them with everything else left there.
#
#   fwd_start NS DIR [ZONE-XML...]
#                      start dbus-daemon and firewalld in NS with state in DIR
#                      (created; permanent configuration in DIR/etc); extra
#                      arguments are "name=xml" pairs written to
#                      DIR/etc/zones/name.xml before the start
#   fwd_cmd DIR ARGS   firewall-cmd against that instance
#   fwd_apply DIR LINES
#                      firewall-cmd argument lines (shell words): the
#                      --permanent ones, --reload, then the others (runtime)
#   FWD_IPSEC_GATEWAY  the lines that configure an IPsec gateway the way
#                      firewalld's documentation does
#   fwd_stop DIR       stop firewalld (it leaves its table behind only when
#                      CleanupOnExit=no) and the bus, by their recorded PIDs
#
# Needs firewalld (Debian's package, nftables backend) and dbus-daemon.

FWD_TIMEOUT=${FWD_TIMEOUT:-30}

fwd_bus() { # dir
	echo "unix:path=$1/bus"
}

fwd_cmd() { # dir args...
	local d=$1; shift
	DBUS_SYSTEM_BUS_ADDRESS=$(fwd_bus "$d") timeout 60 firewall-cmd "$@"
}

fwd_apply() { # dir lines
	local d=$1
	fwd_run_lines "$d" "$(printf '%s\n' "$2" | grep -e '^--permanent')" &&
		fwd_cmd "$d" --reload >/dev/null &&
		fwd_run_lines "$d" "$(printf '%s\n' "$2" | grep -v -e '^--permanent')"
}
fwd_run_lines() { # dir lines
	local d=$1 line
	while read -r line; do
		[ -n "$line" ] || continue
		eval "fwd_cmd \"\$d\" $line" >/dev/null || { echo "fwd_apply: firewall-cmd $line failed" >&2; return 1; }
	done <<<"$2"
}

# The IPsec gateway as firewalld's documentation configures it: the ipsec
# service (ESP, AH, UDP 500/4500, TCP 4500) in the zone of the Internet side,
# the tunnel's interface (kernel-libipsec's TUN device) in the LAN's zone so
# that intra-zone forwarding (the zone's "forward" option, on in "internal")
# lets the LAN and the tunnel talk; no masquerade (the tunnel carries the
# LAN's own addresses).
FWD_IPSEC_GATEWAY='--permanent --zone=public --add-interface=wan
--permanent --zone=public --add-service=ipsec
--permanent --zone=internal --add-interface=lan
--permanent --zone=internal --add-interface=ipsec0'

fwd_start() { # ns dir
	local ns=$1 d=$2 i
	command -v firewalld >/dev/null || { echo "fwd_start: firewalld is not installed" >&2; return 1; }
	mkdir -p "$d/etc" || return 1
	cat >"$d/dbus.conf" <<-EOF
		<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
		 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
		<busconfig>
		  <type>system</type>
		  <listen>$(fwd_bus "$d")</listen>
		  <auth>EXTERNAL</auth>
		  <policy user="root">
		    <allow own="*"/>
		    <allow send_destination="*"/>
		    <allow receive_sender="*"/>
		  </policy>
		</busconfig>
	EOF
	[ -s "$d/etc/firewalld.conf" ] || cp /etc/firewalld/firewalld.conf "$d/etc/firewalld.conf" 2>/dev/null ||
		cp /usr/lib/firewalld/firewalld.conf "$d/etc/firewalld.conf" 2>/dev/null || true
	ip netns exec "$ns" setsid dbus-daemon --config-file="$d/dbus.conf" --nofork --nopidfile \
		>"$d/dbus.log" 2>&1 </dev/null &
	echo $! >"$d/dbus.pid"
	for i in $(seq 1 50); do [ -S "$d/bus" ] && break; sleep 0.1; done
	[ -S "$d/bus" ] || { echo "fwd_start: private bus did not come up: $(cat "$d/dbus.log")" >&2; return 1; }
	ip netns exec "$ns" env DBUS_SYSTEM_BUS_ADDRESS="$(fwd_bus "$d")" \
		setsid firewalld --nofork --nopid --system-config "$d/etc" \
		--log-target file --log-file "$d/firewalld.log" >"$d/firewalld.out" 2>&1 </dev/null &
	echo $! >"$d/firewalld.pid"
	for i in $(seq 1 $((FWD_TIMEOUT * 2))); do
		[ "$(fwd_cmd "$d" --state 2>/dev/null)" = running ] && return 0
		kill -0 "$(cat "$d/firewalld.pid")" 2>/dev/null || break
		sleep 0.5
	done
	echo "fwd_start: firewalld not running: $(tail -n 5 "$d/firewalld.log" "$d/firewalld.out" 2>/dev/null)" >&2
	return 1
}

fwd_stop() { # dir
	local d=$1 f pid i
	for f in firewalld dbus; do
		pid=$(cat "$d/$f.pid" 2>/dev/null) || continue
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$d/$f.pid"
	done
}
