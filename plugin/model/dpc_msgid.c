/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 *
 * The ids are RFC 4122 version 5 UUIDs of each code in the namespace
 * DPC_MSGID_NAMESPACE, written down once: published ids never change, and
 * charon needs no hash for them. tests/unit/msgid_check.py derives every
 * id again and fails on a code the checks emit that has none.
 */

#include "dpc_msgid.h"

#include <string.h>

/** MESSAGE_ID of every finding code */
static const struct {
	const char *code;
	const char *id;
} msgids[] = {
	{ "nat-detected", "b1127b1307085d759d831e04c54f1f38" },
	{ "ts-narrowed", "4a28dd46175453fc8875853bf1220ccc" },
	{ "ts-unprotected", "b5ec3072ce915d8b9d19780aa0fd47c7" },
	{ "ts-mismatch", "6988960433ac56b881da1764008af7d6" },
	{ "child-install-failed", "dd0f30bc422b569a861005197cf1e305" },
	{ "child-proposal-mismatch", "bbf9d28333745011acef0531d1ca2710" },
	{ "forwarding-disabled", "a9f58affecea5f5889d995ca968b0c8f" },
	{ "route-missing", "d1065f39c2185659bf6da78c2af0db26" },
	{ "inbound-undeliverable", "2d1baa9ddc32558cbd2919adfe8d6a2c" },
	{ "keepalive-off", "826bbbeb2b49585d95d91f3b263014ed" },
	{ "keepalive-slow", "b79d02e0744758828af38891f3818a34" },
	{ "rekey-churn", "e20c074bf7765616bf39806646b0e148" },
	{ "dpd-off-behind-nat", "8e3d74381cd75192ad9375cee1a7457a" },
	{ "nat-mapping-changed", "e3da2af4901759158cc36146ebb3d36e" },
	{ "natt-port-blocked", "2137fccc22a55687805b2bfe216c3e41" },
	{ "traffic-one-way-out", "4e0283519eae5e0c9c6cb6e596dad5ac" },
	{ "traffic-one-way-in", "f32a195e03fc5f37aca934963ab43f0a" },
	{ "traffic-none", "dadc7d7416f054448ea4645981dadc60" },
	{ "traffic-stopped-after-rekey", "de3c6dcfeb24574aa94d0054e02b40ff" },
	{ "conntrack-udp-timeout", "38da8592168557a2bea05b0494c0ca29" },
	{ "xfrm-policy-missing", "8607000c06a05567afe21470a5b85cf1" },
	{ "xfrm-policy-shadowed", "70a89732f02453209f461b27062fe884" },
	{ "xfrm-state-missing", "e861d87fd4505787a62b8b70ef61b533" },
	{ "xfrm-errors", "ace2c76e05365660a4d557e0acc2739e" },
	{ "nat-before-ipsec", "c4c883b4ad575f2faa8aaab66e32956b" },
	{ "nat-hides-source", "788bdd0d1b0250de95aed67383dc6307" },
	{ "nat-rewrites-ike", "1ea29c83968e54659002564dec03b40d" },
	{ "filter-blocks-forward", "ec720ba2181a5cfe8f812a793be3e2fb" },
	{ "filter-blocks-ike", "85985fe83d6a54e2a5a0abafb66e4106" },
	{ "filter-blocks-pmtu", "4cbe7e3198635f4f82f949d297fd80b8" },
	{ "mtu-blackhole-risk", "70b22aa7270e534aa976cf31fadf3158" },
	{ "iptables-mixed-backends", "3beed9fc3fc958018e19769771e577de" },
	{ "ruleset-uncertain", "30dce22269d25c33bf77ce3ae7acd50c" },
	{ "route-policy-table", "a2f2afea988d529f83b00a19df95bf26" },
	{ "source-outside-ts", "5b3cd291f53253668121595e51b3049a" },
	{ "rp-filter-drop", "bdfece5f17a65b8883c6431697c0e696" },
	{ "ts-overlap-local", "6fa8ef316fb25d1da7d84050e84a1352" },
	{ "route-bypasses-tunnel", "335a02f4f98255d6a3fdf4d3a2d36d56" },
	{ "ts-overlap-tunnel", "c2175873ad2a56c8afd07d48fb153043" },
};

/*
 * Described in header
 */
const char *dpc_msgid(const char *code)
{
	size_t i;

	for (i = 0; code && i < sizeof(msgids) / sizeof(msgids[0]); i++)
	{
		if (strcmp(msgids[i].code, code) == 0)
		{
			return msgids[i].id;
		}
	}
	return NULL;
}
