#!/bin/bash
# The README's vici example (Python, strongSwan's vici module from the
# strongSwan source, DPC_SS_SRC) taken out of the README and run as written
# against both gateways' plugin sockets: what it prints matches what
# `dataplane-check --json` says, and the lines the README promises: gwA
# healthy (nat-detected only), then gwB with ip_forward=0 reporting
# forwarding-disabled on s2s/net.
. "$(dirname "$0")/../lib.sh"

SRC=$(cd "$LAB_DIR/../.." && pwd)
# make check-lab passes the configured source tree; else the one ./bootstrap
# keeps for the installed strongSwan
SS_SRC=${DPC_SS_SRC:-${DPC_DEPS:-/var/cache/dataplane-check}/strongswan-$("$CHARON" --version 2>/dev/null | sed -n 's/.*strongSwan \([0-9.]*\).*/\1/p')}
VICI_PY=$SS_SRC/src/libcharon/plugins/vici/python
[ -f "$VICI_PY/vici/session.py" ] ||
	{ fail "no vici Python module in $VICI_PY (DPC_SS_SRC: the strongSwan source; make check-lab sets it)"; finish; }

lab_up || { fail "lab did not come up"; finish; }
EXAMPLE=$LAB_RUN/dpc-status.py
"$LAB_DIR/readme_example.sh" vici-python "$SRC/README.md" >"$EXAMPLE" ||
	{ fail "no vici-python example in the README"; finish; }
note "README example: $(grep -c . "$EXAMPLE") lines"
wait_for_finding gwA nat-detected

# run the example against GW's socket; prints its output
run_example() { # gw
	timeout 20 env PYTHONPATH="$VICI_PY" python3 "$EXAMPLE" "$LAB_RUN/$1/charon.dpc" 2>"$LAB_RUN/$1/example.err"
}
# the same from dataplane-check --json
from_json() { # gw
	dpc_json "$1" | jq -r '
		def f(x): if (x // []) | length == 0 then "ok"
			else x | map(.severity + " " + .code) | join(", ") end;
		"gateway: " + f(.findings),
		(.ike_sas[] | . as $i | "\($i.name) \($i.state): " + f($i.findings),
			(.children[] | "  \($i.name)/\(.name) \(.state): " + f(.findings)))'
}
# the example's output equals the JSON's and has each LINE
check_example() { # gw line...
	local gw=$1 out want i l
	for i in 1 2 3; do	# a round between the two requests may change the state
		out=$(run_example "$gw") || { fail "$gw: the example failed: $(head -c 500 "$LAB_RUN/$gw/example.err")"; return 1; }
		want=$(from_json "$gw")
		[ "$out" = "$want" ] && break
		sleep 1
	done
	echo "$out" | sed "s/^/    $gw: /"
	if [ "$out" != "$want" ]; then
		fail "$gw: the example prints something else than --json says: $(echo "$want" | tr '\n' '|')"
		return 1
	fi
	ok "$gw: the example's output matches dataplane-check --json"
	shift
	for l in "$@"; do
		if printf '%s\n' "$out" | grep -qxF -- "$l"; then
			ok "$gw: the example prints '$l'"
		else
			fail "$gw: the example does not print '$l'"
		fi
	done
}

check_example gwA "gateway: ok" "s2s up: info nat-detected" "  s2s/net up: ok"

lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
wait_for_finding gwB forwarding-disabled
check_example gwB "  s2s/net up: error forwarding-disabled"
finish
