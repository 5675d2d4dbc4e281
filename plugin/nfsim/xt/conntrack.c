/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * state ("-m state --state ...") and conntrack ("-m conntrack --ctstate
 * ... --ctdir ... --ctorigsrc ...", revisions 1 to 3).
 */

#include "../nfsim_xt.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_conntrack.h>

/**
 * Names of state bits (shared by both matches).
 */
static void render_states(nfsim_render_t *r, uint32_t mask, bool xt_ct)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ 1 << 0, "INVALID" },
		{ 1 << 3, "NEW" },
		{ 1 << 1, "ESTABLISHED" },
		{ 1 << 2, "RELATED" },
	};
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		if (mask & names[i].bit)
		{
			nfsim_render_printf(r, "%s%s", first ? "" : ",", names[i].name);
			first = false;
		}
	}
	if (xt_ct)
	{
		if (mask & XT_CONNTRACK_STATE_UNTRACKED)
		{
			nfsim_render_printf(r, "%sUNTRACKED", first ? "" : ",");
			first = false;
		}
		if (mask & XT_CONNTRACK_STATE_SNAT)
		{
			nfsim_render_printf(r, "%sSNAT", first ? "" : ",");
			first = false;
		}
		if (mask & XT_CONNTRACK_STATE_DNAT)
		{
			nfsim_render_printf(r, "%sDNAT", first ? "" : ",");
			first = false;
		}
	}
	else if (mask & XT_STATE_UNTRACKED)
	{
		nfsim_render_printf(r, "%sUNTRACKED", first ? "" : ",");
		first = false;
	}
}

static void eval_state(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	struct xt_state_info info;
	uint32_t bit = ctx->pkt->ct_state;

	memcpy(&info, xt->info, sizeof(info));
	if (!bit)
	{
		nfsim_unknown(ctx, false);
		return;
	}
	/* the NFSIM_CT_* bits are the XT_STATE_* bits */
	nfsim_xt_result(ctx, (info.statemask & bit) ? NFSIM_YES : NFSIM_NO);
}

static void render_state(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	struct xt_state_info info;

	memcpy(&info, xt->info, sizeof(info));
	nfsim_render_printf(r, "--state ");
	render_states(r, info.statemask, false);
}

/**
 * The parts of revisions 1-3 the simulator judges, in one shape.
 */
typedef struct {
	uint16_t match_flags, invert_flags, state_mask, status_mask;
	uint16_t l4proto;
	union nf_inet_addr origsrc, origsrc_mask, origdst, origdst_mask;
	/* host order port ranges */
	uint16_t origsrc_port[2], origdst_port[2];
	uint8_t rev;
} ct_t;

static void decode(const nfsim_xt_t *xt, ct_t *c)
{
	memset(c, 0, sizeof(*c));
	c->rev = xt->rev;
	if (xt->rev == 1)
	{
		struct xt_conntrack_mtinfo1 i;

		memcpy(&i, xt->info, sizeof(i));
		c->match_flags = i.match_flags;
		c->invert_flags = i.invert_flags;
		c->state_mask = i.state_mask;
		c->status_mask = i.status_mask;
		c->l4proto = i.l4proto;
		c->origsrc = i.origsrc_addr;
		c->origsrc_mask = i.origsrc_mask;
		c->origdst = i.origdst_addr;
		c->origdst_mask = i.origdst_mask;
		c->origsrc_port[0] = c->origsrc_port[1] = ntohs(i.origsrc_port);
		c->origdst_port[0] = c->origdst_port[1] = ntohs(i.origdst_port);
	}
	else if (xt->rev == 2)
	{
		struct xt_conntrack_mtinfo2 i;

		memcpy(&i, xt->info, sizeof(i));
		c->match_flags = i.match_flags;
		c->invert_flags = i.invert_flags;
		c->state_mask = i.state_mask;
		c->status_mask = i.status_mask;
		c->l4proto = i.l4proto;
		c->origsrc = i.origsrc_addr;
		c->origsrc_mask = i.origsrc_mask;
		c->origdst = i.origdst_addr;
		c->origdst_mask = i.origdst_mask;
		c->origsrc_port[0] = c->origsrc_port[1] = ntohs(i.origsrc_port);
		c->origdst_port[0] = c->origdst_port[1] = ntohs(i.origdst_port);
	}
	else
	{
		struct xt_conntrack_mtinfo3 i;

		memcpy(&i, xt->info, sizeof(i));
		c->match_flags = i.match_flags;
		c->invert_flags = i.invert_flags;
		c->state_mask = i.state_mask;
		c->status_mask = i.status_mask;
		c->l4proto = i.l4proto;
		c->origsrc = i.origsrc_addr;
		c->origsrc_mask = i.origsrc_mask;
		c->origdst = i.origdst_addr;
		c->origdst_mask = i.origdst_mask;
		/* revision 3 keeps ports in host order with an upper bound */
		c->origsrc_port[0] = i.origsrc_port;
		c->origsrc_port[1] = i.origsrc_port_high;
		c->origdst_port[0] = i.origdst_port;
		c->origdst_port[1] = i.origdst_port_high;
	}
}

