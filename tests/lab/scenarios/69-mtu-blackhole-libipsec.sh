#!/bin/bash
# kernel-libipsec: the TUN device (ipsec0, MTU 1400) is narrower than the
# LAN (1500), so gwA's kernel refuses hostA's full-size packets into it and
# sends hostA "fragmentation needed" -- which gwA's nft output drops:
#   oifname "lan" icmp type destination-unreachable icmp code frag-needed drop
# No MSS clamp. Small pings pass, 1500-byte DF pings vanish without an
# error, a 300 KB TCP transfer hostA -> hostB stalls, the rule counts the
# dropped errors; mtu-blackhole-risk (error) on gwA naming the TUN and the
# rule, nothing on gwB. With an MSS clamp in gwA's forward chain the
# transfer goes through and the finding resolves.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
SINK='import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(("0.0.0.0",int(sys.argv[1]))); s.listen(1); s.settimeout(12)
n=0
try:
    c,_=s.accept(); c.settimeout(8)
    while True:
        d=c.recv(65536)
        if not d: break
        n+=len(d)
except Exception: pass
print(n)'
SOURCE='import socket,sys
s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)
s.settimeout(8)
try:
    s.sendall(b"x"*300000); s.shutdown(socket.SHUT_WR); s.recv(1)
except Exception: pass'
transfer() { # port: bytes hostB received
	local out=$LAB_SCRATCH/mtu69-sink$1.out
	lab_exec hostB "$PY" -c "$SINK" "$1" >"$out" 2>&1 &
	local sink=$!
	sleep 0.5
	lab_exec hostA "$PY" -c "$SOURCE" "$HOSTB_IP" "$1" >/dev/null 2>&1
	wait "$sink"
	cat "$out"
}

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
tun_mtu=$(lab_exec gwA cat /sys/class/net/ipsec0/mtu 2>/dev/null)
lan_mtu=$(lab_exec gwA cat /sys/class/net/lan/mtu 2>/dev/null)
note "gwA: ipsec0 mtu ${tun_mtu:-?}, lan mtu ${lan_mtu:-?}"

nft_load gwA <<'EOF' || finish
table inet filter {
	chain output {
		type filter hook output priority filter; policy accept;
		oifname "lan" icmp type destination-unreachable icmp code frag-needed counter drop
	}
}
EOF
note "gwA output: oifname lan icmp frag-needed drop; no clamp"

assert_ping hostA "$HOSTB_IP"
assert_no_ping hostA "$HOSTB_IP" -M do -s 1472
got=$(transfer 5001)
drops=$(lab_exec gwA nft list chain inet filter output | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
note "300 KB hostA -> hostB: hostB received ${got:-0} bytes; gwA's rule dropped ${drops:-0} frag-needed"
[ "${got:-0}" -lt 300000 ] && [ "${drops:-0}" -gt 0 ] &&
	ok "the transfer stalls and gwA's rule drops the errors its kernel sends hostA" ||
	fail "transfer ${got:-0} bytes, ${drops:-0} drops"

wait_for_finding gwA mtu-blackhole-risk
assert_severity gwA mtu-blackhole-risk error
note "gwA mtu-blackhole-risk: $(finding_text gwA mtu-blackhole-risk)"
tun=$(finding_evidence gwA mtu-blackhole-risk tun | head -n1)
rule=$(finding_evidence gwA mtu-blackhole-risk rule | head -n1)
mss=$(finding_evidence gwA mtu-blackhole-risk tunnel_mss | head -n1)
[ "$tun" = "ipsec0 mtu $tun_mtu" ] && [ "$mss" = $((tun_mtu - 40)) ] && [[ $rule == *'icmp code 4 counter drop'* ]] &&
	ok "evidence: tun '$tun', tunnel_mss $mss, the rule" || fail "evidence: tun '$tun', tunnel_mss '$mss', rule '$rule'"
assert_no_finding gwB mtu-blackhole-risk

nft_load gwA <<EOF || finish
table inet mangle {
	chain forward {
		type filter hook forward priority mangle; policy accept;
		tcp flags syn tcp option maxseg size set $mss
	}
}
EOF
got=$(transfer 5002)
[ "${got:-0}" = 300000 ] && ok "with the clamp to $mss the transfer goes through" ||
	fail "with the clamp hostB received ${got:-0} bytes"
wait_for_resolved gwA mtu-blackhole-risk
finish
