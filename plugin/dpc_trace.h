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
 * The `trace` reply of the query socket:
 *
 * @code
 * success = yes
 * src dst proto [sport dport] [icmp_type icmp_code]   the packet traced
 * path          forward, input, output or local
 * iif oif       interfaces (empty if none)
 * decrypted     yes if traced as arriving through a CHILD_SA
 * verdict       allow, drop, reject, encrypt, cleartext or unknown
 * summary       one line
 * certain       no if the verdict depends on what could not be judged
 * child { ike ike_id child child_id reqid landed }  the CHILD_SA concerned,
 *               empty if none
 * phases {
 *   0 { phase verdict detail [rule_where rule] } ...
 * }
 * @endcode
 *
 * The last phase is always "result", holding the verdict and summary. A
 * request that cannot be traced gets success = no and errmsg.
 */

#ifndef DPC_TRACE_H_
#define DPC_TRACE_H_

#include "dpc_record.h"
#include "dpc_vici_msg.h"
#include "facts/dpc_facts.h"

/** most phases of a trace */
#define DPC_TRACE_MAX_PHASES 16
/** longest phase detail or summary */
#define DPC_TRACE_DETAIL_LEN 320
/** longest rule location */
#define DPC_TRACE_WHERE_LEN 128
/** longest phase name */
#define DPC_TRACE_NAME_LEN 16

/**
 * What happens to the packet, in one phase or in the end.
 */
typedef enum {
	/** passes (delivered or forwarded, unprotected but not meant to be) */
	DPC_TRACE_ALLOW,
	/** dropped */
	DPC_TRACE_DROP,
	/** dropped with an ICMP error or TCP reset */
	DPC_TRACE_REJECT,
	/** passes with an address translated */
	DPC_TRACE_NAT,
	/** encrypted into a CHILD_SA */
	DPC_TRACE_ENCRYPT,
	/** leaves unprotected although a CHILD_SA's selectors cover it */
	DPC_TRACE_CLEARTEXT,
	/** cannot be told */
	DPC_TRACE_UNKNOWN,
} dpc_trace_verdict_t;

/**
 * The packet to trace.
 */
typedef struct {
	/** source address (required) */
	dpc_addr_t src;
	/** destination address (required, same family) */
	dpc_addr_t dst;
	/** IP protocol, 0 for ICMP (ICMPv6) echo request */
	uint8_t proto;
	/** source port (TCP, UDP, SCTP), 0 for an ephemeral one */
	uint16_t sport;
	/** destination port (TCP, UDP, SCTP) */
	uint16_t dport;
	/** icmp_type and icmp_code are given (else: echo request) */
	bool has_icmp_type;
	/** ICMP/ICMPv6 type */
	uint8_t icmp_type;
	/** ICMP/ICMPv6 code */
	uint8_t icmp_code;
	/** input interface, empty: the one the route back to src uses (not
	 *  used for locally generated packets) */
	char iif[IF_NAMESIZE];
} dpc_trace_query_t;

/**
 * One phase of a trace.
 */
typedef struct {
	/** "ipsec-in", "route", "prerouting", "input", "forward", "output",
	 *  "postrouting", "ipsec", "outer" or "result" */
	char name[DPC_TRACE_NAME_LEN];
	/** what the phase decided */
	dpc_trace_verdict_t verdict;
	/** one line */
	char detail[DPC_TRACE_DETAIL_LEN];
	/** where the deciding rule lives ("inet filter forward handle 7"),
	 *  empty if no rule decided */
	char rule_where[DPC_TRACE_WHERE_LEN];
	/** the deciding rule, rendered; empty if none */
	char rule[NFSIM_RULE_STRLEN];
} dpc_trace_phase_t;

/**
 * The outcome of a trace.
 */
typedef struct {
	/** phases in order, the last one is "result" */
	dpc_trace_phase_t phases[DPC_TRACE_MAX_PHASES];
	/** phases used */
	int count;
	/** the final verdict (never DPC_TRACE_NAT) */
	dpc_trace_verdict_t verdict;
	/** FALSE if the verdict depends on something that could not be judged */
	bool certain;
	/** the final verdict as one line */
	char summary[DPC_TRACE_DETAIL_LEN];
	/** "forward", "input" (to the gateway), "output" (from the gateway) or
	 *  "local" (from the gateway to itself) */
	char path[DPC_TRACE_NAME_LEN];
	/** input interface, empty for locally generated packets */
	char iif[IF_NAMESIZE];
	/** output interface, empty if the packet is not sent anywhere */
	char oif[IF_NAMESIZE];
	/** traced as arriving decrypted through a CHILD_SA */
	bool decrypted;
	/** a CHILD_SA is concerned: the one the packet is encrypted into,
	 *  arrived through, or whose selectors cover it although it leaves
	 *  unprotected */
	bool has_child;
	/** the packet is encrypted into (or arrived through) that CHILD_SA */
	bool landed;
	/** its IKE_SA's name */
	char ike_name[DPC_NAME_LEN];
	/** its IKE_SA's unique id */
	uint32_t ike_id;
	/** its name */
	char child_name[DPC_NAME_LEN];
	/** its unique id */
	uint32_t child_id;
	/** its reqid */
	uint32_t reqid;
} dpc_trace_result_t;

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

/**
 * Name of a verdict: "allow", "drop", "reject", "nat", "encrypt",
 * "cleartext", "unknown".
 */
const char *dpc_trace_verdict_name(dpc_trace_verdict_t verdict);

/**
 * Read a `trace` request: keys src and dst (addresses of one family),
 * proto (tcp, udp, sctp, icmp, icmpv6 or a number, default icmp), sport and
 * dport (TCP, UDP and SCTP only; dport required for them), type (ICMP type,
 * "type" or "type/code"), iif (interface name). Anything else is an error.
 *
 * @param req		the parsed request message
 * @param q			receives the query
 * @param err		receives a message for the client on failure
 * @param len		size of err
 * @return			FALSE if the request is invalid
 */
bool dpc_trace_parse_request(const dpc_vici_node_t *req, dpc_trace_query_t *q,
							 char *err, size_t len);

/**
 * Build the `trace` reply.
 *
 * @param q			the packet traced
 * @param res		the outcome
 * @param msg		receives the encoded message, free() it
 * @param len		receives its length
 * @return			FALSE on allocation failure
 */
bool dpc_trace_report(const dpc_trace_query_t *q, const dpc_trace_result_t *res,
					  uint8_t **msg, size_t *len);

/**
 * Build a failed `trace` reply: success = no, errmsg.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_trace_report_error(const char *errmsg, uint8_t **msg, size_t *len);

#endif /** DPC_TRACE_H_ @}*/
