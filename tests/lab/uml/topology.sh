# shellcheck shell=bash
# topology.sh -- the lab's two-gateway topology inside UML, with a real kernel
# XFRM/ESP data plane (charon's kernel-netlink backend, no kernel-libipsec).
# Sourced (bash) by a scenario that run-in-uml.sh runs inside UML:
#
#   . "$UML_DIR/topology.sh"          (lib.sh does it for the scenarios)
#
#  hostA ---------- gwA ============ nat ============ gwB ---------- hostB
#  eth0            lan   wan        in    out        wan   lan            eth0
#  10.10.1.10  10.10.1.1 192.0.2.2  192.0.2.1 198.51.100.1  198.51.100.2 10.20.1.1  10.20.1.10
#                            (iptables-legacy MASQUERADE on "out" unless LAB_NAT=0)
#
# Dual stack (LAB_IPV6=1; off by default, so the IPv4 scenarios are
# unchanged): the netns tier's IPv6 addresses on every link, no DAD, no
# router advertisements, IPv6 forwarding on (hosts too, as for IPv4); the
# router forwards IPv6 without NAT. The child net carries both families
# (local_ts/remote_ts list the IPv4 and the IPv6 LAN); IKE and ESP stay on
# IPv4 through the NAT:
#
#  fd10::10    fd10::1  2001:db8:a::2  2001:db8:a::1  2001:db8:b::1  2001:db8:b::2  2001:db8:20::1  2001:db8:20::10
#
# Same names and addresses as the netns tier (tests/lab/lab.env). gwB has no
# default route: it reaches gwA only through the NATed 198.51.100.1. One
# charon per gateway (IKEv2 PSK, connection s2s, child net, 10.10.1.0/24 <->
# 10.20.1.0/24, gwA initiates); gwA sits behind the NAT, so the SAs are
# ESP-in-UDP 4500/4500. UML has no nft ip/inet tables: netfilter is
# iptables-legacy here.
#
# Functions:
#   lab_up          namespaces, NAT, configs, both charons, --load-all, and
#                   initiate unless LAB_INITIATE=0. 0 up, 2 initiate failed
#                   (lab left running), 1 failure
#   lab_initiate [timeout]   swanctl --initiate --child net on gwA (30 s)
#   lab_down        SIGTERM to both charons, wait, report a crash (the
#                   namespaces go away with the UML poweroff)
#   lab_exec NODE CMD...     run in hostA|gwA|nat|gwB|hostB
#   lab_swanctl GW CMD ...   swanctl against that gateway's charon
#   lab_dpc GW ARGS...       the plugin's CLI ($DPC_CLI) against that gateway
#   lab_log GW               that charon's log file
#
# Knobs (environment):
#   LAB_EXTRA_PLUGINS   names appended to charon.load (dataplane-check)
#   LAB_PRELOAD         host path(s) of .so files preloaded into both charons
#   LAB_CHARON_EXTRA    strongswan.conf lines inside charon { } (both gateways;
#                       later keys override the lab's)
#   GWA_CHARON_EXTRA GWB_CHARON_EXTRA   the same for one gateway
#   GWA_CHILD_EXTRA GWB_CHILD_EXTRA     swanctl.conf lines of the child "net"
#                       (e.g. "mark_in = 42" and "mark_out = 42" for a VTI)
#   LAB_NAT (1)         0: the router only routes (plain ESP, no NAT-T)
#   LAB_INITIATE (1)    0: lab_up does not initiate
#   LAB_IPV6 (0)        1: dual-stack LANs and selectors (see above)
#   GWA_LOCAL_TS GWA_REMOTE_TS GWB_LOCAL_TS GWB_REMOTE_TS   traffic selectors
#                       (default: the LANs, both families with LAB_IPV6=1)
#   LAB_PSK, LAB_PREFIX (namespace prefix, dpclab), CHARON, SWANCTL
#
# Per gateway, $LAB_RUN/gwX/ holds strongswan.conf, swanctl/swanctl.conf,
# charon.log, charon.stdout, charon.pid and the sockets charon.vici and
# charon.dpc (the plugin's query socket). LAB_RUN is $LAB_OUT/lab, on the
# writable host directory, so all of it stays readable after the run.

. "$(dirname "${BASH_SOURCE[0]}")/uml-common.sh"     # uml_hostpath, UML_DIR

