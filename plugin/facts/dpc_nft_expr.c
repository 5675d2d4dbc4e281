/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Decoding of nf_tables expressions (NFTA_LIST_ELEM nests of a rule) into
 * the simulator's rule model. Pure: no sockets. Attributes missing or of
 * the wrong size make the expression one that cannot be judged; nothing is
 * read beyond an attribute's length.
 */

#include "dpc_nft_read.h"
#include "dpc_nft_attr.h"

#include "../nfsim/nfsim_expr.h"

#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

/**
 * Collect attributes by type.
 */
static int tb_cb(const struct nlattr *attr, void *data)
{
	dpc_nft_tb_t *tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= DPC_NFT_ATTR_MAX)
	{
		tb->tb[type] = attr;
	}
	return MNL_CB_OK;
}

bool dpc_nft_parse_nested(const struct nlattr *nest, dpc_nft_tb_t *tb)
{
	memset(tb, 0, sizeof(*tb));
	if (!nest || mnl_attr_get_len(nest) < MNL_ATTR_HDRLEN)
	{
		return false;
	}
	return mnl_attr_parse_nested(nest, tb_cb, tb) >= 0;
}

bool dpc_nft_parse_msg_attrs(const struct nlmsghdr *nlh, dpc_nft_tb_t *tb)
{
	memset(tb, 0, sizeof(*tb));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(4))
	{
		return false;
	}
	return mnl_attr_parse(nlh, MNL_ALIGN(4), tb_cb, tb) >= 0;
}

bool dpc_nft_value(const struct nlattr *nest, const uint8_t **data,
				   uint32_t *len, uint32_t max)
{
	dpc_nft_tb_t tb;
	const struct nlattr *v;

	if (!dpc_nft_parse_nested(nest, &tb))
	{
		return false;
	}
	v = tb.tb[NFTA_DATA_VALUE];
	if (!v || mnl_attr_get_payload_len(v) == 0 ||
		mnl_attr_get_payload_len(v) > max)
	{
		return false;
	}
	*data = mnl_attr_get_payload(v);
	*len = mnl_attr_get_payload_len(v);
	return true;
}

bool dpc_nft_verdict(const struct nlattr *nest, int *code, const char **chain)
{
	dpc_nft_tb_t tb, vtb;
	uint32_t c;

	if (!dpc_nft_parse_nested(nest, &tb) || !tb.tb[NFTA_DATA_VERDICT] ||
		!dpc_nft_parse_nested(tb.tb[NFTA_DATA_VERDICT], &vtb) ||
		!dpc_nft_u32(vtb.tb[NFTA_VERDICT_CODE], &c))
	{
		return false;
	}
	*code = (int32_t)c;
	*chain = dpc_nft_str(vtb.tb[NFTA_VERDICT_CHAIN]);
	return true;
}

/**
 * Context of one expression.
 */
typedef struct {
	nfsim_rule_t *rule;
	uint8_t family;
	const char *name;
	dpc_nft_tb_t tb;
} dec_t;

/** attribute of the expression */
#define A(x) (d->tb.tb[(x)])

/**
 * Register attribute; 0 if absent (NFT_REG_VERDICT is never a data
 * register, so 0 works as "not given" where that matters).
 */
static uint32_t reg(const dec_t *d, int attr)
{
	return dpc_nft_u32_or(A(attr), 0);
}

/**
 * Mark the expression as not understood.
 */
static void invalid(dec_t *d)
{
	nfsim_add_invalid(d->rule, d->name);
}

static void dec_payload(dec_t *d)
{
	uint32_t base, off, len;

	if (!dpc_nft_u32(A(NFTA_PAYLOAD_BASE), &base) ||
		!dpc_nft_u32(A(NFTA_PAYLOAD_OFFSET), &off) ||
		!dpc_nft_u32(A(NFTA_PAYLOAD_LEN), &len))
	{
		invalid(d);
		return;
	}
	if (A(NFTA_PAYLOAD_DREG))
	{
		nfsim_add_payload(d->rule, base, off, len, reg(d, NFTA_PAYLOAD_DREG));
	}
	else if (A(NFTA_PAYLOAD_SREG))
	{
		nfsim_add_payload_set(d->rule, base, off, len,
							  reg(d, NFTA_PAYLOAD_SREG));
	}
	else
	{
		invalid(d);
	}
}

