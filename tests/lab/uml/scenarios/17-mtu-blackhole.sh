#!/bin/bash
# A PMTU black hole: the link between the NAT and gwB has MTU 1400 and the
# NAT drops the ICMP "fragmentation needed" it would send gwA
#   iptables-legacy -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
# and gwA drops such errors too (a hardened INPUT):
#   iptables-legacy -A INPUT -p icmp --icmp-type fragmentation-needed -j DROP
# No MSS clamp on gwA. The data plane: small pings pass, hostA's 1400-byte
# DF pings vanish without an error, a 300 KB TCP transfer hostA -> hostB
# stalls; gwA never learns a path MTU for gwB. mtu-blackhole-risk (warning)
# on gwA with the figures; gwB, whose own link is the narrow one, tells its
# LAN itself and stays silent. With an MSS clamp on gwA the transfer goes
# through and the finding resolves.
# Then proven: gwA's own WAN link is 1400 and gwA's OUTPUT drops the
# frag-needed its kernel sends hostA (ip_forward refuses the packets against
# the XFRM bundle's MTU before ESP, so XfrmOutStateModeError stays 0; the
# OUTPUT rule counts the dropped errors): mtu-blackhole-risk (error) naming the rule; the clamp
# fixes it again.
# timeout: 300
. "$UML_DIR/lib.sh"

PY=/usr/bin/python3
# receive on hostB: print the bytes received until EOF or 12 s
SINK='import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(("0.0.0.0",int(sys.argv[1]))); s.listen(1); s.settimeout(12)
n=0
try:
    c,_=s.accept(); c.settimeout(12)
    while True:
        d=c.recv(65536)
        if not d: break
        n+=len(d)
except Exception: pass
print(n)'
# send 300 KB from hostA
SOURCE='import socket,sys
s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)
s.settimeout(10)
try:
    s.sendall(b"x"*300000); s.shutdown(socket.SHUT_WR); s.recv(1)
except Exception: pass'

transfer() { # port: bytes hostB received
	lab_exec hostB "$PY" -c "$SINK" "$1" >"$LAB_RUN/sink$1.out" 2>&1 &
	local sink=$!
	lab_sleep 0.5
	lab_exec hostA "$PY" -c "$SOURCE" "$HOSTB_IP" "$1" >/dev/null 2>&1
	wait "$sink"
	cat "$LAB_RUN/sink$1.out"
}

lab_up || { fail "lab did not come up"; finish; }
lab_exec nat ip link set out mtu 1400
lab_exec gwB ip link set wan mtu 1400
ipt nat -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
ipt gwA -A INPUT -p icmp --icmp-type fragmentation-needed -j DROP
note "MTU 1400 between the NAT and gwB; the NAT and gwA drop frag-needed; no clamp"

# the data plane
n=$(ping_count hostA "$HOSTB_IP" 2)
[ "${n:-0}" = 2 ] && ok "small pings hostA -> hostB pass (2/2)" || fail "small pings hostA -> hostB ${n:-0}/2"
lab_exec hostA ping -n -c 3 -i 0.5 -W 1 -M "do" -s 1372 "$HOSTB_IP" >"$LAB_RUN/big.out" 2>&1
n=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' "$LAB_RUN/big.out")
fn=$(grep -c 'Frag needed' "$LAB_RUN/big.out")
[ "${n:-0}" = 0 ] && [ "$fn" = 0 ] && ok "1400-byte DF pings vanish without an error" ||
	fail "1400-byte DF pings: ${n:-0} replies, $fn errors"
got=$(transfer 5001)
note "300 KB hostA -> hostB without a clamp: hostB received ${got:-?} bytes"
[ "${got:-0}" -lt 300000 ] && ok "the large TCP transfer stalls (${got:-0} of 300000 bytes)" ||
	fail "the transfer went through without a clamp (${got} bytes)"
pm=$(lab_exec gwA ip route get "$GWB_WAN_IP" | grep -o 'mtu [0-9]*')
d=$(ipt_pkts nat filter OUTPUT 1)
note "the NAT dropped ${d:-0} of its frag-needed; gwA route to gwB: ${pm:-no learned mtu}"
[ -z "$pm" ] && ok "gwA learned no path MTU" || fail "gwA learned '$pm'"

