#!/bin/bash
# kernel-libipsec on gwB with charon's routing rule limited to marked packets
# (charon.plugins.kernel-netlink.fwmark = 0x42: "fwmark 0x42 lookup 220"),
# gwB's LAN traffic marked in mangle prerouting and a default route via the
# NAT router. The tunnel works with rp_filter off. Decrypted packets from
# hostA arrive on the TUN device ipsec0 without a secpath, and the kernel's
# reverse path check looks the way back up without the packet's mark: table
# main, out of wan. Strict mode (all=1) drops them: pings, TCP and UDP from
# hostA to hostB fail, IPReversePathFilter grows, rp-filter-drop (inner) on
# gwB, nothing on gwA. Loose mode (all=2) drops them too, because ipsec0 has
# no IPv4 address (the kernel's "last resort" fails in either mode): the
# finding stays and its hint says so. rp_filter off for ipsec0 (all=0,
# ipsec0=0, wan and lan kept strict one by one): traffic passes, the finding
# resolves.
. "$(dirname "$0")/../lib.sh"

lab_up GWB_CHARON_EXTRA='plugins { kernel-netlink { fwmark = 0x42 } }' ||
	{ fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected
flow_serve hostB || finish
note "gwB rules: $(lab_exec gwB ip rule | tr '\n\t' '; ')"
nft_load gwB <<'EOF' || finish
table inet mangle {
	chain prerouting {
		type filter hook prerouting priority mangle; policy accept;
		iifname "lan" meta mark set 0x42
	}
}
EOF
lab_exec gwB ip route add default via "$NAT_OUT_IP"
note "gwB: LAN traffic marked 0x42 (table 220), default route via $NAT_OUT_IP"
assert_ping hostA "$HOSTB_IP"
# a round that saw the working arrangement (rp_filter off)
sleep 4
assert_no_finding gwB rp-filter-drop

rpf() { lab_exec gwB nstat -az TcpExtIPReversePathFilter | awk '/IPReversePathFilter/ {print $2}'; }
counter_grows() { # what
	local before after
	before=$(rpf)
	assert_no_ping hostA "$HOSTB_IP"
	after=$(rpf)
	if [ "${after:-0}" -gt "${before:-0}" ]; then
		ok "$1: gwB's IPReversePathFilter counter grew ($before -> $after)"
	else
		fail "$1: gwB's IPReversePathFilter did not grow ($before -> $after)"
	fi
}

lab_exec gwB sysctl -qw net.ipv4.conf.all.rp_filter=1
note "gwB strict: $(lab_exec gwB ip route get "$HOSTB_IP" from "$HOSTA_IP" iif ipsec0 2>&1 | head -n1)"
counter_grows "strict"
assert_no_flow hostA "$HOSTB_IP" tcp
assert_no_flow hostA "$HOSTB_IP" udp
wait_for_finding gwB rp-filter-drop
assert_severity gwB rp-filter-drop error
note "gwB rp-filter-drop: $(finding_text gwB rp-filter-drop)"
msg=$(dpc_json gwB | jq -r "$JQ_ALL | map(select(.code == \"rp-filter-drop\")) | .[0].message // empty")
[[ $msg == *"decrypted packets from 10.10.1."*" arriving on ipsec0"*"leaves via wan"* ]] &&
	ok "message names the decrypted packets, ipsec0 and the way back via wan" ||
	fail "message: $msg"
v=$(finding_evidence gwB rp-filter-drop net.ipv4.conf.all.rp_filter)
[ "$v" = 1 ] && ok "evidence net.ipv4.conf.all.rp_filter=1" || fail "evidence all.rp_filter is '$v'"
v=$(finding_evidence gwB rp-filter-drop iif_ipv4)
[ "$v" = none ] && ok "evidence iif_ipv4=none (ipsec0 has no IPv4 address)" || fail "evidence iif_ipv4 is '$v'"
finding_evidence gwB rp-filter-drop reverse_route | grep -q "dev wan" &&
	ok "evidence shows the reverse route out of wan" ||
	fail "evidence reverse_route: $(finding_evidence gwB rp-filter-drop reverse_route)"
assert_no_finding gwA rp-filter-drop

lab_exec gwB sysctl -qw net.ipv4.conf.all.rp_filter=2
note "gwB loose: $(lab_exec gwB ip route get "$HOSTB_IP" from "$HOSTA_IP" iif ipsec0 2>&1 | head -n1)"
counter_grows "loose"
assert_no_flow hostA "$HOSTB_IP" tcp
# rounds that saw loose mode
sleep 5
n=$(json_count gwB rp-filter-drop)
[ "${n:-0}" -gt 0 ] && ok "loose mode: rp-filter-drop stays on gwB" || fail "loose mode: rp-filter-drop gone (json: ${n:-?})"
if grep -a 'dataplane-check: resolved' "$(lab_log gwB)" | grep -aq 'rp-filter-drop'; then
	fail "gwB logged rp-filter-drop as resolved in loose mode"
else
	ok "gwB did not resolve rp-filter-drop in loose mode"
fi
v=$(finding_evidence gwB rp-filter-drop net.ipv4.conf.all.rp_filter)
[ "$v" = 2 ] && ok "evidence net.ipv4.conf.all.rp_filter=2" || fail "evidence all.rp_filter is '$v'"
hint=$(dpc_json gwB | jq -r "$JQ_ALL | map(select(.code == \"rp-filter-drop\")) | .[0].hint // empty")
[[ $hint == *"no IPv4 address"*"net.ipv4.conf.ipsec0.rp_filter=0"* ]] &&
	ok "hint: loose mode fails without an address, turn rp_filter off for ipsec0" ||
	fail "hint: $hint"

lab_exec gwB sysctl -qw net.ipv4.conf.wan.rp_filter=1 net.ipv4.conf.lan.rp_filter=1 \
	net.ipv4.conf.ipsec0.rp_filter=0 net.ipv4.conf.all.rp_filter=0
note "gwB: all=0 ipsec0=0, wan and lan strict"
assert_ping hostA "$HOSTB_IP"
assert_flow hostA "$HOSTB_IP" tcp
assert_flow hostA "$HOSTB_IP" udp
wait_for_resolved gwB rp-filter-drop
assert_no_finding gwA rp-filter-drop
finish