/**
 * The ctstate bit of the packet in conntrack's numbering.
 */
static uint32_t ct_bit(uint32_t state)
{
	if (state & NFSIM_CT_UNTRACKED)
	{
		return XT_CONNTRACK_STATE_UNTRACKED;
	}
	return state;
}

/**
 * Whether any bit of mask is set in a status with unknown bits.
 */
static nfsim_tri_t any_bit(uint32_t mask, uint32_t status, uint32_t unknown)
{
	if (mask & status & ~unknown)
	{
		return NFSIM_YES;
	}
	return (mask & unknown) ? NFSIM_UNKNOWN : NFSIM_NO;
}

/**
 * The state of --ctstate (before inversion): the state bit, and SNAT/DNAT
 * from the connection's status if that is known.
 */
static nfsim_tri_t match_state(const ct_t *c, uint32_t bit, bool tracked,
							   const nfsim_ctx_t *ctx)
{
	uint32_t status = 0, unknown = ~0u, nat = 0;

	if (c->state_mask & bit)
	{
		return NFSIM_YES;
	}
	if (!tracked || !(c->state_mask & (XT_CONNTRACK_STATE_SNAT |
									   XT_CONNTRACK_STATE_DNAT)))
	{
		return NFSIM_NO;
	}
	nfsim_ct_status(ctx, &status, &unknown);
	if (c->state_mask & XT_CONNTRACK_STATE_SNAT)
	{
		nat |= NFSIM_CTS_SRC_NAT;
	}
	if (c->state_mask & XT_CONNTRACK_STATE_DNAT)
	{
		nat |= NFSIM_CTS_DST_NAT;
	}
	return any_bit(nat, status, unknown);
}

/**
 * --ctorigsrc, --ctorigdst and their ports: the packet's own addresses and
 * ports in the original direction, not known in the reply direction.
 */
static nfsim_tri_t match_orig(const ct_t *c, const nfsim_packet_t *p,
							  uint32_t alen)
{
	static const uint8_t none[16];
	nfsim_tri_t res = NFSIM_YES, t;

	if (c->match_flags & XT_CONNTRACK_ORIGSRC)
	{
		t = p->ct_dir == 0 ? nfsim_addr_match(p->src, none,
					(const uint8_t*)&c->origsrc,
					(const uint8_t*)&c->origsrc_mask, alen) : NFSIM_UNKNOWN;
		res = nfsim_tri_and(res, nfsim_tri_inv(t,
							c->invert_flags & XT_CONNTRACK_ORIGSRC));
	}
	if (c->match_flags & XT_CONNTRACK_ORIGDST)
	{
		t = p->ct_dir == 0 ? nfsim_addr_match(p->dst, none,
					(const uint8_t*)&c->origdst,
					(const uint8_t*)&c->origdst_mask, alen) : NFSIM_UNKNOWN;
		res = nfsim_tri_and(res, nfsim_tri_inv(t,
							c->invert_flags & XT_CONNTRACK_ORIGDST));
	}
	if (c->match_flags & XT_CONNTRACK_ORIGSRC_PORT)
	{
		t = p->ct_dir == 0 ? ((p->sport >= c->origsrc_port[0] &&
							   p->sport <= c->origsrc_port[1]) ? NFSIM_YES
															   : NFSIM_NO)
						   : NFSIM_UNKNOWN;
		res = nfsim_tri_and(res, nfsim_tri_inv(t,
							c->invert_flags & XT_CONNTRACK_ORIGSRC_PORT));
	}
	if (c->match_flags & XT_CONNTRACK_ORIGDST_PORT)
	{
		t = p->ct_dir == 0 ? ((p->dport >= c->origdst_port[0] &&
							   p->dport <= c->origdst_port[1]) ? NFSIM_YES
															   : NFSIM_NO)
						   : NFSIM_UNKNOWN;
		res = nfsim_tri_and(res, nfsim_tri_inv(t,
							c->invert_flags & XT_CONNTRACK_ORIGDST_PORT));
	}
	return res;
}

