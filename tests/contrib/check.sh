#!/bin/bash
# make check: the Prometheus rules and the Grafana dashboard under contrib/
# (tests/contrib/check_contrib.py: promtool check rules, valid JSON, valid
# PromQL, only metrics and labels the plugin writes), then the same checks on
# broken copies, which must fail: a check that cannot fail proves nothing.
# Env: PROMTOOL (configure finds it; ./bootstrap provides it), srcdir.
set -u
SRC=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PROMTOOL=${PROMTOOL:-promtool}
PY=${PYTHON3:-python3}
CHECK=$SRC/tests/contrib/check_contrib.py
C=$SRC/plugin/sinks/dpc_metrics.c
RULES=$SRC/contrib/prometheus/dataplane-check.rules.yml
DASH=$SRC/contrib/grafana/dataplane-check.json
rc=0

if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
	echo "FAIL no promtool ('$PROMTOOL'): run ./bootstrap, then configure"
	exit 1
fi
"$PY" -m json.tool "$DASH" >/dev/null || { echo "FAIL $DASH: python3 -m json.tool"; rc=1; }
"$PY" "$CHECK" "$C" "$RULES" "$DASH" "$PROMTOOL" || rc=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# must_fail NAME RULES DASH: the checker must reject these files
must_fail() {
	if "$PY" "$CHECK" "$C" "$2" "$3" "$PROMTOOL" >"$tmp/$1.out" 2>&1; then
		echo "FAIL the checks accept $1"; rc=1
	else
		echo "ok: rejects $1: $(head -n 1 "$tmp/$1.out")"
	fi
}
# mutate NAME FILE SED: $M becomes a copy of FILE changed by SED (which must
# change it)
mutate() {
	M=$tmp/$1.${2##*.}
	sed "$3" "$2" >"$M"
	cmp -s "$2" "$M" && { echo "FAIL mutation $1 changes nothing"; rc=1; }
}
mutate metric "$RULES" 's/dataplane_check_finding{severity="error"}/dataplane_check_findng{severity="error"}/'
must_fail "a rule on an unknown metric" "$M" "$DASH"
mutate label "$RULES" '0,/by (job, instance, ike, child, code)/s//by (job, instance, tunnel, code)/'
must_fail "a rule grouping by an unknown label" "$M" "$DASH"
mutate syntax "$RULES" 's/) > 0$/) >/'
must_fail "a rule with a PromQL syntax error" "$M" "$DASH"
mutate annotation "$RULES" 's/\$labels\.code/$labels.finding/'
must_fail "an annotation naming an unknown label" "$M" "$DASH"
mutate json "$DASH" '$d'
must_fail "a dashboard that is not JSON" "$RULES" "$M"
mutate dmetric "$DASH" 's/dataplane_check_child_sas{/dataplane_check_childs{/'
must_fail "a dashboard query on an unknown metric" "$RULES" "$M"
mutate dsyntax "$DASH" 's/sum by (severity) (/sum by (severity) ((/'
must_fail "a dashboard query with bad PromQL" "$RULES" "$M"
mutate dvar "$DASH" 's/ike=~\\"$tunnel\\"/ike=~\\"$tunnels\\"/'
must_fail "a dashboard query with an undefined variable" "$RULES" "$M"

# prom2series.py (the lab scenario 44-metrics-alerts feeds promtool with
# it): label escapes, empty labels dropped, the timestamp following the
# clock (live) or not (frozen), staleness markers (gone), a broken file
# refused
CONV=$SRC/tests/contrib/prom2series.py
cat >"$tmp/a.prom" <<'END'
# HELP dataplane_check_finding x
# TYPE dataplane_check_finding gauge
dataplane_check_finding{code="c",severity="error",ike="a \"q\" \\ b\nc",ike_id="1",child="",child_id="",discriminator=""} 1
dataplane_check_last_round_timestamp_seconds 1000
END
touch -d @1002 "$tmp/a.prom"
want='[{"series": "dataplane_check_finding{code=\"c\",ike=\"a \\\"q\\\" \\\\ b\\nc\",ike_id=\"1\",instance=\"gw\",job=\"node\",severity=\"error\"}", "values": "1 1 1 1 stale _"}, {"series": "dataplane_check_last_round_timestamp_seconds{instance=\"gw\",job=\"node\"}", "values": "-2 58 118 118 stale _"}]'
got=$("$PY" "$CONV" gw:live:2:"$tmp/a.prom" gw:frozen:2:"$tmp/a.prom" gw:gone:2 | "$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')
if [ "$got" = "$want" ]; then
	echo "ok: prom2series.py: escapes, live/frozen timestamps, staleness markers"
else
	echo "FAIL prom2series.py printed $got"; echo "     want $want"; rc=1
fi
printf 'dataplane_check_finding{code="c} 1\n' >"$tmp/bad.prom"
if "$PY" "$CONV" gw:live:1:"$tmp/bad.prom" >/dev/null 2>&1; then
	echo "FAIL prom2series.py accepts an unterminated label value"; rc=1
else
	echo "ok: prom2series.py refuses an unterminated label value"
fi
exit $rc
