/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Expressions judged only by what they can do to the verdict: counter,
 * log, limit, quota, numgen, queue, ...
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Private data: judged only by its mode.
 */
typedef struct {
	/** nf_tables name of the expression */
	char name[24];
	/** what it does */
	nfsim_opaque_mode_t mode;
	/** primary guess of NFSIM_OPAQUE_MATCH */
	bool likely;
	/** register offset of NFSIM_OPAQUE_LOAD */
	uint8_t dreg;
	/** bytes written by NFSIM_OPAQUE_LOAD */
	uint8_t dlen;
	/** rendering, NULL: the name */
	char *text;
} opaque_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	const opaque_t *opaque = nfsim_expr_data(e);

	switch (opaque->mode)
	{
		case NFSIM_OPAQUE_PASSIVE:
			break;
		case NFSIM_OPAQUE_MATCH:
			nfsim_unknown(ctx, opaque->likely);
			break;
		case NFSIM_OPAQUE_LOAD:
			nfsim_reg_store_unknown(ctx, opaque->dreg, opaque->dlen);
			break;
		case NFSIM_OPAQUE_VERDICT:
		default:
			nfsim_undecidable(ctx);
			break;
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const opaque_t *opaque = nfsim_expr_data(e);
	const char *text = opaque->text ? opaque->text : opaque->name;

	if (opaque->mode == NFSIM_OPAQUE_LOAD)
	{
		nfsim_render_desc(r, opaque->dreg, opaque->dlen, NFSIM_VT_RAW,
						  "%s", text);
		return;
	}
	nfsim_render_space(r);
	nfsim_render_printf(r, "%s", text);
}

static void destroy(nfsim_expr_t *e)
{
	opaque_t *opaque = nfsim_expr_data(e);

	free(opaque->text);
}

