/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_round_scope.h"
#include "facts/kernel/dpc_kernel_facts.h"
#include "model/dpc_bulk.h"

#include <threading/mutex.h>

#include <stdio.h>
#include <string.h>

/** most sysctls compared between rounds; with more, a round triggered by a
 *  kernel change checks every tunnel */
#define MAX_SYSCTLS 512

/** longest sysctl path compared */
#define SYSCTL_PATH_LEN 128

/**
 * A sysctl a round read, to see whether it changed by the next one (no
 * notification tells).
 */
typedef struct {
	/** path below /proc/sys */
	char path[SYSCTL_PATH_LEN];
	/** its value */
	int value;
	/** it was readable */
	bool ok;
} sysctl_memo_t;

typedef struct private_dpc_round_scope_t private_dpc_round_scope_t;

/**
 * Private data.
 */
struct private_dpc_round_scope_t {

	/**
	 * Public interface.
	 */
	dpc_round_scope_t public;

	/**
	 * The records
	 */
	dpc_registry_t *registry;

	/**
	 * The rounds' ruleset cache
	 */
	dpc_nf_cache_t *nf;

	/**
	 * Protects pending_changes and stats; a leaf: taken by record() and
	 * changed() under the round's lock
	 */
	mutex_t *mutex;

	/**
	 * Kernel changes waiting for the next round (under mutex)
	 */
	dpc_pending_t *pending_changes;

	/**
	 * The other list, swapped in when a round takes the changes (used by
	 * the running round only)
	 */
	dpc_pending_t *taken_changes;

	/**
	 * Counters of changes and rounds (under mutex)
	 */
	dpc_change_stats_t stats;

	/**
	 * Rule and route dumps kept for incremental rounds (owned)
	 */
	dpc_rtnl_dumps_t tables_kept;

	/**
	 * The sysctls the last complete round read (running round only)
	 */
	sysctl_memo_t *sysctls;

	/**
	 * Number of entries in sysctls
	 */
	size_t n_sysctls;

	/**
	 * sysctls holds all that the last complete round read
	 */
	bool sysctls_valid;
};

METHOD(dpc_round_scope_t, record, void,
	private_dpc_round_scope_t *this, uint32_t ike_id)
{
	this->mutex->lock(this->mutex);
	dpc_pending_record(this->pending_changes, ike_id);
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_scope_t, changed, void,
	private_dpc_round_scope_t *this, const dpc_change_t *change)
{
	this->mutex->lock(this->mutex);
	if ((unsigned)change->kind < DPC_CHANGE_KINDS)
	{
		this->stats.changes[change->kind]++;
	}
	dpc_pending_add(this->pending_changes, change);
	this->mutex->unlock(this->mutex);
}

/**
 * Did a sysctl the last complete round read change since? Reads them again
 * (a few small files: no notification tells).
 */
