/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** CHILD_SA ids the narrow hook marked before they were installed */
#define MAX_PENDING_NARROW 32

struct dpc_table_t {
	/** IKE_SA records in order of appearance */
	dpc_ike_rec_t **ikes;
	/** records in ikes */
	uint32_t count;
	/** slots of ikes */
	uint32_t size;
	/** IKE_SA unique id -> index in ikes */
	dpc_idmap_t by_ike;
	/** CHILD_SA unique id -> IKE_SA unique id */
	dpc_idmap_t by_child;
	/** IKE_SAs not authenticated yet */
	dpc_half_open_t half_open;
	/** seconds an unauthenticated IKE_SA is remembered */
	uint32_t half_open_timeout;
	/** initiated IKE_SAs whose requests on port 4500 go unanswered */
	dpc_natt_attempts_t natt;
	/** CHILD_SA ids marked narrowed, not installed yet (a ring) */
	uint32_t pending_narrow[MAX_PENDING_NARROW];
	/** next slot of pending_narrow */
	int next_narrow;
	/** IKE_SA and CHILD_SA records */
	uint32_t records;
	/** limit on records */
	uint32_t max_records;
	/** records refused because of the limit */
	uint64_t refused;
	/** changes lost for lack of memory */
	uint64_t failed;
	/** the limit was hit and records did not drop well below it since */
	bool full;
};

dpc_table_t *dpc_table_create(uint32_t max_records,
							  uint32_t half_open_timeout)
{
	dpc_table_t *t;

	t = calloc(1, sizeof(*t));
	if (t)
	{
		dpc_idmap_init(&t->by_ike);
		dpc_idmap_init(&t->by_child);
		dpc_half_open_init(&t->half_open, 0);
		dpc_table_set_limits(t, max_records, half_open_timeout);
	}
	return t;
}

void dpc_table_destroy(dpc_table_t *t)
{
	uint32_t i;

	if (!t)
	{
		return;
	}
	for (i = 0; i < t->count; i++)
	{
		dpc_ike_rec_put(t->ikes[i]);
	}
	free(t->ikes);
	dpc_idmap_clear(&t->by_ike);
	dpc_idmap_clear(&t->by_child);
	dpc_half_open_clear(&t->half_open);
	free(t);
}

void dpc_table_set_limits(dpc_table_t *t, uint32_t max_records,
						  uint32_t half_open_timeout)
{
	t->max_records = max_records;
	t->half_open_timeout = half_open_timeout;
}

/**
 * Is there room for n more records? Counts a refusal if not.
 */
static bool room_for(dpc_table_t *t, uint32_t n)
{
	if (t->records <= t->max_records && n <= t->max_records - t->records)
	{
		return true;
	}
	t->refused++;
	t->full = true;
	return false;
}

/**
 * Count a change lost for lack of memory; returns NULL for convenience.
 */
static void *failed(dpc_table_t *t)
{
	t->failed++;
	return NULL;
}

/**
 * Index of an IKE_SA's record, -1 if none.
 */
static int ike_index(dpc_table_t *t, uint32_t ike_id)
{
	uint32_t i;

	return dpc_idmap_get(&t->by_ike, ike_id, &i) ? (int)i : -1;
}

/**
 * Make the record at index i the table's own (copy it if a snapshot holds
 * it too), so it may be changed.
 *
 * @return			the record, NULL on allocation failure
 */
static dpc_ike_rec_t *own_ike(dpc_table_t *t, int i)
{
	dpc_ike_rec_t *ike = t->ikes[i], *copy;

	if (dpc_ike_rec_unique(ike))
	{
		return ike;
	}
	copy = dpc_ike_rec_clone(ike);
	if (!copy)
	{
		return failed(t);
	}
	t->ikes[i] = copy;
	dpc_ike_rec_put(ike);
	return copy;
}

/**
 * Make CHILD_SA j of an owned IKE_SA record its own, so it may be changed.
 *
 * @return			the record, NULL on allocation failure
 */
