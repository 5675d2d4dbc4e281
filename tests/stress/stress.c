/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Threads stress test (make check; under ThreadSanitizer with
 * --enable-tsan): the plugin inside an in-process charon (hx_charon.h), its
 * bus hooks driven from several threads with real IKE_SAs and CHILD_SAs
 * (CHILD_SA up/rekey/down cycles, narrowing, IKE rekeys, endpoint updates,
 * alerts, IKE_SA_INIT of half-open SAs) while rounds run (periodic every
 * second, triggered by the events, on demand) and clients of the query
 * socket loop over status, check, trace and version, one more receives the
 * finding events, another sends commands and hangs up without waiting for
 * the answer, and the settings are reloaded now and then.
 *
 * usage: dpc_stress [SECONDS]   (HX_SECONDS, default 5)
 * Fails if a thread cannot make progress, a command never gets an answer,
 * or the run does not end within a minute after SECONDS (a deadlock).
 * Data races are reported by ThreadSanitizer, which then fails the run.
 */

#define _GNU_SOURCE
#include "hx_charon.h"
#include "hx_client.h"
#include "hx_tunnel.h"

#include <threading/thread.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** threads raising bus events, and the tunnels each one owns */
#define EVENT_THREADS 4
#define TUNNELS_PER_THREAD 2
/** clients looping over the commands */
#define CLIENTS 4
/** charon's worker threads */
#define WORKERS 16
/** how long a command may take, and the run after SECONDS, in ms */
#define REQUEST_TIMEOUT 20000
#define GRACE 60000

static const char *commands[] = { "status", "check", "trace", "version" };
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/** set when the threads should stop */
static int stopping;

static bool stopped(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE);
}

/**
 * A thread raising bus events.
 */
typedef struct {
	/** a strongSwan thread: it calls into libcharon, which keeps state for
	 * its threads that only its own thread exit releases */
	thread_t *thread;
	u_int id;
	u_int cycles;
	bool failed;
} actor_t;

/**
 * A client of the query socket.
 */
typedef struct {
	pthread_t thread;
	u_int id;
	u_int answered[N_COMMANDS];
	u_int failed;
	u_int events;
} client_t;

/**
 * Everything besides CHILD_SA cycles, now and then.
 */
static bool extras(hx_tunnel_t *t, u_int n, u_int *source)
{
	bool ok = true;

	if (n % 3 == 0)
	{
		ok = hx_half_open((*source)++);
	}
	if (ok && n % 5 == 0)
	{
		ok = hx_tunnel_alerts(t);
	}
	if (ok && n % 7 == 0)
	{
		ok = hx_tunnel_ike_update(t, 4500 + n % 100);
	}
	if (ok && n % 11 == 0)
	{
		ok = hx_tunnel_ike_rekey(t);
	}
	return ok;
}

static void *event_thread(void *arg)
{
	actor_t *a = arg;
	hx_tunnel_t *t[TUNNELS_PER_THREAD] = {};
	u_int i, n = 0, source = a->id * 10000;

	for (i = 0; i < TUNNELS_PER_THREAD; i++)
	{
		t[i] = hx_tunnel_create(a->id * TUNNELS_PER_THREAD + i);
		/* one CHILD_SA stays up: rounds sample it, IKE rekeys move it */
		if (!t[i] || !hx_tunnel_child_up(t[i], false))
		{
			a->failed = true;
			goto out;
		}
	}
	while (!stopped())
	{
		for (i = 0; i < TUNNELS_PER_THREAD; i++)
		{
			if (!hx_tunnel_cycle(t[i], n % 4 == 0) || !extras(t[i], n, &source))
			{
				a->failed = true;
				goto out;
			}
		}
		a->cycles++;
		n++;
	}
out:
	for (i = 0; i < TUNNELS_PER_THREAD; i++)
	{
		if (t[i])
		{
			hx_tunnel_destroy(t[i]);
		}
	}
	return NULL;
}

/**
 * The request message of a command.
 */
static bool request_msg(const char *cmd, uint8_t **msg, size_t *len)
{
	dpc_vici_builder_t b;

	*msg = NULL;
	*len = 0;
	if (strcmp(cmd, "trace"))
	{
		return true;
	}
	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "src", "10.10.0.5");
	dpc_vici_add_kv_str(&b, "dst", "10.128.1.7");
	dpc_vici_add_kv_str(&b, "proto", "tcp");
	dpc_vici_add_kv_str(&b, "dport", "443");
	return dpc_vici_builder_finish(&b, msg, len);
}

