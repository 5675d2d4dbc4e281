/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_nft_read.h"
#include "nfsim/nfsim_attr.h"

#include "nfsim/nfsim_expr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* ---- decoding (pure) ---- */

/**
 * Map an nf_tables hook number of a family to a simulated hook.
 */
static nfsim_hook_t map_hook(uint8_t family, uint32_t hooknum)
{
	switch (family)
	{
		case NFPROTO_NETDEV:
			return hooknum == NF_NETDEV_INGRESS ? NFSIM_HOOK_INGRESS
												: NFSIM_HOOK_MAX;
		case NFPROTO_IPV4:
		case NFPROTO_IPV6:
		case NFPROTO_INET:
			if (hooknum <= NF_INET_POST_ROUTING)
			{
				return (nfsim_hook_t)hooknum;
			}
			return hooknum == NF_INET_INGRESS ? NFSIM_HOOK_INGRESS
											  : NFSIM_HOOK_MAX;
		default:
			return NFSIM_HOOK_MAX;
	}
}

static bool parse_table(nfsim_ruleset_t *rs, uint8_t family,
						const nfsim_attr_tb_t *tb)
{
	const char *name = nfsim_attr_str(tb->tb[NFTA_TABLE_NAME]);
	nfsim_table_t *t;

	if (!name)
	{
		return false;
	}
	t = nfsim_table_add(rs, NFSIM_BACKEND_NFT, family, name);
	if (!t)
	{
		return false;
	}
	nfsim_table_set_flags(t, nfsim_attr_u32_or(tb->tb[NFTA_TABLE_FLAGS], 0));
	return true;
}

/**
 * The device of an ingress hook: NFTA_HOOK_DEV or the first of
 * NFTA_HOOK_DEVS.
 */
static const char *hook_dev(const nfsim_attr_tb_t *htb)
{
	const struct nlattr *pos;
	const char *dev = nfsim_attr_str(htb->tb[NFTA_HOOK_DEV]);

	if (dev || !htb->tb[NFTA_HOOK_DEVS])
	{
		return dev;
	}
	mnl_attr_for_each_nested(pos, htb->tb[NFTA_HOOK_DEVS])
	{
		dev = nfsim_attr_str(pos);
		if (dev)
		{
			return dev;
		}
	}
	return NULL;
}

static bool parse_chain(nfsim_ruleset_t *rs, uint8_t family,
						const nfsim_attr_tb_t *tb)
{
	const char *table = nfsim_attr_str(tb->tb[NFTA_CHAIN_TABLE]);
	const char *name = nfsim_attr_str(tb->tb[NFTA_CHAIN_NAME]);
	const char *type;
	nfsim_chain_type_t ctype = NFSIM_CHAIN_FILTER;
	nfsim_chain_t *c;
	nfsim_table_t *t;
	nfsim_attr_tb_t htb;
	uint32_t hooknum, prio, policy;
	uint64_t handle;

	if (!table || !name)
	{
		return false;
	}
	t = nfsim_table_add(rs, NFSIM_BACKEND_NFT, family, table);
	c = t ? nfsim_chain_add(t, name) : NULL;
	if (!c)
	{
		return false;
	}
	if (nfsim_attr_u64(tb->tb[NFTA_CHAIN_HANDLE], &handle))
	{
		nfsim_chain_set_handle(c, handle);
	}
	if (!tb->tb[NFTA_CHAIN_HOOK])
	{
		return true;
	}
	if (!nfsim_attr_parse_nested(tb->tb[NFTA_CHAIN_HOOK], &htb) ||
		!nfsim_attr_u32(htb.tb[NFTA_HOOK_HOOKNUM], &hooknum) ||
		!nfsim_attr_u32(htb.tb[NFTA_HOOK_PRIORITY], &prio))
	{
		return false;
	}
	type = nfsim_attr_str(tb->tb[NFTA_CHAIN_TYPE]);
	if (type && strcmp(type, "nat") == 0)
	{
		ctype = NFSIM_CHAIN_NAT;
	}
	else if (type && strcmp(type, "route") == 0)
	{
		ctype = NFSIM_CHAIN_ROUTE;
	}
	policy = nfsim_attr_u32_or(tb->tb[NFTA_CHAIN_POLICY], NF_ACCEPT);
	nfsim_chain_set_base(c, ctype, map_hook(family, hooknum), (int32_t)prio,
						 policy, hook_dev(&htb));
	return true;
}

