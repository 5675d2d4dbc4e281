/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_round_runner.h"

#include <library.h>
#include <threading/thread.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

typedef struct private_dpc_round_runner_t private_dpc_round_runner_t;

/**
 * Private data.
 */
struct private_dpc_round_runner_t {

	/**
	 * Public interface.
	 */
	dpc_round_runner_t public;

	/**
	 * The thread
	 */
	thread_t *thread;

	/**
	 * Protects the fields below; never held while work runs
	 */
	mutex_t *mutex;

	/**
	 * Signaled when work is given or the thread is to stop
	 */
	condvar_t *wake;

	/**
	 * Broadcast when work is done (its caller returns, the next may give)
	 */
	condvar_t *done_cond;

	/**
	 * The work given, NULL while the slot is free
	 */
	dpc_round_runner_cb_t cb;

	/**
	 * Its data
	 */
	void *data;

	/**
	 * The work given so far (the latest one's number)
	 */
	uint64_t given;

	/**
	 * The work done so far
	 */
	uint64_t done;

	/**
	 * Callers inside run()
	 */
	u_int callers;

	/**
	 * No work is taken any more
	 */
	bool stopping;
};

/**
 * The thread: runs what it is given, and what it was given before it was
 * told to stop (its caller waits for it).
 */
static void *loop(private_dpc_round_runner_t *this)
{
	dpc_round_runner_cb_t cb;
	void *data;

	this->mutex->lock(this->mutex);
	while (TRUE)
	{
		while (!this->cb && !this->stopping)
		{
			this->wake->wait(this->wake, this->mutex);
		}
		if (!this->cb)
		{
			break;
		}
		cb = this->cb;
		data = this->data;
		this->mutex->unlock(this->mutex);

		cb(data);

		this->mutex->lock(this->mutex);
		this->cb = NULL;
		this->done++;
		this->done_cond->broadcast(this->done_cond);
	}
	this->mutex->unlock(this->mutex);
	return NULL;
}

METHOD(dpc_round_runner_t, run, bool,
	private_dpc_round_runner_t *this, dpc_round_runner_cb_t cb, void *data)
{
	uint64_t mine;

	bool ran = FALSE;

	this->mutex->lock(this->mutex);
	this->callers++;
	while (this->cb && !this->stopping)
	{	/* another caller's work runs */
		this->done_cond->wait(this->done_cond, this->mutex);
	}
	if (!this->stopping)
	{
		this->cb = cb;
		this->data = data;
		mine = ++this->given;
		this->wake->signal(this->wake);
		while (this->done < mine)
		{
			this->done_cond->wait(this->done_cond, this->mutex);
		}
		ran = TRUE;
	}
	this->callers--;
	this->done_cond->broadcast(this->done_cond);
	this->mutex->unlock(this->mutex);
	return ran;
}

METHOD(dpc_round_runner_t, destroy, void,
	private_dpc_round_runner_t *this)
{
	if (this->thread)
	{
		this->mutex->lock(this->mutex);
		this->stopping = TRUE;
		this->wake->signal(this->wake);
		this->done_cond->broadcast(this->done_cond);
		while (this->callers)
		{	/* the work given finishes, the callers waiting leave */
			this->done_cond->wait(this->done_cond, this->mutex);
		}
		this->mutex->unlock(this->mutex);
		this->thread->join(this->thread);
	}
	this->mutex->destroy(this->mutex);
	this->wake->destroy(this->wake);
	this->done_cond->destroy(this->done_cond);
	free(this);
}

/*
 * Described in header
 */
dpc_round_runner_t *dpc_round_runner_create(void)
{
	private_dpc_round_runner_t *this;

	INIT(this,
		.public = {
			.run = _run,
			.destroy = _destroy,
		},
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
