# Helpers for lab scenarios (sourced by tests/lab/scenarios/NN-name.sh).
#
#   lab_up [VAR=value ...]      fresh lab with these knobs (see lab.env); returns
#                               up.sh's status (0 up, 2 up but initiate failed)
#   lab_down                    tear down now (also done automatically at exit)
#   bg_ping FROM DST            continuous ping in the background (killed at exit)
#   wait_for_finding GW CODE [TIMEOUT]
#                               waits until CODE is reported by GW in the charon
#                               log AND in `dataplane-check --json`; fails else
#   assert_no_finding GW CODE   neither in the log (ever) nor in --json (now)
#   assert_healthy GW           no warning/error finding (log and --json), exit 0
#   assert_severity GW CODE SEV the active finding has severity SEV
#   has_finding GW CODE         test only (log or json), no failure recorded
#   finding_text GW CODE        message, evidence and hint of the finding (json)
#   finding_evidence GW CODE KEY  evidence KEY of each active CODE finding (json)
#   host_finding_count GW CODE  active gateway-wide (findings[]) CODE findings
#   assert_ping FROM DST [OPTS] / assert_no_ping FROM DST [OPTS]
#                               3 pings (extra ping options) all answered / none
#   flow_serve HOST             TCP (443) and UDP (53) echo servers on HOST,
#                               logging each peer (killed at exit)
#   assert_flow FROM DST tcp|udp / assert_no_flow FROM DST tcp|udp
#                               a new connection to DST's server works / fails
#   flow_peers HOST tcp|udp     source addresses HOST's server saw, one a line
#   tcp_listen HOST PORT        TCP server in HOST on every address (IPv4 and
#                               IPv6), answering "ok" to each connection
#   assert_tcp FROM DST PORT / assert_no_tcp FROM DST PORT
#                               a TCP connection from FROM to DST:PORT gets the
#                               answer within 3 s / does not
#   warm_ping FROM DST          one ping, result ignored (neighbour discovery)
#   nft_load GW                 load an nft script from stdin into GW
#   fail MSG / ok MSG / note MSG
#   finish                      exit 0 if nothing failed, 1 otherwise
#
# A scenario never needs its own cleanup: the EXIT trap dumps diagnostics when
# something failed, saves the run dir and runs down.sh.

set -u
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab.env"

SCEN_NAME=${SCEN_NAME:-$(basename "$0" .sh)}
SCEN_RESULTS=${DPC_LAB_RESULTS:-$LAB_SCRATCH/results}/$SCEN_NAME
SCEN_FAILED=0
SCEN_T0=$(lab_now)
BG_PIDS=""
DEFAULT_TIMEOUT=${DPC_LAB_WAIT:-20}

ts() { lab_since "$SCEN_T0"; }
ok() { echo "  ok   [$(ts)s] $*"; }
note() { echo "  note [$(ts)s] $*"; }
fail() { echo "  FAIL [$(ts)s] $*"; SCEN_FAILED=1; }
finish() { [ "$SCEN_FAILED" = 0 ] && exit 0; exit 1; }

lab_up() {
	local rc=0
	env "$@" "$LAB_DIR/up.sh" >"$LAB_SCRATCH/up.out" 2>&1 || rc=$?
	sed 's/^/  up: /' "$LAB_SCRATCH/up.out"
	return $rc
}

bg_ping() { # from dst [extra ping args]
	local from=$1 dst=$2; shift 2
	lab_exec "$from" ping -q -i 0.2 -W 1 "$@" "$dst" >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
}
stop_bg() {
	local p
	for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
	for p in $BG_PIDS; do wait "$p" 2>/dev/null; done
	BG_PIDS=""
}

# the plugin's state of a gateway as JSON (saved to $LAB_RUN/GW/last.json);
# fails when the CLI cannot talk to the plugin or prints no valid JSON
dpc_json() { # gw
	local out rc=0
	out=$(timeout 10 "$DPC_CLI" --json --uri "$(lab_dpc_uri "$1")" 2>"$LAB_RUN/$1/last.json.err") || rc=$?
	printf '%s\n' "$out" >"$LAB_RUN/$1/last.json" 2>/dev/null
	[ "$rc" -le 2 ] || return 1
	printf '%s\n' "$out" | jq -e 'type == "object"' >/dev/null 2>&1 || return 1
	printf '%s\n' "$out"
}