static dpc_child_rec_t *own_child(dpc_table_t *t, dpc_ike_rec_t *ike, int j)
{
	dpc_child_rec_t *copy;

	if (dpc_child_rec_unique(ike->children[j]))
	{
		return ike->children[j];
	}
	copy = dpc_child_rec_clone(ike->children[j]);
	if (!copy)
	{
		return failed(t);
	}
	dpc_ike_rec_set_child(ike, j, copy);
	return copy;
}

/**
 * Own the IKE_SA record by id.
 */
static dpc_ike_rec_t *own_ike_by_id(dpc_table_t *t, uint32_t ike_id)
{
	int i = ike_index(t, ike_id);

	return i < 0 ? NULL : own_ike(t, i);
}

/**
 * Own a CHILD_SA record and its IKE_SA record by CHILD_SA id.
 */
static dpc_child_rec_t *own_child_by_id(dpc_table_t *t, uint32_t child_id)
{
	dpc_ike_rec_t *ike;
	uint32_t ike_id;
	int j;

	if (!dpc_idmap_get(&t->by_child, child_id, &ike_id))
	{
		return NULL;
	}
	ike = own_ike_by_id(t, ike_id);
	if (!ike)
	{
		return NULL;
	}
	j = dpc_ike_rec_child_index(ike, child_id);
	return j < 0 ? NULL : own_child(t, ike, j);
}

/**
 * The CHILD_SA record of an id, read only.
 */
static const dpc_child_rec_t *peek_child(dpc_table_t *t, uint32_t child_id)
{
	uint32_t ike_id;
	int i;

	if (!dpc_idmap_get(&t->by_child, child_id, &ike_id))
	{
		return NULL;
	}
	i = ike_index(t, ike_id);
	return i < 0 ? NULL : dpc_ike_rec_find_child(t->ikes[i], child_id);
}

/**
 * Append a new IKE_SA record: a stub, down since now, until the IKE_SA is
 * set up (so it expires if that never happens).
 *
 * @return			its index, -1 if refused or out of memory
 */
static int add_ike(dpc_table_t *t, uint32_t ike_id, time_t now)
{
	dpc_ike_rec_t **grown, *ike;
	uint32_t size;

	if (!ike_id || !room_for(t, 1))
	{
		return -1;
	}
	if (t->count == t->size)
	{
		size = t->size ? t->size * 2 : 16;
		if (size <= t->size)
		{
			return -1;
		}
		grown = realloc(t->ikes, size * sizeof(*grown));
		if (!grown)
		{
			failed(t);
			return -1;
		}
		t->ikes = grown;
		t->size = size;
	}
	if (!dpc_idmap_reserve(&t->by_ike, 1))
	{
		failed(t);
		return -1;
	}
	ike = dpc_ike_rec_create();
	if (!ike)
	{
		failed(t);
		return -1;
	}
	ike->unique_id = ike_id;
	ike->state = DPC_STATE_DOWN;
	ike->gone = now ? now : 1;
	t->ikes[t->count] = ike;
	dpc_idmap_put(&t->by_ike, ike_id, t->count);
	t->records++;
	return t->count++;
}

/**
 * Index of an IKE_SA's record, made if unknown.
 */
static int get_ike(dpc_table_t *t, uint32_t ike_id, time_t now)
{
	int i = ike_index(t, ike_id);

	return i >= 0 ? i : add_ike(t, ike_id, now);
}

/**
 * Take over what the IKE_SA left before it was authenticated.
 */
static void take_half_open(dpc_table_t *t, dpc_ike_rec_t *ike)
{
	dpc_half_open_entry_t e;

	if (!dpc_half_open_take(&t->half_open, ike->unique_id, &e))
	{
		return;
	}
	if (!ike->initial_local.family && e.local.family)
	{
		ike->initial_local = e.local;
		ike->initial_remote = e.remote;
	}
	if (e.alert && !dpc_ike_rec_add_alert(ike, e.alert))
	{
		failed(t);
	}
	free(e.alert);
}

