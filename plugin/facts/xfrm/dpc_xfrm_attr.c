/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_xfrm_attr.h"

#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/*
 * Described in header
 */
void dpc_xfrm_attr_init(dpc_xfrm_attr_iter_t *it, const uint8_t *p,
						size_t len)
{
	it->p = p;
	it->len = len;
	it->bad = false;
}

/*
 * Described in header
 */
bool dpc_xfrm_attr_next(dpc_xfrm_attr_iter_t *it, uint16_t *type,
						const uint8_t **data, size_t *plen)
{
	struct rtattr rta;
	size_t alen;

	if (it->len < sizeof(rta))
	{
		return false;
	}
	memcpy(&rta, it->p, sizeof(rta));
	if (rta.rta_len < sizeof(rta) || rta.rta_len > it->len)
	{
		it->bad = true;
		it->len = 0;
		return false;
	}
	*type = rta.rta_type & NLA_TYPE_MASK;
	*data = it->p + RTA_LENGTH(0);
	*plen = rta.rta_len - RTA_LENGTH(0);
	alen = RTA_ALIGN(rta.rta_len);
	if (alen >= it->len)
	{
		it->len = 0;
	}
	else
	{
		it->p += alen;
		it->len -= alen;
	}
	return true;
}