JQ_ALL='[(.findings // [])[], ((.ike_sas // [])[] | (.findings // [])[], ((.children // [])[] | (.findings // [])[]))]'

# number of active findings with CODE in the --json output of GW (empty on error)
json_count() { # gw code
	dpc_json "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | length" 2>/dev/null
}
# lines of GW's charon log reporting CODE as appeared/changed (not resolved)
log_lines() { # gw code
	grep -a 'dataplane-check:' "$(lab_log "$1")" 2>/dev/null |
		grep -av 'dataplane-check: resolved' |
		grep -aE "(^|[[:space:]])$2([[:space:]]|$)"
}
has_finding() { # gw code: in the log or in json
	[ -n "$(log_lines "$1" "$2")" ] && return 0
	[ "$(json_count "$1" "$2")" -gt 0 ] 2>/dev/null
}

wait_for_finding() { # gw code [timeout]
	local gw=$1 code=$2 t=${3:-$DEFAULT_TIMEOUT} t0 in_log=no in_json=no n
	t0=$(lab_now)
	while :; do
		[ -n "$(log_lines "$gw" "$code")" ] && in_log=yes
		n=$(json_count "$gw" "$code")
		if [ -n "$n" ] && [ "$n" -gt 0 ]; then in_json=yes; else in_json=no; fi
		if [ $in_log = yes ] && [ $in_json = yes ]; then
			ok "$code on $gw after $(lab_since "$t0")s (log + json)"
			return 0
		fi
		if awk -v a="$t0" -v b="$(lab_now)" -v t="$t" 'BEGIN{exit !(b-a >= t)}'; then
			fail "$code not reported by $gw within ${t}s (log: $in_log, json: $in_json)"
			return 1
		fi
		sleep 0.5
	done
}

wait_for_resolved() { # gw code [timeout]: a "resolved CODE" log line and gone from json
	local gw=$1 code=$2 t=${3:-$DEFAULT_TIMEOUT} t0 in_log=no n
	t0=$(lab_now)
	while :; do
		grep -a 'dataplane-check: resolved' "$(lab_log "$gw")" 2>/dev/null |
			grep -aqE "(^|[[:space:]])$code([[:space:]]|$)" && in_log=yes
		n=$(json_count "$gw" "$code")
		if [ $in_log = yes ] && [ "$n" = 0 ]; then
			ok "$code resolved on $gw after $(lab_since "$t0")s (log + json)"
			return 0
		fi
		if awk -v a="$t0" -v b="$(lab_now)" -v t="$t" 'BEGIN{exit !(b-a >= t)}'; then
			fail "$code not resolved on $gw within ${t}s (resolved line: $in_log, still in json: ${n:-?})"
			return 1
		fi
		sleep 0.5
	done
}

