/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * meta: packet metadata (interfaces, mark, protocol, secpath, ...).
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#ifndef NFT_META_SDIFNAME
#define NFT_META_SDIFNAME 34
#endif
#ifndef NFT_META_BRI_BROUTE
#define NFT_META_BRI_BROUTE 35
#endif

/* packet types (linux/if_packet.h) */
#define PKT_HOST 0
#define PKT_BROADCAST 1
#define PKT_MULTICAST 2

/**
 * Private data: load (dreg) or set (sreg).
 */
typedef struct {
	/** NFT_META_* */
	uint32_t key;
	/** destination register offset (load) */
	uint8_t dreg;
	/** source register offset (set) */
	uint8_t sreg;
	/** sets (else loads) */
	bool set;
} meta_t;

/**
 * A meta key: its name, value type and length.
 */
typedef struct {
	const char *name;
	nfsim_vtype_t vt;
	uint8_t len;
} meta_key_t;

static const meta_key_t keys[] = {
	[NFT_META_LEN] = { "meta length", NFSIM_VT_DEC, 4 },
	[NFT_META_PROTOCOL] = { "meta protocol", NFSIM_VT_ETHER, 2 },
	[NFT_META_PRIORITY] = { "meta priority", NFSIM_VT_HEX, 4 },
	[NFT_META_MARK] = { "meta mark", NFSIM_VT_HEX, 4 },
	[NFT_META_IIF] = { "iif", NFSIM_VT_DEC, 4 },
	[NFT_META_OIF] = { "oif", NFSIM_VT_DEC, 4 },
	[NFT_META_IIFNAME] = { "iifname", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_OIFNAME] = { "oifname", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_IIFTYPE] = { "iiftype", NFSIM_VT_DEC, 2 },
	[NFT_META_OIFTYPE] = { "oiftype", NFSIM_VT_DEC, 2 },
	[NFT_META_SKUID] = { "meta skuid", NFSIM_VT_DEC, 4 },
	[NFT_META_SKGID] = { "meta skgid", NFSIM_VT_DEC, 4 },
	[NFT_META_NFTRACE] = { "meta nftrace", NFSIM_VT_DEC, 1 },
	[NFT_META_RTCLASSID] = { "meta rtclassid", NFSIM_VT_DEC, 4 },
	[NFT_META_SECMARK] = { "meta secmark", NFSIM_VT_DEC, 4 },
	[NFT_META_NFPROTO] = { "meta nfproto", NFSIM_VT_NFPROTO, 1 },
	[NFT_META_L4PROTO] = { "meta l4proto", NFSIM_VT_PROTO, 1 },
	[NFT_META_BRI_IIFNAME] = { "meta ibrname", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_BRI_OIFNAME] = { "meta obrname", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_PKTTYPE] = { "meta pkttype", NFSIM_VT_PKTTYPE, 1 },
	[NFT_META_CPU] = { "meta cpu", NFSIM_VT_DEC, 4 },
	[NFT_META_IIFGROUP] = { "iifgroup", NFSIM_VT_DEC, 4 },
	[NFT_META_OIFGROUP] = { "oifgroup", NFSIM_VT_DEC, 4 },
	[NFT_META_CGROUP] = { "meta cgroup", NFSIM_VT_DEC, 4 },
	[NFT_META_PRANDOM] = { "meta random", NFSIM_VT_DEC, 4 },
	[NFT_META_SECPATH] = { "meta ipsec", NFSIM_VT_BOOL, 1 },
	[NFT_META_IIFKIND] = { "meta iifkind", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_OIFKIND] = { "meta oifkind", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_BRI_IIFPVID] = { "meta ibrpvid", NFSIM_VT_DEC, 2 },
	[NFT_META_BRI_IIFVPROTO] = { "meta ibrvproto", NFSIM_VT_ETHER, 2 },
	[NFT_META_TIME_NS] = { "meta time", NFSIM_VT_DEC, 8 },
	[NFT_META_TIME_DAY] = { "meta day", NFSIM_VT_DEC, 1 },
	[NFT_META_TIME_HOUR] = { "meta hour", NFSIM_VT_DEC, 4 },
	[NFT_META_SDIF] = { "meta sdif", NFSIM_VT_DEC, 4 },
	[NFT_META_SDIFNAME] = { "meta sdifname", NFSIM_VT_IFNAME, IF_NAMESIZE },
	[NFT_META_BRI_BROUTE] = { "meta broute", NFSIM_VT_DEC, 1 },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/**
 * Load a 32-bit value, or mark the register unknown.
 */
static void load32(nfsim_ctx_t *ctx, uint8_t dreg, bool known, uint32_t val)
{
	if (known)
	{
		nfsim_reg_store32(ctx, dreg, val);
	}
	else
	{
		nfsim_reg_store_unknown(ctx, dreg, 4);
	}
}

/**
 * Load the interface index.
 */
static void load_index(const meta_t *meta, nfsim_ctx_t *ctx, bool in)
{
	const nfsim_packet_t *p = ctx->pkt;
	char name[IF_NAMESIZE];

	if (!nfsim_dev_name(ctx, in, name))
	{
		nfsim_reg_store_unknown(ctx, meta->dreg, 4);
	}
	else if (!name[0])
	{
		nfsim_reg_store32(ctx, meta->dreg, 0);
	}
	else
	{
		load32(ctx, meta->dreg,
			   p->known & (in ? NFSIM_PKT_IIF_INDEX : NFSIM_PKT_OIF_INDEX),
			   in ? p->iif_index : p->oif_index);
	}
}

/**
 * Load the interface name.
 */
static void load_name(const meta_t *meta, nfsim_ctx_t *ctx, bool in)
{
	char name[IF_NAMESIZE];

	if (nfsim_dev_name(ctx, in, name))
	{
		nfsim_reg_store(ctx, meta->dreg, name, IF_NAMESIZE);
	}
	else
	{
		nfsim_reg_store_unknown(ctx, meta->dreg, IF_NAMESIZE);
	}
}

/**
 * Keys that need a device and whose value is not modelled: break without
 * the device, unknown with it.
 */
static void load_devattr(const meta_t *meta, nfsim_ctx_t *ctx, bool in)
{
	char name[IF_NAMESIZE];

	if (nfsim_dev_name(ctx, in, name) && !name[0])
	{
		ctx->verdict = NFT_BREAK;
		return;
	}
	nfsim_reg_store_unknown(ctx, meta->dreg, keys[meta->key].len);
}

/**
 * Load a key of the input or output device.
 */
static void load_dev(const meta_t *meta, nfsim_ctx_t *ctx)
{
	switch (meta->key)
	{
		case NFT_META_IIF:
		case NFT_META_OIF:
			load_index(meta, ctx, meta->key == NFT_META_IIF);
			break;
		case NFT_META_IIFNAME:
		case NFT_META_OIFNAME:
			load_name(meta, ctx, meta->key == NFT_META_IIFNAME);
			break;
		case NFT_META_IIFTYPE:
		case NFT_META_IIFGROUP:
		case NFT_META_IIFKIND:
			load_devattr(meta, ctx, true);
			break;
		default:
			load_devattr(meta, ctx, false);
			break;
	}
}

uint8_t nfsim_pkttype(const nfsim_ctx_t *ctx)
{
	const uint8_t *d = nfsim_image_daddr(&ctx->img, ctx->family);

	if (ctx->family == AF_INET6)
	{
		return d[0] == 0xff ? PKT_MULTICAST : PKT_HOST;
	}
	if ((d[0] & 0xf0) == 0xe0)
	{
		return PKT_MULTICAST;
	}
	if ((d[0] & d[1] & d[2] & d[3]) == 0xff)
	{
		return PKT_BROADCAST;
	}
	return PKT_HOST;
}

static void eval_set(const meta_t *meta, nfsim_ctx_t *ctx)
{
	uint32_t v;

	if (meta->key != NFT_META_MARK)
	{
		/* priority, nftrace, pkttype, secmark: no effect on the verdict */
		return;
	}
	if (!nfsim_reg_known(ctx, meta->sreg, 4))
	{
		ctx->mark_unknown = true;
		return;
	}
	memcpy(&v, ctx->regs + meta->sreg, 4);
	ctx->mark = v;
	ctx->mark_unknown = false;
}

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const meta_t *meta = nfsim_expr_data(e);
	uint8_t dreg = meta->dreg;

	if (meta->set)
	{
		eval_set(meta, ctx);
		return;
	}
	switch (meta->key)
	{
		case NFT_META_LEN:
			load32(ctx, dreg, ctx->img.len_known, ctx->img.len);
			break;
		case NFT_META_PROTOCOL:
			nfsim_reg_store16(ctx, dreg,
							  htons(ctx->family == AF_INET6 ? 0x86dd : 0x0800));
			break;
		case NFT_META_MARK:
			load32(ctx, dreg, !ctx->mark_unknown, ctx->mark);
			break;
		case NFT_META_IIF:
		case NFT_META_OIF:
		case NFT_META_IIFNAME:
		case NFT_META_OIFNAME:
		case NFT_META_IIFTYPE:
		case NFT_META_IIFGROUP:
		case NFT_META_IIFKIND:
		case NFT_META_OIFTYPE:
		case NFT_META_OIFGROUP:
		case NFT_META_OIFKIND:
			load_dev(meta, ctx);
			break;
		case NFT_META_SKUID:
		case NFT_META_SKGID:
		case NFT_META_CGROUP:
			if (ctx->hook == NFSIM_HOOK_FORWARD)
			{
				/* forwarded packets have no socket */
				ctx->verdict = NFT_BREAK;
				break;
			}
			nfsim_reg_store_unknown(ctx, dreg, 4);
			break;
		case NFT_META_NFTRACE:
			nfsim_reg_store8(ctx, dreg, 0);
			break;
		case NFT_META_NFPROTO:
			nfsim_reg_store8(ctx, dreg, ctx->family == AF_INET6 ?
							 NFPROTO_IPV6 : NFPROTO_IPV4);
			break;
		case NFT_META_L4PROTO:
			nfsim_reg_store8(ctx, dreg, ctx->img.l4proto);
			break;
		case NFT_META_BRI_IIFNAME:
		case NFT_META_BRI_OIFNAME:
		case NFT_META_BRI_IIFPVID:
		case NFT_META_BRI_IIFVPROTO:
		case NFT_META_BRI_BROUTE:
			/* routed packets are not on a bridge port */
			ctx->verdict = NFT_BREAK;
			break;
		case NFT_META_PKTTYPE:
			nfsim_reg_store8(ctx, dreg, nfsim_pkttype(ctx));
			break;
		case NFT_META_SECPATH:
			nfsim_reg_store8(ctx, dreg, ctx->pkt->xfrm_in.present ? 1 : 0);
			break;
		default:
			if (meta->key < NKEYS && keys[meta->key].name)
			{
				/* priority, rtclassid, secmark, cpu, random, time, sdif */
				nfsim_reg_store_unknown(ctx, dreg, keys[meta->key].len);
			}
			else
			{
				nfsim_undecidable(ctx);
			}
			break;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const meta_t *meta = nfsim_expr_data(e);
	const meta_key_t *k = meta->key < NKEYS ? &keys[meta->key] : NULL;

	if (meta->set)
	{
		nfsim_render_space(r);
		if (k && k->name)
		{
			nfsim_render_printf(r, "%s set ", k->name);
		}
		else
		{
			nfsim_render_printf(r, "meta %u set ", meta->key);
		}
		nfsim_render_regname(r, meta->sreg, k && k->name ? k->len : 4);
		return;
	}
	if (k && k->name)
	{
		nfsim_render_desc(r, meta->dreg, k->len, k->vt, "%s", k->name);
	}
	else
	{
		nfsim_render_desc(r, meta->dreg, 4, NFSIM_VT_RAW, "meta %u",
						  meta->key);
	}
}

/**
 * Length of a key's value, 4 for keys not known here.
 */
static uint32_t key_len(uint32_t key)
{
	return key < NKEYS && keys[key].name ? keys[key].len : 4;
}

bool nfsim_add_meta(nfsim_rule_t *rule, uint32_t key, uint32_t dreg)
{
	meta_t *meta;
	uint8_t off;

	if (!nfsim_reg_offset(dreg, key_len(key), &off) || dreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "meta");
		return false;
	}
	meta = nfsim_rule_push(rule, &nfsim_expr_meta_ops);
	if (!meta)
	{
		return false;
	}
	meta->key = key;
	meta->dreg = off;
	return true;
}

