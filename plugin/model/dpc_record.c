/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_record.h"
#include "dpc_bulk.h"
#include "dpc_slab.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* references are taken under the registry's lock but dropped by snapshot
 * holders in other threads: atomic, like strongSwan's refcount_t */
#define REF_GET(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)
#define REF_PUT(x) __atomic_sub_fetch(&(x), 1, __ATOMIC_ACQ_REL)
#define REF_READ(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)

/* records live as long as their SAs and move when copied on write: slots
 * of their own, apart from the rounds' short-lived blocks */
static dpc_slab_t child_slab = DPC_SLAB_INIT(dpc_child_rec_t);
static dpc_slab_t ike_slab = DPC_SLAB_INIT(dpc_ike_rec_t);

/* samples are added in place, see dpc_child_rec_add_sample() */
static pthread_mutex_t samples_lock = PTHREAD_MUTEX_INITIALIZER;

/* copies a record but its reference count, the last member: other threads
 * drop references to a shared record while it is copied */
#define COPY_BUT_REFS(dst, src) \
	memcpy((dst), (src), offsetof(__typeof__(*(dst)), refs))

/**
 * Make room for n more references in an array of count in use (of *size
 * allocated, at least first when it grows).
 */
static bool reserve_refs(void **array, int *size, int count, int n, int first)
{
	void **grown;
	int want;

	if (n < 0 || count > INT32_MAX / 2 - n)
	{
		return false;
	}
	if (count + n <= *size)
	{
		return true;
	}
	want = *size ? *size : first;
	while (want < count + n)
	{
		want *= 2;
	}
	grown = dpc_bulk_reallocarray(*array, want, sizeof(void*));
	if (!grown)
	{
		return false;
	}
	*array = grown;
	*size = want;
	return true;
}

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

/** the shared texts of a CHILD_SA record */
#define CHILD_TEXTS(c) { &(c)->name, &(c)->mode, &(c)->protocol, \
						 &(c)->alg, &(c)->mss_clamp }

/**
 * Set every shared text of a record to the empty one, without dropping
 * references.
 */
static void child_init_texts(dpc_child_rec_t *child)
{
	const char **texts[] = CHILD_TEXTS(child);
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
	{
		*texts[i] = dpc_text_empty;
	}
}

/**
 * Take (ref) or drop (put) a reference to each shared text of a record.
 */
static void child_hold_texts(dpc_child_rec_t *child, bool ref)
{
	const char **texts[] = CHILD_TEXTS(child);
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
	{
		if (ref)
		{
			dpc_text_ref(*texts[i]);
		}
		else
		{
			dpc_text_put(*texts[i]);
		}
	}
}

void dpc_child_rec_init(dpc_child_rec_t *child)
{
	memset(child, 0, sizeof(*child));
	child_init_lists(child);
	child_init_texts(child);
}

void dpc_child_rec_clear(dpc_child_rec_t *child)
{
	dpc_ts_list_clear(&child->cfg_local);
	dpc_ts_list_clear(&child->cfg_remote);
	dpc_ts_list_clear(&child->local);
	dpc_ts_list_clear(&child->remote);
	child_hold_texts(child, false);
	child_init_texts(child);
}

bool dpc_child_rec_set_text(const char **held, const char *text)
{
	char cut[DPC_ALG_LEN];

	if (text && strlen(text) >= sizeof(cut))
	{
		memcpy(cut, text, sizeof(cut) - 1);
		cut[sizeof(cut) - 1] = '\0';
		text = cut;
	}
	return dpc_text_set(held, text);
}

bool dpc_child_rec_set_name(dpc_child_rec_t *child, const char *name)
{
	char cut[DPC_NAME_LEN];

	snprintf(cut, sizeof(cut), "%s", name ? name : "");
	return dpc_text_set(&child->name, cut);
}

bool dpc_child_rec_copy(dpc_child_rec_t *dst, const dpc_child_rec_t *src)
{
	uint32_t refs = dst->refs;

	COPY_BUT_REFS(dst, src);
	child_init_lists(dst);
	child_hold_texts(dst, true);
	if (!dpc_ts_list_copy(&dst->cfg_local, &src->cfg_local) ||
		!dpc_ts_list_copy(&dst->cfg_remote, &src->cfg_remote) ||
		!dpc_ts_list_copy(&dst->local, &src->local) ||
		!dpc_ts_list_copy(&dst->remote, &src->remote))
	{
		dpc_child_rec_clear(dst);
		dpc_child_rec_init(dst);
		dst->refs = refs;
		return false;
	}
	return true;
}

