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
#include "../nfsim_attr.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: nat, masq or redir; a register of 0 means "not given".
 */
typedef struct {
	/** kind of NAT */
	nfsim_nat_type_t type;
	/** NFPROTO_* of the addresses, 0 if not given */
	uint8_t family;
	/** register offset of the first address */
	uint8_t reg_addr_min;
	/** register offset of the last address */
	uint8_t reg_addr_max;
	/** register offset of the first port */
	uint8_t reg_proto_min;
	/** register offset of the last port */
	uint8_t reg_proto_max;
	/** NF_NAT_RANGE_* */
	uint32_t flags;
} nat_t;

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

/**
 * The address SNAT/DNAT translates to, from the registers.
 */
static void snat_dnat_addr(const nat_t *nat, nfsim_ctx_t *ctx, bool src,
						   nfsim_nat_t *binding)
{
	uint32_t alen = nfsim_addr_len(ctx->family);
	const uint8_t *cur;
	uint8_t max[16];

	cur = src ? nfsim_image_saddr(&ctx->img, ctx->family)
			  : nfsim_image_daddr(&ctx->img, ctx->family);
	if (!nat->reg_addr_min)
	{
		/* ports only: the address stays */
		memcpy(binding->addr, cur, alen);
		binding->addr_known = true;
		return;
	}
	binding->addr_known = nfsim_reg_known(ctx, nat->reg_addr_min, alen);
	memcpy(binding->addr, ctx->regs + nat->reg_addr_min, alen);
	memcpy(max, binding->addr, alen);
	if (nat->reg_addr_max)
	{
		binding->addr_known = binding->addr_known &&
							  nfsim_reg_known(ctx, nat->reg_addr_max, alen);
		memcpy(max, ctx->regs + nat->reg_addr_max, alen);
	}
	if (binding->flags & NFSIM_NAT_NETMAP)
	{
		nfsim_nat_netmap(binding->addr, cur, ctx->regs + nat->reg_addr_min,
						 max, alen);
	}
	else if (memcmp(max, binding->addr, alen))
	{
		binding->flags |= NFSIM_NAT_ADDR_RANGE;
		memcpy(binding->addr_max, max, alen);
	}
}

/**
 * The ports translated to, from the registers.
 */
