/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * xt: an xtables match or target with its info blob (iptables-nft's
 * "match"/"target" expressions and iptables-legacy's entries). The
 * extensions themselves live under xt/.
 */

#include "../nfsim_xt.h"
#include "../nfsim_attr.h"

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

static const nfsim_xt_type_t *const tables[] = {
	nfsim_xt_policy_types,
	nfsim_xt_nat_types,
	nfsim_xt_tcpmss_types,
	nfsim_xt_conntrack_types,
	nfsim_xt_ports_types,
	nfsim_xt_misc_types,
	nfsim_xt_packet_types,
};

const nfsim_xt_type_t *nfsim_xt_find(const char *name, uint8_t rev,
									 bool target, uint8_t family)
{
	const nfsim_xt_type_t *t;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
	{
		for (t = tables[i]; t->name; t++)
		{
			if (t->target == target && strcmp(t->name, name) == 0 &&
				(t->rev < 0 || t->rev == rev) &&
				(!t->family || t->family == family))
			{
				return t;
			}
		}
	}
	return NULL;
}

void nfsim_xt_result(nfsim_ctx_t *ctx, nfsim_tri_t res)
{
	switch (res)
	{
		case NFSIM_YES:
			break;
		case NFSIM_NO:
			ctx->verdict = NFT_BREAK;
			break;
		default:
			nfsim_unknown(ctx, false);
			break;
	}
}

nfsim_tri_t nfsim_tri_and(nfsim_tri_t a, nfsim_tri_t b)
{
	if (a == NFSIM_NO || b == NFSIM_NO)
	{
		return NFSIM_NO;
	}
	if (a == NFSIM_UNKNOWN || b == NFSIM_UNKNOWN)
	{
		return NFSIM_UNKNOWN;
	}
	return NFSIM_YES;
}

nfsim_tri_t nfsim_tri_inv(nfsim_tri_t a, bool inv)
{
	if (a == NFSIM_UNKNOWN || !inv)
	{
		return a;
	}
	return a == NFSIM_YES ? NFSIM_NO : NFSIM_YES;
}

bool nfsim_xt_ports(const nfsim_ctx_t *ctx, uint16_t *sport, uint16_t *dport)
{
	uint8_t d[4], u[4];

	if (!nfsim_image_read(&ctx->img, ctx->img.thoff, 4, d, u) ||
		u[0] || u[1] || u[2] || u[3])
	{
		return false;
	}
	*sport = (d[0] << 8) | d[1];
	*dport = (d[2] << 8) | d[3];
	return true;
}

nfsim_tri_t nfsim_addr_match(const uint8_t *a, const uint8_t *a_unk,
							 const uint8_t *b, const uint8_t *mask,
							 uint32_t len)
{
	bool unknown = false;
	uint32_t i;

	for (i = 0; i < len; i++)
	{
		if ((a[i] ^ b[i]) & mask[i] & ~a_unk[i])
		{
			return NFSIM_NO;
		}
		unknown = unknown || (a_unk[i] & mask[i]);
	}
	return unknown ? NFSIM_UNKNOWN : NFSIM_YES;
}

void nfsim_xt_nat(nfsim_ctx_t *ctx, nfsim_nat_type_t type, uint32_t flags,
				  const uint8_t *min, const uint8_t *max, uint16_t pmin,
				  uint16_t pmax)
{
	uint32_t alen = nfsim_addr_len(ctx->family);
	bool src = type == NFSIM_NAT_SNAT || type == NFSIM_NAT_MASQUERADE;
	const uint8_t *cur;
	nfsim_nat_t nat;

	if (!nfsim_nat_hook_ok(type, ctx->hook))
	{
		nfsim_undecidable(ctx);
		return;
	}
	cur = src ? nfsim_image_saddr(&ctx->img, ctx->family)
			  : nfsim_image_daddr(&ctx->img, ctx->family);
	memset(&nat, 0, sizeof(nat));
	nat.type = type;
	nat.rule = ctx->rule;
	nat.flags = nfsim_nat_flags(flags) & ~NFSIM_NAT_PORTS;
	switch (type)
	{
		case NFSIM_NAT_MASQUERADE:
			nat.addr_known = nfsim_masq_source(ctx->pkt, nat.addr);
			break;
		case NFSIM_NAT_REDIRECT:
			nat.addr_known = nfsim_redirect_addr(ctx, nat.addr);
			break;
		default:
			nat.addr_known = true;
			if (flags & NF_NAT_RANGE_NETMAP)
			{
				nfsim_nat_netmap(nat.addr, cur, min, max, alen);
			}
			else if (flags & NF_NAT_RANGE_MAP_IPS)
			{
				memcpy(nat.addr, min, alen);
				if (memcmp(min, max, alen))
				{
					nat.flags |= NFSIM_NAT_ADDR_RANGE;
					memcpy(nat.addr_max, max, alen);
				}
			}
			else
			{
				memcpy(nat.addr, cur, alen);
			}
			break;
	}
	if (flags & NF_NAT_RANGE_PROTO_SPECIFIED)
	{
		nat.flags |= NFSIM_NAT_PORTS;
		nat.port_min = pmin;
		nat.port_max = pmax;
	}
	ctx->nat = nat;
	ctx->verdict = NF_ACCEPT;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_xt_t *xt = nfsim_expr_data(e);
	const nfsim_xt_type_t *t = xt->type;

	if (!t)
	{
		if (xt->target)
		{
			nfsim_undecidable(ctx);
		}
		else
		{
			nfsim_unknown(ctx, false);
		}
		return;
	}
	if (t->eval)
	{
		t->eval(xt, ctx);
		return;
	}
	switch (t->mode)
	{
		case NFSIM_OPAQUE_PASSIVE:
			break;
		case NFSIM_OPAQUE_MATCH:
			nfsim_unknown(ctx, t->likely);
			break;
		default:
			nfsim_undecidable(ctx);
			break;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const nfsim_xt_t *xt = nfsim_expr_data(e);
	size_t mark;

	nfsim_render_space(r);
	if (r->legacy)
	{
		nfsim_render_printf(r, "%s %s", xt->target ? "-j" : "-m", xt->name);
	}
	else
	{
		nfsim_render_printf(r, "xt %s %s", xt->target ? "target" : "match",
							xt->name);
	}
	if (!xt->type || !xt->type->render)
	{
		return;
	}
	nfsim_render_printf(r, r->legacy ? " " : " (");
	mark = r->pos;
	xt->type->render(xt, r);
	if (r->pos == mark)
	{
		/* nothing written: undo the separator */
		r->pos -= r->legacy ? 1 : 2;
		if (r->pos < r->len)
		{
			r->buf[r->pos] = '\0';
		}
		return;
	}
	if (!r->legacy)
	{
		nfsim_render_printf(r, ")");
	}
}

static void destroy(nfsim_expr_t *e)
{
	nfsim_xt_t *xt = nfsim_expr_data(e);

	free(xt->info);
}

static bool finalize(nfsim_expr_t *e, nfsim_rule_t *rule)
{
	nfsim_table_t *t = rule->chain->table;

	/* xt expressions in an nf_tables table: written by iptables-nft */
	t->xt = t->xt || t->backend == NFSIM_BACKEND_NFT;
	return true;
}

bool nfsim_add_xt(nfsim_rule_t *rule, bool target, const char *name,
				  uint8_t rev, uint8_t family, const void *info,
				  uint32_t info_len)
{
	const nfsim_xt_type_t *t;
	nfsim_xt_t *xt;

	if (!name || !name[0] || strlen(name) >= sizeof(xt->name) ||
		(info_len && !info) || info_len > 0xffff)
	{
		nfsim_add_invalid(rule, target ? "target" : "match");
		return false;
	}
	t = nfsim_xt_find(name, rev, target, family);
	if (t && info_len < t->size)
	{
		nfsim_add_invalid(rule, name);
		return false;
	}
	xt = nfsim_rule_push(rule, &nfsim_expr_xt_ops);
	if (!xt)
	{
		return false;
	}
	memcpy(xt->name, name, strlen(name) + 1);
	xt->rev = rev;
	xt->family = family;
	xt->target = target;
	xt->type = t;
	xt->info_len = info_len;
	xt->info = malloc(info_len ? info_len : 1);
	if (!xt->info)
	{
		nfsim_rule_pop(rule);
		return false;
	}
	if (info_len)
	{
		memcpy(xt->info, info, info_len);
	}
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

/**
 * match/target: the info blob is decoded by the simulator's xt extensions.
 */
static void decode_xt(nfsim_rule_t *rule, const char *name, uint8_t family,
					  const nfsim_attr_tb_t *tb, bool target)
{
	const char *ext = nfsim_attr_str(tb->tb[target ? NFTA_TARGET_NAME
												   : NFTA_MATCH_NAME]);
	const struct nlattr *info = tb->tb[target ? NFTA_TARGET_INFO
											  : NFTA_MATCH_INFO];
	uint32_t rev;

	if (!ext || !info ||
		!nfsim_attr_u32(tb->tb[target ? NFTA_TARGET_REV : NFTA_MATCH_REV],
						&rev) || rev > 255)
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_xt(rule, target, ext, rev, family,
				 mnl_attr_get_payload(info), mnl_attr_get_payload_len(info));
}

static void decode_match(nfsim_rule_t *rule, const char *name, uint8_t family,
						 const nfsim_attr_tb_t *tb)
{
	decode_xt(rule, name, family, tb, false);
}

static void decode_target(nfsim_rule_t *rule, const char *name, uint8_t family,
						  const nfsim_attr_tb_t *tb)
{
	decode_xt(rule, name, family, tb, true);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "match", decode_match },
	{ "target", decode_target },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_xt_ops = {
	.name = "xt",
	.data_len = sizeof(nfsim_xt_t),
	.eval = eval,
	.render = render,
	.destroy = destroy,
	.finalize = finalize,
	.decoders = decoders,
};
