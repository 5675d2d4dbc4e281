/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * XFRM checks (kernel-netlink data plane only): every CHILD_SA against the
 * SPD and SAD dumped for the round, and the kernel's drop counters tied to
 * what they find (dpc_check_xfrm_stat.h).
 *
 * charon 5.9.x installs, per pair of local and remote traffic selectors, an
 * out policy (template with the outbound SPI), an in policy and, unless in
 * transport mode, a fwd policy (both with the CHILD_SA's reqid); fwd
 * policies for outbound traffic only with policies_fwd_out, and none at all
 * with policies = no. The SAs are found the way the kernel finds them by
 * SPI (destination, SPI, protocol, mark).
 */

#include "dpc_check.h"
#include "dpc_check_family.h"
#include "dpc_check_index.h"
#include "dpc_check_xfrm_stat.h"

#include "facts/xfrm/dpc_xfrm_sad.h"
#include "facts/xfrm/dpc_xfrm_spd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/xfrm.h>

/** pairs of selectors looked at per CHILD_SA */
#define MAX_PAIRS 64

/** CHILD_SAs remembered for tying counters */
#define MAX_TIED 256

/**
 * Seconds a CHILD_SA must be installed before its SAs are looked for: the
 * SAD is read before the round's snapshot of the tunnels, so one installed
 * in between is in the snapshot but not in the dump.
 */
#define SA_SETTLE 3

/**
 * The mark of a CHILD_SA's packets and policies: value, all bits if set.
 */
static uint32_t mark_mask(uint32_t mark)
{
	return mark ? 0xffffffff : 0;
}

/**
 * Does a policy carry a CHILD_SA's mark and interface id?
 */
static bool same_mark(const dpc_xfrm_policy_t *pol, uint32_t mark,
					  uint32_t if_id)
{
	return pol->mark_value == (mark & pol->mark_mask) &&
		   (!mark || pol->mark_mask) && pol->if_id == if_id;
}

/**
 * The address range of one side of a selector, with its protocol and port.
 */
static void sel_side(const dpc_xfrm_sel_t *sel, bool src, dpc_ts_t *ts)
{
	uint16_t port = src ? sel->sport : sel->dport;
	uint16_t mask = src ? sel->sport_mask : sel->dport_mask;

	dpc_ts_from_prefix(ts, sel->family, src ? sel->src : sel->dst,
					   src ? sel->src_plen : sel->dst_plen);
	ts->proto = sel->proto;
	if (sel->proto && mask)
	{
		ts->from_port = port & mask;
		ts->to_port = (port & mask) | (uint16_t)~mask;
	}
}

/**
 * Is a range inside a prefix of a selector side (addresses only)?
 */
static bool side_contains(const dpc_xfrm_sel_t *sel, bool src,
						  const dpc_ts_t *ts)
{
	dpc_ts_t side, inner = *ts;

	dpc_ts_from_prefix(&side, sel->family, src ? sel->src : sel->dst,
					   src ? sel->src_plen : sel->dst_plen);
	inner.proto = 0;
	inner.from_port = 0;
	inner.to_port = 0xffff;
	return sel->family == ts->family && dpc_ts_is_subset(&inner, &side);
}

/**
 * Does a policy carry a template of a reqid?
 */
static bool has_reqid(const dpc_xfrm_policy_t *pol, uint32_t reqid)
{
	int i;

	for (i = 0; i < pol->n_tmpls; i++)
	{
		if (!reqid || pol->tmpls[i].reqid == reqid)
		{
			return true;
		}
	}
	return false;
}

/**
 * Does one of a policy's templates of a reqid have the CHILD_SA's mode (an
 * IPComp template carries the tunnel, the ESP one beside it transport)?
 */
static bool has_mode(const dpc_xfrm_policy_t *pol,
					 const dpc_child_rec_t *child)
{
	uint8_t mode;
	int i;

	if (strcmp(child->mode, "TUNNEL") == 0)
	{
		mode = XFRM_MODE_TUNNEL;
	}
	else if (strcmp(child->mode, "TRANSPORT") == 0)
	{
		mode = XFRM_MODE_TRANSPORT;
	}
	else if (strcmp(child->mode, "BEET") == 0)
	{
		mode = XFRM_MODE_BEET;
	}
	else
	{
		return true;
	}
	for (i = 0; i < pol->n_tmpls; i++)
	{
		if ((!child->reqid || pol->tmpls[i].reqid == child->reqid) &&
			pol->tmpls[i].mode == mode)
		{
			return true;
		}
	}
	return pol->tmpls_dropped > 0;
}

/**
 * Selectors and marks of one direction of a pair.
 */
typedef struct {
	/** direction */
	dpc_xfrm_dir_t dir;
	/** source and destination ranges */
	const dpc_ts_t *src, *dst;
	/** mark and interface id of the direction */
	uint32_t mark, if_id;
} flow_dir_t;

/**
 * The policies whose selector may overlap a direction's flow, in SPD order:
 * those of the remote side's range (destination out, source in and
 * forward), from the round's index instead of a scan of the SPD.
 *
 * @return			number of positions in pos (freed by the caller), 0 if
 *					none or out of memory
 */
static int candidates(dpc_check_ctx_t *ctx, const dpc_xfrm_spd_t *spd,
					  const flow_dir_t *fd, uint32_t **pos)
{
	dpc_check_index_t *idx = dpc_check_index(ctx);
	bool out = fd->dir == DPC_XFRM_DIR_OUT;
	int n;

	*pos = NULL;
	n = idx ? dpc_check_index_policies(idx, spd, !out, out ? fd->dst : fd->src,
									   pos) : -1;
	return n > 0 ? n : 0;
}

/**
 * The CHILD_SA's own policy of one direction of a pair: an IPsec policy
 * with its reqid, mark and interface id whose selector covers the pair.
 */
static const dpc_xfrm_policy_t *own_policy(dpc_check_ctx_t *ctx,
										   const dpc_xfrm_spd_t *spd,
										   const dpc_child_rec_t *child,
										   const flow_dir_t *fd)
{
	const dpc_xfrm_policy_t *pol, *best = NULL;
	uint32_t *pos;
	int i, n;

	n = candidates(ctx, spd, fd, &pos);
	for (i = 0; i < n; i++)
	{
		pol = &spd->policies[pos[i]];
		if (pol->dir != fd->dir || pol->action != XFRM_POLICY_ALLOW ||
			pol->type != XFRM_POLICY_TYPE_MAIN ||
			!has_reqid(pol, child->reqid) ||
			!same_mark(pol, fd->mark, fd->if_id) ||
			!side_contains(&pol->sel, true, fd->src) ||
			!side_contains(&pol->sel, false, fd->dst))
		{
			continue;
		}
		if (!best || pol->priority < best->priority)
		{
			best = pol;
		}
	}
	free(pos);
	return best;
}

/**
 * The policy that has the place of a CHILD_SA's missing one: the same
 * direction, selector, mark and interface id (the kernel's key, so adding
 * the CHILD_SA's fails with EEXIST) but another template or action.
 */
static const dpc_xfrm_policy_t *occupant(const dpc_xfrm_spd_t *spd,
										 const flow_dir_t *fd)
{
	const dpc_xfrm_policy_t *pol;
	dpc_ts_t src, dst;
	size_t i;

	for (i = 0; i < spd->count; i++)
	{
		pol = &spd->policies[i];
		if (pol->dir != fd->dir || pol->type != XFRM_POLICY_TYPE_MAIN ||
			pol->sel.family != fd->src->family ||
			!same_mark(pol, fd->mark, fd->if_id))
		{
			continue;
		}
		sel_side(&pol->sel, true, &src);
		sel_side(&pol->sel, false, &dst);
		if (dpc_ts_is_subset(&src, fd->src) &&
			dpc_ts_is_subset(fd->src, &src) &&
			dpc_ts_is_subset(&dst, fd->dst) &&
			dpc_ts_is_subset(fd->dst, &dst))
		{
			return pol;
		}
	}
	return NULL;
}

/**
 * What the policy in place of a missing one does to the CHILD_SA's traffic.
 */
static void occupant_effect(const dpc_xfrm_policy_t *pol, char *buf,
							size_t len)
{
	bool out = pol->dir == DPC_XFRM_DIR_OUT;

	if (pol->action == XFRM_POLICY_BLOCK)
	{
		snprintf(buf, len, "%s traffic is dropped (%s)",
				 out ? "outbound" : "decrypted",
				 out ? "XfrmOutPolBlock" : "XfrmInPolBlock");
	}
	else if (out && !pol->n_tmpls)
	{
		snprintf(buf, len, "outbound traffic leaves in cleartext");
	}
	else if (out)
	{
		snprintf(buf, len, "outbound traffic is sent into the SA of reqid %u",
				 pol->tmpls[0].reqid);
	}
	else
	{	/* no template, or one the CHILD_SA's SA does not match */
		snprintf(buf, len, "decrypted traffic fails its template check and "
				 "is dropped (XfrmInTmplMismatch)");
	}
}

/**
 * Is a bypass policy the usual shunt for traffic that stays local: its
 * remote side lies inside the CHILD_SA's local selectors, or is a network
 * the gateway has an address in (a passthrough shunt, bypass-lan)?
 */
static bool local_shunt(dpc_check_ctx_t *ctx, const dpc_xfrm_policy_t *pol,
						const dpc_child_rec_t *child)
{
	dpc_addr_t addr;
	dpc_ts_t side;
	size_t i;

	if (pol->action != XFRM_POLICY_ALLOW || pol->n_tmpls)
	{
		return false;
	}
	sel_side(&pol->sel, pol->dir == DPC_XFRM_DIR_OUT ? false : true, &side);
	side.proto = 0;
	side.from_port = 0;
	side.to_port = 0xffff;
	for (i = 0; i < child->local.count; i++)
	{
		if (dpc_ts_is_subset(&side, &child->local.ts[i]))
		{
			return true;
		}
	}
	return dpc_ts_prefixlen(&side) > 0 &&
		   ctx->facts->local_in_ts(ctx->facts, &side, &addr, NULL);
}

/**
 * Does any CHILD_SA that is up use a reqid?
 */
static bool reqid_in_use(dpc_check_ctx_t *ctx, uint32_t reqid)
{
	dpc_check_index_t *idx = dpc_check_index(ctx);

	return idx && dpc_check_index_reqid(idx, reqid);
}

/**
 * Intersection of two ranges of the same family (they overlap).
 */
static void intersect(const dpc_ts_t *a, const dpc_ts_t *b, dpc_ts_t *out)
{
	size_t len = dpc_addr_len(a->family);

	*out = *a;
	out->proto = 0;
	out->from_port = 0;
	out->to_port = 0xffff;
	if (memcmp(b->from, a->from, len) > 0)
	{
		memcpy(out->from, b->from, len);
	}
	if (memcmp(b->to, a->to, len) < 0)
	{
		memcpy(out->to, b->to, len);
	}
}

/**
 * A policy that takes part of a direction's traffic away from the
 * CHILD_SA's own policy: higher priority (or equal and older), matching
 * the CHILD_SA's packets (mark, interface id), selector overlapping the
 * pair, not an IPsec policy of this CHILD_SA or of another one that is up.
 */
static const dpc_xfrm_policy_t *shadowing(dpc_check_ctx_t *ctx,
										  const dpc_xfrm_spd_t *spd,
										  const dpc_child_rec_t *child,
										  const flow_dir_t *fd,
										  const dpc_xfrm_policy_t *own,
										  int *others)
{
	const dpc_xfrm_policy_t *pol, *best = NULL;
	dpc_ts_t src, dst;
	uint32_t *pos;
	int i, count, n = 0;

	count = candidates(ctx, spd, fd, &pos);
	for (i = 0; i < count; i++)
	{
		pol = &spd->policies[pos[i]];
		if (pol == own || pol->dir != fd->dir ||
			pol->type != XFRM_POLICY_TYPE_MAIN ||
			pol->sel.family != fd->src->family ||
			(fd->mark & pol->mark_mask) != pol->mark_value ||
			pol->if_id != fd->if_id ||
			pol->priority > own->priority ||
			(pol->priority == own->priority && pol->index > own->index))
		{
			continue;
		}
		sel_side(&pol->sel, true, &src);
		sel_side(&pol->sel, false, &dst);
		if (!dpc_ts_overlaps(&src, fd->src) || !dpc_ts_overlaps(&dst, fd->dst))
		{
			continue;
		}
		if (pol->action == XFRM_POLICY_ALLOW && pol->n_tmpls &&
			(has_reqid(pol, child->reqid) ||
			 reqid_in_use(ctx, pol->tmpls[0].reqid)))
		{	/* this CHILD_SA's, or another tunnel's (ts-overlap-*) */
			continue;
		}
		if (local_shunt(ctx, pol, child))
		{
			continue;
		}
		n++;
		if (!best || pol->priority < best->priority ||
			(pol->priority == best->priority && pol->index < best->index))
		{
			best = pol;
		}
	}
	free(pos);
	*others = n ? n - 1 : 0;
	return best;
}

/**
 * What a shadowing policy does to the traffic it takes.
 */
static const char *shadow_effect(const dpc_xfrm_policy_t *pol)
{
	bool out = pol->dir == DPC_XFRM_DIR_OUT;

	if (pol->action == XFRM_POLICY_BLOCK)
	{
		return out ? "is dropped before encryption"
				   : "is dropped after decryption";
	}
	if (!pol->n_tmpls)
	{
		return out ? "leaves in cleartext"
				   : "is accepted in cleartext as well";
	}
	return out ? "is sent into the SA of another reqid"
			   : "must arrive through the SA of another reqid";
}

static void report_shadowed(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
							const dpc_child_rec_t *child,
							const flow_dir_t *fd,
							const dpc_xfrm_policy_t *own,
							const dpc_xfrm_policy_t *pol, int others)
{
	char text[DPC_XFRM_POLICY_STRLEN], id[DPC_XFRM_POLICY_STRLEN];
	char srcs[DPC_TS_STRLEN], dsts[DPC_TS_STRLEN];
	dpc_ts_t side, src, dst;
	dpc_finding_t *f;
	bool warn;

	/* a cleartext bypass of inbound traffic does not break the tunnel */
	warn = fd->dir != DPC_XFRM_DIR_OUT && pol->action == XFRM_POLICY_ALLOW &&
		   !pol->n_tmpls;
	f = dpc_check_add(ctx, "xfrm-policy-shadowed", warn ? DPC_WARNING
														: DPC_ERROR,
					  ike, child);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s",
			 dpc_xfrm_dir_name(fd->dir));
	sel_side(&pol->sel, true, &side);
	intersect(&side, fd->src, &src);
	sel_side(&pol->sel, false, &side);
	intersect(&side, fd->dst, &dst);
	dpc_ts_to_str(&src, srcs, sizeof(srcs));
	dpc_ts_to_str(&dst, dsts, sizeof(dsts));
	dpc_finding_message(f, "a %s policy (dir %s, priority %u) comes before "
						"the CHILD_SA's (priority %u) for %s -> %s: that "
						"traffic %s", dpc_xfrm_policy_kind(pol),
						dpc_xfrm_dir_name(fd->dir), pol->priority,
						own->priority, srcs, dsts, shadow_effect(pol));
	dpc_xfrm_policy_id_str(pol, id, sizeof(id));
	dpc_finding_evidence(f, "policy", "%s priority %u action %s", id,
						 pol->priority, pol->action == XFRM_POLICY_BLOCK ?
						 "block" : "allow");
	if (pol->n_tmpls)
	{
		dpc_finding_evidence(f, "policy_reqid", "%u", pol->tmpls[0].reqid);
	}
	dpc_finding_evidence(f, "index", "%u", pol->index);
	dpc_finding_evidence(f, "affected", "%s -> %s", srcs, dsts);
	dpc_xfrm_policy_to_str(own, text, sizeof(text));
	dpc_finding_evidence(f, "child_policy", "%.*s", DPC_EVVAL_LEN - 1, text);
	if (others)
	{
		dpc_finding_evidence(f, "more", "%d other policies", others);
	}
	dpc_finding_hint(f, "if it is not meant to be there, remove it: "
					 "ip xfrm policy delete %s", id);
}