# every active finding of a gateway: "severity code (ike/child)", comma separated
all_codes() { # gw
	dpc_json "$1" | jq -r '[((.findings // [])[] | "\(.severity) \(.code) (host)"),
		((.ike_sas // [])[] | . as $i | ((.findings // [])[] | "\(.severity) \(.code) (\($i.name))"),
			((.children // [])[] | . as $c | (.findings // [])[] | "\(.severity) \(.code) (\($i.name)/\($c.name))"))]
		| if length == 0 then "none" else join(", ") end' 2>/dev/null || echo "(no json)"
}

assert_no_finding() { # gw code
	local gw=$1 code=$2 lines n
	lines=$(log_lines "$gw" "$code")
	n=$(json_count "$gw" "$code")
	if [ -z "$n" ]; then
		fail "$gw: no JSON from dataplane-check (checking for absence of $code)"
		return 1
	fi
	if [ -n "$lines" ] || [ "$n" -gt 0 ]; then
		fail "$gw reports $code but must not (json: $n); log: $(echo "$lines" | head -n 2)"
		return 1
	fi
	ok "$gw: no $code"
}

assert_healthy() { # gw
	local gw=$1 json bad lines rc=0
	if ! json=$(dpc_json "$gw"); then
		fail "$gw: no JSON from dataplane-check: $(head -c 300 "$LAB_RUN/$gw/last.json.err" 2>/dev/null)"
		return 1
	fi
	bad=$(printf '%s\n' "$json" | jq -r "$JQ_ALL | map(select(.severity == \"warning\" or .severity == \"error\")) | map(.severity + \" \" + .code) | join(\", \")")
	lines=$(grep -aE 'dataplane-check: (warning|error)' "$(lab_log "$gw")")
	if [ -n "$bad" ] || [ -n "$lines" ]; then
		fail "$gw not healthy: json [$bad]; log: $(echo "$lines" | head -n 3)"
		return 1
	fi
	timeout 10 "$DPC_CLI" --list --uri "$(lab_dpc_uri "$gw")" >/dev/null 2>&1 || rc=$?
	if [ $rc != 0 ]; then
		fail "$gw healthy but dataplane-check --list exits $rc (want 0)"
		return 1
	fi
	ok "$gw healthy (no warning/error in log or json, --list exit 0)"
}

# message, evidence and hint of the first active finding CODE of GW, one line
finding_text() { # gw code
	dpc_json "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | .[0] // empty |
		[.severity, .message, (.evidence | if type == \"object\" then to_entries | map(.key + \"=\" + (.value|tostring)) | join(\" \")
		  elif type == \"array\" then map(tostring) | join(\" \") else tostring end), .hint] | join(\" | \")" 2>/dev/null
}

# evidence KEY of every active finding CODE of GW, one line each
finding_evidence() { # gw code key
	dpc_json "$1" | jq -r --arg c "$2" --arg k "$3" \
		"$JQ_ALL | map(select(.code == \$c)) | .[] | .evidence[\$k] // empty | tostring" 2>/dev/null
}

# number of active gateway-wide findings CODE (top-level findings[]), empty on error
host_finding_count() { # gw code
	dpc_json "$1" | jq -r --arg c "$2" '[(.findings // [])[] | select(.code == $c)] | length' 2>/dev/null
}

# answered pings out of 3 from FROM to DST (extra ping options after DST)
ping_received() { # from dst [ping options]
	local from=$1 dst=$2; shift 2
	lab_exec "$from" ping -c 3 -i 0.2 -W 2 "$@" "$dst" 2>/dev/null | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
assert_ping() { # from dst [ping options]
	local n; n=$(ping_received "$@")
	if [ "${n:-0}" = 3 ]; then ok "$1 -> $2 pings${3:+ ${*:3}} work (3/3)"; else fail "$1 -> $2 pings${3:+ ${*:3}}: ${n:-0}/3 answered, want 3"; fi
}
assert_no_ping() { # from dst [ping options]
	local n; n=$(ping_received "$@")
	if [ "${n:-0}" = 0 ]; then ok "$1 -> $2 pings${3:+ ${*:3}} fail (0/3)"; else fail "$1 -> $2 pings${3:+ ${*:3}}: ${n}/3 answered, want none"; fi
}

# TCP and UDP probes (the ports the plugin's forward check judges)
FLOW_TCP_PORT=443
FLOW_UDP_PORT=53
flow_serve() { # host
	local log="$LAB_RUN/$1/flows.log" i
	mkdir -p "$LAB_RUN/$1"; : >"$log"
	lab_exec "$1" python3 "$LAB_DIR/flowprobe.py" serve "$FLOW_TCP_PORT" "$FLOW_UDP_PORT" "$log" >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	for i in $(seq 50); do
		lab_exec "$1" ss -Hltn "sport = :$FLOW_TCP_PORT" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	fail "$1: flow server did not start"
	return 1
}
flow_works() { # from dst tcp|udp
	local port=$FLOW_TCP_PORT
	[ "$3" = udp ] && port=$FLOW_UDP_PORT
	lab_exec "$1" python3 "$LAB_DIR/flowprobe.py" "$3" "$2" "$port" 3 >/dev/null 2>&1
}
assert_flow() { # from dst tcp|udp
	if flow_works "$@"; then ok "$1 -> $2 new $3 connection works"; else fail "$1 -> $2 new $3 connection fails, want it to work"; fi
}
assert_no_flow() { # from dst tcp|udp
	if flow_works "$@"; then fail "$1 -> $2 new $3 connection works, want it dropped"; else ok "$1 -> $2 new $3 connection fails"; fi
}
flow_peers() { # host tcp|udp
	sed -n "s/^$2 //p" "$LAB_RUN/$1/flows.log" 2>/dev/null | sort -u
}

# TCP over the tunnel, IPv4 or IPv6: a server answering "ok" (killed at exit)
tcp_listen() { # host port
	lab_exec "$1" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.sendall(b"ok\n")
    c.close()
' "$2" >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	sleep 0.3
}
# "ok" if a TCP connection from FROM to DST:PORT is answered within 3 s
tcp_answer() { # from dst port
	lab_exec "$1" /usr/bin/python3 -c '
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
    c.settimeout(3)
    print(c.recv(16).decode().strip())
except OSError as e:
    print("error: %s" % e)
' "$2" "$3" 2>&1
}
assert_tcp() { # from dst port
	local r; r=$(tcp_answer "$@")
	if [ "$r" = ok ]; then ok "$1 -> $2 TCP port $3 works"; else fail "$1 -> $2 TCP port $3: $r"; fi
}
assert_no_tcp() { # from dst port
	local r; r=$(tcp_answer "$@")
	if [ "$r" != ok ]; then ok "$1 -> $2 TCP port $3 fails ($r)"; else fail "$1 -> $2 TCP port $3 works, want it to fail"; fi
}
# one ping whose result does not count (IPv6 neighbour discovery on a link
# costs the first packet after a while without traffic)
warm_ping() { # from dst
	lab_exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 || true
}

# load an nft script (stdin) into a gateway's namespace
nft_load() { # gw
	local out
	if out=$(lab_exec "$1" nft -f - 2>&1); then return 0; fi
	fail "$1: nft -f failed: $out"
	return 1
}

assert_severity() { # gw code severity
	local sev
	sev=$(dpc_json "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | .[0].severity // \"none\"" 2>/dev/null)
	if [ "$sev" = "$3" ]; then ok "$1: $2 has severity $3"; else fail "$1: $2 has severity '${sev:-?}', want $3"; fi
}

# show what the plugin says for a gateway (log lines, --list)
show_plugin() { # gw
	echo "  --- $1: plugin log lines"
	grep -a 'dataplane-check' "$(lab_log "$1")" 2>/dev/null | tail -n 30 | sed 's/^/    /'
	echo "  --- $1: dataplane-check --list (exit status last)"
	{ timeout 10 "$DPC_CLI" --list --uri "$(lab_dpc_uri "$1")" 2>&1; echo "[exit $?]"; } | sed 's/^/    /'
}

dump_diagnostics() {
	local gw
	echo "  ===== diagnostics ($SCEN_NAME) ====="
	for gw in gwA gwB; do
		[ -f "$(lab_log "$gw")" ] || continue
		show_plugin "$gw"
		echo "  --- $gw: --json"
		dpc_json "$gw" 2>/dev/null | jq -c . 2>/dev/null | head -c 4000 | sed 's/^/    /'; echo
		echo "  --- $gw: swanctl --list-sas"
		lab_swanctl "$gw" --list-sas 2>&1 | head -n 20 | sed 's/^/    /'
		echo "  --- $gw: tail of charon.log"
		tail -n 25 "$(lab_log "$gw")" | sed 's/^/    /'
		if [ -s "$LAB_RUN/$gw/charon.stdout" ]; then
			echo "  --- $gw: charon stdout/stderr"
			tail -n 15 "$LAB_RUN/$gw/charon.stdout" | sed 's/^/    /'
		fi
	done
}

save_run() {
	[ -d "$LAB_RUN" ] || return 0
	rm -rf "$SCEN_RESULTS"; mkdir -p "$SCEN_RESULTS"
	tar -C "$LAB_RUN" --exclude='*.vici' --exclude='*.dpc' -cf - . 2>/dev/null | tar -C "$SCEN_RESULTS" -xf - 2>/dev/null
}

lab_down() {
	stop_bg
	"$LAB_DIR/down.sh" >"$LAB_SCRATCH/down.out" 2>&1 || { cat "$LAB_SCRATCH/down.out"; fail "down.sh did not clean up"; }
}

scen_exit() {
	local rc=$?
	trap - EXIT INT TERM
	[ $rc = 0 ] && [ "$SCEN_FAILED" = 1 ] && rc=1
	if [ $rc != 0 ]; then
		dump_diagnostics
	fi
	save_run
	lab_down
	[ "$SCEN_FAILED" = 1 ] && [ $rc = 0 ] && rc=1
	exit $rc
}
trap scen_exit EXIT
trap 'SCEN_FAILED=1; echo "  FAIL interrupted"; exit 130' INT TERM

mkdir -p "$LAB_SCRATCH"
for _b in jq ip "$DPC_CLI"; do
	command -v "$_b" >/dev/null || { echo "  FAIL missing $_b"; exit 1; }
done
[ -n "$DPC_PLUGIN" ] || { echo "  FAIL DPC_PLUGIN is not set (path of the built plugin)"; exit 1; }
