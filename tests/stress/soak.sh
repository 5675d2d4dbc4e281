#!/bin/bash
# make soak (not part of make check): CHILD_SA up/rekey/down cycles in the
# in-process charon of the stress test (tests/stress/soak.c), rounds every
# second. Two runs of the same binary:
#  1. native: the resident set size must grow by less than 1 MiB between
#     the peak after the warm-up and the peak at the end
#  2. under valgrind memcheck: no error and no definitely lost block whose
#     stack names a file of plugin/ (reports inside strongSwan's libraries
#     are listed, not judged; known ones are suppressed in valgrind.supp)
# Usage: tests/stress/soak.sh [CYCLES]  (from the build directory; 10000)
# Results stay in $SOAK_DIR (tests/stress/soak-results).
# Exit 0 only if both passed.
set -uo pipefail
CYCLES=${1:-10000}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=tests/stress/dpc_soak
OUT=${SOAK_DIR:-tests/stress/soak-results}
mkdir -p "$OUT" || exit 1
[ -x "$BIN" ] || { echo "soak.sh: $BIN not built (make tests/stress/dpc_soak)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "soak.sh: valgrind is not installed (./bootstrap installs it)" >&2; exit 1; }
rc=0

echo "soak: native run, $CYCLES cycles"
T0=$(date +%s)
"$BIN" "$CYCLES" | tee "$OUT/native.out"
native=${PIPESTATUS[0]}
echo "soak: native run took $(( $(date +%s) - T0 )) s"
[ "$native" = 0 ] || rc=1

echo "soak: valgrind run, $CYCLES cycles"
T0=$(date +%s)
VG_LOG=$OUT/valgrind.log
# RSS under valgrind is valgrind's own: judged in the native run only
HX_SOAK_MAX_GROWTH=1000000000 valgrind --tool=memcheck --leak-check=full \
	--show-leak-kinds=definite --errors-for-leak-kinds=definite \
	--num-callers=40 --fullpath-after= --track-origins=no \
	--suppressions="$SRC/valgrind.supp" --log-file="$VG_LOG" \
	"$BIN" "$CYCLES" >"$OUT/valgrind.out" 2>&1
vg=$?
grep -E '^soak: (status|peak|[0-9]+ cycles \(|passed|FAILED)' "$OUT/valgrind.out" | sed 's/^soak:/soak (valgrind):/'
echo "soak: valgrind run took $(( $(date +%s) - T0 )) s"
if [ "$vg" != 0 ] || ! grep -q 'ERROR SUMMARY' "$VG_LOG"; then
	echo "soak: FAILED: the run under valgrind did not complete (exit $vg), see $VG_LOG"
	rc=1
fi

# split the log into records (blank-line separated); keep the errors and
# definitely lost blocks whose stack names a file of plugin/
awk '
	{ sub(/^==[0-9]+== ?/, "") }
	/^$/ { if (rec != "") print rec "\n@@"; rec = ""; next }
	{ rec = rec "\n" $0 }
	END { if (rec != "") print rec "\n@@" }
' "$VG_LOG" | awk -v RS='\n@@\n' '
	/LEAK SUMMARY|HEAP SUMMARY|ERROR SUMMARY|Memcheck, a memory error|Command:|For lists of detected|Rerun with|To see them|Use --track-origins|possibly lost in loss record|indirectly lost in loss record|still reachable in loss record/ { next }
	/\/plugin\/[a-z]/ { print "----" $0 }
' >"$OUT/valgrind-plugin.txt"
nrec=$(grep -c '^----' "$OUT/valgrind-plugin.txt")
nleak=$(grep -c 'definitely lost in loss record' "$OUT/valgrind-plugin.txt")
echo "soak: valgrind: $(grep -E 'ERROR SUMMARY' "$VG_LOG" | tail -n1 | sed 's/^==[0-9]*== //')"
echo "soak: valgrind: $(grep -E 'definitely lost:' "$VG_LOG" | tail -n1 | sed 's/^==[0-9]*== //')"
if [ "$nrec" = 0 ]; then
	echo "soak: valgrind: no error and no definitely lost block in plugin code"
else
	echo "soak: FAILED: valgrind: $nrec record(s) in plugin code ($nleak definitely lost), first ones:"
	head -n 60 "$OUT/valgrind-plugin.txt" | sed 's/^/    /'
	rc=1
fi
[ "$native" = 0 ] || echo "soak: FAILED: RSS grew by 1 MiB or more after the warm-up (native run)"
echo "soak: $([ $rc = 0 ] && echo passed || echo FAILED) (results in $OUT)"
exit $rc