# the plugin
wait_for_finding gwA mtu-blackhole-risk
assert_severity gwA mtu-blackhole-risk warning
note "gwA mtu-blackhole-risk: $(finding_text gwA mtu-blackhole-risk)"
pmtu=$(finding_field gwA mtu-blackhole-risk .evidence.path_mtu)
clamp=$(finding_field gwA mtu-blackhole-risk .evidence.mss_clamp)
lan=$(finding_field gwA mtu-blackhole-risk .evidence.lan)
fit=$(finding_field gwA mtu-blackhole-risk .evidence.tunnel_mss)
esp=$(finding_field gwA mtu-blackhole-risk .evidence.esp)
note "evidence: path_mtu '$pmtu', esp '$esp', tunnel_mss '$fit', lan '$lan', mss_clamp '$clamp'"
[ "$pmtu" = "1500 (device wan)" ] && [ "$clamp" = none ] && [[ $lan == "lan mtu 1500, mss 1460" ]] &&
	[[ $esp == *UDP-encapsulated* ]] && [ "${fit:-0}" -gt 1300 ] && [ "${fit:-0}" -lt 1460 ] &&
	ok "the evidence has the path MTU, the suite, the fitting MSS and no clamp" || fail "evidence"
assert_no_finding gwB mtu-blackhole-risk

# the fix: clamp the MSS on gwA below what the narrow link carries (1400
# minus 62 bytes of ESP-in-UDP overhead minus 40: at most 1298)
ipt gwA -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1200
got=$(transfer 5002)
[ "${got:-0}" = 300000 ] && ok "with the clamp the transfer goes through (300000 bytes)" ||
	fail "with the clamp hostB received ${got:-0} bytes"
wait_for_resolved gwA mtu-blackhole-risk

# proven: gwA's own link is the narrow one (1400 to the NAT), so its kernel
# refuses hostA's full-size packets itself, and gwA's OUTPUT drops the
# frag-needed it sends hostA
ipt gwA -t mangle -D FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1200
ipt gwA -D INPUT -p icmp --icmp-type fragmentation-needed -j DROP
ipt nat -D OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
lab_exec nat ip link set in mtu 1400
lab_exec gwA ip link set wan mtu 1400
ipt gwA -A OUTPUT -o lan -p icmp --icmp-type fragmentation-needed -j DROP
lab_exec hostA ping -n -c 3 -i 0.5 -W 1 -M "do" -s 1372 "$HOSTB_IP" >"$LAB_RUN/big2.out" 2>&1
n=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' "$LAB_RUN/big2.out")
fn=$(grep -c 'Frag needed' "$LAB_RUN/big2.out")
got=$(transfer 5003)
d=$(ipt_pkts gwA filter OUTPUT 1)
note "gwA wan MTU 1400, its OUTPUT drops frag-needed to the LAN: DF pings ${n:-0}/3, $fn errors; transfer ${got:-0} bytes; gwA's OUTPUT rule dropped ${d:-0}"
[ "${n:-0}" = 0 ] && [ "$fn" = 0 ] && [ "${got:-0}" -lt 300000 ] && [ "${d:-0}" -ge 1 ] &&
	ok "gwA refuses the large packets itself and its error to hostA is dropped: pings vanish, the transfer stalls" ||
	fail "the proven black hole did not show"
wait_for_finding gwA mtu-blackhole-risk
assert_severity gwA mtu-blackhole-risk error
pmtu=$(finding_field gwA mtu-blackhole-risk .evidence.path_mtu)
rule=$(finding_field gwA mtu-blackhole-risk .evidence.rule)
note "gwA mtu-blackhole-risk: $(finding_text gwA mtu-blackhole-risk)"
[ "$pmtu" = "1400 (device wan)" ] && [[ $rule == *OUTPUT*icmp*DROP* ]] &&
	ok "the error names the 1400 device MTU and gwA's OUTPUT rule" || fail "evidence: '$pmtu', '$rule'"
ipt gwA -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1200
got=$(transfer 5004)
[ "${got:-0}" = 300000 ] && ok "with the clamp the transfer goes through again" ||
	fail "with the clamp hostB received ${got:-0} bytes"
wait_for_resolved gwA mtu-blackhole-risk
finish
