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
#include "dpc_round_scope.h"
#include "dpc_round_runner.h"
#include "dpc_round_ruleset.h"
#include "dpc_round_metrics.h"
#include "dpc_sampler.h"
#include "model/dpc_bulk.h"
#include "sinks/dpc_log.h"
#include "checks/dpc_check.h"
#include "trace/dpc_trace.h"
#include "facts/kernel/dpc_kernel_facts.h"
#include "model/dpc_dirty.h"

#include <daemon.h>
#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

#include <errno.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/** shortest delay before a triggered round retries while one runs, ms */
#define MIN_RETRY_MS 100

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
	 * A round or trace runs (rounds and traces share the ruleset cache, so
	 * one at a time); charon's workers never wait for it, they come back
	 * later
	 */
	bool busy;

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
	 * Protects settings and flags; taken by trigger(), so from bus hooks:
	 * held for field copies only, never while merging, logging or calling
	 * out (and never while checking out IKE_SAs); the scope's lock, a
	 * leaf, nests inside it
	 */
	mutex_t *mutex;

	/**
	 * Protects store and last (merging, and copies for reports)
	 */
	mutex_t *store_lock;

	/**
	 * Protects event_cb: held while a round's events are reported, after
	 * store_lock is released, so no event reaches a receiver after
	 * set_event_cb() replaced it
	 */
	mutex_t *event_lock;

	/**
	 * Signaled under mutex when busy is cleared
	 */
	condvar_t *idle;

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

	/**
	 * Samples the traffic counters
	 */
	dpc_sampler_t *sampler;

	/**
	 * The XFRM drop counters of the last round, for their growth
	 */
	dpc_xfrm_stat_t xfrm_stat;

	/**
	 * The route questions of the last full round, asked ahead by the next
	 */
	dpc_route_questions_t *questions;

	/**
	 * Budget of the running round or trace (one at a time, see
	 * busy); readers and the simulator keep a pointer to it
	 */
	dpc_budget_t budget;

	/**
	 * Raised once charon shuts down: rounds stop at once, new ones don't
	 * start (atomic)
	 */
	int aborting;

	/**
	 * The last round ran out of its budget
	 */
	bool over_budget;

	/**
	 * The changes waiting for a round and the tunnels a round checks
	 */
	dpc_round_scope_t *scope;

	/**
	 * The thread rounds run on, NULL to run them in the caller's
	 */
	dpc_round_runner_t *runner;
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
 * Sample the traffic counters of every installed CHILD_SA, with half of the
 * round's budget.
 */
static void sample(private_dpc_round_t *this, dpc_facts_t *facts,
				   const dpc_settings_t *settings)
{
	dpc_child_sample_t *samples;
	dpc_sample_stats_t stats;
	dpc_budget_t budget;
	int count;

	dpc_budget_sub(&budget, &this->budget, settings->round_budget_ms / 2);
	count = this->sampler->sample(this->sampler, this->dataplane, facts,
								  &budget, &samples, &stats);
	this->registry->add_samples(this->registry, samples, count,
								settings->traffic_window);
	dpc_bulk_free(samples);
}

/**
 * Start the budget of a round (or trace) and set the ruleset limits.
 *
 * @return			FALSE if charon is shutting down
 */
static bool start_budget(private_dpc_round_t *this,
						 const dpc_settings_t *settings)
{
	dpc_budget_start(&this->budget, &this->aborting,
					 settings->round_budget_ms);
	this->nf->set_limits(this->nf, settings->ruleset_max_elements,
						 settings->ruleset_max_bytes);
	return dpc_budget_state(&this->budget) != DPC_BUDGET_ABORTED;
}

/**
 * Did the round run out of its budget? Say so once when rounds start and
 * stop running out of it.
 */
static bool out_of_budget(private_dpc_round_t *this,
						  const dpc_settings_t *settings, int tunnels)
{
	dpc_budget_state_t state = dpc_budget_state(&this->budget);

	if (state == DPC_BUDGET_ABORTED)
	{
		DBG2(DBG_CFG, "dataplane-check: round aborted, charon shuts down");
		return TRUE;
	}
	if ((state == DPC_BUDGET_EXPIRED) != this->over_budget)
	{
		if (state == DPC_BUDGET_EXPIRED)
		{
			DBG1(DBG_CFG, "dataplane-check: a round over %d tracked IKE_SAs "
				 "took longer than round_budget (%ums) and was dropped: the "
				 "findings of the last complete round stay", tunnels,
				 settings->round_budget_ms);
		}
		else
		{
			DBG1(DBG_CFG, "dataplane-check: rounds complete within "
				 "round_budget again");
		}
	}
	this->over_budget = state == DPC_BUDGET_EXPIRED;
	return this->over_budget;
}

