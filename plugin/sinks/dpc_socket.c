/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 *
 * One thread polls the listening socket, the clients and a wake-up
 * eventfd. Only that thread reads, accepts and closes; other threads
 * (command replies, finding events) queue output under the mutex and wake
 * it. The connections themselves are dpc_socket_conn.c, the listening
 * socket dpc_socket_unix.c.
 */

#include "dpc_socket.h"
#include "dpc_socket_conn.h"
#include "dpc_socket_unix.h"
#include "proto/dpc_report.h"
#include "model/dpc_bulk.h"

#include <threading/mutex.h>
#include <threading/thread.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/** most output bytes waiting to be sent, per client */
#define MAX_QUEUED_OUT (4 * (DPC_VICI_MAX_PACKET + 4))
/** largest socket_clients honoured */
#define MAX_CLIENTS 1024
/** connections over socket_clients answered busy at once; more are closed */
#define MAX_REFUSED 16
/** largest request of a connection answered busy */
#define REFUSED_MAX_PACKET 4096
/** ms a connection answered busy may take to ask and read */
#define REFUSED_MS 2000
/** ms between two log lines about refused connections */
#define REFUSED_LOG_MS 60000
/** ms a connection must have been silent before a new client evicts it */
#define EVICT_MIN_IDLE_MS 1000
/** ms it must have been silent before a client answered busy that asks
 *  for something takes its slot */
#define PROMOTE_MIN_IDLE_MS 200
/** ms without accept() after it failed for lack of resources */
#define ACCEPT_PAUSE_MS 1000
/** listen() backlog */
#define BACKLOG 32

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
	 * Handles command requests.
	 */
	dpc_socket_command_cb_t cb;

	/**
	 * Context for cb.
	 */
	void *user;

	/**
	 * Listening socket.
	 */
	int lfd;

	/**
	 * Wakes the thread when output was queued.
	 */
	int wake;

	/**
	 * The socket's thread.
	 */
	thread_t *thread;

	/**
	 * Set (under mutex) when the thread is to return.
	 */
	bool stopping;

	/**
	 * Limits of every connection.
	 */
	dpc_socket_limits_t limits;

	/**
	 * Limits of connections answered busy.
	 */
	dpc_socket_limits_t refused_limits;

	/**
	 * Most clients served at once.
	 */
	u_int max_clients;

	/**
	 * Connections: served ones, then those answered busy; only the thread
	 * adds and removes them.
	 */
	dpc_conn_t **conns;

	/**
	 * Connections answered busy, they have refused set.
	 */
	bool *refused;

	/**
	 * Number of entries in conns.
	 */
	u_int count;

	/**
	 * Poll set, one entry per connection after the wake fd and lfd.
	 */
	struct pollfd *pfds;

	/**
	 * Protects output queues, flags and listeners.
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
	 * Connections refused since the last log line about it, and its time.
	 */
	u_int refused_count;
	uint64_t refused_logged;

	/**
	 * No accept() before this monotonic ms (out of descriptors)
	 */
	uint64_t accept_paused;
};

/**
 * Monotonic time in ms.
 */
static uint64_t now_ms()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * Wake the thread (output was queued, a reply arrived).
 */
static void wake(private_dpc_socket_t *this)
{
	uint64_t one = 1;

	if (write(this->wake, &one, sizeof(one)) < 0)
	{	/* EAGAIN: the counter is far from empty, the thread wakes anyway */
	}
}

/**
 * Find a connection by id, with the mutex held.
 */
static dpc_conn_t *find(private_dpc_socket_t *this, u_int id)
{
	u_int i;

	for (i = 0; i < this->count; i++)
	{
		if (this->conns[i]->id == id)
		{
			return this->conns[i];
		}
	}
	return NULL;
}

/**
 * Queue a packet for a connection, with the mutex held; a client that has
 * too much queued is marked for closing (fd < 0 is not used: closing is
 * done by the thread) and loses its event registration.
 *
 * @return			FALSE if the client was dropped
 */
static bool queue(private_dpc_socket_t *this, dpc_conn_t *conn, uint8_t *pkt,
				  size_t len)
{
	if (dpc_conn_queue(conn, pkt, len, &this->limits))
	{
		return TRUE;
	}
	if (conn->events)
	{
		conn->events = FALSE;
		this->listeners--;
	}
	conn->awaiting = FALSE;
	conn->closing = TRUE;
	/* nothing more is sent to it */
	dpc_conn_discard_output(conn);
	return FALSE;
}

