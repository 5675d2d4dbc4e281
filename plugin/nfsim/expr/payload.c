/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * payload: load header bytes into a register, or write them (mangling).
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: load (dreg) or mangle (sreg).
 */
typedef struct {
	/** NFT_PAYLOAD_* base */
	uint8_t base;
	/** destination register offset (load) */
	uint8_t dreg;
	/** source register offset (mangle) */
	uint8_t sreg;
	/** mangles (else loads) */
	bool set;
	/** offset from the base */
	uint32_t offset;
	/** bytes loaded or written */
	uint32_t len;
} payload_t;

/**
 * Offset of a payload base in the image; false if the base is not modelled
 * (link layer, inner headers).
 */
static bool base_offset(const nfsim_ctx_t *ctx, uint8_t base, uint32_t *off)
{
	switch (base)
	{
		case NFT_PAYLOAD_NETWORK_HEADER:
			*off = 0;
			return true;
		case NFT_PAYLOAD_TRANSPORT_HEADER:
			*off = ctx->img.thoff;
			return true;
		default:
			return false;
	}
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const payload_t *payload = nfsim_expr_data(e);
	uint8_t data[NFSIM_DATA_MAX], unk[NFSIM_DATA_MAX];
	uint32_t off;

	if (!base_offset(ctx, payload->base, &off))
	{
		if (payload->set)
		{
			return;
		}
		if (payload->base == NFT_PAYLOAD_LL_HEADER &&
			ctx->hook == NFSIM_HOOK_OUTPUT)
		{
			/* locally generated packets have no link layer header yet */
			ctx->verdict = NFT_BREAK;
			return;
		}
		nfsim_reg_store_unknown(ctx, payload->dreg, payload->len);
		return;
	}
	off += payload->offset;
	if (payload->set)
	{
		nfsim_image_write(&ctx->img, off, payload->len,
						  ctx->regs + payload->sreg,
						  ctx->unk + payload->sreg);
		return;
	}
	if (!nfsim_image_read(&ctx->img, off, payload->len, data, unk))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	nfsim_reg_store_masked(ctx, payload->dreg, data, unk, payload->len);
}

/**
 * A header field.
 */
typedef struct {
	uint8_t proto;
	uint32_t offset, len;
	const char *name;
	nfsim_vtype_t vt;
} field_t;

static const field_t ip_fields[] = {
	{ 0, 1, 1, "ip dscp", NFSIM_VT_HEX },
	{ 0, 2, 2, "ip length", NFSIM_VT_BE_DEC },
	{ 0, 4, 2, "ip id", NFSIM_VT_BE_DEC },
	{ 0, 6, 2, "ip frag-off", NFSIM_VT_HEX },
	{ 0, 8, 1, "ip ttl", NFSIM_VT_DEC },
	{ 0, 9, 1, "ip protocol", NFSIM_VT_PROTO },
	{ 0, 12, 4, "ip saddr", NFSIM_VT_IPV4 },
	{ 0, 16, 4, "ip daddr", NFSIM_VT_IPV4 },
	{ 0, 12, 8, "ip saddr . ip daddr", NFSIM_VT_RAW },
};

static const field_t ip6_fields[] = {
	{ 0, 4, 2, "ip6 length", NFSIM_VT_BE_DEC },
	{ 0, 6, 1, "ip6 nexthdr", NFSIM_VT_PROTO },
	{ 0, 7, 1, "ip6 hoplimit", NFSIM_VT_DEC },
	{ 0, 8, 16, "ip6 saddr", NFSIM_VT_IPV6 },
	{ 0, 24, 16, "ip6 daddr", NFSIM_VT_IPV6 },
};

static const field_t th_fields[] = {
	{ IPPROTO_TCP, 0, 2, "tcp sport", NFSIM_VT_PORT },
	{ IPPROTO_TCP, 2, 2, "tcp dport", NFSIM_VT_PORT },
	{ IPPROTO_TCP, 13, 1, "tcp flags", NFSIM_VT_TCPFLAGS },
	{ IPPROTO_UDP, 0, 2, "udp sport", NFSIM_VT_PORT },
	{ IPPROTO_UDP, 2, 2, "udp dport", NFSIM_VT_PORT },
	{ IPPROTO_UDPLITE, 0, 2, "udplite sport", NFSIM_VT_PORT },
	{ IPPROTO_UDPLITE, 2, 2, "udplite dport", NFSIM_VT_PORT },
	{ IPPROTO_SCTP, 0, 2, "sctp sport", NFSIM_VT_PORT },
	{ IPPROTO_SCTP, 2, 2, "sctp dport", NFSIM_VT_PORT },
	{ IPPROTO_DCCP, 0, 2, "dccp sport", NFSIM_VT_PORT },
	{ IPPROTO_DCCP, 2, 2, "dccp dport", NFSIM_VT_PORT },
	{ IPPROTO_ICMP, 0, 1, "icmp type", NFSIM_VT_ICMP },
	{ IPPROTO_ICMP, 1, 1, "icmp code", NFSIM_VT_DEC },
	{ IPPROTO_ICMP, 0, 2, "icmp type", NFSIM_VT_ICMP_TC },
	{ IPPROTO_ICMPV6, 0, 1, "icmpv6 type", NFSIM_VT_ICMP6 },
	{ IPPROTO_ICMPV6, 1, 1, "icmpv6 code", NFSIM_VT_DEC },
	{ IPPROTO_ICMPV6, 0, 2, "icmpv6 type", NFSIM_VT_ICMP6_TC },
	{ IPPROTO_ESP, 0, 4, "esp spi", NFSIM_VT_BE_DEC },
	{ IPPROTO_AH, 4, 4, "ah spi", NFSIM_VT_BE_DEC },
	{ 0, 0, 2, "th sport", NFSIM_VT_PORT },
	{ 0, 2, 2, "th dport", NFSIM_VT_PORT },
};

