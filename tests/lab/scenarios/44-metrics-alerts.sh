#!/bin/bash
# The Prometheus alerting rules (contrib/prometheus/dataplane-check.rules.yml)
# on metrics files the plugin wrote: both gateways write metrics_file; their
# files are copied while the tunnel is healthy, after gwB's ip_forward=0
# (forwarding-disabled, error) and gwA's input dropping ICMP
# frag-needed (filter-blocks-pmtu, warning), and after gwB's charon stopped.
# tests/contrib/prom2series.py turns the copies into promtool input_series
# (as node_exporter's textfile collector would serve them, instance gwA/gwB)
# and `promtool test rules` checks: nothing fires on the healthy files; the
# error alert fires at once for gwB s2s/net forwarding-disabled only; the
# warning alert for gwA s2s filter-blocks-pmtu only after 15 minutes;
# the stale alert when gwA's series stop and when gwB's file is no longer
# rewritten. A copy of the test expecting the error on gwA must fail.
# gwB's file is in a textfile directory set up as the README says (group of
# the exporter, setgid), served by a real node_exporter running as
# nobody:nogroup in gwB's namespace: no scrape error, the finding served,
# and once charon stopped exactly the file's samples; the same file as
# root's 0640 in a directory without that setup is a scrape error.
# timeout: 150
. "$(dirname "$0")/../lib.sh"

SRC=$(cd "$LAB_DIR/../.." && pwd)
RULES=$SRC/contrib/prometheus/dataplane-check.rules.yml
CONV=$SRC/tests/contrib/prom2series.py
# make check-lab passes both; else PATH, else where ./bootstrap keeps them
DEPS=${DPC_DEPS:-/var/cache/dataplane-check}/prometheus
PROMTOOL=${PROMTOOL:-$(command -v promtool || echo "$DEPS/promtool")}
NODE_EXPORTER=${NODE_EXPORTER:-$(command -v prometheus-node-exporter || echo "$DEPS/prometheus-node-exporter")}
for b in "$PROMTOOL" "$NODE_EXPORTER"; do
	[ -x "$b" ] || { fail "no $b (./bootstrap provides it, make check-lab passes it)"; finish; }
done
PROM_A=$LAB_RUN/gwA/dpc.prom
# gwB's textfile directory as the README sets it up: the exporter's group
# (here nogroup), setgid, so the 0640 file charon creates is readable
TEXTFILE=$LAB_SCRATCH/textfile-gwB
rm -rf "$TEXTFILE" "$TEXTFILE-plain"
mkdir -p "$TEXTFILE" "$TEXTFILE-plain"
chgrp nogroup "$TEXTFILE" && chmod 2755 "$TEXTFILE" || { fail "cannot set up $TEXTFILE"; finish; }
PROM_B=$TEXTFILE/dataplane-check.prom
OUT=$LAB_RUN/metrics

lab_up GWA_DPC_EXTRA="metrics_file = $PROM_A" GWB_DPC_EXTRA="metrics_file = $PROM_B" ||
	{ fail "lab did not come up"; finish; }
mkdir -p "$OUT"
wait_for_finding gwA nat-detected

# wait until GW's metrics file has a line matching REGEX
wait_metrics() { # gw file regex what
	local i
	for i in $(seq 1 60); do
		grep -qE "$3" "$2" 2>/dev/null && { ok "$1 metrics: $4"; return 0; }
		sleep 0.25
	done
	fail "$1 metrics never showed $4 (/$3/)"
	return 1
}
# copy a metrics file (plain cp: the copy's mtime is the time of the copy)
snap() { # file name
	cp "$1" "$OUT/$2.prom" || { fail "cannot copy $1"; finish; }
	note "copied $2: $(grep -c '^dataplane_check_' "$OUT/$2.prom") samples"
}

wait_metrics gwA "$PROM_A" '^dataplane_check_child_sas 1$' "one CHILD_SA up"
wait_metrics gwB "$PROM_B" '^dataplane_check_child_sas 1$' "one CHILD_SA up"
[ "$(stat -c %a:%U:%G "$PROM_B")" = 640:root:nogroup ] && ok "gwB's file is 0640 root:nogroup" ||
	fail "gwB's file is $(stat -c %a:%U:%G "$PROM_B"), want 640:root:nogroup"

