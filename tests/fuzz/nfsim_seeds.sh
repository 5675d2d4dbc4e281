#!/bin/sh
# Turns the simulator's ruleset fixtures into seeds for fuzz_nfsim (see the
# input layout there): netlink messages and legacy records, each with a
# few packets.
#
# usage: nfsim_seeds.sh FIXTURE_DIR OUT_DIR
set -eu

IN=$1
OUT=$2
mkdir -p "$OUT"

# packet descriptions (48 bytes each, hex): LAN->remote TCP 22 NEW with an
# outbound policy, peer->gateway UDP 4500 NEW, ICMP frag-needed RELATED
PKTS="0a010005000000000000000000000000 0a020007000000000000000000000000 00 9c400016 0000 01 02 0300 00 01 00 00 02
cb007105000000000000000000000000 c0000201000000000000000000000000 01 11941194 0000 01 00 0300 01 03 00 00 00
c6336401000000000000000000000000 c0000201000000000000000000000000 02 00000000 0304 03 01 0300 01 03 00 00 00"

for f in "$IN"/*.nl; do
	name=$(basename "$f" .nl)
	nft=$(awk '$1 == "nft" { printf "%s", $2 }' "$f")
	ipt=$(awk '
		function idx(list, v,   n, a, i) {
			n = split(list, a, " ")
			for (i = 1; i <= n; i++) if (a[i] == v) return i - 1
			return -1
		}
		function tgt(v,   i) {
			if (v == "-") return 7
			i = idx("x ACCEPT DROP RETURN QUEUE", v)
			if (i > 0) return i
			if (v ~ /^[A-Z]/) return 8
			return 5
		}
		$1 == "ipt" {
			fam = $2 == "6" ? 1 : 0
			t = idx("filter nat mangle raw security", $4); if (t < 0) t = 5
			c = idx("INPUT FORWARD OUTPUT PREROUTING POSTROUTING", $5); if (c < 0) c = 5
			if ($3 == "chain") {
				p = $6 == "ACCEPT" ? 1 : ($6 == "DROP" ? 2 : 0)
				printf "00%02x%02x%02x%02x0000", fam, t, c, p
			} else {
				len = length($7) / 2
				printf "01%02x%02x%02x%02x%02x%02x%s", fam, t, c, tgt($6),
					len % 256, int(len / 256), $7
			}
		}' "$f")
	i=0
	echo "$PKTS" | while read -r pkt; do
		pkt=$(echo "$pkt" | tr -d ' ')
		if [ -n "$nft" ]; then
			printf '00%s%s' "$pkt" "$nft" | xxd -r -p > "$OUT/$name-nft-$i"
		fi
		if [ -n "$ipt" ]; then
			printf '01%s%s' "$pkt" "$ipt" | xxd -r -p > "$OUT/$name-ipt-$i"
		fi
		i=$((i + 1))
	done
done