/**
 * Context for store callbacks.
 */
typedef struct {
	private_dpc_round_t *this;
	dpc_round_event_cb_t cb;
	void *ctx;
	/** the round's journal_fields setting */
	bool journal_fields;
	/** the tunnels the round checked */
	const dpc_dirty_t *dirty;
} event_ctx_t;

static bool alive_cb(void *ctx, const dpc_subject_t *subject)
{
	event_ctx_t *ev = ctx;

	return ev->this->registry->is_alive(ev->this->registry, subject);
}

static bool scope_cb(void *ctx, const dpc_subject_t *subject)
{
	event_ctx_t *ev = ctx;

	return ev->this->scope->in_scope(ev->this->scope, ev->dirty, subject);
}

static void event_cb(void *ctx, dpc_event_type_t type, const dpc_finding_t *f)
{
	event_ctx_t *ev = ctx;

	dpc_log_event(type, f, ev->journal_fields);
	if (ev->cb)
	{
		ev->cb(ev->ctx, type, f);
	}
}

/**
 * Wait until no round or trace runs, then become the one that does: for the
 * executor's thread, never for one of charon's workers.
 */
static void take_running(private_dpc_round_t *this)
{
	this->mutex->lock(this->mutex);
	while (this->busy)
	{
		this->idle->wait(this->idle, this->mutex);
	}
	this->busy = TRUE;
	this->mutex->unlock(this->mutex);
}

/**
 * Become the one round that runs unless one already does: for charon's
 * workers, which must not wait.
 *
 * @param retry		receives the delay after which to try again on failure
 * @return			TRUE if taken
 */
static bool try_take_running(private_dpc_round_t *this, uint32_t *retry)
{
	bool taken;

	this->mutex->lock(this->mutex);
	taken = !this->busy;
	this->busy = TRUE;
	*retry = max(this->settings.settle_ms, MIN_RETRY_MS);
	this->mutex->unlock(this->mutex);
	return taken;
}

/**
 * Let the next round or trace run.
 */
static void release_running(private_dpc_round_t *this)
{
	this->mutex->lock(this->mutex);
	this->busy = FALSE;
	this->idle->broadcast(this->idle);
	this->mutex->unlock(this->mutex);
}
/**
 * Merge a round's findings into the store, then report the events after
 * the store's lock is released: logging and the socket's fan-out never
 * hold a lock that hooks or reports wait for. Rounds are serialized, so the
 * store does not change between the merge and the report.
 *
 * @param active	receives the active findings if want_active
 * @return			wall clock time of the round
 */
static time_t publish(private_dpc_round_t *this, dpc_findings_t *findings,
					  time_t now, dpc_findings_t *active, bool want_active,
					  bool journal_fields, const dpc_dirty_t *dirty)
{
	event_ctx_t ev = {
		.this = this,
		.journal_fields = journal_fields,
		.dirty = dirty,
	};
	dpc_store_events_t events;
	time_t last;
	bool merged;

	this->store_lock->lock(this->store_lock);
	merged = dpc_store_merge_scope(this->store, findings, now, time(NULL),
								   alive_cb, scope_cb, &ev, &events);
	this->last = last = time(NULL);
	if (want_active)
	{
		dpc_store_get_active(this->store, active);
	}
	this->store_lock->unlock(this->store_lock);

	if (merged)
	{
		this->event_lock->lock(this->event_lock);
		ev.cb = this->event_cb;
		ev.ctx = this->event_ctx;
		dpc_store_emit(this->store, &events, event_cb, &ev);
		this->event_lock->unlock(this->event_lock);
	}
	return last;
}

/**
 * Hand the memory a full round used back to the kernel: the paths, route
 * answers and findings of every tunnel are freed by now (their large arrays
 * wait in dpc_bulk's cache, unmapped here), but glibc keeps
 * freed memory in the arena of the thread that ran the round (a gateway's
 * RSS would grow by the round's peak). malloc_trim() takes each arena's
 * lock in turn for as long as it walks that arena's free chunks: logged at
 * level 2 with its time.
 */
