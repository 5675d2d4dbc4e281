/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 *
 * The command switch follows strongSwan's lookip_socket.c; the transport is
 * dpc_socket.c.
 */

#include "dpc_query.h"
#include "dpc_work.h"
#include "proto/dpc_report.h"
#include "proto/dpc_trace_msg.h"
#include "sinks/dpc_socket.h"

#include <threading/condvar.h>
#include <threading/mutex.h>
#include <threading/thread.h>

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/** least ms between the starts of two rounds run for `check` */
#define CHECK_SPACING_MS 1000
/** nice value of the executor's thread */
#define EXECUTOR_NICE 10

typedef struct private_dpc_query_t private_dpc_query_t;

/**
 * Private data of a dpc_query_t object.
 */
struct private_dpc_query_t {

	/**
	 * Public interface.
	 */
	dpc_query_t public;

	/**
	 * The records
	 */
	dpc_registry_t *registry;

	/**
	 * Check rounds
	 */
	dpc_round_t *round;

	/**
	 * The query socket
	 */
	dpc_socket_t *socket;

	/**
	 * Protects queue
	 */
	mutex_t *mutex;

	/**
	 * Signaled when work is queued
	 */
	condvar_t *added;

	/**
	 * The executor's thread
	 */
	thread_t *thread;

	/**
	 * Set (under mutex) when the executor is to return
	 */
	bool stopping;

	/**
	 * Work waiting for the executor
	 */
	dpc_work_queue_t *queue;

};

/**
 * What the plugin says about itself in reports.
 */
static void report_info(private_dpc_query_t *this, dpc_report_info_t *info,
						time_t last, dpc_change_stats_t *changes)
{
	dpc_table_stats_t stats;

	this->registry->get_stats(this->registry, &stats);
	*info = (dpc_report_info_t){
		.records = stats.records,
		.records_max = stats.max_records,
		.half_open = stats.half_open,
		.records_refused = stats.refused,
		.records_mapped = dpc_rec_mapped(),
		.version = DPC_VERSION,
		.strongswan = VERSION,
		.dataplane = this->round->get_dataplane(this->round),
		.last_round = last,
		.now = time_monotonic(NULL),
		.now_wall = time(NULL),
	};
	if (changes)
	{
		this->round->get_change_stats(this->round, changes);
		info->changes = changes;
	}
}

/**
 * Leave out records of IKE_SAs that never came up (IKE_SA_INIT only).
 */
static void drop_stubs(dpc_tunnels_t *tunnels)
{
	int i, n = 0;

	for (i = 0; i < tunnels->count; i++)
	{
		if (tunnels->ikes[i]->established)
		{
			tunnels->ikes[n++] = tunnels->ikes[i];
		}
		else
		{
			dpc_ike_rec_put(tunnels->ikes[i]);
		}
	}
	tunnels->count = n;
}

/**
 * A failed reply: success = no, errmsg.
 */
static chunk_t failed(const char *errmsg)
{
	uint8_t *msg;
	size_t len;

	if (!dpc_report_error(errmsg, &msg, &len))
	{
		return chunk_empty;
	}
	return chunk_create(msg, len);
}

METHOD(dpc_query_t, status, chunk_t,
	private_dpc_query_t *this)
{
	dpc_change_stats_t changes;
	dpc_report_info_t info;
	dpc_findings_t findings;
	dpc_tunnels_t tunnels;
	uint8_t *msg;
	size_t len;
	time_t last;

	dpc_findings_init(&findings);
	dpc_tunnels_init(&tunnels);
	this->round->get_state(this->round, &findings, NULL, &last);
	this->registry->snapshot(this->registry, &tunnels);
	drop_stubs(&tunnels);
	report_info(this, &info, last, &changes);
	if (!dpc_report_status(&info, &tunnels, &findings, &msg, &len))
	{
		msg = NULL;
		len = 0;
	}
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
	return chunk_create(msg, len);
}

METHOD(dpc_query_t, check, chunk_t,
	private_dpc_query_t *this)
{
	this->round->run(this->round);
	return status(this);
}

METHOD(dpc_query_t, version, chunk_t,
	private_dpc_query_t *this)
{
	dpc_report_info_t info;
	uint8_t *msg;
	size_t len;

	report_info(this, &info, 0, NULL);
	if (!dpc_report_version(&info, &msg, &len))
	{
		return chunk_empty;
	}
	return chunk_create(msg, len);
}

