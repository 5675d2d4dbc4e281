/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_registry.h"

#include <collections/hashtable.h>
#include <collections/array.h>
#include <threading/mutex.h>

#include <string.h>

/** CHILD_SA ids the narrow hook marked before they were installed */
#define MAX_PENDING_NARROW 32

typedef struct private_dpc_registry_t private_dpc_registry_t;

/**
 * Private data.
 */
struct private_dpc_registry_t {

	/**
	 * Public interface.
	 */
	dpc_registry_t public;

	/**
	 * dpc_ike_rec_t*, in order of appearance
	 */
	array_t *ikes;

	/**
	 * IKE_SA unique id -> dpc_ike_rec_t*
	 */
	hashtable_t *by_ike;

	/**
	 * CHILD_SA unique id -> IKE_SA unique id
	 */
	hashtable_t *by_child;

	/**
	 * CHILD_SA ids marked narrowed, not yet installed
	 */
	uint32_t pending_narrow[MAX_PENDING_NARROW];

	/**
	 * Next slot in pending_narrow (ring)
	 */
	int next_narrow;

	/**
	 * Protects everything
	 */
	mutex_t *mutex;
};

#define KEY(id) ((void*)(uintptr_t)(id))

static dpc_ike_rec_t *find_ike(private_dpc_registry_t *this, uint32_t id)
{
	return this->by_ike->get(this->by_ike, KEY(id));
}

/**
 * Get an IKE_SA record, creating an empty one if unknown.
 */
