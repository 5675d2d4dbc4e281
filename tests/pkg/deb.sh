#!/bin/bash
# The Debian package end to end (root; make check-deb, .ci/run):
#  1. make deb builds dataplane-check_<version>_<arch>.deb and writes nothing
#     into the source or build tree
#  2. lintian finds no error; the dependencies are pinned to the installed
#     strongSwan; the files and the conffile are where the README says
#  3. dpkg -i installs it and says to restart strongSwan; its AppArmor lines
#     parse inside Debian's profile for charon (tests/pkg/apparmor.sh)
#  4. the system's charon, started in a scratch network namespace with a
#     private /run and the package's strongswan.d snippet, loads the plugin
#     from the package and the installed dataplane-check answers on the
#     plugin's default socket
#  5. dpkg -r removes every file it installed but the conffile, dpkg -P that
#     too (compared with dpkg -L taken before)
# Refuses to run if the package, or any file it would install, is already on
# the machine; removes what it installed on any exit.
#   MAKE        make to run (make check-deb passes its own)
#   DPC_BUILDDIR the configured build tree (default: the current directory)
#   DEB_BUILD_OPTIONS passed to dpkg-buildpackage (default parallel=<cores>)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
builddir=$(cd "${DPC_BUILDDIR:-.}" && pwd)
MAKE=${MAKE:-make}
# the package build runs its unit tests; on all cores unless told otherwise
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc 2>/dev/null || echo 2)}
PKG=dataplane-check
CHARON=/usr/lib/ipsec/charon
SO=/usr/lib/ipsec/plugins/libstrongswan-dataplane-check.so
CONFFILE=/etc/strongswan.d/charon/dataplane-check.conf
LINES=/usr/share/dataplane-check/apparmor/usr.lib.ipsec.charon

fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
die() { echo "deb.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (dpkg -i, network namespaces)"
for t in dpkg-buildpackage lintian jq nsenter unshare ip; do
	command -v "$t" >/dev/null || die "$t is missing (./bootstrap installs it)"
done
[ -f "$builddir/Makefile" ] || die "$builddir is not a configured build tree"
if dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null | grep -q '^installed\|^unpacked\|^half\|^config'; then
	die "package $PKG is already installed; remove it first (dpkg -P $PKG)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dpc-deb-test.XXXXXX")
chmod 0755 "$work"
ns=dpcdeb$$
charon_pid=""
installed=0
cleanup() {
	local rc=$?
	if [ -n "$charon_pid" ] && kill -0 "$charon_pid" 2>/dev/null; then
		kill -KILL "$charon_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	[ $installed = 1 ] && dpkg_locked -P "$PKG" >/dev/null 2>&1
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT

# dpkg, waiting (up to 5 minutes) while another dpkg or apt holds the lock
dpkg_locked() {
	local i out rc
	for i in $(seq 1 150); do
		rc=0; out=$(dpkg "$@" 2>&1) || rc=$?
		if [ $rc != 0 ] && echo "$out" | grep -q 'lock'; then
			sleep 2; continue
		fi
		echo "$out"; return $rc
	done
	echo "$out"; return $rc
}

# --- 1. build -----------------------------------------------------------------
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -SVersion)
arch=$(dpkg --print-architecture)
deb=$work/out/${PKG}_${version}_${arch}.deb
stamp=$work/stamp
touch "$stamp"
sleep 1
T0=$(date +%s)
if ! "$MAKE" -C "$builddir" -s deb DEB_OUTDIR="$work/out" >"$work/make-deb.log" 2>&1; then
	tail -n 40 "$work/make-deb.log"
	die "make deb failed"
fi
[ -f "$deb" ] || die "make deb did not make $(basename "$deb"): $(ls "$work/out")"
ok "make deb built $(basename "$deb") in $(( $(date +%s) - T0 ))s"
changed=$(find "$top" "$builddir" -newer "$stamp" -not -path '*/.git/*' -print 2>/dev/null | sort -u | head -n 20)
if [ -z "$changed" ]; then
	ok "make deb wrote nothing into $(echo "$top $builddir" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
