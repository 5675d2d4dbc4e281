#!/bin/sh
#
# Copyright (C) 2026 dataplane-check authors
#
# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License as published by the
# Free Software Foundation; either version 2 of the License, or (at your
# option) any later version.
#
# The layering check passes on a clean fixture tree and fails, naming the
# culprits, on one with upward includes and a listener header pulling in the
# tracer, and on one with a folder cycle.

dir=$(dirname "$0")
failed=0

# expect STATUS TREE [LINE...]: check.py exits with STATUS on fixtures/TREE
# and prints every LINE
expect()
{
	want=$1 tree=$2
	shift 2
	out=$(python3 "$dir/check.py" "$dir/fixtures/$tree" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $tree: exit status $rc, expected $want"
		echo "$out"
		failed=1
		return
	fi
	for line in "$@"; do
		if ! printf '%s\n' "$out" | grep -qF -- "$line"; then
			echo "FAIL $tree: missing '$line' in:"
			echo "$out"
			failed=1
			return
		fi
	done
	echo "PASS $tree"
}

expect 0 clean
expect 1 upward \
	"plugin/model/dpc_record.h:3: model includes engine (plugin/engine/dpc_round.h): an include from a lower layer into a higher one" \
	"cli/dpc_cli_print.h:3: cli includes checks (plugin/checks/dpc_check.h): cli may include only proto, model" \
	"plugin/engine/dpc_listener.h:2: engine header reaches trace (plugin/engine/dpc_round.h -> plugin/trace/dpc_trace.h): it must not pull in trace, proto"
expect 1 cycle \
	"cycle between folders plugin/facts/ipt -> plugin/facts/nft -> plugin/facts/ipt: plugin/facts/ipt/dpc_ipt_read.c:3 includes plugin/facts/nft/dpc_nft_read.h; plugin/facts/nft/dpc_nft_read.h:3 includes plugin/facts/ipt/dpc_ipt_read.h"
exit $failed
