/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Cost of a check round per CHILD_SA: what a round does besides sampling
 * counters (a snapshot of the records, reading the system facts, the paths
 * of the CHILD_SAs, every check over every tunnel, the findings store).
 *
 *   bench_round fixture N ROUNDS   facts answered from memory (check code)
 *   bench_round kernel N ROUNDS    live kernel facts over rtnetlink; run it
 *                                  in the namespace tests/bench/run.sh sets
 *                                  up, with N routes in table 220
 *
 * N may be a list (1000,10000): each size is measured, then the ratio of
 * the CPU per CHILD_SA of the last to the first (1.0: linear in tunnels).
 *
 * Tunnel i protects 10.10.0.0/24 <-> 10.(128 + i / 256).(i % 256).0/24.
 */

#include "checks/dpc_check.h"
#include "facts/kernel/dpc_kernel_facts.h"
#include "nfsim/nfsim.h"
#include "model/dpc_store.h"
#include "../unit/fixture_facts.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/** incremental rounds measured at least */
#define INCR_ROUNDS 20

/**
 * Bytes of heap in use.
 */
static size_t heap_used(void)
{
	return mallinfo2().uordblks;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_ts(dpc_ts_list_t *list, const char *str)
{
	dpc_ts_t ts;

	dpc_ts_parse(&ts, str);
	dpc_ts_list_add(list, &ts);
}

/**
 * One IKE_SA with one CHILD_SA per tunnel, with traffic both ways.
 */
static void build(dpc_tunnels_t *t, int n)
{
	dpc_ike_rec_t ike;
	dpc_child_rec_t *child;
	dpc_sample_t s;
	char ts[32];
	int i, k;

	for (i = 0; i < n; i++)
	{
		dpc_ike_rec_init(&ike);
		snprintf(ike.name, sizeof(ike.name), "peer%d", i);
		ike.unique_id = i + 1;
		ike.state = DPC_STATE_UP;
		dpc_addr_parse(&ike.local, "192.0.2.2");
		ike.local.port = 4500;
		dpc_addr_parse(&ike.remote, "198.51.100.2");
		ike.remote.port = 4500;
		ike.nat = DPC_NAT_ANY | DPC_NAT_HERE;
		child = dpc_ike_rec_add_child(&ike);
		dpc_child_rec_set_name(child, "net");
		child->unique_id = i + 1;
		child->state = DPC_STATE_UP;
		dpc_child_rec_set_text(&child->mode, "TUNNEL");
		set_ts(&child->local, "10.10.0.0/24");
		set_ts(&child->cfg_local, "10.10.0.0/24");
		snprintf(ts, sizeof(ts), "10.%d.%d.0/24", 128 + i / 256, i % 256);
		set_ts(&child->remote, ts);
		set_ts(&child->cfg_remote, ts);
		for (k = 0; k < 8; k++)
		{
			s = (dpc_sample_t){ .time = 100 + k * 30, .packets_in = k * 10,
								.packets_out = k * 10 };
			dpc_child_rec_add_sample(child, &s, 60);
		}
		dpc_tunnels_add_copy(t, &ike);
		dpc_ike_rec_clear(&ike);
	}
}

static dpc_facts_t *fixture(void)
{
	dpc_facts_t *facts;

	facts = fixture_facts_create(DPC_DATAPLANE_XFRM, NULL);
	fixture_facts_addr(facts, "10.10.0.1", "lan0");
	fixture_facts_addr(facts, "192.0.2.2", "wan0");
	fixture_facts_route(facts, "10.10.0.0/24", "*", 0, DPC_RT_UNICAST,
						"lan0", NULL, 254);
	fixture_facts_route(facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan0", "192.0.2.1", 220);
	fixture_facts_sysctl(facts, "net/ipv4/ip_forward", 1);
	fixture_facts_sysctl(facts, "net/ipv4/conf/lan0/forwarding", 1);
	fixture_facts_sysctl(facts, "net/ipv4/conf/wan0/forwarding", 1);
	return facts;
}

static void event(void *ctx, dpc_event_type_t type, const dpc_finding_t *f)
{
	(*(int*)ctx)++;
}

/**
 * Run ROUNDS rounds over n tunnels and print the cost.
 *
 * @return			CPU seconds per CHILD_SA per round, < 0 on error
 */
/**
 * The incremental rounds' scope: the one tunnel a change concerned.
 */
static bool in_scope(void *ctx, const dpc_subject_t *subject)
{
	return subject->ike_id == *(uint32_t*)ctx || !subject->ike_id;
}

/**
 * What an incremental round after a change concerning one tunnel costs, as
 * dpc_round does it: the snapshot, facts, the path of that tunnel only, the
 * checks of that tunnel (all others stay in the view for overlap
 * questions), the store merged within its scope. After a route of its
 * remote selector changed, every round reads the rule and route dumps
 * again; after an IKE event (or an XFRM change) the kernel facts use the
 * dumps kept from the round before (kept).
 *
 * @param kept		dumps kept across rounds, NULL to read them each round
 * @return			CPU seconds per round, < 0 on failure
 */
static double incremental(const char *kind, dpc_tunnels_t *records,
						  dpc_store_t *store, dpc_settings_t *settings,
						  dpc_nf_cache_t *nf, dpc_rtnl_dumps_t *kept,
						  int rounds)
{
	dpc_store_events_t events;
	dpc_tunnels_t copy, one;
	dpc_findings_t findings;
	dpc_paths_t paths;
	dpc_check_ctx_t ctx;
	dpc_facts_t *facts;
	uint32_t id;
	double wall, cpu;
	bool *flags;
	int r, i, k, count = 0;

	flags = calloc(records->count, sizeof(bool));
	if (!flags)
	{
		return -1;
	}
	wall = now_s();
	cpu = cpu_s();
	for (r = 0; r < rounds; r++)
	{
		k = (int)((r * 7919L) % records->count);
		flags[k] = true;
		id = records->ikes[k]->unique_id;
		dpc_tunnels_init(&copy);
		for (i = 0; i < records->count; i++)
		{
			dpc_tunnels_add(&copy, records->ikes[i]);
		}
		one = copy;
		one.ikes = &copy.ikes[k];
		one.count = 1;
		facts = strcmp(kind, "kernel") ? fixture()
				: dpc_kernel_facts_create(DPC_DATAPLANE_XFRM, NULL, nf, NULL);
		if (!facts)
		{
			free(flags);
			return -1;
		}
		if (kept)
		{
			dpc_kernel_facts_keep_tables(facts, kept);
		}
		dpc_findings_init(&findings);
		dpc_paths_init(&paths);
		dpc_paths_build(&paths, facts, &one);
		ctx = (dpc_check_ctx_t){
			.settings = settings,
			.facts = facts,
			.tunnels = &copy,
			.paths = &paths,
			.now = 400,
			.recheck = flags,
			.out = &findings,
		};
		dpc_check_all(&ctx);
		if (dpc_store_merge_scope(store, &findings, 400, 400, NULL, in_scope,
								  &id, &events))
		{
			dpc_store_emit(store, &events, event, &count);
		}
		flags[k] = false;
		dpc_findings_clear(&findings);
		dpc_paths_clear(&paths);
		facts->destroy(facts);
		dpc_tunnels_clear(&copy);
	}
	wall = now_s() - wall;
	cpu = cpu_s() - cpu;
	free(flags);
	printf("%s facts: incremental round after %s concerning 1 of %d "
		   "tunnels: %.2f ms wall, %.2f ms CPU per round (%d rounds, %d "
		   "events)\n", kind, kept ? "an IKE event" : "a route change",
		   records->count, wall * 1e3 / rounds, cpu * 1e3 / rounds, rounds,
		   count);
	return cpu / rounds;
}

static double bench(const char *kind, int n, int rounds)
{
	dpc_settings_t settings;
	dpc_tunnels_t records, copy;
	dpc_findings_t findings;
	dpc_paths_t paths;
	dpc_store_t *store;
	dpc_check_ctx_t ctx;
	dpc_facts_t *facts;
	dpc_nf_cache_t *nf = NULL;
	dpc_route_questions_t *questions = NULL;
	double wall = 0, cpu = 0;
	size_t requests = 0, heap, mapped;
	bool kernel;
	int r, i, incr, events = 0;

	kernel = !strcmp(kind, "kernel");
	dpc_settings_defaults(&settings, "/var/run");
	settings.traffic_window = 60;
	heap = heap_used();
	mapped = dpc_rec_mapped();
	dpc_tunnels_init(&records);
	build(&records, n);
	printf("  records: %.0f B per IKE_SA with its CHILD_SA (%.0f B of heap, "
		   "%.0f B of record slots)\n",
		   (double)(heap_used() - heap + dpc_rec_mapped() - mapped) / n,
		   (double)(heap_used() - heap) / n,
		   (double)(dpc_rec_mapped() - mapped) / n);
	heap = heap_used();
	store = dpc_store_create();
	if (kernel)
	{	/* kept between rounds like in the plugin: read once */
		nf = dpc_nf_cache_create();
	}

	if (nf)
	{	/* the first read is not part of a round's steady cost */
		double t = cpu_s();

		nf->get(nf, NULL);
		printf("  first ruleset read: %.1f ms CPU\n", (cpu_s() - t) * 1e3);
	}
	/* round -1 warms up: the plugin's first round asks its route questions
	 * one by one, the later ones ask ahead what the one before asked */
	for (r = kernel ? -1 : 0; r < rounds; r++)
	{
		if (r == 0)
		{
			wall = now_s();
			cpu = cpu_s();
			requests = 0;
		}
		/* what a round does: take a snapshot of the records (references),
		 * read facts, check, diff */
		dpc_tunnels_init(&copy);
		for (i = 0; i < records.count; i++)
		{
			dpc_tunnels_add(&copy, records.ikes[i]);
		}
		facts = kernel ? dpc_kernel_facts_create(DPC_DATAPLANE_XFRM, NULL, nf,
											NULL)
					   : fixture();
		if (!facts)
		{
			perror("kernel facts");
			return -1;
		}
		if (kernel)
		{
			dpc_kernel_facts_ask_ahead(facts, &questions);
			dpc_kernel_facts_remember_questions(facts);
		}
		dpc_findings_init(&findings);
		dpc_paths_init(&paths);
		dpc_paths_build(&paths, facts, &copy);
		ctx = (dpc_check_ctx_t){
			.settings = &settings,
			.facts = facts,
			.tunnels = &copy,
			.paths = &paths,
			.now = 400,
			.out = &findings,
		};
		dpc_check_all(&ctx);
		dpc_store_update(store, &findings, 400, 400, NULL, event, &events);
		dpc_findings_clear(&findings);
		dpc_paths_clear(&paths);
		if (kernel)
		{
			requests += dpc_kernel_facts_route_requests(facts);
		}
		facts->destroy(facts);
		dpc_tunnels_clear(&copy);
		if (r == -1)
		{
			printf("  first round (route questions one by one): %.1f us CPU "
				   "per CHILD_SA, %.2f route requests per CHILD_SA\n",
				   (cpu_s() - cpu) * 1e6 / n, (double)requests / n);
		}
	}
	wall = now_s() - wall;
	cpu = cpu_s() - cpu;
	printf("%s facts: %d CHILD_SAs x %d rounds: %.1f us wall, %.1f us CPU "
		   "per CHILD_SA per round (%.2f ms per round); %zu active findings\n",
		   kind, n, rounds, wall * 1e6 / ((double)n * rounds),
		   cpu * 1e6 / ((double)n * rounds), wall * 1e3 / rounds,
		   dpc_store_count(store));
	printf("  kept between rounds (findings, route questions, ruleset): "
		   "%.0f B of heap per CHILD_SA\n",
		   (double)(heap_used() - heap) / n);
	if (kernel)
	{
		printf("  %.2f route requests per CHILD_SA per round (questions "
			   "asked ahead in batches of up to %d)\n",
			   (double)requests / ((double)n * rounds), DPC_RTNL_BATCH);
	}
	if (questions)
	{
		questions->destroy(questions);
	}
	/* incremental rounds are cheap: at least INCR_ROUNDS of them, or
	 * BENCH_INCR_ROUNDS (to profile them) */
	incr = getenv("BENCH_INCR_ROUNDS") ? atoi(getenv("BENCH_INCR_ROUNDS"))
									   : INCR_ROUNDS;
	if (incr < 1)
	{
		incr = INCR_ROUNDS;
	}
	if (incremental(kind, &records, store, &settings, nf, NULL,
					rounds < incr ? incr : rounds) < 0)
	{
		return -1;
	}
	if (kernel)
	{
		dpc_rtnl_dumps_t kept;

		memset(&kept, 0, sizeof(kept));
		r = incremental(kind, &records, store, &settings, nf, &kept,
						rounds < incr ? incr : rounds) < 0;
		dpc_rtnl_dumps_clear(&kept);
		if (r)
		{
			return -1;
		}
	}
	/* what the checks concluded, by code (a few distinct codes) */
	dpc_findings_init(&findings);
	dpc_store_get_active(store, &findings);
	{
		const dpc_finding_t *codes[64];
		int counts[64], n_codes = 0, j;

		for (i = 0; i < (int)findings.count; i++)
		{
			for (j = 0; j < n_codes; j++)
			{
				if (!strcmp(codes[j]->code, findings.items[i].code))
				{
					break;
				}
			}
			if (j == n_codes && n_codes < 64)
			{
				codes[n_codes] = &findings.items[i];
				counts[n_codes++] = 0;
			}
			if (j < n_codes)
			{
				counts[j]++;
			}
		}
		for (j = 0; j < n_codes; j++)
		{
			printf("  %s %s: %d\n", dpc_severity_name(codes[j]->severity),
				   codes[j]->code, counts[j]);
		}
	}
	dpc_findings_clear(&findings);
	if (nf)
	{
		const nfsim_ruleset_t *rs = nf->get(nf, NULL);

		printf("  ruleset: %zu nftables rules, %zu iptables-legacy rules%s%s\n",
			   rs ? nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_NFT) : 0,
			   rs ? nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_LEGACY) : 0,
			   nf->get_error(nf)[0] ? "; " : "", nf->get_error(nf));
		nf->destroy(nf);
	}
	dpc_store_destroy(store);
	dpc_tunnels_clear(&records);
	return cpu / ((double)n * rounds);
}

