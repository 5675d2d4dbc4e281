#!/bin/bash
# The plugin's AppArmor lines parse inside Debian's profile for charon,
# included from the profile's local file as the README says; a broken copy
# of them is rejected (so this test can fail) and the include is harmless
# once the lines are gone (package removed). Parse only (apparmor_parser -Q:
# no kernel needed). Works on a copy of /etc/apparmor.d; the system's files
# are not touched.
#   tests/pkg/apparmor.sh [LINES]   LINES: the lines' file (default: the
#                                   tree's conf/apparmor/usr.lib.ipsec.charon)
# Exit 77 (skipped) only without apparmor_parser or charon's profile
# (bootstrap installs both).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lines=${1:-$here/../../conf/apparmor/usr.lib.ipsec.charon}
lines=$(cd "$(dirname "$lines")" && pwd)/$(basename "$lines")
aadir=${DPC_APPARMOR_DIR:-/etc/apparmor.d}
profile=usr.lib.ipsec.charon
parser=$(command -v apparmor_parser || echo /sbin/apparmor_parser)

[ -x "$parser" ] || { echo "apparmor.sh: SKIP: no apparmor_parser (package apparmor)"; exit 77; }
[ -f "$aadir/$profile" ] || { echo "apparmor.sh: SKIP: no $aadir/$profile (package strongswan-charon)"; exit 77; }
[ -f "$lines" ] || { echo "apparmor.sh: FAIL: no $lines" >&2; exit 1; }
grep -q '^ *#include <local/usr.lib.ipsec.charon>' "$aadir/$profile" ||
	{ echo "apparmor.sh: FAIL: $aadir/$profile does not include local/$profile" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dpc-apparmor.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$aadir" "$work/apparmor.d"
local_file=$work/apparmor.d/local/$profile

# parse the copy of charon's profile, its local file including $1;
# prints the parser's messages, returns its status
parse() { # lines-file
	printf '# site additions\ninclude if exists "%s"\n' "$1" >"$local_file"
	local rc=0
	"$parser" -Q -T -K --base "$work/apparmor.d" "$work/apparmor.d/$profile" \
		>"$work/parser.out" 2>&1 || rc=$?
	grep -v '^Cache read/write disabled' "$work/parser.out" || true
	return $rc
}
fail=0

# 1. the lines as shipped
if out=$(parse "$lines"); then
	echo "ok: $profile parses with the plugin's lines ($(grep -c '^ *[^# ]' "$lines") rules)"
else
	echo "FAIL: $profile with $lines:"; echo "$out"; fail=1
fi
# and they are in the expanded profile (the include was followed)
if "$parser" -p --base "$work/apparmor.d" "$work/apparmor.d/$profile" 2>/dev/null |
	grep -qF '@{PROC}/@{pid}/net/ip_tables_names r,'; then
	echo "ok: the expanded profile contains the plugin's lines"
else
	echo "FAIL: the plugin's lines are not in the expanded profile"; fail=1
fi

# 2. a broken copy must be rejected
sed 's/^  capability net_raw,/  capability net_rawx,/' "$lines" >"$work/broken"
cmp -s "$lines" "$work/broken" && { echo "FAIL: could not break a copy of $lines"; fail=1; }
if out=$(parse "$work/broken"); then
	echo "FAIL: a broken copy of the lines (an unknown capability) was accepted"; fail=1
else
	echo "ok: a broken copy is rejected: $(echo "$out" | tail -n 1)"
fi

# 3. the include line stays harmless once the package is removed
if out=$(parse "$work/absent"); then
	echo "ok: the include line is harmless when the lines are absent"
else
	echo "FAIL: the include line breaks the profile when the lines are absent:"; echo "$out"; fail=1
fi
# 4. every file under /proc the plugin's sources name has its line (so a new
# reader cannot go unnoticed); the query socket's chmod through
# /proc/self/fd is checked on the socket's own path
src=$here/../../plugin
if [ -d "$src" ]; then
	missing=""
	for p in $(grep -rhoE '"/proc/[^"%]*' "$src" --include='*.c' | tr -d '"' | sort -u); do
		case $p in
		/proc/self/fd/) continue ;;
		/proc/sys/) rule='@{PROC}/sys/net/** r,'
			# sysctls are read by name below /proc/sys: net/ only
			other=$(grep -rhoE '"(abi|crypto|debug|dev|fs|kernel|user|vm)/[^"]*"' "$src" --include='*.c' | sort -u | tr '\n' ' ' || true)
			[ -z "$other" ] || missing="$missing sysctls-outside-net:$other" ;;
		/proc/net/*) rule="@{PROC}/@{pid}/net/${p#/proc/net/} r," ;;
		*) rule="@{PROC}/${p#/proc/}" ;;
		esac
		grep -qF "  $rule" "$lines" || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		echo "ok: every /proc file the plugin's sources name has its line"
	else
		echo "FAIL: no line in $lines for:$missing"; fail=1
	fi
fi
exit $fail
