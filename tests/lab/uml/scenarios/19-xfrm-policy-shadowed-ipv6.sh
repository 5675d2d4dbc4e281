#!/bin/bash
# timeout: 540
# Dual stack (LAB_IPV6=1: the child net carries 10.10.1.0/24,fd10::/64 <->
# 10.20.1.0/24,2001:db8:20::/64 over ESP-in-UDP on IPv4). First healthy:
# IPv4 and IPv6 pings and a TCP connection pass both ways through the
# kernel SAs, neither gateway warns. Then a bypass policy with priority 100
# for hostB's IPv6 address is added on gwA (ip -6 xfrm policy add ... dir
# out priority 100): hostA's IPv6 pings bypass the SA (its counter stays
# flat, no ESP between gwA and the NAT, where gwA looks for hostB in
# cleartext) and get no answer while IPv4 still passes. The
# plugin reports xfrm-policy-shadowed (error, direction out) on gwA naming
# the IPv6 policy and range; gwB stays silent about XFRM. Deleting the
# policy as the hint says brings the pings back and resolves the finding.
. "$UML_DIR/lib.sh"

# one TCP connection hostX -> hostY:port, the peer echoes 5 bytes back
TCP_SRV='import socket,sys
s=socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)
s.bind(("::",int(sys.argv[1]))); s.listen(2); s.settimeout(15)
for _ in range(2):
    try:
        c,_=s.accept(); c.settimeout(5); c.sendall(c.recv(16))
        c.close()
    except Exception: pass'
TCP_CLI='import socket,sys
try:
    s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)
    s.sendall(b"hello"); print(s.recv(16).decode())
except Exception as e: print("error", e)'
tcp_pair() { # v4dst v6dst from to: "v4-answer v6-answer"
	lab_exec "$4" python3 -c "$TCP_SRV" 5001 >/dev/null 2>&1 &
	local srv=$! a b
	lab_sleep 1
	a=$(lab_exec "$3" python3 -c "$TCP_CLI" "$1" 5001 2>&1)
	b=$(lab_exec "$3" python3 -c "$TCP_CLI" "$2" 5001 2>&1)
	wait "$srv"
	echo "${a// /_} ${b// /_}"
}

lab_up LAB_IPV6=1 || { fail "lab did not come up"; finish; }
sel=$(lab_exec gwA ip -6 xfrm policy list dir out | grep -c "src fd10::/64 dst 2001:db8:20::/64")
[ "$sel" -ge 1 ] && ok "gwA: charon's IPv6 out policy is installed" || fail "gwA: no IPv6 out policy"

# healthy dual stack: both families through the real SAs, both ways
x0=$(xfrm_counts gwA)
for p in "hostA $HOSTB_IP" "hostA $HOSTB_IP6" "hostB $HOSTA_IP" "hostB $HOSTA_IP6"; do
	set -- $p
	n=$(ping_count "$1" "$2" 3)
	[ "$n" = 3 ] && ok "ping $1 -> $2: 3/3" || fail "ping $1 -> $2: ${n:-0}/3"