bool nfsim_add_meta_set(nfsim_rule_t *rule, uint32_t key, uint32_t sreg)
{
	meta_t *meta;
	uint8_t off;

	if (!nfsim_reg_offset(sreg, key_len(key), &off) || sreg == NFT_REG_VERDICT)
	{
		nfsim_add_invalid(rule, "meta");
		return false;
	}
	meta = nfsim_rule_push(rule, &nfsim_expr_meta_ops);
	if (!meta)
	{
		return false;
	}
	meta->key = key;
	meta->sreg = off;
	meta->set = true;
	return true;
}

/**
 * A load of a key whose evaluation only stores into its register (it
 * never ends the rule) opens a guard's test.
 */
static bool guard(const nfsim_expr_t *e, nfsim_guard_t *g)
{
	const meta_t *meta = nfsim_expr_data(e);
	nfsim_guard_test_t *t;

	if (meta->set || meta->key >= NKEYS ||
		keys[meta->key].len > NFSIM_GUARD_MAX)
	{
		return false;
	}
	switch (meta->key)
	{
		case NFT_META_LEN:
		case NFT_META_PROTOCOL:
		case NFT_META_MARK:
		case NFT_META_IIF:
		case NFT_META_OIF:
		case NFT_META_IIFNAME:
		case NFT_META_OIFNAME:
		case NFT_META_NFPROTO:
		case NFT_META_L4PROTO:
		case NFT_META_PKTTYPE:
		case NFT_META_SECPATH:
			break;
		default:
			return false;
	}
	t = nfsim_guard_open(g, e);
	if (!t)
	{
		return false;
	}
	t->base = NFSIM_GUARD_META;
	t->offset = meta->key;
	t->len = keys[meta->key].len;
	t->reg = meta->dreg;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint32_t key;

	if (!nfsim_attr_u32(tb->tb[NFTA_META_KEY], &key))
	{
		nfsim_add_invalid(rule, name);
	}
	else if (tb->tb[NFTA_META_DREG])
	{
		nfsim_add_meta(rule, key, nfsim_attr_reg(tb, NFTA_META_DREG));
	}
	else if (tb->tb[NFTA_META_SREG])
	{
		nfsim_add_meta_set(rule, key, nfsim_attr_reg(tb, NFTA_META_SREG));
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
	{ "meta", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_meta_ops = {
	.name = "meta",
	.data_len = sizeof(meta_t),
	.eval = eval,
	.render = render,
	.guard = guard,
	.decoders = decoders,
};