LAB_OUT=${LAB_OUT:-/mnt/out}
LAB_RUN=$LAB_OUT/lab
LAB_PREFIX=${LAB_PREFIX:-dpclab}
LAB_NAT=${LAB_NAT:-1}
LAB_IPV6=${LAB_IPV6:-0}
LAB_START_TIMEOUT=${LAB_START_TIMEOUT:-20}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-/usr/sbin/swanctl}
DPC_CLI=${DPC_CLI:-dataplane-check}
export LAB_RUN

NS_HOSTA=$LAB_PREFIX-hostA
NS_GWA=$LAB_PREFIX-gwA
NS_NAT=$LAB_PREFIX-nat
NS_GWB=$LAB_PREFIX-gwB
NS_HOSTB=$LAB_PREFIX-hostB
LAB_NAMESPACES="$NS_HOSTA $NS_GWA $NS_NAT $NS_GWB $NS_HOSTB"

HOSTA_IP=10.10.1.10
GWA_LAN_IP=10.10.1.1
GWA_WAN_IP=192.0.2.2
NAT_IN_IP=192.0.2.1
NAT_OUT_IP=198.51.100.1
GWB_WAN_IP=198.51.100.2
GWB_LAN_IP=10.20.1.1
HOSTB_IP=10.20.1.10
NET_A=10.10.1.0/24
NET_B=10.20.1.0/24
# IPv6 (LAB_IPV6=1), the netns tier's addresses
HOSTA_IP6=fd10::10
GWA_LAN_IP6=fd10::1
GWA_WAN_IP6=2001:db8:a::2
NAT_IN_IP6=2001:db8:a::1
NAT_OUT_IP6=2001:db8:b::1
GWB_WAN_IP6=2001:db8:b::2
GWB_LAN_IP6=2001:db8:20::1
HOSTB_IP6=2001:db8:20::10
NET_A6=fd10::/64
NET_B6=2001:db8:20::/64
NET_WANA6=2001:db8:a::/64
# the selectors are settled in lab_up (LAB_IPV6 may come as its knob)
LAB_PSK=${LAB_PSK:-lab-only-psk-0123456789abcdef}

# --- helpers -------------------------------------------------------------------

