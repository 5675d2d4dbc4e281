/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_xfrm_attr dpc_xfrm_attr
 * @{ @ingroup dpc_facts
 *
 * A bounded walk over the attributes of an XFRM message (pure, libc only),
 * shared by the SAD and SPD parsers. Every attribute must be at least a
 * header long and fit what is left; a shorter tail than a header ends the
 * walk. The payload is handed out in place, unaligned: copy it out with
 * memcpy after checking its length.
 */

#ifndef DPC_XFRM_ATTR_H_
#define DPC_XFRM_ATTR_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * State of a walk over attributes.
 */
typedef struct {
	/** the next attribute */
	const uint8_t *p;
	/** bytes left from p */
	size_t len;
	/** an attribute did not fit */
	bool bad;
} dpc_xfrm_attr_iter_t;

/**
 * Start a walk over the attributes in len bytes from p.
 *
 * @param it		the walk
 * @param p			first attribute
 * @param len		bytes of attributes
 */
void dpc_xfrm_attr_init(dpc_xfrm_attr_iter_t *it, const uint8_t *p,
						size_t len);

/**
 * The next attribute.
 *
 * @param it		the walk
 * @param type		receives the type (NLA_TYPE_MASK applied)
 * @param data		receives the payload (in place, unaligned)
 * @param plen		receives the payload's length
 * @return			FALSE at the end, or when an attribute does not fit
 *					(it->bad set)
 */
bool dpc_xfrm_attr_next(dpc_xfrm_attr_iter_t *it, uint16_t *type,
						const uint8_t **data, size_t *plen);

#endif /** DPC_XFRM_ATTR_H_ @}*/
