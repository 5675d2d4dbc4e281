/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_types dpc_trace_types
 * @{ @ingroup dataplane_check
 *
 * What a packet trace is asked and answers (pure, libc only): the packet
 * to trace, the phases it passes and the verdict. The tracer fills them
 * in, the query socket's codec reads and writes them.
 */

#ifndef DPC_TRACE_TYPES_H_
#define DPC_TRACE_TYPES_H_

#include "dpc_ts.h"
#include "dpc_finding.h"
#include "nfsim/nfsim.h"

#include <net/if.h>

/** source port of TCP/UDP/SCTP packets if none is given (the first of
 *  Linux' default ip_local_port_range) */
#define DPC_TRACE_EPHEMERAL_PORT 32768
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
 * The conntrack state a traced packet is assumed to have.
 */
typedef enum {
	/** the first packet of a new connection (TCP SYN) */
	DPC_TRACE_CT_NEW = 0,
	/** a later packet of a connection src started (TCP ACK) */
	DPC_TRACE_CT_ESTABLISHED,
	/** a reply to a connection dst started (ct direction reply) */
	DPC_TRACE_CT_REPLY,
} dpc_trace_ct_t;

/**
 * Name of a trace conntrack state ("new", "established", "reply").
 *
 * @param ct		the state
 * @return			its name
 */
const char *dpc_trace_ct_name(dpc_trace_ct_t ct);

/**
 * Parse a trace conntrack state name.
 *
 * @param s			"new", "established" or "reply"
 * @param ct		receives the state
 * @return			FALSE if s is none of them
 */
bool dpc_trace_ct_parse(const char *s, dpc_trace_ct_t *ct);

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
	/** the conntrack state it is assumed to have */
	dpc_trace_ct_t state;
	/** input interface, empty: the one the route back to src uses (not
	 *  used for locally generated packets) */
	char iif[IF_NAMESIZE];
} dpc_trace_query_t;

/**
 * One phase of a trace.
 */
typedef struct {
	/** "ipsec-in", "route", "prerouting", "input", "forward", "output",
	 *  "postrouting", "xfrm" (the kernel's SPD entry and SA), "ipsec",
	 *  "outer" or "result" */
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
	/** the conntrack state and status the packet was judged with */
	char conntrack[DPC_TRACE_DETAIL_LEN];
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
 * Name of a verdict: "allow", "drop", "reject", "nat", "encrypt",
 * "cleartext", "unknown".
 *
 * @param verdict	the verdict
 * @return			its name
 */
const char *dpc_trace_verdict_name(dpc_trace_verdict_t verdict);

/**
 * Does an IP protocol have ports (TCP, UDP, SCTP, UDP-Lite, DCCP)?
 *
 * @param proto		IP protocol
 * @return			TRUE if it does
 */
bool dpc_trace_has_ports(uint8_t proto);

/**
 * Is an IP protocol ICMP or ICMPv6?
 *
 * @param proto		IP protocol
 * @return			TRUE if it is
 */
bool dpc_trace_is_icmp(uint8_t proto);

/**
 * Name of an IP protocol ("tcp", "icmpv6", ...), the number if it has none
 * here.
 *
 * @param proto		IP protocol
 * @param buf		receives the number if needed
 * @param len		size of buf
 * @return			the name, or buf
 */
const char *dpc_trace_proto_name(uint8_t proto, char *buf, size_t len);

/**
 * The protocol a query traces: the one given, ICMP (ICMPv6) if none.
 *
 * @param q			the query
 * @return			IP protocol
 */
uint8_t dpc_trace_query_proto(const dpc_trace_query_t *q);

/**
 * The source port a query traces: the one given, an ephemeral one if none.
 *
 * @param q			the query
 * @return			source port
 */
uint16_t dpc_trace_query_sport(const dpc_trace_query_t *q);

/**
 * The ICMP type a query traces: the one given, else echo request (echo
 * reply for DPC_TRACE_CT_REPLY).
 *
 * @param q			the query
 * @return			ICMP or ICMPv6 type
 */
uint8_t dpc_trace_query_icmp_type(const dpc_trace_query_t *q);

#endif /** DPC_TRACE_TYPES_H_ @}*/
