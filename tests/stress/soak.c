/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Soak (make soak, see soak.sh): CHILD_SA up/rekey/down cycles in the
 * in-process charon (hx_charon.h) with rounds every second, a `status`
 * client polling every second, base tunnels whose CHILD_SA stays up, an
 * IKE rekey every 100 cycles and alerts every 500. Measures the resident
 * set size after the warm-up and at the end; run under valgrind by soak.sh
 * for memory errors and leaks.
 *
 * usage: dpc_soak [CYCLES]        (default 10000)
 * env:   HX_SOAK_RATE   cycles per second at most (200)
 *        HX_SOAK_BASE   tunnels with a CHILD_SA that stays up (50)
 *        HX_SOAK_WARMUP cycles of warm-up (a quarter of CYCLES)
 *        HX_SOAK_MAX_GROWTH  KiB of RSS growth after warm-up that fail (1024)
 *        HX_PLUGIN=0    without the plugin: the harness's own baseline
 * Exit: 0 passed, 1 RSS grew too much or an operation failed.
 */

#define _GNU_SOURCE
#include "hx_charon.h"
#include "hx_client.h"
#include "hx_tunnel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/** tunnels whose CHILD_SAs cycle */
#define CYCLING 20
/** charon's worker threads */
#define WORKERS 8

/** set when the poller should stop */
static int stopping;

static int env_int(const char *name, int def)
{
	const char *value = getenv(name);

	return value && atoi(value) > 0 ? atoi(value) : def;
}

/**
 * A client asking for `status` every second, as a monitoring system would.
 */
