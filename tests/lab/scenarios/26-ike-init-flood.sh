#!/bin/bash
# exclusive: it measures time or memory, so it runs alone (DPC_LAB_JOBS)
# IKE_SA_INIT flood: 1,024 source addresses (on hostB, routed by gwB) each
# make gwB's charon create a half-open IKE_SA (cookies answered). With the
# plugin, charon's RSS must grow at most 1 MiB more than with the same flood
# at a charon without it, the plugin must make no record for any of them,
# and what it keeps of them (status: records.half_open) must be gone once
# charon dropped them, within charon's half_open_timeout.
# timeout: 300
. "$(dirname "$0")/../lib.sh"

FLOOD=$LAB_SCRATCH/ikeflood
${CC:-cc} -O2 -Wall -o "$FLOOD" "$LAB_DIR/ikeflood.c" || { fail "cannot build ikeflood"; finish; }

SOURCES=1024
HALF_OPEN_TIMEOUT=15	# charon.half_open_timeout, the plugin follows it
SLACK_KB=1024
PLUGIN=$DPC_PLUGIN

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(lab_charon_pid gwB)/status" 2>/dev/null; }
half_open_charon() { lab_swanctl gwB --stats 2>/dev/null | sed -n 's/.*IKE_SAs: .* \([0-9]*\) half-open.*/\1/p'; }
records() { dpc_json gwB | jq -r ".records.$1 // empty" 2>/dev/null; }

# lab_flood PLUGIN: a fresh lab with or without the plugin, the flood at
# gwB; sets GROWTH (peak RSS growth in kB, from before the flood until the
# half-open IKE_SAs are gone plus three rounds)
lab_flood() {
	local with=$1 rss0 rss peak out accepted n t0 tracked= what=plugin
	[ -n "$with" ] || what="no plugin"
	lab_up DPC_PLUGIN="$with" GWB_CHARON_EXTRA="half_open_timeout = $HALF_OPEN_TIMEOUT" ||
		{ fail "lab did not come up (plugin: ${with:-none})"; finish; }
	# the attacker's addresses: 10.20.4.0-10.20.7.255 on hostB, routed by gwB
	for n in $(seq 0 $((SOURCES - 1))); do
		echo "addr add 10.20.$((4 + n / 256)).$((n % 256))/32 dev eth0"
	done | lab_exec hostB ip -batch - || { fail "cannot add addresses"; finish; }
	lab_exec gwB ip route add 10.20.4.0/22 via "$HOSTB_IP"
	if [ -n "$with" ]; then
		wait_for_finding gwB nat-detected
		tracked=$(records tracked)
		[ -n "$tracked" ] || fail "status has no records section"
	fi
	sleep 3	# a few rounds before the baseline
	rss0=$(rss_kb)
	out=$(lab_exec hostB "$FLOOD" "$GWB_WAN_IP" 10.20.4.0 "$SOURCES")
	note "$what: ikeflood: $out"
	accepted=$(echo "$out" | sed -n 's/.* accepted \([0-9]*\).*/\1/p')
	n=$(half_open_charon)
	if [ "${accepted:-0}" -ge 1000 ] && [ "${n:-0}" -ge 1000 ]; then
		ok "charon holds ${n} half-open IKE_SAs from $accepted sources"
	else
		fail "the flood made ${n:-?} half-open IKE_SAs (accepted ${accepted:-?}), want >= 1000"
	fi
	if [ -n "$with" ]; then
		n=$(records half_open)
		[ "${n:-0}" -gt 0 ] && ok "the plugin keeps ${n} IKE_SA_INIT endpoints (bounded map)" ||
			fail "status shows no half-open IKE_SAs during the flood (${n:-none})"
		[ -n "$tracked" ] && [ "$(records tracked)" = "$tracked" ] &&
			ok "no record for an unauthenticated IKE_SA ($tracked records)" ||
			fail "records grew from $tracked to $(records tracked) during the flood"
	fi
	# until charon dropped them all, plus three rounds (interval 2s)
	peak=$rss0
	t0=$(lab_now)
	while [ "$(half_open_charon)" != 0 ]; do
		rss=$(rss_kb); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
		if awk -v a="$t0" -v b="$(lab_now)" -v t=$((HALF_OPEN_TIMEOUT + 20)) 'BEGIN{exit !(b-a >= t)}'; then
			fail "charon still has half-open IKE_SAs $((HALF_OPEN_TIMEOUT + 20))s after the flood"
			break
		fi
		sleep 1
	done
	note "charon dropped the half-open IKE_SAs $(lab_since "$t0")s after the flood"
	if [ -n "$with" ]; then
		# gone with them (destroyed IKE_SAs are forgotten at once; the
		# timeout is the safety net)
		n=$(records half_open)
		[ "$n" = 0 ] && ok "nothing of them left in the plugin (records.half_open 0)" ||
			fail "the plugin still keeps ${n:-?} half-open IKE_SAs after charon dropped them"
		[ -n "$tracked" ] && [ "$(records tracked)" = "$tracked" ] && ok "still $tracked records" ||
			fail "records changed from $tracked to $(records tracked)"
	fi
	for n in 1 2 3 4 5 6; do
		rss=$(rss_kb); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
		sleep 1
	done
	GROWTH=$((peak - rss0))
	note "$what: RSS $rss0 kB before, peak $peak kB, now $(rss_kb) kB: +${GROWTH} kB"
	lab_down
}

lab_flood "$PLUGIN"
with=$GROWTH
lab_flood ""
without=$GROWTH
if [ $((with - without)) -le $SLACK_KB ]; then
	ok "charon grew by ${with} kB with the plugin, ${without} kB without (within ${SLACK_KB} kB)"
else
	fail "charon grew by ${with} kB with the plugin, ${without} kB without: $((with - without)) kB more (at most ${SLACK_KB})"
fi
finish
