#!/bin/bash
# FIFOs planted at the metrics file's old temporary name and at the metrics
# path itself never block a round: rounds go on (--check answers, findings
# are still logged), one log line says the path is not a regular file, the
# file is mode 0640 by default, and charon stops promptly on SIGTERM.
# timeout: 120
. "$(dirname "$0")/../lib.sh"

PROM=$LAB_RUN/gwA/dpc.prom
lab_up GWA_DPC_EXTRA="metrics_file = $PROM" || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
PID=$(lab_charon_pid gwA)

# check GW: --check must answer within 15 s (a blocked round never does)
check_answers() { # what
	local t0 rc=0
	t0=$(lab_now)
	timeout 15 "$DPC_CLI" --check --uri "$(lab_dpc_uri gwA)" >/dev/null 2>&1 || rc=$?
	if [ $rc -le 2 ]; then ok "$1: --check answers in $(lab_since "$t0")s"; else fail "$1: --check exit $rc after $(lab_since "$t0")s (round blocked?)"; fi
}
# wait until the metrics file was rewritten after a given mtime
wait_rewritten() { # mtime what
	local i
	for i in $(seq 1 40); do
		[ "$(stat -c %Y.%y "$PROM" 2>/dev/null)" != "$1" ] && { ok "$2: metrics file rewritten"; return 0; }
		sleep 0.25
	done
	fail "$2: metrics file not rewritten within 10s"
}

for i in $(seq 1 40); do [ -f "$PROM" ] && break; sleep 0.25; done
[ -f "$PROM" ] && ok "metrics file written" || { fail "no metrics file at $PROM"; finish; }
mode=$(stat -c %a "$PROM")
[ "$mode" = 640 ] && ok "metrics file mode 0640" || fail "metrics file mode $mode, want 640"

# 1. a FIFO where the temporary file used to be created (<path>.tmp): an
# open() for writing without a reader would wait forever
mkfifo "$PROM.tmp"
m=$(stat -c %Y.%y "$PROM")
check_answers "FIFO at $PROM.tmp"
wait_rewritten "$m" "FIFO at .tmp"
[ -p "$PROM.tmp" ] && ok "the FIFO was left alone" || fail "the FIFO at .tmp was replaced"
rm -f "$PROM.tmp"

# 2. a FIFO at the metrics path itself: left alone, said once. Put there by
# rename(2) so that a round writing the file between an rm and a mkfifo
# cannot make the mkfifo fail
mkfifo "$PROM.fifo"
mv -f -T "$PROM.fifo" "$PROM"
[ -p "$PROM" ] && ok "FIFO planted at the metrics path" || fail "no FIFO at $PROM after mv"
check_answers "FIFO at the metrics path"
lab_exec gwA sysctl -qw net.ipv4.ip_forward=0
wait_for_finding gwA forwarding-disabled 15
sleep 5
check_answers "FIFO at the metrics path, later"
[ -p "$PROM" ] && ok "the FIFO at the metrics path was left alone" || fail "the FIFO at the metrics path was replaced"
lines=$(grep -a 'dataplane-check: cannot write metrics file' "$(lab_log gwA)")
n=$(printf '%s' "$lines" | grep -c .)
if [ "$n" = 1 ] && echo "$lines" | grep -q 'not a regular file'; then
	ok "one log line: $(echo "$lines" | sed 's/^[0-9:.]* //')"
else
	fail "$n log lines about the metrics file, want one saying 'not a regular file': $lines"
fi
n=$(ls -A "$LAB_RUN/gwA" | grep -c '^\.dpc\.prom\.' || true)
[ "$n" = 0 ] && ok "no temporary file left behind" || fail "$n temporary files left in $LAB_RUN/gwA"

# 3. charon stops promptly (no round is stuck)
t0=$(lab_now)
kill -TERM "$PID"
for i in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then
	fail "charon still running $(lab_since "$t0")s after SIGTERM"
else
	ok "charon exited $(lab_since "$t0")s after SIGTERM"
fi
finish