bool nfsim_add_opaque(nfsim_rule_t *rule, const char *name,
					  nfsim_opaque_mode_t mode, bool likely, uint32_t dreg,
					  uint32_t dlen, const char *text)
{
	opaque_t *opaque;
	uint8_t off = 0;

	if (mode == NFSIM_OPAQUE_LOAD &&
		(!nfsim_reg_offset(dreg, dlen, &off) || dreg == NFT_REG_VERDICT))
	{
		nfsim_add_invalid(rule, name);
		return false;
	}
	opaque = nfsim_rule_push(rule, &nfsim_expr_opaque_ops);
	if (!opaque)
	{
		return false;
	}
	snprintf(opaque->name, sizeof(opaque->name), "%s", name ? name : "?");
	opaque->mode = mode;
	opaque->likely = likely;
	opaque->dreg = off;
	opaque->dlen = dlen;
	opaque->text = nfsim_strdup(text);
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

/**
 * Time units of limit in nft's words.
 */
static const char *unit_name(uint64_t unit)
{
	switch (unit)
	{
		case 1:
			return "second";
		case 60:
			return "minute";
		case 3600:
			return "hour";
		case 86400:
			return "day";
		case 604800:
			return "week";
		default:
			return "period";
	}
}

static void decode_limit(nfsim_rule_t *rule, const char *name, uint8_t family,
						 const nfsim_attr_tb_t *tb)
{
	uint64_t rate = 0, unit = 1;
	uint32_t type = 0, flags = 0;
	bool inv;
	char text[96];

	nfsim_attr_u64(tb->tb[NFTA_LIMIT_RATE], &rate);
	nfsim_attr_u64(tb->tb[NFTA_LIMIT_UNIT], &unit);
	nfsim_attr_u32(tb->tb[NFTA_LIMIT_TYPE], &type);
	nfsim_attr_u32(tb->tb[NFTA_LIMIT_FLAGS], &flags);
	inv = flags & NFT_LIMIT_F_INV;
	snprintf(text, sizeof(text), "limit rate %s%llu%s/%s", inv ? "over " : "",
			 (unsigned long long)rate,
			 type == NFT_LIMIT_PKT_BYTES ? " bytes" : "", unit_name(unit));
	/* one probe packet is rarely over a limit */
	nfsim_add_opaque(rule, "limit", NFSIM_OPAQUE_MATCH, !inv, 0, 0, text);
}

static void decode_quota(nfsim_rule_t *rule, const char *name, uint8_t family,
						 const nfsim_attr_tb_t *tb)
{
	uint64_t bytes = 0;
	uint32_t flags = 0;
	bool inv;
	char text[64];

	nfsim_attr_u64(tb->tb[NFTA_QUOTA_BYTES], &bytes);
	nfsim_attr_u32(tb->tb[NFTA_QUOTA_FLAGS], &flags);
	inv = flags & NFT_QUOTA_F_INV;
	snprintf(text, sizeof(text), "quota %s%llu bytes", inv ? "over " : "",
			 (unsigned long long)bytes);
	nfsim_add_opaque(rule, "quota", NFSIM_OPAQUE_MATCH, !inv, 0, 0, text);
}

static void decode_connlimit(nfsim_rule_t *rule, const char *name,
							 uint8_t family, const nfsim_attr_tb_t *tb)
{
	uint32_t count = 0, flags = 0;
	bool inv;
	char text[64];

	nfsim_attr_u32(tb->tb[NFTA_CONNLIMIT_COUNT], &count);
	nfsim_attr_u32(tb->tb[NFTA_CONNLIMIT_FLAGS], &flags);
	inv = flags & NFT_CONNLIMIT_F_INV;
	snprintf(text, sizeof(text), "ct count %s%u", inv ? "over " : "", count);
	nfsim_add_opaque(rule, "connlimit", NFSIM_OPAQUE_MATCH, !inv, 0, 0, text);
}

static void decode_log(nfsim_rule_t *rule, const char *name, uint8_t family,
					   const nfsim_attr_tb_t *tb)
{
	const char *prefix = nfsim_attr_str(tb->tb[NFTA_LOG_PREFIX]);
	uint16_t group;
	char text[160];

	if (prefix)
	{
		snprintf(text, sizeof(text), "log prefix \"%.128s\"", prefix);
	}
	else if (nfsim_attr_u16(tb->tb[NFTA_LOG_GROUP], &group))
	{
		snprintf(text, sizeof(text), "log group %u", group);
	}
	else
	{
		snprintf(text, sizeof(text), "log");
	}
	nfsim_add_opaque(rule, "log", NFSIM_OPAQUE_PASSIVE, false, 0, 0, text);
}

static void decode_dynset(nfsim_rule_t *rule, const char *name, uint8_t family,
						  const nfsim_attr_tb_t *tb)
{
	const char *set = nfsim_attr_str(tb->tb[NFTA_DYNSET_SET_NAME]);
	uint32_t op = nfsim_attr_u32_or(tb->tb[NFTA_DYNSET_OP], 0);
	bool stateful = tb->tb[NFTA_DYNSET_EXPR] ||
					tb->tb[NFTA_DYNSET_EXPRESSIONS];
	char text[96];

	snprintf(text, sizeof(text), "%s @%.64s", op == NFT_DYNSET_OP_UPDATE ?
			 "update" : (op == NFT_DYNSET_OP_DELETE ? "delete" : "add"),
			 set ? set : "?");
	/* "update @s { ip saddr limit rate over ... }" may or may not match */
	nfsim_add_opaque(rule, "dynset", stateful ? NFSIM_OPAQUE_MATCH
											  : NFSIM_OPAQUE_PASSIVE,
					 true, 0, 0, text);
}

static void decode_objref(nfsim_rule_t *rule, const char *name, uint8_t family,
						  const nfsim_attr_tb_t *tb)
{
	const char *obj = nfsim_attr_str(tb->tb[NFTA_OBJREF_IMM_NAME]);
	uint32_t type = nfsim_attr_u32_or(tb->tb[NFTA_OBJREF_IMM_TYPE], 0);
	char text[96];

	snprintf(text, sizeof(text), "%s name \"%.64s\"",
			 type == NFT_OBJECT_QUOTA ? "quota" :
			 (type == NFT_OBJECT_LIMIT ? "limit" :
			  (type == NFT_OBJECT_COUNTER ? "counter" : "object")),
			 obj ? obj : (tb->tb[NFTA_OBJREF_SET_NAME] ? "map" : "?"));
	nfsim_add_opaque(rule, "objref", (type == NFT_OBJECT_QUOTA ||
									  type == NFT_OBJECT_LIMIT) ?
					 NFSIM_OPAQUE_MATCH : NFSIM_OPAQUE_PASSIVE, true, 0, 0,
					 text);
}

/**
 * Expressions writing a value the simulator cannot know into a register:
 * their destination register attribute, the bytes written, the rendering.
 */
static const struct {
	const char *name;
	int dreg;
	uint32_t len;
	const char *text;
} loads[] = {
	{ "numgen", NFTA_NG_DREG, 4, "numgen" },
	{ "hash", NFTA_HASH_DREG, 4, "hash" },
	{ "socket", NFTA_SOCKET_DREG, 8, "socket" },
	{ "osf", NFTA_OSF_DREG, 16, "osf name" },
	{ "tunnel", NFTA_TUNNEL_DREG, 4, "tunnel" },
};

static void decode_load(nfsim_rule_t *rule, const char *name, uint8_t family,
						const nfsim_attr_tb_t *tb)
{
	size_t i;

	for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++)
	{
		if (strcmp(loads[i].name, name) == 0)
		{
			break;
		}
	}
	if (i == sizeof(loads) / sizeof(loads[0]) || !tb->tb[loads[i].dreg])
	{
		nfsim_add_invalid(rule, name);
		return;
	}
	nfsim_add_opaque(rule, name, NFSIM_OPAQUE_LOAD, false,
					 nfsim_attr_reg(tb, loads[i].dreg), loads[i].len,
					 loads[i].text);
}

/**
 * Expressions that do not affect the verdict.
 */
static void decode_passive(nfsim_rule_t *rule, const char *name, uint8_t family,
						   const nfsim_attr_tb_t *tb)
{
	nfsim_add_opaque(rule, name, NFSIM_OPAQUE_PASSIVE, false, 0, 0, NULL);
}

/**
 * Expressions that decide the packet's fate in a way not modelled.
 */
static void decode_verdict(nfsim_rule_t *rule, const char *name, uint8_t family,
						   const nfsim_attr_tb_t *tb)
{
	nfsim_add_opaque(rule, name, NFSIM_OPAQUE_VERDICT, false, 0, 0, NULL);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "limit", decode_limit },
	{ "quota", decode_quota },
	{ "connlimit", decode_connlimit },
	{ "log", decode_log },
	{ "dynset", decode_dynset },
	{ "objref", decode_objref },
	{ "numgen", decode_load },
	{ "hash", decode_load },
	{ "socket", decode_load },
	{ "osf", decode_load },
	{ "tunnel", decode_load },
	{ "counter", decode_passive },
	{ "notrack", decode_passive },
	{ "last", decode_passive },
	{ "flow_offload", decode_passive },
	{ "dup", decode_passive },
	{ "tproxy", decode_verdict },
	{ "synproxy", decode_verdict },
	{ "fwd", decode_verdict },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_opaque_ops = {
	.name = "opaque",
	.data_len = sizeof(opaque_t),
	.eval = eval,
	.render = render,
	.destroy = destroy,
	.decoders = decoders,
};
