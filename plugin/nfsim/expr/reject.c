/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * reject: drop, answering with an ICMP error or a TCP reset.
 */

#include "../nfsim_private.h"

#include <linux/netfilter/nf_tables.h>

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	ctx->verdict = NFSIM_V_REJECT;
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	nfsim_render_space(r);
	switch (e->reject.type)
	{
		case NFT_REJECT_TCP_RST:
			nfsim_render_printf(r, "reject with tcp reset");
			break;
		case NFT_REJECT_ICMPX_UNREACH:
			nfsim_render_printf(r, "reject with icmpx %u", e->reject.code);
			break;
		default:
			nfsim_render_printf(r, "reject with %s %u",
								r->family == NFPROTO_IPV6 ? "icmpv6" : "icmp",
								e->reject.code);
			break;
	}
}

const nfsim_expr_ops_t nfsim_expr_reject_ops = {
	.name = "reject",
	.eval = eval,
	.render = render,
};

bool nfsim_add_reject(nfsim_rule_t *rule, uint32_t type, uint8_t code)
{
	nfsim_expr_t *e = nfsim_rule_push(rule, &nfsim_expr_reject_ops);

	if (!e)
	{
		return false;
	}
	e->reject.type = type;
	e->reject.code = code;
	return true;
}
