/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check.h"
#include "dpc_check_family.h"
#include "facts/dpc_questions.h"
#include "facts/xfrm/dpc_xfrm_sad.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include <stdio.h>

/**
 * Packet deltas of a CHILD_SA over the traffic window.
 */
typedef struct {
	/** packets in/out within the window */
	uint64_t in, out;
	/** seconds actually covered */
	time_t span;
} delta_t;

/**
 * Compute the deltas over at least "window" seconds: from the newest sample
 * back to the youngest sample that is at least that old.
 *
 * @return			false if the history is shorter than the window
 */
static bool window_delta(const dpc_packets_t *s, int n, uint32_t window,
						 delta_t *d)
{
	const dpc_packets_t *newest;
	int i;

	if (n < 2)
	{
		return false;
	}
	newest = &s[n - 1];
	for (i = n - 2; i >= 0; i--)
	{
		if (newest->time - s[i].time >= (time_t)window)
		{
			/* counters only grow; a smaller value is a new SA's counter */
			d->in = newest->packets_in >= s[i].packets_in ?
					newest->packets_in - s[i].packets_in : newest->packets_in;
			d->out = newest->packets_out >= s[i].packets_out ?
					newest->packets_out - s[i].packets_out :
					newest->packets_out;
			d->span = newest->time - s[i].time;
			return true;
		}
	}
	return false;
}

/**
 * Did the rekeyed predecessor carry traffic both ways up to the rekey?
 */
static bool pred_bidirectional(const dpc_child_rec_t *child)
{
	const dpc_packets_t *first = &child->pred_first, *last = &child->pred_last;

	if (!child->rekeyed_from || child->n_pred_samples < 2)
	{
		return false;
	}
	return last->packets_in > first->packets_in &&
		   last->packets_out > first->packets_out;
}

/**
 * Print the counters of the newest sample.
 */
static void counters(dpc_finding_t *f, const delta_t *d,
					 const dpc_settings_t *s)
{
	dpc_finding_evidence(f, "window", "%us", s->traffic_window);
	dpc_finding_evidence(f, "packets_in", "%s", d->in ? "growing" : "+0");
	dpc_finding_evidence(f, "packets_out", "%s", d->out ? "growing" : "+0");
}

/**
 * Look up one SA of a CHILD_SA in the kernel's SAD and say what it shows.
 *
 * @return			the SA, NULL if the SAD has none
 */
static const dpc_xfrm_sa_t *sad_sa(const dpc_xfrm_sad_t *sad,
								   const dpc_ike_rec_t *ike,
								   const dpc_child_rec_t *child, bool inbound)
{
	const dpc_addr_t *dst = inbound ? &ike->local : &ike->remote;
	uint32_t mark = inbound ? child->mark_in : child->mark_out;
	dpc_xfrm_sa_id_t id = {
		.family = dst->family,
		.proto = dpc_streq(child->protocol, "AH") ? IPPROTO_AH : IPPROTO_ESP,
		.spi = htonl(inbound ? child->spi_in : child->spi_out),
		.mark_value = mark,
		.mark_mask = mark ? 0xffffffff : 0,
	};

	memcpy(id.dst, dst->a, sizeof(id.dst));
	return dpc_xfrm_sad_find(sad, &id);
}

/**
 * The new CHILD_SA's SAs as the kernel has them: which is missing or has
 * carried nothing (the lost-SA-after-rekey class shows here first).
 *
 * @return			what is wrong, NULL if both are there and in use
 */
static const char *sad_evidence(dpc_check_ctx_t *ctx, dpc_finding_t *f,
								const dpc_ike_rec_t *ike,
								const dpc_child_rec_t *child)
{
	const dpc_xfrm_sad_t *sad;
	const dpc_xfrm_sa_t *sa[2];
	const char *verdict = NULL;
	time_t wall = time(NULL);
	int i;

	if (ctx->facts->get_dataplane(ctx->facts) != DPC_DATAPLANE_XFRM ||
		!ike->local.family || ike->local.family != ike->remote.family)
	{
		return NULL;
	}
	sad = ctx->facts->get_sad(ctx->facts);
	if (!sad)
	{
		return NULL;
	}
	for (i = 0; i < 2; i++)
	{
		sa[i] = sad_sa(sad, ike, child, i == 0);
		if (!sa[i])
		{
			dpc_finding_evidence(f, i == 0 ? "sa_in" : "sa_out",
								 "%.8x missing from the kernel's SAD",
								 i == 0 ? child->spi_in : child->spi_out);
			verdict = verdict ?: i == 0 ? "the kernel has no inbound SA for it"
										: "the kernel has no outbound SA for it";
		}
		else if (!sa[i]->packets)
		{
			dpc_finding_evidence(f, i == 0 ? "sa_in" : "sa_out",
								 "%.8x installed, 0 packets",
								 i == 0 ? child->spi_in : child->spi_out);
			verdict = verdict ?: i == 0 ? "its inbound SA never received a "
										  "packet"
										: "its outbound SA never sent a packet";
		}
		else
		{
			dpc_finding_evidence(f, i == 0 ? "sa_in" : "sa_out",
								 "%.8x %llu packets, last used %llds ago",
								 i == 0 ? child->spi_in : child->spi_out,
								 (unsigned long long)sa[i]->packets,
								 sa[i]->use_time &&
								 (uint64_t)wall >= sa[i]->use_time ?
								 (long long)(wall - sa[i]->use_time) : 0LL);
		}
	}
	return verdict;
}

