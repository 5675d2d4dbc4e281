/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 *
 * Connection handling follows strongSwan's vici_socket.c: per-connection
 * reader/writer claims, non-blocking accumulating reads and queued
 * non-blocking writes driven by the watcher, ordered processing in a job.
 */

#include "dpc_socket.h"
#include "dpc_vici_msg.h"

#include <collections/array.h>
#include <collections/linked_list.h>
#include <processing/jobs/callback_job.h>
#include <threading/condvar.h>
#include <threading/mutex.h>
#include <threading/thread.h>

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/** most clients connected at once */
#define MAX_CLIENTS 64
/** most received packets waiting to be processed, per client */
#define MAX_QUEUED_IN 8
/** most output bytes waiting to be sent, per client */
#define MAX_QUEUED_OUT (4 * (DPC_VICI_MAX_PACKET + 4))

typedef struct private_dpc_socket_t private_dpc_socket_t;

/**
 * Private data of a dpc_socket_t object.
 */
struct private_dpc_socket_t {

	/**
	 * Public interface.
	 */
	dpc_socket_t public;

	/**
	 * Answers commands.
	 */
	dpc_socket_provider_t *provider;

	/**
	 * Service accepting connections.
	 */
	stream_service_t *service;

	/**
	 * Connections, as entry_t.
	 */
	linked_list_t *connections;

	/**
	 * Protects connections, claims, event flags and the check state.
	 */
	mutex_t *mutex;

	/**
	 * Next connection id.
	 */
	u_int nextid;

	/**
	 * Clients registered for `finding` events.
	 */
	int listeners;

	/**
	 * A check runs.
	 */
	bool checking;

	/**
	 * Ids of clients waiting for the next check, as u_int.
	 */
	array_t *waiters;
};

/**
 * A packet being received.
 */
typedef struct {
	/** length prefix */
	uint8_t hdr[4];
	/** bytes of the prefix received */
	u_int hdrlen;
	/** packet buffer, allocated once the prefix is complete */
	chunk_t buf;
	/** bytes of the packet received */
	size_t done;
} in_buf_t;

/**
 * A packet being sent (with its length prefix).
 */
typedef struct {
	/** the packet */
	chunk_t buf;
	/** bytes sent */
	size_t done;
} out_buf_t;

/**
 * A client connection.
 */
typedef struct {
	/** socket */
	private_dpc_socket_t *this;
	/** the stream */
	stream_t *stream;
	/** connection id */
	u_int id;
	/** packets to send, as out_buf_t* */
	array_t *out;
	/** bytes waiting in out */
	size_t out_bytes;
	/** packet being received */
	in_buf_t in;
	/** received packets to process, as chunk_t */
	array_t *queue;
	/** a job processes the queue */
	bool has_processor;
	/** being disconnected */
	bool disconnecting;
	/** registered for `finding` events */
	bool events;
	/** threads reading */
	int readers;
	/** threads writing */
	int writers;
	/** signaled when a claim is released */
	condvar_t *cond;
} entry_t;

/**
 * Reference to an entry by id, for jobs.
 */
typedef struct {
	private_dpc_socket_t *this;
	u_int id;
} entry_selector_t;

static void out_buf_destroy(out_buf_t *out)
{
	chunk_free(&out->buf);
	free(out);
}

CALLBACK(destroy_entry, void,
	entry_t *entry)
{
	out_buf_t *out;
	chunk_t chunk;

	entry->stream->destroy(entry->stream);
	entry->cond->destroy(entry->cond);
	while (array_remove(entry->out, ARRAY_HEAD, &out))
	{
		out_buf_destroy(out);
	}
	array_destroy(entry->out);
	while (array_remove(entry->queue, ARRAY_HEAD, &chunk))
	{
		chunk_free(&chunk);
	}
	array_destroy(entry->queue);
	chunk_free(&entry->in.buf);
	free(entry);
}

/**
 * Find an entry by stream (if given) or id and claim it for reading and/or
 * writing, waiting while another thread holds the same claim.
 */
