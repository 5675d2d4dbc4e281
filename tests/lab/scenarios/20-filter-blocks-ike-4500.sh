#!/bin/bash
# gwB's INPUT lets IKE in on UDP 500 but drops NAT-T on 4500, which this
# tunnel uses (the NAT router sits between the gateways):
#   ct state established,related accept; udp dport 500 accept; udp dport 4500 drop
# First the same ruleset with 4500 accepted: silent, pings work (and gwB's
# conntrack now tracks the NAT-T flow: a netns tracks nothing before a rule
# needs conntrack, and a UDP flow first seen mid-stream is "new", so loading
# the dropping ruleset first would cut the running tunnel at once).
# Then 4500 dropped: filter-blocks-ike (error) on gwB naming UDP 4500 and the
# rule, nothing on gwA. The running tunnel lives on its conntrack entry; a new
# one does not: gwB's UDP conntrack timeouts are lowered (a per-namespace
# sysctl) so the old NAT-T flow expires right after gwA terminates, as it
# would after an idle period or a reboot; gwA's re-initiate then fails
# (IKE_SA_INIT on 500 passes, IKE_AUTH on 4500 is dropped: the rule's counter
# grows). With 4500 accepted again the re-initiate works, the finding is gone.
. "$(dirname "$0")/../lib.sh"

ruleset() { # verdict for udp dport 4500
	nft_load gwB <<-EOF
		flush ruleset
		table inet filter {
			chain input {
				type filter hook input priority filter; policy accept;
				ct state established,related accept
				udp dport 500 accept
				udp dport 4500 counter $1
			}
		}
	EOF
}
drops() { lab_exec gwB nft list chain inet filter input | sed -n 's/.*dport 4500 counter packets \([0-9]*\) .*drop.*/\1/p'; }

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
ruleset accept || finish
note "gwB input: ct established,related accept; udp dport 500 accept; udp dport 4500 accept"
lab_dpc gwB --check >/dev/null 2>&1
lab_dpc gwB --check >/dev/null 2>&1
assert_no_finding gwB filter-blocks-ike
assert_ping hostA "$HOSTB_IP"

ruleset drop || finish
note "gwB input: ct established,related accept; udp dport 500 accept; udp dport 4500 drop"
wait_for_finding gwB filter-blocks-ike
assert_severity gwB filter-blocks-ike error
note "gwB filter-blocks-ike: $(finding_text gwB filter-blocks-ike)"
pkts=$(finding_evidence gwB filter-blocks-ike packet | sort -u)
case $pkts in
"UDP 4500 198.51.100.1 -> $GWB_WAN_IP iif wan") ok "names UDP 4500 from the peer: $pkts" ;;
*) fail "filter-blocks-ike packets: '$pkts', want UDP 4500 from the peer only" ;;
esac
rule=$(finding_evidence gwB filter-blocks-ike rule | head -n1)
case $rule in
*'inet filter input handle '*'udp dport 4500 counter drop') ok "names the rule: $rule" ;;
*) fail "evidence rule is '$rule'" ;;
esac
log_lines gwB filter-blocks-ike | grep -q 'UDP 4500' && ok "log line names UDP 4500" ||
	fail "log line lacks UDP 4500: $(log_lines gwB filter-blocks-ike | head -n1)"
assert_no_finding gwA filter-blocks-ike
assert_ping hostA "$HOSTB_IP"

# let the old NAT-T flow's conntrack entry expire right after the DELETE
lab_exec gwB sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2 net.netfilter.nf_conntrack_udp_timeout_stream=2
lab_swanctl gwA --terminate --ike s2s --timeout 10 >"$LAB_RUN/terminate.out" 2>&1 &&
	ok "gwA terminated the IKE_SA" || fail "terminate failed: $(tail -n 2 "$LAB_RUN/terminate.out")"
sleep 3
before=$(drops)
t0=$(lab_now)
if lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/reinit-blocked.out" 2>&1; then
	fail "re-initiate worked although gwB drops UDP 4500"
else
	ok "re-initiate from gwA fails after $(lab_since "$t0")s"
fi
out=$LAB_RUN/reinit-blocked.out
grep -aq 'received packet: from 198.51.100.2\[500\]' "$out" && grep -aq 'giving up after' "$out" &&
	ok "IKE_SA_INIT answered on 500, IKE_AUTH on 4500 never: $(grep -a -m1 'giving up' "$out")" ||
	fail "initiate failed otherwise: $(tail -n 3 "$out" | tr '\n' ' ')"
after=$(drops)
[ "${after:-0}" -gt "${before:-0}" ] && ok "gwB's 4500 drop rule counted $(( after - before )) IKE packets" ||
	fail "gwB's 4500 drop rule did not count (before ${before:-?}, after ${after:-?})"
assert_no_ping hostA "$HOSTB_IP"

ruleset accept || finish
note "gwB input: udp dport 4500 accept"
lab_swanctl gwA --initiate --child net --timeout 20 >"$LAB_RUN/reinit-open.out" 2>&1 &&
	ok "re-initiate works with 4500 accepted" || fail "re-initiate fails with 4500 accepted: $(tail -n 2 "$LAB_RUN/reinit-open.out")"
assert_ping hostA "$HOSTB_IP"
lab_dpc gwB --check >/dev/null 2>&1
n=$(json_count gwB filter-blocks-ike)
[ "$n" = 0 ] && ok "gwB: no active filter-blocks-ike with 4500 accepted" || fail "gwB: $n filter-blocks-ike still active"
finish
