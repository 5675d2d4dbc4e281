/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * nat, masq, redir: set up a NAT binding and accept (the kernel's
 * nft_nat.c, nft_masq.c and nft_redir.c share this model).
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

bool nfsim_nat_hook_ok(nfsim_nat_type_t type, nfsim_hook_t hook)
{
	switch (type)
	{
		case NFSIM_NAT_SNAT:
		case NFSIM_NAT_MASQUERADE:
			return hook == NFSIM_HOOK_POSTROUTING || hook == NFSIM_HOOK_INPUT;
		case NFSIM_NAT_DNAT:
		case NFSIM_NAT_REDIRECT:
			return hook == NFSIM_HOOK_PREROUTING || hook == NFSIM_HOOK_OUTPUT;
		default:
			return false;
	}
}

uint32_t nfsim_nat_flags(uint32_t f)
{
	uint32_t out = 0;

	if (f & NF_NAT_RANGE_PROTO_SPECIFIED)
	{
		out |= NFSIM_NAT_PORTS;
	}
	if (f & NF_NAT_RANGE_PROTO_RANDOM)
	{
		out |= NFSIM_NAT_RANDOM;
	}
	if (f & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
	{
		out |= NFSIM_NAT_RANDOM_FULLY;
	}
	if (f & NF_NAT_RANGE_PERSISTENT)
	{
		out |= NFSIM_NAT_PERSISTENT;
	}
	if (f & NF_NAT_RANGE_NETMAP)
	{
		out |= NFSIM_NAT_NETMAP;
	}
	return out;
}

void nfsim_nat_netmap(uint8_t *addr, const uint8_t *cur, const uint8_t *min,
					  const uint8_t *max, uint32_t alen)
{
	uint32_t i;

	for (i = 0; i < alen; i++)
	{
		uint8_t mask = ~(min[i] ^ max[i]);

		addr[i] = (cur[i] & ~mask) | (min[i] & mask);
	}
}

bool nfsim_redirect_addr(const nfsim_ctx_t *ctx, uint8_t *addr)
{
	const nfsim_packet_t *p = ctx->pkt;
	size_t i;

	if (ctx->hook == NFSIM_HOOK_OUTPUT)
	{
		memset(addr, 0, 16);
		if (ctx->family == AF_INET6)
		{
			addr[15] = 1;
		}
		else
		{
			addr[0] = 127;
			addr[3] = 1;
		}
		return true;
	}
	if (!(p->known & NFSIM_PKT_IIF))
	{
		return false;
	}
	for (i = 0; p->addrs && i < p->addr_count; i++)
	{
		if (p->addrs[i].family == ctx->family &&
			strcmp(p->addrs[i].ifname, p->iif) == 0)
		{
			memcpy(addr, p->addrs[i].addr, nfsim_addr_len(ctx->family));
			return true;
		}
	}
	return false;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	uint32_t alen = nfsim_addr_len(ctx->family);
	uint8_t pf = ctx->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	bool src = e->nat.type == NFSIM_NAT_SNAT ||
			   e->nat.type == NFSIM_NAT_MASQUERADE;
	nfsim_nat_t nat;
	uint16_t port;
	uint8_t max[16];

	if (!nfsim_nat_hook_ok(e->nat.type, ctx->hook))
	{
		nfsim_undecidable(ctx);
		return;
	}
	if (e->nat.family && e->nat.family != NFPROTO_INET && e->nat.family != pf)
	{
		/* "snat ip to ..." in an inet table leaves IPv6 alone */
		return;
	}
	memset(&nat, 0, sizeof(nat));
	nat.type = e->nat.type;
	nat.rule = ctx->rule;
	nat.flags = nfsim_nat_flags(e->nat.flags) & ~NFSIM_NAT_PORTS;
	switch (e->nat.type)
	{
		case NFSIM_NAT_SNAT:
		case NFSIM_NAT_DNAT:
			if (!e->nat.reg_addr_min)
			{
				/* ports only: the address stays */
				memcpy(nat.addr, src ? nfsim_image_saddr(&ctx->img, ctx->family)
									 : nfsim_image_daddr(&ctx->img, ctx->family),
					   alen);
				nat.addr_known = true;
				break;
			}
			nat.addr_known = nfsim_reg_known(ctx, e->nat.reg_addr_min, alen);
			memcpy(nat.addr, ctx->regs + e->nat.reg_addr_min, alen);
			memcpy(max, nat.addr, alen);
			if (e->nat.reg_addr_max)
			{
				nat.addr_known = nat.addr_known &&
								 nfsim_reg_known(ctx, e->nat.reg_addr_max, alen);
				memcpy(max, ctx->regs + e->nat.reg_addr_max, alen);
			}
			if (nat.flags & NFSIM_NAT_NETMAP)
			{
				nfsim_nat_netmap(nat.addr, src ?
							nfsim_image_saddr(&ctx->img, ctx->family) :
							nfsim_image_daddr(&ctx->img, ctx->family),
							ctx->regs + e->nat.reg_addr_min, max, alen);
			}
			else if (memcmp(max, nat.addr, alen))
			{
				nat.flags |= NFSIM_NAT_ADDR_RANGE;
				memcpy(nat.addr_max, max, alen);
			}
			break;
		case NFSIM_NAT_MASQUERADE:
			nat.addr_known = nfsim_masq_source(ctx->pkt, nat.addr);
			break;
		case NFSIM_NAT_REDIRECT:
			nat.addr_known = nfsim_redirect_addr(ctx, nat.addr);
			break;
		default:
			break;
	}
	if (e->nat.reg_proto_min)
	{
		if (!nfsim_reg_known(ctx, e->nat.reg_proto_min, 2) ||
			(e->nat.reg_proto_max &&
			 !nfsim_reg_known(ctx, e->nat.reg_proto_max, 2)))
		{
			/* port from a map that cannot be known */
			nat.flags |= NFSIM_NAT_RANDOM;
			nat.port_min = 1;
			nat.port_max = 65535;
		}
		else
		{
			memcpy(&port, ctx->regs + e->nat.reg_proto_min, 2);
			nat.port_min = nat.port_max = ntohs(port);
			if (e->nat.reg_proto_max)
			{
				memcpy(&port, ctx->regs + e->nat.reg_proto_max, 2);
				nat.port_max = ntohs(port);
			}
		}
		nat.flags |= NFSIM_NAT_PORTS;
	}
	ctx->nat = nat;
	ctx->verdict = NF_ACCEPT;
}

/**
 * Render a constant register as address or port.
 */
static void render_const(nfsim_render_t *r, uint8_t off, bool addr,
						 uint8_t family)
{
	nfsim_rdesc_t *d = off ? nfsim_render_get(r, off) : NULL;

	if (!d || !d->is_const)
	{
		nfsim_render_regname(r, off, addr ? nfsim_addr_len(family) : 2);
		return;
	}
	if (addr)
	{
		nfsim_render_addr(r, family, d->cval);
	}
	else
	{
		nfsim_render_printf(r, "%u", (d->cval[0] << 8) | d->cval[1]);
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	static const char *names[] = {
		[NFSIM_NAT_SNAT] = "snat",
		[NFSIM_NAT_DNAT] = "dnat",
		[NFSIM_NAT_MASQUERADE] = "masquerade",
		[NFSIM_NAT_REDIRECT] = "redirect",
	};
	uint8_t fam = e->nat.family == NFPROTO_IPV6 ? AF_INET6 :
				  (e->nat.family == NFPROTO_IPV4 ? AF_INET :
				   (r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET));
	uint32_t f = e->nat.flags;

	nfsim_render_space(r);
	nfsim_render_printf(r, "%s", e->nat.type <= NFSIM_NAT_REDIRECT ?
						names[e->nat.type] : "nat");
	if (r->table_family == NFPROTO_INET && e->nat.family)
	{
		nfsim_render_printf(r, " %s", e->nat.family == NFPROTO_IPV6 ? "ip6" : "ip");
	}
	if (e->nat.reg_addr_min || e->nat.reg_proto_min)
	{
		nfsim_render_printf(r, " to ");
	}
	if (f & NF_NAT_RANGE_NETMAP)
	{
		nfsim_render_printf(r, "prefix ");
	}
	if (e->nat.reg_addr_min)
	{
		if (fam == AF_INET6 && e->nat.reg_proto_min)
		{
			nfsim_render_printf(r, "[");
		}
		render_const(r, e->nat.reg_addr_min, true, fam);
		if (e->nat.reg_addr_max && e->nat.reg_addr_max != e->nat.reg_addr_min)
		{
			nfsim_render_printf(r, "-");
			render_const(r, e->nat.reg_addr_max, true, fam);
		}
		if (fam == AF_INET6 && e->nat.reg_proto_min)
		{
			nfsim_render_printf(r, "]");
		}
	}
	if (e->nat.reg_proto_min)
	{
		nfsim_render_printf(r, ":");
		render_const(r, e->nat.reg_proto_min, false, fam);
		if (e->nat.reg_proto_max && e->nat.reg_proto_max != e->nat.reg_proto_min)
		{
			nfsim_render_printf(r, "-");
			render_const(r, e->nat.reg_proto_max, false, fam);
		}
	}
	if (f & NF_NAT_RANGE_PROTO_RANDOM)
	{
		nfsim_render_printf(r, " random");
	}
	if (f & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
	{
		nfsim_render_printf(r, " fully-random");
	}
	if (f & NF_NAT_RANGE_PERSISTENT)
	{
		nfsim_render_printf(r, " persistent");
	}
}

const nfsim_expr_ops_t nfsim_expr_nat_ops = {
	.name = "nat",
	.eval = eval,
	.render = render,
};

/**
 * Validate an optional register holding len bytes.
 */
static bool opt_reg(uint32_t reg, uint32_t len, uint8_t *off)
{
	*off = 0;
	return reg == 0 || nfsim_reg_offset(reg, len, off);
}

bool nfsim_add_nat(nfsim_rule_t *rule, nfsim_nat_type_t type, uint8_t family,
				   uint32_t reg_addr_min, uint32_t reg_addr_max,
				   uint32_t reg_proto_min, uint32_t reg_proto_max,
				   uint32_t flags)
{
	static const char *names[] = {
		[NFSIM_NAT_SNAT] = "nat",
		[NFSIM_NAT_DNAT] = "nat",
		[NFSIM_NAT_MASQUERADE] = "masq",
		[NFSIM_NAT_REDIRECT] = "redir",
	};
	uint8_t amin, amax, pmin, pmax;
	uint32_t alen = family == NFPROTO_IPV6 ? 16 : 4;
	nfsim_expr_t *e;

	if (type == NFSIM_NAT_NONE || type > NFSIM_NAT_REDIRECT ||
		!opt_reg(reg_addr_min, alen, &amin) ||
		!opt_reg(reg_addr_max, alen, &amax) ||
		!opt_reg(reg_proto_min, 2, &pmin) ||
		!opt_reg(reg_proto_max, 2, &pmax) ||
		((type == NFSIM_NAT_MASQUERADE || type == NFSIM_NAT_REDIRECT) &&
		 reg_addr_min))
	{
		nfsim_add_invalid(rule, type <= NFSIM_NAT_REDIRECT && type ?
						  names[type] : "nat");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_nat_ops);
	if (!e)
	{
		return false;
	}
	e->nat.type = type;
	e->nat.family = family;
	e->nat.reg_addr_min = amin;
	e->nat.reg_addr_max = amax;
	e->nat.reg_proto_min = pmin;
	e->nat.reg_proto_max = pmax;
	e->nat.flags = flags;
	return true;
}
