/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#define _GNU_SOURCE
#include "dpc_round.h"
#include "dpc_log.h"
#include "dpc_metrics.h"
#include "checks/dpc_check.h"
#include "checks/dpc_check_nf.h"
#include "facts/dpc_kernel_facts.h"

#include <daemon.h>
#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>

#include <errno.h>
#include <string.h>

typedef struct private_dpc_round_t private_dpc_round_t;

/**
 * Private data.
 */
struct private_dpc_round_t {

	/**
	 * Public interface.
	 */
	dpc_round_t public;

	/**
	 * The records
	 */
	dpc_registry_t *registry;

	/**
	 * Active findings
	 */
	dpc_store_t *store;

	/**
	 * Settings
	 */
	dpc_settings_t settings;

	/**
	 * Data plane, detected once
	 */
	dpc_dataplane_t dataplane;

	/**
	 * TRUE once dataplane is known
	 */
	bool detected;

	/**
	 * Wall clock time of the last completed round
	 */
	time_t last;

	/**
	 * A triggered round is scheduled
	 */
	bool pending;

	/**
	 * Periodic rounds are scheduled
	 */
	bool started;

	/**
	 * Generation of the periodic schedule
	 */
	u_int periodic_generation;

	/**
	 * Receiver of finding events
	 */
	dpc_round_event_cb_t event_cb;

	/**
	 * Its context
	 */
	void *event_ctx;

	/**
	 * Protects settings, flags, store and event_cb (never held while
	 * checking out IKE_SAs)
	 */
	mutex_t *mutex;

	/**
	 * Serializes rounds
	 */
	mutex_t *running;

	/**
	 * Reported once: the kernel facts are unavailable
	 */
	bool facts_failed;

	/**
	 * errno of the last failed metrics write, 0 after a successful one
	 */
	int metrics_errno;

	/**
	 * The netfilter ruleset, kept between rounds
	 */
	dpc_nf_cache_t *nf;

	/**
	 * Generation of the ruleset the MSS clamps were found in
	 */
	uint64_t nf_generation;

	/**
	 * The last netfilter read error logged
	 */
	char nf_error[128];
};

/**
 * Find out how ESP is handled: kernel-libipsec registers the TUN device and
 * handles ESP itself, otherwise the kernel's XFRM does.
 */
static void detect_dataplane(private_dpc_round_t *this)
{
	enumerator_t *enumerator;
	plugin_t *plugin;

	if (this->detected)
	{
		return;
	}
	this->dataplane = DPC_DATAPLANE_XFRM;
	enumerator = lib->plugins->create_plugin_enumerator(lib->plugins);
	while (enumerator->enumerate(enumerator, &plugin, NULL))
	{
		if (streq(plugin->get_name(plugin), "kernel-libipsec"))
		{
			this->dataplane = DPC_DATAPLANE_LIBIPSEC;
		}
	}
	enumerator->destroy(enumerator);
	this->detected = TRUE;
}

/**
 * Read the traffic counters of every installed CHILD_SA.
 *
 * Uses the IKE_SA manager's enumerator without waiting (busy IKE_SAs are
 * skipped for this round), as vici's list-sas does; no lock of ours is held.
 *
 * @param count		number of samples returned
 * @return			allocated samples
 */
static dpc_child_sample_t *sample_counters(int *count)
{
	enumerator_t *enumerator, *children;
	ike_sa_t *ike_sa;
	child_sa_t *child_sa;
	dpc_child_sample_t *samples = NULL, *s;
	int size = 0;
	time_t now;

	*count = 0;
	now = time_monotonic(NULL);
	enumerator = charon->ike_sa_manager->create_enumerator(
											charon->ike_sa_manager, FALSE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		children = ike_sa->create_child_sa_enumerator(ike_sa);
		while (children->enumerate(children, &child_sa))
		{
			if (child_sa->get_state(child_sa) != CHILD_INSTALLED)
			{
				continue;
			}
			if (*count == size)
			{
				size = size ? size * 2 : 64;
				samples = realloc(samples, size * sizeof(*samples));
			}
			s = &samples[(*count)++];
			memset(s, 0, sizeof(*s));
			s->child_id = child_sa->get_unique_id(child_sa);
			s->sample.time = now;
			/* no time argument: that would query every policy as well */
			child_sa->get_usestats(child_sa, TRUE, NULL, &s->sample.bytes_in,
								   &s->sample.packets_in);
			child_sa->get_usestats(child_sa, FALSE, NULL, &s->sample.bytes_out,
								   &s->sample.packets_out);
		}
		children->destroy(children);
	}
	enumerator->destroy(enumerator);
	return samples;
}