/**
 * Field lengths of a concatenated set key (NFTA_SET_DESC_CONCAT).
 */
static void parse_set_desc(nfsim_set_t *s, const struct nlattr *desc)
{
	uint8_t lens[NFSIM_SET_FIELDS];
	const struct nlattr *pos;
	nfsim_attr_tb_t dtb, ftb;
	unsigned n = 0;
	uint32_t len;

	if (!nfsim_attr_parse_nested(desc, &dtb) || !dtb.tb[NFTA_SET_DESC_CONCAT])
	{
		return;
	}
	mnl_attr_for_each_nested(pos, dtb.tb[NFTA_SET_DESC_CONCAT])
	{
		if (n == NFSIM_SET_FIELDS || !nfsim_attr_parse_nested(pos, &ftb) ||
			!nfsim_attr_u32(ftb.tb[NFTA_SET_FIELD_LEN], &len) || len == 0 ||
			len > NFSIM_DATA_MAX)
		{
			return;
		}
		lens[n++] = len;
	}
	nfsim_set_set_fields(s, lens, n);
}

static bool parse_set(nfsim_ruleset_t *rs, uint8_t family,
					  const nfsim_attr_tb_t *tb)
{
	const char *table = nfsim_attr_str(tb->tb[NFTA_SET_TABLE]);
	const char *name = nfsim_attr_str(tb->tb[NFTA_SET_NAME]);
	uint32_t klen, flags, dlen = 0, dtype = 0;
	nfsim_table_t *t;
	nfsim_set_t *s;

	if (!table || !name || !nfsim_attr_u32(tb->tb[NFTA_SET_KEY_LEN], &klen))
	{
		return false;
	}
	flags = nfsim_attr_u32_or(tb->tb[NFTA_SET_FLAGS], 0);
	if (flags & NFT_SET_MAP)
	{
		nfsim_attr_u32(tb->tb[NFTA_SET_DATA_TYPE], &dtype);
		nfsim_attr_u32(tb->tb[NFTA_SET_DATA_LEN], &dlen);
	}
	if (flags & NFT_SET_OBJECT)
	{
		/* object maps hold no data the simulator uses */
		flags &= ~NFT_SET_MAP;
		dlen = 0;
	}
	if (dtype == NFT_DATA_VERDICT)
	{
		dlen = 0;
	}
	t = nfsim_table_add(rs, NFSIM_BACKEND_NFT, family, table);
	s = t ? nfsim_set_add(t, name, flags, klen, dlen, dtype) : NULL;
	if (!s)
	{
		return false;
	}
	if (tb->tb[NFTA_SET_DESC])
	{
		parse_set_desc(s, tb->tb[NFTA_SET_DESC]);
	}
	return true;
}

/**
 * One element of NFTA_SET_ELEM_LIST_ELEMENTS.
 */