done
x1=$(xfrm_counts gwA)
[ "${x1% *}" -ge $(( ${x0% *} + 12 )) ] && [ "${x1#* }" -ge $(( ${x0#* } + 12 )) ] &&
	ok "gwA's kernel SAs carried them (in/out ${x0// //} -> ${x1// //})" ||
	fail "gwA's SA counters ${x0// //} -> ${x1// //}, want +12 each way"
t=$(tcp_pair "$HOSTB_IP" "$HOSTB_IP6" hostA hostB)
[ "$t" = "hello hello" ] && ok "TCP hostA -> hostB over IPv4 and IPv6 echoed" || fail "TCP hostA -> hostB: $t"
# more than a traffic window of pings in both families (pings that end by
# themselves: none may run on into the second part)
lab_exec hostA ping -q -i 0.5 -W 1 -w 16 "$HOSTB_IP6" >/dev/null 2>&1 &
p6=$!
lab_exec hostB ping -q -i 0.5 -W 1 -w 16 "$HOSTA_IP" >/dev/null 2>&1 &
p4=$!
wait_rounds gwA 4
wait "$p6" "$p4"
assert_healthy gwA
assert_healthy gwB

# the fault: an IPv6 bypass before charon's out policy
lab_exec gwA ip -6 xfrm policy add src fd10::/64 dst "$HOSTB_IP6/128" dir out priority 100
note "gwA: ip -6 xfrm policy add src fd10::/64 dst $HOSTB_IP6/128 dir out priority 100"
got4=$(ping_count hostA "$HOSTB_IP" 3)
[ "${got4:-0}" = 3 ] && ok "ping hostA -> $HOSTB_IP: 3/3 (IPv4 still through the SA)" || fail "ping hostA -> $HOSTB_IP: $got4/3"
cap_start nat in wire
x0=$(xfrm_packets gwA out)
got=$(ping_count hostA "$HOSTB_IP6" 3)
x1=$(xfrm_packets gwA out)
cap_stop wire
# charon's route for 2001:db8:20::/64 (table 220) points at the WAN with
# an IPv4 next hop: without the SA, gwA looks for hostB on its WAN link
wire=$(tcpdump -n -r "$LAB_RUN/wire.pcap" 2>/dev/null)
ns=$(grep -c "who has $HOSTB_IP6" <<<"$wire")
esp=$(grep -c "^[0-9:.]* IP $GWA_WAN_IP\.4500 > .*ESP(" <<<"$wire")
[ "${got:-0}" = 0 ] && ok "ping hostA -> $HOSTB_IP6: 0/3" || fail "ping hostA -> $HOSTB_IP6: $got/3, want 0"
[ "$x1" = "$x0" ] && ok "gwA's outbound SA stays at $x1 packets (the IPv6 pings bypass it)" ||
	fail "gwA's outbound SA $x0 -> $x1 during the IPv6 pings, want flat"
[ "${ns:-0}" -ge 1 ] && [ "${esp:-0}" = 0 ] &&
	ok "gwA sends hostA's IPv6 packets unencrypted to its WAN ($ns neighbour solicitations for hostB there, no ESP from gwA)" ||
	fail "WAN capture: $ns neighbour solicitations, $esp ESP packets from gwA; want >= 1 and 0"
head -n 4 <<<"$wire" | sed 's/^/      /'

bg_ping hostA "$HOSTB_IP6"
wait_for_finding gwA xfrm-policy-shadowed 30
assert_severity gwA xfrm-policy-shadowed error
note "gwA: $(finding_text gwA xfrm-policy-shadowed)"
pol=$(finding_field gwA xfrm-policy-shadowed .evidence.policy)
[ "$pol" = "src fd10::/64 dst $HOSTB_IP6/128 dir out priority 100 action allow" ] &&
	ok "gwA: evidence names the policy ($pol)" || fail "gwA: evidence policy '$pol'"
aff=$(finding_field gwA xfrm-policy-shadowed .evidence.affected)
[ "$aff" = "fd10::/64 -> $HOSTB_IP6/128" ] && ok "gwA: affected $aff" || fail "gwA: affected '$aff'"
[[ $(finding_field gwA xfrm-policy-shadowed .message) == *"(dir out,"*"leaves in cleartext"* ]] &&
	ok "gwA: the message says dir out, cleartext" || fail "gwA: message '$(finding_field gwA xfrm-policy-shadowed .message)'"
n=$(findings_field gwA xfrm-policy-shadowed .code | tr ',' '\n' | grep -c .)
[ "$n" = 1 ] && ok "gwA: one xfrm-policy-shadowed (nothing for IPv4)" || fail "gwA: $n xfrm-policy-shadowed findings"
cmd=$(finding_field gwA xfrm-policy-shadowed .hint | sed -n 's/.*remove it: //p')
[[ $cmd == "ip xfrm policy delete src fd10::/64 dst $HOSTB_IP6/128 dir out"* ]] &&
	ok "gwA: the hint deletes it ($cmd)" || fail "gwA: hint without the ip xfrm policy delete: '$cmd'"
assert_no_finding gwA xfrm-policy-missing xfrm-state-missing
assert_no_finding gwB xfrm-policy-shadowed xfrm-policy-missing xfrm-state-missing

# the hint's command heals it
lab_exec gwA $cmd || fail "gwA: '$cmd' failed"
wait_for_resolved gwA xfrm-policy-shadowed 30
n=$(ping_count hostA "$HOSTB_IP6" 3)
[ "$n" = 3 ] && ok "ping hostA -> $HOSTB_IP6: 3/3 after the hint's command" || fail "ping hostA -> $HOSTB_IP6: ${n:-0}/3 after the fix"
finish
