/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check_mss.h"
#include "dpc_check_nf.h"

#include <netinet/in.h>
#include <stdio.h>

/*
 * Described in header
 */
bool dpc_check_mss(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, char *buf, size_t len)
{
	const nfsim_ruleset_t *rs;
	nfsim_packet_t pkt;
	nfsim_result_t res;
	const dpc_path_t *p;
	char where[128];
	int hook;
	nfsim_hook_t hooks[] = { NFSIM_HOOK_FORWARD, NFSIM_HOOK_POSTROUTING };

	if (!dpc_nf_forwarded(ctx, ike, child, &rs, &p))
	{
		return false;
	}
	for (hook = 0; hook < 2; hook++)
	{
		dpc_nf_outbound(ctx->facts, ike, child, p, NFSIM_CT_NEW, &pkt);
		pkt.proto = IPPROTO_TCP;
		pkt.sport = 40000;
		pkt.dport = 443;
		pkt.tcp_flags = 0x02;
		pkt.tcp_mss = 1460;
		pkt.known |= NFSIM_PKT_TCP_FLAGS | NFSIM_PKT_TCP_MSS;
		nfsim_eval(rs, hooks[hook], &pkt, &res);
		if (res.mss.present)
		{
			nfsim_rule_where(res.mss.rule, where, sizeof(where));
			if (res.mss.mss == NFSIM_MSS_PMTU)
			{
				snprintf(buf, len, "clamp-to-pmtu (%s)", where);
			}
			else
			{
				snprintf(buf, len, "%u (%s)", res.mss.mss, where);
			}
			return true;
		}
	}
	snprintf(buf, len, "none");
	return true;
}
