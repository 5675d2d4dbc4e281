/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_parse.h"
#include "dpc_rtnl_attr.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

/**
 * State while parsing a link.
 */
typedef struct {
	/** the link */
	dpc_link_t *link;
	/** IFLA_INFO_DATA, kept until the kind is known */
	const struct nlattr *data;
} link_ctx_t;

/**
 * Attributes of IFLA_LINKINFO.
 */
static bool linkinfo_attr(const struct nlattr *attr, void *data)
{
	link_ctx_t *ctx = data;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_INFO_KIND:
			return dpc_rtnl_attr_str(attr, ctx->link->kind,
									 sizeof(ctx->link->kind), true);
		case IFLA_INFO_DATA:
			ctx->data = attr;
			return true;
		default:
			return true;
	}
}

/**
 * Attributes of IFLA_INFO_DATA of an xfrm interface.
 */
static bool xfrmi_attr(const struct nlattr *attr, void *data)
{
	dpc_link_t *link = data;

	/* IFLA_XFRM_IF_ID is 2 in linux/if_link.h */
	if (mnl_attr_get_type(attr) == 2)
	{
		return dpc_rtnl_attr_u32(attr, &link->if_id);
	}
	return true;
}

/**
 * Attributes of IFLA_INFO_DATA of a VTI device (keys in network order).
 */
static bool vti_attr(const struct nlattr *attr, void *data)
{
	dpc_link_t *link = data;
	uint32_t key;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_VTI_IKEY:
			if (!dpc_rtnl_attr_u32(attr, &key))
			{
				return false;
			}
			link->ikey = ntohl(key);
			return true;
		case IFLA_VTI_OKEY:
			if (!dpc_rtnl_attr_u32(attr, &key))
			{
				return false;
			}
			link->okey = ntohl(key);
			return true;
		default:
			return true;
	}
}

/**
 * Attributes of RTM_NEWLINK.
 */
static bool link_attr(const struct nlattr *attr, void *data)
{
	link_ctx_t *ctx = data;
	dpc_link_t *link = ctx->link;

	switch (mnl_attr_get_type(attr))
	{
		case IFLA_IFNAME:
			return dpc_rtnl_attr_str(attr, link->name, sizeof(link->name),
									 false);
		case IFLA_MTU:
			return dpc_rtnl_attr_u32(attr, &link->mtu);
		case IFLA_LINKINFO:
			return dpc_rtnl_walk_attrs(mnl_attr_get_payload(attr),
									   mnl_attr_get_payload_len(attr),
									   linkinfo_attr, ctx);
		default:
			return true;
	}
}

/**
 * Parse the kind specific data of a link, once its kind is known.
 */
static bool parse_link_data(link_ctx_t *ctx)
{
	dpc_rtnl_attr_cb_t cb = NULL;

	if (!ctx->data)
	{
		return true;
	}
	if (strcmp(ctx->link->kind, "xfrm") == 0)
	{
		cb = xfrmi_attr;
	}
	else if (strcmp(ctx->link->kind, "vti") == 0 ||
			 strcmp(ctx->link->kind, "vti6") == 0)
	{
		cb = vti_attr;
	}
	if (!cb)
	{
		return true;
	}
	return dpc_rtnl_walk_attrs(mnl_attr_get_payload(ctx->data),
							   mnl_attr_get_payload_len(ctx->data),
							   cb, ctx->link);
}

bool dpc_rtnl_parse_link(const struct nlmsghdr *nlh, size_t len,
						 dpc_link_t *link)
{
	link_ctx_t ctx = { .link = link };
	struct ifinfomsg ifi;

	memset(link, 0, sizeof(*link));
	if (!dpc_rtnl_msg_ok(nlh, len, RTM_NEWLINK, sizeof(ifi)))
	{
		return false;
	}
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (ifi.ifi_index <= 0)
	{
		return false;
	}
	link->index = ifi.ifi_index;
	link->flags = ifi.ifi_flags;
	link->up = (ifi.ifi_flags & IFF_UP) != 0;
	if (!dpc_rtnl_walk_msg_attrs(nlh, sizeof(ifi), link_attr, &ctx) ||
		!parse_link_data(&ctx) || !link->name[0])
	{
		memset(link, 0, sizeof(*link));
		return false;
	}
	return true;
}
