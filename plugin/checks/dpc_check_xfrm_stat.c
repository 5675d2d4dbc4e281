/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check_xfrm_stat.h"

#include "facts/xfrm/dpc_xfrm_stat.h"

#include <stdio.h>
#include <string.h>

/**
 * The CHILD_SAs a counter can be pinned on, by its name.
 */
static bool counter_ties(const char *name, const dpc_check_xfrm_child_t *cx)
{
	if (strcmp(name, "XfrmOutNoStates") == 0)
	{
		return cx->out_sa_missing;
	}
	if (strcmp(name, "XfrmInNoStates") == 0)
	{
		return cx->in_sa_missing;
	}
	if (strcmp(name, "XfrmInNoPols") == 0)
	{
		return cx->in_pol_missing;
	}
	if (strcmp(name, "XfrmInTmplMismatch") == 0)
	{
		return cx->in_pol_missing || cx->in_tmpl_mismatch;
	}
	if (strcmp(name, "XfrmOutPolBlock") == 0)
	{
		return cx->out_blocked;
	}
	if (strcmp(name, "XfrmInPolBlock") == 0)
	{
		return cx->in_blocked;
	}
	return false;
}

/**
 * Report a growing counter on a CHILD_SA, gateway-wide without one.
 */
static void report_counter(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child,
						   const dpc_xfrm_counter_t *c)
{
	const dpc_xfrm_stat_info_t *info;
	dpc_finding_t *f;

	f = dpc_check_add(ctx, "xfrm-errors", DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	info = dpc_xfrm_stat_info(c->name);
	snprintf(f->discrim, sizeof(f->discrim), "%s", c->name);
	dpc_finding_message(f, "the kernel drops %s packets: %s grows (%s)",
						info && info->inbound ? "inbound" :
						info ? "outbound" : "IPsec", c->name,
						info ? info->cause : "undocumented counter");
	dpc_finding_evidence(f, "counter", "%s", c->name);
	dpc_finding_evidence(f, "xfrm_stat", "growing");
	dpc_finding_evidence(f, "source", "/proc/net/xfrm_stat");
	if (child && info && strstr(info->fix, "NAME"))
	{
		char fix[DPC_HINT_LEN], *at;

		snprintf(fix, sizeof(fix), "%s", info->fix);
		at = strstr(fix, "NAME");
		dpc_finding_hint(f, "%.*s%s%s", (int)(at - fix), fix, child->name,
						 at + 4);
	}
	else
	{
		dpc_finding_hint(f, "%s", info ? info->fix :
						 "see the kernel's Documentation/networking/"
						 "xfrm_proc.rst");
	}
}

/**
 * Has a counter grown within the traffic window (one round without a drop,
 * a round right after another, does not make it go away)?
 */
static bool counter_growing(dpc_check_ctx_t *ctx, const dpc_xfrm_counter_t *c)
{
	return c->grew && ctx->now - c->grew <= ctx->settings->traffic_window;
}

/**
 * The xfrm_stat of the round if it has deltas, NULL otherwise.
 */
static const dpc_xfrm_stat_t *stat_deltas(dpc_check_ctx_t *ctx)
{
	const dpc_xfrm_stat_t *st;

	st = ctx->facts->get_xfrm_stat ? ctx->facts->get_xfrm_stat(ctx->facts)
								   : NULL;
	return st && st->has_delta ? st : NULL;
}

/*
 * Described in header
 */
bool dpc_check_xfrm_ties_needed(dpc_check_ctx_t *ctx)
{
	const dpc_xfrm_stat_t *st = stat_deltas(ctx);
	int i;

	for (i = 0; st && i < st->count; i++)
	{
		if (counter_growing(ctx, &st->c[i]))
		{
			return true;
		}
	}
	return false;
}

/*
 * Described in header
 */
void dpc_check_xfrm_counters(dpc_check_ctx_t *ctx,
							 const dpc_check_xfrm_tie_t *ties, int n)
{
	const dpc_xfrm_stat_t *st;
	const dpc_xfrm_counter_t *c;
	bool tied;
	int i, j;

	st = stat_deltas(ctx);
	if (!st)
	{
		return;
	}
	for (i = 0; i < st->count; i++)
	{
		c = &st->c[i];
		if (!counter_growing(ctx, c))
		{
			continue;
		}
		tied = false;
		for (j = 0; j < n; j++)
		{
			if (counter_ties(c->name, &ties[j].cx))
			{
				ctx->muted = ties[j].muted;
				report_counter(ctx, ties[j].ike, ties[j].child, c);
				ctx->muted = false;
				tied = true;
			}
		}
		if (!tied)
		{
			report_counter(ctx, NULL, NULL, c);
		}
	}
}