/**
 * Write the metrics file from the active findings and the tunnels of this
 * round; a failure is logged once until the file can be written again.
 */
static void write_metrics(private_dpc_round_t *this, const char *path,
						  const dpc_findings_t *active,
						  const dpc_tunnels_t *tunnels, time_t last)
{
	dpc_metrics_round_t round = { .last_round = last };
	size_t len;
	char *text;
	int err;

	text = dpc_metrics_render(active, tunnels, &round, &len);
	err = text ? dpc_metrics_write(path, text, len) : ENOMEM;
	free(text);
	if (err && err != this->metrics_errno)
	{
		DBG1(DBG_CFG, "dataplane-check: cannot write metrics file %s: %s",
			 path, strerror(err));
	}
	this->metrics_errno = err;
}

/**
 * Context for store callbacks.
 */
typedef struct {
	private_dpc_round_t *this;
	dpc_round_event_cb_t cb;
	void *ctx;
} event_ctx_t;

static bool alive_cb(void *ctx, const dpc_subject_t *subject)
{
	event_ctx_t *ev = ctx;

	return ev->this->registry->is_alive(ev->this->registry, subject);
}

static void event_cb(void *ctx, dpc_event_type_t type, const dpc_finding_t *f)
{
	event_ctx_t *ev = ctx;

	dpc_log_event(type, f);
	if (ev->cb)
	{
		ev->cb(ev->ctx, type, f);
	}
}

/**
 * Record which MSS clamp covers each CHILD_SA, for reports (and the MTU
 * check, which needs to know whether large TCP segments are clamped).
 */
static void note_mss(private_dpc_round_t *this, dpc_check_ctx_t *ctx)
{
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	char mss[DPC_ALG_LEN];
	uint64_t generation;
	bool changed;
	int i, j;

	/* the clamp only changes with the ruleset (or a new CHILD_SA) */
	ctx->facts->get_ruleset(ctx->facts);
	generation = this->nf->get_generation(this->nf);
	changed = generation != this->nf_generation;
	this->nf_generation = generation;

	for (i = 0; i < ctx->tunnels->count; i++)
	{
		ike = &ctx->tunnels->ikes[i];
		for (j = 0; ike->state == DPC_STATE_UP && j < ike->n_children; j++)
		{
			child = &ike->children[j];
			if (child->state == DPC_STATE_UP &&
				(changed || !child->mss_clamp[0]) &&
				dpc_check_mss(ctx, ike, child, mss, sizeof(mss)) &&
				strcmp(mss, child->mss_clamp))
			{
				this->registry->set_mss(this->registry, child->unique_id, mss);
			}
		}
	}
}

/**
 * Log what could not be read of the netfilter ruleset, once per change.
 */
static void nf_errors(private_dpc_round_t *this)
{
	const char *error = this->nf->get_error(this->nf);

	if (!streq(error, this->nf_error))
	{
		if (error[0])
		{
			DBG1(DBG_CFG, "dataplane-check: cannot read the netfilter "
				 "ruleset completely (%s): netfilter verdicts may be "
				 "incomplete", error);
		}
		snprintf(this->nf_error, sizeof(this->nf_error), "%s", error);
	}
}