lab_uri() { echo "unix://$LAB_RUN/$1/charon.vici"; }
lab_dpc_uri() { echo "unix://$LAB_RUN/$1/charon.dpc"; }
lab_log() { echo "$LAB_RUN/$1/charon.log"; }
lab_charon_pid() { local p=""; read -r p 2>/dev/null <"$LAB_RUN/$1/charon.pid"; echo "$p"; }
# swanctl wants the command before --uri
lab_swanctl() {
	local gw=$1 cmd=$2; shift 2
	STRONGSWAN_CONF="$LAB_RUN/$gw/strongswan.conf" SWANCTL_DIR="$LAB_RUN/$gw/swanctl" \
		timeout "${LAB_SWANCTL_TIMEOUT:-60}" "$SWANCTL" "$cmd" --uri "$(lab_uri "$gw")" "$@"
}
lab_dpc() {
	local gw=$1; shift
	timeout "${LAB_SWANCTL_TIMEOUT:-60}" "$DPC_CLI" "$@" --uri "$(lab_dpc_uri "$gw")"
}
lab_ns() { case $1 in hostA) echo "$NS_HOSTA";; gwA) echo "$NS_GWA";; nat) echo "$NS_NAT";; gwB) echo "$NS_GWB";; hostB) echo "$NS_HOSTB";; *) echo "$1";; esac; }
lab_exec() { local ns; ns=$(lab_ns "$1"); shift; ip netns exec "$ns" "$@"; }
# time stamps without starting a process (each costs ~50 ms in UML)
lab_now() { echo "$EPOCHREALTIME"; }
# sleep without a process: read with a timeout from a pipe nobody writes to
exec {_LAB_SLEEP_FD}<> <(:)
lab_sleep() { read -rt "$1" -u "$_LAB_SLEEP_FD" _ 2>/dev/null || [ $? -gt 128 ] || sleep "$1"; }
lab_elapsed_ms() { local a=${1/./} b=${EPOCHREALTIME/./}; echo $(( (10#$b - 10#$a) / 1000 )); }
lab_since() { local d; d=$(( $(lab_elapsed_ms "$1") / 100 )); echo "$((d / 10)).$((d % 10))"; }

# --- building blocks -------------------------------------------------------------

# namespaces, veths, addresses, routes, sysctls. Batched: every process
# start costs ~50 ms in UML (more on a busy host). The IPv4 sysctls are set
# once in UML's own namespace and inherited by the new ones
# (net.core.devconf_inherit_init_net=1): forwarding on (the hosts forward
# too, which none of the tests depends on), rp_filter off. IPv6 is off on
# every interface through the ipv6 module's disable_ipv6=1 (uml-common.sh)
# unless LAB_IPV6=1: then it is on, with forwarding, without DAD and router
# advertisements, set the same way before any link exists (disable_ipv6 in
# each namespace too).
lab_net_up() {
	local err=0 v6="" ns
	[ "$LAB_IPV6" = 0 ] || v6="net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
		net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1"
	# shellcheck disable=SC2086
	sysctl -qw net.core.devconf_inherit_init_net=1 net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 $v6 || return 1
	printf 'netns add %s\n' $LAB_NAMESPACES | ip -batch - || return 1
	# the ipv6 module's disable_ipv6=1 is forced onto every new
	# namespace's "default": undo it there before the links exist
	if [ "$LAB_IPV6" != 0 ]; then
		for ns in $LAB_NAMESPACES; do
			ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=0 || return 1
		done
	fi
	ip -n "$NS_GWA" -batch - <<-END || err=1
		link set lo up
		link add lan type veth peer name eth0 netns $NS_HOSTA
		link add wan type veth peer name in netns $NS_NAT
		addr add $GWA_LAN_IP/24 dev lan
		addr add $GWA_WAN_IP/24 dev wan
		link set lan up
		link set wan up
		route add default via $NAT_IN_IP
	END
	ip -n "$NS_NAT" -batch - <<-END || err=1
		link set lo up
		link add out type veth peer name wan netns $NS_GWB
		addr add $NAT_IN_IP/24 dev in
		addr add $NAT_OUT_IP/24 dev out
		link set in up
		link set out up
	END
	ip -n "$NS_GWB" -batch - <<-END || err=1
		link set lo up
		link add lan type veth peer name eth0 netns $NS_HOSTB
		addr add $GWB_WAN_IP/24 dev wan
		addr add $GWB_LAN_IP/24 dev lan
		link set wan up
		link set lan up
	END
	ip -n "$NS_HOSTA" -batch - <<-END || err=1
		link set lo up
		addr add $HOSTA_IP/24 dev eth0
		link set eth0 up
		route add default via $GWA_LAN_IP
	END
	ip -n "$NS_HOSTB" -batch - <<-END || err=1
		link set lo up
		addr add $HOSTB_IP/24 dev eth0
		link set eth0 up
		route add default via $GWB_LAN_IP
	END
	[ "$LAB_IPV6" = 0 ] || lab_net6_up || err=1
	[ $err = 0 ] || echo "lab_net_up: a step failed (see above)" >&2
	return $err
}

# lab_net6_up: the IPv6 addresses and routes of the dual-stack lab (the
# links exist and are up, with their link-local addresses: a router sends
# neighbour solicitations for forwarded packets from its link-local address
# only); gwB, as for IPv4, has only a route to gwA's WAN. The sysctls came
# from UML's own namespace (lab_net_up) before the links were made.
lab_net6_up() {
	local err=0
	ip -n "$NS_GWA" -6 -batch - <<-END || err=1
		addr add $GWA_LAN_IP6/64 dev lan nodad
		addr add $GWA_WAN_IP6/64 dev wan nodad
		route add default via $NAT_IN_IP6
	END
	ip -n "$NS_NAT" -6 -batch - <<-END || err=1
		addr add $NAT_IN_IP6/64 dev in nodad
		addr add $NAT_OUT_IP6/64 dev out nodad
	END
	ip -n "$NS_GWB" -6 -batch - <<-END || err=1
		addr add $GWB_WAN_IP6/64 dev wan nodad
		addr add $GWB_LAN_IP6/64 dev lan nodad
		route add $NET_WANA6 via $NAT_OUT_IP6
	END
	ip -n "$NS_HOSTA" -6 -batch - <<-END || err=1
		addr add $HOSTA_IP6/64 dev eth0 nodad
		route add default via $GWA_LAN_IP6
	END
	ip -n "$NS_HOSTB" -6 -batch - <<-END || err=1
		addr add $HOSTB_IP6/64 dev eth0 nodad
		route add default via $GWB_LAN_IP6
	END
	return $err
}

# start charon in each gateway's namespace, in a private mount namespace
# with its own tmpfs on /run (charon's pid file is hard-wired to
# /var/run/charon.pid), LD_PRELOAD=$LAB_PRELOAD (already mapped to paths
# visible inside UML); wait until each answers on vici
lab_start_charon() {
	local gw d pid i
	for gw in "$@"; do
		d=$LAB_RUN/$gw
		: >"$d/charon.log"
		STRONGSWAN_CONF="$d/strongswan.conf" \
		ip netns exec "$(lab_ns "$gw")" unshare --mount --propagation private -- \
			/bin/sh -c 'mount -t tmpfs -o mode=0755,size=4m lab-run /run || exit 97
			            [ -z "$1" ] || export LD_PRELOAD="$1"
			            exec "$0"' "$CHARON" "${LAB_PRELOAD:-}" \
			</dev/null >"$d/charon.stdout" 2>&1 &
		echo $! >"$d/charon.pid"
	done
	for gw in "$@"; do
		d=$LAB_RUN/$gw; read -r pid <"$d/charon.pid"
		# the vici socket exists once all plugins are up
		for (( i = 0; i < LAB_START_TIMEOUT * 20; i++ )); do
			if ! kill -0 "$pid" 2>/dev/null; then
				tail -n 30 "$d/charon.stdout" "$d/charon.log" >&2 2>/dev/null
				echo "lab_start_charon: charon for $gw died at start" >&2
				return 1
			fi
			[ -S "$d/charon.vici" ] && continue 2
			lab_sleep 0.05
		done
		echo "lab_start_charon: charon for $gw has no vici socket after ${LAB_START_TIMEOUT}s" >&2
		return 1
	done
}

# _lab_conf gw a|b local_addr remote_addr local_ts remote_ts extra
_lab_conf() {
	local gw=$1 x=$2 d=$LAB_RUN/$1 load="" line conf
	mkdir -p "$d"/swanctl/{x509,x509ca,x509aa,x509ocsp,x509crl,x509ac,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}
	# the plugin list of the shipped config (its first "load =" line)
	while read -r line; do
		case $line in "load = "*) load=${line#load = }; break;; esac
	done <"$UML_DIR/charon/strongswan-$x.conf"
	printf '%s\n' "# generated by tests/lab/uml/topology.sh for $gw: charon/strongswan-$x.conf + lab settings
include $UML_DIR/charon/strongswan-$x.conf
charon {
	load = $load${LAB_EXTRA_PLUGINS:+ $LAB_EXTRA_PLUGINS}
	filelog {
		$x {
			path = $d/charon.log
		}
	}
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
		dataplane-check {
			socket = unix://$d/charon.dpc
		}
	}
	${LAB_CHARON_EXTRA:-}
	$7
}
swanctl {
	socket = unix://$d/charon.vici
}" >"$d/strongswan.conf"
	# swanctl-$x.conf with addresses, selectors and PSK substituted, the
	# child's extra lines (GWA_CHILD_EXTRA / GWB_CHILD_EXTRA) added
	conf=""
	if [ "$x" = a ]; then child_extra=${GWA_CHILD_EXTRA:-}; else child_extra=${GWB_CHILD_EXTRA:-}; fi
	while IFS= read -r line; do
		case $line in
		*"local_addrs = "*)  line="${line%%local_addrs = *}local_addrs = $3" ;;
		*"remote_addrs = "*) line="${line%%remote_addrs = *}remote_addrs = $4" ;;
		*"local_ts = "*)     line="${line%%local_ts = *}local_ts = $5" ;;
		*"remote_ts = "*)    line="${line%%remote_ts = *}remote_ts = $6" ;;
		*"secret = "*)       line="${line%%secret = *}secret = \"$LAB_PSK\"" ;;
		*"mode = tunnel"*)   line+=${child_extra:+$'\n'$child_extra} ;;
		esac
		conf+="$line"$'\n'
	done <"$UML_DIR/charon/swanctl-$x.conf"
	printf '%s' "$conf" >"$d/swanctl/swanctl.conf"
}

