#!/bin/bash
# make demo: two strongSwan gateways with the plugin loaded, the data plane
# broken in a few classic ways one after the other; after each, what an
# operator sees: the plugin's log lines and `dataplane-check --list`.
# Needs root. Env: DPC_PLUGIN, DPC_CLI (set by make demo); DEMO_PAUSE=1 waits
# for Enter between the steps.
set -uo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab.env"

die() { echo "demo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (it builds network namespaces and starts charon)"
[ -n "$DPC_PLUGIN" ] && [ -f "$DPC_PLUGIN" ] || die "DPC_PLUGIN is not set to the built plugin (use: make demo)"
command -v "$DPC_CLI" >/dev/null || die "DPC_CLI='$DPC_CLI' not found (use: make demo)"
export DPC_PLUGIN DPC_CLI

PINGS=""
stop_pings() { local p; for p in $PINGS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PINGS=""; }
teardown() { stop_pings; "$LAB_DIR/down.sh" >/dev/null 2>&1 || "$LAB_DIR/down.sh"; }
trap 'teardown' EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM

B=""; N=""
if [ -t 1 ]; then B=$(tput bold 2>/dev/null || true); N=$(tput sgr0 2>/dev/null || true); fi
step() { printf '\n%s==== %s ====%s\n' "$B" "$*" "$N"; }
say() { printf '%s\n' "$*" | fold -s -w 100; }
run() { printf '%s# %s%s\n' "$B" "$*" "$N"; }
pause() { [ "${DEMO_PAUSE:-0}" = 1 ] && [ -t 0 ] && { printf '(Enter to continue) '; read -r _; }; return 0; }

declare -A MARK
mark() { local gw; for gw in gwA gwB; do MARK[$gw]=$(wc -l <"$(lab_log "$gw")"); done; }
mark0() { MARK[gwA]=0; MARK[gwB]=0; }	# a fresh lab: everything is new
new_lines() { # gw: plugin lines logged since the last mark
	tail -n +"$(( ${MARK[$1]:-0} + 1 ))" "$(lab_log "$1")" | grep -a 'dataplane-check:'
}
# wait until GW logged CODE since the mark (appear or resolved, by WHAT)
await() { # gw code [appeared|resolved] [timeout]
	local gw=$1 code=$2 what=${3:-appeared} t=${4:-30} i
	local sel=-v
	[ "$what" = resolved ] && sel=-e
	for i in $(seq 1 $(( t * 2 ))); do
		if new_lines "$gw" | grep -a $sel 'dataplane-check: resolved' |
		   grep -aqE "(^|[[:space:]])$code([[:space:]]|$)"; then
			return 0
		fi
		sleep 0.5
	done
	say "(no '$code' $what on $gw within ${t}s)"
	return 1
}
show_log() { # gw
	run "swanctl --log on $1 (or journalctl -u strongswan), plugin lines only"
	new_lines "$1" | sed -E 's/^([0-9:.]+) [0-9]+\[/\1 [/' | sed 's/^/  /'
}
show_list() { # gw
	local rc
	run "dataplane-check --list        (on $1)"
	timeout 20 "$DPC_CLI" --list --uri "$(lab_dpc_uri "$1")" 2>&1 | sed 's/^/  /'
	rc=${PIPESTATUS[0]}
	say "  -> exit status $rc (0 ok, 1 warning, 2 error: ready for Nagios/Icinga)"
}
up() { # env for up.sh
	if ! env "$@" "$LAB_DIR/up.sh" >"$LAB_SCRATCH/demo-up.out" 2>&1; then
		cat "$LAB_SCRATCH/demo-up.out" >&2; die "the lab did not come up"
	fi
	grep -E '^lab up|^tunnel up' "$LAB_SCRATCH/demo-up.out" | sed 's/^/  /'
}
mkdir -p "$LAB_SCRATCH"

step "1. A healthy site-to-site tunnel"
say "hostA 10.10.1.10 -- gwA ==(NAT)== gwB -- hostB 10.20.1.10; one strongSwan charon per gateway, dataplane-check loaded in both (checks every 2s in this demo, 30s by default). hostA and hostB ping each other."
up
mark0
lab_exec hostA ping -q -i 0.3 "$HOSTB_IP" >/dev/null 2>&1 & PINGS="$PINGS $!"
lab_exec hostB ping -q -i 0.3 "$HOSTA_IP" >/dev/null 2>&1 & PINGS="$PINGS $!"
sleep 8
show_log gwA
show_list gwA
pause

step "2. Someone switches off IP forwarding on gwB"
run "ip netns exec $NS_GWB sysctl -w net.ipv4.ip_forward=0"
mark
lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
say "The tunnel stays ESTABLISHED/INSTALLED in swanctl --list-sas, but nothing crosses gwB any more."
await gwB forwarding-disabled
show_log gwB
show_list gwB
say "Fixing it: sysctl -w net.ipv4.ip_forward=1"
mark
lab_exec gwB sysctl -qw net.ipv4.ip_forward=1
await gwB forwarding-disabled resolved
show_log gwB
pause

step "3. hostB has no route back (its default route is gone)"
run "ip netns exec $NS_HOSTB ip route del default"
stop_pings
lab_exec hostA ping -q -i 0.3 "$HOSTB_IP" >/dev/null 2>&1 & PINGS="$PINGS $!"
mark
lab_exec hostB ip route del default
say "hostA keeps pinging: requests reach hostB through the tunnel, replies never leave hostB. Both gateways see it in the CHILD_SA counters."
await gwA traffic-one-way-out appeared 40
await gwB traffic-one-way-in appeared 20
show_log gwA
show_log gwB
show_list gwB
say "Fixing it: ip route add default via $GWB_LAN_IP"
lab_exec hostB ip route add default via "$GWB_LAN_IP"
pause

step "4. gwB's route into the tunnel (routing table 220) is deleted"
run "ip netns exec $NS_GWB ip route del $NET_A table 220"
mark
lab_exec gwB ip route del "$NET_A" table 220
await gwB route-missing
show_log gwB
show_list gwB
say "Fixing it: put the route back"
mark
lab_exec gwB ip route add "$NET_A" dev ipsec0 table 220 proto static src "$GWB_LAN_IP"
await gwB route-missing resolved
show_log gwB
pause

step "5. gwB is reconfigured to offer only 10.20.1.0/29 (hostB is 10.20.1.10)"
say "The CHILD_SA is negotiated as 10.10.1.0/24 === 10.20.1.0/29 and shows INSTALLED on both sides. Traffic from hostA to hostB no longer matches the tunnel and leaves gwA unencrypted."
stop_pings
up GWB_LOCAL_TS=10.20.1.0/29
mark0
await gwA ts-unprotected
await gwA ts-narrowed 5
show_log gwA
show_list gwA
pause

step "Done"
say "Tearing the lab down."
