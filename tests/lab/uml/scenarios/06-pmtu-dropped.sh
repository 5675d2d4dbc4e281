#!/bin/bash
# gwA drops ICMP "fragmentation needed" addressed to it:
#   iptables-legacy -A INPUT -p icmp --icmp-type fragmentation-needed -j DROP
# filter-blocks-pmtu (warning) on gwA for the tunnel's outer packets, naming
# the rule. The data plane: with MTU 1400 between the NAT and gwB, hostA's
# 1400-byte DF pings become ~1460-byte ESP-in-UDP packets; the NAT answers
# with frag-needed, gwA's rule drops it, gwA never learns the path MTU and
# the pings vanish without an error. Without the rule gwA learns mtu 1400
# for gwB and hostA gets "Frag needed" back; the finding resolves.
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
lab_exec nat ip link set out mtu 1400
lab_exec gwB ip link set wan mtu 1400
ipt gwA -A INPUT -p icmp --icmp-type fragmentation-needed -j DROP
note "gwA filter INPUT: $(ipt gwA -S INPUT | tr '\n' ';'); MTU 1400 between the NAT and gwB"

# the plugin
wait_for_finding gwA filter-blocks-pmtu
assert_severity gwA filter-blocks-pmtu warning
note "gwA filter-blocks-pmtu: $(finding_text gwA filter-blocks-pmtu)"
rule=$(finding_field gwA filter-blocks-pmtu .evidence.rule)
case $rule in *iptables-legacy*filter*INPUT*icmp*DROP*) ok "the finding names the rule: $rule" ;;
*) fail "the finding's rule is '$rule', want gwA's INPUT icmp frag-needed DROP rule" ;; esac
assert_no_finding gwB filter-blocks-pmtu

# the data plane
n=$(ping_count hostA "$HOSTB_IP" 2)
[ "${n:-0}" = 2 ] && ok "small pings hostA -> hostB pass (2/2)" || fail "small pings hostA -> hostB ${n:-0}/2"
lab_exec hostA ping -n -c 3 -i 0.5 -W 1 -M "do" -s 1372 "$HOSTB_IP" >"$LAB_RUN/big1.out" 2>&1
n=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' "$LAB_RUN/big1.out")
fn=$(grep -c 'Frag needed' "$LAB_RUN/big1.out")
d=$(ipt_pkts gwA filter INPUT 1)
pm=$(lab_exec gwA ip route get "$GWB_WAN_IP" | grep -o 'mtu [0-9]*')
note "1400-byte DF pings: ${n:-0}/3 replies, $fn 'Frag needed' errors; gwA's DROP rule matched ${d:-0} frag-needed; gwA route to gwB: ${pm:-no learned mtu}"
[ "${n:-0}" = 0 ] && [ "$fn" = 0 ] && ok "large pings vanish without an error" || fail "large pings: ${n:-0} replies, $fn errors"
[ "${d:-0}" -ge 1 ] && [ -z "$pm" ] && ok "the frag-needed reached gwA and was dropped; no path MTU learned" ||
	fail "DROP rule ${d:-0} packets, learned '$pm'"

# without the rule PMTU discovery works (the finding's prediction, the other way round)
ipt gwA -D INPUT -p icmp --icmp-type fragmentation-needed -j DROP
lab_exec hostA ping -n -c 4 -i 0.5 -W 1 -M "do" -s 1372 "$HOSTB_IP" >"$LAB_RUN/big2.out" 2>&1
fn=$(grep -c 'Frag needed' "$LAB_RUN/big2.out")
pm=$(lab_exec gwA ip route get "$GWB_WAN_IP" | grep -o 'mtu [0-9]*')
note "rule removed: 1400-byte DF pings get $fn 'Frag needed' errors ($(grep -m1 -o 'Frag needed.*' "$LAB_RUN/big2.out")); gwA route to gwB: ${pm:-no learned mtu}"
[ "$pm" = "mtu 1400" ] && [ "$fn" -ge 1 ] && ok "without the rule gwA learns mtu 1400 and tells hostA" ||
	fail "without the rule: learned '${pm}', $fn errors to hostA"
wait_for_resolved gwA filter-blocks-pmtu
finish
