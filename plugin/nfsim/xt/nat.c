/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * NAT targets: MASQUERADE, SNAT, DNAT, REDIRECT, NETMAP in their IPv4
 * compat (nf_nat_ipv4_multi_range_compat), nf_nat_range and nf_nat_range2
 * layouts.
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>

/**
 * A NAT range in one shape.
 */
typedef struct {
	uint32_t flags;
	uint8_t min[16], max[16];
	uint16_t pmin, pmax;
} range_t;

/**
 * Decode a blob: the IPv4 compat layout for revision 0 of IPv4 targets,
 * nf_nat_range(2) otherwise (their common prefix).
 *
 * @return			false if malformed
 */
static bool decode(const nfsim_xt_t *xt, range_t *r)
{
	memset(r, 0, sizeof(*r));
	if (xt->rev == 0 && xt->family != NFPROTO_IPV6)
	{
		struct nf_nat_ipv4_multi_range_compat c;

		memcpy(&c, xt->info, sizeof(c));
		if (c.rangesize != 1)
		{
			return false;
		}
		r->flags = c.range[0].flags;
		memcpy(r->min, &c.range[0].min_ip, 4);
		memcpy(r->max, &c.range[0].max_ip, 4);
		r->pmin = ntohs(c.range[0].min.all);
		r->pmax = ntohs(c.range[0].max.all);
		return true;
	}
	else
	{
		struct nf_nat_range n;

		memcpy(&n, xt->info, sizeof(n));
		r->flags = n.flags;
		memcpy(r->min, &n.min_addr, 16);
		memcpy(r->max, &n.max_addr, 16);
		r->pmin = ntohs(n.min_proto.all);
		r->pmax = ntohs(n.max_proto.all);
		return true;
	}
}

/**
 * NAT kind of a target at the current hook.
 */
static nfsim_nat_type_t kind(const nfsim_xt_t *xt, nfsim_hook_t hook)
{
	switch (xt->name[0])
	{
		case 'M':
			return NFSIM_NAT_MASQUERADE;
		case 'S':
			return NFSIM_NAT_SNAT;
		case 'D':
			return NFSIM_NAT_DNAT;
		case 'R':
			return NFSIM_NAT_REDIRECT;
		default:
			/* NETMAP: source in postrouting/input, destination else */
			return hook == NFSIM_HOOK_POSTROUTING || hook == NFSIM_HOOK_INPUT ?
				   NFSIM_NAT_SNAT : NFSIM_NAT_DNAT;
	}
}

static void eval(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	range_t r;

	if (!decode(xt, &r))
	{
		nfsim_undecidable(ctx);
		return;
	}
	if (xt->name[0] == 'N')
	{
		r.flags |= NF_NAT_RANGE_NETMAP | NF_NAT_RANGE_MAP_IPS;
	}
	nfsim_xt_nat(ctx, kind(xt, ctx->hook), r.flags, r.min, r.max, r.pmin,
				 r.pmax);
}

static void render(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	uint8_t fam = xt->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	bool masq = xt->name[0] == 'M' || xt->name[0] == 'R';
	bool netmap = xt->name[0] == 'N';
	size_t mark = r->pos;
	range_t n;

	if (!decode(xt, &n))
	{
		nfsim_render_printf(r, "[malformed]");
		return;
	}
	if (masq)
	{
		if (n.flags & NF_NAT_RANGE_PROTO_SPECIFIED)
		{
			nfsim_render_printf(r, "--to-ports %u", n.pmin);
			if (n.pmax != n.pmin)
			{
				nfsim_render_printf(r, "-%u", n.pmax);
			}
		}
	}
	else if (netmap)
	{
		nfsim_render_printf(r, "--to ");
		nfsim_render_addr(r, fam, n.min);
	}
	else
	{
		nfsim_render_printf(r, "--to-%s ", xt->name[0] == 'S' ? "source"
																: "destination");
		if (n.flags & NF_NAT_RANGE_MAP_IPS)
		{
			nfsim_render_addr(r, fam, n.min);
			if (memcmp(n.min, n.max, nfsim_addr_len(fam)))
			{
				nfsim_render_printf(r, "-");
				nfsim_render_addr(r, fam, n.max);
			}
		}
		if (n.flags & NF_NAT_RANGE_PROTO_SPECIFIED)
		{
			nfsim_render_printf(r, ":%u", n.pmin);
			if (n.pmax != n.pmin)
			{
				nfsim_render_printf(r, "-%u", n.pmax);
			}
		}
	}
	if (n.flags & NF_NAT_RANGE_PROTO_RANDOM)
	{
		nfsim_render_printf(r, "%s--random", r->pos > mark ? " " : "");
	}
	if (n.flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
	{
		nfsim_render_printf(r, "%s--random-fully", r->pos > mark ? " " : "");
	}
	if (n.flags & NF_NAT_RANGE_PERSISTENT)
	{
		nfsim_render_printf(r, "%s--persistent", r->pos > mark ? " " : "");
	}
}

#define COMPAT sizeof(struct nf_nat_ipv4_multi_range_compat)
#define RANGE sizeof(struct nf_nat_range)
#define RANGE2 sizeof(struct nf_nat_range2)

const nfsim_xt_type_t nfsim_xt_nat_types[] = {
	{ "MASQUERADE", 0, NFPROTO_IPV4, true, COMPAT, eval, render, 0, 0 },
	{ "MASQUERADE", 0, NFPROTO_IPV6, true, RANGE, eval, render, 0, 0 },
	{ "SNAT", 0, NFPROTO_IPV4, true, COMPAT, eval, render, 0, 0 },
	{ "DNAT", 0, NFPROTO_IPV4, true, COMPAT, eval, render, 0, 0 },
	{ "SNAT", 1, 0, true, RANGE, eval, render, 0, 0 },
	{ "DNAT", 1, 0, true, RANGE, eval, render, 0, 0 },
	{ "SNAT", 2, 0, true, RANGE2, eval, render, 0, 0 },
	{ "DNAT", 2, 0, true, RANGE2, eval, render, 0, 0 },
	{ "REDIRECT", 0, NFPROTO_IPV4, true, COMPAT, eval, render, 0, 0 },
	{ "REDIRECT", 0, NFPROTO_IPV6, true, RANGE, eval, render, 0, 0 },
	{ "NETMAP", 0, NFPROTO_IPV4, true, COMPAT, eval, render, 0, 0 },
	{ "NETMAP", 0, NFPROTO_IPV6, true, RANGE, eval, render, 0, 0 },
	{ NULL, 0, 0, false, 0, NULL, NULL, 0, 0 },
};
