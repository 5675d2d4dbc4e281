/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_nft_read.h"
#include "dpc_nft_attr.h"

#include "../nfsim/nfsim_expr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>

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
						const dpc_nft_tb_t *tb)
{
	const char *name = dpc_nft_str(tb->tb[NFTA_TABLE_NAME]);
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
	nfsim_table_set_flags(t, dpc_nft_u32_or(tb->tb[NFTA_TABLE_FLAGS], 0));
	return true;
}

/**
 * The device of an ingress hook: NFTA_HOOK_DEV or the first of
 * NFTA_HOOK_DEVS.
 */
static const char *hook_dev(const dpc_nft_tb_t *htb)
{
	const struct nlattr *pos;
	const char *dev = dpc_nft_str(htb->tb[NFTA_HOOK_DEV]);

	if (dev || !htb->tb[NFTA_HOOK_DEVS])
	{
		return dev;
	}
	mnl_attr_for_each_nested(pos, htb->tb[NFTA_HOOK_DEVS])
	{
		dev = dpc_nft_str(pos);
		if (dev)
		{
			return dev;
		}
	}
	return NULL;
}

static bool parse_chain(nfsim_ruleset_t *rs, uint8_t family,
						const dpc_nft_tb_t *tb)
{
	const char *table = dpc_nft_str(tb->tb[NFTA_CHAIN_TABLE]);
	const char *name = dpc_nft_str(tb->tb[NFTA_CHAIN_NAME]);
	const char *type;
	nfsim_chain_type_t ctype = NFSIM_CHAIN_FILTER;
	nfsim_chain_t *c;
	nfsim_table_t *t;
	dpc_nft_tb_t htb;
	uint32_t hooknum, prio;
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
	if (dpc_nft_u64(tb->tb[NFTA_CHAIN_HANDLE], &handle))
	{
		nfsim_chain_set_handle(c, handle);
	}
	if (!tb->tb[NFTA_CHAIN_HOOK])
	{
		return true;
	}
	if (!dpc_nft_parse_nested(tb->tb[NFTA_CHAIN_HOOK], &htb) ||
		!dpc_nft_u32(htb.tb[NFTA_HOOK_HOOKNUM], &hooknum) ||
		!dpc_nft_u32(htb.tb[NFTA_HOOK_PRIORITY], &prio))
	{
		return false;
	}
	type = dpc_nft_str(tb->tb[NFTA_CHAIN_TYPE]);
	if (type && strcmp(type, "nat") == 0)
	{
		ctype = NFSIM_CHAIN_NAT;
	}
	else if (type && strcmp(type, "route") == 0)
	{
		ctype = NFSIM_CHAIN_ROUTE;
	}
	nfsim_chain_set_base(c, ctype, map_hook(family, hooknum), (int32_t)prio,
						 dpc_nft_u32_or(tb->tb[NFTA_CHAIN_POLICY], NF_ACCEPT),
						 hook_dev(&htb));
	return true;
}

/**
 * Field lengths of a concatenated set key (NFTA_SET_DESC_CONCAT).
 */
static void parse_set_desc(nfsim_set_t *s, const struct nlattr *desc)
{
	uint8_t lens[NFSIM_SET_FIELDS];
	const struct nlattr *pos;
	dpc_nft_tb_t dtb, ftb;
	unsigned n = 0;
	uint32_t len;

	if (!dpc_nft_parse_nested(desc, &dtb) || !dtb.tb[NFTA_SET_DESC_CONCAT])
	{
		return;
	}
	mnl_attr_for_each_nested(pos, dtb.tb[NFTA_SET_DESC_CONCAT])
	{
		if (n == NFSIM_SET_FIELDS || !dpc_nft_parse_nested(pos, &ftb) ||
			!dpc_nft_u32(ftb.tb[NFTA_SET_FIELD_LEN], &len) || len == 0 ||
			len > NFSIM_DATA_MAX)
		{
			return;
		}
		lens[n++] = len;
	}
	nfsim_set_set_fields(s, lens, n);
}