lab_initiate() {
	lab_swanctl gwA --initiate --child net --timeout "${1:-30}"
}

# stop both charons (SIGTERM, SIGKILL after 15 s: UML's clock crawls when the
# host is loaded; the netns lab's shutdown-long-round holds the plugin to 5 s);
# 1 if one was gone already, crashed or had to be killed. The rest of the lab dies with UML.
lab_down() {
	local gw pid i rc=0 pids=""
	for gw in gwA gwB; do
		pid=$(lab_charon_pid "$gw")
		[ -n "$pid" ] || continue
		if kill -TERM "$pid" 2>/dev/null; then
			pids="$pids $gw:$pid"
		else
			echo "lab_down: charon of $gw (pid $pid) was not running" >&2; rc=1
		fi
	done
	for p in $pids; do
		gw=${p%%:*}; pid=${p#*:}
		for (( i = 0; i < 300; i++ )); do kill -0 "$pid" 2>/dev/null || break; lab_sleep 0.05; done
		if kill -0 "$pid" 2>/dev/null; then
			echo "lab_down: charon of $gw ignored SIGTERM, killing it" >&2
			kill -KILL "$pid" 2>/dev/null; rc=1
		fi
		wait "$pid" 2>/dev/null
		i=$?
		# exec chain: $! is charon itself; 0 after SIGTERM, 128+N after a signal
		if [ "$i" -ne 0 ]; then
			echo "lab_down: charon of $gw exited with status $i" >&2; rc=1
		fi
		rm -f "$LAB_RUN/$gw/charon.pid"
	done
	return $rc
}

lab_up() {
	local t0 gw p i pre="" ts_a=$NET_A ts_b=$NET_B
	t0=$(lab_now)
	case $LAB_IPV6 in
	0) ;;
	1) ts_a=$NET_A,$NET_A6 ts_b=$NET_B,$NET_B6 ;;
	*) echo "lab_up: LAB_IPV6 must be 0 or 1" >&2; return 1 ;;
	esac
	GWA_LOCAL_TS=${GWA_LOCAL_TS:-$ts_a} GWA_REMOTE_TS=${GWA_REMOTE_TS:-$ts_b}
	GWB_LOCAL_TS=${GWB_LOCAL_TS:-$ts_b} GWB_REMOTE_TS=${GWB_REMOTE_TS:-$ts_a}
	mkdir -p "$LAB_RUN" || return 1
	lab_net_up || return 1
	if [ "$LAB_NAT" = 1 ]; then
		lab_exec nat iptables-legacy -t nat -A POSTROUTING -o out -j MASQUERADE || return 1
	else
		ip -n "$NS_GWB" route add 192.0.2.0/24 via "$NAT_OUT_IP" || return 1
	fi
	_lab_conf gwA a "$GWA_WAN_IP" "$GWB_WAN_IP" "$GWA_LOCAL_TS" "$GWA_REMOTE_TS" "${GWA_CHARON_EXTRA:-}"
	# gwB is the responder and does not know gwA's (NATed) address in advance
	_lab_conf gwB b "$GWB_WAN_IP" "%any" "$GWB_LOCAL_TS" "$GWB_REMOTE_TS" "${GWB_CHARON_EXTRA:-}"
	# host paths under /tmp etc. are only visible via /mnt/host inside UML
	for p in ${LAB_PRELOAD:-}; do pre="$pre${pre:+ }$(uml_hostpath "$p")"; done
	LAB_PRELOAD=$pre lab_start_charon gwA gwB || return 1
	# the vici socket file appears just before charon listens on it: a
	# refused connection means "not yet"
	for gw in gwA gwB; do
		for (( i = 0; ; i++ )); do
			lab_swanctl "$gw" --load-all --file "$LAB_RUN/$gw/swanctl/swanctl.conf" >"$LAB_RUN/$gw/load-all.out" 2>&1 && break
			if [ $i -lt 50 ] && grep -q 'Connection refused' "$LAB_RUN/$gw/load-all.out"; then
				lab_sleep 0.1; continue
			fi
			cat "$LAB_RUN/$gw/load-all.out" >&2; echo "lab_up: swanctl --load-all failed on $gw" >&2; return 1
		done
	done
	echo "lab up in $(lab_since "$t0")s (kernel-netlink, nat=$LAB_NAT, ipv6=$LAB_IPV6, charon pids $(lab_charon_pid gwA) $(lab_charon_pid gwB))"
	[ "${LAB_INITIATE:-1}" = 1 ] || return 0
	t0=$(lab_now)
	if lab_initiate >"$LAB_RUN/gwA/initiate.out" 2>&1; then
		echo "tunnel up in $(lab_since "$t0")s"
	else
		echo "initiate FAILED after $(lab_since "$t0")s; tail of its output:" >&2
		tail -n 15 "$LAB_RUN/gwA/initiate.out" >&2
		return 2
	fi
}