/**
 * Name the selectors of a missing policy.
 */
static void missing_policy_text(const flow_dir_t *fd, char *buf, size_t len)
{
	char s[DPC_TS_STRLEN], d[DPC_TS_STRLEN];

	snprintf(buf, len, "%s %s -> %s", dpc_xfrm_dir_name(fd->dir),
			 dpc_ts_to_str(fd->src, s, sizeof(s)),
			 dpc_ts_to_str(fd->dst, d, sizeof(d)));
}

/**
 * An "ip xfrm policy add" that puts a missing policy back (tunnel mode
 * template between the IKE endpoints, the priority of a sibling), or
 * "update" where another policy has its place.
 */
static void readd_command(const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child, const flow_dir_t *fd,
						  uint32_t priority, bool update, char *buf,
						  size_t len)
{
	char s[DPC_ADDR_STRLEN], d[DPC_ADDR_STRLEN], l[DPC_ADDR_STRLEN];
	char r[DPC_ADDR_STRLEN], mark[48] = "";
	dpc_addr_t a;
	bool tunnel = strcmp(child->mode, "TUNNEL") == 0;

	a = (dpc_addr_t){ .family = fd->src->family };
	memcpy(a.a, fd->src->from, 16);
	dpc_addr_to_str(&a, s, sizeof(s));
	memcpy(a.a, fd->dst->from, 16);
	dpc_addr_to_str(&a, d, sizeof(d));
	a = ike->local;
	a.port = 0;
	dpc_addr_to_str(&a, l, sizeof(l));
	a = ike->remote;
	a.port = 0;
	dpc_addr_to_str(&a, r, sizeof(r));
	if (fd->mark)
	{
		snprintf(mark, sizeof(mark), " mark 0x%x mask 0xffffffff", fd->mark);
	}
	snprintf(buf, len, "ip xfrm policy %s src %s/%d dst %s/%d dir %s%s "
			 "priority %u tmpl%s%s%s%s proto %s reqid %u mode %s",
			 update ? "update" : "add", s, dpc_ts_prefixlen(fd->src), d,
			 dpc_ts_prefixlen(fd->dst),
			 dpc_xfrm_dir_name(fd->dir), mark, priority,
			 tunnel ? " src " : "",
			 tunnel ? (fd->dir == DPC_XFRM_DIR_OUT ? l : r) : "",
			 tunnel ? " dst " : "",
			 tunnel ? (fd->dir == DPC_XFRM_DIR_OUT ? r : l) : "",
			 strcmp(child->protocol, "AH") == 0 ? "ah" : "esp",
			 child->reqid, tunnel ? "tunnel" : "transport");
}