static bool parse_elem(nfsim_set_t *s, uint32_t klen, uint32_t dlen,
					   bool verdicts, const struct nlattr *attr)
{
	const uint8_t *key = NULL, *end = NULL, *data = NULL;
	uint32_t len = 0, elen = 0, datalen = 0, flags;
	const char *chain = NULL;
	nfsim_attr_tb_t etb;
	int code = 0;

	if (!nfsim_attr_parse_nested(attr, &etb))
	{
		return false;
	}
	flags = nfsim_attr_u32_or(etb.tb[NFTA_SET_ELEM_FLAGS], 0);
	if (etb.tb[NFTA_SET_ELEM_KEY] &&
		!nfsim_attr_value(etb.tb[NFTA_SET_ELEM_KEY], &key, &len,
						  NFSIM_DATA_MAX))
	{
		return false;
	}
	if (etb.tb[NFTA_SET_ELEM_KEY_END] &&
		(!nfsim_attr_value(etb.tb[NFTA_SET_ELEM_KEY_END], &end, &elen,
						   NFSIM_DATA_MAX) || elen != len))
	{
		return false;
	}
	if (etb.tb[NFTA_SET_ELEM_DATA])
	{
		if (verdicts)
		{
			if (!nfsim_attr_verdict(etb.tb[NFTA_SET_ELEM_DATA], &code, &chain))
			{
				return false;
			}
		}
		else if (dlen && !nfsim_attr_value(etb.tb[NFTA_SET_ELEM_DATA], &data,
										   &datalen, NFSIM_DATA_MAX))
		{
			return false;
		}
	}
	else if (verdicts && !(flags & NFT_SET_ELEM_INTERVAL_END))
	{
		return false;
	}
	if (!key && !(flags & NFT_SET_ELEM_CATCHALL))
	{
		return false;
	}
	if (key && len != klen)
	{
		return false;
	}
	return nfsim_set_add_elem(s, key, len, end, flags, data, datalen, code,
							  chain);
}

/**
 * Set element messages name table and set; the set must be known.
 */
static bool parse_setelems(nfsim_ruleset_t *rs, uint8_t family,
						   const nfsim_attr_tb_t *tb)
{
	const char *table = nfsim_attr_str(tb->tb[NFTA_SET_ELEM_LIST_TABLE]);
	const char *name = nfsim_attr_str(tb->tb[NFTA_SET_ELEM_LIST_SET]);
	const struct nlattr *pos;
	nfsim_table_t *t;
	nfsim_set_t *s;
	uint32_t klen, dlen, dtype;
	bool ok = true;

	if (!table || !name)
	{
		return false;
	}
	t = nfsim_table_find(rs, NFSIM_BACKEND_NFT, family, table);
	s = t ? nfsim_set_find(t, name) : NULL;
	if (!s || !tb->tb[NFTA_SET_ELEM_LIST_ELEMENTS])
	{
		return false;
	}
	nfsim_set_get_lengths(s, &klen, &dlen, &dtype);
	mnl_attr_for_each_nested(pos, tb->tb[NFTA_SET_ELEM_LIST_ELEMENTS])
	{
		if (!parse_elem(s, klen, dlen, dtype == NFT_DATA_VERDICT &&
						dlen == 0, pos))
		{
			ok = false;
		}
	}
	return ok;
}

/**
 * The comment of a rule from its userdata TLVs.
 */
static void parse_udata(nfsim_rule_t *r, const struct nlattr *attr)
{
	const uint8_t *p = mnl_attr_get_payload(attr);
	uint16_t len = mnl_attr_get_payload_len(attr), off = 0;
	char comment[256];

	/* type (1 byte), length (1 byte), value */
	while (off + 2 <= len)
	{
		uint8_t type = p[off], vlen = p[off + 1];

		if (off + 2 + vlen > len)
		{
			return;
		}
		if (type == 0 /* NFTNL_UDATA_RULE_COMMENT */ && vlen > 0)
		{
			memcpy(comment, p + off + 2, vlen);
			comment[vlen] = '\0';
			nfsim_rule_set_comment(r, comment);
			return;
		}
		off += 2 + vlen;
	}
}

static bool parse_rule(nfsim_ruleset_t *rs, uint8_t family,
					   const nfsim_attr_tb_t *tb)
{
	const char *table = nfsim_attr_str(tb->tb[NFTA_RULE_TABLE]);
	const char *chain = nfsim_attr_str(tb->tb[NFTA_RULE_CHAIN]);
	const struct nlattr *pos;
	uint64_t handle = 0;
	nfsim_table_t *t;
	nfsim_chain_t *c;
	nfsim_rule_t *r;
	bool ok = true;

	if (!table || !chain)
	{
		return false;
	}
	nfsim_attr_u64(tb->tb[NFTA_RULE_HANDLE], &handle);
	t = nfsim_table_add(rs, NFSIM_BACKEND_NFT, family, table);
	c = t ? nfsim_chain_add(t, chain) : NULL;
	r = c ? nfsim_rule_add(c, handle) : NULL;
	if (!r)
	{
		return false;
	}
	if (tb->tb[NFTA_RULE_USERDATA])
	{
		parse_udata(r, tb->tb[NFTA_RULE_USERDATA]);
	}
	if (!tb->tb[NFTA_RULE_EXPRESSIONS])
	{
		return true;
	}
	mnl_attr_for_each_nested(pos, tb->tb[NFTA_RULE_EXPRESSIONS])
	{
		if (mnl_attr_get_type(pos) != NFTA_LIST_ELEM)
		{
			continue;
		}
		if (!dpc_nft_expr_add(r, family, pos))
		{
			ok = false;
		}
	}
	return ok;
}