static void dec_meta(dec_t *d)
{
	uint32_t key;

	if (!dpc_nft_u32(A(NFTA_META_KEY), &key))
	{
		invalid(d);
	}
	else if (A(NFTA_META_DREG))
	{
		nfsim_add_meta(d->rule, key, reg(d, NFTA_META_DREG));
	}
	else if (A(NFTA_META_SREG))
	{
		nfsim_add_meta_set(d->rule, key, reg(d, NFTA_META_SREG));
	}
	else
	{
		invalid(d);
	}
}

static void dec_cmp(dec_t *d)
{
	const uint8_t *data;
	uint32_t op, len;

	if (!dpc_nft_u32(A(NFTA_CMP_OP), &op) ||
		!dpc_nft_value(A(NFTA_CMP_DATA), &data, &len, NFSIM_DATA_MAX))
	{
		invalid(d);
		return;
	}
	nfsim_add_cmp(d->rule, reg(d, NFTA_CMP_SREG), op, data, len);
}

static void dec_bitwise(dec_t *d)
{
	const uint8_t *mask, *xor, *data;
	uint32_t len, op = NFT_BITWISE_BOOL, mlen, xlen, dlen, sh;

	dpc_nft_u32(A(NFTA_BITWISE_OP), &op);
	if (!dpc_nft_u32(A(NFTA_BITWISE_LEN), &len))
	{
		invalid(d);
		return;
	}
	if (op == NFT_BITWISE_BOOL)
	{
		if (!dpc_nft_value(A(NFTA_BITWISE_MASK), &mask, &mlen, NFSIM_DATA_MAX) ||
			!dpc_nft_value(A(NFTA_BITWISE_XOR), &xor, &xlen, NFSIM_DATA_MAX) ||
			mlen != len || xlen != len)
		{
			invalid(d);
			return;
		}
		nfsim_add_bitwise(d->rule, reg(d, NFTA_BITWISE_SREG),
						  reg(d, NFTA_BITWISE_DREG), len, mask, xor, len);
		return;
	}
	if (!dpc_nft_value(A(NFTA_BITWISE_DATA), &data, &dlen, 4) || dlen != 4)
	{
		invalid(d);
		return;
	}
	/* the shift amount is a host order u32 */
	memcpy(&sh, data, 4);
	nfsim_add_bitwise_shift(d->rule, op, reg(d, NFTA_BITWISE_SREG),
							reg(d, NFTA_BITWISE_DREG), len, sh);
}

static void dec_byteorder(dec_t *d)
{
	uint32_t op, len, size;

	if (!dpc_nft_u32(A(NFTA_BYTEORDER_OP), &op) ||
		!dpc_nft_u32(A(NFTA_BYTEORDER_LEN), &len) ||
		!dpc_nft_u32(A(NFTA_BYTEORDER_SIZE), &size))
	{
		invalid(d);
		return;
	}
	nfsim_add_byteorder(d->rule, reg(d, NFTA_BYTEORDER_SREG),
						reg(d, NFTA_BYTEORDER_DREG), op, len, size);
}

static void dec_range(dec_t *d)
{
	const uint8_t *from, *to;
	uint32_t op, flen, tlen;

	if (!dpc_nft_u32(A(NFTA_RANGE_OP), &op) ||
		!dpc_nft_value(A(NFTA_RANGE_FROM_DATA), &from, &flen, NFSIM_DATA_MAX) ||
		!dpc_nft_value(A(NFTA_RANGE_TO_DATA), &to, &tlen, NFSIM_DATA_MAX) ||
		flen != tlen)
	{
		invalid(d);
		return;
	}
	nfsim_add_range(d->rule, reg(d, NFTA_RANGE_SREG), op, from, to, flen);
}