static void *client_thread(void *arg)
{
	client_t *c = arg;
	dpc_vici_node_t *reply;
	uint8_t *msg;
	size_t len;
	u_int n = c->id;
	int fd = -1;

	while (!stopped())
	{
		if (fd < 0 && (fd = hx_client_connect(hx_charon_socket())) < 0)
		{
			c->failed++;
			usleep(10000);
			continue;
		}
		n = (n + 1) % N_COMMANDS;
		if (!request_msg(commands[n], &msg, &len))
		{
			c->failed++;
			continue;
		}
		/* any answer counts, "busy" too: the point is that none hangs */
		reply = hx_client_request(fd, commands[n], msg, len, REQUEST_TIMEOUT);
		dpc_vici_msg_free(msg);
		if (!reply)
		{
			c->failed++;
			close(fd);
			fd = -1;
			continue;
		}
		__atomic_fetch_add(&c->answered[n], 1, __ATOMIC_RELAXED);
		dpc_vici_node_free(reply);
	}
	if (fd >= 0)
	{
		close(fd);
	}
	return NULL;
}

/**
 * A client that sends a command and goes away without waiting for the
 * answer, and one that connects and stays silent.
 */
static void *impatient_thread(void *arg)
{
	client_t *c = arg;
	uint8_t *msg;
	size_t len;
	u_int n = 0;
	int fd, silent;

	silent = hx_client_connect(hx_charon_socket());
	while (!stopped())
	{
		n = (n + 1) % N_COMMANDS;
		fd = hx_client_connect(hx_charon_socket());
		if (fd < 0 || !request_msg(commands[n], &msg, &len))
		{
			c->failed += fd < 0;
			if (fd >= 0)
			{
				close(fd);
			}
			usleep(10000);
			continue;
		}
		if (dpc_vici_packet_send(fd, DPC_VICI_CMD_REQUEST, commands[n], msg, len))
		{
			c->answered[n]++;
		}
		dpc_vici_msg_free(msg);
		close(fd);
		usleep(5000);
	}
	if (silent >= 0)
	{
		close(silent);
	}
	return NULL;
}

static void *listener_thread(void *arg)
{
	client_t *c = arg;
	dpc_vici_packet_t pkt;
	uint8_t *buf;
	int fd;

	fd = hx_client_connect(hx_charon_socket());
	if (fd < 0 || !hx_client_register(fd, "finding", REQUEST_TIMEOUT))
	{
		c->failed++;
	}
	while (fd >= 0 && !stopped())
	{
		if (hx_client_recv(fd, 200, &pkt, &buf))
		{
			c->events += pkt.type == DPC_VICI_EVENT;
			free(buf);
		}
	}
	if (fd >= 0)
	{
		close(fd);
	}
	return NULL;
}

static void *reload_thread(void *arg)
{
	static const char *settle[] = { "0", "50ms" };
	static const char *interval[] = { "1s", "2s" };
	static const char *disable[] = { "", "xfrm-policy-missing" };
	u_int n = 0;

	while (!stopped())
	{
		usleep(300000);
		hx_charon_reload("settle", settle[n % 2]);
		hx_charon_reload("interval", interval[(n / 2) % 2]);
		hx_charon_reload("disable", disable[(n / 3) % 2]);
		n++;
	}
	return NULL;
}

/**
 * Abort if the run does not end in time: a deadlock between the hooks,
 * the rounds and the socket must not go unnoticed.
 */
static void *watchdog_thread(void *arg)
{
	int limit_s = (intptr_t)arg, i;

	for (i = 0; i < limit_s; i++)
	{
		sleep(1);
	}
	fprintf(stderr, "stress: still running %d s after the start: a thread "
			"hangs (deadlock?)\n", limit_s);
	abort();
	return NULL;
}

/**
 * Print what every thread did; false if one made no progress.
 */
static bool report(actor_t *actors, client_t *clients, client_t *listener,
				   client_t *impatient)
{
	u_int answered[N_COMMANDS] = {};
	bool ok = true;
	u_int i, j;

	for (i = 0; i < EVENT_THREADS; i++)
	{
		printf("stress: event thread %u: %u rounds of %d CHILD_SA cycles%s\n",
			   i, actors[i].cycles, TUNNELS_PER_THREAD,
			   actors[i].failed ? " FAILED" : "");
		ok = ok && !actors[i].failed && actors[i].cycles;
	}
	for (i = 0; i < CLIENTS; i++)
	{
		printf("stress: client %u:", i);
		for (j = 0; j < N_COMMANDS; j++)
		{
			printf(" %s %u", commands[j], clients[i].answered[j]);
			answered[j] += clients[i].answered[j];
		}
		printf(", unanswered %u\n", clients[i].failed);
		ok = ok && !clients[i].failed;
	}
	for (j = 0; j < N_COMMANDS; j++)
	{
		ok = ok && answered[j];
	}
	printf("stress: finding events received: %u\n", listener->events);
	printf("stress: commands abandoned by their client:");
	for (j = 0; j < N_COMMANDS; j++)
	{
		printf(" %s %u", commands[j], impatient->answered[j]);
	}
	printf("\n");
	return ok && !listener->failed;
}

