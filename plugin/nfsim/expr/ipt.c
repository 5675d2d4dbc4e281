/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * ipt: the header of an iptables-legacy entry (struct ipt_ip / ip6t_ip6):
 * addresses with masks, interfaces with masks, protocol, fragments, and
 * their inversions, judged like ip_packet_match()/ip6_packet_match().
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Interface match like ifname_compare_aligned().
 */
static nfsim_tri_t iface(const nfsim_ctx_t *ctx, bool in, const char *want,
						 const uint8_t *mask)
{
	char name[IF_NAMESIZE];
	uint32_t i;
	bool any = false;

	for (i = 0; i < IF_NAMESIZE; i++)
	{
		any = any || mask[i];
	}
	if (!any)
	{
		return NFSIM_YES;
	}
	if (!nfsim_dev_name(ctx, in, name))
	{
		return NFSIM_UNKNOWN;
	}
	for (i = 0; i < IF_NAMESIZE; i++)
	{
		if ((name[i] ^ want[i]) & mask[i])
		{
			return NFSIM_NO;
		}
	}
	return NFSIM_YES;
}

/**
 * Address match against the current (possibly translated) packet.
 */
static nfsim_tri_t addr(const nfsim_ctx_t *ctx, bool src, const uint8_t *want,
						const uint8_t *mask)
{
	uint32_t alen = nfsim_addr_len(ctx->family);
	uint32_t off = (ctx->family == AF_INET6 ? 8 : 12) + (src ? 0 : alen);

	return nfsim_addr_match(ctx->img.b + off, ctx->img.u + off, want, mask,
							alen);
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const nfsim_ipt_t *h = nfsim_expr_data(e);
	nfsim_tri_t res = NFSIM_YES;
	uint8_t proto = ctx->img.l4proto;

	if (h->family != ctx->family)
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	res = nfsim_tri_and(res, nfsim_tri_inv(addr(ctx, true, h->src, h->smsk),
										   h->inv & NFSIM_IPT_INV_SRCIP));
	res = nfsim_tri_and(res, nfsim_tri_inv(addr(ctx, false, h->dst, h->dmsk),
										   h->inv & NFSIM_IPT_INV_DSTIP));
	res = nfsim_tri_and(res, nfsim_tri_inv(
						iface(ctx, true, h->iniface, h->iniface_mask),
						h->inv & NFSIM_IPT_INV_VIA_IN));
	res = nfsim_tri_and(res, nfsim_tri_inv(
						iface(ctx, false, h->outiface, h->outiface_mask),
						h->inv & NFSIM_IPT_INV_VIA_OUT));
	if (h->family == AF_INET)
	{
		if (h->proto && ((proto != h->proto) !=
						 !!(h->inv & NFSIM_IPT_INV_PROTO)))
		{
			res = NFSIM_NO;
		}
		/* the synthetic packet is never a fragment */
		if (h->frag != !!(h->inv & NFSIM_IPT_INV_FRAG))
		{
			res = NFSIM_NO;
		}
	}
	else if (h->has_proto)
	{
		if (h->proto == proto)
		{
			if (h->inv & NFSIM_IPT_INV_PROTO)
			{
				res = NFSIM_NO;
			}
		}
		else if (h->proto != 0 && !(h->inv & NFSIM_IPT_INV_PROTO))
		{
			res = NFSIM_NO;
		}
	}
	nfsim_xt_result(ctx, res);
}

/**
 * Whether all bytes are zero.
 */
static bool zero(const uint8_t *d, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
	{
		if (d[i])
		{
			return false;
		}
	}
	return true;
}

/**
 * Render "-s addr/mask".
 */
static void render_addr(nfsim_render_t *r, const char *opt, bool inv,
						uint8_t family, const uint8_t *a, const uint8_t *m)
{
	uint32_t alen = nfsim_addr_len(family), i, bits = 0;
	bool prefix = true;

	if (zero(m, alen))
	{
		return;
	}
	for (i = 0; i < alen * 8; i++)
	{
		bool set = m[i / 8] & (0x80 >> (i % 8));

		if (set && bits != i)
		{
			prefix = false;
		}
		if (set)
		{
			bits++;
		}
	}
	nfsim_render_space(r);
	nfsim_render_printf(r, "%s%s ", inv ? "! " : "", opt);
	nfsim_render_addr(r, family, a);
	if (!prefix)
	{
		nfsim_render_printf(r, "/");
		nfsim_render_addr(r, family, m);
	}
	else if (bits != alen * 8)
	{
		nfsim_render_printf(r, "/%u", bits);
	}
}

/**
 * Render "-i eth+".
 */
static void render_iface(nfsim_render_t *r, const char *opt, bool inv,
						 const char *name, const uint8_t *mask)
{
	char buf[IF_NAMESIZE + 1];
	uint32_t i, n = 0;

	if (zero(mask, IF_NAMESIZE))
	{
		return;
	}
	for (i = 0; i < IF_NAMESIZE && mask[i]; i++)
	{
		n++;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, name, IF_NAMESIZE);
	buf[IF_NAMESIZE] = '\0';
	nfsim_render_space(r);
	/* a mask not covering the terminating NUL is a wildcard ("eth+") */
	if (n <= strlen(buf))
	{
		buf[n] = '\0';
		nfsim_render_printf(r, "%s%s %s+", inv ? "! " : "", opt, buf);
		return;
	}
	nfsim_render_printf(r, "%s%s %s", inv ? "! " : "", opt, buf);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const nfsim_ipt_t *h = nfsim_expr_data(e);
	const char *pn;

	render_addr(r, "-s", h->inv & NFSIM_IPT_INV_SRCIP, h->family, h->src,
				h->smsk);
	render_addr(r, "-d", h->inv & NFSIM_IPT_INV_DSTIP, h->family, h->dst,
				h->dmsk);
	render_iface(r, "-i", h->inv & NFSIM_IPT_INV_VIA_IN, h->iniface,
				 h->iniface_mask);
	render_iface(r, "-o", h->inv & NFSIM_IPT_INV_VIA_OUT, h->outiface,
				 h->outiface_mask);
	if (h->proto && (h->family == AF_INET || h->has_proto))
	{
		pn = nfsim_proto_name(h->proto);
		nfsim_render_space(r);
		if (pn)
		{
			nfsim_render_printf(r, "%s-p %s",
								h->inv & NFSIM_IPT_INV_PROTO ? "! " : "", pn);
		}
		else
		{
			nfsim_render_printf(r, "%s-p %u",
								h->inv & NFSIM_IPT_INV_PROTO ? "! " : "",
								h->proto);
		}
		r->l4proto = h->inv & NFSIM_IPT_INV_PROTO ? 0 : h->proto;
	}
	if (h->frag)
	{
		nfsim_render_space(r);
		nfsim_render_printf(r, "%s-f", h->inv & NFSIM_IPT_INV_FRAG ? "! " : "");
	}
}

const nfsim_expr_ops_t nfsim_expr_ipt_ops = {
	.name = "ipt",
	.data_len = sizeof(nfsim_ipt_t),
	.eval = eval,
	.render = render,
};

bool nfsim_add_ipt(nfsim_rule_t *rule, const nfsim_ipt_t *ipt)
{
	nfsim_ipt_t *h;

	if (ipt->family != AF_INET && ipt->family != AF_INET6)
	{
		nfsim_add_invalid(rule, "ipt");
		return false;
	}
	h = nfsim_rule_push(rule, &nfsim_expr_ipt_ops);
	if (!h)
	{
		return false;
	}
	*h = *ipt;
	return true;
}
