/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_record.h"

#include <stdlib.h>
#include <string.h>

/**
 * Initialize the selector lists of a child, without freeing anything.
 */
static void child_init_lists(dpc_child_rec_t *child)
{
	dpc_ts_list_init(&child->cfg_local);
	dpc_ts_list_init(&child->cfg_remote);
	dpc_ts_list_init(&child->local);
	dpc_ts_list_init(&child->remote);
}

void dpc_child_rec_init(dpc_child_rec_t *child)
{
	memset(child, 0, sizeof(*child));
	child_init_lists(child);
}

void dpc_child_rec_clear(dpc_child_rec_t *child)
{
	dpc_ts_list_clear(&child->cfg_local);
	dpc_ts_list_clear(&child->cfg_remote);
	dpc_ts_list_clear(&child->local);
	dpc_ts_list_clear(&child->remote);
}

bool dpc_child_rec_copy(dpc_child_rec_t *dst, const dpc_child_rec_t *src)
{
	*dst = *src;
	child_init_lists(dst);
	if (!dpc_ts_list_copy(&dst->cfg_local, &src->cfg_local) ||
		!dpc_ts_list_copy(&dst->cfg_remote, &src->cfg_remote) ||
		!dpc_ts_list_copy(&dst->local, &src->local) ||
		!dpc_ts_list_copy(&dst->remote, &src->remote))
	{
		dpc_child_rec_clear(dst);
		dpc_child_rec_init(dst);
		return false;
	}
	return true;
}

void dpc_child_rec_add_sample(dpc_child_rec_t *child,
							  const dpc_sample_t *sample)
{
	if (child->n_samples < 0)
	{
		child->n_samples = 0;
	}
	if (child->n_samples >= DPC_MAX_SAMPLES)
	{
		memmove(&child->samples[0], &child->samples[1],
				(DPC_MAX_SAMPLES - 1) * sizeof(dpc_sample_t));
		child->n_samples = DPC_MAX_SAMPLES - 1;
	}
	child->samples[child->n_samples++] = *sample;
}

void dpc_ike_rec_init(dpc_ike_rec_t *ike)
{
	memset(ike, 0, sizeof(*ike));
}

void dpc_ike_rec_clear(dpc_ike_rec_t *ike)
{
	int i;

	for (i = 0; i < ike->n_children; i++)
	{
		dpc_child_rec_clear(&ike->children[i]);
	}
	free(ike->children);
	ike->children = NULL;
	ike->n_children = 0;
	ike->children_size = 0;
}

bool dpc_ike_rec_copy(dpc_ike_rec_t *dst, const dpc_ike_rec_t *src)
{
	int i;

	*dst = *src;
	dst->children = NULL;
	dst->n_children = 0;
	dst->children_size = 0;
	if (src->n_children <= 0)
	{
		return true;
	}
	dst->children = calloc(src->n_children, sizeof(dpc_child_rec_t));
	if (!dst->children)
	{
		return false;
	}
	dst->children_size = src->n_children;
	for (i = 0; i < src->n_children; i++)
	{
		if (!dpc_child_rec_copy(&dst->children[i], &src->children[i]))
		{
			dpc_ike_rec_clear(dst);
			return false;
		}
		dst->n_children++;
	}
	return true;
}

dpc_child_rec_t *dpc_ike_rec_find_child(dpc_ike_rec_t *ike,
										uint32_t unique_id)
{
	int i;

	for (i = 0; i < ike->n_children; i++)
	{
		if (ike->children[i].unique_id == unique_id)
		{
			return &ike->children[i];
		}
	}
	return NULL;
}

dpc_child_rec_t *dpc_ike_rec_add_child(dpc_ike_rec_t *ike)
{
	dpc_child_rec_t *grown, *child;
	int size;

	if (ike->n_children >= ike->children_size)
	{
		if (ike->children_size > INT32_MAX / 2)
		{
			return NULL;
		}
		size = ike->children_size ? ike->children_size * 2 : 2;
		grown = realloc(ike->children, size * sizeof(dpc_child_rec_t));
		if (!grown)
		{
			return NULL;
		}
		ike->children = grown;
		ike->children_size = size;
	}
	child = &ike->children[ike->n_children++];
	dpc_child_rec_init(child);
	return child;
}

