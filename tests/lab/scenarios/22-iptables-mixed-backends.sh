#!/bin/bash
# gwA gets a rule through iptables-legacy (x_tables) next to an nftables
# table: iptables-mixed-backends (warning, gateway-wide: findings[] of --json)
# on gwA only. The split is real: each tool lists only its own rules. When the
# legacy rule is flushed the finding is resolved.
. "$(dirname "$0")/../lib.sh"

lab_up || { fail "lab did not come up"; finish; }
wait_for_finding gwA nat-detected

lab_exec gwA iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT || fail "iptables-legacy -A failed"
nft_load gwA <<'EOF' || finish
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related accept
	}
}
EOF
note "gwA: iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT; nft inet filter input"
wait_for_finding gwA iptables-mixed-backends || finish
assert_severity gwA iptables-mixed-backends warning
note "gwA iptables-mixed-backends: $(finding_text gwA iptables-mixed-backends)"
n=$(host_finding_count gwA iptables-mixed-backends)
[ "${n:-0}" = 1 ] && ok "gateway-wide (findings[] of --json)" || fail "iptables-mixed-backends in findings[]: ${n:-?}, want 1"
legacy=$(finding_evidence gwA iptables-mixed-backends legacy_rules)
nft=$(finding_evidence gwA iptables-mixed-backends nftables_rules)
[ "${legacy:-0}" -ge 1 ] && [ "${nft:-0}" -ge 1 ] && ok "evidence: legacy_rules=$legacy nftables_rules=$nft" ||
	fail "evidence: legacy_rules='$legacy' nftables_rules='$nft'"
assert_no_finding gwB iptables-mixed-backends

# each backend's tools show only their own rules
lab_exec gwA iptables-legacy-save | grep -q -- '--dport 22 -j ACCEPT' && ok "iptables-legacy-save shows the legacy rule" ||
	fail "iptables-legacy-save lacks the rule"
lab_exec gwA nft list ruleset | grep -q 'dport 22' && fail "nft list ruleset shows the legacy rule" ||
	ok "nft list ruleset does not show it"

lab_exec gwA iptables-legacy -F INPUT
note "gwA: legacy INPUT flushed"
wait_for_resolved gwA iptables-mixed-backends
finish
