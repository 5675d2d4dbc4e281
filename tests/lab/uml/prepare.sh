#!/bin/bash
# prepare.sh -- one-time host-side preparation of the UML tier. Installs
# nothing and changes no dpkg state: the two Debian packages are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into $UML_HOME.
#   UML_HOME (default ${TMPDIR:-/tmp}/dpc-uml; no spaces) gets:
#     sysroot/    user-mode-linux .deb unpacked (linux.uml + modules)
#     sysroot/lib/modules/<kver> -> ../../usr/lib/uml/modules/<kver> (for modprobe -d)
#     kmod/       kmod .deb unpacked (modprobe inside UML; needs the host's libkmod2)
#     bin/        modprobe/insmod/lsmod/rmmod/modinfo -> ../kmod/bin/kmod
#     xstate-shim.so  LD_PRELOAD fix for "ptrace set fp regs failed, errno = 14"
# Needs: apt-get (download only, a reachable Debian mirror the first time),
# dpkg-deb, gcc. Idempotent; ~0.1 s when everything is in place.
# Exit 0 prepared, 1 not (the reason on stderr).
set -euo pipefail
UML_HOME=${UML_HOME:-${TMPDIR:-/tmp}/dpc-uml}
HERE=$(cd "$(dirname "$0")" && pwd)
case $UML_HOME in *[[:space:]]*) echo "prepare.sh: UML_HOME must not contain spaces" >&2; exit 1;; esac
for b in apt-get dpkg-deb gcc; do
	command -v "$b" >/dev/null || { echo "prepare.sh: missing $b" >&2; exit 1; }
done
mkdir -p "$UML_HOME"/{sysroot,kmod,bin}
cd "$UML_HOME"
# one preparation at a time (runs from several checkouts share UML_HOME)
exec {lock}>.prepare.lock
flock "$lock"
fetch() { # package
	ls "$1"_*.deb >/dev/null 2>&1 && return 0
	# (as root apt wants to drop to _apt, which cannot write here: harmless
	# warning; download as root instead)
	apt-get -q -o APT::Sandbox::User=root download "$1" >download-"$1".log 2>&1 ||
		{ cat download-"$1".log >&2; echo "prepare.sh: apt-get download $1 failed" >&2; return 1; }
}
fetch user-mode-linux
fetch kmod
[ -x sysroot/usr/bin/linux.uml ] || dpkg-deb -x user-mode-linux_*.deb sysroot
[ -x kmod/bin/kmod ]             || dpkg-deb -x kmod_*.deb kmod
kmod/bin/kmod --version >/dev/null 2>&1 || { echo "prepare.sh: the unpacked kmod does not run here" >&2; exit 1; }
KVER=$(ls sysroot/usr/lib/uml/modules | head -n 1)
[ -n "$KVER" ] || { echo "prepare.sh: no modules in the user-mode-linux package" >&2; exit 1; }
mkdir -p sysroot/lib/modules
ln -sfn "../../usr/lib/uml/modules/$KVER" "sysroot/lib/modules/$KVER"
for t in modprobe insmod lsmod rmmod modinfo; do ln -sfn ../kmod/bin/kmod "bin/$t"; done
if [ ! -f xstate-shim.so ] || [ "$HERE/xstate-shim.c" -nt xstate-shim.so ]; then
	gcc -O2 -Wall -shared -fPIC -o xstate-shim.so.tmp "$HERE/xstate-shim.c" -ldl
	mv xstate-shim.so.tmp xstate-shim.so
fi
echo "prepared $UML_HOME (UML kernel $KVER)"