METHOD(dpc_round_t, run, void,
	private_dpc_round_t *this)
{
	dpc_settings_t settings;
	dpc_tunnels_t tunnels;
	dpc_findings_t findings, active;
	dpc_check_ctx_t ctx;
	dpc_facts_t *facts;
	event_ctx_t ev = { .this = this };
	dpc_child_sample_t *samples;
	time_t now, last;
	int count;

	this->running->lock(this->running);

	this->mutex->lock(this->mutex);
	settings = this->settings;
	detect_dataplane(this);
	this->mutex->unlock(this->mutex);

	samples = sample_counters(&count);
	this->registry->add_samples(this->registry, samples, count);
	free(samples);

	now = time_monotonic(NULL);
	this->registry->expire(this->registry, now, settings.keep_closed);

	dpc_tunnels_init(&tunnels);
	dpc_findings_init(&findings);
	dpc_findings_init(&active);
	this->registry->snapshot(this->registry, &tunnels);

	facts = dpc_kernel_facts_create(this->dataplane, NULL, this->nf);
	if (!facts)
	{
		if (!this->facts_failed)
		{
			DBG1(DBG_CFG, "dataplane-check: cannot read kernel state over "
				 "netlink (%s), checks suspended", strerror(errno));
			this->facts_failed = TRUE;
		}
	}
	else
	{
		this->facts_failed = FALSE;
		ctx = (dpc_check_ctx_t){
			.settings = &settings,
			.facts = facts,
			.tunnels = &tunnels,
			.now = now,
			.out = &findings,
		};
		dpc_check_all(&ctx);
		note_mss(this, &ctx);
		nf_errors(this);
		facts->destroy(facts);

		this->mutex->lock(this->mutex);
		ev.cb = this->event_cb;
		ev.ctx = this->event_ctx;
		dpc_store_update(this->store, &findings, now, time(NULL), alive_cb,
						 event_cb, &ev);
		this->last = last = time(NULL);
		if (settings.metrics_file[0])
		{
			dpc_store_get_active(this->store, &active);
		}
		this->mutex->unlock(this->mutex);

		/* rounds are serialized by this->running, so is the writing */
		if (settings.metrics_file[0])
		{
			write_metrics(this, settings.metrics_file, &active, &tunnels,
						  last);
		}
	}

	dpc_findings_clear(&active);
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
	this->running->unlock(this->running);
}

/**
 * One-shot round after the settle delay.
 */
static job_requeue_t triggered_round(private_dpc_round_t *this)
{
	this->mutex->lock(this->mutex);
	this->pending = FALSE;
	this->mutex->unlock(this->mutex);
	run(this);
	return JOB_REQUEUE_NONE;
}

/**
 * Periodic round.
 */
/**
 * Data of the periodic job.
 */
typedef struct {
	/** the round manager */
	private_dpc_round_t *this;
	/** generation of the periodic schedule the job belongs to */
	u_int generation;
} periodic_t;

static job_requeue_t periodic_round(periodic_t *job)
{
	private_dpc_round_t *this = job->this;
	uint32_t interval;
	bool current;

	this->mutex->lock(this->mutex);
	current = job->generation == this->periodic_generation;
	this->mutex->unlock(this->mutex);
	if (!current)
	{	/* replaced after the interval changed */
		return JOB_REQUEUE_NONE;
	}
	run(this);
	this->mutex->lock(this->mutex);
	interval = this->settings.interval;
	this->mutex->unlock(this->mutex);
	return JOB_RESCHEDULE_MS(interval * 1000);
}

/**
 * Schedule the periodic rounds of a new generation (the job of an older one
 * ends when it runs next).
 */
static void schedule_periodic(private_dpc_round_t *this)
{
	periodic_t *job;
	uint32_t interval;

	INIT(job,
		.this = this,
	);
	this->mutex->lock(this->mutex);
	job->generation = ++this->periodic_generation;
	interval = this->settings.interval;
	this->mutex->unlock(this->mutex);

	lib->scheduler->schedule_job_ms(lib->scheduler,
		(job_t*)callback_job_create_with_prio(
						(callback_job_cb_t)periodic_round, job,
						(callback_job_cleanup_t)free, NULL,
						JOB_PRIO_LOW), interval * 1000);
}

METHOD(dpc_round_t, trigger, void,
	private_dpc_round_t *this)
{
	uint32_t settle;
	bool schedule;

	this->mutex->lock(this->mutex);
	schedule = !this->pending;
	this->pending = TRUE;
	settle = this->settings.settle_ms;
	this->mutex->unlock(this->mutex);

	if (schedule)
	{
		lib->scheduler->schedule_job_ms(lib->scheduler,
			(job_t*)callback_job_create_with_prio(
						(callback_job_cb_t)triggered_round, this, NULL, NULL,
						JOB_PRIO_LOW), settle);
	}
}