/**
 * Copy the scalar fields of an IKE_SA record, keeping history.
 */
static void update_ike(dpc_ike_rec_t *dst, const dpc_ike_rec_t *src)
{
	bool known = dst->established != 0;

	memcpy(dst->name, src->name, sizeof(dst->name));
	dst->state = src->state;
	dst->version = src->version;
	dst->local = src->local;
	dst->remote = src->remote;
	dst->nat = src->nat;
	dst->dpd_delay = src->dpd_delay;
	dst->cfg_rekey_time = src->cfg_rekey_time;
	dst->cfg_reauth_time = src->cfg_reauth_time;
	dst->initiator = src->initiator;
	dst->gone = 0;
	if (!known)
	{
		dst->established = src->established;
	}
	if (!dst->initial_local.family)
	{	/* unless IKE_SA_INIT told us where it started */
		dst->initial_local = src->initial_local;
		dst->initial_remote = src->initial_remote;
	}
}

/**
 * Insert or update an IKE_SA record.
 *
 * @return			the owned record, NULL if refused or out of memory
 */
static dpc_ike_rec_t *set_ike(dpc_table_t *t, const dpc_ike_rec_t *rec)
{
	dpc_ike_rec_t *ike;
	int i;

	i = get_ike(t, rec->unique_id, 0);
	if (i < 0)
	{
		return NULL;
	}
	ike = own_ike(t, i);
	if (ike)
	{
		take_half_open(t, ike);
		update_ike(ike, rec);
	}
	return ike;
}

void dpc_table_ike_set(dpc_table_t *t, const dpc_ike_rec_t *rec)
{
	/* NAT-T works for this config now */
	dpc_natt_attempts_forget(&t->natt, rec->name);
	set_ike(t, rec);
}

void dpc_table_ike_retransmit(dpc_table_t *t, uint32_t ike_id,
							  const char *name, const dpc_addr_t *local,
							  const dpc_addr_t *remote, uint32_t retransmits,
							  bool timed_out, time_t now)
{
	const dpc_half_open_entry_t *init;
	dpc_natt_attempt_t attempt = {};

	init = dpc_half_open_peek(&t->half_open, ike_id);
	/* only an unauthenticated IKE_SA whose IKE_SA_INIT went on another
	 * port than this request: the float to 4500 is what fails */
	if (!init || ike_index(t, ike_id) >= 0 || !init->remote.family ||
		init->remote.port == remote->port)
	{
		return;
	}
	snprintf(attempt.name, sizeof(attempt.name), "%s", name ?: "");
	attempt.ike_id = ike_id;
	attempt.init_local = init->local;
	attempt.init_remote = init->remote;
	attempt.local = *local;
	attempt.remote = *remote;
	attempt.retransmits = retransmits;
	attempt.timed_out = timed_out;
	attempt.last = now;
	dpc_natt_attempts_note(&t->natt, &attempt);
}

/**
 * Mark a record down since now.
 */
static void set_down(dpc_state_t *state, time_t *gone, time_t now)
{
	*state = DPC_STATE_DOWN;
	*gone = now;
}

void dpc_table_ike_down(dpc_table_t *t, uint32_t ike_id, time_t now)
{
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;
	int i, j;

	i = ike_index(t, ike_id);
	if (i < 0 || t->ikes[i]->state == DPC_STATE_DOWN)
	{
		return;
	}
	ike = own_ike(t, i);
	if (!ike)
	{
		return;
	}
	set_down(&ike->state, &ike->gone, now);
	for (j = 0; j < ike->n_children; j++)
	{
		if (!ike->children[j]->gone)
		{	/* if this fails, the child goes with its IKE_SA */
			child = own_child(t, ike, j);
			if (child)
			{
				set_down(&child->state, &child->gone, now);
			}
		}
	}
}

/**
 * Move every CHILD_SA of an owned record to another owned one (IKEv2
 * rekeying moves them without child events). Nothing can fail once room is
 * made, so the loop does not depend on an allocation.
 *
 * @return			FALSE if there was no room (nothing moved)
 */
