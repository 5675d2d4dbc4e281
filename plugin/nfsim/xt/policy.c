/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * policy: "-m policy --dir in|out --pol ipsec|none [--strict] [--reqid ..]",
 * judged like xt_policy.c against the SA the packet came through (in) or
 * goes to (out). Only one SA (no nesting) is modelled.
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/xt_policy.h>

/**
 * MATCH() of xt_policy.c over a possibly unknown field.
 */
static nfsim_tri_t field(bool match, bool invert, bool known, bool equal)
{
	if (!match)
	{
		return NFSIM_YES;
	}
	if (!known)
	{
		return NFSIM_UNKNOWN;
	}
	return (equal != invert) ? NFSIM_YES : NFSIM_NO;
}

/**
 * MATCH_ADDR() of xt_policy.c.
 */
static nfsim_tri_t addr(bool match, bool invert, bool known, uint8_t family,
						const uint8_t *want, const uint8_t *mask,
						const uint8_t *have)
{
	static const uint8_t none[16];

	if (!match)
	{
		return NFSIM_YES;
	}
	if (!known)
	{
		return NFSIM_UNKNOWN;
	}
	return nfsim_tri_inv(nfsim_addr_match(have, none, want, mask,
										  nfsim_addr_len(family)), invert);
}

/**
 * match_xfrm_state(): one policy element against the SA.
 */
static nfsim_tri_t match_state(const struct xt_policy_elem *e,
							   const nfsim_xfrm_t *sa, uint8_t family)
{
	uint8_t fam = sa->family ? sa->family : family;
	bool addrs = (sa->known & NFSIM_XFRM_ADDRS) != 0;
	nfsim_tri_t res = NFSIM_YES;

	res = nfsim_tri_and(res, addr(e->match.saddr, e->invert.saddr, addrs, fam,
								  (const uint8_t*)&e->saddr,
								  (const uint8_t*)&e->smask, sa->saddr));
	res = nfsim_tri_and(res, addr(e->match.daddr, e->invert.daddr, addrs, fam,
								  (const uint8_t*)&e->daddr,
								  (const uint8_t*)&e->dmask, sa->daddr));
	res = nfsim_tri_and(res, field(e->match.proto, e->invert.proto,
								   sa->known & NFSIM_XFRM_PROTO,
								   e->proto == sa->proto));
	res = nfsim_tri_and(res, field(e->match.mode, e->invert.mode,
								   sa->known & NFSIM_XFRM_MODE,
								   e->mode == (sa->tunnel ? XT_POLICY_MODE_TUNNEL
														  : XT_POLICY_MODE_TRANSPORT)));
	res = nfsim_tri_and(res, field(e->match.spi, e->invert.spi,
								   sa->known & NFSIM_XFRM_SPI,
								   e->spi == htonl(sa->spi)));
	res = nfsim_tri_and(res, field(e->match.reqid, e->invert.reqid,
								   sa->known & NFSIM_XFRM_REQID,
								   e->reqid == sa->reqid));
	return res;
}

static void eval(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_policy_info info;
	const nfsim_xfrm_t *sa;
	bool in, strict;
	nfsim_tri_t ret;

	memcpy(&info, xt->info, sizeof(info));
	in = info.flags & XT_POLICY_MATCH_IN;
	strict = info.flags & XT_POLICY_MATCH_STRICT;
	sa = in ? &ctx->pkt->xfrm_in : &ctx->pkt->xfrm_out;
	if (in ? (ctx->hook == NFSIM_HOOK_INPUT || ctx->hook == NFSIM_HOOK_FORWARD ||
			  ctx->hook == NFSIM_HOOK_PREROUTING)
		   : (ctx->hook == NFSIM_HOOK_OUTPUT || ctx->hook == NFSIM_HOOK_FORWARD ||
			  ctx->hook == NFSIM_HOOK_POSTROUTING))
	{
		if (!sa->present)
		{
			/* no policy: only "--pol none" matches */
			nfsim_xt_result(ctx, (info.flags & XT_POLICY_MATCH_NONE) ?
							NFSIM_YES : NFSIM_NO);
			return;
		}
		if (info.len == 0 || info.len > XT_POLICY_MAX_ELEM)
		{
			ret = NFSIM_NO;
		}
		else
		{
			ret = match_state(&info.pol[0], sa, ctx->family);
			if (strict && info.len != 1)
			{
				ret = NFSIM_NO;
			}
		}
		if (info.flags & XT_POLICY_MATCH_NONE)
		{
			ret = NFSIM_NO;
		}
		nfsim_xt_result(ctx, ret);
		return;
	}
	/* the kernel refuses the rule for this hook */
	nfsim_undecidable(ctx);
}

static void render(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_policy_info info;
	unsigned i;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "--dir %s --pol %s",
						(info.flags & XT_POLICY_MATCH_IN) ? "in" : "out",
						(info.flags & XT_POLICY_MATCH_NONE) ? "none" : "ipsec");
	if (info.flags & XT_POLICY_MATCH_STRICT)
	{
		nfsim_render_printf(r, " --strict");
	}
	for (i = 0; i < info.len && i < XT_POLICY_MAX_ELEM; i++)
	{
		const struct xt_policy_elem *p = &info.pol[i];
		uint8_t fam = r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;

		if (i)
		{
			nfsim_render_printf(r, " --next");
		}
		if (p->match.reqid)
		{
			nfsim_render_printf(r, " %s--reqid %u", p->invert.reqid ? "! " : "",
								p->reqid);
		}
		if (p->match.spi)
		{
			nfsim_render_printf(r, " %s--spi 0x%x", p->invert.spi ? "! " : "",
								ntohl(p->spi));
		}
		if (p->match.proto)
		{
			const char *pn = nfsim_proto_name(p->proto);

			nfsim_render_printf(r, " %s--proto ", p->invert.proto ? "! " : "");
			if (pn)
			{
				nfsim_render_printf(r, "%s", pn);
			}
			else
			{
				nfsim_render_printf(r, "%u", p->proto);
			}
		}
		if (p->match.mode)
		{
			nfsim_render_printf(r, " %s--mode %s", p->invert.mode ? "! " : "",
								p->mode == XT_POLICY_MODE_TUNNEL ? "tunnel"
																 : "transport");
		}
		if (p->match.saddr)
		{
			nfsim_render_printf(r, " %s--tunnel-src ", p->invert.saddr ? "! " : "");
			nfsim_render_addr(r, fam, (const uint8_t*)&p->saddr);
		}
		if (p->match.daddr)
		{
			nfsim_render_printf(r, " %s--tunnel-dst ", p->invert.daddr ? "! " : "");
			nfsim_render_addr(r, fam, (const uint8_t*)&p->daddr);
		}
	}
}

const nfsim_xt_type_t nfsim_xt_policy_types[] = {
	{ .name = "policy", .rev = 0, .size = sizeof(struct xt_policy_info),
	  .eval = eval, .render = render },
	{ .name = NULL },
};