/**
 * Build and queue a packet for a client by id.
 */
static void send_to(private_dpc_socket_t *this, u_int id,
					dpc_vici_packet_type_t type, chunk_t msg, bool reply)
{
	dpc_conn_t *conn;
	uint8_t *pkt;
	size_t len, queued = 0;
	bool ok = TRUE;

	pkt = dpc_vici_packet_build(type, NULL, msg.ptr, msg.len, &len);
	if (!pkt)
	{
		DBG1(DBG_CFG, "dataplane-check: %s reply of %zu bytes too large, "
			 "discarded", dpc_vici_packet_type_name(type), msg.len);
	}
	this->mutex->lock(this->mutex);
	conn = find(this, id);
	if (conn && reply)
	{	/* its next request may be read */
		conn->awaiting = FALSE;
		conn->active = now_ms();
	}
	if (conn && pkt)
	{
		queued = conn->out_bytes;
		ok = queue(this, conn, pkt, len);
	}
	else
	{
		dpc_vici_msg_free(pkt);
	}
	this->mutex->unlock(this->mutex);
	if (!ok)
	{
		DBG1(DBG_CFG, "dataplane-check: query socket client does not read "
			 "(%zu bytes queued), disconnecting it", queued);
	}
	wake(this);
}

METHOD(dpc_socket_t, respond, void,
	private_dpc_socket_t *this, u_int id, chunk_t msg)
{
	send_to(this, id, DPC_VICI_CMD_RESPONSE, msg, TRUE);
}

METHOD(dpc_socket_t, busy, void,
	private_dpc_socket_t *this, u_int id, const char *reason)
{
	uint8_t *msg;
	size_t len;

	if (dpc_report_busy(reason, &msg, &len))
	{
		send_to(this, id, DPC_VICI_CMD_RESPONSE, chunk_create(msg, len), TRUE);
		dpc_vici_msg_free(msg);
	}
}

