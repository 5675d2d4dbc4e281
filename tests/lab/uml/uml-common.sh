# shellcheck shell=bash
# uml-common.sh -- sourced by init-run.sh (runs INSIDE UML as PID 1) and by
# topology.sh. The UML root is the host's / via hostfs, mounted
# READ-ONLY (kernel arg "ro"). Writable after uml_setup: tmpfs on /run /tmp
# /var/tmp /var/lib/strongswan /mnt /dev/shm, and only ONE host directory:
# $UML_OUT, mounted at /mnt/out. The host's / is also mounted read-only at
# /mnt/host, so host files hidden by those tmpfs mounts stay reachable
# (see uml_hostpath).

# This directory, as seen when the file is sourced (before uml_setup, the same
# path as on the host).
UML_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH=/mnt/uml/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Both are passed on the kernel command line by run-uml.sh (host paths).
UML_HOME=${UML_HOME:-${TMPDIR:-/tmp}/dpc-uml}
UML_OUT=${UML_OUT:-$UML_HOME/out}
# Modules for uml_load_modules (one modprobe): XFRM/ESP, the crypto the
# charon configs use and the DRBG behind ESP's IV generators (cryptomgr drbg
# sha512_generic), veth/dummy, IPv6, iptables-legacy NAT, policy and the
# matches the scenarios use. aes, sha1 and sha256 are built in; anything
# else is autoloaded on first use through /proc/sys/kernel/modprobe.
UML_MODULES=${UML_MODULES:-"xfrm_user esp4 veth dummy authenc hmac cbc ctr gcm ghash-generic seqiv echainiv cryptomgr drbg sha512_generic ipv6 iptable_nat iptable_filter xt_MASQUERADE xt_policy xt_tcpudp xt_state xt_conntrack"}

uml_setup() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
	ln -sfn /proc/self/fd /dev/fd; ln -sfn fd/0 /dev/stdin
	ln -sfn fd/1 /dev/stdout; ln -sfn fd/2 /dev/stderr
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	mount -t tmpfs -o mode=755 tmpfs /run          # /var/run -> /run on Debian
	mount -t tmpfs -o mode=755 tmpfs /mnt
	mkdir -p /mnt/uml /mnt/out /mnt/host
	mount -t hostfs -o ro,"$UML_HOME" hostfs /mnt/uml    # UML kernel, modules, kmod
	mount -t hostfs -o "$UML_OUT" hostfs /mnt/out        # results (writable)
	mount -t hostfs -o ro,/ hostfs /mnt/host             # host / again, read-only
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t tmpfs -o mode=1777 tmpfs /var/tmp
	mount -t tmpfs -o mode=755 tmpfs /var/lib/strongswan 2>/dev/null
	# kernel module autoloading (request_module) via kmod with -d. Each
	# modprobe costs ~0.3-0.5 s in UML and the first ESP SA alone asks for
	# 17 names, so names no module can have fail at once: template
	# instances such as crypto-rfc4106(gcm(aes)) (the templates themselves
	# are in UML_MODULES) and the crypto-NAME-all fallbacks (a module
	# declares NAME and NAME-all together). Not jitterentropy_rng either:
	# the DRBG of the first ESP SA would load it, and it spends ~10 s of UML
	# time before it fails ("host not compliant with requirements"); the
	# DRBG then goes on without it, as it does at once when it is missing.
	cat >/run/modprobe <<-'END'
		#!/bin/sh
		case " $* " in
		*" crypto-"*"("*|*" crypto-"*"-all "*|*jitterentropy*) exit 1;;
		esac
		exec /mnt/uml/bin/modprobe -d /mnt/uml/sysroot "$@"
	END
	chmod +x /run/modprobe
	# no IPv6 on any interface of any namespace (IPv6 link-local events
	# make charon start roam jobs); the stack itself stays usable
	mkdir -p /run/modprobe.d
	echo "options ipv6 disable_ipv6=1" >/run/modprobe.d/dpc-uml.conf
	echo /run/modprobe > /proc/sys/kernel/modprobe
	hostname uml
	ip link set lo up
	UML_DIR=$(uml_hostpath "$UML_DIR")
}

# uml_hostpath PATH: a path under which the host file PATH (absolute) can be
# read inside UML after uml_setup. Host paths under the directories that
# uml_setup covers with tmpfs (/tmp, /run, ...) are only visible via /mnt/host.
uml_hostpath() {
	case $1 in
	/tmp|/tmp/*|/var/tmp|/var/tmp/*|/run|/run/*|/var/run|/var/run/*|/mnt|/mnt/*|/dev/shm|/dev/shm/*|/var/lib/strongswan|/var/lib/strongswan/*)
		echo "/mnt/host$1" ;;
	*)	echo "$1" ;;
	esac
}

uml_modprobe() {
	local m
	for m in "$@"; do
		modprobe -d /mnt/uml/sysroot "$m" || echo "modprobe $m FAILED"
	done
}

# one modprobe for all of them (every process start costs ~50 ms in UML)
uml_load_modules() {
	[ -n "$UML_MODULES" ] || return 0
	modprobe -d /mnt/uml/sysroot -a $UML_MODULES || echo "modprobe -a $UML_MODULES FAILED"
}

uml_uptime() { cut -d' ' -f1 /proc/uptime; }

uml_poweroff() {
	sync
	echo "UML-INIT: poweroff at uptime $(uml_uptime)"
	# (poweroff's "Failed to write wtmp record ... Read-only file system" is harmless)
	poweroff -f >/dev/null 2>&1
}