static bool move_children(dpc_table_t *t, dpc_ike_rec_t *from,
						  dpc_ike_rec_t *to)
{
	int j;

	if (!dpc_ike_rec_reserve_children(to, from->n_children))
	{
		failed(t);
		return false;
	}
	for (j = 0; j < from->n_children; j++)
	{
		to->children[to->n_children++] = from->children[j];
		/* the key exists: replacing its value does not allocate */
		dpc_idmap_put(&t->by_child, from->children[j]->unique_id,
					  to->unique_id);
	}
	from->n_children = 0;
	return true;
}

/**
 * What a new IKE_SA takes over from the one it replaces.
 */
static void inherit(dpc_table_t *t, dpc_ike_rec_t *new,
					const dpc_ike_rec_t *old, time_t now)
{
	int j;

	new->rekeys = old->rekeys + 1;
	new->rekeyed_from = old->unique_id;
	new->rekey_history = old->rekey_history;
	dpc_times_add(&new->rekey_history, now);
	new->updates = old->updates;
	new->last_update = old->last_update;
	new->prev_local = old->prev_local;
	new->prev_remote = old->prev_remote;
	new->update_history = old->update_history;
	if (old->established)
	{
		new->established = old->established;
		new->initial_local = old->initial_local;
		new->initial_remote = old->initial_remote;
	}
	for (j = 0; j < old->n_alerts; j++)
	{
		if (!dpc_ike_rec_add_alert(new, &old->alerts[j]))
		{
			failed(t);
		}
	}
}

void dpc_table_ike_rekey(dpc_table_t *t, uint32_t old_id,
						 const dpc_ike_rec_t *rec, time_t now)
{
	dpc_ike_rec_t *old, *new;
	int i;

	new = set_ike(t, rec);
	i = ike_index(t, old_id);
	if (i < 0 || old_id == rec->unique_id)
	{
		return;
	}
	/* set_ike() may have moved the records, look old up after it */
	old = own_ike(t, i);
	if (!old)
	{
		return;
	}
	if (new)
	{
		inherit(t, new, old, now);
		move_children(t, old, new);
	}
	/* if the new one is missing, the old one and what stayed with it
	 * expire */
	old->state = DPC_STATE_REKEYED;
	old->gone = now;
}

void dpc_table_ike_init(dpc_table_t *t, uint32_t ike_id,
						const dpc_addr_t *local, const dpc_addr_t *remote,
						time_t now)
{
	if (ike_index(t, ike_id) >= 0)
	{	/* authenticated already */
		return;
	}
	dpc_half_open_expire(&t->half_open, now, t->half_open_timeout);
	if (!dpc_half_open_add(&t->half_open, ike_id, local, remote, now))
	{
		failed(t);
	}
}

void dpc_table_ike_gone(dpc_table_t *t, uint32_t ike_id)
{
	dpc_half_open_remove(&t->half_open, ike_id);
}

void dpc_table_ike_update(dpc_table_t *t, uint32_t ike_id,
						  const dpc_addr_t *local, const dpc_addr_t *remote,
						  time_t now)
{
	dpc_ike_rec_t *ike;

	ike = own_ike_by_id(t, ike_id);
	if (ike)
	{
		ike->prev_local = ike->local;
		ike->prev_remote = ike->remote;
		ike->local = *local;
		ike->remote = *remote;
		ike->updates++;
		ike->last_update = now;
		dpc_times_add(&ike->update_history, now);
	}
}

/**
 * Consume a pending narrow mark of a CHILD_SA.
 */
static bool take_narrowed(dpc_table_t *t, uint32_t child_id)
{
	int i;

	for (i = 0; i < MAX_PENDING_NARROW; i++)
	{
		if (t->pending_narrow[i] == child_id)
		{
			t->pending_narrow[i] = 0;
			return true;
		}
	}
	return false;
}

