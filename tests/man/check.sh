#!/bin/bash
# make check: the man pages render without a warning (man --warnings, groff
# -ww), dataplane-check(8) names every option of `dataplane-check --help`
# and of the CLI's getopt table, dataplane-check.conf(5) every option of
# conf/dataplane-check.opt; then the same checks on broken copies, which must
# fail. Env (make check sets them): MAN_PAGES, DPC_CLI, OPT_FILE, srcdir.
set -u
SRC=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
MAN8= MAN5=
for p in ${MAN_PAGES:-}; do
	case $p in *.8) MAN8=$p ;; *.5) MAN5=$p ;; esac
done
CLI=${DPC_CLI:-}
OPT=${OPT_FILE:-$SRC/conf/dataplane-check.opt}
rc=0
fail() { echo "FAIL $*"; rc=1; }
for f in "$MAN8" "$MAN5"; do
	[ -n "$f" ] && [ -f "$f" ] || { echo "FAIL man page '$f' missing (MAN_PAGES='${MAN_PAGES:-}'; make builds them)"; exit 1; }
done
[ -x "$CLI" ] || { echo "FAIL DPC_CLI='$CLI' is not the built client"; exit 1; }
command -v man >/dev/null && command -v groff >/dev/null ||
	{ echo "FAIL man or groff missing (./bootstrap installs man-db and groff-base)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# render PAGE [WIDTH]: the text as man shows it; warnings of man and groff
# in $tmp/warn (empty if none)
render() {
	: >"$tmp/warn"
	LC_ALL=C.UTF-8 MANWIDTH=${2:-80} MAN_KEEP_FORMATTING= man --warnings=w -E UTF-8 -l "$1" \
		2>>"$tmp/warn" | col -b
	LC_ALL=C.UTF-8 groff -ww -z -t -man -K utf8 "$1" 2>>"$tmp/warn"
}
# check_warnings PAGE: renders without a warning
check_warnings() {
	local n
	render "$1" >"$tmp/text"
	if [ -s "$tmp/warn" ]; then
		fail "$(basename "$1"): warnings: $(head -n 5 "$tmp/warn" | tr '\n' '|')"
		return 1
	fi
	if grep -qE '@[A-Z_]+@' "$1" "$tmp/text"; then
		fail "$(basename "$1"): placeholders left: $(grep -ohE '@[A-Z_]+@' "$1" | sort -u | tr '\n' ' ')"
		return 1
	fi
	n=$(grep -c . "$tmp/text")
	[ "$n" -gt 20 ] || { fail "$(basename "$1"): only $n lines rendered"; return 1; }
	echo "ok: $(basename "$1") renders without warnings ($n lines)"
}
# the options the CLI has: those --help shows and those getopt knows
cli_options() {
	"$CLI" --help | grep -oE -- '(^|[ ,])--?[a-z][a-z-]*' | sed 's/^[ ,]*//'
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*, NULL, .*/--\1/p' "$SRC/cli/dataplane-check.c"
	sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$SRC/cli/dataplane-check.c" |
		tr -d ':' | fold -w1 | sed 's/^/-/'
}
# check_cli_options PAGE: every option of the CLI appears in the page's text
check_cli_options() {
	local o missing="" n=0
	# wide: no option broken across lines
	render "$1" 2000 >"$tmp/text"
	for o in $(cli_options | sort -u); do
		n=$((n + 1))
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$tmp/text" || missing="$missing $o"
	done
	[ "$n" -ge 20 ] || { fail "only $n CLI options found in --help and the source"; return 1; }
	if [ -n "$missing" ]; then
		fail "$(basename "$1") lacks CLI options:$missing"
		return 1
	fi
	echo "ok: $(basename "$1") names all $n options of the CLI (--help and getopt)"
}
# check_conf_options PAGE: every option of the .opt file has its entry
check_conf_options() {
	local o missing="" n=0
	for o in $(sed -n 's/^\(charon\.plugins\.dataplane-check\.[a-z_]*\).*/\1/p' "$OPT"); do
		n=$((n + 1))
		grep -qF ".BR $o \"" "$1" || missing="$missing $o"
	done
	[ "$n" -ge 10 ] || { fail "only $n options found in $OPT"; return 1; }
	if [ -n "$missing" ]; then
		fail "$(basename "$1") lacks settings:$missing"
		return 1
	fi
	echo "ok: $(basename "$1") describes all $n settings of $(basename "$OPT")"
}
# check_sections PAGE SECTION...: the page has these sections
check_sections() {
	local page=$1 s missing=""; shift
	for s in "$@"; do
		grep -qE "^\.SH \"?$s\"?\$" "$page" || missing="$missing '$s'"
	done
	[ -z "$missing" ] && echo "ok: $(basename "$page") has sections $*" ||
		{ fail "$(basename "$page") lacks sections$missing"; return 1; }
}

check_warnings "$MAN8"
check_warnings "$MAN5"
check_cli_options "$MAN8"
check_conf_options "$MAN5"
check_sections "$MAN8" NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"
check_sections "$MAN5" NAME DESCRIPTION SETTINGS FILES "SEE ALSO"

# the checks must be able to fail: broken copies
must_fail() { # what check page
	if ( "$2" "$3" ) >"$tmp/self.out" 2>&1; then
		fail "the checks accept $1"
	else
		echo "ok: rejects $1"
	fi
}
sed '/icmp\\-type/d' "$MAN8" >"$tmp/noicmp.8"
must_fail "dataplane-check.8 without --icmp-type" check_cli_options "$tmp/noicmp.8"
sed 's/^\.TP$/.TQX/' "$MAN8" >"$tmp/macro.8"
must_fail "dataplane-check.8 with an unknown macro" check_warnings "$tmp/macro.8"
sed 's/^\.SH EXAMPLES$/.SH EXAMPLES \\*[nosuchstring]/' "$MAN8" >"$tmp/string.8"
must_fail "dataplane-check.8 using an undefined string" check_warnings "$tmp/string.8"
sed '1s/ [0-9][0-9.]* / @VERSION@ /' "$MAN8" >"$tmp/version.8"
must_fail "dataplane-check.8 with a placeholder left" check_warnings "$tmp/version.8"
grep -v 'dataplane-check\.socket_rate "' "$MAN5" >"$tmp/norate.5"
must_fail "dataplane-check.conf.5 without socket_rate" check_conf_options "$tmp/norate.5"
exit $rc
