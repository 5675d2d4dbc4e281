# Two labs of tests/lab side by side for the IKE benchmarks (sourced by
# ike_latency.sh and setup_rate.sh): lab "p" runs the plugin, lab "n" the
# same charons without it; each gateway pair has N CHILD_SAs under one
# IKE_SA (kernel-libipsec, no NAT). The caller sets N, PREFIX, SCRATCH, OUT,
# LAB and die(), and may set PAIR_DPC_EXTRA (the plugin's settings in lab p;
# interval 30 s and settle 2 s unless set).

# run a command with a lab's environment: in_lab p|n CMD...
in_lab() {
	local l=$1; shift
	(
		export DPC_LAB_PREFIX=$PREFIX$l DPC_LAB_SCRATCH=$SCRATCH/$l
		[ "$l" = p ] || export DPC_PLUGIN=
		. "$LAB/lab.env"
		"$@"
	)
}
lab_run_dir() { in_lab "$1" eval 'echo "$LAB_RUN"'; }

# swanctl.conf with N children: gwA 10.10.1.0/24 <-> 10.20.1.0/24, TCP to
# its own port (10000 + i)
write_children() { # lab gw
	local d local_addrs remote_addrs lid rid start i net host
	d=$(lab_run_dir "$1")/$2/swanctl
	if [ "$2" = gwA ]; then
		local_addrs=192.0.2.2 remote_addrs=198.51.100.2 lid=gwA.lab rid=gwB.lab start=start
	else
		local_addrs=198.51.100.2 remote_addrs=%any lid=gwB.lab rid=gwA.lab start=none
	fi
	{
		echo "connections { s2s { version = 2"
		echo "  local_addrs = $local_addrs"
		echo "  remote_addrs = $remote_addrs"
		echo "  proposals = aes256-sha256-x25519"
		echo "  dpd_delay = 30s"
		echo "  local { auth = psk"
		echo "    id = $lid }"
		echo "  remote { auth = psk"
		echo "    id = $rid }"
		echo "  children {"
		for i in $(seq 1 "$N"); do
			# distinct by port: kernel-libipsec needs a local address
			# inside each local selector to install its route
			net="10.20.1.0/24[tcp/$((10000 + i))]"
			if [ "$2" = gwA ]; then
				echo "    c$i { local_ts = 10.10.1.0/24"
				echo "      remote_ts = $net"
			else
				echo "    c$i { local_ts = $net"
				echo "      remote_ts = 10.10.1.0/24"
			fi
			echo "      esp_proposals = aes256gcm16"
			echo "      start_action = $start }"
		done
		echo "  } } }"
		echo "secrets { ike-lab { id-a = gwA.lab"
		echo "  id-b = gwB.lab"
		echo "  secret = \"lab-only-psk-0123456789abcdef\" } }"
	} >"$d/swanctl.conf"
}

installed() { # lab: CHILD_SAs installed on gwA
	in_lab "$1" lab_swanctl gwA --list-sas 2>/dev/null | grep -c 'INSTALLED, TUNNEL' || true
}

# one lab with N CHILD_SAs up; gwB loaded first, gwA's children start on load
lab_with_children() { # lab
	local t0 n i
	t0=$(date +%s)
	in_lab "$1" env LAB_INITIATE=0 LAB_NAT=0 \
		DPC_EXTRA="${PAIR_DPC_EXTRA:-interval = 30s
			settle = 2s}" "$LAB/up.sh" >"$OUT/up-$1.out" 2>&1 ||
		{ cat "$OUT/up-$1.out" >&2; die "lab $1 did not come up"; }
	for gw in gwB gwA; do
		write_children "$1" "$gw"
		in_lab "$1" lab_swanctl "$gw" --load-all \
			--file "$(lab_run_dir "$1")/$gw/swanctl/swanctl.conf" >"$OUT/load-$1-$gw.out" 2>&1 ||
			{ tail -n 5 "$OUT/load-$1-$gw.out" >&2; die "loading $N children into lab $1 $gw failed"; }
	done
	# listing 1,000 CHILD_SAs is not free: look every 3 s
	for i in $(seq 1 $((N / 10 + 30))); do
		n=$(installed "$1")
		[ "$n" -ge "$N" ] && break
		sleep 3
	done
	[ "$n" -ge "$N" ] || die "lab $1: only $n of $N CHILD_SAs installed"
	echo "lab $1 ($([ "$1" = p ] && echo plugin || echo no plugin)): $N CHILD_SAs up in $(( $(date +%s) - t0 ))s"
}
