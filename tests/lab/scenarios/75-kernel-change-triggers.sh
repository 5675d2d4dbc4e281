#!/bin/bash
# exclusive: it measures time (detection latency), so it runs alone (DPC_LAB_JOBS)
# Kernel changes are reported within seconds with the default interval (30 s):
# each kind of change the plugin watches, made at a moment unrelated to the
# round grid, is reported (log line) within 5 s of the command and resolved
# within 5 s of undoing it; the latency of each is printed.
#   route deleted   gwB: the table-220 route into the tunnel  -> route-missing
#   ip rule added   gwA: LAN traffic to table 100 (default via wan)
#                                                     -> route-policy-table
#   address removed gwB: the LAN address (its connected route goes with it)
#                                                     -> inbound-undeliverable
#   link down       gwB: lan                          -> inbound-undeliverable
#   nft rule added  gwA: forward iifname ipsec0 drop  -> filter-blocks-forward
# Then a route for a prefix no tunnel uses (203.0.113.0/24) on gwA: a round
# runs and checks no tunnel (status: rechecked_last 0, changes_unmatched +1).
# timeout: 200
. "$(dirname "$0")/../lib.sh"

LAT_MAX=5
LATENCIES=""

lab_up DPC_EXTRA='interval = 30s
			settle = 2s' || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected 40
wait_for_finding gwB nat-detected 40
assert_ping hostA "$HOSTB_IP"
[ "$(dpc_json gwA | jq -r '.triggers.watch_kernel')" = yes ] &&
	ok "gwA watches the kernel (status: triggers.watch_kernel = yes)" ||
	fail "gwA's status does not say watch_kernel = yes"

# lines of GW's log for CODE: appearances (appear) or resolutions (resolve)
ev_count() { # gw code appear|resolve
	if [ "$3" = appear ]; then
		log_lines "$1" "$2" | wc -l
	else
		grep -a 'dataplane-check: resolved' "$(lab_log "$1")" 2>/dev/null |
			grep -acE "(^|[[:space:]])$2([[:space:]]|$)"
	fi
}

# run a command, then wait for GW to log CODE's event; print and check the
# latency from the command to the log line
detect() { # label gw code appear|resolve command...
	local label=$1 gw=$2 code=$3 ev=$4 before t0 t n did
	shift 4
	[ "$ev" = appear ] && did=appeared || did=resolved
	before=$(ev_count "$gw" "$code" "$ev")
	t0=$(lab_now)
	"$@" || { fail "$label: '$*' failed"; return 1; }
	while :; do
		n=$(ev_count "$gw" "$code" "$ev")
		t=$(awk -v a="$t0" -v b="$(lab_now)" 'BEGIN{printf "%.2f", b-a}')
		[ "$n" -gt "$before" ] && break
		if awk -v t="$t" 'BEGIN{exit !(t >= 15)}'; then
			fail "$label: $code not $did on $gw within 15 s"
			return 1
		fi
		sleep 0.05
	done
	LATENCIES="$LATENCIES $t"
	if awk -v t="$t" -v m="$LAT_MAX" 'BEGIN{exit !(t <= m)}'; then
		ok "$label: $code $did on $gw after ${t} s (<= ${LAT_MAX} s)"
	else
		fail "$label: $code $did on $gw after ${t} s (> ${LAT_MAX} s)"
	fi
}

# quiet: no round pending (the settle delay after the last change passed)
quiet() { sleep 3; }

# --- route deleted
saved=$(lab_exec gwB ip route show table 220 "$NET_A" | head -n1)
note "gwB table 220: $saved"
detect "route deleted" gwB route-missing appear \
	lab_exec gwB ip route del "$NET_A" table 220
detect "route restored" gwB route-missing resolve \
	lab_exec gwB ip route add $saved table 220
quiet

# --- ip rule added
lab_exec gwA ip route add default via "$NAT_IN_IP" dev wan table 100
quiet
detect "ip rule added" gwA route-policy-table appear \
	lab_exec gwA ip rule add from "$NET_A" iif lan lookup 100 priority 100
detect "ip rule deleted" gwA route-policy-table resolve \
	lab_exec gwA ip rule del priority 100
quiet

# --- address removed (routes using it as source go with it: put the
# table-220 route back with the address)
detect "address removed" gwB inbound-undeliverable appear \
	lab_exec gwB ip addr del "$GWB_LAN_IP/24" dev lan
lab_exec gwB ip addr add "$GWB_LAN_IP/24" dev lan
lab_exec gwB ip route replace $saved table 220
wait_for_resolved gwB inbound-undeliverable 10
has_finding gwB route-missing && wait_for_resolved gwB route-missing 10
quiet

# --- link down
detect "link down" gwB inbound-undeliverable appear \
	lab_exec gwB ip link set lan down
detect "link up" gwB inbound-undeliverable resolve \
	lab_exec gwB ip link set lan up
quiet

# --- nft rule added
nft_add() {
	nft_load gwA <<'NFT'
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "ipsec0" counter drop
	}
}
NFT
}
detect "nft rule added" gwA filter-blocks-forward appear nft_add
detect "nft table deleted" gwA filter-blocks-forward resolve \
	lab_exec gwA nft delete table inet filter
quiet

assert_ping hostA "$HOSTB_IP"

# --- a change no tunnel depends on
trig() { dpc_json gwA | jq -r ".triggers.$1"; }
for try in 1 2 3; do
	inc0=$(trig rounds_incremental); full0=$(trig rounds_full)
	unm0=$(trig changes_unmatched)
	t0=$(lab_now)
	lab_exec gwA ip route add 203.0.113.0/24 via "$NAT_IN_IP" dev wan
	while [ "$(trig rounds_incremental)" = "$inc0" ] &&
		awk -v a="$t0" -v b="$(lab_now)" 'BEGIN{exit !(b-a < 10)}'; do
		sleep 0.2
	done
	inc1=$(trig rounds_incremental); full1=$(trig rounds_full)
	re=$(trig rechecked_last); unm1=$(trig changes_unmatched)
	lab_exec gwA ip route del 203.0.113.0/24
	[ "$full1" = "$full0" ] && break
	note "a full round ran meanwhile (try $try), again"
	quiet
done
note "gwA status: rounds_incremental $inc0 -> $inc1, rechecked_last $re, changes_unmatched $unm0 -> $unm1"
[ "$inc1" -gt "$inc0" ] 2>/dev/null &&
	ok "the unrelated route triggered an incremental round" ||
	fail "no incremental round after the unrelated route"
[ "$re" = 0 ] && ok "it re-checked no tunnel" || fail "it re-checked $re tunnels"
[ "$unm1" -gt "$unm0" ] 2>/dev/null && ok "changes_unmatched counted it" ||
	fail "changes_unmatched did not grow ($unm0 -> $unm1)"
note "gwA: $(timeout 10 "$DPC_CLI" --uri "$(lab_dpc_uri gwA)" | sed -n 2,3p | tr '\n' ' ')"

lat=$(echo $LATENCIES | tr ' ' '\n' | sort -n)
note "detection latencies (s):$LATENCIES"
note "median $(echo "$lat" | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}') s, max $(echo "$lat" | tail -n1) s over $(echo "$lat" | wc -l) changes"
for code in route-missing route-policy-table inbound-undeliverable filter-blocks-forward; do
	[ "$(json_count gwA "$code")$(json_count gwB "$code")" = 00 ] ||
		fail "$code still active at the end"
done
finish