/**
 * Has every command been answered at least once?
 */
static bool all_answered(client_t *clients)
{
	u_int i, j, sum;

	for (j = 0; j < N_COMMANDS; j++)
	{
		for (i = sum = 0; i < CLIENTS; i++)
		{
			sum += __atomic_load_n(&clients[i].answered[j], __ATOMIC_RELAXED);
		}
		if (!sum)
		{
			return false;
		}
	}
	return true;
}

/**
 * What charon's worker pool went through.
 */
typedef struct {
	u_int min_idle;
	u_int max_queued;
	/** longest run of samples with more than PLUGIN_WORKERS busy, and the
	 *  current one */
	u_int longest_over, over;
} pool_t;

/** charon workers the plugin may hold at once: the one round that runs, and
 *  the pending triggered and periodic jobs, which find it running and
 *  reschedule themselves without waiting (no job of the plugin ever blocks
 *  a worker) */
#define PLUGIN_WORKERS 3

/** ms between two samples of the worker pool */
#define SAMPLE_MS 20

/** samples in a row with more workers busy that fail the run: a job that
 *  blocks holds its worker for as long as what it waits for; jobs that
 *  return at once can meet in one sample on a loaded machine, then go */
#define OVER_SAMPLES 5

/**
 * Sample the worker pool while the threads run: for the given time, and
 * longer (up to the grace time) until every command got an answer, so a
 * slow machine does not fail the run.
 */
static void watch_workers(int seconds, pool_t *pool, client_t *clients)
{
	u_int idle, queued;
	double start = hx_now_ms(), end = start + seconds * 1000.0;

	pool->min_idle = WORKERS;
	while (hx_now_ms() < end ||
		   (!all_answered(clients) && hx_now_ms() < end + GRACE / 2))
	{
		hx_charon_workers(&idle, &queued);
		pool->min_idle = idle < pool->min_idle ? idle : pool->min_idle;
		pool->max_queued = queued > pool->max_queued ? queued
													 : pool->max_queued;
		pool->over = idle + PLUGIN_WORKERS < WORKERS ? pool->over + 1 : 0;
		pool->longest_over = max(pool->longest_over, pool->over);
		usleep(SAMPLE_MS * 1000);
	}
	printf("stress: ran %.1f s; charon's %d workers: fewest idle %u, most "
		   "jobs queued %u, more than %d busy for %u ms at most\n",
		   (hx_now_ms() - start) / 1000, WORKERS, pool->min_idle,
		   pool->max_queued, PLUGIN_WORKERS, pool->longest_over * SAMPLE_MS);
}

int main(int argc, char *argv[])
{
	pool_t pool = {};
	actor_t actors[EVENT_THREADS] = {};
	client_t clients[CLIENTS] = {}, listener = {}, impatient = {};
	pthread_t watchdog;
	thread_t *reloader;
	int seconds, limit;
	bool ok;
	u_int i;

	seconds = atoi(argc > 1 ? argv[1] : getenv("HX_SECONDS") ?: "5");
	if (seconds <= 0)
	{
		seconds = 5;
	}
	limit = seconds + GRACE / 1000;
	pthread_create(&watchdog, NULL, watchdog_thread, (void*)(intptr_t)limit);
	if (!hx_charon_init(WORKERS, NULL))
	{
		return 99;
	}
	pthread_create(&listener.thread, NULL, listener_thread, &listener);
	for (i = 0; i < EVENT_THREADS; i++)
	{
		actors[i].id = i;
		actors[i].thread = thread_create(event_thread, &actors[i]);
	}
	for (i = 0; i < CLIENTS; i++)
	{
		clients[i].id = i;
		pthread_create(&clients[i].thread, NULL, client_thread, &clients[i]);
	}
	pthread_create(&impatient.thread, NULL, impatient_thread, &impatient);
	reloader = thread_create(reload_thread, NULL);

	watch_workers(seconds, &pool, clients);
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);

	for (i = 0; i < EVENT_THREADS; i++)
	{
		actors[i].thread->join(actors[i].thread);
	}
	for (i = 0; i < CLIENTS; i++)
	{
		pthread_join(clients[i].thread, NULL);
	}
	pthread_join(listener.thread, NULL);
	pthread_join(impatient.thread, NULL);
	reloader->join(reloader);
	ok = report(actors, clients, &listener, &impatient);
	if (pool.longest_over >= OVER_SAMPLES)
	{	/* rounds waiting on each other must not starve charon */
		printf("stress: the plugin held up to %u of charon's %d workers, more "
			   "than %d for %u ms\n", WORKERS - pool.min_idle, WORKERS,
			   PLUGIN_WORKERS, pool.longest_over * SAMPLE_MS);
		ok = false;
	}
	hx_charon_deinit();
	printf("stress: %s\n", ok ? "passed" : "FAILED");
	return ok ? 0 : 1;
}
