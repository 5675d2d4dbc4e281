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

#include <threading/mutex.h>

/** traffic samples stored under one hold of the lock */
#define SAMPLES_PER_LOCK 64

/** seconds between two lines about lost changes (out of memory) */
#define FAILED_LOG_INTERVAL 60

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
	 * The records
	 */
	dpc_table_t *table;

	/**
	 * Protects table and the fields below; never held while logging
	 */
	mutex_t *mutex;

	/**
	 * Reaching the limit was logged and the table is still full
	 */
	bool full_logged;

	/**
	 * Lost changes already logged
	 */
	uint64_t failed_logged;

	/**
	 * Monotonic time of the last line about lost changes
	 */
	time_t failed_time;
};

/**
 * What to log after unlocking.
 */
typedef struct {
	/** the limit was reached, with this many records */
	uint32_t full;
	/** changes lost since the last line */
	uint64_t failed;
} news_t;

static inline void lock(private_dpc_registry_t *this)
{
	this->mutex->lock(this->mutex);
}

/**
 * Unlock, then log what changed: once when the limit is reached (again
 * after the table got well below it), and lost changes at most once a
 * minute.
 */
static void unlock(private_dpc_registry_t *this)
{
	dpc_table_stats_t stats;
	news_t news = {};
	time_t now;

	dpc_table_get_stats(this->table, &stats);
	if (stats.full && !this->full_logged)
	{
		news.full = stats.max_records;
	}
	this->full_logged = stats.full;
	if (stats.failed != this->failed_logged)
	{
		now = time_monotonic(NULL);
		if (!this->failed_time ||
			now - this->failed_time >= FAILED_LOG_INTERVAL)
		{
			news.failed = stats.failed - this->failed_logged;
			this->failed_logged = stats.failed;
			this->failed_time = now;
		}
	}
	this->mutex->unlock(this->mutex);

	if (news.full)
	{
		DBG1(DBG_CFG, "dataplane-check: %u records reached (max_records), "
			 "new IKE_SAs and CHILD_SAs are not tracked until closed ones "
			 "expire", news.full);
	}
	if (news.failed)
	{
		DBG1(DBG_CFG, "dataplane-check: out of memory, %llu changes of SA "
			 "records lost", (unsigned long long)news.failed);
	}
}

METHOD(dpc_registry_t, ike_set, void,
	private_dpc_registry_t *this, const dpc_ike_rec_t *rec)
{
	lock(this);
	dpc_table_ike_set(this->table, rec);
	unlock(this);
}

METHOD(dpc_registry_t, ike_down, void,
	private_dpc_registry_t *this, uint32_t ike_id, time_t now)
{
	lock(this);
	dpc_table_ike_down(this->table, ike_id, now);
	unlock(this);
}

METHOD(dpc_registry_t, ike_rekey, void,
	private_dpc_registry_t *this, uint32_t old_id, const dpc_ike_rec_t *rec,
	time_t now)
{
	lock(this);
	dpc_table_ike_rekey(this->table, old_id, rec, now);
	unlock(this);
}

METHOD(dpc_registry_t, ike_initial, void,
	private_dpc_registry_t *this, uint32_t ike_id, const dpc_addr_t *local,
	const dpc_addr_t *remote)
{
	time_t now = time_monotonic(NULL);

	lock(this);
	dpc_table_ike_init(this->table, ike_id, local, remote, now);
	unlock(this);
}

METHOD(dpc_registry_t, ike_gone, void,
	private_dpc_registry_t *this, uint32_t ike_id)
{
	lock(this);
	dpc_table_ike_gone(this->table, ike_id);
	unlock(this);
}

METHOD(dpc_registry_t, ike_update, void,
	private_dpc_registry_t *this, uint32_t ike_id, const dpc_addr_t *local,
	const dpc_addr_t *remote, time_t now)
{
	lock(this);
	dpc_table_ike_update(this->table, ike_id, local, remote, now);
	unlock(this);
}

METHOD(dpc_registry_t, ike_retransmit, void,
	private_dpc_registry_t *this, uint32_t ike_id, const char *name,
	const dpc_addr_t *local, const dpc_addr_t *remote, uint32_t retransmits,
	bool timed_out)
{
	time_t now = time_monotonic(NULL);

	lock(this);
	dpc_table_ike_retransmit(this->table, ike_id, name, local, remote,
							 retransmits, timed_out, now);
	unlock(this);
}