static void dec_lookup(dec_t *d)
{
	const char *set = dpc_nft_str(A(NFTA_LOOKUP_SET));
	uint32_t flags = dpc_nft_u32_or(A(NFTA_LOOKUP_FLAGS), 0);
	int dreg = -1;

	if (!set)
	{
		invalid(d);
		return;
	}
	if (A(NFTA_LOOKUP_DREG))
	{
		dreg = reg(d, NFTA_LOOKUP_DREG);
	}
	nfsim_add_lookup(d->rule, reg(d, NFTA_LOOKUP_SREG), dreg, set,
					 flags & NFT_LOOKUP_F_INV);
}

static void dec_immediate(dec_t *d)
{
	const uint8_t *data;
	const char *chain;
	uint32_t dreg, len;
	int code;

	if (!dpc_nft_u32(A(NFTA_IMMEDIATE_DREG), &dreg))
	{
		invalid(d);
	}
	else if (dreg == NFT_REG_VERDICT)
	{
		if (!dpc_nft_verdict(A(NFTA_IMMEDIATE_DATA), &code, &chain))
		{
			invalid(d);
			return;
		}
		nfsim_add_verdict(d->rule, code, chain);
	}
	else if (dpc_nft_value(A(NFTA_IMMEDIATE_DATA), &data, &len, NFSIM_DATA_MAX))
	{
		nfsim_add_immediate(d->rule, dreg, data, len);
	}
	else
	{
		invalid(d);
	}
}

static void dec_ct(dec_t *d)
{
	uint32_t key;
	uint8_t dir;
	int idir = -1;

	if (!dpc_nft_u32(A(NFTA_CT_KEY), &key))
	{
		invalid(d);
		return;
	}
	if (dpc_nft_u8(A(NFTA_CT_DIRECTION), &dir))
	{
		idir = dir;
	}
	if (A(NFTA_CT_DREG))
	{
		nfsim_add_ct(d->rule, key, idir, reg(d, NFTA_CT_DREG));
	}
	else if (A(NFTA_CT_SREG))
	{
		nfsim_add_ct_set(d->rule, key, reg(d, NFTA_CT_SREG));
	}
	else
	{
		invalid(d);
	}
}

static void dec_rt(dec_t *d)
{
	uint32_t key;

	if (!dpc_nft_u32(A(NFTA_RT_KEY), &key))
	{
		invalid(d);
		return;
	}
	nfsim_add_rt(d->rule, key, reg(d, NFTA_RT_DREG));
}

static void dec_xfrm(dec_t *d)
{
	uint32_t key, spnum = 0;
	uint8_t dir;

	if (!dpc_nft_u32(A(NFTA_XFRM_KEY), &key) ||
		!dpc_nft_u8(A(NFTA_XFRM_DIR), &dir))
	{
		invalid(d);
		return;
	}
	dpc_nft_u32(A(NFTA_XFRM_SPNUM), &spnum);
	if (spnum > 255)
	{
		invalid(d);
		return;
	}
	nfsim_add_xfrm(d->rule, key, dir, spnum, reg(d, NFTA_XFRM_DREG));
}

static void dec_fib(dec_t *d)
{
	uint32_t result, flags;

	if (!dpc_nft_u32(A(NFTA_FIB_RESULT), &result) ||
		!dpc_nft_u32(A(NFTA_FIB_FLAGS), &flags))
	{
		invalid(d);
		return;
	}
	nfsim_add_fib(d->rule, result, flags, reg(d, NFTA_FIB_DREG));
}

static void dec_nat(dec_t *d)
{
	uint32_t type, family;

	if (!dpc_nft_u32(A(NFTA_NAT_TYPE), &type) ||
		!dpc_nft_u32(A(NFTA_NAT_FAMILY), &family) ||
		(type != NFT_NAT_SNAT && type != NFT_NAT_DNAT) || family > 255)
	{
		invalid(d);
		return;
	}
	nfsim_add_nat(d->rule, type == NFT_NAT_SNAT ? NFSIM_NAT_SNAT : NFSIM_NAT_DNAT,
				  family, reg(d, NFTA_NAT_REG_ADDR_MIN),
				  reg(d, NFTA_NAT_REG_ADDR_MAX), reg(d, NFTA_NAT_REG_PROTO_MIN),
				  reg(d, NFTA_NAT_REG_PROTO_MAX),
				  dpc_nft_u32_or(A(NFTA_NAT_FLAGS), 0));
}