/**
 * Read the packet to trace from a request, or say why it cannot be traced.
 */
static bool trace_request(chunk_t request, dpc_trace_query_t *q, char *err,
						  size_t len)
{
	dpc_vici_node_t *req;
	const char *perr = NULL;
	bool ok;

	req = dpc_vici_parse(request.ptr, request.len, &perr);
	if (!req)
	{
		snprintf(err, len, "malformed request: %s",
				 perr ? perr : "cannot parse");
		return FALSE;
	}
	ok = dpc_trace_msg_parse(req, q, err, len);
	dpc_vici_node_free(req);
	return ok;
}

/**
 * Trace a parsed packet: build the reply to `trace`.
 */
static chunk_t trace_query(private_dpc_query_t *this, dpc_trace_query_t *q)
{
	dpc_trace_result_t *res;
	char err[256];
	uint8_t *msg;
	size_t len;
	chunk_t reply = chunk_empty;

	res = malloc(sizeof(*res));
	if (!res)
	{
		return chunk_empty;
	}
	if (!this->round->trace(this->round, q, res))
	{
		snprintf(err, sizeof(err), "cannot read the kernel's state over "
				 "netlink: %s", strerror(errno));
		reply = failed(err);
	}
	else if (dpc_trace_msg_report(q, res, &msg, &len))
	{
		reply = chunk_create(msg, len);
	}
	free(res);
	return reply;
}

METHOD(dpc_query_t, trace, chunk_t,
	private_dpc_query_t *this, chunk_t request)
{
	dpc_trace_query_t q;
	char err[256];

	if (!trace_request(request, &q, err, sizeof(err)))
	{
		return failed(err);
	}
	return trace_query(this, &q);
}

/**
 * Answer a command with reply, or with success=no if it is empty.
 */
static void respond(private_dpc_query_t *this, u_int id, char *cmd,
					chunk_t reply)
{
	char err[64];

	if (reply.ptr)
	{
		this->socket->respond(this->socket, id, reply);
		return;
	}
	snprintf(err, sizeof(err), "%s failed", cmd);
	reply = failed(err);
	if (reply.ptr)
	{
		this->socket->respond(this->socket, id, reply);
		dpc_vici_msg_free(reply.ptr);
	}
}

/**
 * Build the reply of a piece of work, in the executor.
 */
static chunk_t execute(private_dpc_query_t *this, dpc_work_t *work)
{
	switch (work->kind)
	{
		case DPC_WORK_STATUS:
			return status(this);
		case DPC_WORK_CHECK:
			return check(this);
		case DPC_WORK_VERSION:
			return version(this);
		case DPC_WORK_TRACE:
		default:
			return trace_query(this, &work->query);
	}
}

/**
 * Monotonic time in ms.
 */