static void stopped_after_rekey(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
								const dpc_child_rec_t *child, const delta_t *d)
{
	const char *sad;
	dpc_finding_t *f;

	f = dpc_check_add(ctx, "traffic-stopped-after-rekey", DPC_ERROR, ike,
					  child);
	if (!f)
	{
		return;
	}
	dpc_finding_evidence(f, "replaced", "{%u}", child->rekeyed_from);
	counters(f, d, ctx->settings);
	sad = sad_evidence(ctx, f, ike, child);
	dpc_finding_message(f, "traffic flowed both ways until the rekey, the new "
						"CHILD_SA (replacing {%u}) carries %s%s%s",
						child->rekeyed_from,
						!d->in && !d->out ? "nothing" :
						!d->in ? "outbound packets only" :
								 "inbound packets only",
						sad ? ": " : "", sad ?: "");
	dpc_finding_hint(f, "compare 'ip xfrm state' / 'swanctl --list-sas' on "
					 "both gateways: the new SPIs %.8x/%.8x must exist on "
					 "both; re-establish the CHILD_SA (swanctl --rekey "
					 "--child %s) and look for rekey collisions in the log",
					 child->spi_in, child->spi_out, child->name);
}

static void one_way(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					const dpc_child_rec_t *child, const delta_t *d)
{
	dpc_finding_t *f;
	char l[DPC_TS_STRLEN], r[DPC_TS_STRLEN];

	dpc_ts_list_to_str(&child->local, l, sizeof(l));
	dpc_ts_list_to_str(&child->remote, r, sizeof(r));
	if (d->out && !d->in)
	{
		f = dpc_check_add(ctx, "traffic-one-way-out", DPC_ERROR, ike, child);
		if (!f)
		{
			return;
		}
		dpc_finding_message(f, "packets leave through the CHILD_SA but none "
							"come back within %us", ctx->settings->traffic_window);
		counters(f, d, ctx->settings);
		dpc_finding_hint(f, "the peer gets our packets but its replies do not "
						 "return through the tunnel: on the far side check the "
						 "hosts' return route to %s, forwarding and the "
						 "firewall, and NAT of the replies", l);
	}
	else
	{
		f = dpc_check_add(ctx, "traffic-one-way-in", DPC_ERROR, ike, child);
		if (!f)
		{
			return;
		}
		dpc_finding_message(f, "packets arrive through the CHILD_SA but none "
							"are sent back within %us",
							ctx->settings->traffic_window);
		counters(f, d, ctx->settings);
		dpc_finding_hint(f, "replies to %s do not enter the tunnel here: "
						 "check that the LAN hosts route %s back via this "
						 "gateway, and this gateway's forwarding, firewall "
						 "and NAT for that traffic", r, r);
	}
}

static void none(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				 const dpc_child_rec_t *child)
{
	dpc_sample_t last;
	dpc_finding_t *f;

	if (!ctx->settings->idle_warn || !child->n_samples ||
		ctx->now - child->installed < (time_t)ctx->settings->idle_warn)
	{
		return;
	}
	last = dpc_child_rec_last(child);
	if (last.packets_in || last.packets_out)
	{
		return;
	}
	f = dpc_check_add(ctx, "traffic-none", DPC_INFO, ike, child);
	if (!f)
	{
		return;
	}
	dpc_finding_message(f, "no packet in either direction since the CHILD_SA "
						"was installed (more than %us ago)",
						ctx->settings->idle_warn);
	dpc_finding_evidence(f, "idle_warn", "%us", ctx->settings->idle_warn);
	dpc_finding_hint(f, "if hosts should be talking, compare their addresses "
					 "with the traffic selectors and check that their traffic "
					 "is routed to this gateway");
}

/**
 * The checks of one CHILD_SA.
 */
static void traffic_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child)
{
	const dpc_settings_t *s = ctx->settings;
	delta_t d;

	none(ctx, ike, child);
	if (!window_delta(child->samples, child->n_samples, s->traffic_window,
					  &d))
	{
		return;
	}
	/* the predecessor carried traffic both ways up to the rekey, the new
	 * SA has not carried both ways in any window since (a packet or two
	 * right after the rekey don't count) */
	if (pred_bidirectional(child) && (!d.in || !d.out) && !child->both_ways)
	{
		stopped_after_rekey(ctx, ike, child, &d);
		return;
	}
	if ((d.out >= s->traffic_min_packets && !d.in) ||
		(d.in >= s->traffic_min_packets && !d.out))
	{
		one_way(ctx, ike, child, &d);
	}
}

/**
 * traffic-one-way-out, traffic-one-way-in, traffic-none,
 * traffic-stopped-after-rekey: per CHILD_SA, from its counter samples.
 */
const dpc_check_family_t dpc_check_family_traffic = {
	.name = "traffic",
	.child = traffic_child,
};