static void nat_ports(const nat_t *nat, nfsim_ctx_t *ctx, nfsim_nat_t *binding)
{
	uint16_t port;

	if (!nfsim_reg_known(ctx, nat->reg_proto_min, 2) ||
		(nat->reg_proto_max && !nfsim_reg_known(ctx, nat->reg_proto_max, 2)))
	{
		/* port from a map that cannot be known */
		binding->flags |= NFSIM_NAT_RANDOM;
		binding->port_min = 1;
		binding->port_max = 65535;
	}
	else
	{
		memcpy(&port, ctx->regs + nat->reg_proto_min, 2);
		binding->port_min = binding->port_max = ntohs(port);
		if (nat->reg_proto_max)
		{
			memcpy(&port, ctx->regs + nat->reg_proto_max, 2);
			binding->port_max = ntohs(port);
		}
	}
	binding->flags |= NFSIM_NAT_PORTS;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nat_t *nat = nfsim_expr_data(e);
	uint8_t pf = ctx->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	nfsim_nat_t binding;

	if (!nfsim_nat_hook_ok(nat->type, ctx->hook))
	{
		nfsim_undecidable(ctx);
		return;
	}
	if (nat->family && nat->family != NFPROTO_INET && nat->family != pf)
	{
		/* "snat ip to ..." in an inet table leaves IPv6 alone */
		return;
	}
	memset(&binding, 0, sizeof(binding));
	binding.type = nat->type;
	binding.rule = ctx->rule;
	binding.flags = nfsim_nat_flags(nat->flags) & ~NFSIM_NAT_PORTS;
	switch (nat->type)
	{
		case NFSIM_NAT_SNAT:
		case NFSIM_NAT_DNAT:
			snat_dnat_addr(nat, ctx, nat->type == NFSIM_NAT_SNAT, &binding);
			break;
		case NFSIM_NAT_MASQUERADE:
			binding.addr_known = nfsim_masq_source(ctx->pkt, binding.addr);
			break;
		case NFSIM_NAT_REDIRECT:
			binding.addr_known = nfsim_redirect_addr(ctx, binding.addr);
			break;
		default:
			break;
	}
	if (nat->reg_proto_min)
	{
		nat_ports(nat, ctx, &binding);
	}
	ctx->nat = binding;
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
	const nat_t *nat = nfsim_expr_data(e);
	static const char *names[] = {
		[NFSIM_NAT_SNAT] = "snat",
		[NFSIM_NAT_DNAT] = "dnat",
		[NFSIM_NAT_MASQUERADE] = "masquerade",
		[NFSIM_NAT_REDIRECT] = "redirect",
	};
	uint8_t fam = nat->family == NFPROTO_IPV6 ? AF_INET6 :
				  (nat->family == NFPROTO_IPV4 ? AF_INET :
				   (r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET));
	uint32_t f = nat->flags;

	nfsim_render_space(r);
	nfsim_render_printf(r, "%s", nat->type <= NFSIM_NAT_REDIRECT ?
						names[nat->type] : "nat");
	if (r->table_family == NFPROTO_INET && nat->family)
	{
		nfsim_render_printf(r, " %s",
							nat->family == NFPROTO_IPV6 ? "ip6" : "ip");
	}
	if (nat->reg_addr_min || nat->reg_proto_min)
	{
		nfsim_render_printf(r, " to ");
	}
	if (f & NF_NAT_RANGE_NETMAP)
	{
		nfsim_render_printf(r, "prefix ");
	}
	if (nat->reg_addr_min)
	{
		if (fam == AF_INET6 && nat->reg_proto_min)
		{
			nfsim_render_printf(r, "[");
		}
		render_const(r, nat->reg_addr_min, true, fam);
		if (nat->reg_addr_max && nat->reg_addr_max != nat->reg_addr_min)
		{
			nfsim_render_printf(r, "-");
			render_const(r, nat->reg_addr_max, true, fam);
		}
		if (fam == AF_INET6 && nat->reg_proto_min)
		{
			nfsim_render_printf(r, "]");
		}
	}
	if (nat->reg_proto_min)
	{
		nfsim_render_printf(r, ":");
		render_const(r, nat->reg_proto_min, false, fam);
		if (nat->reg_proto_max && nat->reg_proto_max != nat->reg_proto_min)
		{
			nfsim_render_printf(r, "-");
			render_const(r, nat->reg_proto_max, false, fam);
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
	nat_t *nat;

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
	nat = nfsim_rule_push(rule, &nfsim_expr_nat_ops);
	if (!nat)
	{
		return false;
	}
	nat->type = type;
	nat->family = family;
	nat->reg_addr_min = amin;
	nat->reg_addr_max = amax;
	nat->reg_proto_min = pmin;
	nat->reg_proto_max = pmax;
	nat->flags = flags;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode_nat(nfsim_rule_t *rule, const char *name, uint8_t family,
					   const nfsim_attr_tb_t *tb)
{
	uint32_t type, nfproto;

	if (!nfsim_attr_u32(tb->tb[NFTA_NAT_TYPE], &type) ||
		!nfsim_attr_u32(tb->tb[NFTA_NAT_FAMILY], &nfproto) ||
		(type != NFT_NAT_SNAT && type != NFT_NAT_DNAT) || nfproto > 255)
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_nat(rule, type == NFT_NAT_SNAT ? NFSIM_NAT_SNAT : NFSIM_NAT_DNAT,
				  nfproto, nfsim_attr_reg(tb, NFTA_NAT_REG_ADDR_MIN),
				  nfsim_attr_reg(tb, NFTA_NAT_REG_ADDR_MAX),
				  nfsim_attr_reg(tb, NFTA_NAT_REG_PROTO_MIN),
				  nfsim_attr_reg(tb, NFTA_NAT_REG_PROTO_MAX),
				  nfsim_attr_u32_or(tb->tb[NFTA_NAT_FLAGS], 0));
}

static void decode_masq(nfsim_rule_t *rule, const char *name, uint8_t family,
						const nfsim_attr_tb_t *tb)
{
	nfsim_add_nat(rule, NFSIM_NAT_MASQUERADE, 0, 0, 0,
				  nfsim_attr_reg(tb, NFTA_MASQ_REG_PROTO_MIN),
				  nfsim_attr_reg(tb, NFTA_MASQ_REG_PROTO_MAX),
				  nfsim_attr_u32_or(tb->tb[NFTA_MASQ_FLAGS], 0));
}

static void decode_redir(nfsim_rule_t *rule, const char *name, uint8_t family,
						 const nfsim_attr_tb_t *tb)
{
	nfsim_add_nat(rule, NFSIM_NAT_REDIRECT, 0, 0, 0,
				  nfsim_attr_reg(tb, NFTA_REDIR_REG_PROTO_MIN),
				  nfsim_attr_reg(tb, NFTA_REDIR_REG_PROTO_MAX),
				  nfsim_attr_u32_or(tb->tb[NFTA_REDIR_FLAGS], 0));
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "nat", decode_nat },
	{ "masq", decode_masq },
	{ "redir", decode_redir },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_nat_ops = {
	.name = "nat",
	.data_len = sizeof(nat_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