/**
 * Add a CHILD_SA record to an IKE_SA's (replacing one with the same id).
 *
 * @return			the new record (owned), NULL if refused or out of memory
 */
static dpc_child_rec_t *insert_child(dpc_table_t *t, uint32_t ike_id,
									 dpc_child_rec_t *rec, time_t now,
									 dpc_ike_rec_t **ike_out)
{
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;
	int i, j;

	if (!rec->unique_id)
	{
		return NULL;
	}
	i = get_ike(t, ike_id, now);
	if (i < 0 || !(ike = own_ike(t, i)))
	{
		return NULL;
	}
	j = dpc_ike_rec_child_index(ike, rec->unique_id);
	if (j < 0 && !room_for(t, 1))
	{
		return NULL;
	}
	/* make all the room first: nothing fails after the record is made */
	if (!dpc_ike_rec_reserve_children(ike, 1) ||
		!dpc_idmap_reserve(&t->by_child, 1))
	{
		return failed(t);
	}
	child = dpc_child_rec_adopt(rec);
	if (!child)
	{
		return failed(t);
	}
	child->narrowed |= take_narrowed(t, child->unique_id);
	if (j < 0)
	{
		dpc_ike_rec_append_child(ike, child);
		t->records++;
	}
	else
	{	/* the same CHILD_SA again: its rekey lineage stays */
		child->rekey_history = ike->children[j]->rekey_history;
		dpc_ike_rec_set_child(ike, j, child);
	}
	dpc_idmap_put(&t->by_child, child->unique_id, ike_id);
	*ike_out = ike;
	return child;
}

void dpc_table_child_up(dpc_table_t *t, uint32_t ike_id, dpc_child_rec_t *rec,
						time_t now)
{
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;

	child = insert_child(t, ike_id, rec, now, &ike);
	if (child)
	{
		/* a CHILD_SA of that config works now: failures to create it are
		 * history, as are unnamed ones (the responder can't name them) */
		dpc_ike_rec_clear_alerts(ike, DPC_ALERT_TS_MISMATCH, child->name);
		dpc_ike_rec_clear_alerts(ike, DPC_ALERT_TS_MISMATCH, "");
		dpc_ike_rec_clear_alerts(ike, DPC_ALERT_INSTALL_SA_FAILED, child->name);
		dpc_ike_rec_clear_alerts(ike, DPC_ALERT_INSTALL_POLICY_FAILED,
								 child->name);
		dpc_ike_rec_clear_alerts(ike, DPC_ALERT_PROPOSAL_MISMATCH_CHILD,
								 child->name);
		dpc_ike_rec_clear_alerts(ike, DPC_ALERT_PROPOSAL_MISMATCH_CHILD, "");
	}
}

void dpc_table_child_down(dpc_table_t *t, uint32_t child_id, time_t now)
{
	const dpc_child_rec_t *cur;
	dpc_child_rec_t *child;

	cur = peek_child(t, child_id);
	if (!cur || cur->gone)
	{
		return;
	}
	child = own_child_by_id(t, child_id);
	if (!child)
	{
		return;
	}
	if (child->state == DPC_STATE_UP)
	{
		child->state = DPC_STATE_DOWN;
	}
	child->gone = now;
}

/**
 * What a new CHILD_SA takes over from the one it replaces.
 */
static void inherit_child(dpc_child_rec_t *new, const dpc_child_rec_t *old,
						  time_t now)
{
	new->rekeyed_from = old->unique_id;
	new->rekey_history = old->rekey_history;
	dpc_times_add(&new->rekey_history, now);
	/* keep the end of the predecessor's history: traffic-stopped-after-rekey
	 * compares against it */
	new->n_pred_samples = old->n_samples < DPC_MAX_PRED_SAMPLES ?
						  old->n_samples : DPC_MAX_PRED_SAMPLES;
	if (new->n_pred_samples > 0)
	{
		new->pred_first = old->samples[old->n_samples - new->n_pred_samples];
		new->pred_last = old->samples[old->n_samples - 1];
	}
}