static bool sysctls_changed(private_dpc_round_scope_t *this,
							dpc_facts_t *facts)
{
	sysctl_memo_t *m;
	int value;
	size_t i;

	if (!this->sysctls_valid)
	{
		return TRUE;
	}
	for (i = 0; i < this->n_sysctls; i++)
	{
		m = &this->sysctls[i];
		value = 0;
		if (facts->sysctl(facts, m->path, &value) != m->ok ||
			(m->ok && value != m->value))
		{
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(dpc_round_scope_t, remember_sysctls, void,
	private_dpc_round_scope_t *this, dpc_facts_t *facts)
{
	const char *path;
	int value;
	bool ok;
	size_t i;

	this->sysctls_valid = this->sysctls != NULL;
	for (i = 0; dpc_kernel_facts_sysctl_at(facts, i, &path, &value, &ok);
		 i++)
	{
		if (!this->sysctls || i >= MAX_SYSCTLS ||
			strlen(path) >= SYSCTL_PATH_LEN)
		{
			this->sysctls_valid = FALSE;
			break;
		}
		snprintf(this->sysctls[i].path, SYSCTL_PATH_LEN, "%s", path);
		this->sysctls[i].value = value;
		this->sysctls[i].ok = ok;
	}
	this->n_sysctls = this->sysctls_valid ? i : 0;
}

/**
 * Take the kernel changes that wait (the caller is the running round).
 */
static dpc_pending_t *take_changes(private_dpc_round_scope_t *this)
{
	dpc_pending_t *taken;

	this->mutex->lock(this->mutex);
	taken = this->pending_changes;
	this->pending_changes = this->taken_changes;
	dpc_pending_reset(this->pending_changes);
	this->taken_changes = taken;
	this->mutex->unlock(this->mutex);
	return taken;
}

METHOD(dpc_round_scope_t, drop_changes, void,
	private_dpc_round_scope_t *this)
{
	take_changes(this);
}

/**
 * Did the kernel announce a change of what the rule and route dumps hold
 * (or may notifications have been lost)?
 */
static bool tables_changed(const dpc_pending_t *changes)
{
	size_t i;

	for (i = 0; i < changes->count; i++)
	{
		switch (changes->changes[i].kind)
		{
			case DPC_CHANGE_ROUTE:
			case DPC_CHANGE_RULE:
			case DPC_CHANGE_ADDR:
			case DPC_CHANGE_LINK:
			case DPC_CHANGE_OVERRUN:
				return TRUE;
			default:
				break;
		}
	}
	return FALSE;
}

/**
 * Work out the tunnels a round checks: every one in a full round, after a
 * change of a record (or of notifications lost), of the netfilter ruleset
 * (iptables-legacy has no notification: its signature is compared) or of
 * a sysctl; else those the kernel changes concern. The rule and route
 * dumps of the last round are used again only by a round that checks some
 * tunnels while the kernel is watched and announced no change of them.
 */
METHOD(dpc_round_scope_t, find_dirty, void,
	private_dpc_round_scope_t *this, dpc_facts_t *facts,
	const dpc_tunnels_t *tunnels, bool full, uint64_t nf_generation,
	dpc_dirty_t *dirty)
{
	dpc_pending_t *changes;
	uint64_t unmatched = 0;
	bool watching;

	changes = take_changes(this);
	if (!full && !changes->all)
	{
		facts->get_ruleset(facts);
		full = this->nf->get_generation(this->nf) != nf_generation ||
			   sysctls_changed(this, facts);
	}
	dpc_dirty_build(dirty, changes, tunnels, full, &unmatched);

	this->mutex->lock(this->mutex);
	this->stats.changes_unmatched += unmatched;
	watching = this->stats.watching;
	this->mutex->unlock(this->mutex);

	if (dirty->all || !watching || tables_changed(changes))
	{
		this->tables_kept.rt[0].valid = FALSE;
		this->tables_kept.rt[1].valid = FALSE;
	}
	dpc_kernel_facts_keep_tables(facts, &this->tables_kept);
}

METHOD(dpc_round_scope_t, count_round, void,
	private_dpc_round_scope_t *this, const dpc_dirty_t *dirty)
{
	this->mutex->lock(this->mutex);
	if (dirty->all)
	{
		this->stats.rounds_full++;
	}
	else
	{
		this->stats.rounds_incremental++;
	}
	this->stats.rechecked_last = dirty->dirty;
	this->stats.tunnels_last = dirty->count;
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_scope_t, in_scope, bool,
	private_dpc_round_scope_t *this, const dpc_dirty_t *dirty,
	const dpc_subject_t *subject)
{
	return !dirty || dpc_dirty_in_scope(dirty, subject) ||
		   !this->registry->is_alive(this->registry, subject);
}

METHOD(dpc_round_scope_t, get_stats, void,
	private_dpc_round_scope_t *this, dpc_change_stats_t *stats)
{
	this->mutex->lock(this->mutex);
	*stats = this->stats;
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_scope_t, set_watching, void,
	private_dpc_round_scope_t *this, bool watching)
{
	this->mutex->lock(this->mutex);
	this->stats.watching = watching;
	this->mutex->unlock(this->mutex);
}

/*
 * Described in header
 */
void dpc_round_scope_view(const dpc_tunnels_t *tunnels,
						  const dpc_dirty_t *dirty, dpc_tunnels_t *sub)
{
	int i;

	*sub = *tunnels;
	if (dirty->all || !dirty->flags)
	{
		sub->ikes = NULL;
		return;
	}
	sub->ikes = dpc_bulk_calloc(dirty->dirty + 1, sizeof(sub->ikes[0]));
	sub->count = 0;
	for (i = 0; sub->ikes && i < tunnels->count; i++)
	{
		if (dirty->flags[i])
		{
			sub->ikes[sub->count++] = tunnels->ikes[i];
		}
	}
	if (!sub->ikes)
	{	/* out of memory: paths of all (more work, same verdicts) */
		*sub = *tunnels;
		sub->ikes = NULL;
	}
}

METHOD(dpc_round_scope_t, destroy, void,
	private_dpc_round_scope_t *this)
{
	free(this->pending_changes);
	free(this->taken_changes);
	dpc_rtnl_dumps_clear(&this->tables_kept);
	free(this->sysctls);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
dpc_round_scope_t *dpc_round_scope_create(dpc_registry_t *registry,
										  dpc_nf_cache_t *nf)
{
	private_dpc_round_scope_t *this;

	INIT(this,
		.public = {
			.record = _record,
			.changed = _changed,
			.find_dirty = _find_dirty,
			.drop_changes = _drop_changes,
			.remember_sysctls = _remember_sysctls,
			.count_round = _count_round,
			.in_scope = _in_scope,
			.get_stats = _get_stats,
			.set_watching = _set_watching,
			.destroy = _destroy,
		},
		.registry = registry,
		.nf = nf,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		/* from malloc, not zeroed: a queue's pages become resident as far
		 * as changes fill it */
		.pending_changes = malloc(sizeof(dpc_pending_t)),
		.taken_changes = malloc(sizeof(dpc_pending_t)),
		.sysctls = malloc(MAX_SYSCTLS * sizeof(sysctl_memo_t)),
	);
	if (!this->pending_changes || !this->taken_changes)
	{
		destroy(this);
		return NULL;
	}
	dpc_pending_reset(this->pending_changes);
	dpc_pending_reset(this->taken_changes);
	return &this->public;
}