static void return_memory(int tunnels)
{
	/* the large arrays incremental rounds reused since the last full one,
	 * the slots of records gone since */
	dpc_bulk_release();
	dpc_rec_release(false);
#ifdef __GLIBC__
	timeval_t start, end;

	time_monotonic(&start);
	malloc_trim(0);
	time_monotonic(&end);
	DBG2(DBG_CFG, "dataplane-check: memory of a round over %d IKE_SAs "
		 "returned in %ld us", tunnels,
		 (long)((end.tv_sec - start.tv_sec) * 1000000 +
				(end.tv_usec - start.tv_usec)));
#endif
}

/**
 * One round, by the caller that became the running one; lets the next run
 * when done.
 *
 * @param full		check every tunnel (else those kernel changes concern)
 */
static void run_taken(private_dpc_round_t *this, bool full)
{
	dpc_settings_t settings;
	dpc_tunnels_t tunnels, sub;
	dpc_findings_t findings, active;
	dpc_paths_t paths;
	dpc_check_ctx_t ctx;
	dpc_facts_t *facts;
	dpc_dirty_t dirty;
	dpc_mss_notes_t mss = {};
	time_t now, last;
	int checked;

	this->mutex->lock(this->mutex);
	settings = this->settings;
	detect_dataplane(this);
	this->mutex->unlock(this->mutex);

	if (!start_budget(this, &settings))
	{	/* charon shuts down */
		release_running(this);
		return;
	}
	facts = dpc_kernel_facts_create(this->dataplane, NULL, this->nf,
									&this->budget);
	if (facts)
	{
		dpc_kernel_facts_keep_xfrm_stat(facts, &this->xfrm_stat);
		dpc_kernel_facts_ask_ahead(facts, &this->questions);
	}
	sample(this, facts, &settings);

	now = time_monotonic(NULL);
	this->registry->expire(this->registry, now, settings.keep_closed);

	dpc_tunnels_init(&tunnels);
	dpc_findings_init(&findings);
	dpc_findings_init(&active);
	dpc_paths_init(&paths);
	memset(&dirty, 0, sizeof(dirty));
	memset(&sub, 0, sizeof(sub));
	this->registry->snapshot(this->registry, &tunnels);

	if (!facts)
	{
		this->scope->drop_changes(this->scope);
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
		this->scope->find_dirty(this->scope, facts, &tunnels, full,
								this->nf_generation, &dirty);
		dpc_round_scope_view(&tunnels, &dirty, &sub);
		/* what the packets of each CHILD_SA checked look like, once for all
		 * checks */
		dpc_paths_build(&paths, facts, sub.ikes ? &sub : &tunnels);
		ctx = (dpc_check_ctx_t){
			.settings = &settings,
			.facts = facts,
			.tunnels = &tunnels,
			.paths = &paths,
			.now = now,
			.recheck = dirty.all ? NULL : dirty.flags,
			.out = &findings,
		};
		dpc_check_all(&ctx);
		if (out_of_budget(this, &settings, tunnels.count))
		{	/* judged in part only: keep the last complete round's findings */
			facts->destroy(facts);
			goto done;
		}
		if (dirty.all)
		{	/* a complete round: what the next ones ask ahead */
			dpc_kernel_facts_remember_questions(facts);
		}
		dpc_round_ruleset_not_judged(this->nf, &ctx);
		dpc_round_find_mss(this->registry, this->nf, &this->nf_generation,
						   &ctx, &mss);
		dpc_round_nf_errors(this->nf, this->nf_error,
							sizeof(this->nf_error));
		this->scope->remember_sysctls(this->scope, facts);
		facts->destroy(facts);

		last = publish(this, &findings, now, &active,
					   settings.metrics_file[0], settings.journal_fields,
					   &dirty);
		this->scope->count_round(this->scope, &dirty);

		/* one round runs at a time (busy), so is the writing */
		if (settings.metrics_file[0])
		{
			dpc_round_write_metrics(&settings, &active, &tunnels, last,
									&this->metrics_errno);
		}
	}

done:
	checked = dirty.all ? tunnels.count : 0;
	dpc_bulk_free(sub.ikes);
	dpc_dirty_clear(&dirty);
	dpc_paths_clear(&paths);
	dpc_findings_clear(&active);
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
	/* the snapshot released: the records are the table's alone again */
	dpc_round_note_mss(this->registry, &mss);
	if (checked)
	{
		return_memory(checked);
	}
	release_running(this);
}

