#!/bin/bash
# make check-ss6: the plugin built and lab-tested against a second strongSwan
# (6.0.x by default) while the tree stays configured for the installed one.
#
#  1. copies the source tree (no build products) into BUILD and configures it
#     there against the strongSwan VERSION source tree set up by
#     ./bootstrap --strongswan VERSION (configure reads the version from that
#     tree and checks it against the charon built from it)
#  2. builds the plugin and the CLI and runs, linked to that strongSwan's
#     libraries, the plugin version test (the version symbol is the charon's
#     VERSION), the exports check, the unit and engine tests and the threads
#     stress test (the plugin in an in-process charon of that version)
#  3. runs lab scenarios with that charon and swanctl (CHARON, SWANCTL), the
#     plugin and CLI of step 2 (root), and checks in each gateway's log that
#     this charon ran with the plugin loaded
#
# usage: tests/ss6/run.sh SRCDIR BUILD VERSION [SCENARIO...]
# Env: DPC_DEPS where bootstrap keeps the trees (/var/cache/dataplane-check)
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 SRCDIR BUILD VERSION [SCENARIO...]" >&2; exit 2; }
SRCDIR=$(cd "$1" && pwd) BUILD=$2 VERSION=$3
shift 3
DPC_DEPS=${DPC_DEPS:-/var/cache/dataplane-check}
SS_SRC=$DPC_DEPS/strongswan-$VERSION
PREFIX=$DPC_DEPS/charon-$VERSION
SCENARIOS=${*:-01-healthy}
T0=$(date +%s)

say() { echo "check-ss6: $*"; }
die() { echo "check-ss6: $*" >&2; exit 1; }
[ -x "$PREFIX/lib/ipsec/charon" ] && [ -x "$PREFIX/sbin/swanctl" ] && [ -f "$SS_SRC/config.h" ] ||
	die "no strongSwan $VERSION in $DPC_DEPS: run ./bootstrap --strongswan $VERSION (as root)"

# 1. a copy of the sources: the tree's own build products stay out of it
# (a VPATH build is refused in a configured tree, and make would find the
# tree's objects built for the other version)
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
case $BUILD/ in "$SRCDIR"/*) rel=./${BUILD#"$SRCDIR"/} ;; *) rel="" ;; esac
say "copying $SRCDIR to $BUILD"
tar -C "$SRCDIR" -cf - ${rel:+--exclude="$rel"} --exclude=./.git \
	--exclude='./build-ss*' --exclude=config.status --exclude=config.log \
	--exclude=./Makefile --exclude=./libtool --exclude=./dpc_config.h \
	--exclude=./stamp-h1 --exclude=autom4te.cache --exclude=.deps \
	--exclude=.libs --exclude='*.o' --exclude='*.lo' --exclude='*.la' \
	--exclude='*.log' --exclude='*.trs' --exclude=.dirstamp . |
	tar -C "$BUILD" -xf -
cd "$BUILD"
[ -x configure ] || ./autogen.sh >/dev/null
if [ ! -f Makefile ] || ! grep -q "^SS_SRC = $SS_SRC\$" Makefile || [ configure -nt config.status ]; then
	say "configure --with-strongswan-source=$SS_SRC"
	./configure -q --with-strongswan-source="$SS_SRC" >configure.out 2>&1 ||
		{ cat configure.out >&2; die "configure against strongSwan $VERSION failed"; }
fi
grep -q "^SS_VERSION = $VERSION\$" Makefile || die "configure did not detect strongSwan $VERSION in $SS_SRC"

# 2. build, version symbol, exports
say "building the plugin and CLI against strongSwan $VERSION"
nice -n 10 make -j"${JOBS:-2}" >build.out 2>&1 || { tail -n 40 build.out >&2; die "build failed"; }
if grep -E 'warning:' build.out; then die "the build against strongSwan $VERSION has warnings"; fi
TESTS="tests/unit/dpc_plugin_version_test tests/unit/plugin_exports.sh
       tests/unit/dpc_unit_tests tests/unit/dpc_engine_tests tests/stress/dpc_stress"
DPC_SKIP_LAB=1 nice -n 10 make -j"${JOBS:-2}" check TESTS="$(echo $TESTS)" >check.out 2>&1 ||
	{ tail -n 40 check.out tests/unit/*.log tests/stress/*.log >&2 2>/dev/null; die "a test failed against strongSwan $VERSION"; }
grep -E '^(PASS|FAIL|ERROR|XPASS)' check.out
say "tests passed against strongSwan $VERSION ($(( $(date +%s) - T0 ))s)"

# 3. the lab with this charon
[ "$(id -u)" = 0 ] || { say "lab scenarios skipped (they need root)"; exit 0; }
RESULTS=$BUILD/lab-results
rm -rf "$RESULTS"
CHARON=$PREFIX/lib/ipsec/charon SWANCTL=$PREFIX/sbin/swanctl DPC_LAB_RESULTS=$RESULTS \
DPC_PLUGIN=$BUILD/.libs/libstrongswan-dataplane-check.so DPC_CLI=$BUILD/dataplane-check \
	"$SRCDIR/tests/lab/run.sh" $SCENARIOS
# the scenarios passed: make sure they ran this charon with this plugin
for s in "$RESULTS"/*/; do
	for log in "$s"gw*/charon.log; do
		grep -q "Starting IKE charon daemon (strongSwan $VERSION[,)]" "$log" ||
			die "$log: not a strongSwan $VERSION charon"
		grep -q "loaded plugins: .* dataplane-check" "$log" ||
			die "$log: the plugin was not loaded"
	done
done
say "done in $(( $(date +%s) - T0 ))s"
