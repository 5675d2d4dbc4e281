#!/bin/bash
# run-in-uml.sh SCRIPT [ARGS...]
# Boot UML (host / as read-only root), set it up (mounts, XFRM/ESP/crypto/
# iptables modules), run the host script SCRIPT with ARGS inside it, stream its
# output (and the console) to stdout, and exit with SCRIPT's exit status.
#
# Inside UML the script gets: cwd = the caller's cwd (if visible), UML_DIR =
# this directory (so ". \"$UML_DIR/topology.sh\"" gives the two-gateway
# topology), LAB_OUT=/mnt/out = the writable host dir $UML_OUT, and these
# variables from the caller's environment: every LAB_*, GWA_*, GWB_*, DPC_*
# variable, UML_MODULES (modules loaded before the script; see uml-common.sh),
# plus the names listed in UML_PASS_ENV (space separated). Host paths the
# script uses must go through uml_hostpath (/tmp, /run, ... are tmpfs inside).
#
# Env: UML_OUT   writable host dir for this run (default: a new
#                $UML_HOME/runs/run.XXXXXX); it receives console.txt, rc and
#                whatever the script writes to $LAB_OUT
#      UML_HOME  as prepared by prepare.sh (default ${TMPDIR:-/tmp}/dpc-uml)
#      UML_MEM (512M), UML_TIMEOUT (300 s), UML_TMPDIR (/dev/shm): see run-uml.sh
#      UML_KARGS extra kernel arguments (default "quiet loglevel=3": only
#                kernel messages of level crit and above; "" shows the boot log)
# Exit: the script's status; 124 if UML ran past UML_TIMEOUT; 125 if no status
#       was written (UML crashed or the script never finished).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 SCRIPT [ARGS...]" >&2; exit 2; }
SCRIPT=$(readlink -f "$1"); shift
[ -f "$SCRIPT" ] || { echo "run-in-uml.sh: no such script: $SCRIPT" >&2; exit 2; }
UML_HOME=${UML_HOME:-${TMPDIR:-/tmp}/dpc-uml}
export UML_HOME
if [ -z "${UML_OUT:-}" ]; then
	mkdir -p "$UML_HOME/runs" && UML_OUT=$(mktemp -d "$UML_HOME/runs/run.XXXXXX") || exit 2
fi
mkdir -p "$UML_OUT" && UML_OUT=$(cd "$UML_OUT" && pwd) || exit 2
export UML_OUT
rm -f "$UML_OUT/rc"
# relative host paths would not survive the change of root
[ -z "${LAB_PRELOAD:-}" ] || case $LAB_PRELOAD in /*) ;; *) LAB_PRELOAD=$PWD/$LAB_PRELOAD;; esac
[ -z "${DPC_PLUGIN:-}" ] || case $DPC_PLUGIN in /*) ;; *) DPC_PLUGIN=$PWD/$DPC_PLUGIN;; esac
case ${DPC_CLI:-} in ""|/*) ;; */*) DPC_CLI=$PWD/$DPC_CLI;; *) DPC_CLI=$(command -v "$DPC_CLI" || echo "$DPC_CLI");; esac

# command line and environment for init-run.sh (bash-quoted, read inside UML)
printf '%q ' "$SCRIPT" "$@" >"$UML_OUT/.cmd"
{
	for v in $({ compgen -e; printf '%s\n' ${UML_PASS_ENV:-}; } | sort -u); do
		case $v in LAB_*|GWA_*|GWB_*|DPC_*|UML_MODULES) ;; *) [[ " ${UML_PASS_ENV:-} " == *" $v "* ]] || continue;; esac
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'export UML_CWD=%q\n' "$PWD"
} >"$UML_OUT/.env"

echo "run-in-uml.sh: $SCRIPT $* (out dir $UML_OUT)" >&2
# the console ends lines with \r\n; strip the \r while streaming
"$HERE/run-uml.sh" "$HERE/init-run.sh" ${UML_KARGS-quiet loglevel=3} | sed -u 's/\r$//' | tee "$UML_OUT/console.txt"
uml_rc=${PIPESTATUS[0]}
if [ -s "$UML_OUT/rc" ]; then
	rc=$(cat "$UML_OUT/rc")
elif [ "$uml_rc" = 124 ]; then
	echo "run-in-uml.sh: UML ran past UML_TIMEOUT=${UML_TIMEOUT:-300}s" >&2; rc=124
else
	echo "run-in-uml.sh: no exit status written (UML rc $uml_rc); see $UML_OUT/console.txt" >&2; rc=125
fi
echo "run-in-uml.sh: exit status $rc (out dir $UML_OUT)" >&2
exit "$rc"
