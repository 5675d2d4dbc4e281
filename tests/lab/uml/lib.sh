# shellcheck shell=bash
# Helpers for the UML lab scenarios (tests/lab/uml/scenarios/NN-name.sh),
# sourced INSIDE UML. The same vocabulary as the netns tier's tests/lab/lib.sh,
# plus probes of the real XFRM data plane.
#
#   lab_up [VAR=value ...]      topology + both charons with the plugin loaded
#                               (LAB_PRELOAD=$DPC_PLUGIN, LAB_EXTRA_PLUGINS=
#                               dataplane-check, fast settings in
#                               LAB_CHARON_EXTRA), initiated unless LAB_INITIATE=0;
#                               returns 0 up, 2 initiate failed, 1 failure
#   bg_ping FROM DST            continuous ping in the background (stopped at exit)
#   wait_for_finding GW CODE [TIMEOUT]   CODE in the charon log AND in --json
#   wait_for_resolved GW CODE [TIMEOUT]  "resolved CODE" logged and gone from --json
#   assert_no_finding GW CODE   neither in the log (ever) nor in --json (now)
#   assert_healthy GW           no warning/error finding (log and --json), --list exit 0
#   assert_severity GW CODE SEV
#   has_finding GW CODE / all_codes GW
#   finding_text|finding_json GW CODE, finding_field|findings_field GW CODE PATH
#                               from the JSON of the last query of GW
#   dpc_json GW                 the plugin's state (dataplane-check --json)
#   xfrm_packets GW in|out      packet counter of that gateway's kernel SA for
#                               the tunnel (ip -s xfrm state), 0 if none
#   xfrm_counts GW              both: "IN OUT"
#   xfrm_show GW                the SAs with their counters, one line each
#   ping_count FROM DST N [ping args]   number of echo replies received
#   cap_start NODE IF NAME [filter] / cap_stop NAME / cap_count NAME [filter]
#                               tcpdump in a node; count matching packets
#   ipt NODE ARGS...            iptables-legacy in a node
#   ipt_pkts NODE TABLE CHAIN NUM|policy   packets that rule (or the policy) matched
#   json_child_packets GW       "packets_in packets_out" of CHILD_SA net in --json
#   wait_rounds GW N            N more check rounds of the plugin completed
#   finding_field GW CODE PATH  one field of a finding, e.g. .evidence.direction
#   fail MSG / ok MSG / note MSG / finish
#
# No cleanup is needed: the EXIT trap prints diagnostics when something
# failed and stops both charons (lab_down), reporting a charon that crashed
# or did not stop; the rest of the lab ends with the UML poweroff.

set -u
. "$UML_DIR/topology.sh"

SCEN_NAME=${SCEN_NAME:-$(basename "$0" .sh)}
SCEN_FAILED=0
SCEN_T0=$(lab_now)
BG_PIDS=""
CAP_PIDS=""
DEFAULT_TIMEOUT=${DPC_LAB_WAIT:-20}

# the plugin: a host path, visible inside UML through uml_hostpath
[ -n "${DPC_PLUGIN:-}" ] || { echo "  FAIL DPC_PLUGIN is not set (path of the built plugin)"; exit 1; }
[ -n "${DPC_CLI:-}" ] || { echo "  FAIL DPC_CLI is not set (path of the built dataplane-check)"; exit 1; }
DPC_CLI=$(uml_hostpath "$DPC_CLI")
# DPC_PRELOAD_EXTRA: shared objects preloaded before the plugin (e.g. a
# sanitizer runtime)
LAB_PRELOAD="${DPC_PRELOAD_EXTRA:+$DPC_PRELOAD_EXTRA }$DPC_PLUGIN"
LAB_EXTRA_PLUGINS="dataplane-check"
# fast rounds for the lab; the socket is set per gateway by topology.sh
# (unix://$LAB_RUN/gwX/charon.dpc). DPC_EXTRA adds lines for both gateways.
LAB_CHARON_EXTRA="plugins {
		dataplane-check {
			interval = 2s
			settle = 1s
			traffic_window = 6s
			traffic_min_packets = 3
			${DPC_EXTRA:-}
		}
	}"
