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
static bool window_delta(const dpc_sample_t *s, int n, uint32_t window,
						 delta_t *d)
{
	const dpc_sample_t *newest;
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
 * Did any window of the sampled history see packets in both directions?
 */
static bool ever_bidirectional(const dpc_sample_t *s, int n, uint32_t window)
{
	int i, j = 0;

	for (i = 1; i < n; i++)
	{
		/* j: the youngest sample at least a window older than i */
		while (j + 1 < i && s[i].time - s[j + 1].time >= (time_t)window)
		{
			j++;
		}
		if (s[i].time - s[j].time >= (time_t)window &&
			s[i].packets_in > s[j].packets_in &&
			s[i].packets_out > s[j].packets_out)
		{
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
	const dpc_sample_t *first, *last;

	if (!child->rekeyed_from || child->n_pred_samples < 2)
	{
		return false;
	}
	first = &child->pred_samples[0];
	last = &child->pred_samples[child->n_pred_samples - 1];
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

static void stopped_after_rekey(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
								const dpc_child_rec_t *child, const delta_t *d)
{
	dpc_finding_t *f;

	f = dpc_check_add(ctx, "traffic-stopped-after-rekey", DPC_ERROR, ike,
					  child);
	if (!f)
	{
		return;
	}
	dpc_finding_message(f, "traffic flowed both ways until the rekey, the new "
						"CHILD_SA (replacing {%u}) carries %s",
						child->rekeyed_from,
						!d->in && !d->out ? "nothing" :
						!d->in ? "outbound packets only" :
								 "inbound packets only");
	dpc_finding_evidence(f, "replaced", "{%u}", child->rekeyed_from);
	counters(f, d, ctx->settings);
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
	const dpc_sample_t *last;
	dpc_finding_t *f;

	if (!ctx->settings->idle_warn || !child->n_samples ||
		ctx->now - child->installed < (time_t)ctx->settings->idle_warn)
	{
		return;
	}
	last = &child->samples[child->n_samples - 1];
	if (last->packets_in || last->packets_out)
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
	if (pred_bidirectional(child) && (!d.in || !d.out) &&
		!ever_bidirectional(child->samples, child->n_samples,
							s->traffic_window))
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