# node_exporter as an unprivileged user in gwB's namespace, on its loopback
exporter() { # port dir
	lab_exec gwB setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$1" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$2" >"$LAB_RUN/gwB/exporter-$1.log" 2>&1 &
	BG_PIDS="$BG_PIDS $!"
}
scrape() { # port: what the exporter serves
	lab_exec gwB python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())' "$1"
}
exporter 19100 "$TEXTFILE"
for i in $(seq 1 40); do scrape 19100 >"$OUT.scrape" 2>/dev/null && break; sleep 0.25; done
grep -qx 'node_textfile_scrape_error 0' "$OUT.scrape" && ok "node_exporter reads gwB's file (no scrape error)" ||
	fail "node_exporter: $(grep -E '^node_textfile_scrape_error' "$OUT.scrape" || echo 'no answer'); $(tail -n 3 "$LAB_RUN/gwB/exporter-19100.log")"
snap "$PROM_A" healthy-A
snap "$PROM_B" healthy-B

lab_exec gwB sysctl -qw net.ipv4.ip_forward=0
nft_load gwA <<'EOF' || finish
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		icmp type destination-unreachable icmp code frag-needed drop
	}
}
EOF
wait_for_finding gwB forwarding-disabled
wait_for_finding gwA filter-blocks-pmtu
wait_metrics gwB "$PROM_B" '^dataplane_check_finding\{code="forwarding-disabled",severity="error"' "forwarding-disabled"
scrape 19100 | grep -q '^dataplane_check_finding{.*code="forwarding-disabled".*severity="error"} 1$' &&
	ok "node_exporter serves gwB's forwarding-disabled" || fail "node_exporter does not serve gwB's forwarding-disabled"
wait_metrics gwA "$PROM_A" '^dataplane_check_finding\{code="filter-blocks-pmtu",severity="warning"' "filter-blocks-pmtu"
snap "$PROM_A" broken-A
snap "$PROM_B" broken-B

# gwB's charon stops: its last file stays, nothing rewrites it
PID=$(lab_charon_pid gwB)
kill -TERM "$PID"
for i in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && fail "gwB's charon still runs after SIGTERM"
sleep 2
[ -f "$PROM_B" ] && ok "gwB's metrics file stays after charon stopped" || fail "gwB's metrics file is gone"
snap "$PROM_B" stopped-B

# what node_exporter serves is the file (now that nothing rewrites it)
scrape 19100 >"$OUT/stopped-B.scrape" || fail "no answer from node_exporter"
if python3 - "$SRC/tests/contrib" "$OUT/stopped-B.prom" "$OUT/stopped-B.scrape" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from prom2series import parse_file
mine = {k: v for k, v in parse_file(sys.argv[2]).items() if k[0].startswith("dataplane_check_")}
served = {k: v for k, v in parse_file(sys.argv[3]).items() if k[0].startswith("dataplane_check_")}
print("    file %d samples, served %d" % (len(mine), len(served)))
sys.exit(0 if mine and mine == served else 1)
EOF
then ok "node_exporter serves exactly the samples of gwB's file"
else fail "node_exporter serves other samples than gwB's file has"; fi
# without the README's setup (root's 0640 file, directory of root) the
# exporter cannot read it
install -m 0640 "$OUT/stopped-B.prom" "$TEXTFILE-plain/dataplane-check.prom"
exporter 19101 "$TEXTFILE-plain"
for i in $(seq 1 40); do scrape 19101 >"$OUT.scrape" 2>/dev/null && break; sleep 0.25; done
grep -qx 'node_textfile_scrape_error 1' "$OUT.scrape" && ok "without the setup: node_exporter cannot read it (scrape error 1)" ||
	fail "without the setup: $(grep -E '^node_textfile_scrape_error' "$OUT.scrape" || echo 'no answer')"

# input_series of one test: phases as prom2series.py takes them
series() { python3 "$CONV" "$@" | sed 's/^/      /'; }
NONE="exp_alerts: []"
# no alert of any name at TIME (a list of alert_rule_test items)
quiet() { # time...
	local t a
	for t in "$@"; do
		for a in DataplaneCheckError DataplaneCheckWarning DataplaneCheckStale; do
			printf '      - {eval_time: %s, alertname: %s, %s}\n' "$t" "$a" "$NONE"
		done
	done
}
L='job: node, ike: s2s, child: net'
ERR_B="{exp_labels: {instance: gwB, $L, code: forwarding-disabled, severity: critical}, exp_annotations: {summary: 'forwarding-disabled on gwB (s2s/net)', description: 'dataplane-check reports the error forwarding-disabled for IKE_SA s2s, CHILD_SA net on gwB. Run \"dataplane-check\" there for the evidence and the fix.'}}"
# filter-blocks-pmtu concerns the IKE_SA's outer packets: no CHILD_SA label
WARN_A="{exp_labels: {instance: gwA, job: node, ike: s2s, code: filter-blocks-pmtu, severity: warning}, exp_annotations: {summary: 'filter-blocks-pmtu on gwA (s2s)', description: 'dataplane-check has reported the warning filter-blocks-pmtu for IKE_SA s2s on gwA for 15 minutes. Run \"dataplane-check\" there for the evidence and the fix.'}}"
stale() { # instance
	printf "{exp_labels: {instance: %s, job: node, severity: warning}, exp_annotations: {summary: 'dataplane-check on %s: no checking round for 5 minutes', description: 'No checking round of dataplane-check on %s for more than 5 minutes: is charon running with the plugin and metrics_file set, and can node_exporter read the file?'}}" "$1" "$1" "$1"
}

