/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_xfrm_spd dpc_xfrm_spd
 * @{ @ingroup dpc_facts
 *
 * The kernel's SPD as a round sees it (pure, libc only): every policy of an
 * XFRM_MSG_GETPOLICY dump with its selector, direction, priority, action,
 * index, first templates, mark, interface id and type, and the questions
 * the XFRM checks and the tracer ask of it: which policy the kernel would
 * pick for a flow (lowest priority value first, as xfrm_policy_lookup
 * does), and the policy written the way "ip xfrm policy" writes it.
 *
 * The parser never trusts a length: the message must hold a whole
 * xfrm_userpolicy_info, every attribute must fit the message and be at
 * least as long as what it carries; templates beyond DPC_XFRM_MAX_TMPLS
 * are counted, not kept.
 */

#ifndef DPC_XFRM_SPD_H_
#define DPC_XFRM_SPD_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/** templates kept per policy (ESP, AH and IPComp at most in practice) */
#define DPC_XFRM_MAX_TMPLS 3

/** longest "ip xfrm policy"-style text of a policy */
#define DPC_XFRM_POLICY_STRLEN 256

/**
 * Policy directions, as the kernel numbers them (XFRM_POLICY_IN/OUT/FWD).
 */
typedef enum {
	DPC_XFRM_DIR_IN = 0,
	DPC_XFRM_DIR_OUT = 1,
	DPC_XFRM_DIR_FWD = 2,
} dpc_xfrm_dir_t;

/**
 * A policy's selector (struct xfrm_selector).
 */
typedef struct {
	/** AF_INET, AF_INET6, 0 for any */
	uint8_t family;
	/** source and destination, network order (4 or 16 bytes used) */
	uint8_t src[16], dst[16];
	/** prefix lengths */
	uint8_t src_plen, dst_plen;
	/** IP protocol, 0 for any */
	uint8_t proto;
	/** ports and masks, host order (ICMP: type and code) */
	uint16_t sport, sport_mask, dport, dport_mask;
	/** interface index the selector is bound to, 0 for any */
	int32_t ifindex;
} dpc_xfrm_sel_t;

/**
 * A template of a policy (struct xfrm_user_tmpl).
 */
typedef struct {
	/** AF_INET/AF_INET6 of the tunnel addresses */
	uint8_t family;
	/** IPPROTO_ESP, IPPROTO_AH or IPPROTO_COMP */
	uint8_t proto;
	/** XFRM_MODE_* */
	uint8_t mode;
	/** the SA may be missing (ip xfrm "level use") */
	bool optional;
	/** reqid, 0 for any */
	uint32_t reqid;
	/** SPI, network order, 0 for any */
	uint32_t spi;
	/** tunnel source and destination (tunnel mode) */
	uint8_t src[16], dst[16];
} dpc_xfrm_tmpl_t;

/**
 * One policy of the SPD.
 */
typedef struct {
	/** what it matches */
	dpc_xfrm_sel_t sel;
	/** direction */
	dpc_xfrm_dir_t dir;
	/** priority, lower wins */
	uint32_t priority;
	/** kernel index */
	uint32_t index;
	/** XFRM_POLICY_ALLOW or XFRM_POLICY_BLOCK */
	uint8_t action;
	/** XFRM_POLICY_TYPE_MAIN or _SUB */
	uint8_t type;
	/** mark value and mask, 0/0 if none */
	uint32_t mark_value, mark_mask;
	/** XFRM interface id, 0 if none */
	uint32_t if_id;
	/** templates kept */
	dpc_xfrm_tmpl_t tmpls[DPC_XFRM_MAX_TMPLS];
	/** templates kept, at most DPC_XFRM_MAX_TMPLS */
	uint8_t n_tmpls;
	/** templates the message held beyond */
	uint8_t tmpls_dropped;
} dpc_xfrm_policy_t;

/**
 * The policies of a dump.
 */
typedef struct dpc_xfrm_spd_t {
	/** the policies, in the order the kernel sent them */
	dpc_xfrm_policy_t *policies;
	/** number of policies */
	size_t count;
	/** allocated entries */
	size_t size;
	/** policies the dump held beyond what was kept (limits, memory) */
	size_t dropped;
} dpc_xfrm_spd_t;

/**
 * A flow as the policy lookup sees it (host order ports, network order
 * addresses).
 */
typedef struct {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** source and destination */
	uint8_t src[16], dst[16];
	/** IP protocol, 0 if unknown */
	uint8_t proto;
	/** ports (ICMP: type and code), 0 if none */
	uint16_t sport, dport;
	/** packet mark */
	uint32_t mark;
	/** interface id of the lookup, 0 if none */
	uint32_t if_id;
} dpc_xfrm_flow_t;

/**
 * Parse an XFRM_MSG_NEWPOLICY message.
 *
 * @param nlh		the message
 * @param len		bytes available at nlh (nlmsg_len is checked against it)
 * @param policy	receives the policy
 * @return			false if it is not a well-formed NEWPOLICY message
 */
bool dpc_xfrm_parse_policy(const struct nlmsghdr *nlh, size_t len,
						   dpc_xfrm_policy_t *policy);

/**
 * Initialize an empty SPD.
 */
void dpc_xfrm_spd_init(dpc_xfrm_spd_t *spd);

/**
 * Add a policy.
 *
 * @param max		most policies kept, 0 for no limit; beyond, they are
 *					counted as dropped
 * @return			false if it was dropped
 */
bool dpc_xfrm_spd_add(dpc_xfrm_spd_t *spd, const dpc_xfrm_policy_t *policy,
					  size_t max);

/**
 * Parse a buffer of consecutive messages of a dump into an SPD (other
 * messages than NEWPOLICY are skipped).
 *
 * @param max		most policies kept (see dpc_xfrm_spd_add())
 * @return			number of malformed NEWPOLICY messages
 */
unsigned dpc_xfrm_spd_parse(dpc_xfrm_spd_t *spd, const void *buf, size_t len,
							size_t max);

/**
 * Release the policies (the SPD is empty afterwards).
 */
void dpc_xfrm_spd_clear(dpc_xfrm_spd_t *spd);

/**
 * Does a policy's selector, mark and interface id match a flow, as
 * xfrm_policy_match() says? A selector without a protocol or with port
 * masks of 0 matches any; a flow without a protocol only matches
 * selectors without one.
 */
bool dpc_xfrm_policy_matches(const dpc_xfrm_policy_t *policy,
							 dpc_xfrm_dir_t dir, const dpc_xfrm_flow_t *flow);

/**
 * The policy the kernel picks for a flow of a direction: the matching main
 * policy with the lowest priority value, the earliest added (lowest index)
 * of equal ones.
 *
 * @return			the policy, NULL if none matches
 */
const dpc_xfrm_policy_t *dpc_xfrm_spd_lookup(const dpc_xfrm_spd_t *spd,
											 dpc_xfrm_dir_t dir,
											 const dpc_xfrm_flow_t *flow);

/**
 * Is a policy an IPsec policy (allow with at least one template), a bypass
 * (allow without) or a block?
 *
 * @return			"ipsec", "bypass" or "block"
 */
const char *dpc_xfrm_policy_kind(const dpc_xfrm_policy_t *policy);

/**
 * Name of a direction ("in", "out", "fwd").
 */
const char *dpc_xfrm_dir_name(dpc_xfrm_dir_t dir);

/**
 * Write a policy the way "ip xfrm policy" lists it, on one line:
 * "src 10.10.1.0/24 dst 10.20.1.0/24 dir out priority 375423 ptype main
 * mark 0x2a/0xff if_id 0x7 action allow index 1 tmpl src 192.0.2.2 dst
 * 198.51.100.2 proto esp spi 0x0000c001 reqid 1 mode tunnel".
 *
 * @return			buf
 */
char *dpc_xfrm_policy_to_str(const dpc_xfrm_policy_t *policy, char *buf,
							 size_t len);

/**
 * Write the arguments "ip xfrm policy delete"/"get" need to name a policy:
 * selector, direction, mark, if_id ("src A/P dst B/Q [proto P [sport S]
 * [dport D]] dir out [ptype sub] [mark V mask M] [if_id N]").
 *
 * @return			buf
 */
char *dpc_xfrm_policy_id_str(const dpc_xfrm_policy_t *policy, char *buf,
							 size_t len);

#endif /** DPC_XFRM_SPD_H_ @}*/