METHOD(dpc_round_t, start, void,
	private_dpc_round_t *this)
{
	this->mutex->lock(this->mutex);
	if (this->started)
	{
		this->mutex->unlock(this->mutex);
		return;
	}
	this->started = TRUE;
	this->mutex->unlock(this->mutex);

	schedule_periodic(this);
}

METHOD(dpc_round_t, set_settings, void,
	private_dpc_round_t *this, const dpc_settings_t *settings)
{
	bool reschedule;

	this->mutex->lock(this->mutex);
	reschedule = this->started &&
				 this->settings.interval != settings->interval;
	this->settings = *settings;
	this->mutex->unlock(this->mutex);
	if (reschedule)
	{	/* don't wait for the old interval to pass */
		schedule_periodic(this);
	}
}

METHOD(dpc_round_t, get_settings, void,
	private_dpc_round_t *this, dpc_settings_t *settings)
{
	this->mutex->lock(this->mutex);
	*settings = this->settings;
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_t, get_state, void,
	private_dpc_round_t *this, dpc_findings_t *findings,
	dpc_tunnels_t *tunnels, time_t *last)
{
	this->mutex->lock(this->mutex);
	if (findings)
	{
		dpc_store_get_active(this->store, findings);
	}
	if (last)
	{
		*last = this->last;
	}
	this->mutex->unlock(this->mutex);
	if (tunnels)
	{
		this->registry->snapshot(this->registry, tunnels);
	}
}

METHOD(dpc_round_t, get_dataplane, const char*,
	private_dpc_round_t *this)
{
	dpc_dataplane_t dataplane;

	this->mutex->lock(this->mutex);
	detect_dataplane(this);
	dataplane = this->dataplane;
	this->mutex->unlock(this->mutex);
	return dataplane == DPC_DATAPLANE_LIBIPSEC ? "libipsec" : "xfrm";
}

METHOD(dpc_round_t, trace, bool,
	private_dpc_round_t *this, const dpc_trace_query_t *q,
	dpc_trace_result_t *res)
{
	dpc_tunnels_t tunnels;
	dpc_facts_t *facts;

	/* the ruleset cache is not thread-safe: one user at a time */
	this->running->lock(this->running);

	this->mutex->lock(this->mutex);
	detect_dataplane(this);
	this->mutex->unlock(this->mutex);

	facts = dpc_kernel_facts_create(this->dataplane, NULL, this->nf);
	if (!facts)
	{
		this->running->unlock(this->running);
		return FALSE;
	}
	dpc_tunnels_init(&tunnels);
	this->registry->snapshot(this->registry, &tunnels);
	dpc_trace_run(q, facts, &tunnels, res);
	dpc_tunnels_clear(&tunnels);
	facts->destroy(facts);

	this->running->unlock(this->running);
	return TRUE;
}

METHOD(dpc_round_t, set_event_cb, void,
	private_dpc_round_t *this, dpc_round_event_cb_t cb, void *ctx)
{
	this->mutex->lock(this->mutex);
	this->event_cb = cb;
	this->event_ctx = ctx;
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_t, destroy, void,
	private_dpc_round_t *this)
{
	DESTROY_IF(this->nf);
	dpc_store_destroy(this->store);
	this->mutex->destroy(this->mutex);
	this->running->destroy(this->running);
	free(this);
}

/*
 * Described in header
 */
dpc_round_t *dpc_round_create(dpc_registry_t *registry,
							  const dpc_settings_t *settings)
{
	private_dpc_round_t *this;

	INIT(this,
		.public = {
			.trigger = _trigger,
			.run = _run,
			.start = _start,
			.set_settings = _set_settings,
			.get_settings = _get_settings,
			.get_state = _get_state,
			.get_dataplane = _get_dataplane,
			.trace = _trace,
			.set_event_cb = _set_event_cb,
			.destroy = _destroy,
		},
		.registry = registry,
		.store = dpc_store_create(),
		.nf = dpc_nf_cache_create(),
		.settings = *settings,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.running = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
