/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * invalid: an expression that cannot be judged (malformed, unknown, or
 * holding a reference the kernel would have refused). It keeps the name of
 * what it stands for, so that the verdict can say what was not understood.
 */

#include "../nfsim_private.h"

#include <stdio.h>
#include <string.h>

/**
 * Private data: the name of what could not be understood; it fits the room
 * every expression has (NFSIM_EXPR_DATA_MIN).
 */
typedef struct {
	/** expression name */
	char name[NFSIM_EXPR_DATA_MIN];
} invalid_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	nfsim_undecidable(ctx);
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const invalid_t *invalid = nfsim_expr_data(e);

	nfsim_render_space(r);
	nfsim_render_printf(r, "[%s: not understood]", invalid->name);
}

const nfsim_expr_ops_t nfsim_expr_invalid_ops = {
	.name = "invalid",
	.data_len = sizeof(invalid_t),
	.eval = eval,
	.render = render,
};

void nfsim_add_invalid(nfsim_rule_t *rule, const char *name)
{
	invalid_t *invalid = nfsim_rule_push(rule, &nfsim_expr_invalid_ops);

	if (invalid)
	{
		snprintf(invalid->name, sizeof(invalid->name), "%s",
				 name ? name : "?");
	}
}

void nfsim_expr_invalidate(nfsim_expr_t *e)
{
	invalid_t *invalid = nfsim_expr_data(e);
	char name[sizeof(invalid->name)];

	snprintf(name, sizeof(name), "%s", e->ops->name);
	if (e->ops->destroy)
	{
		e->ops->destroy(e);
	}
	e->ops = &nfsim_expr_invalid_ops;
	memset(invalid, 0, sizeof(*invalid));
	snprintf(invalid->name, sizeof(invalid->name), "%s", name);
}