/**
 * A round handed to the runner.
 */
typedef struct {
	/** the round manager */
	private_dpc_round_t *this;
	/** check every tunnel */
	bool full;
} round_work_t;

static void run_work(round_work_t *work)
{
	run_taken(work->this, work->full);
}

/**
 * One round, by the caller that became the running one, on the runner's
 * thread while the caller waits: a job's worker is occupied as long as if
 * it ran the round itself, and cancelling the job aborts the round.
 */
static void run_round(private_dpc_round_t *this, bool full)
{
	round_work_t work = {
		.this = this,
		.full = full,
	};

	if (!this->runner ||
		!this->runner->run(this->runner, (dpc_round_runner_cb_t)run_work,
						   &work))
	{	/* no thread of its own, or it stops: here (aborted rounds return) */
		run_taken(this, full);
	}
}

METHOD(dpc_round_t, run, void,
	private_dpc_round_t *this)
{
	take_running(this);
	run_round(this, TRUE);
}

/**
 * One-shot round after the settle delay.
 */
static job_requeue_t triggered_round(private_dpc_round_t *this)
{
	uint32_t retry;

	if (!try_take_running(this, &retry))
	{	/* don't block a worker: come back later, still the one pending job,
		 * so events meanwhile schedule no more jobs */
		return JOB_RESCHEDULE_MS(retry);
	}
	this->mutex->lock(this->mutex);
	this->pending = FALSE;
	this->mutex->unlock(this->mutex);
	run_round(this, FALSE);
	return JOB_REQUEUE_NONE;
}

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
	uint32_t interval, retry;
	bool current;

	this->mutex->lock(this->mutex);
	current = job->generation == this->periodic_generation;
	this->mutex->unlock(this->mutex);
	if (!current)
	{	/* replaced after the interval changed */
		return JOB_REQUEUE_NONE;
	}
	if (!try_take_running(this, &retry))
	{	/* as a triggered round: never block a worker */
		return JOB_RESCHEDULE_MS(retry);
	}
	run_round(this, TRUE);
	if (__atomic_load_n(&this->aborting, __ATOMIC_ACQUIRE))
	{	/* charon shuts down */
		return JOB_REQUEUE_NONE;
	}
	this->mutex->lock(this->mutex);
	interval = dpc_settings_interval_ms(&this->settings);
	this->mutex->unlock(this->mutex);
	return JOB_RESCHEDULE_MS(interval);
}

/**
 * Cancel a running periodic round (charon shuts down): it stops at once,
 * the processor waits for that instead of for the whole round.
 */
static bool cancel_periodic(periodic_t *job)
{
	job->this->public.abort(&job->this->public);
	return TRUE;
}

/**
 * The same for a triggered round.
 */
static bool cancel_triggered(private_dpc_round_t *this)
{
	this->public.abort(&this->public);
	return TRUE;
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
	interval = dpc_settings_interval_ms(&this->settings);
	this->mutex->unlock(this->mutex);

	lib->scheduler->schedule_job_ms(lib->scheduler,
		(job_t*)callback_job_create_with_prio(
						(callback_job_cb_t)periodic_round, job,
						(callback_job_cleanup_t)free,
						(callback_job_cancel_t)cancel_periodic,
						JOB_PRIO_LOW), interval);
}

/**
 * Schedule the triggered round after the settle delay, unless one is
 * pending already (to call without the mutex held).
 */
static void schedule_triggered(private_dpc_round_t *this, bool schedule,
							   uint32_t settle)
{
	if (schedule)
	{
		lib->scheduler->schedule_job_ms(lib->scheduler,
			(job_t*)callback_job_create_with_prio(
						(callback_job_cb_t)triggered_round, this, NULL,
						(callback_job_cancel_t)cancel_triggered,
						JOB_PRIO_LOW), settle);
	}
}

METHOD(dpc_trigger_t, trigger, void,
	private_dpc_round_t *this, uint32_t ike_id)
{
	uint32_t settle;
	bool schedule;

	this->mutex->lock(this->mutex);
	schedule = !this->pending;
	this->pending = TRUE;
	/* noted while pending is set: the round it schedules takes it */
	this->scope->record(this->scope, ike_id);
	settle = this->settings.settle_ms;
	this->mutex->unlock(this->mutex);

	schedule_triggered(this, schedule, settle);
}

