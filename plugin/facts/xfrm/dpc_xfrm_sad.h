/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_xfrm_sad dpc_xfrm_sad
 * @{ @ingroup dpc_facts
 *
 * The kernel's SAD as a round sees it (pure, libc only): what identifies
 * each XFRM state and its lifetime counters, parsed from XFRM_MSG_NEWSA
 * messages of a dump, and looked up the way the kernel looks up an SA for
 * XFRM_MSG_GETSA (destination, SPI, protocol, mark).
 *
 * The parser never trusts a length: the message must hold a whole
 * xfrm_usersa_info, every attribute must fit the message and be at least
 * as long as the struct it carries. Key material (XFRMA_ALG_*) is never
 * copied; the caller wipes the buffer it received.
 */

#ifndef DPC_XFRM_SAD_H_
#define DPC_XFRM_SAD_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/**
 * What identifies an SA to the kernel's lookup.
 */
typedef struct {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** IPPROTO_ESP, IPPROTO_AH or IPPROTO_COMP */
	uint8_t proto;
	/** SPI, network order */
	uint32_t spi;
	/** destination address (4 or 16 bytes used) */
	uint8_t dst[16];
	/** mark value and mask the SA was installed with */
	uint32_t mark_value, mark_mask;
} dpc_xfrm_sa_id_t;

/**
 * One SA of the SAD.
 */
typedef struct {
	/** its identity */
	dpc_xfrm_sa_id_t id;
	/** source address */
	uint8_t src[16];
	/** reqid */
	uint32_t reqid;
	/** XFRM_MODE_* */
	uint8_t mode;
	/** XFRM interface id, 0 if none */
	uint32_t if_id;
	/** UDP encapsulation type, 0 if none */
	uint16_t encap_type;
	/** its ports, host order */
	uint16_t encap_sport, encap_dport;
	/** bytes and packets processed */
	uint64_t bytes, packets;
	/** time added, first used (wall clock seconds, 0: unused) */
	uint64_t add_time, use_time;
	/** no algorithm: a larval SA (XFRM_MSG_ALLOCSPI, or the kernel's
	 *  acquire state, which carries the SPI of the policy's template), not
	 *  one that can carry traffic */
	bool larval;
} dpc_xfrm_sa_t;

/**
 * The SAs of a dump.
 */
typedef struct dpc_xfrm_sad_t {
	/** the SAs, sorted for lookups once complete */
	dpc_xfrm_sa_t *sas;
	/** number of SAs */
	size_t count;
	/** allocated entries */
	size_t size;
	/** SAs the dump held beyond what was kept (limits, memory) */
	size_t dropped;
	/** sorted since the last add */
	bool sorted;
} dpc_xfrm_sad_t;

/**
 * Parse an XFRM_MSG_NEWSA message.
 *
 * @param nlh		the message
 * @param len		bytes available at nlh (nlmsg_len is checked against it)
 * @param sa		receives the SA
 * @return			false if it is not a well-formed NEWSA message of an
 *					IPv4 or IPv6 SA
 */
bool dpc_xfrm_parse_sa(const struct nlmsghdr *nlh, size_t len,
					   dpc_xfrm_sa_t *sa);

/**
 * Initialize an empty SAD.
 */
void dpc_xfrm_sad_init(dpc_xfrm_sad_t *sad);

/**
 * Add an SA.
 *
 * @param max		most SAs kept, 0 for no limit; beyond, SAs are counted
 *					as dropped
 * @return			false if it was dropped
 */
bool dpc_xfrm_sad_add(dpc_xfrm_sad_t *sad, const dpc_xfrm_sa_t *sa,
					  size_t max);

/**
 * Parse a buffer of consecutive messages of a dump into a SAD (other
 * messages than NEWSA are skipped).
 *
 * @param max		most SAs kept (see dpc_xfrm_sad_add())
 * @return			number of malformed NEWSA messages
 */
unsigned dpc_xfrm_sad_parse(dpc_xfrm_sad_t *sad, const void *buf, size_t len,
							size_t max);

/**
 * Sort the SAs for dpc_xfrm_sad_find() (once the SAD is complete).
 */
void dpc_xfrm_sad_sort(dpc_xfrm_sad_t *sad);

/**
 * Find the SA the kernel would find for an XFRM_MSG_GETSA with this
 * identity: same family, protocol, SPI and destination, and the SA's mark
 * matches (the id's value masked with its mask, then with the SA's mask,
 * equals the SA's value). Binary search once sorted, else a linear one.
 *
 * @return			the SA, NULL if none
 */
const dpc_xfrm_sa_t *dpc_xfrm_sad_find(const dpc_xfrm_sad_t *sad,
									   const dpc_xfrm_sa_id_t *id);

/**
 * Release the SAs (the SAD is empty afterwards).
 */
void dpc_xfrm_sad_clear(dpc_xfrm_sad_t *sad);

#endif /** DPC_XFRM_SAD_H_ @}*/