static dpc_ike_rec_t *get_ike(private_dpc_registry_t *this, uint32_t id)
{
	dpc_ike_rec_t *ike;

	ike = find_ike(this, id);
	if (!ike)
	{
		ike = malloc(sizeof(*ike));
		dpc_ike_rec_init(ike);
		ike->unique_id = id;
		/* a stub until the IKE_SA is up; expires if it never comes up */
		ike->state = DPC_STATE_DOWN;
		ike->gone = time_monotonic(NULL);
		array_insert(this->ikes, ARRAY_TAIL, ike);
		this->by_ike->put(this->by_ike, KEY(id), ike);
	}
	return ike;
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

METHOD(dpc_registry_t, ike_set, void,
	private_dpc_registry_t *this, const dpc_ike_rec_t *rec)
{
	this->mutex->lock(this->mutex);
	update_ike(get_ike(this, rec->unique_id), rec);
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, ike_down, void,
	private_dpc_registry_t *this, uint32_t ike_id, time_t now)
{
	dpc_ike_rec_t *ike;
	int i;

	this->mutex->lock(this->mutex);
	ike = find_ike(this, ike_id);
	if (ike && ike->state != DPC_STATE_DOWN)
	{
		ike->state = DPC_STATE_DOWN;
		ike->gone = now;
		for (i = 0; i < ike->n_children; i++)
		{
			if (!ike->children[i].gone)
			{
				ike->children[i].state = DPC_STATE_DOWN;
				ike->children[i].gone = now;
			}
		}
	}
	this->mutex->unlock(this->mutex);
}

/**
 * Move a CHILD_SA record from one IKE_SA record to another.
 */
static void move_child(private_dpc_registry_t *this, dpc_ike_rec_t *from,
					   int i, dpc_ike_rec_t *to)
{
	dpc_child_rec_t *child;

	child = dpc_ike_rec_add_child(to);
	if (!child)
	{
		return;
	}
	*child = from->children[i];
	/* the lists now belong to the copy, don't free them with the source */
	dpc_child_rec_init(&from->children[i]);
	dpc_ike_rec_remove_child(from, i);
	this->by_child->put(this->by_child, KEY(child->unique_id),
						KEY(to->unique_id));
}

METHOD(dpc_registry_t, ike_rekey, void,
	private_dpc_registry_t *this, uint32_t old_id, const dpc_ike_rec_t *rec,
	time_t now)
{
	dpc_ike_rec_t *old, *new;
	int i;

	this->mutex->lock(this->mutex);
	new = get_ike(this, rec->unique_id);
	update_ike(new, rec);
	old = find_ike(this, old_id);
	if (old && old != new)
	{
		new->rekeys = old->rekeys + 1;
		new->rekeyed_from = old_id;
		new->updates = old->updates;
		new->last_update = old->last_update;
		if (old->established)
		{
			new->established = old->established;
			new->initial_local = old->initial_local;
			new->initial_remote = old->initial_remote;
		}
		for (i = 0; i < old->n_alerts; i++)
		{
			dpc_ike_rec_add_alert(new, &old->alerts[i]);
		}
		/* IKEv2 rekeying moves the CHILD_SAs without child events */
		while (old->n_children)
		{
			move_child(this, old, 0, new);
		}
		old->state = DPC_STATE_REKEYED;
		old->gone = now;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, ike_initial, void,
	private_dpc_registry_t *this, uint32_t ike_id, const dpc_addr_t *local,
	const dpc_addr_t *remote)
{
	dpc_ike_rec_t *ike;

	this->mutex->lock(this->mutex);
	ike = get_ike(this, ike_id);
	if (!ike->initial_local.family)
	{
		ike->initial_local = *local;
		ike->initial_remote = *remote;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, ike_update, void,
	private_dpc_registry_t *this, uint32_t ike_id, const dpc_addr_t *local,
	const dpc_addr_t *remote, time_t now)
{
	dpc_ike_rec_t *ike;

	this->mutex->lock(this->mutex);
	ike = find_ike(this, ike_id);
	if (ike)
	{
		ike->local = *local;
		ike->remote = *remote;
		ike->updates++;
		ike->last_update = now;
	}
	this->mutex->unlock(this->mutex);
}

/**
 * Consume a pending narrow mark of a CHILD_SA.
 */
static bool take_narrowed(private_dpc_registry_t *this, uint32_t child_id)
{
	int i;

	for (i = 0; i < MAX_PENDING_NARROW; i++)
	{
		if (this->pending_narrow[i] == child_id)
		{
			this->pending_narrow[i] = 0;
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Add a CHILD_SA record (replacing one with the same id).
 */
static dpc_child_rec_t *insert_child(private_dpc_registry_t *this,
									 dpc_ike_rec_t *ike, dpc_child_rec_t *rec)
{
	dpc_child_rec_t *child;

	child = dpc_ike_rec_find_child(ike, rec->unique_id);
	if (child)
	{
		dpc_child_rec_clear(child);
	}
	else
	{
		child = dpc_ike_rec_add_child(ike);
		if (!child)
		{
			dpc_child_rec_clear(rec);
			return NULL;
		}
	}
	*child = *rec;
	dpc_child_rec_init(rec);
	child->narrowed |= take_narrowed(this, child->unique_id);
	this->by_child->put(this->by_child, KEY(child->unique_id),
						KEY(ike->unique_id));
	return child;
}

METHOD(dpc_registry_t, child_up, void,
	private_dpc_registry_t *this, uint32_t ike_id, dpc_child_rec_t *rec)
{
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;

	this->mutex->lock(this->mutex);
	ike = get_ike(this, ike_id);
	child = insert_child(this, ike, rec);
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
	this->mutex->unlock(this->mutex);
}

/**
 * Find a CHILD_SA record by id, with its IKE_SA.
 */
static dpc_child_rec_t *find_child(private_dpc_registry_t *this,
								   uint32_t child_id, dpc_ike_rec_t **ike_out)
{
	dpc_ike_rec_t *ike;
	void *ike_id;

	ike_id = this->by_child->get(this->by_child, KEY(child_id));
	if (!ike_id)
	{
		return NULL;
	}
	ike = find_ike(this, (uintptr_t)ike_id);
	if (!ike)
	{
		return NULL;
	}
	if (ike_out)
	{
		*ike_out = ike;
	}
	return dpc_ike_rec_find_child(ike, child_id);
}

METHOD(dpc_registry_t, child_down, void,
	private_dpc_registry_t *this, uint32_t ike_id, uint32_t child_id,
	time_t now)
{
	dpc_child_rec_t *child;

	this->mutex->lock(this->mutex);
	child = find_child(this, child_id, NULL);
	if (child && child->state == DPC_STATE_UP)
	{
		child->state = DPC_STATE_DOWN;
		child->gone = now;
	}
	else if (child && !child->gone)
	{
		child->gone = now;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, child_rekey, void,
	private_dpc_registry_t *this, uint32_t ike_id, uint32_t old_id,
	dpc_child_rec_t *rec, time_t now)
{
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *old, *new;
	uint32_t new_id = rec->unique_id;

	this->mutex->lock(this->mutex);
	ike = get_ike(this, ike_id);
	new = insert_child(this, ike, rec);
	old = find_child(this, old_id, NULL);
	if (new && old)
	{
		new->rekeyed_from = old_id;
		if (old->n_samples)
		{
			new->pred_total = old->samples[old->n_samples - 1];
			new->has_pred = TRUE;
		}
		/* keep the predecessor's history: traffic-stopped-after-rekey
		 * compares against it */
		new->n_pred_samples = min(old->n_samples, DPC_MAX_PRED_SAMPLES);
		memcpy(new->pred_samples,
			   &old->samples[old->n_samples - new->n_pred_samples],
			   new->n_pred_samples * sizeof(dpc_sample_t));
		old->rekeyed_to = new_id;
		old->state = DPC_STATE_REKEYED;
		old->gone = now;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, add_alert, void,
	private_dpc_registry_t *this, uint32_t ike_id, const char *ike_name,
	const dpc_alert_t *alert)
{
	dpc_ike_rec_t *ike;

	this->mutex->lock(this->mutex);
	ike = get_ike(this, ike_id);
	if (!ike->name[0] && ike_name)
	{
		snprintf(ike->name, sizeof(ike->name), "%s", ike_name);
	}
	dpc_ike_rec_add_alert(ike, alert);
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, mark_narrowed, void,
	private_dpc_registry_t *this, uint32_t child_id)
{
	dpc_child_rec_t *child;

	this->mutex->lock(this->mutex);
	child = find_child(this, child_id, NULL);
	if (child)
	{
		child->narrowed = TRUE;
	}
	else
	{
		this->pending_narrow[this->next_narrow] = child_id;
		this->next_narrow = (this->next_narrow + 1) % MAX_PENDING_NARROW;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, add_samples, void,
	private_dpc_registry_t *this, const dpc_child_sample_t *s, int count)
{
	dpc_child_rec_t *child;
	int i;

	this->mutex->lock(this->mutex);
	for (i = 0; i < count; i++)
	{
		child = find_child(this, s[i].child_id, NULL);
		if (child && child->state == DPC_STATE_UP)
		{
			dpc_child_rec_add_sample(child, &s[i].sample);
		}
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, set_mss, void,
	private_dpc_registry_t *this, uint32_t child_id, const char *mss)
{
	dpc_child_rec_t *child;

	this->mutex->lock(this->mutex);
	child = find_child(this, child_id, NULL);
	if (child)
	{
		snprintf(child->mss_clamp, sizeof(child->mss_clamp), "%s", mss);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, snapshot, bool,
	private_dpc_registry_t *this, dpc_tunnels_t *out)
{
	enumerator_t *enumerator;
	dpc_ike_rec_t *ike;
	bool ok = TRUE;

	this->mutex->lock(this->mutex);
	enumerator = array_create_enumerator(this->ikes);
	while (ok && enumerator->enumerate(enumerator, &ike))
	{
		ok = dpc_tunnels_add_copy(out, ike);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return ok;
}

/**
 * Is a record down for longer than keep seconds?
 */
static inline bool expired(time_t gone, time_t now, uint32_t keep)
{
	return gone && now - gone > (time_t)keep;
}

METHOD(dpc_registry_t, expire, void,
	private_dpc_registry_t *this, time_t now, uint32_t keep)
{
	dpc_ike_rec_t *ike;
	int i, j;

	this->mutex->lock(this->mutex);
	for (i = array_count(this->ikes) - 1; i >= 0; i--)
	{
		array_get(this->ikes, i, &ike);
		for (j = ike->n_children - 1; j >= 0; j--)
		{
			if (expired(ike->children[j].gone, now, keep) ||
				(ike->state == DPC_STATE_DOWN && expired(ike->gone, now, keep)))
			{
				this->by_child->remove(this->by_child,
									   KEY(ike->children[j].unique_id));
				dpc_ike_rec_remove_child(ike, j);
			}
		}
		if (ike->state != DPC_STATE_UP && expired(ike->gone, now, keep) &&
			!ike->n_children)
		{
			this->by_ike->remove(this->by_ike, KEY(ike->unique_id));
			array_remove(this->ikes, i, NULL);
			dpc_ike_rec_clear(ike);
			free(ike);
		}
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, is_alive, bool,
	private_dpc_registry_t *this, const dpc_subject_t *subject)
{
	dpc_ike_rec_t *ike = NULL;
	dpc_child_rec_t *child;
	bool alive = FALSE;

	if (!subject->ike_id)
	{
		return TRUE;
	}
	this->mutex->lock(this->mutex);
	if (subject->child_id)
	{
		child = find_child(this, subject->child_id, &ike);
		alive = child && child->state == DPC_STATE_UP;
	}
	else
	{
		ike = find_ike(this, subject->ike_id);
		alive = ike && ike->state == DPC_STATE_UP;
	}
	this->mutex->unlock(this->mutex);
	return alive;
}

METHOD(dpc_registry_t, count, void,
	private_dpc_registry_t *this, int *ikes, int *children)
{
	enumerator_t *enumerator;
	dpc_ike_rec_t *ike;
	int i;

	*ikes = *children = 0;
	this->mutex->lock(this->mutex);
	enumerator = array_create_enumerator(this->ikes);
	while (enumerator->enumerate(enumerator, &ike))
	{
		if (ike->state != DPC_STATE_UP)
		{
			continue;
		}
		(*ikes)++;
		for (i = 0; i < ike->n_children; i++)
		{
			if (ike->children[i].state == DPC_STATE_UP)
			{
				(*children)++;
			}
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_registry_t, destroy, void,
	private_dpc_registry_t *this)
{
	dpc_ike_rec_t *ike;

	while (array_remove(this->ikes, ARRAY_TAIL, &ike))
	{
		dpc_ike_rec_clear(ike);
		free(ike);
	}
	array_destroy(this->ikes);
	this->by_ike->destroy(this->by_ike);
	this->by_child->destroy(this->by_child);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
dpc_registry_t *dpc_registry_create()
{
	private_dpc_registry_t *this;

	INIT(this,
		.public = {
			.ike_set = _ike_set,
			.ike_down = _ike_down,
			.ike_rekey = _ike_rekey,
			.ike_initial = _ike_initial,
			.ike_update = _ike_update,
			.child_up = _child_up,
			.child_down = _child_down,
			.child_rekey = _child_rekey,
			.add_alert = _add_alert,
			.mark_narrowed = _mark_narrowed,
			.add_samples = _add_samples,
			.set_mss = _set_mss,
			.snapshot = _snapshot,
			.expire = _expire,
			.is_alive = _is_alive,
			.count = _count,
			.destroy = _destroy,
		},
		.ikes = array_create(0, 8),
		.by_ike = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
		.by_child = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									 32),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