static void dec_masq(dec_t *d)
{
	nfsim_add_nat(d->rule, NFSIM_NAT_MASQUERADE, 0, 0, 0,
				  reg(d, NFTA_MASQ_REG_PROTO_MIN), reg(d, NFTA_MASQ_REG_PROTO_MAX),
				  dpc_nft_u32_or(A(NFTA_MASQ_FLAGS), 0));
}

static void dec_redir(dec_t *d)
{
	nfsim_add_nat(d->rule, NFSIM_NAT_REDIRECT, 0, 0, 0,
				  reg(d, NFTA_REDIR_REG_PROTO_MIN),
				  reg(d, NFTA_REDIR_REG_PROTO_MAX),
				  dpc_nft_u32_or(A(NFTA_REDIR_FLAGS), 0));
}

static void dec_reject(dec_t *d)
{
	uint8_t code = 0;

	dpc_nft_u8(A(NFTA_REJECT_ICMP_CODE), &code);
	nfsim_add_reject(d->rule, dpc_nft_u32_or(A(NFTA_REJECT_TYPE), 0), code);
}

static void dec_exthdr(dec_t *d)
{
	uint32_t off, len, flags, op;
	uint8_t type;

	if (!dpc_nft_u8(A(NFTA_EXTHDR_TYPE), &type) ||
		!dpc_nft_u32(A(NFTA_EXTHDR_OFFSET), &off) ||
		!dpc_nft_u32(A(NFTA_EXTHDR_LEN), &len))
	{
		invalid(d);
		return;
	}
	flags = dpc_nft_u32_or(A(NFTA_EXTHDR_FLAGS), 0);
	op = dpc_nft_u32_or(A(NFTA_EXTHDR_OP), NFT_EXTHDR_OP_IPV6);
	if (op > 255)
	{
		invalid(d);
	}
	else if (A(NFTA_EXTHDR_DREG))
	{
		nfsim_add_exthdr(d->rule, type, off, len, flags, op,
						 reg(d, NFTA_EXTHDR_DREG));
	}
	else if (A(NFTA_EXTHDR_SREG))
	{
		nfsim_add_exthdr_set(d->rule, type, off, len, op,
							 reg(d, NFTA_EXTHDR_SREG));
	}
	else
	{
		/* "reset": removes an option, no effect on the verdict */
		nfsim_add_opaque(d->rule, "exthdr", NFSIM_OPAQUE_PASSIVE, false, 0, 0,
						 "tcp option reset");
	}
}

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

static void dec_limit(dec_t *d)
{
	uint64_t rate = 0, unit = 1;
	uint32_t type = 0, flags = 0;
	bool inv;
	char text[96];

	dpc_nft_u64(A(NFTA_LIMIT_RATE), &rate);
	dpc_nft_u64(A(NFTA_LIMIT_UNIT), &unit);
	dpc_nft_u32(A(NFTA_LIMIT_TYPE), &type);
	dpc_nft_u32(A(NFTA_LIMIT_FLAGS), &flags);
	inv = flags & NFT_LIMIT_F_INV;
	snprintf(text, sizeof(text), "limit rate %s%llu%s/%s", inv ? "over " : "",
			 (unsigned long long)rate, type == NFT_LIMIT_PKT_BYTES ? " bytes" : "",
			 unit_name(unit));
	/* one probe packet is rarely over a limit */
	nfsim_add_opaque(d->rule, "limit", NFSIM_OPAQUE_MATCH, !inv, 0, 0, text);
}

static void dec_quota(dec_t *d)
{
	uint64_t bytes = 0;
	uint32_t flags = 0;
	bool inv;
	char text[64];

	dpc_nft_u64(A(NFTA_QUOTA_BYTES), &bytes);
	dpc_nft_u32(A(NFTA_QUOTA_FLAGS), &flags);
	inv = flags & NFT_QUOTA_F_INV;
	snprintf(text, sizeof(text), "quota %s%llu bytes", inv ? "over " : "",
			 (unsigned long long)bytes);
	nfsim_add_opaque(d->rule, "quota", NFSIM_OPAQUE_MATCH, !inv, 0, 0, text);
}

