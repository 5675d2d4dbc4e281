/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * fib: FIB lookups. Answered where the packet description knows the
 * answer (reverse path check result, the route's output interface, address
 * types of local addresses), unknown otherwise.
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>

/**
 * Private data: a FIB lookup.
 */
typedef struct {
	/** NFT_FIB_RESULT_* */
	uint32_t result;
	/** NFTA_FIB_F_* */
	uint32_t flags;
	/** destination register offset */
	uint8_t dreg;
} fib_t;

/**
 * Address type, restricted to a device if asked to.
 */
static uint8_t addrtype(const nfsim_ctx_t *ctx, const uint8_t *addr,
						const char *dev)
{
	const nfsim_packet_t *p = ctx->pkt;
	uint8_t t = nfsim_addr_type(p, ctx->family, addr);
	size_t i;

	if (t != RTN_LOCAL || !dev)
	{
		return t;
	}
	for (i = 0; p->addrs && i < p->addr_count; i++)
	{
		if (p->addrs[i].family == ctx->family &&
			memcmp(p->addrs[i].addr, addr, nfsim_addr_len(ctx->family)) == 0)
		{
			return strcmp(p->addrs[i].ifname, dev) == 0 ? RTN_LOCAL
														: RTN_UNICAST;
		}
	}
	return 0;
}

/**
 * Store an output interface result (index, name or presence).
 */
static void store_oif(const fib_t *fib, nfsim_ctx_t *ctx, bool found,
					  const char *name, uint32_t index, bool index_known)
{
	char buf[IF_NAMESIZE] = "";
	uint8_t dreg = fib->dreg;

	if (fib->flags & NFTA_FIB_F_PRESENT)
	{
		nfsim_reg_store8(ctx, dreg, found);
		return;
	}
	if (fib->result == NFT_FIB_RESULT_OIFNAME)
	{
		if (found)
		{
			strncpy(buf, name, sizeof(buf) - 1);
		}
		nfsim_reg_store(ctx, dreg, buf, IF_NAMESIZE);
		return;
	}
	if (!found)
	{
		nfsim_reg_store32(ctx, dreg, 0);
	}
	else if (index_known)
	{
		nfsim_reg_store32(ctx, dreg, index);
	}
	else
	{
		nfsim_reg_store_unknown(ctx, dreg, 4);
	}
}

static uint32_t result_len(uint32_t result, uint32_t flags)
{
	if (flags & NFTA_FIB_F_PRESENT)
	{
		return 1;
	}
	return result == NFT_FIB_RESULT_OIFNAME ? IF_NAMESIZE : 4;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const fib_t *fib = nfsim_expr_data(e);
	const nfsim_packet_t *p = ctx->pkt;
	uint32_t flags = fib->flags;
	const uint8_t *addr;
	const char *dev = NULL;
	uint8_t t;

	addr = (flags & NFTA_FIB_F_SADDR) ? nfsim_image_saddr(&ctx->img, ctx->family)
									  : nfsim_image_daddr(&ctx->img, ctx->family);
	if (fib->result == NFT_FIB_RESULT_ADDRTYPE)
	{
		if (flags & NFTA_FIB_F_IIF)
		{
			dev = (p->known & NFSIM_PKT_IIF) ? p->iif : NULL;
		}
		else if (flags & NFTA_FIB_F_OIF)
		{
			dev = (p->known & NFSIM_PKT_OIF) ? p->oif : NULL;
		}
		if ((flags & (NFTA_FIB_F_IIF | NFTA_FIB_F_OIF)) && !dev)
		{
			nfsim_reg_store_unknown(ctx, fib->dreg, 4);
			return;
		}
		t = addrtype(ctx, addr, dev);
		if (t)
		{
			nfsim_reg_store32(ctx, fib->dreg, t);
		}
		else
		{
			nfsim_reg_store_unknown(ctx, fib->dreg, 4);
		}
		return;
	}
	if (fib->result != NFT_FIB_RESULT_OIF &&
		fib->result != NFT_FIB_RESULT_OIFNAME)
	{
		nfsim_undecidable(ctx);
		return;
	}
	if ((flags & NFTA_FIB_F_SADDR) && (flags & NFTA_FIB_F_IIF) &&
		(p->known & NFSIM_PKT_RPF) && (p->known & NFSIM_PKT_IIF))
	{
		/* reverse path lookup: found on iif if the check passes */
		store_oif(fib, ctx, p->rpf_ok, p->iif, p->iif_index,
				  (p->known & NFSIM_PKT_IIF_INDEX) != 0);
		return;
	}
	if ((flags & NFTA_FIB_F_DADDR) && !(flags & NFTA_FIB_F_MARK) &&
		(ctx->hook == NFSIM_HOOK_PREROUTING || ctx->hook == NFSIM_HOOK_FORWARD) &&
		(p->known & NFSIM_PKT_OIF) && p->oif[0] &&
		addrtype(ctx, addr, NULL) == RTN_UNICAST)
	{
		/* the route of a forwarded packet is the one it takes */
		store_oif(fib, ctx, true, p->oif, p->oif_index,
				  (p->known & NFSIM_PKT_OIF_INDEX) != 0);
		return;
	}
	nfsim_reg_store_unknown(ctx, fib->dreg, result_len(fib->result, flags));
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const fib_t *fib = nfsim_expr_data(e);
	static const char *results[] = {
		[NFT_FIB_RESULT_OIF] = "oif",
		[NFT_FIB_RESULT_OIFNAME] = "oifname",
		[NFT_FIB_RESULT_ADDRTYPE] = "type",
	};
	const char *res = fib->result < 4 && results[fib->result] ?
					  results[fib->result] : "?";
	uint32_t f = fib->flags;
	char what[64];
	nfsim_vtype_t vt;

	snprintf(what, sizeof(what), "fib %s%s%s%s%s%s",
			 (f & NFTA_FIB_F_SADDR) ? "saddr" : "daddr",
			 (f & NFTA_FIB_F_MARK) ? " . mark" : "",
			 (f & NFTA_FIB_F_IIF) ? " . iif" : "",
			 (f & NFTA_FIB_F_OIF) ? " . oif" : "", " ", res);
	if (f & NFTA_FIB_F_PRESENT)
	{
		vt = NFSIM_VT_BOOL;
	}
	else if (fib->result == NFT_FIB_RESULT_ADDRTYPE)
	{
		vt = NFSIM_VT_ADDRTYPE;
	}
	else if (fib->result == NFT_FIB_RESULT_OIFNAME)
	{
		vt = NFSIM_VT_IFNAME;
	}
	else
	{
		vt = NFSIM_VT_DEC;
	}
	nfsim_render_desc(r, fib->dreg, result_len(fib->result, f), vt, "%s",
					  what);
}

bool nfsim_add_fib(nfsim_rule_t *rule, uint32_t result, uint32_t flags,
				   uint32_t dreg)
{
	fib_t *fib;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, result_len(result, flags), &off) ||
		dreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "fib");
		return false;
	}
	fib = nfsim_rule_push(rule, &nfsim_expr_fib_ops);
	if (!fib)
	{
		return false;
	}
	fib->result = result;
	fib->flags = flags;
	fib->dreg = off;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t result, flags;

	if (!nfsim_attr_u32(tb->tb[NFTA_FIB_RESULT], &result) ||
		!nfsim_attr_u32(tb->tb[NFTA_FIB_FLAGS], &flags))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_fib(rule, result, flags, nfsim_attr_reg(tb, NFTA_FIB_DREG));
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "fib", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_fib_ops = {
	.name = "fib",
	.data_len = sizeof(fib_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
