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

#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>

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
	uint8_t data[NFSIM_DATA_MAX], unk[NFSIM_DATA_MAX];
	uint32_t off;

	if (!base_offset(ctx, e->payload.base, &off))
	{
		if (e->payload.set)
		{
			return;
		}
		if (e->payload.base == NFT_PAYLOAD_LL_HEADER &&
			ctx->hook == NFSIM_HOOK_OUTPUT)
		{
			/* locally generated packets have no link layer header yet */
			ctx->verdict = NFT_BREAK;
			return;
		}
		nfsim_reg_store_unknown(ctx, e->payload.dreg, e->payload.len);
		return;
	}
	off += e->payload.offset;
	if (e->payload.set)
	{
		nfsim_image_write(&ctx->img, off, e->payload.len,
						  ctx->regs + e->payload.sreg,
						  ctx->unk + e->payload.sreg);
		return;
	}
	if (!nfsim_image_read(&ctx->img, off, e->payload.len, data, unk))
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	nfsim_reg_store_masked(ctx, e->payload.dreg, data, unk, e->payload.len);
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
	const field_t *f = NULL;
	const char *base;
	uint8_t fam = r->family;

	switch (e->payload.base)
	{
		case NFT_PAYLOAD_NETWORK_HEADER:
			base = "nh";
			if (fam == NFPROTO_IPV6)
			{
				f = find(ip6_fields, sizeof(ip6_fields) / sizeof(ip6_fields[0]),
						 0, e->payload.offset, e->payload.len);
			}
			else if (fam == NFPROTO_IPV4)
			{
				f = find(ip_fields, sizeof(ip_fields) / sizeof(ip_fields[0]),
						 0, e->payload.offset, e->payload.len);
			}
			break;
		case NFT_PAYLOAD_TRANSPORT_HEADER:
			base = "th";
			f = find(th_fields, sizeof(th_fields) / sizeof(th_fields[0]),
					 r->l4proto, e->payload.offset, e->payload.len);
			break;
		case NFT_PAYLOAD_LL_HEADER:
			base = "ll";
			break;
		default:
			base = "ih";
			break;
	}
	if (e->payload.set)
	{
		nfsim_render_space(r);
		if (f)
		{
			nfsim_render_printf(r, "%s set ", f->name);
		}
		else
		{
			nfsim_render_printf(r, "@%s,%u,%u set ", base,
								e->payload.offset * 8, e->payload.len * 8);
		}
		nfsim_render_regname(r, e->payload.sreg, e->payload.len);
		return;
	}
	if (f)
	{
		nfsim_render_desc(r, e->payload.dreg, e->payload.len, f->vt, "%s",
						  f->name);
	}
	else
	{
		nfsim_render_desc(r, e->payload.dreg, e->payload.len, NFSIM_VT_RAW,
						  "@%s,%u,%u", base, e->payload.offset * 8,
						  e->payload.len * 8);
	}
}

const nfsim_expr_ops_t nfsim_expr_payload_ops = {
	.name = "payload",
	.eval = eval,
	.render = render,
};

bool nfsim_add_payload(nfsim_rule_t *rule, uint32_t base, uint32_t offset,
					   uint32_t len, uint32_t dreg)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, len, &off) || offset > 0xffff)
	{
		nfsim_add_invalid(rule, "payload");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_payload_ops);
	if (!e)
	{
		return false;
	}
	e->payload.base = base;
	e->payload.offset = offset;
	e->payload.len = len;
	e->payload.dreg = off;
	return true;
}

bool nfsim_add_payload_set(nfsim_rule_t *rule, uint32_t base, uint32_t offset,
						   uint32_t len, uint32_t sreg)
{
	nfsim_expr_t *e;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, len, &off) || offset > 0xffff)
	{
		nfsim_add_invalid(rule, "payload");
		return false;
	}
	e = nfsim_rule_push(rule, &nfsim_expr_payload_ops);
	if (!e)
	{
		return false;
	}
	e->payload.base = base;
	e->payload.offset = offset;
	e->payload.len = len;
	e->payload.sreg = off;
	e->payload.set = true;
	return true;
}