void dpc_ike_rec_remove_child(dpc_ike_rec_t *ike, int i)
{
	if (i < 0 || i >= ike->n_children)
	{
		return;
	}
	dpc_child_rec_clear(&ike->children[i]);
	memmove(&ike->children[i], &ike->children[i + 1],
			(ike->n_children - i - 1) * sizeof(dpc_child_rec_t));
	ike->n_children--;
}

/**
 * Remove the alert at index i, keeping the order of the others.
 */
static void remove_alert(dpc_ike_rec_t *ike, int i)
{
	memmove(&ike->alerts[i], &ike->alerts[i + 1],
			(ike->n_alerts - i - 1) * sizeof(dpc_alert_t));
	ike->n_alerts--;
}

/**
 * Copy what an alert says into a slot; names and texts may come from
 * unterminated fixed-size fields, so terminate them.
 */
static void set_alert(dpc_alert_t *dst, const dpc_alert_t *src)
{
	uint32_t count = dst->count;

	*dst = *src;
	dst->count = count;
	dst->child_name[sizeof(dst->child_name) - 1] = '\0';
	dst->detail[sizeof(dst->detail) - 1] = '\0';
	dst->detail2[sizeof(dst->detail2) - 1] = '\0';
}

void dpc_ike_rec_add_alert(dpc_ike_rec_t *ike, const dpc_alert_t *alert)
{
	dpc_alert_t *slot;
	int i, oldest = 0;

	if (ike->n_alerts < 0)
	{
		ike->n_alerts = 0;
	}
	for (i = 0; i < ike->n_alerts; i++)
	{
		slot = &ike->alerts[i];
		if (slot->type == alert->type &&
			strncmp(slot->child_name, alert->child_name,
					sizeof(slot->child_name)) == 0)
		{
			set_alert(slot, alert);
			if (slot->count < UINT32_MAX)
			{
				slot->count++;
			}
			return;
		}
	}
	if (ike->n_alerts >= DPC_MAX_ALERTS)
	{
		/* updated alerts stay in place, so "oldest" is the least recently
		 * raised one, not the first slot */
		for (i = 1; i < ike->n_alerts; i++)
		{
			if (ike->alerts[i].time < ike->alerts[oldest].time)
			{
				oldest = i;
			}
		}
		remove_alert(ike, oldest);
	}
	slot = &ike->alerts[ike->n_alerts++];
	slot->count = 0;
	set_alert(slot, alert);
	slot->count = alert->count ? alert->count : 1;
}

void dpc_ike_rec_clear_alerts(dpc_ike_rec_t *ike, dpc_alert_type_t type,
							  const char *child_name)
{
	int i = 0;

	while (i < ike->n_alerts)
	{
		if (ike->alerts[i].type == type &&
			(!child_name || strncmp(ike->alerts[i].child_name, child_name,
									sizeof(ike->alerts[i].child_name)) == 0))
		{
			remove_alert(ike, i);
			continue;
		}
		i++;
	}
}

void dpc_tunnels_init(dpc_tunnels_t *t)
{
	t->ikes = NULL;
	t->count = 0;
	t->size = 0;
}

bool dpc_tunnels_add_copy(dpc_tunnels_t *t, const dpc_ike_rec_t *ike)
{
	dpc_ike_rec_t *grown;
	int size;

	if (t->count >= t->size)
	{
		if (t->size > INT32_MAX / 2)
		{
			return false;
		}
		size = t->size ? t->size * 2 : 8;
		grown = realloc(t->ikes, size * sizeof(dpc_ike_rec_t));
		if (!grown)
		{
			return false;
		}
		t->ikes = grown;
		t->size = size;
	}
	if (!dpc_ike_rec_copy(&t->ikes[t->count], ike))
	{
		return false;
	}
	t->count++;
	return true;
}

void dpc_tunnels_clear(dpc_tunnels_t *t)
{
	int i;

	for (i = 0; i < t->count; i++)
	{
		dpc_ike_rec_clear(&t->ikes[i]);
	}
	free(t->ikes);
	dpc_tunnels_init(t);
}