METHOD(dpc_trigger_t, changed, void,
	private_dpc_round_t *this, const dpc_change_t *change)
{
	uint32_t settle;
	bool schedule;

	this->mutex->lock(this->mutex);
	schedule = !this->pending;
	this->pending = TRUE;
	this->scope->changed(this->scope, change);
	settle = this->settings.settle_ms;
	this->mutex->unlock(this->mutex);

	schedule_triggered(this, schedule, settle);
}

METHOD(dpc_round_t, get_change_stats, void,
	private_dpc_round_t *this, dpc_change_stats_t *stats)
{
	this->scope->get_stats(this->scope, stats);
}

METHOD(dpc_round_t, set_watching, void,
	private_dpc_round_t *this, bool watching)
{
	this->scope->set_watching(this->scope, watching);
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
	this->store_lock->lock(this->store_lock);
	if (findings)
	{
		dpc_store_get_active(this->store, findings);
	}
	if (last)
	{
		*last = this->last;
	}
	this->store_lock->unlock(this->store_lock);
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
	dpc_settings_t settings;
	dpc_tunnels_t tunnels;
	dpc_facts_t *facts = NULL;

	/* the ruleset cache is not thread-safe: one user at a time */
	take_running(this);

	this->mutex->lock(this->mutex);
	settings = this->settings;
	detect_dataplane(this);
	this->mutex->unlock(this->mutex);

	if (start_budget(this, &settings))
	{	/* a trace gets a round's budget */
		facts = dpc_kernel_facts_create(this->dataplane, NULL, this->nf,
										&this->budget);
	}
	if (!facts)
	{
		release_running(this);
		return FALSE;
	}
	dpc_tunnels_init(&tunnels);
	this->registry->snapshot(this->registry, &tunnels);
	dpc_trace_run(q, facts, &tunnels, res);
	dpc_tunnels_clear(&tunnels);
	facts->destroy(facts);

	release_running(this);
	return TRUE;
}

METHOD(dpc_round_t, set_event_cb, void,
	private_dpc_round_t *this, dpc_round_event_cb_t cb, void *ctx)
{
	this->event_lock->lock(this->event_lock);
	this->event_cb = cb;
	this->event_ctx = ctx;
	this->event_lock->unlock(this->event_lock);
}

METHOD(dpc_round_t, abort_, void,
	private_dpc_round_t *this)
{
	dpc_budget_raise(&this->aborting);
}

METHOD(dpc_round_t, destroy, void,
	private_dpc_round_t *this)
{
	/* nothing may be running by now; if it were, it stops at once */
	abort_(this);
	this->mutex->lock(this->mutex);
	while (this->busy)
	{
		this->idle->wait(this->idle, this->mutex);
	}
	this->mutex->unlock(this->mutex);
	DESTROY_IF(this->runner);
	this->sampler->destroy(this->sampler);
	DESTROY_IF(this->questions);
	DESTROY_IF(this->scope);
	DESTROY_IF(this->nf);
	dpc_store_destroy(this->store);
	this->mutex->destroy(this->mutex);
	this->store_lock->destroy(this->store_lock);
	this->event_lock->destroy(this->event_lock);
	this->idle->destroy(this->idle);
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
			.trigger = {
				.trigger = _trigger,
				.changed = _changed,
			},
			.get_change_stats = _get_change_stats,
			.set_watching = _set_watching,
			.run = _run,
			.start = _start,
			.set_settings = _set_settings,
			.get_settings = _get_settings,
			.get_state = _get_state,
			.get_dataplane = _get_dataplane,
			.trace = _trace,
			.set_event_cb = _set_event_cb,
			.abort = _abort_,
			.destroy = _destroy,
		},
		.registry = registry,
		.store = dpc_store_create(),
		.nf = dpc_nf_cache_create(),
		.sampler = dpc_sampler_create(),
		.settings = *settings,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.store_lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.event_lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.idle = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	this->scope = dpc_round_scope_create(registry, this->nf);
	if (!this->scope)
	{
		destroy(this);
		return NULL;
	}
	this->runner = dpc_round_runner_create();
	if (!this->runner)
	{
		DBG1(DBG_CFG, "dataplane-check: no thread for rounds (%s), they run "
			 "in charon's workers", strerror(errno));
	}
	return &this->public;
}