void dpc_table_child_rekey(dpc_table_t *t, uint32_t ike_id, uint32_t old_id,
						   dpc_child_rec_t *rec, time_t now)
{
	const dpc_child_rec_t *cur;
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *new, *old;
	uint32_t new_id = rec->unique_id;

	new = insert_child(t, ike_id, rec, now, &ike);
	cur = peek_child(t, old_id);
	if (!cur || old_id == new_id)
	{
		return;
	}
	if (new)
	{	/* the new record is only in the owned IKE_SA record: still ours */
		inherit_child(new, cur, now);
	}
	/* replaced even if the new one is not recorded, so the old expires */
	old = own_child_by_id(t, old_id);
	if (old)
	{
		old->rekeyed_to = new_id;
		old->state = DPC_STATE_REKEYED;
		old->gone = now;
	}
}

void dpc_table_add_alert(dpc_table_t *t, uint32_t ike_id,
						 const char *ike_name, const dpc_alert_t *alert,
						 bool authenticated, time_t now)
{
	dpc_ike_rec_t *ike;
	int i;

	i = ike_index(t, ike_id);
	if (i < 0 && !authenticated)
	{	/* bounded: kept with the IKE_SA_INIT endpoints, if at all */
		if (!dpc_half_open_add_alert(&t->half_open, ike_id, alert, now))
		{
			failed(t);
		}
		return;
	}
	if (i < 0)
	{
		i = add_ike(t, ike_id, now);
	}
	if (i < 0 || !(ike = own_ike(t, i)))
	{
		return;
	}
	if (!ike->name[0] && ike_name)
	{
		snprintf(ike->name, sizeof(ike->name), "%s", ike_name);
	}
	if (!dpc_ike_rec_add_alert(ike, alert))
	{
		failed(t);
	}
}

void dpc_table_mark_narrowed(dpc_table_t *t, uint32_t child_id)
{
	dpc_child_rec_t *child;

	if (peek_child(t, child_id))
	{
		child = own_child_by_id(t, child_id);
		if (child)
		{
			child->narrowed = true;
		}
		return;
	}
	t->pending_narrow[t->next_narrow] = child_id;
	t->next_narrow = (t->next_narrow + 1) % MAX_PENDING_NARROW;
}

void dpc_table_add_samples(dpc_table_t *t, const dpc_child_sample_t *s,
						   int count, uint32_t window)
{
	dpc_child_rec_t *child;
	dpc_sample_t sample, last;
	int i;

	for (i = 0; i < count; i++)
	{	/* in place, not owned: snapshots may hold the record (see
		 * dpc_child_rec_add_sample()) */
		child = (dpc_child_rec_t*)peek_child(t, s[i].child_id);
		if (!child || child->state != DPC_STATE_UP)
		{
			continue;
		}
		sample = s[i].sample;
		last = dpc_child_rec_last(child);
		if (s[i].kept_in)
		{
			sample.packets_in = last.packets_in;
			sample.bytes_in = last.bytes_in;
		}
		if (s[i].kept_out)
		{
			sample.packets_out = last.packets_out;
			sample.bytes_out = last.bytes_out;
		}
		dpc_child_rec_add_sample(child, &sample, window);
	}
}

void dpc_table_set_mss(dpc_table_t *t, uint32_t child_id, const char *mss)
{
	dpc_child_rec_t *child;

	if (peek_child(t, child_id))
	{
		child = own_child_by_id(t, child_id);
		if (child && !dpc_child_rec_set_text(&child->mss_clamp, mss))
		{
			failed(t);
		}
	}
}

bool dpc_table_snapshot(dpc_table_t *t, dpc_tunnels_t *out)
{
	uint32_t i;

	out->natt = t->natt;
	if (t->count > INT32_MAX || !dpc_tunnels_reserve(out, t->count))
	{
		failed(t);
		return false;
	}
	for (i = 0; i < t->count; i++)
	{	/* room is made: this cannot fail */
		dpc_tunnels_add(out, t->ikes[i]);
	}
	return true;
}

