/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_state dpc_trace_state
 * @{ @ingroup dpc_trace
 *
 * The state of one trace, shared by its phases: the packet as it is now
 * (after NAT), the route it takes, the CHILD_SA it arrived through, the
 * verdict once decided and the result being built.
 */

#ifndef DPC_TRACE_STATE_H_
#define DPC_TRACE_STATE_H_

#include "model/dpc_record.h"
#include "model/dpc_trace_types.h"
#include "facts/dpc_facts.h"

/**
 * A CHILD_SA and its IKE_SA (child NULL: none).
 */
typedef struct {
	/** the IKE_SA */
	const dpc_ike_rec_t *ike;
	/** the CHILD_SA */
	const dpc_child_rec_t *child;
} dpc_trace_sa_t;

/**
 * State of one trace.
 */
typedef struct {
	/** the query */
	const dpc_trace_query_t *q;
	/** the facts */
	dpc_facts_t *facts;
	/** the tracked tunnels */
	const dpc_tunnels_t *tunnels;
	/** the ruleset, NULL if it cannot be read */
	const nfsim_ruleset_t *rs;
	/** the outcome being built */
	dpc_trace_result_t *res;
	/** the kernel's XFRM handles ESP (else kernel-libipsec) */
	bool xfrm;
	/** the packet as it is now (after NAT) */
	dpc_addr_t src, dst;
	/** its protocol */
	uint8_t proto;
	/** its ports */
	uint16_t sport, dport;
	/** ICMP type and code */
	uint8_t icmp_type, icmp_code;
	/** the packet as given, for the summary */
	char desc[2 * DPC_ADDR_STRLEN + 48];
	/** the route in use */
	dpc_route_t route;
	/** the route back to the source leaves through the input interface */
	bool rpf_ok;
	/** rpf_ok is known */
	bool rpf_known;
	/** the CHILD_SA the packet arrived through, decrypted */
	dpc_trace_sa_t in;
	/** the connection is source-NATed (as far as the hooks passed tell) */
	nfsim_tri_t ct_src_nat;
	/** the connection is destination-NATed */
	nfsim_tri_t ct_dst_nat;
	/** the final verdict, once decided */
	dpc_trace_verdict_t verdict;
	/** the final verdict as one line (without the packet) */
	char line[DPC_TRACE_DETAIL_LEN];
	/** what could not be judged first, empty if everything could */
	char unsure[DPC_TRACE_DETAIL_LEN];
	/** where phases go once the result is full */
	dpc_trace_phase_t scratch;
} dpc_trace_state_t;

/**
 * Start a trace: the packet of the query with its defaults filled in.
 *
 * @param t			the state to initialize
 * @param q			the query
 * @param facts		the facts
 * @param tunnels	the tracked tunnels
 * @param res		the result to build, zeroed and certain
 */
void dpc_trace_state_init(dpc_trace_state_t *t, const dpc_trace_query_t *q,
						  dpc_facts_t *facts, const dpc_tunnels_t *tunnels,
						  dpc_trace_result_t *res);

/**
 * Format into a fixed buffer, silently truncated.
 *
 * @param buf		the buffer
 * @param len		its size
 * @param format	printf() format
 */
void dpc_trace_fmt(char *buf, size_t len, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Append to a fixed buffer, silently truncated.
 *
 * @param buf		the buffer, holding a string
 * @param len		its size
 * @param format	printf() format
 */
void dpc_trace_append(char *buf, size_t len, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Print an address with a port, "[v6]:port" for IPv6.
 *
 * @param addr		the address
 * @param port		the port
 * @param with_port	FALSE to print the address only
 * @param buf		receives the text
 * @param len		size of buf
 * @return			buf
 */
char *dpc_trace_addr_port(const dpc_addr_t *addr, uint16_t port,
						  bool with_port, char *buf, size_t len);

#endif /** DPC_TRACE_STATE_H_ @}*/
