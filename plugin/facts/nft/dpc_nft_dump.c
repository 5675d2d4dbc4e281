/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_nft_read.h"
#include "facts/dpc_netlink.h"
#include "model/dpc_bulk.h"
#include "nfsim/nfsim_attr.h"

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

/* ---- reading the kernel's ruleset ---- */

/** receive buffer: large enough for any dump message the kernel builds */
#define RECV_BUF (256 * 1024)

/** attempts when the ruleset changes during the dump */
#define READ_ATTEMPTS 5

/** messages decoded between two looks at the budget */
#define DECODE_CHECK_EVERY 256

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
	/** what the read may spend, NULL for no limits */
	dpc_read_limits_t *limits;
	/** rules and set elements collected */
	uint64_t elements;
} read_ctx_t;

/**
 * Rules and set elements in a message.
 */
static uint64_t count_elements(const struct nlmsghdr *nlh)
{
	const struct nlattr *pos;
	nfsim_attr_tb_t tb;
	uint64_t n = 0;

	switch (NFNL_MSG_TYPE(nlh->nlmsg_type))
	{
		case NFT_MSG_NEWRULE:
			return 1;
		case NFT_MSG_NEWSETELEM:
			if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN +
								 MNL_ALIGN(sizeof(struct nfgenmsg)) ||
				!nfsim_attr_parse_msg(nlh, &tb) ||
				!tb.tb[NFTA_SET_ELEM_LIST_ELEMENTS])
			{
				return 0;
			}
			mnl_attr_for_each_nested(pos, tb.tb[NFTA_SET_ELEM_LIST_ELEMENTS])
			{
				n++;
			}
			return n;
		default:
			return 0;
	}
}

/**
 * Remember a set announced by a NEWSET message.
 */
static void remember_set(read_ctx_t *ctx, const struct nlmsghdr *nlh)
{
	const char *table, *name;
	struct nfgenmsg nfg;
	nfsim_attr_tb_t tb;
	set_id_t *n;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSET ||
		nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(nfg)) ||
		!nfsim_attr_parse_msg(nlh, &tb))
	{
		return;
	}
	table = nfsim_attr_str(tb.tb[NFTA_SET_TABLE]);
	name = nfsim_attr_str(tb.tb[NFTA_SET_NAME]);
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
	dpc_bulk_free(ctx->msgs);
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
		n = dpc_bulk_realloc(ctx->msgs, size);
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
	ctx->elements += count_elements(nlh);
	if (dpc_read_limits_exceeded(ctx->limits, ctx->elements, ctx->len))
	{	/* not judged: too large (the socket is closed with the dump) */
		errno = EFBIG;
		return MNL_CB_ERROR;
	}
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
		n = dpc_netlink_recv(nl, buf, RECV_BUF,
							 ctx->limits ? ctx->limits->budget : NULL);
		if (n < 0)
		{
			return n;
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
					 uint32_t *genid, dpc_read_limits_t *limits)
{
	read_ctx_t gen = { .genid = genid, .limits = limits };

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

	ret = get_genid(nl, buf, seq, &before, ctx->limits);
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
		ret = get_genid(nl, buf, seq, &after, ctx->limits);
	}
	if (ret == 0 && before != after)
	{
		ret = -EINTR;
	}
	*genid = after;
	return ret;
}

/**
 * A receive buffer and a netfilter netlink socket (see dpc_netlink_open()).
 *
 * @return			0, or a negative errno
 */
static int open_socket(struct mnl_socket **nl, char **buf)
{
	int ret;

	*buf = dpc_bulk_alloc(RECV_BUF);
	if (!*buf)
	{
		return -ENOMEM;
	}
	*nl = dpc_netlink_open(NETLINK_NETFILTER, DPC_READ_TIMEOUT_MS);
	if (!*nl)
	{
		ret = errno ? -errno : -EIO;
		dpc_bulk_free(*buf);
		return ret;
	}
	return 0;
}

/**
 * Decode what a dump collected, as long as the budget lasts.
 */
static int decode(nfsim_ruleset_t *rs, const read_ctx_t *ctx,
				  dpc_nft_tap_t tap, void *user)
{
	const struct nlmsghdr *nlh;
	size_t off = 0;
	unsigned n = 0;
	int ret;

	while ((nlh = dpc_nft_next_msg(ctx->msgs, ctx->len, &off)))
	{
		if (++n % DECODE_CHECK_EVERY == 0)
		{
			ret = dpc_read_limits_check(ctx->limits);
			if (ret)
			{
				return ret;
			}
		}
		if (tap)
		{
			tap(user, nlh);
		}
		dpc_nft_parse_msg(rs, nlh, nlh->nlmsg_len, NULL);
	}
	return 0;
}

int dpc_nft_read(nfsim_ruleset_t *rs, uint32_t *genid,
				 dpc_read_limits_t *limits, dpc_nft_tap_t tap,
				 void *user)
{
	struct mnl_socket *nl;
	uint32_t seq = time(NULL), id = 0;
	read_ctx_t ctx;
	int ret = -EINTR, attempt;
	char *buf;

	ret = open_socket(&nl, &buf);
	if (ret)
	{
		return ret;
	}
	ret = -EINTR;
	memset(&ctx, 0, sizeof(ctx));
	for (attempt = 0; attempt < READ_ATTEMPTS && ret == -EINTR; attempt++)
	{
		reset_ctx(&ctx);
		ctx.limits = limits;
		ret = read_once(nl, buf, &ctx, &seq, &id);
	}
	mnl_socket_close(nl);
	dpc_bulk_free(buf);
	if (ret == 0)
	{
		dpc_read_limits_add(limits, ctx.elements, ctx.len);
		ret = decode(rs, &ctx, tap, user);
	}
	if (ret == 0 && genid)
	{
		*genid = id;
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

	ret = open_socket(&nl, &buf);
	if (ret)
	{
		return ret;
	}
	ret = get_genid(nl, buf, &seq, genid, NULL);
	mnl_socket_close(nl);
	dpc_bulk_free(buf);
	return ret;
}