/**
 * Check the policies of one CHILD_SA.
 */
static void check_policies(dpc_check_ctx_t *ctx, const dpc_xfrm_spd_t *spd,
						   const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child,
						   dpc_check_xfrm_child_t *cx)
{
	char missing[DPC_EVVAL_LEN] = "", one[DPC_EVVAL_LEN], cmd[DPC_HINT_LEN];
	char effect[DPC_EVVAL_LEN], id[DPC_XFRM_POLICY_STRLEN];
	const dpc_xfrm_policy_t *own, *pol, *occ, *first_occ = NULL;
	flow_dir_t dirs[3], *fd;
	size_t i, j, pairs = 0, n_missing = 0, off = 0;
	uint32_t sibling = 0;
	bool tunnel, reported[3] = {};
	int d, others;
	dpc_finding_t *f;

	tunnel = strcmp(child->mode, "TUNNEL") == 0;
	cmd[0] = '\0';
	for (i = 0; i < child->local.count; i++)
	{
		for (j = 0; j < child->remote.count && pairs < MAX_PAIRS; j++)
		{
			if (child->local.ts[i].family != child->remote.ts[j].family)
			{
				continue;
			}
			pairs++;
			dirs[0] = (flow_dir_t){ DPC_XFRM_DIR_OUT, &child->local.ts[i],
						&child->remote.ts[j], child->mark_out,
						child->if_id_out };
			dirs[1] = (flow_dir_t){ DPC_XFRM_DIR_IN, &child->remote.ts[j],
						&child->local.ts[i], child->mark_in, child->if_id_in };
			dirs[2] = dirs[1];
			dirs[2].dir = DPC_XFRM_DIR_FWD;
			sibling = 0;
			for (d = 0; d < (tunnel ? 3 : 2); d++)
			{
				own = own_policy(ctx, spd, child, &dirs[d]);
				if (own)
				{
					sibling = d ? own->priority : sibling;
				}
			}
			for (d = 0; d < (tunnel ? 3 : 2); d++)
			{
				fd = &dirs[d];
				own = own_policy(ctx, spd, child, fd);
				if (!own)
				{
					if (d)
					{
						cx->in_pol_missing = true;
					}
					else
					{
						cx->out_pol_missing = true;
					}
					occ = occupant(spd, fd);
					if (occ && occ->action == XFRM_POLICY_BLOCK)
					{
						*(d ? &cx->in_blocked : &cx->out_blocked) = true;
					}
					if (ctx->muted)
					{	/* only cx counts */
						continue;
					}
					missing_policy_text(fd, one, sizeof(one));
					if (off < sizeof(missing))
					{
						off += snprintf(missing + off, sizeof(missing) - off,
										"%s%s", n_missing ? ", " : "", one);
					}
					if (!n_missing++)
					{
						first_occ = occ;
						if (d)
						{
							readd_command(ike, child, fd, sibling, occ != NULL,
										  cmd, sizeof(cmd));
						}
					}
					continue;
				}
				if (d && !has_mode(own, child))
				{	/* the kernel rejects what the SA decrypted */
					cx->in_tmpl_mismatch = true;
				}
				pol = shadowing(ctx, spd, child, fd, own, &others);
				if (pol && !reported[d])
				{
					reported[d] = true;
					if (pol->action == XFRM_POLICY_BLOCK)
					{
						*(d ? &cx->in_blocked : &cx->out_blocked) = true;
					}
					report_shadowed(ctx, ike, child, fd, own, pol, others);
				}
			}
		}
	}
	if (!n_missing)
	{
		return;
	}
	f = dpc_check_add(ctx, "xfrm-policy-missing", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	if (first_occ)
	{	/* replaced rather than deleted */
		occupant_effect(first_occ, effect, sizeof(effect));
		if (first_occ->action == XFRM_POLICY_ALLOW && first_occ->n_tmpls)
		{
			snprintf(one, sizeof(one), "an IPsec policy of reqid %u",
					 first_occ->tmpls[0].reqid);
		}
		else
		{
			snprintf(one, sizeof(one), "a %s policy",
					 dpc_xfrm_policy_kind(first_occ));
		}
		dpc_finding_message(f, "the kernel has no XFRM policy %s with reqid "
							"%u: %s has its place, %s", missing, child->reqid,
							one, effect);
	}
	else
	{
		dpc_finding_message(f, "the kernel has no XFRM policy %s with reqid "
							"%u: %s", missing, child->reqid,
							cx->out_pol_missing ?
							"outbound traffic is not encrypted" :
							"decrypted traffic is dropped (XfrmInNoPols)");
	}
	dpc_finding_evidence(f, "missing", "%s", missing);
	if (first_occ)
	{
		dpc_xfrm_policy_id_str(first_occ, id, sizeof(id));
		snprintf(one, sizeof(one), " reqid %u",
				 first_occ->n_tmpls ? first_occ->tmpls[0].reqid : 0);
		dpc_finding_evidence(f, "in_its_place", "%s priority %u action %s%s",
							 id, first_occ->priority,
							 first_occ->action == XFRM_POLICY_BLOCK ?
							 "block" : "allow",
							 first_occ->n_tmpls ? one : "");
	}
	dpc_finding_evidence(f, "reqid", "%u", child->reqid);
	dpc_finding_evidence(f, "mode", "%s", child->mode);
	if (cmd[0] && sibling)
	{
		dpc_finding_hint(f, "%s (or swanctl --terminate --child %s and "
						 "--initiate it again)", cmd, child->name);
	}
	else
	{
		dpc_finding_hint(f, "reinstall the CHILD_SA's policies: swanctl "
						 "--terminate --child %s, then swanctl --initiate "
						 "--child %s; look for whatever deleted them "
						 "('ip xfrm monitor')", child->name, child->name);
	}
}

/**
 * Look up one SA of a CHILD_SA.
 */
static bool has_sa(const dpc_xfrm_sad_t *sad, const dpc_child_rec_t *child,
				   const dpc_addr_t *dst, uint32_t spi, uint32_t mark)
{
	const dpc_xfrm_sa_t *sa;
	dpc_xfrm_sa_id_t id = {
		.family = dst->family,
		.proto = strcmp(child->protocol, "AH") == 0 ? IPPROTO_AH
													 : IPPROTO_ESP,
		.spi = htonl(spi),
		.mark_value = mark,
		.mark_mask = mark_mask(mark),
	};

	memcpy(id.dst, dst->a, sizeof(id.dst));
	sa = dpc_xfrm_sad_find(sad, &id);
	/* the kernel's acquire state for a lost outbound SA carries the SPI of
	 * the out policy's template: it carries no traffic */
	return sa && !sa->larval;
}

/**
 * Check the SAs of one CHILD_SA.
 */
static void check_states(dpc_check_ctx_t *ctx, const dpc_xfrm_sad_t *sad,
						 const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child,
						 dpc_check_xfrm_child_t *cx)
{
	char dst[DPC_ADDR_STRLEN], src[DPC_ADDR_STRLEN];
	const char *proto;
	dpc_finding_t *f;
	dpc_addr_t a;

	if (ctx->now - child->installed < SA_SETTLE)
	{
		return;
	}
	cx->out_sa_missing = child->spi_out &&
				!has_sa(sad, child, &ike->remote, child->spi_out,
						child->mark_out);
	cx->in_sa_missing = child->spi_in &&
				!has_sa(sad, child, &ike->local, child->spi_in,
						child->mark_in);
	if (!cx->out_sa_missing && !cx->in_sa_missing)
	{
		return;
	}
	f = dpc_check_add(ctx, "xfrm-state-missing", DPC_ERROR, ike, child);
	if (!f)
	{
		return;
	}
	proto = strcmp(child->protocol, "AH") == 0 ? "ah" : "esp";
	a = cx->out_sa_missing ? ike->remote : ike->local;
	a.port = 0;
	dpc_addr_to_str(&a, dst, sizeof(dst));
	a = cx->out_sa_missing ? ike->local : ike->remote;
	a.port = 0;
	dpc_addr_to_str(&a, src, sizeof(src));
	dpc_finding_message(f, "the kernel lost the %s SA of this CHILD_SA "
						"(SPI %.8x): %s",
						cx->out_sa_missing && cx->in_sa_missing ? "outbound "
						"and the inbound" : cx->out_sa_missing ? "outbound" :
						"inbound",
						cx->out_sa_missing ? child->spi_out : child->spi_in,
						cx->out_sa_missing ?
						"its outbound packets are dropped (XfrmOutNoStates) "
						"while the IKE_SA stays up" :
						"the peer's packets are dropped (XfrmInNoStates)");
	if (cx->out_sa_missing)
	{
		dpc_finding_evidence(f, "sa_out", "src %s dst %s proto %s spi 0x%.8x "
							 "absent", src, dst, proto, child->spi_out);
	}
	if (cx->in_sa_missing)
	{
		a = ike->local;
		a.port = 0;
		dpc_addr_to_str(&a, dst, sizeof(dst));
		dpc_finding_evidence(f, "sa_in", "dst %s proto %s spi 0x%.8x absent",
							 dst, proto, child->spi_in);
	}
	dpc_finding_evidence(f, "reqid", "%u", child->reqid);
	dpc_finding_hint(f, "make charon install new SAs: swanctl --rekey "
					 "--child %s (or swanctl --terminate --child %s and "
					 "--initiate it); 'ip xfrm state get dst %s proto %s "
					 "spi 0x%.8x' shows the SA once it is back", child->name,
					 child->name, dst, proto,
					 cx->out_sa_missing ? child->spi_out : child->spi_in);
}

/**
 * Is a CHILD_SA's mode one whose SAs and policies live in the SAD/SPD?
 */
static bool ipsec_mode(const dpc_child_rec_t *child)
{
	return strcmp(child->mode, "TUNNEL") == 0 ||
		   strcmp(child->mode, "TRANSPORT") == 0 ||
		   strcmp(child->mode, "BEET") == 0;
}

static void xfrm_host(dpc_check_ctx_t *ctx)
{
	dpc_check_xfrm_tie_t *checked;
	const dpc_xfrm_spd_t *spd;
	const dpc_xfrm_sad_t *sad;
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	dpc_check_xfrm_child_t cx;
	bool ties;
	int i, j, n = 0;

	if (ctx->facts->get_dataplane(ctx->facts) != DPC_DATAPLANE_XFRM)
	{	/* kernel-libipsec: no SAs in the kernel, trap/bypass policies only */
		return;
	}
	checked = calloc(MAX_TIED, sizeof(*checked));
	if (!checked)
	{
		return;
	}
	sad = ctx->facts->get_sad(ctx->facts);
	spd = ctx->facts->get_spd ? ctx->facts->get_spd(ctx->facts) : NULL;
	ties = dpc_check_xfrm_ties_needed(ctx);
	for (i = 0; i < ctx->tunnels->count; i++)
	{
		ike = ctx->tunnels->ikes[i];
		if (ike->state != DPC_STATE_UP ||
			(!ties && ctx->recheck && !ctx->recheck[i]))
		{	/* not re-checked, and no counter to tie */
			continue;
		}
		for (j = 0; j < ike->n_children; j++)
		{
			child = ike->children[j];
			if (child->state != DPC_STATE_UP || !ipsec_mode(child))
			{
				continue;
			}
			memset(&cx, 0, sizeof(cx));
			/* a tunnel an incremental round does not re-check keeps its
			 * findings in the store; its SPD and SAD facts still decide
			 * which counters are tied to a CHILD_SA */
			ctx->muted = ctx->recheck && !ctx->recheck[i];
			if (spd && !spd->dropped && !child->no_policies)
			{
				check_policies(ctx, spd, ike, child, &cx);
			}
			if (sad && !sad->dropped)
			{
				check_states(ctx, sad, ike, child, &cx);
			}
			if (n < MAX_TIED)
			{
				checked[n++] = (dpc_check_xfrm_tie_t){ ike, child, cx,
														ctx->muted };
			}
			ctx->muted = false;
		}
	}
	dpc_check_xfrm_counters(ctx, checked, n);
	free(checked);
}

/**
 * Described in header
 */
const dpc_check_family_t dpc_check_family_xfrm = {
	.name = "xfrm",
	.host = xfrm_host,
};
