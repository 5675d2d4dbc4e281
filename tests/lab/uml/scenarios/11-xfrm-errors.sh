#!/bin/bash
# timeout: 240
# A block policy for a network no CHILD_SA covers (10.99.0.0/16) is added
# on gwA and hostA sends to it: the kernel drops the packets
# (XfrmOutPolBlock grows). No CHILD_SA explains the counter, so the plugin
# reports xfrm-errors for XfrmOutPolBlock on the gateway (subject host),
# with the cause; the tunnel's own traffic still flows and nothing is
# reported about the CHILD_SA's policies or SAs; gwB reports no xfrm-errors.
. "$UML_DIR/lib.sh"

xstat() { lab_exec "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat; }

lab_up || { fail "lab did not come up"; finish; }
lab_exec gwA ip xfrm policy add src 10.10.1.0/24 dst 10.99.0.0/16 dir out action block
note "gwA: ip xfrm policy add src 10.10.1.0/24 dst 10.99.0.0/16 dir out action block"
wait_rounds gwA 1
n0=$(xstat gwA XfrmOutPolBlock)
lab_exec hostA ping -n -q -c 3 -i 0.2 -W 1 10.99.0.1 >/dev/null 2>&1
n1=$(xstat gwA XfrmOutPolBlock)
note "gwA XfrmOutPolBlock $n0 -> $n1"
[ "${n1:-0}" -gt "${n0:-0}" ] && ok "gwA: XfrmOutPolBlock grows" || fail "gwA: XfrmOutPolBlock did not grow"
bg_ping hostA 10.99.0.1
[ "$(ping_count hostA "$HOSTB_IP" 3)" = 3 ] && ok "ping hostA -> hostB: 3/3 (the tunnel is fine)" ||
	fail "ping hostA -> hostB failed"

wait_for_finding gwA xfrm-errors 30
assert_severity gwA xfrm-errors warning
note "gwA: $(finding_text gwA xfrm-errors)"
host=$(_last gwA | jq -r '[(.findings // [])[] | select(.code == "xfrm-errors") | .evidence.counter] | join(",")')
[[ ,$host, == *,XfrmOutPolBlock,* ]] && ok "gwA: xfrm-errors XfrmOutPolBlock on the gateway" ||
	fail "gwA: gateway xfrm-errors '$host', want XfrmOutPolBlock"
[[ $(finding_field gwA xfrm-errors .message) == *"block policy"* ]] && ok "gwA: the message gives the cause" ||
	fail "gwA: message without the cause"
assert_no_finding gwA xfrm-policy-missing xfrm-state-missing xfrm-policy-shadowed
assert_no_finding gwB xfrm-errors
finish