METHOD(dpc_registry_t, child_up, void,
	private_dpc_registry_t *this, uint32_t ike_id, dpc_child_rec_t *rec)
{
	time_t now = time_monotonic(NULL);

	lock(this);
	dpc_table_child_up(this->table, ike_id, rec, now);
	unlock(this);
}

METHOD(dpc_registry_t, child_down, void,
	private_dpc_registry_t *this, uint32_t ike_id, uint32_t child_id,
	time_t now)
{
	lock(this);
	dpc_table_child_down(this->table, child_id, now);
	unlock(this);
}

METHOD(dpc_registry_t, child_rekey, void,
	private_dpc_registry_t *this, uint32_t ike_id, uint32_t old_id,
	dpc_child_rec_t *rec, time_t now)
{
	lock(this);
	dpc_table_child_rekey(this->table, ike_id, old_id, rec, now);
	unlock(this);
}

METHOD(dpc_registry_t, add_alert, void,
	private_dpc_registry_t *this, uint32_t ike_id, const char *ike_name,
	const dpc_alert_t *alert, bool authenticated)
{
	time_t now = time_monotonic(NULL);

	lock(this);
	dpc_table_add_alert(this->table, ike_id, ike_name, alert, authenticated,
						now);
	unlock(this);
}

METHOD(dpc_registry_t, mark_narrowed, void,
	private_dpc_registry_t *this, uint32_t child_id)
{
	lock(this);
	dpc_table_mark_narrowed(this->table, child_id);
	unlock(this);
}

METHOD(dpc_registry_t, add_samples, void,
	private_dpc_registry_t *this, const dpc_child_sample_t *s, int count,
	uint32_t window)
{
	int i, n;

	/* in slices: while a report holds a snapshot, each change copies a
	 * record, and hooks should not wait for all of them */
	for (i = 0; i < count; i += n)
	{
		n = min(count - i, SAMPLES_PER_LOCK);
		lock(this);
		dpc_table_add_samples(this->table, s + i, n, window);
		unlock(this);
	}
}

METHOD(dpc_registry_t, set_mss, void,
	private_dpc_registry_t *this, uint32_t child_id, const char *mss)
{
	lock(this);
	dpc_table_set_mss(this->table, child_id, mss);
	unlock(this);
}

METHOD(dpc_registry_t, snapshot, bool,
	private_dpc_registry_t *this, dpc_tunnels_t *out)
{
	bool ok;

	lock(this);
	ok = dpc_table_snapshot(this->table, out);
	unlock(this);
	return ok;
}

METHOD(dpc_registry_t, expire, void,
	private_dpc_registry_t *this, time_t now, uint32_t keep)
{
	lock(this);
	dpc_table_expire(this->table, now, keep);
	unlock(this);
}

METHOD(dpc_registry_t, is_alive, bool,
	private_dpc_registry_t *this, const dpc_subject_t *subject)
{
	bool alive;

	lock(this);
	alive = dpc_table_is_alive(this->table, subject);
	unlock(this);
	return alive;
}

METHOD(dpc_registry_t, get_stats, void,
	private_dpc_registry_t *this, dpc_table_stats_t *stats)
{
	lock(this);
	dpc_table_get_stats(this->table, stats);
	unlock(this);
}

METHOD(dpc_registry_t, set_settings, void,
	private_dpc_registry_t *this, const dpc_settings_t *settings)
{
	lock(this);
	dpc_table_set_limits(this->table, settings->max_records,
						 settings->half_open_timeout);
	unlock(this);
}

METHOD(dpc_registry_t, destroy, void,
	private_dpc_registry_t *this)
{
	dpc_table_destroy(this->table);
	dpc_rec_release(true);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
dpc_registry_t *dpc_registry_create(const dpc_settings_t *settings)
{
	private_dpc_registry_t *this;
	dpc_table_t *table;

	table = dpc_table_create(settings->max_records,
							 settings->half_open_timeout);
	if (!table)
	{
		return NULL;
	}
	/* checked, unlike INIT() */
	this = malloc(sizeof(*this));
	if (!this)
	{
		dpc_table_destroy(table);
		return NULL;
	}
	*this = (private_dpc_registry_t){
		.public = {
			.ike_set = _ike_set,
			.ike_down = _ike_down,
			.ike_rekey = _ike_rekey,
			.ike_initial = _ike_initial,
			.ike_gone = _ike_gone,
			.ike_update = _ike_update,
			.ike_retransmit = _ike_retransmit,
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
			.get_stats = _get_stats,
			.set_settings = _set_settings,
			.destroy = _destroy,
		},
		.table = table,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	};
	return &this->public;
}