/**
 * Is a record down for longer than keep seconds?
 */
static inline bool expired(time_t gone, time_t now, uint32_t keep)
{
	return gone && now - gone > (time_t)keep;
}

/**
 * Forget where a CHILD_SA of an IKE_SA is.
 */
static void unindex_child(dpc_table_t *t, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child)
{
	uint32_t ike_id;

	if (dpc_idmap_get(&t->by_child, child->unique_id, &ike_id) &&
		ike_id == ike->unique_id)
	{
		dpc_idmap_remove(&t->by_child, child->unique_id);
	}
}

/**
 * Drop a record and its CHILD_SAs from the indices.
 */
static void drop_ike(dpc_table_t *t, dpc_ike_rec_t *ike)
{
	int j;

	for (j = 0; j < ike->n_children; j++)
	{
		unindex_child(t, ike, ike->children[j]);
	}
	dpc_idmap_remove(&t->by_ike, ike->unique_id);
	t->records -= 1 + ike->n_children;
	dpc_ike_rec_put(ike);
}

/**
 * Drop the expired CHILD_SAs of the record at index i, in one pass.
 */
static void expire_children(dpc_table_t *t, int i, time_t now, uint32_t keep)
{
	dpc_ike_rec_t *ike = t->ikes[i];
	int j, w = 0;

	for (j = 0; j < ike->n_children; j++)
	{
		if (expired(ike->children[j]->gone, now, keep))
		{
			break;
		}
	}
	if (j == ike->n_children || !(ike = own_ike(t, i)))
	{	/* nothing to do, or no memory: try again next time */
		return;
	}
	for (j = 0; j < ike->n_children; j++)
	{
		if (expired(ike->children[j]->gone, now, keep))
		{
			unindex_child(t, ike, ike->children[j]);
			dpc_child_rec_put(ike->children[j]);
			t->records--;
			continue;
		}
		ike->children[w++] = ike->children[j];
	}
	ike->n_children = w;
}

void dpc_table_expire(dpc_table_t *t, time_t now, uint32_t keep)
{
	dpc_ike_rec_t *ike;
	uint32_t i, w = 0;

	dpc_natt_attempts_expire(&t->natt, now, keep);
	for (i = 0; i < t->count; i++)
	{
		ike = t->ikes[i];
		if (ike->state != DPC_STATE_UP && expired(ike->gone, now, keep))
		{	/* with whatever CHILD_SAs are left */
			drop_ike(t, ike);
			continue;
		}
		expire_children(t, i, now, keep);
		if (w != i)
		{
			t->ikes[w] = t->ikes[i];
			/* the key exists: replacing its value does not allocate */
			dpc_idmap_put(&t->by_ike, t->ikes[w]->unique_id, w);
		}
		w++;
	}
	t->count = w;
	dpc_half_open_expire(&t->half_open, now, t->half_open_timeout);
	/* well below the limit again: a new refusal is worth a new line */
	if (t->records <= t->max_records - t->max_records / 10)
	{
		t->full = false;
	}
}

bool dpc_table_is_alive(dpc_table_t *t, const dpc_subject_t *subject)
{
	const dpc_child_rec_t *child;
	int i;

	if (!subject->ike_id)
	{
		return true;
	}
	if (subject->child_id)
	{
		child = peek_child(t, subject->child_id);
		return child && child->state == DPC_STATE_UP;
	}
	i = ike_index(t, subject->ike_id);
	return i >= 0 && t->ikes[i]->state == DPC_STATE_UP;
}

void dpc_table_get_stats(dpc_table_t *t, dpc_table_stats_t *stats)
{
	*stats = (dpc_table_stats_t){
		.records = t->records,
		.max_records = t->max_records,
		.half_open = dpc_half_open_count(&t->half_open),
		.refused = t->refused,
		.failed = t->failed,
		.full = t->full,
	};
}