static void dec_connlimit(dec_t *d)
{
	uint32_t count = 0, flags = 0;
	bool inv;
	char text[64];

	dpc_nft_u32(A(NFTA_CONNLIMIT_COUNT), &count);
	dpc_nft_u32(A(NFTA_CONNLIMIT_FLAGS), &flags);
	inv = flags & NFT_CONNLIMIT_F_INV;
	snprintf(text, sizeof(text), "ct count %s%u", inv ? "over " : "", count);
	nfsim_add_opaque(d->rule, "connlimit", NFSIM_OPAQUE_MATCH, !inv, 0, 0, text);
}

static void dec_log(dec_t *d)
{
	const char *prefix = dpc_nft_str(A(NFTA_LOG_PREFIX));
	uint16_t group;
	char text[160];

	if (prefix)
	{
		snprintf(text, sizeof(text), "log prefix \"%.128s\"", prefix);
	}
	else if (dpc_nft_u16(A(NFTA_LOG_GROUP), &group))
	{
		snprintf(text, sizeof(text), "log group %u", group);
	}
	else
	{
		snprintf(text, sizeof(text), "log");
	}
	nfsim_add_opaque(d->rule, "log", NFSIM_OPAQUE_PASSIVE, false, 0, 0, text);
}

/**
 * match/target: the info blob is decoded by the simulator's xt extensions.
 */
static void dec_xt(dec_t *d, bool target)
{
	const char *name = dpc_nft_str(A(target ? NFTA_TARGET_NAME : NFTA_MATCH_NAME));
	const struct nlattr *info = A(target ? NFTA_TARGET_INFO : NFTA_MATCH_INFO);
	uint32_t rev;

	if (!name || !info ||
		!dpc_nft_u32(A(target ? NFTA_TARGET_REV : NFTA_MATCH_REV), &rev) ||
		rev > 255)
	{
		invalid(d);
		return;
	}
	nfsim_add_xt(d->rule, target, name, rev, d->family,
				 mnl_attr_get_payload(info), mnl_attr_get_payload_len(info));
}

static void dec_match(dec_t *d)
{
	dec_xt(d, false);
}

static void dec_target(dec_t *d)
{
	dec_xt(d, true);
}

static void dec_dynset(dec_t *d)
{
	const char *set = dpc_nft_str(A(NFTA_DYNSET_SET_NAME));
	uint32_t op = dpc_nft_u32_or(A(NFTA_DYNSET_OP), 0);
	bool stateful = A(NFTA_DYNSET_EXPR) || A(NFTA_DYNSET_EXPRESSIONS);
	char text[96];

	snprintf(text, sizeof(text), "%s @%.64s", op == NFT_DYNSET_OP_UPDATE ?
			 "update" : (op == NFT_DYNSET_OP_DELETE ? "delete" : "add"),
			 set ? set : "?");
	/* "update @s { ip saddr limit rate over ... }" may or may not match */
	nfsim_add_opaque(d->rule, "dynset", stateful ? NFSIM_OPAQUE_MATCH
												 : NFSIM_OPAQUE_PASSIVE,
					 true, 0, 0, text);
}

static void dec_objref(dec_t *d)
{
	const char *name = dpc_nft_str(A(NFTA_OBJREF_IMM_NAME));
	uint32_t type = dpc_nft_u32_or(A(NFTA_OBJREF_IMM_TYPE), 0);
	char text[96];

	snprintf(text, sizeof(text), "%s name \"%.64s\"",
			 type == NFT_OBJECT_QUOTA ? "quota" :
			 (type == NFT_OBJECT_LIMIT ? "limit" :
			  (type == NFT_OBJECT_COUNTER ? "counter" : "object")),
			 name ? name : (A(NFTA_OBJREF_SET_NAME) ? "map" : "?"));
	nfsim_add_opaque(d->rule, "objref", (type == NFT_OBJECT_QUOTA ||
										  type == NFT_OBJECT_LIMIT) ?
					 NFSIM_OPAQUE_MATCH : NFSIM_OPAQUE_PASSIVE, true, 0, 0, text);
}

/**
 * Expressions writing a value the simulator cannot know into a register.
 */