int main(int argc, char *argv[])
{
	char *list, *tok, *save = NULL;
	double cpu, first = 0, last = 0;
	int n, n_first = 0, n_last = 0;

	if (argc != 4 || (strcmp(argv[1], "fixture") && strcmp(argv[1], "kernel")))
	{
		fprintf(stderr, "usage: %s fixture|kernel TUNNELS[,TUNNELS...] "
				"ROUNDS\n", argv[0]);
		return 2;
	}
	printf("  record sizes: IKE_SA %zu B, CHILD_SA %zu B, finding %zu B\n",
		   sizeof(dpc_ike_rec_t), sizeof(dpc_child_rec_t),
		   sizeof(dpc_finding_t));
	list = strdup(argv[2]);
	for (tok = strtok_r(list, ",", &save); tok;
		 tok = strtok_r(NULL, ",", &save))
	{
		n = atoi(tok);
		cpu = n > 0 ? bench(argv[1], n, atoi(argv[3])) : -1;
		if (cpu < 0)
		{
			free(list);
			return 1;
		}
		if (!n_first)
		{
			n_first = n;
			first = cpu;
		}
		n_last = n;
		last = cpu;
	}
	free(list);
	if (n_last != n_first && first > 0)
	{	/* linear in tunnels: the cost per CHILD_SA stays the same */
		printf("%s facts: CPU per CHILD_SA at %d / at %d CHILD_SAs: %.2f\n",
			   argv[1], n_last, n_first, last / first);
	}
	return 0;
}