static void *poll_thread(void *arg)
{
	u_int *answered = arg;
	dpc_vici_node_t *reply;
	int fd = -1;

	while (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
	{
		if (fd < 0)
		{
			fd = hx_client_connect(hx_charon_socket());
		}
		reply = fd < 0 ? NULL : hx_client_request(fd, "status", NULL, 0,
												  30000);
		if (reply)
		{
			(*answered)++;
			dpc_vici_node_free(reply);
		}
		else if (fd >= 0)
		{
			close(fd);
			fd = -1;
		}
		sleep(1);
	}
	if (fd >= 0)
	{
		close(fd);
	}
	return NULL;
}

/**
 * Keep to the rate: sleep until cycle n is due.
 */
static void pace(double start, int n, int rate)
{
	double due = start + n * 1000.0 / rate, now = hx_now_ms();

	if (due > now)
	{
		usleep((useconds_t)((due - now) * 1000));
	}
}

/**
 * One cycle on tunnel n % CYCLING, with the occasional IKE rekey and
 * alerts.
 */
static bool cycle(hx_tunnel_t **cycling, int n)
{
	hx_tunnel_t *t = cycling[n % CYCLING];

	if (!hx_tunnel_cycle(t, n % 4 == 0))
	{
		return false;
	}
	if (n % 100 == 99 && !hx_tunnel_ike_rekey(t))
	{
		return false;
	}
	return n % 500 != 499 || hx_tunnel_alerts(t);
}

/**
 * Create the tunnels: base ones with a CHILD_SA up, cycling ones without.
 */
static bool create_tunnels(hx_tunnel_t **base, int n_base,
						   hx_tunnel_t **cycling)
{
	int i;

	for (i = 0; i < n_base; i++)
	{
		base[i] = hx_tunnel_create(1000 + i);
		if (!base[i] || !hx_tunnel_child_up(base[i], false))
		{
			return false;
		}
	}
	for (i = 0; i < CYCLING; i++)
	{
		cycling[i] = hx_tunnel_create(i);
		if (!cycling[i])
		{
			return false;
		}
	}
	return true;
}

static void destroy_tunnels(hx_tunnel_t **base, int n_base,
							hx_tunnel_t **cycling)
{
	int i;

	for (i = 0; i < n_base; i++)
	{
		if (base[i])
		{
			hx_tunnel_destroy(base[i]);
		}
	}
	for (i = 0; i < CYCLING; i++)
	{
		if (cycling[i])
		{
			hx_tunnel_destroy(cycling[i]);
		}
	}
}

/**
 * Peak memory over a window of cycles.
 */
typedef struct {
	/** first and last cycle of the window */
	int from, to;
	/** peak RSS and heap in use, KiB */
	long rss, heap;
} window_t;

/**
 * Sample the memory into the windows covering cycle n.
 */
static void sample(window_t *w, int count, int n)
{
	long rss = hx_rss_kib(), heap = hx_heap_kib();
	int i;

	for (i = 0; i < count; i++)
	{
		if (n >= w[i].from && n <= w[i].to)
		{
			w[i].rss = rss > w[i].rss ? rss : w[i].rss;
			w[i].heap = heap > w[i].heap ? heap : w[i].heap;
		}
	}
}

/**
 * Run the cycles, sample the memory every 50 of them into the windows,
 * print it every tenth of them.
 *
 * @return				FALSE if an operation failed
 */
static bool run_cycles(hx_tunnel_t **cycling, int cycles, int rate,
					   window_t *w, int count)
{
	double start = hx_now_ms();
	int n;

	for (n = 0; n < cycles; n++)
	{
		pace(start, n, rate);
		if (!cycle(cycling, n))
		{
			fprintf(stderr, "soak: cycle %d failed\n", n);
			return false;
		}
		if (n % 50 == 0 || n == cycles - 1)
		{
			sample(w, count, n);
		}
		if ((n + 1) % (cycles / 10 ?: 1) == 0)
		{
			printf("soak: %d cycles (%.1f s): RSS %ld KiB, heap in use %ld "
				   "KiB\n", n + 1, (hx_now_ms() - start) / 1000, hx_rss_kib(),
				   hx_heap_kib());
			fflush(stdout);
		}
	}
	return true;
}

/**
 * Compare the peaks after the warm-up with those at the end.
 */
static bool judge(window_t *w, int max_growth)
{
	printf("soak: peak RSS in cycles %d-%d (after warm-up) %ld KiB, in "
		   "cycles %d-%d (the end) %ld KiB: growth %+ld KiB (limit %d KiB)\n",
		   w[0].from, w[0].to, w[0].rss, w[1].from, w[1].to, w[1].rss,
		   w[1].rss - w[0].rss, max_growth);
	printf("soak: peak heap in use in the same windows %ld KiB, %ld KiB: "
		   "growth %+ld KiB\n", w[0].heap, w[1].heap, w[1].heap - w[0].heap);
	return w[1].rss - w[0].rss < max_growth;
}

int main(int argc, char *argv[])
{
	int cycles, rate, n_base, warmup, max_growth, span;
	hx_tunnel_t **base, *cycling[CYCLING] = {};
	window_t w[2] = {};
	u_int answered = 0;
	pthread_t poller;
	bool ok;

	cycles = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 10000;
	rate = env_int("HX_SOAK_RATE", 200);
	n_base = env_int("HX_SOAK_BASE", 50);
	warmup = env_int("HX_SOAK_WARMUP", cycles / 4 ?: 1);
	max_growth = env_int("HX_SOAK_MAX_GROWTH", 1024);
	/* peaks over a tenth of the run each, so both see several rounds */
	span = cycles / 10 ?: 1;
	w[0] = (window_t){ .from = warmup, .to = warmup + span - 1 };
	w[1] = (window_t){ .from = cycles - span, .to = cycles - 1 };
	base = calloc(n_base, sizeof(*base));
	if (!base || !hx_charon_init(WORKERS, "settle = 1s"))
	{
		return 99;
	}
	pthread_create(&poller, NULL, poll_thread, &answered);
	printf("soak: %d CHILD_SA up/rekey/down cycles at most %d/s over %d "
		   "tunnels, %d more tunnels with a CHILD_SA up, rounds every "
		   "second, warm-up %d cycles\n", cycles, rate, CYCLING, n_base,
		   warmup);
	ok = create_tunnels(base, n_base, cycling) &&
		 run_cycles(cycling, cycles, rate, w, 2);
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
	pthread_join(poller, NULL);
	destroy_tunnels(base, n_base, cycling);
	free(base);
	hx_charon_deinit();

	printf("soak: status answered %u times\n", answered);
	ok = ok && judge(w, max_growth);
	printf("soak: %s\n", ok ? "passed" : "FAILED");
	return ok ? 0 : 1;
}