dpc_child_rec_t *dpc_child_rec_create(void)
{
	dpc_child_rec_t *child;

	child = dpc_slab_alloc(&child_slab);
	if (child)
	{
		dpc_child_rec_init(child);
		child->refs = 1;
	}
	return child;
}

dpc_child_rec_t *dpc_child_rec_adopt(dpc_child_rec_t *src)
{
	dpc_child_rec_t *child;

	child = dpc_slab_alloc(&child_slab);
	if (child)
	{
		*child = *src;
		child->refs = 1;
		dpc_child_rec_init(src);
		/* kept for the CHILD_SA's life: built with room to grow, and
		 * often alike (a local subnet, configured and negotiated ones) */
		dpc_ts_list_share(&child->cfg_local);
		dpc_ts_list_share(&child->cfg_remote);
		dpc_ts_list_share(&child->local);
		dpc_ts_list_share(&child->remote);
	}
	return child;
}

dpc_child_rec_t *dpc_child_rec_clone(const dpc_child_rec_t *src)
{
	dpc_child_rec_t *child;

	child = dpc_child_rec_create();
	if (child && !dpc_child_rec_copy(child, src))
	{
		dpc_slab_free(&child_slab, child);
		child = NULL;
	}
	return child;
}

dpc_child_rec_t *dpc_child_rec_get(dpc_child_rec_t *child)
{
	REF_GET(child->refs);
	return child;
}

void dpc_child_rec_put(dpc_child_rec_t *child)
{
	if (child && REF_PUT(child->refs) == 0)
	{
		dpc_child_rec_clear(child);
		dpc_slab_free(&child_slab, child);
	}
}

bool dpc_child_rec_unique(const dpc_child_rec_t *child)
{
	return REF_READ(child->refs) == 1;
}

/**
 * Did packets go both ways between the newest sample and the youngest one at
 * least a window older?
 */
static bool newest_both_ways(const dpc_child_rec_t *child, uint32_t window)
{
	const dpc_packets_t *newest = &child->samples[child->n_samples - 1];
	int i;

	for (i = child->n_samples - 2; i >= 0; i--)
	{
		if (newest->time - child->samples[i].time >= (time_t)window)
		{
			return newest->packets_in > child->samples[i].packets_in &&
				   newest->packets_out > child->samples[i].packets_out;
		}
	}
	return false;
}

void dpc_child_rec_add_sample(dpc_child_rec_t *child,
							  const dpc_sample_t *sample, uint32_t window)
{
	time_t gap = window >= 8 ? window / 8 : 1;

	pthread_mutex_lock(&samples_lock);
	if (child->n_samples < 0 || child->n_samples > DPC_MAX_SAMPLES)
	{
		child->n_samples = 0;
	}
	if (child->n_samples >= 2 &&
		child->samples[child->n_samples - 1].time -
		child->samples[child->n_samples - 2].time < gap)
	{	/* the newest was only a step: this one takes its place */
		child->n_samples--;
	}
	else if (child->n_samples == DPC_MAX_SAMPLES)
	{
		memmove(&child->samples[0], &child->samples[1],
				(DPC_MAX_SAMPLES - 1) * sizeof(dpc_packets_t));
		child->n_samples--;
	}
	child->bytes_in = sample->bytes_in;
	child->bytes_out = sample->bytes_out;
	child->samples[child->n_samples++] = (dpc_packets_t){
		.time = sample->time,
		.packets_in = sample->packets_in,
		.packets_out = sample->packets_out,
	};
	if (!child->both_ways)
	{
		child->both_ways = newest_both_ways(child, window);
	}
	pthread_mutex_unlock(&samples_lock);
}

