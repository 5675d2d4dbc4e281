#!/bin/bash
# gwA's charon runs under valgrind (memcheck) with the plugin: the tunnel comes
# up, settings are reloaded a few times with a changed plugin setting
# (interval), the query socket is used, then charon is stopped, which unloads
# the plugin. valgrind must report no error and no definitely lost block with
# a frame in the plugin (libstrongswan-dataplane-check / dpc_*).
# timeout: 420
. "$(dirname "$0")/../lib.sh"

command -v valgrind >/dev/null || { fail "valgrind is not installed (./bootstrap installs it)"; finish; }
VG_LOG=$LAB_RUN/gwA/valgrind.log
VG="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    --error-exitcode=99 --num-callers=40 --track-origins=no --log-file=$VG_LOG"
lab_up GWA_WRAPPER="$VG" LAB_START_TIMEOUT=120 || { fail "lab did not come up under valgrind"; finish; }
bg_ping hostA "$HOSTB_IP"
wait_for_finding gwA nat-detected 60

conf=$LAB_RUN/gwA/strongswan.conf
last_round() { dpc_json gwA | jq -r '.last_round // empty'; }
reload_interval() { # new interval
	sed -i "s/^\(\t\t\tinterval = \).*/\1$1/" "$conf"
	if lab_swanctl gwA --reload-settings >/dev/null 2>&1; then
		ok "reload-settings with interval = $1"
	else
		fail "swanctl --reload-settings (interval = $1) failed"
	fi
	if timeout 30 "$DPC_CLI" --list --uri "$(lab_dpc_uri gwA)" >"$LAB_RUN/list.out" 2>&1 || [ $? -le 2 ]; then
		ok "--list after reload ($(wc -l <"$LAB_RUN/list.out") lines)"
	else
		fail "--list after reload failed: $(head -n 3 "$LAB_RUN/list.out")"
	fi
}
# the new interval must take effect: 30s stops the 2s rounds ...
reload_interval 30s
sleep 3	# a round already scheduled may still run
r1=$(last_round); sleep 6; r2=$(last_round)
if [ -n "$r1" ] && [ "$r1" = "$r2" ]; then ok "interval = 30s in effect: no round in 6s (last_round $r1)"
else fail "interval = 30s not in effect: last_round moved from '$r1' to '$r2' in 6s"; fi
# ... and 2s brings them back (how fast depends on when the plugin reschedules)
reload_interval 2s
t0=$(lab_now)
for i in $(seq 1 80); do r3=$(last_round); [ "$r3" != "$r2" ] && break; sleep 0.5; done
if [ "$r3" != "$r2" ]; then ok "interval = 2s in effect: a round after $(lab_since "$t0")s"
else fail "interval = 2s: no round within 40s of the reload"; fi
reload_interval 5s
sleep 2
timeout 30 "$DPC_CLI" --json --uri "$(lab_dpc_uri gwA)" >/dev/null 2>&1; [ $? -le 2 ] && ok "--json works" || fail "--json failed"
stop_bg

# stop charon ourselves and give valgrind the time it needs for its report
pid=$(lab_charon_pid gwA)
lab_is_our_charon "$pid" gwA || { fail "gwA's charon (pid $pid) is gone before the end"; finish; }
kill -TERM "$pid"
for i in $(seq 1 1200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { fail "charon under valgrind did not exit in 120s"; finish; }
grep -qE 'ERROR SUMMARY' "$VG_LOG" || { fail "valgrind wrote no summary"; finish; }
note "valgrind: $(grep -E 'ERROR SUMMARY' "$VG_LOG" | tail -n1 | sed 's/^==[0-9]*== //')"
note "valgrind: $(grep -E 'definitely lost:' "$VG_LOG" | tail -n1 | sed 's/^==[0-9]*== //')"

# split the log into records (blank-line separated) and keep those that name
# the plugin; leak records say "definitely lost", everything else is an error
awk '
	{ sub(/^==[0-9]+== ?/, "") }
	/^$/ { if (rec != "") print rec "\n@@"; rec = ""; next }
	{ rec = rec "\n" $0 }
	END { if (rec != "") print rec "\n@@" }
' "$VG_LOG" | awk -v RS='\n@@\n' '
	/LEAK SUMMARY|HEAP SUMMARY|ERROR SUMMARY|Memcheck, a memory error|Command:|For lists of detected|Rerun with|To see them|possibly lost in loss record|indirectly lost in loss record|still reachable in loss record/ { next }
	/dataplane-check|dataplane_check|dpc_/ { print "----" $0 }
' >"$LAB_RUN/valgrind-plugin.txt"
nrec=$(grep -c '^----' "$LAB_RUN/valgrind-plugin.txt")
nleak=$(grep -c 'definitely lost in loss record' "$LAB_RUN/valgrind-plugin.txt")
if [ "$nrec" = 0 ]; then
	ok "valgrind: no error and no definitely lost block in plugin code"
else
	fail "valgrind: $nrec record(s) in plugin code ($nleak definitely lost); first ones:"
	head -n 60 "$LAB_RUN/valgrind-plugin.txt" | sed 's/^/    /'
fi
# errors outside the plugin (charon, libraries) are reported, not judged
other=$(grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination)' "$VG_LOG")
[ "$other" = 0 ] || note "valgrind: $other error record(s) in total (all code), see $SCEN_RESULTS/gwA/valgrind.log"
finish