bool dpc_nft_parse_msg(nfsim_ruleset_t *rs, const struct nlmsghdr *nlh,
					   size_t len, uint32_t *genid)
{
	struct nfgenmsg nfg;
	nfsim_attr_tb_t tb;
	uint32_t id;

	if ((uintptr_t)nlh % 4)
	{
		/* attributes are read in place: work on an aligned copy */
		void *copy = malloc(len ? len : 1);
		bool ok;

		if (!copy)
		{
			return false;
		}
		memcpy(copy, nlh, len);
		ok = dpc_nft_parse_msg(rs, copy, len, genid);
		free(copy);
		return ok;
	}
	if (len < sizeof(*nlh) || nlh->nlmsg_len > len ||
		nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(nfg)))
	{
		return false;
	}
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
	{
		return true;
	}
	if (!rs && NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWGEN)
	{
		return true;
	}
	memcpy(&nfg, mnl_nlmsg_get_payload(nlh), sizeof(nfg));
	if (!nfsim_attr_parse_msg(nlh, &tb))
	{
		return false;
	}
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type))
	{
		case NFT_MSG_NEWTABLE:
			return parse_table(rs, nfg.nfgen_family, &tb);
		case NFT_MSG_NEWCHAIN:
			return parse_chain(rs, nfg.nfgen_family, &tb);
		case NFT_MSG_NEWSET:
			return parse_set(rs, nfg.nfgen_family, &tb);
		case NFT_MSG_NEWSETELEM:
			return parse_setelems(rs, nfg.nfgen_family, &tb);
		case NFT_MSG_NEWRULE:
			return parse_rule(rs, nfg.nfgen_family, &tb);
		case NFT_MSG_NEWGEN:
			if (!nfsim_attr_u32(tb.tb[NFTA_GEN_ID], &id))
			{
				return false;
			}
			if (genid)
			{
				*genid = id;
			}
			return true;
		default:
			return true;
	}
}

/*
 * Described in header
 */
const struct nlmsghdr *dpc_nft_next_msg(const uint8_t *buf, size_t len,
										size_t *off)
{
	const struct nlmsghdr *nlh;

	if (len - *off < sizeof(*nlh))
	{
		return NULL;
	}
	nlh = (const struct nlmsghdr*)(buf + *off);
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - *off)
	{
		return NULL;
	}
	*off += NLMSG_ALIGN(nlh->nlmsg_len) < len - *off ?
			NLMSG_ALIGN(nlh->nlmsg_len) : len - *off;
	return nlh;
}

unsigned dpc_nft_parse(nfsim_ruleset_t *rs, const void *buf, size_t len,
					   uint32_t *genid)
{
	const struct nlmsghdr *nlh;
	unsigned bad = 0;
	size_t off = 0;

	if ((uintptr_t)buf % 4)
	{
		/* messages are read in place: work on an aligned copy */
		void *copy = malloc(len ? len : 1);

		if (!copy)
		{
			return 1;
		}
		memcpy(copy, buf, len);
		bad = dpc_nft_parse(rs, copy, len, genid);
		free(copy);
		return bad;
	}
	while ((nlh = dpc_nft_next_msg(buf, len, &off)))
	{
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
			!dpc_nft_parse_msg(rs, nlh, nlh->nlmsg_len, genid))
		{
			bad++;
		}
	}
	return bad;
}