dpc_sample_t dpc_child_rec_last(const dpc_child_rec_t *child)
{
	const dpc_packets_t *newest;
	dpc_sample_t last = {};

	pthread_mutex_lock(&samples_lock);
	if (child->n_samples > 0 && child->n_samples <= DPC_MAX_SAMPLES)
	{
		newest = &child->samples[child->n_samples - 1];
		last = (dpc_sample_t){
			.time = newest->time,
			.packets_in = newest->packets_in,
			.packets_out = newest->packets_out,
			.bytes_in = child->bytes_in,
			.bytes_out = child->bytes_out,
		};
	}
	pthread_mutex_unlock(&samples_lock);
	return last;
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
		dpc_child_rec_put(ike->children[i]);
	}
	dpc_bulk_free(ike->children);
	ike->children = NULL;
	ike->n_children = 0;
	ike->children_size = 0;
	free(ike->alerts);
	ike->alerts = NULL;
	ike->n_alerts = 0;
}

bool dpc_ike_rec_copy(dpc_ike_rec_t *dst, const dpc_ike_rec_t *src)
{
	int i;

	COPY_BUT_REFS(dst, src);
	dst->refs = 0;
	dst->children = NULL;
	dst->n_children = dst->children_size = 0;
	dst->alerts = NULL;
	dst->n_alerts = 0;
	if (src->n_alerts > 0)
	{
		dst->alerts = malloc(src->n_alerts * sizeof(dpc_alert_t));
		if (!dst->alerts)
		{
			return false;
		}
		memcpy(dst->alerts, src->alerts, src->n_alerts * sizeof(dpc_alert_t));
		dst->n_alerts = src->n_alerts;
	}
	if (src->n_children > 0)
	{
		if (!dpc_ike_rec_reserve_children(dst, src->n_children))
		{
			dpc_ike_rec_clear(dst);
			return false;
		}
		for (i = 0; i < src->n_children; i++)
		{
			dst->children[i] = dpc_child_rec_get(src->children[i]);
		}
		dst->n_children = src->n_children;
	}
	return true;
}

dpc_ike_rec_t *dpc_ike_rec_create(void)
{
	dpc_ike_rec_t *ike;

	ike = dpc_slab_alloc(&ike_slab);
	if (ike)
	{
		dpc_ike_rec_init(ike);
		ike->refs = 1;
	}
	return ike;
}

dpc_ike_rec_t *dpc_ike_rec_clone(const dpc_ike_rec_t *src)
{
	dpc_ike_rec_t *ike;

	ike = dpc_slab_alloc(&ike_slab);
	if (ike)
	{
		if (!dpc_ike_rec_copy(ike, src))
		{
			dpc_slab_free(&ike_slab, ike);
			return NULL;
		}
		ike->refs = 1;
	}
	return ike;
}

dpc_ike_rec_t *dpc_ike_rec_get(dpc_ike_rec_t *ike)
{
	REF_GET(ike->refs);
	return ike;
}

void dpc_ike_rec_put(dpc_ike_rec_t *ike)
{
	if (ike && REF_PUT(ike->refs) == 0)
	{
		dpc_ike_rec_clear(ike);
		dpc_slab_free(&ike_slab, ike);
	}
}

bool dpc_ike_rec_unique(const dpc_ike_rec_t *ike)
{
	return REF_READ(ike->refs) == 1;
}

void dpc_rec_release(bool all)
{
	dpc_slab_release(&child_slab, all ? 0 : 1);
	dpc_slab_release(&ike_slab, all ? 0 : 1);
}

size_t dpc_rec_mapped(void)
{
	dpc_slab_stats_t child, ike;

	dpc_slab_get_stats(&child_slab, &child);
	dpc_slab_get_stats(&ike_slab, &ike);
	return ((size_t)child.chunks + ike.chunks) * DPC_SLAB_CHUNK;
}

int dpc_ike_rec_child_index(const dpc_ike_rec_t *ike, uint32_t unique_id)
{
	int i;

	for (i = 0; i < ike->n_children; i++)
	{
		if (ike->children[i]->unique_id == unique_id)
		{
			return i;
		}
	}
	return -1;
}

dpc_child_rec_t *dpc_ike_rec_find_child(dpc_ike_rec_t *ike,
										uint32_t unique_id)
{
	int i = dpc_ike_rec_child_index(ike, unique_id);

	return i < 0 ? NULL : ike->children[i];
}

bool dpc_ike_rec_reserve_children(dpc_ike_rec_t *ike, int n)
{
	return reserve_refs((void**)&ike->children, &ike->children_size,
						ike->n_children, n, 2);
}

bool dpc_ike_rec_append_child(dpc_ike_rec_t *ike, dpc_child_rec_t *child)
{
	if (!dpc_ike_rec_reserve_children(ike, 1))
	{
		return false;
	}
	ike->children[ike->n_children++] = child;
	return true;
}