static entry_t *find_entry(private_dpc_socket_t *this, stream_t *stream,
						   u_int id, bool reader, bool writer)
{
	enumerator_t *enumerator;
	entry_t *entry, *found = NULL;
	bool candidate = TRUE;

	this->mutex->lock(this->mutex);
	while (candidate && !found)
	{
		candidate = FALSE;
		enumerator = this->connections->create_enumerator(this->connections);
		while (enumerator->enumerate(enumerator, &entry))
		{
			if (stream ? entry->stream != stream : entry->id != id)
			{
				continue;
			}
			if (entry->disconnecting)
			{
				entry->cond->signal(entry->cond);
				continue;
			}
			candidate = TRUE;
			if ((reader && entry->readers) || (writer && entry->writers))
			{
				entry->cond->wait(entry->cond, this->mutex);
				break;
			}
			entry->readers += reader;
			entry->writers += writer;
			found = entry;
			break;
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return found;
}

/**
 * Remove an entry by id once no thread holds a claim on it.
 */
static entry_t *remove_entry(private_dpc_socket_t *this, u_int id)
{
	enumerator_t *enumerator;
	entry_t *entry, *found = NULL;
	bool candidate = TRUE;

	this->mutex->lock(this->mutex);
	while (candidate && !found)
	{
		candidate = FALSE;
		enumerator = this->connections->create_enumerator(this->connections);
		while (enumerator->enumerate(enumerator, &entry))
		{
			if (entry->id != id)
			{
				continue;
			}
			candidate = TRUE;
			if (entry->readers || entry->writers)
			{
				entry->cond->wait(entry->cond, this->mutex);
				break;
			}
			this->connections->remove_at(this->connections, enumerator);
			if (entry->events)
			{
				entry->events = FALSE;
				this->listeners--;
			}
			entry->cond->broadcast(entry->cond);
			found = entry;
			break;
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return found;
}

/**
 * Release a claim.
 */
static void put_entry(private_dpc_socket_t *this, entry_t *entry,
					  bool reader, bool writer)
{
	this->mutex->lock(this->mutex);
	entry->readers -= reader;
	entry->writers -= writer;
	entry->cond->signal(entry->cond);
	this->mutex->unlock(this->mutex);
}

CALLBACK(disconnect_async, job_requeue_t,
	entry_selector_t *sel)
{
	entry_t *entry;

	entry = remove_entry(sel->this, sel->id);
	if (entry)
	{
		destroy_entry(entry);
	}
	return JOB_REQUEUE_NONE;
}

/**
 * Mark a claimed entry as disconnecting and remove it asynchronously (the
 * stream cannot be destroyed from its own watcher callback).
 */
static void drop(private_dpc_socket_t *this, entry_t *entry)
{
	entry_selector_t *sel;
	bool first;

	this->mutex->lock(this->mutex);
	first = !entry->disconnecting;
	entry->disconnecting = TRUE;
	if (entry->events)
	{
		entry->events = FALSE;
		this->listeners--;
	}
	this->mutex->unlock(this->mutex);

	if (first)
	{
		INIT(sel,
			.this = this,
			.id = entry->id,
		);
		lib->processor->queue_job(lib->processor,
				(job_t*)callback_job_create(disconnect_async, sel, free, NULL));
	}
}

/**
 * Write queued packets until done or the stream would block.
 */
static bool do_write(entry_t *entry, stream_t *stream, char *err,
					 size_t errlen, bool block)
{
	out_buf_t *out;
	ssize_t len;

	while (array_get(entry->out, ARRAY_HEAD, &out))
	{
		while (out->done < out->buf.len)
		{
			len = stream->write(stream, out->buf.ptr + out->done,
								out->buf.len - out->done, block);
			if (len == 0)
			{
				snprintf(err, errlen, "client disconnected");
				return FALSE;
			}
			if (len < 0)
			{
				if (errno == EWOULDBLOCK)
				{
					return TRUE;
				}
				if (errno != EPIPE && errno != ECONNRESET)
				{
					snprintf(err, errlen, "write error: %s", strerror(errno));
				}
				return FALSE;
			}
			out->done += len;
		}
		array_remove(entry->out, ARRAY_HEAD, NULL);
		entry->out_bytes -= out->buf.len;
		out_buf_destroy(out);
	}
	return TRUE;
}

CALLBACK(on_write, bool,
	private_dpc_socket_t *this, stream_t *stream)
{
	char err[128] = "";
	entry_t *entry;
	bool ret = FALSE;

	entry = find_entry(this, stream, 0, FALSE, TRUE);
	if (entry)
	{
		ret = do_write(entry, stream, err, sizeof(err), FALSE);
		if (ret)
		{	/* keep the callback only while there is something to send */
			ret = array_count(entry->out) != 0;
		}
		else
		{
			drop(this, entry);
		}
		put_entry(this, entry, FALSE, TRUE);
		if (err[0])
		{
			DBG1(DBG_CFG, "dataplane-check: query socket %s", err);
		}
	}
	return ret;
}

CALLBACK(enable_writer, job_requeue_t,
	entry_selector_t *sel)
{
	entry_t *entry;

	entry = find_entry(sel->this, NULL, sel->id, FALSE, TRUE);
	if (entry)
	{
		entry->stream->on_write(entry->stream, on_write, sel->this);
		put_entry(sel->this, entry, FALSE, TRUE);
	}
	return JOB_REQUEUE_NONE;
}

/**
 * Queue a complete packet (with length prefix) for a client; takes pkt.
 */
static void queue_out(private_dpc_socket_t *this, u_int id, chunk_t pkt)
{
	entry_selector_t *sel;
	out_buf_t *out;
	entry_t *entry;

	entry = find_entry(this, NULL, id, FALSE, TRUE);
	if (!entry)
	{
		chunk_free(&pkt);
		return;
	}
	if (entry->out_bytes + pkt.len > MAX_QUEUED_OUT)
	{
		DBG1(DBG_CFG, "dataplane-check: query socket client does not read "
			 "(%zu bytes queued), disconnecting it", entry->out_bytes);
		chunk_free(&pkt);
		drop(this, entry);
		put_entry(this, entry, FALSE, TRUE);
		return;
	}
	INIT(out,
		.buf = pkt,
	);
	array_insert(entry->out, ARRAY_TAIL, out);
	entry->out_bytes += pkt.len;
	if (array_count(entry->out) == 1)
	{	/* the watcher callback cannot be changed from here */
		INIT(sel,
			.this = this,
			.id = id,
		);
		lib->processor->queue_job(lib->processor,
				(job_t*)callback_job_create(enable_writer, sel, free, NULL));
	}
	put_entry(this, entry, FALSE, TRUE);
}

/**
 * Build and queue a packet.
 */
static void send_packet(private_dpc_socket_t *this, u_int id,
						dpc_vici_packet_type_t type, char *name, chunk_t msg)
{
	uint8_t *pkt;
	size_t len;

	pkt = dpc_vici_packet_build(type, name, msg.ptr, msg.len, &len);
	if (!pkt)
	{
		DBG1(DBG_CFG, "dataplane-check: %s reply of %zu bytes too large, "
			 "discarded", dpc_vici_packet_type_name(type), msg.len);
		return;
	}
	queue_out(this, id, chunk_create(pkt, len));
}

/**
 * Answer a command with msg, or with success=no if msg is empty.
 */
static void respond(private_dpc_socket_t *this, u_int id, char *cmd,
					chunk_t msg)
{
	dpc_vici_builder_t b;
	uint8_t *err;
	size_t len;

	if (msg.ptr)
	{
		send_packet(this, id, DPC_VICI_CMD_RESPONSE, NULL, msg);
		return;
	}
	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "success", "no");
	dpc_vici_add_kvf(&b, "errmsg", "%s failed", cmd);
	if (dpc_vici_builder_finish(&b, &err, &len))
	{
		send_packet(this, id, DPC_VICI_CMD_RESPONSE, NULL,
					chunk_create(err, len));
		free(err);
	}
}

/**
 * State of a running check, for cleanup on cancellation.
 */
typedef struct {
	private_dpc_socket_t *this;
	array_t *waiters;
} check_state_t;

static void check_cleanup(check_state_t *state)
{
	private_dpc_socket_t *this = state->this;

	this->mutex->lock(this->mutex);
	this->checking = FALSE;
	this->mutex->unlock(this->mutex);
	array_destroy(state->waiters);
}

/**
 * Handle `check`: one thread runs checks while clients are waiting, every
 * client is answered by a round that started after its request.
 */
static void do_check(private_dpc_socket_t *this, u_int id)
{
	check_state_t state = {
		.this = this,
	};
	chunk_t reply;
	u_int wid;

	this->mutex->lock(this->mutex);
	array_insert(this->waiters, ARRAY_TAIL, &id);
	if (this->checking)
	{
		this->mutex->unlock(this->mutex);
		return;
	}
	this->checking = TRUE;
	while (array_count(this->waiters))
	{
		state.waiters = this->waiters;
		this->waiters = array_create(sizeof(u_int), 0);
		this->mutex->unlock(this->mutex);

		thread_cleanup_push((void*)check_cleanup, &state);
		reply = this->provider->check(this->provider);
		thread_cleanup_pop(FALSE);

		while (array_remove(state.waiters, ARRAY_HEAD, &wid))
		{
			respond(this, wid, "check", reply);
		}
		array_destroy(state.waiters);
		chunk_free(&reply);
		this->mutex->lock(this->mutex);
	}
	this->checking = FALSE;
	this->mutex->unlock(this->mutex);
}

/**
 * Register or unregister a client for an event.
 */
static void do_register(private_dpc_socket_t *this, u_int id, char *name,
						bool reg)
{
	enumerator_t *enumerator;
	entry_t *entry;

	if (!streq(name, DPC_SOCKET_EVENT_FINDING))
	{
		send_packet(this, id, DPC_VICI_EVENT_UNKNOWN, NULL, chunk_empty);
		return;
	}
	this->mutex->lock(this->mutex);
	enumerator = this->connections->create_enumerator(this->connections);
	while (enumerator->enumerate(enumerator, &entry))
	{
		if (entry->id == id && !entry->disconnecting && entry->events != reg)
		{
			entry->events = reg;
			this->listeners += reg ? 1 : -1;
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	send_packet(this, id, DPC_VICI_EVENT_CONFIRM, NULL, chunk_empty);
}

/**
 * Close a connection because of a protocol error.
 */
static void reject(private_dpc_socket_t *this, u_int id, const char *err)
{
	entry_t *entry;

	DBG1(DBG_CFG, "dataplane-check: query socket client sent a malformed "
		 "packet (%s), disconnecting it", err);
	entry = find_entry(this, NULL, id, FALSE, TRUE);
	if (entry)
	{
		drop(this, entry);
		put_entry(this, entry, FALSE, TRUE);
	}
}

/**
 * Process one received packet.
 */
static void handle(private_dpc_socket_t *this, u_int id, chunk_t data)
{
	dpc_vici_packet_t pkt;
	dpc_vici_node_t *tree;
	const char *err = NULL;
	chunk_t reply;

	if (!dpc_vici_packet_parse(data.ptr, data.len, &pkt, &err))
	{
		reject(this, id, err);
		return;
	}
	switch (pkt.type)
	{
		case DPC_VICI_CMD_REQUEST:
			/* the message must be well-formed, whether the command takes
			 * arguments or not */
			tree = dpc_vici_parse(pkt.msg, pkt.len, &err);
			if (!tree)
			{
				reject(this, id, err);
				return;
			}
			dpc_vici_node_free(tree);
			if (streq(pkt.name, "status"))
			{
				reply = this->provider->status(this->provider);
			}
			else if (streq(pkt.name, "version"))
			{
				reply = this->provider->version(this->provider);
			}
			else if (streq(pkt.name, "trace"))
			{
				reply = this->provider->trace(this->provider,
							chunk_create((u_char*)pkt.msg, pkt.len));
			}
			else if (streq(pkt.name, "check"))
			{
				do_check(this, id);
				return;
			}
			else
			{
				send_packet(this, id, DPC_VICI_CMD_UNKNOWN, NULL, chunk_empty);
				return;
			}
			respond(this, id, pkt.name, reply);
			chunk_free(&reply);
			return;
		case DPC_VICI_EVENT_REGISTER:
		case DPC_VICI_EVENT_UNREGISTER:
			do_register(this, id, pkt.name,
						pkt.type == DPC_VICI_EVENT_REGISTER);
			return;
		default:
			reject(this, id, "unexpected packet type");
			return;
	}
}

CALLBACK(process_queue, job_requeue_t,
	entry_selector_t *sel)
{
	entry_t *entry;
	chunk_t chunk;
	bool found;

	while (TRUE)
	{
		entry = find_entry(sel->this, NULL, sel->id, TRUE, FALSE);
		if (!entry)
		{
			break;
		}
		found = array_remove(entry->queue, ARRAY_HEAD, &chunk);
		if (!found)
		{
			entry->has_processor = FALSE;
		}
		put_entry(sel->this, entry, TRUE, FALSE);
		if (!found)
		{
			break;
		}
		thread_cleanup_push((void*)chunk_free, &chunk);
		handle(sel->this, sel->id, chunk);
		thread_cleanup_pop(TRUE);
	}
	return JOB_REQUEUE_NONE;
}

/**
 * Read what is available of the current packet without blocking.
 */
static bool do_read(entry_t *entry, stream_t *stream, char *err,
					size_t errlen)
{
	uint32_t len;
	ssize_t n;

	while (entry->in.hdrlen < sizeof(entry->in.hdr))
	{
		n = stream->read(stream, entry->in.hdr + entry->in.hdrlen,
						 sizeof(entry->in.hdr) - entry->in.hdrlen, FALSE);
		if (n == 0)
		{	/* orderly close between packets */
			if (entry->in.hdrlen)
			{
				snprintf(err, errlen, "client closed within a packet");
			}
			return FALSE;
		}
		if (n < 0)
		{
			if (errno == EWOULDBLOCK)
			{
				return TRUE;
			}
			if (errno != ECONNRESET)
			{
				snprintf(err, errlen, "read error: %s", strerror(errno));
			}
			return FALSE;
		}
		entry->in.hdrlen += n;
		if (entry->in.hdrlen == sizeof(entry->in.hdr))
		{
			len = dpc_vici_get_len(entry->in.hdr);
			if (len == 0 || len > DPC_VICI_MAX_PACKET)
			{
				snprintf(err, errlen, "client sent a packet length of %u "
						 "bytes (limit %u), disconnecting it", len,
						 DPC_VICI_MAX_PACKET);
				return FALSE;
			}
			entry->in.buf = chunk_alloc(len);
			entry->in.done = 0;
		}
	}
	while (entry->in.done < entry->in.buf.len)
	{
		n = stream->read(stream, entry->in.buf.ptr + entry->in.done,
						 entry->in.buf.len - entry->in.done, FALSE);
		if (n == 0)
		{
			snprintf(err, errlen, "client closed within a packet");
			return FALSE;
		}
		if (n < 0)
		{
			if (errno == EWOULDBLOCK)
			{
				return TRUE;
			}
			if (errno != ECONNRESET)
			{
				snprintf(err, errlen, "read error: %s", strerror(errno));
			}
			return FALSE;
		}
		entry->in.done += n;
	}
	return TRUE;
}

CALLBACK(on_read, bool,
	private_dpc_socket_t *this, stream_t *stream)
{
	entry_selector_t *sel;
	char err[128] = "";
	entry_t *entry;
	bool ret = FALSE;

	entry = find_entry(this, stream, 0, TRUE, FALSE);
	if (entry)
	{
		ret = do_read(entry, stream, err, sizeof(err));
		if (ret && entry->in.hdrlen == sizeof(entry->in.hdr) &&
			entry->in.done == entry->in.buf.len)
		{
			if (array_count(entry->queue) >= MAX_QUEUED_IN)
			{
				snprintf(err, sizeof(err), "client sent too many requests "
						 "at once, disconnecting it");
				ret = FALSE;
			}
			else
			{
				array_insert(entry->queue, ARRAY_TAIL, &entry->in.buf);
				entry->in.buf = chunk_empty;
				entry->in.hdrlen = 0;
				entry->in.done = 0;
				if (!entry->has_processor)
				{
					INIT(sel,
						.this = this,
						.id = entry->id,
					);
					lib->processor->queue_job(lib->processor,
						(job_t*)callback_job_create(process_queue, sel,
													free, NULL));
					entry->has_processor = TRUE;
				}
			}
		}
		if (!ret)
		{
			drop(this, entry);
		}
		put_entry(this, entry, TRUE, FALSE);
		if (err[0])
		{
			DBG1(DBG_CFG, "dataplane-check: query socket %s", err);
		}
	}
	return ret;
}

CALLBACK(on_accept, bool,
	private_dpc_socket_t *this, stream_t *stream)
{
	entry_t *entry;

	this->mutex->lock(this->mutex);
	if (this->connections->get_count(this->connections) >= MAX_CLIENTS)
	{
		this->mutex->unlock(this->mutex);
		DBG1(DBG_CFG, "dataplane-check: query socket has %d clients, "
			 "refusing another", MAX_CLIENTS);
		/* the service closes the stream */
		return FALSE;
	}
	INIT(entry,
		.this = this,
		.stream = stream,
		.id = ++this->nextid,
		.out = array_create(0, 0),
		.queue = array_create(sizeof(chunk_t), 0),
		.cond = condvar_create(CONDVAR_TYPE_DEFAULT),
		.readers = 1,
	);
	this->connections->insert_last(this->connections, entry);
	this->mutex->unlock(this->mutex);

	stream->on_read(stream, on_read, this);
	put_entry(this, entry, TRUE, FALSE);
	return TRUE;
}

METHOD(dpc_socket_t, notify, void,
	private_dpc_socket_t *this, chunk_t msg)
{
	enumerator_t *enumerator;
	entry_t *entry;
	array_t *ids;
	uint8_t *pkt;
	size_t len;
	u_int id;

	this->mutex->lock(this->mutex);
	if (!this->listeners)
	{
		this->mutex->unlock(this->mutex);
		return;
	}
	ids = array_create(sizeof(u_int), 0);
	enumerator = this->connections->create_enumerator(this->connections);
	while (enumerator->enumerate(enumerator, &entry))
	{
		if (entry->events && !entry->disconnecting)
		{
			array_insert(ids, ARRAY_TAIL, &entry->id);
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);

	pkt = dpc_vici_packet_build(DPC_VICI_EVENT, DPC_SOCKET_EVENT_FINDING,
								msg.ptr, msg.len, &len);
	if (!pkt)
	{
		DBG1(DBG_CFG, "dataplane-check: finding event of %zu bytes too "
			 "large, discarded", msg.len);
	}
	while (pkt && array_remove(ids, ARRAY_HEAD, &id))
	{
		queue_out(this, id, chunk_clone(chunk_create(pkt, len)));
	}
	free(pkt);
	array_destroy(ids);
}

METHOD(dpc_socket_t, has_listeners, bool,
	private_dpc_socket_t *this)
{
	bool any;

	this->mutex->lock(this->mutex);
	any = this->listeners > 0;
	this->mutex->unlock(this->mutex);
	return any;
}

CALLBACK(flush_entry, void,
	entry_t *entry, va_list args)
{
	char err[128];

	/* best effort, never block shutdown on a client that does not read */
	do_write(entry, entry->stream, err, sizeof(err), FALSE);
}

METHOD(dpc_socket_t, destroy, void,
	private_dpc_socket_t *this)
{
	DESTROY_IF(this->service);
	this->connections->invoke_function(this->connections, flush_entry);
	this->connections->destroy_function(this->connections, destroy_entry);
	array_destroy(this->waiters);
	this->mutex->destroy(this->mutex);
	free(this);
}

/**
 * Resolve a group name or number.
 */
static bool resolve_group(const char *name, gid_t *gid)
{
	struct group grp, *res = NULL;
	char buf[16384], *end;
	unsigned long num;

	errno = 0;
	num = strtoul(name, &end, 10);
	if (*name && !*end && !errno)
	{
		*gid = num;
		return TRUE;
	}
	if (getgrnam_r(name, &grp, buf, sizeof(buf), &res) == 0 && res)
	{
		*gid = res->gr_gid;
		return TRUE;
	}
	return FALSE;
}

/**
 * Apply socket_mode and socket_group to a unix:// socket.
 */
static void set_permissions(const dpc_settings_t *settings)
{
	const char *path;
	gid_t gid;

	if (!strpfx(settings->socket, "unix://"))
	{
		return;
	}
	path = settings->socket + strlen("unix://");
	if (chmod(path, settings->socket_mode & 07777) != 0)
	{
		DBG1(DBG_CFG, "dataplane-check: chmod %04o '%s' failed: %s",
			 settings->socket_mode & 07777, path, strerror(errno));
	}
	if (!settings->socket_group[0])
	{
		return;
	}
	if (!resolve_group(settings->socket_group, &gid))
	{
		DBG1(DBG_CFG, "dataplane-check: unknown socket_group '%s', socket "
			 "group unchanged", settings->socket_group);
		return;
	}
	if (chown(path, -1, gid) != 0)
	{
		DBG1(DBG_CFG, "dataplane-check: changing group of '%s' to '%s' "
			 "failed: %s", path, settings->socket_group, strerror(errno));
	}
}

/*
 * Described in header
 */
dpc_socket_t *dpc_socket_create(const dpc_settings_t *settings,
								dpc_socket_provider_t *provider)
{
	private_dpc_socket_t *this;

	INIT(this,
		.public = {
			.notify = _notify,
			.has_listeners = _has_listeners,
			.destroy = _destroy,
		},
		.provider = provider,
		.connections = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.waiters = array_create(sizeof(u_int), 0),
	);

	this->service = lib->streams->create_service(lib->streams,
											(char*)settings->socket, 10);
	if (!this->service)
	{
		DBG1(DBG_CFG, "dataplane-check: creating query socket '%s' failed",
			 settings->socket);
		destroy(this);
		return NULL;
	}
	set_permissions(settings);
	this->service->on_accept(this->service, on_accept, this,
							 JOB_PRIO_CRITICAL, 1);
	return &this->public;
}