for _b in jq ip iptables-legacy tcpdump ping "$DPC_CLI" "$CHARON" "$SWANCTL"; do
	command -v "$_b" >/dev/null || { echo "  FAIL missing $_b"; exit 1; }
done
[ -f "$(uml_hostpath "$DPC_PLUGIN")" ] || { echo "  FAIL DPC_PLUGIN=$DPC_PLUGIN not found"; exit 1; }

ts() { lab_since "$SCEN_T0"; }
ok() { echo "  ok   [$(ts)s] $*"; }
note() { echo "  note [$(ts)s] $*"; }
fail() { echo "  FAIL [$(ts)s] $*"; SCEN_FAILED=1; }
finish() { [ "$SCEN_FAILED" = 0 ] && exit 0; exit 1; }

# topology.sh's lab_up, with VAR=value knobs and its output indented; the
# charons stay children of the scenario's shell (lab_down waits for them)
eval "_topology_$(declare -f lab_up)"
lab_up() {
	local a rc=0
	for a in "$@"; do export "${a?}"; done
	_topology_lab_up >"$LAB_OUT/up.out" 2>&1 || rc=$?
	sed 's/^/  up: /' "$LAB_OUT/up.out"
	return $rc
}

bg_ping() { # from dst [extra ping args]
	local from=$1 dst=$2; shift 2
	lab_exec "$from" ping -q -i 0.5 -W 1 "$@" "$dst" >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
}
stop_bg() {
	local p
	for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
	for p in $BG_PIDS; do wait "$p" 2>/dev/null; done
	BG_PIDS=""
}

# --- the plugin's view ---------------------------------------------------------
# (few processes per call: every process start costs ~50 ms in UML, more on
# a busy host)

# the plugin's state of a gateway as JSON (also saved to $LAB_RUN/GW/last.json);
# fails when the CLI cannot talk to the plugin (exit 3)
dpc_json() { # gw
	local out rc=0
	out=$("$DPC_CLI" --json --timeout 10 --uri "$(lab_dpc_uri "$1")" 2>"$LAB_RUN/$1/last.json.err") || rc=$?
	printf '%s\n' "$out" >"$LAB_RUN/$1/last.json"
	[ "$rc" -le 2 ] && [ -n "$out" ] || return 1
	printf '%s\n' "$out"
}

JQ_ALL='[(.findings // [])[], ((.ike_sas // [])[] | (.findings // [])[], ((.children // [])[] | (.findings // [])[]))]'

