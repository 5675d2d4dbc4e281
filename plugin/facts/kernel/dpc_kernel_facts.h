/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_kernel_facts dpc_kernel_facts
 * @{ @ingroup dpc_facts
 *
 * The live dpc_facts_t of one round: asks the running kernel over
 * rtnetlink and reads /proc/sys. Links and addresses are dumped once when
 * the round starts; route questions and sysctls are cached for the round,
 * so every tunnel asking the same question costs one netlink round trip,
 * and the questions the last full round asked are asked ahead in batches;
 * the SAD (dpc_xfrm) and the ruleset (dpc_nf_cache) are read at most once.
 *
 * Needs no charon (usable from benchmarks); not thread-safe, one round is
 * one thread.
 */

#ifndef DPC_KERNEL_FACTS_H_
#define DPC_KERNEL_FACTS_H_

#include "facts/dpc_facts.h"
#include "facts/xfrm/dpc_xfrm_sad.h"
#include "facts/xfrm/dpc_xfrm_stat.h"
#include "dpc_nf_cache.h"
#include "dpc_route_questions.h"
#include "facts/rtnl/dpc_rtnl_tables.h"

/**
 * Start a round: open a netlink socket and dump links and addresses.
 *
 * Once the budget is used up, every question not answered yet fails
 * (route questions with ETIMEDOUT or ECANCELED, the ruleset and the SAD
 * are not read).
 *
 * @param dataplane		how ESP is handled (kernel-libipsec loaded or not)
 * @param tun_name		kernel-libipsec TUN device if known, NULL to look
 *						for a "tun" link named "ipsec*"
 * @param nf			where the netfilter ruleset comes from, NULL for none
 * @param budget		what the round may spend, NULL for no limit; must
 *						outlive the facts
 * @return				facts, NULL with errno set if the kernel cannot be
 *						asked (no netlink, not permitted, timeout, ...)
 */
dpc_facts_t *dpc_kernel_facts_create(dpc_dataplane_t dataplane,
									 const char *tun_name,
									 dpc_nf_cache_t *nf,
									 const dpc_budget_t *budget);

/**
 * Keep the XFRM drop counters between rounds: get_xfrm_stat() takes its
 * deltas against last (if last->count) and stores what it read there.
 * Without it, the facts report counters without deltas.
 *
 * @param facts			facts of dpc_kernel_facts_create()
 * @param last			the counters of the previous round, owned by the
 *						caller, must outlive the facts
 */
void dpc_kernel_facts_keep_xfrm_stat(dpc_facts_t *facts,
									 dpc_xfrm_stat_t *last);

/**
 * Keep the rule and route dumps between rounds (see
 * dpc_rtnl_tables_t.keep()): a family whose kept dumps are valid is not
 * read again. Call before the first get_rules()/get_routes().
 *
 * @param facts			facts of dpc_kernel_facts_create()
 * @param kept			dumps kept across rounds, owned by the caller, must
 *						outlive the facts
 */
void dpc_kernel_facts_keep_tables(dpc_facts_t *facts, dpc_rtnl_dumps_t *kept);

/**
 * The i-th sysctl read so far through these facts, so a caller can read the
 * same ones again in a later round and see whether they changed.
 *
 * @param facts			facts of dpc_kernel_facts_create()
 * @param i				index, from 0
 * @param path			receives the path below /proc/sys (valid as long
 *						as the facts)
 * @param value			receives its value (0 if unreadable)
 * @param ok			receives whether it was readable
 * @return				FALSE if fewer than i + 1 were read
 */
bool dpc_kernel_facts_sysctl_at(dpc_facts_t *facts, size_t i,
								const char **path, int *value, bool *ok);

/**
 * Ask route questions ahead: when the cache cannot answer a question the
 * last full round asked, the questions that round asked after it and that
 * are not answered yet go to the kernel in the same request (up to
 * DPC_RTNL_BATCH), one round trip instead of one each. Answers are the
 * kernel's of this round, as if asked one by one.
 *
 * @param facts			facts of dpc_kernel_facts_create()
 * @param questions		the questions of the last full round (*questions
 *						NULL if none yet), owned by the caller, must outlive
 *						the facts
 */
void dpc_kernel_facts_ask_ahead(dpc_facts_t *facts,
								dpc_route_questions_t **questions);

/**
 * Have the next rounds ask ahead what this one asks: at destroy, the facts
 * replace the questions of dpc_kernel_facts_ask_ahead() with the ones they
 * asked. For rounds that check every tunnel: a partial round's questions
 * would leave a full round little to ask ahead.
 *
 * @param facts			facts of dpc_kernel_facts_create(), after
 *						dpc_kernel_facts_ask_ahead()
 */
void dpc_kernel_facts_remember_questions(dpc_facts_t *facts);

/**
 * Route requests sent to the kernel so far (several questions asked in one
 * request count once).
 *
 * @param facts			facts of dpc_kernel_facts_create()
 * @return				number of requests
 */
size_t dpc_kernel_facts_route_requests(dpc_facts_t *facts);

#endif /** DPC_KERNEL_FACTS_H_ @}*/