static void eval_conntrack(const nfsim_xt_t *xt, nfsim_ctx_t *ctx)
{
	const nfsim_packet_t *p = ctx->pkt;
	nfsim_tri_t res = NFSIM_YES;
	bool tracked;
	ct_t c;

	decode(xt, &c);
	if (!p->ct_state)
	{
		nfsim_unknown(ctx, false);
		return;
	}
	tracked = !(p->ct_state & (NFSIM_CT_INVALID | NFSIM_CT_UNTRACKED));
	if (c.match_flags & XT_CONNTRACK_STATE)
	{
		res = nfsim_tri_inv(match_state(&c, ct_bit(p->ct_state), tracked,
											ctx),
							c.invert_flags & XT_CONNTRACK_STATE);
	}
	if (!tracked)
	{
		nfsim_xt_result(ctx, res == NFSIM_NO ? NFSIM_NO :
						((c.match_flags & XT_CONNTRACK_STATE) ? res : NFSIM_NO));
		return;
	}
	if (c.match_flags & XT_CONNTRACK_DIRECTION)
	{
		res = nfsim_tri_and(res, ((p->ct_dir == 0) !=
					!!(c.invert_flags & XT_CONNTRACK_DIRECTION)) ?
					NFSIM_NO : NFSIM_YES);
	}
	if (c.match_flags & XT_CONNTRACK_PROTO)
	{
		res = nfsim_tri_and(res, nfsim_tri_inv(c.l4proto == p->proto ?
					NFSIM_YES : NFSIM_NO, c.invert_flags & XT_CONNTRACK_PROTO));
	}
	res = nfsim_tri_and(res, match_orig(&c, p, nfsim_addr_len(ctx->family)));
	if (c.match_flags & XT_CONNTRACK_STATUS)
	{
		uint32_t status = 0, unknown = ~0u;

		nfsim_ct_status(ctx, &status, &unknown);
		res = nfsim_tri_and(res, nfsim_tri_inv(any_bit(c.status_mask, status,
								unknown), c.invert_flags & XT_CONNTRACK_STATUS));
	}
	if (c.match_flags & (XT_CONNTRACK_REPLSRC | XT_CONNTRACK_REPLDST |
						 XT_CONNTRACK_EXPIRES |
						 XT_CONNTRACK_REPLSRC_PORT | XT_CONNTRACK_REPLDST_PORT))
	{
		res = nfsim_tri_and(res, NFSIM_UNKNOWN);
	}
	nfsim_xt_result(ctx, res);
}

static void render_conntrack(const nfsim_xt_t *xt, nfsim_render_t *r)
{
	uint8_t fam = r->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	size_t mark = r->pos;
	ct_t c;

	decode(xt, &c);
	if (c.match_flags & XT_CONNTRACK_STATE)
	{
		nfsim_render_printf(r, "%s--ctstate ",
					(c.invert_flags & XT_CONNTRACK_STATE) ? "! " : "");
		render_states(r, c.state_mask, true);
	}
	if (c.match_flags & XT_CONNTRACK_PROTO)
	{
		nfsim_render_printf(r, "%s%s--ctproto %u", r->pos > mark ? " " : "",
					(c.invert_flags & XT_CONNTRACK_PROTO) ? "! " : "", c.l4proto);
	}
	if (c.match_flags & XT_CONNTRACK_ORIGSRC)
	{
		nfsim_render_printf(r, "%s%s--ctorigsrc ", r->pos > mark ? " " : "",
					(c.invert_flags & XT_CONNTRACK_ORIGSRC) ? "! " : "");
		nfsim_render_addr(r, fam, (const uint8_t*)&c.origsrc);
	}
	if (c.match_flags & XT_CONNTRACK_ORIGDST)
	{
		nfsim_render_printf(r, "%s%s--ctorigdst ", r->pos > mark ? " " : "",
					(c.invert_flags & XT_CONNTRACK_ORIGDST) ? "! " : "");
		nfsim_render_addr(r, fam, (const uint8_t*)&c.origdst);
	}
	if (c.match_flags & XT_CONNTRACK_STATUS)
	{
		nfsim_render_printf(r, "%s--ctstatus 0x%x", r->pos > mark ? " " : "",
							c.status_mask);
	}
	if (c.match_flags & XT_CONNTRACK_DIRECTION)
	{
		nfsim_render_printf(r, "%s--ctdir %s", r->pos > mark ? " " : "",
					(c.invert_flags & XT_CONNTRACK_DIRECTION) ? "ORIGINAL"
															  : "REPLY");
	}
}

const nfsim_xt_type_t nfsim_xt_conntrack_types[] = {
	{ "state", 0, 0, false, sizeof(struct xt_state_info),
	  eval_state, render_state, 0, 0 },
	{ "conntrack", 1, 0, false, sizeof(struct xt_conntrack_mtinfo1),
	  eval_conntrack, render_conntrack, 0, 0 },
	{ "conntrack", 2, 0, false, sizeof(struct xt_conntrack_mtinfo2),
	  eval_conntrack, render_conntrack, 0, 0 },
	{ "conntrack", 3, 0, false, sizeof(struct xt_conntrack_mtinfo3),
	  eval_conntrack, render_conntrack, 0, 0 },
	{ NULL, 0, 0, false, 0, NULL, NULL, 0, 0 },
};