static bool parse_set(nfsim_ruleset_t *rs, uint8_t family,
					  const dpc_nft_tb_t *tb)
{
	const char *table = dpc_nft_str(tb->tb[NFTA_SET_TABLE]);
	const char *name = dpc_nft_str(tb->tb[NFTA_SET_NAME]);
	uint32_t klen, flags, dlen = 0, dtype = 0;
	nfsim_table_t *t;
	nfsim_set_t *s;

	if (!table || !name || !dpc_nft_u32(tb->tb[NFTA_SET_KEY_LEN], &klen))
	{
		return false;
	}
	flags = dpc_nft_u32_or(tb->tb[NFTA_SET_FLAGS], 0);
	if (flags & NFT_SET_MAP)
	{
		dpc_nft_u32(tb->tb[NFTA_SET_DATA_TYPE], &dtype);
		dpc_nft_u32(tb->tb[NFTA_SET_DATA_LEN], &dlen);
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
	dpc_nft_tb_t etb;
	int code = 0;

	if (!dpc_nft_parse_nested(attr, &etb))
	{
		return false;
	}
	flags = dpc_nft_u32_or(etb.tb[NFTA_SET_ELEM_FLAGS], 0);
	if (etb.tb[NFTA_SET_ELEM_KEY] &&
		!dpc_nft_value(etb.tb[NFTA_SET_ELEM_KEY], &key, &len, NFSIM_DATA_MAX))
	{
		return false;
	}
	if (etb.tb[NFTA_SET_ELEM_KEY_END] &&
		(!dpc_nft_value(etb.tb[NFTA_SET_ELEM_KEY_END], &end, &elen,
						NFSIM_DATA_MAX) || elen != len))
	{
		return false;
	}
	if (etb.tb[NFTA_SET_ELEM_DATA])
	{
		if (verdicts)
		{
			if (!dpc_nft_verdict(etb.tb[NFTA_SET_ELEM_DATA], &code, &chain))
			{
				return false;
			}
		}
		else if (dlen && !dpc_nft_value(etb.tb[NFTA_SET_ELEM_DATA], &data,
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
						   const dpc_nft_tb_t *tb)
{
	const char *table = dpc_nft_str(tb->tb[NFTA_SET_ELEM_LIST_TABLE]);
	const char *name = dpc_nft_str(tb->tb[NFTA_SET_ELEM_LIST_SET]);
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
					   const dpc_nft_tb_t *tb)
{
	const char *table = dpc_nft_str(tb->tb[NFTA_RULE_TABLE]);
	const char *chain = dpc_nft_str(tb->tb[NFTA_RULE_CHAIN]);
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
	dpc_nft_u64(tb->tb[NFTA_RULE_HANDLE], &handle);
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
	dpc_nft_tb_t tb;
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
	if (!dpc_nft_parse_msg_attrs(nlh, &tb))
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
			if (!dpc_nft_u32(tb.tb[NFTA_GEN_ID], &id))
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

/**
 * Walk messages: mnl_nlmsg_ok() compares a message length cast to int, so
 * a length beyond 2 GiB passes it and walks backwards; check it here.
 */
static const struct nlmsghdr *next_msg(const uint8_t *buf, size_t len,
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
	while ((nlh = next_msg(buf, len, &off)))
	{
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
			!dpc_nft_parse_msg(rs, nlh, nlh->nlmsg_len, genid))
		{
			bad++;
		}
	}
	return bad;
}

/* ---- reading the kernel's ruleset ---- */

/** receive buffer: large enough for any dump message the kernel builds */
#define RECV_BUF (256 * 1024)

/** attempts when the ruleset changes during the dump */
#define READ_ATTEMPTS 5

/**
 * A set a dump announced, to ask for its elements.
 */
typedef struct {
	uint8_t family;
	char *table;
	char *name;
} set_id_t;

/**
 * State of one dump attempt: the messages collected so far.
 */
typedef struct {
	/** collected messages, back to back */
	uint8_t *msgs;
	/** bytes used */
	size_t len;
	/** bytes allocated */
	size_t size;
	/** sets announced */
	set_id_t *sets;
	/** number of sets */
	size_t nsets;
	/** allocated set slots */
	size_t sets_size;
	/** receives a generation id instead of collecting */
	uint32_t *genid;
	/** allocation failed */
	bool nomem;
} read_ctx_t;

/**
 * Remember a set announced by a NEWSET message.
 */
static void remember_set(read_ctx_t *ctx, const struct nlmsghdr *nlh)
{
	const char *table, *name;
	struct nfgenmsg nfg;
	dpc_nft_tb_t tb;
	set_id_t *n;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSET ||
		nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(nfg)) ||
		!dpc_nft_parse_msg_attrs(nlh, &tb))
	{
		return;
	}
	table = dpc_nft_str(tb.tb[NFTA_SET_TABLE]);
	name = dpc_nft_str(tb.tb[NFTA_SET_NAME]);
	if (!table || !name)
	{
		return;
	}
	if (ctx->nsets == ctx->sets_size)
	{
		size_t size = ctx->sets_size ? ctx->sets_size * 2 : 16;

		n = realloc(ctx->sets, size * sizeof(*n));
		if (!n)
		{
			ctx->nomem = true;
			return;
		}
		ctx->sets = n;
		ctx->sets_size = size;
	}
	memcpy(&nfg, mnl_nlmsg_get_payload(nlh), sizeof(nfg));
	n = &ctx->sets[ctx->nsets];
	n->family = nfg.nfgen_family;
	n->table = strdup(table);
	n->name = strdup(name);
	if (!n->table || !n->name)
	{
		free(n->table);
		free(n->name);
		ctx->nomem = true;
		return;
	}
	ctx->nsets++;
}

/**
 * Release what an attempt collected.
 */
static void reset_ctx(read_ctx_t *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nsets; i++)
	{
		free(ctx->sets[i].table);
		free(ctx->sets[i].name);
	}
	free(ctx->sets);
	free(ctx->msgs);
	memset(ctx, 0, sizeof(*ctx));
}

/**
 * Keep a copy of a message.
 */
static void collect(read_ctx_t *ctx, const struct nlmsghdr *nlh)
{
	size_t need = MNL_ALIGN(nlh->nlmsg_len);

	if (ctx->len + need > ctx->size)
	{
		size_t size = ctx->size ? ctx->size : 64 * 1024;
		uint8_t *n;

		while (size < ctx->len + need)
		{
			size *= 2;
		}
		n = realloc(ctx->msgs, size);
		if (!n)
		{
			ctx->nomem = true;
			return;
		}
		ctx->msgs = n;
		ctx->size = size;
	}
	memset(ctx->msgs + ctx->len, 0, need);
	memcpy(ctx->msgs + ctx->len, nlh, nlh->nlmsg_len);
	ctx->len += need;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	read_ctx_t *ctx = data;

	if (ctx->genid)
	{
		/* only the NEWGEN answer is decoded without a ruleset */
		dpc_nft_parse_msg(NULL, nlh, nlh->nlmsg_len, ctx->genid);
		return MNL_CB_OK;
	}
	collect(ctx, nlh);
	remember_set(ctx, nlh);
	return MNL_CB_OK;
}

/**
 * Send a request and process the answers until done.
 */
static int talk(struct mnl_socket *nl, char *buf, struct nlmsghdr *req,
				read_ctx_t *ctx)
{
	uint32_t seq = req->nlmsg_seq, portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
	{
		return -errno;
	}
	while (true)
	{
		n = mnl_socket_recvfrom(nl, buf, RECV_BUF);
		if (n < 0)
		{
			return -errno;
		}
		errno = 0;
		ret = mnl_cb_run(buf, n, seq, portid, msg_cb, ctx);
		if (ret < 0)
		{
			return errno ? -errno : -EIO;
		}
		if (ret == MNL_CB_STOP)
		{
			return ctx->nomem ? -ENOMEM : 0;
		}
	}
}

/**
 * Build a request header.
 */
static struct nlmsghdr *request(char *buf, uint16_t type, uint8_t family,
								uint16_t flags, uint32_t *seq)
{
	return nftnl_nlmsg_build_hdr(buf, type, family, flags, ++*seq);
}

/**
 * Ask for the generation id.
 */
static int get_genid(struct mnl_socket *nl, char *buf, uint32_t *seq,
					 uint32_t *genid)
{
	read_ctx_t gen = { .genid = genid };

	return talk(nl, buf, request(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, seq),
				&gen);
}

/**
 * Ask for the elements of one set.
 */
static int dump_elems(struct mnl_socket *nl, char *buf, read_ctx_t *ctx,
					  const set_id_t *id, uint32_t *seq)
{
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	int ret;

	s = nftnl_set_alloc();
	if (!s)
	{
		return -ENOMEM;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, id->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, id->name);
	nlh = request(buf, NFT_MSG_GETSETELEM, id->family, NLM_F_DUMP, seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	ret = talk(nl, buf, nlh, ctx);
	/* a set deleted meanwhile: the generation check catches it */
	return ret == -ENOENT ? 0 : ret;
}

/**
 * One attempt at a consistent dump: generation, tables, chains, sets, set
 * elements, rules, generation again.
 */
static int read_once(struct mnl_socket *nl, char *buf, read_ctx_t *ctx,
					 uint32_t *seq, uint32_t *genid)
{
	static const uint16_t dumps[] = {
		NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETSET,
	};
	uint32_t before = 0, after = 0;
	size_t i;
	int ret;

	ret = get_genid(nl, buf, seq, &before);
	for (i = 0; ret == 0 && i < sizeof(dumps) / sizeof(dumps[0]); i++)
	{
		ret = talk(nl, buf, request(buf, dumps[i], NFPROTO_UNSPEC, NLM_F_DUMP,
									seq), ctx);
	}
	for (i = 0; ret == 0 && i < ctx->nsets; i++)
	{
		ret = dump_elems(nl, buf, ctx, &ctx->sets[i], seq);
	}
	if (ret == 0)
	{
		ret = talk(nl, buf, request(buf, NFT_MSG_GETRULE, NFPROTO_UNSPEC,
									NLM_F_DUMP, seq), ctx);
	}
	if (ret == 0)
	{
		/* collected as a message too, so recordings carry it */
		ret = talk(nl, buf, request(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK,
									seq), ctx);
	}
	if (ret == 0)
	{
		ret = get_genid(nl, buf, seq, &after);
	}
	if (ret == 0 && before != after)
	{
		ret = -EINTR;
	}
	*genid = after;
	return ret;
}

/**
 * Open a netfilter netlink socket.
 */
static struct mnl_socket *open_socket(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);

	if (!nl)
	{
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
	{
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

int dpc_nft_read(nfsim_ruleset_t *rs, uint32_t *genid, dpc_nft_tap_t tap,
				 void *user)
{
	struct mnl_socket *nl;
	uint32_t seq = time(NULL), id = 0;
	const struct nlmsghdr *nlh;
	read_ctx_t ctx;
	size_t off = 0;
	int ret = -EINTR, attempt;
	char *buf;

	buf = malloc(RECV_BUF);
	if (!buf)
	{
		return -ENOMEM;
	}
	nl = open_socket();
	if (!nl)
	{
		ret = errno ? -errno : -EIO;
		free(buf);
		return ret;
	}
	memset(&ctx, 0, sizeof(ctx));
	for (attempt = 0; attempt < READ_ATTEMPTS && ret == -EINTR; attempt++)
	{
		reset_ctx(&ctx);
		ret = read_once(nl, buf, &ctx, &seq, &id);
	}
	mnl_socket_close(nl);
	free(buf);
	if (ret == 0)
	{
		while ((nlh = next_msg(ctx.msgs, ctx.len, &off)))
		{
			if (tap)
			{
				tap(user, nlh);
			}
			dpc_nft_parse_msg(rs, nlh, nlh->nlmsg_len, NULL);
		}
		if (genid)
		{
			*genid = id;
		}
	}
	reset_ctx(&ctx);
	return ret;
}

int dpc_nft_genid(uint32_t *genid)
{
	struct mnl_socket *nl;
	uint32_t seq = time(NULL);
	char *buf;
	int ret;

	buf = malloc(RECV_BUF);
	if (!buf)
	{
		return -ENOMEM;
	}
	nl = open_socket();
	if (!nl)
	{
		ret = errno ? -errno : -EIO;
		free(buf);
		return ret;
	}
	ret = get_genid(nl, buf, &seq, genid);
	mnl_socket_close(nl);
	free(buf);
	return ret;
}
