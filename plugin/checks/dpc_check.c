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
#include "dpc_check_index.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Described in header
 */
dpc_finding_t *dpc_check_add(dpc_check_ctx_t *ctx, const char *code,
							 dpc_severity_t severity,
							 const dpc_ike_rec_t *ike,
							 const dpc_child_rec_t *child)
{
	dpc_subject_t subject;
	dpc_finding_t *f;

	if (ctx->muted || dpc_settings_is_disabled(ctx->settings, code))
	{
		return NULL;
	}
	memset(&subject, 0, sizeof(subject));
	if (ike)
	{
		snprintf(subject.ike_name, sizeof(subject.ike_name), "%s", ike->name);
		subject.ike_id = ike->unique_id;
	}
	if (child)
	{
		snprintf(subject.child_name, sizeof(subject.child_name), "%s",
				 child->name);
		subject.child_id = child->unique_id;
	}
	f = dpc_findings_add(ctx->out, code, severity, &subject);
	if (f && ctx->family == AF_INET6)
	{
		dpc_check_discrim(ctx, f, "");
	}
	return f;
}

/*
 * Described in header
 */
void dpc_check_discrim(dpc_check_ctx_t *ctx, dpc_finding_t *f,
					   const char *what)
{
	snprintf(f->discrim, sizeof(f->discrim), "%s%s%s", what,
			 what[0] && ctx->family == AF_INET6 ? " " : "",
			 ctx->family == AF_INET6 ? "ipv6" : "");
}

/*
 * Described in header
 */
const dpc_path_t *dpc_check_path(dpc_check_ctx_t *ctx,
								 const dpc_ike_rec_t *ike,
								 const dpc_child_rec_t *child)
{
	if (!ctx->paths)
	{
		return NULL;
	}
	return dpc_paths_find(ctx->paths, ike->unique_id, child->unique_id,
						  ctx->family);
}

/**
 * Run the checks of every family on one CHILD_SA.
 */
static void check_child(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_child_rec_t *child)
{
	const dpc_check_family_t *const *family;
	const dpc_path_t *first, *p;

	for (family = dpc_check_families; *family; family++)
	{
		if (!(*family)->child)
		{
			continue;
		}
		if (!(*family)->per_family)
		{
			(*family)->child(ctx, ike, child);
			continue;
		}
		/* once per path: the paths of a CHILD_SA are adjacent, by family */
		first = dpc_check_path(ctx, ike, child);
		for (p = first; p && p < ctx->paths->items + ctx->paths->count &&
			 p->ike_id == first->ike_id && p->child_id == first->child_id;
			 p++)
		{
			ctx->family = p->family;
			(*family)->child(ctx, ike, child);
		}
		ctx->family = 0;
	}
}

/**
 * Run the checks of every family on one IKE_SA, then on its CHILD_SAs.
 */
static void check_ike(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const dpc_check_family_t *const *family;
	int i;

	for (family = dpc_check_families; *family; family++)
	{
		if ((*family)->ike)
		{
			(*family)->ike(ctx, ike);
		}
	}
	for (i = 0; i < ike->n_children; i++)
	{
		if (ike->children[i]->state == DPC_STATE_UP)
		{
			check_child(ctx, ike, ike->children[i]);
		}
	}
}

/**
 * Run every family's checks of an IKE_SA that went down.
 */
static void check_closed(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const dpc_check_family_t *const *family;

	for (family = dpc_check_families; *family; family++)
	{
		if ((*family)->closed)
		{
			(*family)->closed(ctx, ike);
		}
	}
}

/*
 * Described in header
 */
void dpc_check_all(dpc_check_ctx_t *ctx)
{
	const dpc_check_family_t *const *family;
	int i;

	for (family = dpc_check_families; *family; family++)
	{
		if ((*family)->host)
		{
			(*family)->host(ctx);
		}
	}
	for (i = 0; i < ctx->tunnels->count; i++)
	{
		if (ctx->recheck && !ctx->recheck[i])
		{	/* unchanged: its findings stay in the store */
			continue;
		}
		if (ctx->tunnels->ikes[i]->state == DPC_STATE_UP)
		{
			check_ike(ctx, ctx->tunnels->ikes[i]);
		}
		else if (ctx->tunnels->ikes[i]->state == DPC_STATE_DOWN)
		{
			check_closed(ctx, ctx->tunnels->ikes[i]);
		}
	}	dpc_check_index_free(ctx);
}