METHOD(dpc_socket_t, notify, void,
	private_dpc_socket_t *this, chunk_t msg)
{
	uint8_t *pkt, *copy;
	size_t len;
	u_int i, dropped = 0;

	pkt = dpc_vici_packet_build(DPC_VICI_EVENT, DPC_SOCKET_EVENT_FINDING,
								msg.ptr, msg.len, &len);
	if (!pkt)
	{
		DBG1(DBG_CFG, "dataplane-check: finding event of %zu bytes too "
			 "large, discarded", msg.len);
		return;
	}
	this->mutex->lock(this->mutex);
	for (i = 0; i < this->count; i++)
	{
		if (!this->conns[i]->events)
		{
			continue;
		}
		copy = dpc_bulk_alloc(len);
		if (copy)
		{
			memcpy(copy, pkt, len);
		}
		if (!copy || !queue(this, this->conns[i], copy, len))
		{
			dropped++;
		}
	}
	this->mutex->unlock(this->mutex);
	dpc_vici_msg_free(pkt);
	if (dropped)
	{
		DBG1(DBG_CFG, "dataplane-check: %u finding event subscriber(s) of "
			 "the query socket do not read (over %zu bytes queued), "
			 "disconnecting them", dropped, (size_t)MAX_QUEUED_OUT);
	}
	wake(this);
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

/**
 * Log refused connections, at most once a minute.
 */
static void log_refused(private_dpc_socket_t *this, uint64_t now)
{
	this->refused_count++;
	if (this->refused_logged && now - this->refused_logged < REFUSED_LOG_MS)
	{
		return;
	}
	DBG1(DBG_CFG, "dataplane-check: query socket has %u clients "
		 "(socket_clients), answered %u more busy", this->max_clients,
		 this->refused_count);
	this->refused_logged = now;
	this->refused_count = 0;
}

/**
 * Count connections answered busy, and those served (not closing).
 */
static u_int count_refused(private_dpc_socket_t *this, u_int *served)
{
	u_int i, n = 0;

	*served = 0;
	for (i = 0; i < this->count; i++)
	{
		n += this->refused[i];
		*served += !this->refused[i] && !this->conns[i]->closing;
	}
	return n;
}

/**
 * Can connection i be evicted: silent for EVICT_MIN_IDLE_MS, awaiting
 * nothing, nothing queued either way, not registered for events?
 */
static bool evictable(private_dpc_socket_t *this, u_int i, uint64_t now,
					  uint32_t min_idle)
{
	return !this->refused[i] &&
		   dpc_conn_silent(this->conns[i], now, min_idle);
}

/**
 * Make room for a new client: close the served connection silent for the
 * longest time, so that silent clients cannot lock out others.
 *
 * @return			TRUE if one was closed
 */
static bool evict_idle(private_dpc_socket_t *this, uint64_t now,
					   uint32_t min_idle)
{
	dpc_conn_t *conn, *oldest = NULL;
	u_int i;

	this->mutex->lock(this->mutex);
	for (i = 0; i < this->count; i++)
	{
		conn = this->conns[i];
		if (!evictable(this, i, now, min_idle))
		{
			continue;
		}
		if (!oldest || conn->active < oldest->active)
		{
			oldest = conn;
		}
	}
	if (oldest)
	{	/* closed by the thread on its next pass */
		oldest->closing = TRUE;
	}
	this->mutex->unlock(this->mutex);
	return oldest != NULL;
}

/**
 * Accept one connection; FALSE if there is none.
 */
static bool accept_one(private_dpc_socket_t *this)
{
	dpc_conn_t *conn;
	u_int refused, served;
	bool refuse;
	uint64_t now;
	int fd;

	fd = accept(this->lfd, NULL, NULL);
	if (fd >= 0 && (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
					fcntl(fd, F_SETFL, O_NONBLOCK) != 0))
	{
		close(fd);
		return TRUE;
	}
	if (fd < 0)
	{
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			errno != ECONNABORTED)
		{	/* e.g. out of descriptors: the socket stays readable, so do
			 * not poll it for a while instead of spinning */
			DBG1(DBG_CFG, "dataplane-check: query socket accept failed: %s, "
				 "pausing for %dms", strerror(errno), ACCEPT_PAUSE_MS);
			this->accept_paused = now_ms() + ACCEPT_PAUSE_MS;
		}
		return errno == EINTR || errno == ECONNABORTED;
	}
	now = now_ms();
	refused = count_refused(this, &served);
	refuse = served >= this->max_clients &&
			 !evict_idle(this, now, EVICT_MIN_IDLE_MS);
	if (refuse)
	{
		log_refused(this, now);
		if (refused >= MAX_REFUSED)
		{
			close(fd);
			return TRUE;
		}
	}
	conn = dpc_conn_create(fd, ++this->nextid,
					refuse ? &this->refused_limits : &this->limits, now);
	if (!conn)
	{
		return TRUE;
	}
	this->mutex->lock(this->mutex);
	this->refused[this->count] = refuse;
	this->conns[this->count++] = conn;
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/**
 * Close and remove the connection at index i (the thread only).
 */
static void remove_conn(private_dpc_socket_t *this, u_int i)
{
	dpc_conn_t *conn;

	this->mutex->lock(this->mutex);
	conn = this->conns[i];
	if (conn->events)
	{
		this->listeners--;
	}
	this->count--;
	this->conns[i] = this->conns[this->count];
	this->refused[i] = this->refused[this->count];
	this->mutex->unlock(this->mutex);
	dpc_conn_destroy(conn);
}

/**
 * Register or unregister a client for an event.
 */
static void do_register(private_dpc_socket_t *this, dpc_conn_t *conn,
						const char *name, bool reg)
{
	chunk_t none = chunk_empty;

	if (!streq(name, DPC_SOCKET_EVENT_FINDING))
	{
		send_to(this, conn->id, DPC_VICI_EVENT_UNKNOWN, none, FALSE);
		return;
	}
	this->mutex->lock(this->mutex);
	if (conn->events != reg && !conn->closing)
	{
		conn->events = reg;
		this->listeners += reg ? 1 : -1;
	}
	conn->active = now_ms();
	this->mutex->unlock(this->mutex);
	send_to(this, conn->id, DPC_VICI_EVENT_CONFIRM, none, FALSE);
}

/**
 * Hand a command to the callback.
 */
static void do_command(private_dpc_socket_t *this, dpc_conn_t *conn,
					   const dpc_vici_packet_t *pkt)
{
	this->mutex->lock(this->mutex);
	conn->awaiting = TRUE;
	conn->active = now_ms();
	this->mutex->unlock(this->mutex);

	if (!this->cb(this->user, conn->id, (char*)pkt->name,
				  chunk_create((u_char*)pkt->msg, pkt->len)))
	{
		send_to(this, conn->id, DPC_VICI_CMD_UNKNOWN, chunk_empty, TRUE);
	}
}

/**
 * Answer the request of a connection over socket_clients, then close it.
 */
static void do_refuse(private_dpc_socket_t *this, dpc_conn_t *conn,
					  const dpc_vici_packet_t *pkt)
{
	char reason[64];

	if (pkt->type == DPC_VICI_CMD_REQUEST)
	{
		snprintf(reason, sizeof(reason), "%u clients are connected",
				 this->max_clients);
		busy(this, conn->id, reason);
	}
	this->mutex->lock(this->mutex);
	conn->closing = TRUE;
	this->mutex->unlock(this->mutex);
}

/**
 * Handle the complete packet a connection holds, if its rate allows.
 *
 * @return			ms until it may be handled, 0 if it was
 */
static uint32_t dispatch(private_dpc_socket_t *this, u_int i)
{
	dpc_conn_t *conn = this->conns[i];
	const dpc_vici_packet_t *pkt;
	uint32_t wait;

	pkt = dpc_vici_frame_packet(&conn->frame);
	if (this->refused[i] && pkt->type == DPC_VICI_CMD_REQUEST &&
		evict_idle(this, now_ms(), PROMOTE_MIN_IDLE_MS))
	{	/* a client that asks takes the slot of one that does not */
		this->refused[i] = FALSE;
		conn->frame.max = this->limits.max_packet;
		conn->tokens = (uint64_t)this->limits.rate * 1000;
	}
	if (this->refused[i])
	{
		do_refuse(this, conn, pkt);
	}
	else
	{
		wait = dpc_conn_take_token(conn, &this->limits, now_ms());
		if (wait)
		{
			return wait;
		}
		switch (pkt->type)
		{
			case DPC_VICI_CMD_REQUEST:
				do_command(this, conn, pkt);
				break;
			default:
				do_register(this, conn, pkt->name,
							pkt->type == DPC_VICI_EVENT_REGISTER);
				break;
		}
	}
	dpc_vici_frame_next(&conn->frame);
	return 0;
}

/**
 * Read from a connection until it would block or holds a packet.
 *
 * @return			FALSE if it must be closed
 */
static bool do_read(private_dpc_socket_t *this, u_int i)
{
	dpc_conn_t *conn = this->conns[i];
	char err[160];

	while (TRUE)
	{
		switch (dpc_conn_read(conn, err, sizeof(err)))
		{
			case DPC_CONN_READ_MORE:
				return TRUE;
			case DPC_CONN_READ_PACKET:
				dispatch(this, i);
				return TRUE;
			case DPC_CONN_READ_CLOSED:
				return FALSE;
			case DPC_CONN_READ_ERROR:
				if (err[0])
				{
					DBG1(DBG_CFG, "dataplane-check: query socket %s", err);
				}
				return FALSE;
		}
	}
}

/**
 * Send what a connection has queued.
 *
 * @return			FALSE if it must be closed
 */
static bool do_write(private_dpc_socket_t *this, dpc_conn_t *conn)
{
	char err[160];
	bool ok;

	this->mutex->lock(this->mutex);
	ok = dpc_conn_write(conn, err, sizeof(err));
	if (ok && conn->closing && !conn->out_count)
	{	/* answered busy, or dropped after too much output */
		ok = FALSE;
		err[0] = '\0';
	}
	this->mutex->unlock(this->mutex);
	if (err[0])
	{
		DBG1(DBG_CFG, "dataplane-check: query socket %s", err);
	}
	return ok;
}

/**
 * When connection i times out (0: not), with the mutex held: a connection answered busy or dropped gets REFUSED_MS to take
 * its output, a silent one socket_idle_timeout.
 */
static uint64_t deadline_of(private_dpc_socket_t *this, u_int i)
{
	dpc_conn_t *conn = this->conns[i];

	if (this->refused[i] || conn->closing)
	{
		return conn->active + REFUSED_MS;
	}
	return dpc_conn_idle_deadline(conn, &this->limits);
}

/**
 * Service connection i after poll(); FALSE if it must be closed.
 */
static bool service(private_dpc_socket_t *this, u_int i, short revents,
					uint64_t now)
{
	dpc_conn_t *conn = this->conns[i];
	bool closing, held;
	uint64_t deadline;

	/* other threads change these flags (replies, events) */
	this->mutex->lock(this->mutex);
	closing = conn->closing;
	held = !conn->awaiting && !conn->closing;
	this->mutex->unlock(this->mutex);

	if (((revents & POLLOUT) || closing) && !do_write(this, conn))
	{
		return FALSE;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
	{
		if (!do_read(this, i))
		{
			return FALSE;
		}
	}
	else if (held && dpc_vici_frame_packet(&conn->frame))
	{	/* held back by the rate limit */
		dispatch(this, i);
	}
	this->mutex->lock(this->mutex);
	deadline = deadline_of(this, i);
	this->mutex->unlock(this->mutex);
	if (deadline && now >= deadline)
	{
		DBG2(DBG_CFG, "dataplane-check: query socket client idle, "
			 "disconnecting it");
		return FALSE;
	}
	return TRUE;
}

/**
 * Shorten a poll() timeout to a deadline.
 */
static void until(int *timeout, uint64_t deadline, uint64_t now)
{
	int left;

	if (deadline)
	{
		left = deadline > now ? (int)MIN(deadline - now, INT_MAX) : 0;
		*timeout = *timeout < 0 || left < *timeout ? left : *timeout;
	}
}

/**
 * Poll events for connection i and its timeout, with the mutex held.
 */
static short conn_events(private_dpc_socket_t *this, u_int i, uint64_t now,
						 int *timeout)
{
	dpc_conn_t *conn = this->conns[i];
	short events = 0;

	if (conn->out_count)
	{
		events |= POLLOUT;
	}
	if (conn->closing)
	{	/* closed once its output is sent, or at its deadline */
		until(timeout, conn->out_count ? deadline_of(this, i) : now, now);
	}
	else if (!conn->awaiting && dpc_vici_frame_packet(&conn->frame))
	{	/* a packet held back by the rate limit: retry soon */
		until(timeout, now + 1000 / this->limits.rate + 1, now);
	}
	else if (!conn->awaiting)
	{
		events |= POLLIN;
		until(timeout, deadline_of(this, i), now);
	}
	return events;
}

/**
 * Fill the poll set; returns the timeout for poll().
 */
static int prepare(private_dpc_socket_t *this, uint64_t now)
{
	int timeout = -1;
	u_int i;

	this->pfds[0] = (struct pollfd){ .fd = this->wake, .events = POLLIN };
	this->pfds[1] = (struct pollfd){ .fd = this->lfd, .events = POLLIN };
	if (this->accept_paused > now)
	{
		this->pfds[1].events = 0;
		until(&timeout, this->accept_paused, now);
	}
	this->mutex->lock(this->mutex);
	for (i = 0; i < this->count; i++)
	{
		this->pfds[2 + i] = (struct pollfd){
			.fd = this->conns[i]->fd,
			.events = conn_events(this, i, now, &timeout),
		};
	}
	this->mutex->unlock(this->mutex);
	return timeout;
}

/**
 * The socket's thread.
 */
static void *run(private_dpc_socket_t *this)
{
	uint64_t counter, now;
	u_int i, n;
	int timeout;
	bool stopping;

	/* stopped through the wake fd, never cancelled: a cancellation in
	 * poll() would unwind past the connections' state */
	thread_cancelability(FALSE);
	while (TRUE)
	{
		timeout = prepare(this, now_ms());
		n = this->count;

		if (poll(this->pfds, 2 + n, timeout) < 0 && errno != EINTR)
		{
			DBG1(DBG_CFG, "dataplane-check: query socket poll failed: %s",
				 strerror(errno));
			poll(NULL, 0, 1000);
		}
		if (this->pfds[0].revents &&
			read(this->wake, &counter, sizeof(counter)) < 0)
		{	/* EAGAIN: someone else drained it */
		}
		this->mutex->lock(this->mutex);
		stopping = this->stopping;
		this->mutex->unlock(this->mutex);
		if (stopping)
		{
			break;
		}
		now = now_ms();
		/* backwards: removing swaps the last connection into place i */
		for (i = n; i-- > 0; )
		{
			if (!service(this, i, this->pfds[2 + i].revents, now))
			{
				remove_conn(this, i);
			}
		}
		if (this->pfds[1].revents & POLLIN)
		{
			while (this->count < this->max_clients + MAX_REFUSED &&
				   accept_one(this))
			{
			}
		}
	}
	return NULL;
}

METHOD(dpc_socket_t, destroy, void,
	private_dpc_socket_t *this)
{
	char err[160];
	u_int i;

	if (this->thread)
	{
		this->mutex->lock(this->mutex);
		this->stopping = TRUE;
		this->mutex->unlock(this->mutex);
		wake(this);
		this->thread->join(this->thread);
	}
	for (i = 0; i < this->count; i++)
	{	/* best effort, never block shutdown on a client that does not read */
		dpc_conn_write(this->conns[i], err, sizeof(err));
		dpc_conn_destroy(this->conns[i]);
	}
	if (this->lfd >= 0)
	{
		close(this->lfd);
	}
	if (this->wake >= 0)
	{
		close(this->wake);
	}
	free(this->conns);
	free(this->refused);
	free(this->pfds);
	this->mutex->destroy(this->mutex);
	free(this);
}

/**
 * Create the listening socket: owner as charon's own sockets (the user
 * charon runs as), group socket_group or charon's.
 */
static int open_listener(const dpc_settings_t *settings)
{
	const char *path = settings->socket + strlen("unix://");
	uid_t uid = -1;
	gid_t gid;
	char err[256];
	int fd;

	if (lib->caps->check(lib->caps, CAP_CHOWN))
	{
		uid = lib->caps->get_uid(lib->caps);
	}
	gid = lib->caps->get_gid(lib->caps);
	if (settings->socket_group[0] &&
		!dpc_socket_unix_group(settings->socket_group, &gid))
	{
		DBG1(DBG_CFG, "dataplane-check: unknown socket_group '%s', socket "
			 "group unchanged", settings->socket_group);
	}
	fd = dpc_socket_unix_listen(path, settings->socket_mode, uid, gid,
								BACKLOG, err, sizeof(err));
	if (fd < 0)
	{
		DBG1(DBG_CFG, "dataplane-check: creating query socket '%s' failed: "
			 "%s", settings->socket, err);
	}
	return fd;
}

/**
 * Set the limits from the settings.
 */
static void set_limits(private_dpc_socket_t *this,
					   const dpc_settings_t *settings)
{
	this->max_clients = settings->socket_clients;
	if (this->max_clients > MAX_CLIENTS)
	{
		DBG1(DBG_CFG, "dataplane-check: socket_clients %u is more than %u, "
			 "using %u", this->max_clients, MAX_CLIENTS, MAX_CLIENTS);
		this->max_clients = MAX_CLIENTS;
	}
	this->limits = (dpc_socket_limits_t){
		.max_packet = DPC_VICI_MAX_PACKET,
		.max_out = MAX_QUEUED_OUT,
		.rate = settings->socket_rate,
		.idle_ms = settings->socket_idle_timeout * 1000,
	};
	if (settings->socket_idle_timeout > UINT32_MAX / 1000)
	{
		this->limits.idle_ms = UINT32_MAX;
	}
	this->refused_limits = (dpc_socket_limits_t){
		.max_packet = REFUSED_MAX_PACKET,
		.max_out = MAX_QUEUED_OUT,
	};
}

/*
 * Described in header
 */
dpc_socket_t *dpc_socket_create(const dpc_settings_t *settings,
								dpc_socket_command_cb_t cb, void *user)
{
	private_dpc_socket_t *this;
	u_int slots;

	INIT(this,
		.public = {
			.respond = _respond,
			.busy = _busy,
			.notify = _notify,
			.has_listeners = _has_listeners,
			.destroy = _destroy,
		},
		.cb = cb,
		.user = user,
		.lfd = -1,
		.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	set_limits(this, settings);
	slots = this->max_clients + MAX_REFUSED;
	this->conns = calloc(slots, sizeof(*this->conns));
	this->refused = calloc(slots, sizeof(*this->refused));
	this->pfds = calloc(2 + slots, sizeof(*this->pfds));
	if (this->wake < 0 || !this->conns || !this->refused || !this->pfds)
	{
		DBG1(DBG_CFG, "dataplane-check: creating query socket '%s' failed: "
			 "%s", settings->socket, strerror(errno));
		destroy(this);
		return NULL;
	}
	this->lfd = open_listener(settings);
	if (this->lfd < 0)
	{
		destroy(this);
		return NULL;
	}
	this->thread = thread_create((thread_main_t)run, this);
	if (!this->thread)
	{
		DBG1(DBG_CFG, "dataplane-check: starting the query socket's thread "
			 "failed");
		destroy(this);
		return NULL;
	}
	return &this->public;
}