TEST=$OUT/alerts.test.yml
{
	cat <<-EOF
	rule_files: [$RULES]
	evaluation_interval: 1m
	tests:
	  # healthy tunnels for 30 minutes: nothing fires
	  - interval: 1m
	    input_series:
	EOF
	series gwA:live:30:"$OUT/healthy-A.prom" gwB:live:30:"$OUT/healthy-B.prom"
	echo "    alert_rule_test:"
	quiet 1m 16m 29m
	cat <<-EOF
	  # healthy for 5 minutes, then the error on gwB and the warning on gwA
	  - interval: 1m
	    input_series:
	EOF
	series gwA:live:5:"$OUT/healthy-A.prom" gwA:live:25:"$OUT/broken-A.prom" \
		gwB:live:5:"$OUT/healthy-B.prom" gwB:live:25:"$OUT/broken-B.prom"
	echo "    alert_rule_test:"
	quiet 4m
	cat <<-EOF
	      - {eval_time: 6m, alertname: DataplaneCheckError, exp_alerts: [$ERR_B]}
	      - {eval_time: 6m, alertname: DataplaneCheckWarning, $NONE}
	      - {eval_time: 19m, alertname: DataplaneCheckWarning, $NONE}
	      - {eval_time: 21m, alertname: DataplaneCheckWarning, exp_alerts: [$WARN_A]}
	      - {eval_time: 21m, alertname: DataplaneCheckError, exp_alerts: [$ERR_B]}
	      - {eval_time: 29m, alertname: DataplaneCheckStale, $NONE}
	  # healthy for 10 minutes, then gwA's series stop and gwB's file stays
	  # as charon left it
	  - interval: 1m
	    input_series:
	EOF
	series gwA:live:10:"$OUT/healthy-A.prom" gwA:gone:20 \
		gwB:live:10:"$OUT/healthy-B.prom" gwB:frozen:20:"$OUT/stopped-B.prom"
	echo "    alert_rule_test:"
	quiet 9m
	cat <<-EOF
	      - {eval_time: 11m, alertname: DataplaneCheckStale, exp_alerts: [$(stale gwA)]}
	      - {eval_time: 14m, alertname: DataplaneCheckStale, exp_alerts: [$(stale gwA)]}
	      - {eval_time: 16m, alertname: DataplaneCheckStale, exp_alerts: [$(stale gwA), $(stale gwB)]}
	      - {eval_time: 29m, alertname: DataplaneCheckStale, exp_alerts: [$(stale gwA), $(stale gwB)]}
	      - {eval_time: 29m, alertname: DataplaneCheckWarning, $NONE}
	      # the file charon left still names the error
	      - {eval_time: 29m, alertname: DataplaneCheckError, exp_alerts: [$ERR_B]}
	EOF
} >"$TEST"

if out=$("$PROMTOOL" test rules "$TEST" 2>&1); then
	ok "promtool test rules: passed (3 tests: healthy, error/warning, stale; $(grep -c eval_time "$TEST") evaluations)"
else
	fail "promtool test rules $TEST failed:"
	echo "$out" | sed 's/^/    /'
	finish
fi

# the same test expecting the error on the wrong gateway must fail
sed 's/exp_labels: {instance: gwB, job: node, ike: s2s, child: net, code: forwarding-disabled/exp_labels: {instance: gwA, job: node, ike: s2s, child: net, code: forwarding-disabled/' \
	"$TEST" >"$OUT/wrong.test.yml"
if cmp -s "$TEST" "$OUT/wrong.test.yml"; then
	fail "could not make the wrong-gateway copy of the test"
elif "$PROMTOOL" test rules "$OUT/wrong.test.yml" >"$OUT/wrong.out" 2>&1; then
	fail "promtool accepts the error alert on gwA: the test cannot fail"
else
	ok "promtool rejects the error alert expected on gwA"
fi
finish