static uint64_t now_ms()
{
	timeval_t tv;

	time_monotonic(&tv);
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/**
 * Wait for work that may start (with the mutex held); NULL once the executor
 * is to stop. Stopping is cooperative, never a cancellation: a thread
 * cancelled in a wait would unwind through charon's condvar with the mutex
 * state left to cleanup handlers.
 */
static dpc_work_t *next_work(private_dpc_query_t *this)
{
	dpc_work_t *work = NULL;
	uint32_t wait;

	while (!this->stopping &&
		   !(work = dpc_work_queue_take(this->queue, now_ms(), &wait)))
	{
		if (wait)
		{	/* a `check` round is due later */
			this->added->timed_wait(this->added, this->mutex, wait);
		}
		else
		{
			this->added->wait(this->added, this->mutex);
		}
	}
	return work;
}

/**
 * The executor's thread: answers the queued work, oldest first, one piece
 * at a time, outside charon's thread pool.
 */
static void *execute_all(private_dpc_query_t *this)
{
	dpc_work_t *work;
	chunk_t reply;
	u_int id;

	thread_cancelability(FALSE);
	/* IKE processing wins the CPU over socket work */
	if (setpriority(PRIO_PROCESS, syscall(SYS_gettid), EXECUTOR_NICE) != 0)
	{
		DBG2(DBG_CFG, "dataplane-check: cannot lower the priority of the "
			 "query executor: %s", strerror(errno));
	}
	while (TRUE)
	{
		this->mutex->lock(this->mutex);
		work = next_work(this);
		this->mutex->unlock(this->mutex);
		if (!work)
		{
			break;
		}

		reply = execute(this, work);
		while (dpc_work_next_waiter(work, &id))
		{
			respond(this, id, (char*)dpc_work_name(work->kind), reply);
		}
		dpc_vici_msg_free(reply.ptr);
		dpc_work_destroy(work);
	}
	return NULL;
}

/**
 * Queue work for a client for the executor, or answer "busy".
 */
static void submit(private_dpc_query_t *this, u_int id, dpc_work_kind_t kind,
				   const dpc_trace_query_t *q)
{
	char reason[64] = "";
	bool added;

	this->mutex->lock(this->mutex);
	added = dpc_work_queue_add(this->queue, kind, q, id, reason,
							   sizeof(reason));
	if (added)
	{
		this->added->signal(this->added);
	}
	this->mutex->unlock(this->mutex);
	if (!added)
	{
		this->socket->busy(this->socket, id, reason);
	}
}

/**
 * Dispatch a command of the socket (in the socket's thread: never blocks).
 */
CALLBACK(on_command, bool,
	private_dpc_query_t *this, u_int id, char *name, chunk_t request)
{
	dpc_trace_query_t q;
	char err[256];
	chunk_t reply;

	if (streq(name, "status"))
	{
		submit(this, id, DPC_WORK_STATUS, NULL);
	}
	else if (streq(name, "version"))
	{
		submit(this, id, DPC_WORK_VERSION, NULL);
	}
	else if (streq(name, "check"))
	{
		submit(this, id, DPC_WORK_CHECK, NULL);
	}
	else if (streq(name, "trace"))
	{
		if (trace_request(request, &q, err, sizeof(err)))
		{
			submit(this, id, DPC_WORK_TRACE, &q);
		}
		else
		{	/* the request itself is wrong: say so now */
			reply = failed(err);
			respond(this, id, name, reply);
			dpc_vici_msg_free(reply.ptr);
		}
	}
	else
	{
		return FALSE;
	}
	return TRUE;
}

/**
 * Raise a finding event of the round on the socket.
 */
CALLBACK(on_event, void,
	private_dpc_query_t *this, dpc_event_type_t type, const dpc_finding_t *f)
{
	uint8_t *msg;
	size_t len;

	if (this->socket->has_listeners(this->socket) &&
		dpc_report_event(type, f, time(NULL), &msg, &len))
	{
		this->socket->notify(this->socket, chunk_create(msg, len));
		dpc_vici_msg_free(msg);
	}
}

METHOD(dpc_query_t, destroy, void,
	private_dpc_query_t *this)
{
	this->round->set_event_cb(this->round, NULL, NULL);
	if (this->thread)
	{	/* a `check` round in hand stops early (the plugin is unloaded), the
		 * executor returns instead of waiting for more */
		this->round->abort(this->round);
		this->mutex->lock(this->mutex);
		this->stopping = TRUE;
		this->added->signal(this->added);
		this->mutex->unlock(this->mutex);
		this->thread->join(this->thread);
	}
	DESTROY_IF(this->socket);
	dpc_work_queue_destroy(this->queue);
	this->added->destroy(this->added);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
dpc_query_t *dpc_query_create(dpc_registry_t *registry, dpc_round_t *round,
							  const dpc_settings_t *settings)
{
	private_dpc_query_t *this;

	INIT(this,
		.public = {
			.status = _status,
			.check = _check,
			.trace = _trace,
			.version = _version,
			.destroy = _destroy,
		},
		.registry = registry,
		.round = round,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.added = condvar_create(CONDVAR_TYPE_DEFAULT),
		.queue = dpc_work_queue_create(CHECK_SPACING_MS),
	);

	if (!this->queue)
	{
		destroy(this);
		return NULL;
	}
	this->thread = thread_create((thread_main_t)execute_all, this);
	if (!this->thread)
	{
		DBG1(DBG_CFG, "dataplane-check: starting the query executor "
			 "thread failed");
		destroy(this);
		return NULL;
	}
	this->socket = dpc_socket_create(settings, on_command, this);
	if (!this->socket)
	{
		destroy(this);
		return NULL;
	}
	this->round->set_event_cb(this->round, on_event, this);
	return &this->public;
}
