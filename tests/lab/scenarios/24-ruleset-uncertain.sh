#!/bin/bash
# gwB's forward chain decides on things a synthetic packet cannot answer:
#   limit rate 1/minute accept; drop
# ruleset-uncertain (info) on gwB's CHILD_SA naming the expression and the
# rule, for both directions; no filter-blocks-forward (the simulator must not
# claim a verdict it cannot judge); nothing on gwA. The verdict really depends
# on the packet: of 10 pings only the first few (the limit's burst) pass.
# Then an rpfilter-style rule, `fib saddr . iif oif missing drop`, which the
# kernel answers from its FIB: still uncertain for the plugin, now naming the
# fib expression, and the pings pass.
. "$(dirname "$0")/../lib.sh"

forward() { # rules
	nft_load gwB <<-EOF
		flush ruleset
		table inet filter {
			chain forward {
				type filter hook forward priority filter; policy accept;
				$1
			}
		}
	EOF
}
# wait until the active ruleset-uncertain findings of GW mention TEXT in
# both directions
wait_uncertain() { # gw text
	local t0 n
	t0=$(lab_now)
	while :; do
		n=$(dpc_json "$1" | jq -r --arg t "$2" "$JQ_ALL | map(select(.code == \"ruleset-uncertain\" and (.message | contains(\$t)))) | length" 2>/dev/null)
		if [ "${n:-0}" -ge 2 ]; then ok "$1: ruleset-uncertain names '$2' ($n findings)"; return 0; fi
		if awk -v a="$t0" -v b="$(lab_now)" 'BEGIN{exit !(b-a >= 20)}'; then
			fail "$1: no ruleset-uncertain naming '$2' for both directions within 20s (${n:-?})"; return 1
		fi
		sleep 0.5
	done
}

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected

forward 'limit rate 1/minute accept
		drop' || finish
note "gwB forward: limit rate 1/minute accept; drop"
wait_for_finding gwB ruleset-uncertain
assert_severity gwB ruleset-uncertain info
note "gwB ruleset-uncertain: $(finding_text gwB ruleset-uncertain)"
wait_uncertain gwB 'limit rate 1/minute'
rules=$(finding_evidence gwB ruleset-uncertain rule | sort -u)
case $rules in
'inet filter forward handle '[0-9]*) ok "names the rule: $rules" ;;
*) fail "evidence rule: '$rules'" ;;
esac
for d in inbound outbound; do
	log_lines gwB ruleset-uncertain | grep -q "$d tunnel traffic in forward .*limit rate 1/minute" &&
		ok "log line for $d traffic names the limit" || fail "no log line for $d traffic naming the limit"
done
assert_no_finding gwB filter-blocks-forward
assert_no_finding gwA ruleset-uncertain
n=$(lab_exec hostA ping -c 10 -i 0.2 -W 1 "$HOSTB_IP" 2>/dev/null | sed -n 's/.* \([0-9]*\) received.*/\1/p')
[ "${n:-0}" -gt 0 ] && [ "${n:-0}" -lt 10 ] && ok "hostA -> hostB: $n/10 pings pass the limit, the rest are dropped" ||
	fail "hostA -> hostB: ${n:-0}/10 pings answered, want some but not all"

forward 'fib saddr . iif oif missing drop' || finish
note "gwB forward: fib saddr . iif oif missing drop"
wait_uncertain gwB 'fib saddr . iif oif missing'
assert_no_finding gwB filter-blocks-forward
assert_ping hostA "$HOSTB_IP"
assert_ping hostB "$HOSTA_IP"
finish