else
	bad "make deb changed files in the tree:"; echo "$changed" | sed 's/^/    /'
fi

# --- 2. lintian, control, contents --------------------------------------------
if lintian --fail-on error "$deb" "$work/out/${PKG}_${version}_${arch}.changes" >"$work/lintian.out" 2>&1; then
	ok "lintian: no error ($(grep -c '^[WI]:' "$work/lintian.out" || true) warnings/infos)"
else
	bad "lintian reports errors:"
fi
grep -v 'running with root privileges' "$work/lintian.out" | sed 's/^/    /' || true

ssver=$(dpkg-query -W -f='${Version}' strongswan-charon)
depends=$(dpkg-deb -f "$deb" Depends)
for want in "libstrongswan (= $ssver)" "strongswan-libcharon (= $ssver)" "strongswan-charon (= $ssver)"; do
	if echo "$depends" | grep -qF "$want"; then
		ok "Depends: $want"
	else
		bad "Depends lacks '$want': $depends"
	fi
done
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles 2>/dev/null || true)
[ "$conffiles" = "$CONFFILE" ] && ok "conffiles: $CONFFILE" || bad "conffiles: '$conffiles', expected $CONFFILE"
contents=$(dpkg-deb -c "$deb" | awk '{print substr($6, 2)}')
for f in "$SO" /usr/sbin/dataplane-check "$CONFFILE" "$LINES" \
	/usr/share/strongswan/templates/config/plugins/dataplane-check.conf \
	/usr/share/doc/dataplane-check/copyright; do
	echo "$contents" | grep -qx "$f" && ok "contains $f" || bad "does not contain $f"
done
echo "$contents" | grep -q '\.la$' && bad "contains a libtool archive"

# every regular file the package would install must be absent now
for f in $(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print substr($6, 2)}'); do
	[ -e "$f" ] && die "$f exists and is owned by $(dpkg -S "$f" 2>/dev/null || echo no package); refusing to overwrite it"
done

# --- 3. install -------------------------------------------------------------------
installed=1
if out=$(dpkg_locked -i "$deb"); then
	ok "dpkg -i"
else
	echo "$out" | sed 's/^/    /'; die "dpkg -i failed"
fi
echo "$out" | grep -q 'restart strongSwan' && ok "postinst says to restart strongSwan" ||
	bad "postinst does not say to restart strongSwan: $out"
{ echo "$out" | grep -A3 '^dataplane-check:' | sed 's/^/    /'; } || true
dpkg -L "$PKG" | grep -vx '/\.' | sort >"$work/files"
ok "dpkg -L: $(wc -l <"$work/files") paths"

if "$here/apparmor.sh" "$LINES" >"$work/apparmor.out" 2>&1; then
	ok "AppArmor lines as installed ($LINES):"
else
	bad "AppArmor lines as installed ($LINES):"
fi
sed 's/^/    /' "$work/apparmor.out"

# --- 4. charon loads the plugin from the package ------------------------------------
charon=$CHARON
if grep -qF "$CHARON (enforce)" /sys/kernel/security/apparmor/profiles 2>/dev/null; then
	# the profile would deny the scratch configuration and log
	cp "$CHARON" "$work/charon"; charon=$work/charon
	echo "note: AppArmor enforces $CHARON; running an unconfined copy"