static void dec_load(dec_t *d, int dreg_attr, uint32_t len, const char *text)
{
	if (!A(dreg_attr))
	{
		invalid(d);
		return;
	}
	nfsim_add_opaque(d->rule, d->name, NFSIM_OPAQUE_LOAD, false,
					 reg(d, dreg_attr), len, text);
}

static void dec_numgen(dec_t *d)
{
	dec_load(d, NFTA_NG_DREG, 4, "numgen");
}

static void dec_hash(dec_t *d)
{
	dec_load(d, NFTA_HASH_DREG, 4, "hash");
}

static void dec_socket(dec_t *d)
{
	dec_load(d, NFTA_SOCKET_DREG, 8, "socket");
}

static void dec_osf(dec_t *d)
{
	dec_load(d, NFTA_OSF_DREG, 16, "osf name");
}

static void dec_tunnel(dec_t *d)
{
	dec_load(d, NFTA_TUNNEL_DREG, 4, "tunnel");
}

static void dec_queue(dec_t *d)
{
	nfsim_add_verdict(d->rule, NF_QUEUE, NULL);
}

/**
 * Expressions that do not affect the verdict.
 */
static void dec_passive(dec_t *d)
{
	nfsim_add_opaque(d->rule, d->name, NFSIM_OPAQUE_PASSIVE, false, 0, 0, NULL);
}

/**
 * Expressions that decide the packet's fate in a way not modelled.
 */
static void dec_verdict(dec_t *d)
{
	nfsim_add_opaque(d->rule, d->name, NFSIM_OPAQUE_VERDICT, false, 0, 0, NULL);
}

/**
 * Decoders by expression name.
 */
static const struct {
	const char *name;
	void (*dec)(dec_t *d);
} decoders[] = {
	{ "payload", dec_payload },
	{ "meta", dec_meta },
	{ "cmp", dec_cmp },
	{ "bitwise", dec_bitwise },
	{ "byteorder", dec_byteorder },
	{ "range", dec_range },
	{ "lookup", dec_lookup },
	{ "immediate", dec_immediate },
	{ "ct", dec_ct },
	{ "rt", dec_rt },
	{ "xfrm", dec_xfrm },
	{ "fib", dec_fib },
	{ "nat", dec_nat },
	{ "masq", dec_masq },
	{ "redir", dec_redir },
	{ "reject", dec_reject },
	{ "exthdr", dec_exthdr },
	{ "limit", dec_limit },
	{ "quota", dec_quota },
	{ "connlimit", dec_connlimit },
	{ "log", dec_log },
	{ "match", dec_match },
	{ "target", dec_target },
	{ "dynset", dec_dynset },
	{ "objref", dec_objref },
	{ "numgen", dec_numgen },
	{ "hash", dec_hash },
	{ "socket", dec_socket },
	{ "osf", dec_osf },
	{ "tunnel", dec_tunnel },
	{ "queue", dec_queue },
	{ "counter", dec_passive },
	{ "notrack", dec_passive },
	{ "last", dec_passive },
	{ "flow_offload", dec_passive },
	{ "dup", dec_passive },
	{ "tproxy", dec_verdict },
	{ "synproxy", dec_verdict },
	{ "fwd", dec_verdict },
};

bool dpc_nft_expr_add(nfsim_rule_t *rule, uint8_t family,
					  const struct nlattr *expr)
{
	dpc_nft_tb_t etb;
	dec_t d;
	size_t i;

	memset(&d, 0, sizeof(d));
	d.rule = rule;
	d.family = family;
	d.name = "expression";
	if (!dpc_nft_parse_nested(expr, &etb) ||
		!(d.name = dpc_nft_str(etb.tb[NFTA_EXPR_NAME])))
	{
		nfsim_add_invalid(rule, "expression");
		return false;
	}
	if (etb.tb[NFTA_EXPR_DATA] &&
		!dpc_nft_parse_nested(etb.tb[NFTA_EXPR_DATA], &d.tb))
	{
		nfsim_add_invalid(rule, d.name);
		return false;
	}
	for (i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
	{
		if (strcmp(decoders[i].name, d.name) == 0)
		{
			decoders[i].dec(&d);
			return true;
		}
	}
	/* an expression the simulator does not know */
	nfsim_add_invalid(rule, d.name);
	return false;
}
