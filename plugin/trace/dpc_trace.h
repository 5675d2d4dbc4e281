/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace dpc_trace
 * @{ @ingroup dataplane_check
 *
 * The packet tracer (pure, libc only): follows one synthetic packet through
 * the gateway the way Cisco's packet-tracer does, phase by phase: route
 * lookup (asked from the kernel), the netfilter hooks on its path (executed
 * by the simulator), the IPsec policy it matches (the installed CHILD_SAs'
 * negotiated selectors) and, for encrypted packets, the outer ESP packet.
 *
 * A packet whose source is one of the gateway's addresses is locally
 * generated (OUTPUT path); any other is forwarded or delivered, arriving on
 * the interface given or on the one the route back to its source uses. A
 * packet from a CHILD_SA's remote selector to its local selector arriving
 * where that CHILD_SA's decrypted packets arrive is traced as decrypted.
 *
 * The query and result types are in model/dpc_trace_types.h, their wire
 * format (the query socket's `trace` command) in proto/dpc_trace_msg.h.
 */

#ifndef DPC_TRACE_H_
#define DPC_TRACE_H_

#include "model/dpc_record.h"
#include "model/dpc_trace_types.h"
#include "facts/dpc_facts.h"

/**
 * Trace a packet.
 *
 * @param q			the packet
 * @param facts		system facts (routes from the kernel, the ruleset)
 * @param tunnels	tracked tunnels (only IKE_SAs and CHILD_SAs that are up
 *					are considered)
 * @param res		receives the outcome
 */
void dpc_trace_run(const dpc_trace_query_t *q, dpc_facts_t *facts,
				   const dpc_tunnels_t *tunnels, dpc_trace_result_t *res);

#endif /** DPC_TRACE_H_ @}*/
