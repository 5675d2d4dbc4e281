/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_trace_msg dpc_trace_msg
 * @{ @ingroup dataplane_check
 *
 * The query socket's `trace` command: its request and its reply in the
 * vici wire format (see dpc_trace.h for what a trace finds out). The
 * reply:
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

#ifndef DPC_TRACE_MSG_H_
#define DPC_TRACE_MSG_H_

#include "dpc_vici_msg.h"
#include "model/dpc_trace_types.h"

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
bool dpc_trace_msg_parse(const dpc_vici_node_t *req, dpc_trace_query_t *q,
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
bool dpc_trace_msg_report(const dpc_trace_query_t *q,
						  const dpc_trace_result_t *res, uint8_t **msg,
						  size_t *len);

#endif /** DPC_TRACE_MSG_H_ @}*/