# codes of the active findings in --json, one per line ("ERROR" if no JSON)
json_codes() { # gw
	local json
	json=$(dpc_json "$1") || { echo ERROR; return 1; }
	printf '%s\n' "$json" | jq -r "$JQ_ALL | map(.code) | unique | .[]" 2>/dev/null || { echo ERROR; return 1; }
}
json_count() { # gw code: active findings with CODE (empty on error)
	dpc_json "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | length" 2>/dev/null
}
# codes the charon log reported as appeared or changed (never "resolved"):
# "... dataplane-check: SEVERITY CODE SUBJECT: message"
log_codes() { # gw
	awk '{ for (i = 1; i < NF; i++) if ($i == "dataplane-check:") {
		if ($(i + 1) != "resolved" && i + 2 <= NF) print $(i + 2); break } }' "$(lab_log "$1")" 2>/dev/null | sort -u
}
# the log lines reporting CODE
log_lines() { # gw code
	grep -aE "dataplane-check: [a-z]+ $2 " "$(lab_log "$1")" 2>/dev/null | grep -av 'dataplane-check: resolved'
}
_in_list() { [[ $'\n'"$2"$'\n' == *$'\n'"$1"$'\n'* ]]; }
has_finding() { # gw code: in the log or in json
	_in_list "$2" "$(log_codes "$1")" || _in_list "$2" "$(json_codes "$1")"
}
# The next helpers read the JSON of the last query of GW (dpc_json, also
# done by wait_for_finding, wait_rounds, assert_*), not a fresh one: one
# query answers several questions. "dpc_json GW >/dev/null" refreshes it.
_last() { cat "$LAB_RUN/$1/last.json" 2>/dev/null; }
# the first active finding CODE of GW as compact JSON
finding_json() { # gw code
	_last "$1" | jq -c --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | .[0] // empty" 2>/dev/null
}
# one field of the first active finding CODE (a jq path below it)
finding_field() { # gw code jq-path, e.g. .evidence.direction
	_last "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | .[0] // empty | $3 // empty" 2>/dev/null
}
# one field of every active finding CODE, comma separated
findings_field() { # gw code jq-path
	_last "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c) | $3 // \"\" | tostring) | join(\",\")" 2>/dev/null
}
# severity, message, evidence and hint of the first active finding CODE, one line
finding_text() { # gw code
	_last "$1" | jq -r --arg c "$2" "$JQ_ALL | map(select(.code == \$c)) | .[0] // empty |
		[.severity, .message, (.evidence | if type == \"object\" then to_entries | map(.key + \"=\" + (.value|tostring)) | join(\" \")
		  elif type == \"array\" then map(tostring) | join(\" \") else tostring end), .hint] | join(\" | \")" 2>/dev/null
}
all_codes() { # gw: "severity code (ike/child)", comma separated (fresh query)
	dpc_json "$1" | jq -r '[((.findings // [])[] | "\(.severity) \(.code) (host)"),
		((.ike_sas // [])[] | . as $i | ((.findings // [])[] | "\(.severity) \(.code) (\($i.name))"),
			((.children // [])[] | . as $c | (.findings // [])[] | "\(.severity) \(.code) (\($i.name)/\($c.name))"))]
		| if length == 0 then "none" else join(", ") end' 2>/dev/null || echo "(no json)"
}

_timed_out() { [ "$(lab_elapsed_ms "$1")" -ge $(( $2 * 1000 )) ]; } # t0 seconds

wait_for_finding() { # gw code [timeout]: in the charon log AND in --json
	local gw=$1 code=$2 t=${3:-$DEFAULT_TIMEOUT} t0 in_log=no in_json=no
	t0=$(lab_now)
	while :; do
		[ $in_log = yes ] || { _in_list "$code" "$(log_codes "$gw")" && in_log=yes; }
		if [ $in_log = yes ]; then
			_in_list "$code" "$(json_codes "$gw")" && in_json=yes || in_json=no
		fi
		if [ $in_log = yes ] && [ $in_json = yes ]; then
			ok "$code on $gw after $(lab_since "$t0")s (log + json)"
			return 0
		fi
		if _timed_out "$t0" "$t"; then
			fail "$code not reported by $gw within ${t}s (log: $in_log, json: $in_json; active: $(all_codes "$gw"))"
			return 1
		fi
		lab_sleep 1
	done
}

wait_for_resolved() { # gw code [timeout]: "resolved CODE" logged and gone from --json
	local gw=$1 code=$2 t=${3:-$DEFAULT_TIMEOUT} t0 in_log=no codes
	t0=$(lab_now)
	while :; do
		[ $in_log = yes ] || { grep -aqE "dataplane-check: resolved $code " "$(lab_log "$gw")" 2>/dev/null && in_log=yes; }
		if [ $in_log = yes ]; then
			codes=$(json_codes "$gw")
			if [ "$codes" != ERROR ] && ! _in_list "$code" "$codes"; then
				ok "$code resolved on $gw after $(lab_since "$t0")s (log + json)"
				return 0
			fi
		fi
		if _timed_out "$t0" "$t"; then
			fail "$code not resolved on $gw within ${t}s (resolved line: $in_log; active: $(all_codes "$gw"))"
			return 1
		fi
		lab_sleep 1
	done
}

assert_no_finding() { # gw code...: none of them in the log (ever) or in --json (now)
	local gw=$1 lc jc c bad=""; shift
	jc=$(json_codes "$gw")
	if [ "$jc" = ERROR ]; then
		fail "$gw: no JSON from dataplane-check (checking for absence of $*)"
		return 1
	fi
	lc=$(log_codes "$gw")
	for c in "$@"; do
		_in_list "$c" "$lc" && bad="$bad $c(log: $(log_lines "$gw" "$c" | head -n 1))"
		_in_list "$c" "$jc" && bad="$bad $c(json)"
	done
	if [ -n "$bad" ]; then
		fail "$gw reports what it must not:$bad"
		return 1
	fi
	ok "$gw: none of $*"
}

assert_healthy() { # gw: no warning/error finding (log, json), --list exits 0
	local gw=$1 json bad lines rc=0
	if ! json=$(dpc_json "$gw"); then
		fail "$gw: no JSON from dataplane-check: $(head -c 300 "$LAB_RUN/$gw/last.json.err" 2>/dev/null)"
		return 1
	fi
	bad=$(printf '%s\n' "$json" | jq -r "$JQ_ALL | map(select(.severity == \"warning\" or .severity == \"error\")) | map(.severity + \" \" + .code) | join(\", \")")
	# a finding, or the plugin saying it could not read something
	lines=$(grep -aE 'dataplane-check: (warning|error|cannot) ' "$(lab_log "$gw")")
	if [ -n "$bad" ] || [ -n "$lines" ]; then
		fail "$gw not healthy: json [$bad]; log: $(echo "$lines" | head -n 3)"
		return 1
	fi
	"$DPC_CLI" --list --timeout 10 --uri "$(lab_dpc_uri "$gw")" >/dev/null 2>&1 || rc=$?
	if [ $rc != 0 ]; then
		fail "$gw healthy but dataplane-check --list exits $rc (want 0)"
		return 1
	fi
	ok "$gw healthy (no warning/error and no read failure in log or json, --list exit 0)"
}

# time of the plugin's last completed round (seconds resolution)
round_stamp() { dpc_json "$1" | jq -r '.last_round // empty' 2>/dev/null; }
# wait until GW completed N more check rounds (after a change the plugin
# must have looked at, before asserting that something is NOT reported)
wait_rounds() { # gw n [timeout]
	local gw=$1 n=$2 t=${3:-$DEFAULT_TIMEOUT} t0 last cur seen=0
	t0=$(lab_now)
	last=$(round_stamp "$gw")
	while [ $seen -lt "$n" ]; do
		if _timed_out "$t0" "$t"; then
			fail "$gw: only $seen of $n check rounds within ${t}s (last_round ${last:-none})"
			return 1
		fi
		lab_sleep 1
		cur=$(round_stamp "$gw")
		if [ -n "$cur" ] && [ "$cur" != "$last" ]; then
			seen=$((seen + 1)); last=$cur
		fi
	done
	note "$gw: $n more check rounds done (last_round $last)"
}

assert_severity() { # gw code severity (from the last query)
	local sev
	sev=$(finding_field "$1" "$2" .severity)
	if [ "$sev" = "$3" ]; then ok "$1: $2 has severity $3"; else fail "$1: $2 has severity '${sev:-none}', want $3"; fi
}

# --- the real data plane -------------------------------------------------------

ipt() { local n=$1; shift; lab_exec "$n" iptables-legacy "$@"; }

# the kernel SA of GW's tunnel in one direction: outbound SAs leave from the
# gateway's WAN address, inbound ones arrive there
xfrm_packets() { # gw in|out
	local c
	c=$(xfrm_counts "$1")
	case $2 in in) echo "${c% *}";; out) echo "${c#* }";; esac
}
# both at once: "IN OUT" (0 for a missing SA)
xfrm_counts() { # gw
	local wan
	case $1 in gwA) wan=$GWA_WAN_IP;; gwB) wan=$GWB_WAN_IP;; *) return 1;; esac
	ip -n "$(lab_ns "$1")" -s xfrm state 2>/dev/null | awk -v w="$wan" '
		/^src / { d = $2 == w ? "out" : $4 == w ? "in" : ""; cur = 0; next }
		/lifetime current:/ { cur = 1; next }
		cur && d != "" && /\(packets\)/ { p = $0; sub(/\(packets\).*/, "", p); sub(/.*\(bytes\), */, "", p);
			n[d] = p + 0; cur = 0 }
		END { print n["in"] + 0, n["out"] + 0 }'
}
xfrm_show() { # gw: one line per SA: src dst spi encap packets
	ip -n "$(lab_ns "$1")" -s xfrm state 2>/dev/null | awk '
		/^src / { s = $2 " -> " $4 }
		/proto esp spi/ { spi = $4 }
		/encap type/ { enc = " " $3 " " $5 "/" $7 }
		/lifetime current:/ { cur = 1; next }
		cur && /\(packets\)/ { p = $0; sub(/^[ \t]*/, "", p); print s " spi " spi enc ": " p; cur = 0; enc = "" }'
}

# packets matched by rule NUM of a chain, or by the chain policy ("policy")
ipt_pkts() { # node table chain num|policy
	ipt "$1" -t "$2" -L "$3" -v -n -x --line-numbers 2>/dev/null | awk -v n="$4" '
		n == "policy" && /^Chain / { sub(/.*policy [A-Z]+ /, ""); print $1 + 0; exit }
		n != "policy" && $1 == n { print $2; exit }'
}

# the CHILD_SA "net" counters the plugin sampled (--json): "packets_in packets_out"
json_child_packets() { # gw
	dpc_json "$1" | jq -r '[(.ike_sas // [])[] | (.children // [])[] | select(.name == "net")][0] //
		{} | "\(.packets_in // "none") \(.packets_out // "none")"' 2>/dev/null
}

ping_count() { # from dst count [ping args]: echo replies received
	local from=$1 dst=$2 n=$3; shift 3
	lab_exec "$from" ping -n -q -c "$n" -i 0.2 -W 1 "$@" "$dst" 2>/dev/null |
		sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p'
}

cap_start() { # node if name [filter...]: capture to $LAB_RUN/name.pcap
	local node=$1 ifc=$2 name=$3; shift 3
	rm -f "$LAB_RUN/$name.pcap"
	lab_exec "$node" tcpdump --immediate-mode -U -n -i "$ifc" -w "$LAB_RUN/$name.pcap" "$@" \
		>"$LAB_RUN/$name.tcpdump.out" 2>&1 &
	CAP_PIDS="$CAP_PIDS $name:$!"
	# tcpdump prints "listening on" once the capture runs
	local i
	for (( i = 0; i < 50; i++ )); do
		grep -q 'listening on' "$LAB_RUN/$name.tcpdump.out" 2>/dev/null && return 0
		lab_sleep 0.1
	done
	note "tcpdump $name did not report 'listening on' within 5 s"
}
cap_stop() { # name
	local e pid
	for e in $CAP_PIDS; do
		[ "${e%%:*}" = "$1" ] || continue
		pid=${e#*:}
		lab_sleep 0.3; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	done
}
cap_count() { # name [filter...]: packets in the capture matching the filter
	local name=$1; shift
	tcpdump -n -r "$LAB_RUN/$name.pcap" "$@" 2>/dev/null | wc -l
}
cap_show() { # name [filter...]: the first packets, indented
	local name=$1; shift
	tcpdump -n -r "$LAB_RUN/$name.pcap" "$@" 2>/dev/null | head -n 6 | sed 's/^/      /'
}

# --- diagnostics and exit --------------------------------------------------------

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
		echo "  --- $gw: XFRM SAs"
		xfrm_show "$gw" | sed 's/^/    /'
		echo "  --- $gw: iptables-legacy"
		{ ipt "$gw" -S; ipt "$gw" -t nat -S; } 2>&1 | grep -v '^-P .* ACCEPT$' | sed 's/^/    /'
		echo "  --- $gw: tail of charon.log"
		tail -n 25 "$(lab_log "$gw")" | sed 's/^/    /'
		if [ -s "$LAB_RUN/$gw/charon.stdout" ]; then
			echo "  --- $gw: charon stdout/stderr"
			tail -n 15 "$LAB_RUN/$gw/charon.stdout" | sed 's/^/    /'
		fi
	done
}

scen_exit() {
	local rc=$? e
	trap - EXIT INT TERM
	stop_bg
	for e in $CAP_PIDS; do kill "${e#*:}" 2>/dev/null; done
	[ "$SCEN_FAILED" = 1 ] && [ $rc = 0 ] && rc=1
	[ $rc != 0 ] && dump_diagnostics
	if [ -n "$(lab_charon_pid gwA)$(lab_charon_pid gwB)" ]; then
		lab_down || { echo "  FAIL [$(ts)s] a charon did not stop cleanly (see above)"; rc=1; }
	fi
	echo "  scenario took $(ts)s inside UML"
	exit $rc
}
trap scen_exit EXIT
trap 'SCEN_FAILED=1; echo "  FAIL interrupted"; exit 130' INT TERM
