/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_round_ruleset.h"
#include "checks/dpc_check_mss.h"
#include "model/dpc_bulk.h"

#include <daemon.h>

#include <stdio.h>
#include <string.h>

/*
 * Described in header
 */
void dpc_round_ruleset_not_judged(dpc_nf_cache_t *nf, dpc_check_ctx_t *ctx)
{
	dpc_finding_t *f;

	if (!nf->too_large(nf))
	{
		return;
	}
	f = dpc_check_add(ctx, "ruleset-uncertain", DPC_INFO, NULL, NULL);
	if (f)
	{
		dpc_finding_message(f, "the netfilter ruleset was not judged: it is "
							"larger than the plugin reads, so no netfilter "
							"check ran");
		dpc_finding_evidence(f, "ruleset_max_elements", "%u",
							 ctx->settings->ruleset_max_elements);
		dpc_finding_evidence(f, "ruleset_max_bytes", "%u",
							 ctx->settings->ruleset_max_bytes);
		dpc_finding_hint(f, "raise ruleset_max_elements or "
						 "ruleset_max_bytes (and round_budget) if the "
						 "gateway can afford reading it every change");
	}
}

/**
 * Keep a clamp for later, or note it now if there is no room to keep it.
 */
static void keep_mss(dpc_registry_t *registry, dpc_mss_notes_t *out,
					 uint32_t child_id, const char *mss)
{
	dpc_mss_note_t *grown;
	int size;

	if (out->count == out->size)
	{
		size = out->size ? out->size * 2 : 16;
		grown = size > out->size ?
			dpc_bulk_reallocarray(out->notes, size, sizeof(*grown)) : NULL;
		if (!grown)
		{	/* noted now: a copy of the record if the snapshot holds it */
			registry->set_mss(registry, child_id, mss);
			return;
		}
		out->notes = grown;
		out->size = size;
	}
	out->notes[out->count].child_id = child_id;
	snprintf(out->notes[out->count].mss, DPC_ALG_LEN, "%s", mss);
	out->count++;
}

/*
 * Described in header: the MTU check needs to know whether large TCP
 * segments are clamped, reports show the clamp.
 */
void dpc_round_find_mss(dpc_registry_t *registry, dpc_nf_cache_t *nf,
						uint64_t *generation, dpc_check_ctx_t *ctx,
						dpc_mss_notes_t *out)
{
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	char mss[DPC_ALG_LEN];
	uint64_t current;
	bool changed;
	int i, j;

	/* the clamp only changes with the ruleset (or a new CHILD_SA) */
	ctx->facts->get_ruleset(ctx->facts);
	current = nf->get_generation(nf);
	changed = current != *generation;
	*generation = current;

	for (i = 0; i < ctx->tunnels->count; i++)
	{
		ike = ctx->tunnels->ikes[i];
		if (ctx->recheck && !ctx->recheck[i])
		{	/* not checked: no path worked out, its clamp stays */
			continue;
		}
		for (j = 0; ike->state == DPC_STATE_UP && j < ike->n_children; j++)
		{
			child = ike->children[j];
			if (child->state == DPC_STATE_UP &&
				(changed || !child->mss_clamp[0]) &&
				dpc_check_mss(ctx, ike, child, mss, sizeof(mss)) &&
				strcmp(mss, child->mss_clamp))
			{
				keep_mss(registry, out, child->unique_id, mss);
			}
		}
	}
}

/*
 * Described in header
 */
void dpc_round_note_mss(dpc_registry_t *registry, dpc_mss_notes_t *notes)
{
	int i;

	for (i = 0; i < notes->count; i++)
	{
		registry->set_mss(registry, notes->notes[i].child_id,
						  notes->notes[i].mss);
	}
	dpc_bulk_free(notes->notes);
	*notes = (dpc_mss_notes_t){};
}

/*
 * Described in header
 */
void dpc_round_nf_errors(dpc_nf_cache_t *nf, char *last, size_t len)
{
	const char *error = nf->get_error(nf);

	if (!streq(error, last))
	{
		if (error[0] && nf->too_large(nf))
		{
			DBG1(DBG_CFG, "dataplane-check: the netfilter ruleset is too "
				 "large to judge (%s): netfilter checks skipped until it "
				 "shrinks or ruleset_max_elements/ruleset_max_bytes grow",
				 error);
		}
		else if (error[0])
		{
			DBG1(DBG_CFG, "dataplane-check: cannot read the netfilter "
				 "ruleset completely (%s): netfilter verdicts may be "
				 "incomplete", error);
		}
		snprintf(last, len, "%s", error);
	}
}
