/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_round_thread.h"

#include <library.h>
#include <threading/thread.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

typedef struct private_dpc_round_thread_t private_dpc_round_thread_t;

/**
 * Private data.
 */
struct private_dpc_round_thread_t {

	/**
	 * Public interface.
	 */
	dpc_round_thread_t public;

	/**
	 * Runs a round
	 */
	dpc_round_thread_cb_t cb;

	/**
	 * Its context
	 */
	void *ctx;

	/**
	 * The thread
	 */
	thread_t *thread;

	/**
	 * Protects the fields below; never held while a round runs, so
	 * trigger() from a bus hook waits for field updates only
	 */
	mutex_t *mutex;

	/**
	 * Signaled when something becomes due or the thread is to stop
	 */
	condvar_t *wake;

	/**
	 * Broadcast when a round on demand is done or the thread stops
	 */
	condvar_t *done_cond;

	/**
	 * Periodic rounds are due
	 */
	bool started;

	/**
	 * Their interval, ms
	 */
	uint32_t interval_ms;

	/**
	 * When the next periodic round is due, monotonic ms
	 */
	uint64_t periodic_due;

	/**
	 * A round after the settle delay is due
	 */
	bool triggered;

	/**
	 * When, monotonic ms
	 */
	uint64_t triggered_due;

	/**
	 * Rounds on demand asked for (a generation)
	 */
	uint64_t requested;

	/**
	 * The generation the last round on demand served
	 */
	uint64_t done;

	/**
	 * No round starts any more
	 */
	bool stopping;
};

/**
 * Monotonic time in ms.
 */
static uint64_t now_ms(void)
{
	timeval_t tv;

	time_monotonic(&tv);
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/**
 * Wait on wake until a monotonic time in ms (to call with mutex held).
 */
static void wait_until(private_dpc_round_thread_t *this, uint64_t due)
{
	timeval_t tv = {
		.tv_sec = due / 1000,
		.tv_usec = (due % 1000) * 1000,
	};

	this->wake->timed_wait_abs(this->wake, this->mutex, tv);
}

/**
 * Run what is due, one round at a time, until stopped.
 */
static void *loop(private_dpc_round_thread_t *this)
{
	uint64_t now, due, generation;

	this->mutex->lock(this->mutex);
	while (!this->stopping)
	{
		now = now_ms();
		if (this->requested > this->done)
		{	/* on demand first: a client waits */
			generation = this->requested;
			this->mutex->unlock(this->mutex);
			this->cb(this->ctx, TRUE);
			this->mutex->lock(this->mutex);
			this->done = generation;
			this->done_cond->broadcast(this->done_cond);
		}
		else if (this->triggered && now >= this->triggered_due)
		{
			this->triggered = FALSE;
			this->mutex->unlock(this->mutex);
			this->cb(this->ctx, FALSE);
			this->mutex->lock(this->mutex);
		}
		else if (this->started && now >= this->periodic_due)
		{
			this->mutex->unlock(this->mutex);
			this->cb(this->ctx, TRUE);
			this->mutex->lock(this->mutex);
			/* an interval from the end, as a rescheduled job would */
			this->periodic_due = now_ms() + this->interval_ms;
		}
		else if (this->triggered || this->started)
		{
			due = UINT64_MAX;
			if (this->triggered)
			{
				due = this->triggered_due;
			}
			if (this->started && this->periodic_due < due)
			{
				due = this->periodic_due;
			}
			wait_until(this, due);
		}
		else
		{
			this->wake->wait(this->wake, this->mutex);
		}
	}
	this->done_cond->broadcast(this->done_cond);
	this->mutex->unlock(this->mutex);
	return NULL;
}

METHOD(dpc_round_thread_t, start, void,
	private_dpc_round_thread_t *this, uint32_t interval_ms)
{
	this->mutex->lock(this->mutex);
	if (!this->started)
	{
		this->started = TRUE;
		this->interval_ms = interval_ms;
		this->periodic_due = now_ms() + interval_ms;
		this->wake->signal(this->wake);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_thread_t, set_interval, void,
	private_dpc_round_thread_t *this, uint32_t interval_ms)
{
	this->mutex->lock(this->mutex);
	if (this->started && this->interval_ms != interval_ms)
	{	/* don't wait for the old interval to pass */
		this->interval_ms = interval_ms;
		this->periodic_due = now_ms() + interval_ms;
		this->wake->signal(this->wake);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_thread_t, trigger, void,
	private_dpc_round_thread_t *this, uint32_t settle_ms)
{
	this->mutex->lock(this->mutex);
	if (!this->triggered)
	{
		this->triggered = TRUE;
		this->triggered_due = now_ms() + settle_ms;
		this->wake->signal(this->wake);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_thread_t, run, bool,
	private_dpc_round_thread_t *this)
{
	uint64_t generation;
	bool done;

	this->mutex->lock(this->mutex);
	generation = ++this->requested;
	this->wake->signal(this->wake);
	while (this->done < generation && !this->stopping)
	{
		this->done_cond->wait(this->done_cond, this->mutex);
	}
	done = this->done >= generation;
	this->mutex->unlock(this->mutex);
	return done;
}

METHOD(dpc_round_thread_t, stop, void,
	private_dpc_round_thread_t *this)
{
	this->mutex->lock(this->mutex);
	this->stopping = TRUE;
	this->wake->signal(this->wake);
	this->done_cond->broadcast(this->done_cond);
	this->mutex->unlock(this->mutex);
}

METHOD(dpc_round_thread_t, destroy, void,
	private_dpc_round_thread_t *this)
{
	if (this->thread)
	{
		stop(this);
		this->thread->join(this->thread);
	}
	this->done_cond->destroy(this->done_cond);
	this->wake->destroy(this->wake);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
dpc_round_thread_t *dpc_round_thread_create(dpc_round_thread_cb_t cb,
											void *ctx)
{
	private_dpc_round_thread_t *this;

	INIT(this,
		.public = {
			.start = _start,
			.set_interval = _set_interval,
			.trigger = _trigger,
			.run = _run,
			.stop = _stop,
			.destroy = _destroy,
		},
		.cb = cb,
		.ctx = ctx,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.wake = condvar_create(CONDVAR_TYPE_DEFAULT),
		.done_cond = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	this->thread = thread_create((thread_main_t)loop, this);
	if (!this->thread)
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}
