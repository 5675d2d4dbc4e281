#!/bin/bash
# gwB forwards only what its LAN starts (and the replies):
#   iptables-legacy -A FORWARD -i lan -o wan -j ACCEPT
#   iptables-legacy -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
#   iptables-legacy -P FORWARD DROP
# Decrypted inbound traffic (wan -> lan) that starts a connection is dropped:
# filter-blocks-forward on gwB naming the inbound direction (new
# connections: warning), none for the outbound one and none on gwA. The data
# plane agrees: hostA -> hostB fails although gwB's inbound SA decrypts every
# request (the FORWARD policy counts the drops); hostB -> hostA works.
. "$UML_DIR/lib.sh"

lab_up || { fail "lab did not come up"; finish; }
ipt gwB -A FORWARD -i lan -o wan -j ACCEPT
ipt gwB -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
ipt gwB -P FORWARD DROP
note "gwB filter FORWARD: $(ipt gwB -S FORWARD | tr '\n' ';')"

# the plugin
wait_for_finding gwB filter-blocks-forward
note "gwB filter-blocks-forward: $(finding_text gwB filter-blocks-forward)"
dirs=$(findings_field gwB filter-blocks-forward .evidence.direction)
[ "$dirs" = in ] && ok "gwB: filter-blocks-forward for direction 'in' only" ||
	fail "gwB: filter-blocks-forward directions '$dirs', want 'in'"
assert_severity gwB filter-blocks-forward warning
rule=$(finding_field gwB filter-blocks-forward .evidence.rule)
case $rule in *FORWARD*policy*[Dd][Rr][Oo][Pp]*) ok "the finding names the FORWARD policy: $rule" ;;
*) fail "the finding's rule is '$rule', want gwB's FORWARD policy DROP" ;; esac
assert_no_finding gwA filter-blocks-forward

# the data plane
in0=$(xfrm_packets gwB in); p0=$(ipt_pkts gwB filter FORWARD policy)
n=$(ping_count hostA "$HOSTB_IP" 3)
in1=$(xfrm_packets gwB in); p1=$(ipt_pkts gwB filter FORWARD policy)
note "ping hostA -> hostB: ${n:-0}/3; gwB inbound SA ${in0:-none} -> ${in1:-none} packets; FORWARD policy DROP ${p0:-?} -> ${p1:-?} packets"
[ "${n:-0}" = 0 ] && ok "hostA -> hostB (inbound at gwB) fails" || fail "hostA -> hostB got ${n:-0}/3 replies"
[ $(( ${in1:-0} - ${in0:-0} )) -ge 3 ] && [ $(( ${p1:-0} - ${p0:-0} )) -ge 3 ] &&
	ok "gwB decrypted the requests and its FORWARD policy dropped them" ||
	fail "gwB inbound SA +$(( ${in1:-0} - ${in0:-0} )), FORWARD policy +$(( ${p1:-0} - ${p0:-0} )) (want >= 3 each)"
m=$(ping_count hostB "$HOSTA_IP" 3)
[ "${m:-0}" = 3 ] && ok "hostB -> hostA (outbound at gwB, replies established) 3/3" || fail "hostB -> hostA ${m:-0}/3"
finish
