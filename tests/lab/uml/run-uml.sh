#!/bin/bash
# run-uml.sh INIT_SCRIPT [extra kernel args...]
# Boots Debian's UML kernel with the HOST filesystem as a READ-ONLY hostfs root
# and runs INIT_SCRIPT (a host path) as PID 1. Console (kernel + init output)
# goes to stdout, with CRLF line ends. The exit status is linux.uml's (0 after
# a poweroff, whatever the init did), or timeout's 124.
# Env: UML_HOME  prepared by prepare.sh (default ${TMPDIR:-/tmp}/dpc-uml)
#      UML_OUT   the only host dir writable from inside, seen there as /mnt/out
#                (default $UML_HOME/out)
#      UML_MEM (512M), UML_TIMEOUT (300 s),
#      UML_TMPDIR  where UML puts the file backing its RAM; must allow
#                  PROT_EXEC mmap and hold UML_MEM (default /dev/shm)
# UML_HOME, UML_OUT and INIT_SCRIPT must not contain spaces (kernel command line).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
UML_HOME=${UML_HOME:-${TMPDIR:-/tmp}/dpc-uml}
UML_MEM=${UML_MEM:-512M}
UML_OUT=${UML_OUT:-$UML_HOME/out}
[ $# -ge 1 ] || { echo "usage: $0 INIT_SCRIPT [kernel args...]" >&2; exit 2; }
[ -x "$UML_HOME/sysroot/usr/bin/linux.uml" ] && [ -f "$UML_HOME/xstate-shim.so" ] ||
	{ echo "run-uml.sh: $UML_HOME is not prepared; run $HERE/prepare.sh first" >&2; exit 2; }
mkdir -p "$UML_OUT"
UML_HOME=$(cd "$UML_HOME" && pwd)
UML_OUT=$(cd "$UML_OUT" && pwd)
INIT=$(readlink -f "$1"); shift
[ -x "$INIT" ] || { echo "run-uml.sh: $INIT is not an executable file" >&2; exit 2; }
# stdin </dev/null, stdout through a pipe: UML's fd console wants epoll-able
# fds ("epollctl add err fd 1, Operation not permitted" with a plain file).
TMPDIR=${UML_TMPDIR:-/dev/shm} LD_PRELOAD="$UML_HOME/xstate-shim.so" timeout "${UML_TIMEOUT:-300}" \
  "$UML_HOME/sysroot/usr/bin/linux.uml" \
  mem="$UML_MEM" rootfstype=hostfs rootflags=/ ro \
  con=null con0=null,fd:1 ssl=null \
  init="$INIT" UML_HOME="$UML_HOME" UML_OUT="$UML_OUT" "$@" </dev/null 2>&1 | cat
exit "${PIPESTATUS[0]}"