fi
cat >"$work/strongswan.conf" <<CONF
# Debian's plugin snippets (the package's among them), as /etc/strongswan.conf
# includes them, with a log file of this test's
charon {
	load_modular = yes
	plugins {
		include /etc/strongswan.d/charon/*.conf
	}
	filelog {
		dpcdeb {
			path = $work/charon.log
			default = 1
			flush_line = yes
		}
	}
}
CONF
ip netns add "$ns"
ip -n "$ns" link set lo up
STRONGSWAN_CONF=$work/strongswan.conf ip netns exec "$ns" unshare --mount --propagation private -- \
	/bin/sh -c 'mount -t tmpfs -o mode=0755,size=4m dpcdeb-run /run || exit 97; exec "$1"' sh "$charon" \
	</dev/null >"$work/charon.stdout" 2>&1 &
charon_pid=$!
in_ns() { nsenter -t "$charon_pid" -m -n "$@"; }
for i in $(seq 1 200); do
	kill -0 "$charon_pid" 2>/dev/null || break
	in_ns test -S /run/charon.dpc 2>/dev/null && break
	sleep 0.1
done
if ! kill -0 "$charon_pid" 2>/dev/null; then
	tail -n 20 "$work/charon.stdout" "$work/charon.log" 2>/dev/null
	die "charon died at start"
fi
loaded=$(grep -m1 'loaded plugins:' "$work/charon.log" || true)
if echo "$loaded" | grep -q 'loaded plugins: .*\bdataplane-check\b'; then
	ok "charon's log: loaded plugins: ... dataplane-check ... ($(echo "$loaded" | sed 's/.*loaded plugins: //' | wc -w) plugins)"
else
	bad "charon's loaded plugins line lacks dataplane-check: '$loaded'"
	tail -n 20 "$work/charon.log" | sed 's/^/    /'
fi
grep -qF "$SO" "/proc/$charon_pid/maps" && ok "charon maps $SO" || bad "charon does not map $SO"
in_ns test -S /run/charon.dpc && ok "the plugin's socket /run/charon.dpc exists (default path)" ||
	bad "no socket at /run/charon.dpc"
if v=$(in_ns /usr/sbin/dataplane-check --version 2>&1); then
	ok "dataplane-check --version: $(echo "$v" | tr '\n' ' ')"
else
	bad "dataplane-check --version failed: $v"
fi
rc=0; status=$(in_ns /usr/sbin/dataplane-check --json 2>&1) || rc=$?
if [ $rc = 0 ] && echo "$status" | jq -e 'has("ike_sas")' >/dev/null 2>&1; then
	ok "dataplane-check --json: status answered (exit 0, $(echo "$status" | jq -c '{ike_sas: (.ike_sas | length), findings: (.findings | length)}'))"
else
	bad "dataplane-check --json: exit $rc: $status"
fi
{ grep 'dataplane-check' "$work/charon.log" | grep -v 'loaded plugins' | head -n 5 | sed 's/^/    log: /'; } || true
kill -TERM "$charon_pid"
for i in $(seq 1 100); do kill -0 "$charon_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$charon_pid" 2>/dev/null && bad "charon did not stop within 10s of SIGTERM"
wait "$charon_pid" 2>/dev/null || true
charon_pid=""
ip netns del "$ns"

# --- 5. remove and purge ----------------------------------------------------------
out=$(dpkg_locked -r "$PKG") || { echo "$out"; die "dpkg -r failed"; }
left=""
while read -r f; do
	[ -d "$f" ] && continue
	[ "$f" = "$CONFFILE" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$work/files"
[ -z "$left" ] && ok "dpkg -r removed every file but the conffile" || bad "left after dpkg -r:$left"
[ -f "$CONFFILE" ] && ok "dpkg -r kept the conffile $CONFFILE" || bad "dpkg -r removed the conffile"
out=$(dpkg_locked -P "$PKG") || { echo "$out"; die "dpkg -P failed"; }
installed=0
left=""
while read -r f; do
	if [ -d "$f" ]; then
		# a directory may stay if another package owns it
		dpkg-query -S "$f" >/dev/null 2>&1 || left="$left $f/"
	elif [ -e "$f" ] || [ -L "$f" ]; then
		left="$left $f"
	fi
done <"$work/files"
[ -z "$left" ] && ok "dpkg -P removed all $(wc -l <"$work/files") paths (directories of other packages stay)" ||
	bad "left after dpkg -P:$left"
st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null || true)
case $st in ""|"un "*|"n "*|"pn "*) ok "the package is gone (status '${st:-none}')" ;; *) bad "status after purge: $st" ;; esac

echo
if [ $fails = 0 ]; then
	echo "deb.sh: PASS"
else
	echo "deb.sh: FAIL ($fails)"
	exit 1
fi
