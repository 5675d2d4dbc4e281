/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_attr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

/*
 * Described in header
 */
bool dpc_rtnl_walk_attrs(const void *start, size_t len, dpc_rtnl_attr_cb_t cb,
						 void *data)
{
	const uint8_t *pos = start;
	const struct nlattr *attr;
	size_t alen;

	while (len >= sizeof(struct nlattr))
	{
		attr = (const struct nlattr*)pos;
		alen = attr->nla_len;
		if (alen < sizeof(struct nlattr) || alen > len)
		{
			return false;
		}
		if (!cb(attr, data))
		{
			return false;
		}
		/* the last attribute of a block may lack its padding */
		alen = MNL_ALIGN(alen);
		if (alen > len)
		{
			alen = len;
		}
		pos += alen;
		len -= alen;
	}
	return len == 0;
}

/*
 * Described in header
 */
bool dpc_rtnl_walk_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
							 dpc_rtnl_attr_cb_t cb, void *data)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);

	if (nlh->nlmsg_len < off)
	{	/* no attributes, a header without padding */
		return nlh->nlmsg_len == MNL_NLMSG_HDRLEN + hdrlen;
	}
	return dpc_rtnl_walk_attrs((const uint8_t*)nlh + off, nlh->nlmsg_len - off,
							   cb, data);
}

/*
 * Described in header
 */
bool dpc_rtnl_msg_ok(const struct nlmsghdr *nlh, size_t len, uint16_t type,
					 size_t hdrlen)
{
	if (!nlh || len < sizeof(struct nlmsghdr) ||
		nlh->nlmsg_len > len || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdrlen)
	{
		return false;
	}
	return nlh->nlmsg_type == type;
}

/*
 * Described in header
 */
bool dpc_rtnl_attr_u32(const struct nlattr *attr, uint32_t *value)
{
	if (mnl_attr_get_payload_len(attr) != sizeof(uint32_t))
	{
		return false;
	}
	memcpy(value, mnl_attr_get_payload(attr), sizeof(uint32_t));
	return true;
}

/*
 * Described in header
 */
bool dpc_rtnl_set_addr(dpc_addr_t *addr, int family, const void *data,
					   size_t len)
{
	size_t want;

	switch (family)
	{
		case AF_INET:
			want = 4;
			break;
		case AF_INET6:
			want = 16;
			break;
		default:
			return false;
	}
	if (len != want)
	{
		return false;
	}
	memset(addr, 0, sizeof(*addr));
	addr->family = family;
	memcpy(addr->a, data, len);
	return true;
}

/*
 * Described in header
 */
bool dpc_rtnl_attr_addr(const struct nlattr *attr, int family, dpc_addr_t *addr)
{
	return dpc_rtnl_set_addr(addr, family, mnl_attr_get_payload(attr),
							 mnl_attr_get_payload_len(attr));
}

/*
 * Described in header
 */
bool dpc_rtnl_attr_str(const struct nlattr *attr, char *buf, size_t size,
					   bool trunc)
{
	const char *str = mnl_attr_get_payload(attr);
	size_t len;

	len = strnlen(str, mnl_attr_get_payload_len(attr));
	if (len >= size)
	{
		if (!trunc)
		{
			return false;
		}
		len = size - 1;
	}
	memcpy(buf, str, len);
	buf[len] = '\0';
	return true;
}

/*
 * Described in header
 */
void dpc_rtnl_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list args;

	if (used + 1 >= len)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(buf + used, len - used, fmt, args);
	va_end(args);
}

/*
 * Described in header
 */
void dpc_rtnl_append_prefix(char *buf, size_t len, const dpc_addr_t *addr,
							uint8_t plen)
{
	char a[DPC_ADDR_STRLEN];

	dpc_addr_to_str(addr, a, sizeof(a));
	if (plen == dpc_addr_len(addr->family) * 8)
	{
		dpc_rtnl_append(buf, len, "%s", a);
	}
	else
	{
		dpc_rtnl_append(buf, len, "%s/%u", a, plen);
	}
}