/**
 * Find a field; partial address loads (iptables-nft loads only the bytes a
 * prefix needs) match the address field.
 */
static const field_t *find(const field_t *f, size_t n, uint8_t proto,
						   uint32_t offset, uint32_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
	{
		if (f[i].proto && f[i].proto != proto)
		{
			continue;
		}
		if (f[i].offset == offset && f[i].len == len)
		{
			return &f[i];
		}
		if (f[i].offset == offset && len < f[i].len &&
			(f[i].vt == NFSIM_VT_IPV4 || f[i].vt == NFSIM_VT_IPV6))
		{
			return &f[i];
		}
	}
	return NULL;
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const payload_t *payload = nfsim_expr_data(e);
	const field_t *f = NULL;
	const char *base;
	uint8_t fam = r->family;

	switch (payload->base)
	{
		case NFT_PAYLOAD_NETWORK_HEADER:
			base = "nh";
			if (fam == NFPROTO_IPV6)
			{
				f = find(ip6_fields, sizeof(ip6_fields) / sizeof(ip6_fields[0]),
						 0, payload->offset, payload->len);
			}
			else if (fam == NFPROTO_IPV4)
			{
				f = find(ip_fields, sizeof(ip_fields) / sizeof(ip_fields[0]),
						 0, payload->offset, payload->len);
			}
			break;
		case NFT_PAYLOAD_TRANSPORT_HEADER:
			base = "th";
			f = find(th_fields, sizeof(th_fields) / sizeof(th_fields[0]),
					 r->l4proto, payload->offset, payload->len);
			break;
		case NFT_PAYLOAD_LL_HEADER:
			base = "ll";
			break;
		default:
			base = "ih";
			break;
	}
	if (payload->set)
	{
		nfsim_render_space(r);
		if (f)
		{
			nfsim_render_printf(r, "%s set ", f->name);
		}
		else
		{
			nfsim_render_printf(r, "@%s,%u,%u set ", base,
								payload->offset * 8, payload->len * 8);
		}
		nfsim_render_regname(r, payload->sreg, payload->len);
		return;
	}
	if (f)
	{
		nfsim_render_desc(r, payload->dreg, payload->len, f->vt, "%s",
						  f->name);
	}
	else
	{
		nfsim_render_desc(r, payload->dreg, payload->len, NFSIM_VT_RAW,
						  "@%s,%u,%u", base, payload->offset * 8,
						  payload->len * 8);
	}
}

bool nfsim_add_payload(nfsim_rule_t *rule, uint32_t base, uint32_t offset,
					   uint32_t len, uint32_t dreg)
{
	payload_t *payload;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || offset > 0xffff)
	{
		nfsim_add_invalid(rule, "payload");
		return false;
	}
	payload = nfsim_rule_push(rule, &nfsim_expr_payload_ops);
	if (!payload)
	{
		return false;
	}
	payload->base = base;
	payload->offset = offset;
	payload->len = len;
	payload->dreg = off;
	return true;
}

bool nfsim_add_payload_set(nfsim_rule_t *rule, uint32_t base, uint32_t offset,
						   uint32_t len, uint32_t sreg)
{
	payload_t *payload;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || offset > 0xffff)
	{
		nfsim_add_invalid(rule, "payload");
		return false;
	}
	payload = nfsim_rule_push(rule, &nfsim_expr_payload_ops);
	if (!payload)
	{
		return false;
	}
	payload->base = base;
	payload->offset = offset;
	payload->len = len;
	payload->sreg = off;
	payload->set = true;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t base, off, len;

	if (!nfsim_attr_u32(tb->tb[NFTA_PAYLOAD_BASE], &base) ||
		!nfsim_attr_u32(tb->tb[NFTA_PAYLOAD_OFFSET], &off) ||
		!nfsim_attr_u32(tb->tb[NFTA_PAYLOAD_LEN], &len))
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	if (tb->tb[NFTA_PAYLOAD_DREG])
	{
		nfsim_add_payload(rule, base, off, len,
						  nfsim_attr_reg(tb, NFTA_PAYLOAD_DREG));
	}
	else if (tb->tb[NFTA_PAYLOAD_SREG])
	{
		nfsim_add_payload_set(rule, base, off, len,
							  nfsim_attr_reg(tb, NFTA_PAYLOAD_SREG));
	}
	else
	{
		nfsim_add_invalid(rule, name);
	}
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "payload", decode },
	{ NULL, NULL },
};

static bool guard(const nfsim_expr_t *e, nfsim_guard_t *g)
{
	const payload_t *payload = nfsim_expr_data(e);
	nfsim_guard_test_t *t;

	if (payload->set || !payload->len || payload->len > NFSIM_GUARD_MAX ||
		(payload->base != NFT_PAYLOAD_NETWORK_HEADER &&
		 payload->base != NFT_PAYLOAD_TRANSPORT_HEADER))
	{
		return false;
	}
	t = nfsim_guard_open(g, e);
	if (!t)
	{
		return false;
	}
	t->base = payload->base;
	t->offset = payload->offset;
	t->len = payload->len;
	t->reg = payload->dreg;
	return true;
}

const nfsim_expr_ops_t nfsim_expr_payload_ops = {
	.name = "payload",
	.data_len = sizeof(payload_t),
	.eval = eval,
	.render = render,
	.guard = guard,
	.decoders = decoders,
};