dpc_child_rec_t *dpc_ike_rec_add_child(dpc_ike_rec_t *ike)
{
	dpc_child_rec_t *child;

	child = dpc_child_rec_create();
	if (child && !dpc_ike_rec_append_child(ike, child))
	{
		dpc_child_rec_put(child);
		child = NULL;
	}
	return child;
}

void dpc_ike_rec_set_child(dpc_ike_rec_t *ike, int i, dpc_child_rec_t *child)
{
	dpc_child_rec_t *old;

	if (i < 0 || i >= ike->n_children)
	{
		dpc_child_rec_put(child);
		return;
	}
	old = ike->children[i];
	ike->children[i] = child;
	dpc_child_rec_put(old);
}

void dpc_ike_rec_remove_child(dpc_ike_rec_t *ike, int i)
{
	if (i < 0 || i >= ike->n_children)
	{
		return;
	}
	dpc_child_rec_put(ike->children[i]);
	memmove(&ike->children[i], &ike->children[i + 1],
			(ike->n_children - i - 1) * sizeof(dpc_child_rec_t*));
	ike->n_children--;
}

/**
 * Remove the alert at index i, keeping the order of the others; the
 * storage goes with the last one.
 */
static void remove_alert(dpc_ike_rec_t *ike, int i)
{
	memmove(&ike->alerts[i], &ike->alerts[i + 1],
			(ike->n_alerts - i - 1) * sizeof(dpc_alert_t));
	if (--ike->n_alerts == 0)
	{
		free(ike->alerts);
		ike->alerts = NULL;
	}
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

/**
 * Index of the least recently raised alert (updated alerts stay in place,
 * so that is not necessarily the first).
 */
static int oldest_alert(const dpc_ike_rec_t *ike)
{
	int i, oldest = 0;

	for (i = 1; i < ike->n_alerts; i++)
	{
		if (ike->alerts[i].time < ike->alerts[oldest].time)
		{
			oldest = i;
		}
	}
	return oldest;
}

bool dpc_ike_rec_add_alert(dpc_ike_rec_t *ike, const dpc_alert_t *alert)
{
	dpc_alert_t *slot, *grown;
	int i;

	if (ike->n_alerts < 0 || !ike->alerts)
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
			return true;
		}
	}
	if (ike->n_alerts >= DPC_MAX_ALERTS)
	{	/* reuse the oldest one's room, moved to the end */
		i = oldest_alert(ike);
		memmove(&ike->alerts[i], &ike->alerts[i + 1],
				(ike->n_alerts - i - 1) * sizeof(dpc_alert_t));
		ike->n_alerts--;
	}
	else
	{
		grown = realloc(ike->alerts, (ike->n_alerts + 1) * sizeof(dpc_alert_t));
		if (!grown)
		{
			return false;
		}
		ike->alerts = grown;
	}
	slot = &ike->alerts[ike->n_alerts++];
	slot->count = 0;
	set_alert(slot, alert);
	slot->count = alert->count ? alert->count : 1;
	return true;
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
	t->natt.count = 0;
}

bool dpc_tunnels_reserve(dpc_tunnels_t *t, int n)
{
	return reserve_refs((void**)&t->ikes, &t->size, t->count, n, 8);
}

bool dpc_tunnels_add(dpc_tunnels_t *t, dpc_ike_rec_t *ike)
{
	if (!dpc_tunnels_reserve(t, 1))
	{
		return false;
	}
	t->ikes[t->count++] = dpc_ike_rec_get(ike);
	return true;
}

bool dpc_tunnels_add_copy(dpc_tunnels_t *t, const dpc_ike_rec_t *ike)
{
	dpc_ike_rec_t *copy;

	if (!dpc_tunnels_reserve(t, 1))
	{
		return false;
	}
	copy = dpc_ike_rec_clone(ike);
	if (!copy)
	{
		return false;
	}
	t->ikes[t->count++] = copy;
	return true;
}

void dpc_tunnels_clear(dpc_tunnels_t *t)
{
	int i;

	for (i = 0; i < t->count; i++)
	{
		dpc_ike_rec_put(t->ikes[i]);
	}
	dpc_bulk_free(t->ikes);
	dpc_tunnels_init(t);
}
