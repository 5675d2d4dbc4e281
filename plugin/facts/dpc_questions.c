/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_questions.h"

#include <stdio.h>
#include <sys/socket.h>

/*
 * Described in header
 */
bool dpc_local_host(dpc_facts_t *facts, const dpc_ts_t *ts, dpc_addr_t *addr)
{
	uint64_t count, n;

	count = dpc_ts_addr_count(ts);
	/* skip the network address of a prefix and the gateway's own ones */
	for (n = count > 2 ? 1 : 0; n < count && n < DPC_HOST_PROBES; n++)
	{
		dpc_ts_addr_nth(ts, n, addr);
		if (!facts->is_local(facts, addr, NULL))
		{
			return true;
		}
	}
	return false;
}

/*
 * Described in header
 */
void dpc_remote_host(const dpc_ts_t *ts, dpc_addr_t *addr)
{
	dpc_ts_addr_nth(ts, dpc_ts_addr_count(ts) > 2 ? 1 : 0, addr);
}

/*
 * Described in header
 */
bool dpc_gateway_only(dpc_facts_t *facts, const dpc_ts_list_t *list)
{
	dpc_addr_t addr;
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (dpc_ts_addr_count(&list->ts[i]) != 1)
		{
			return false;
		}
		dpc_ts_addr_nth(&list->ts[i], 0, &addr);
		if (!facts->is_local(facts, &addr, NULL))
		{
			return false;
		}
	}
	return list->count > 0;
}

/*
 * Described in header
 */
bool dpc_lan_iif(dpc_facts_t *facts, const dpc_ts_t *ts,
				 const dpc_addr_t *host, char ifname[IF_NAMESIZE])
{
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_addr_t own;

	/* the interface of our own address in the selector is the LAN side */
	if (facts->local_in_ts(facts, ts, &own, ifname) && ifname[0])
	{
		return true;
	}
	memset(&q, 0, sizeof(q));
	q.dst = *host;
	if (facts->route_get(facts, &q, &route) && !route.error &&
		route.oif[0])
	{
		memcpy(ifname, route.oif, IF_NAMESIZE);
		return true;
	}
	return false;
}

/*
 * Described in header
 */
bool dpc_tunnel_iif(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					const dpc_child_rec_t *child, char ifname[IF_NAMESIZE])
{
	const char *tun;

	if (facts->get_dataplane(facts) == DPC_DATAPLANE_LIBIPSEC)
	{
		tun = facts->get_tun(facts);
		if (!tun)
		{
			return false;
		}
		snprintf(ifname, IF_NAMESIZE, "%s", tun);
		return true;
	}
	if (child->if_id_in)
	{	/* route-based XFRM: the xfrm interface is not known here yet */
		return false;
	}
	/* decapsulated packets keep the device ESP arrived on */
	return facts->is_local(facts, &ike->local, ifname) && ifname[0];
}

/*
 * Described in header
 */
bool dpc_forwarding_on(dpc_facts_t *facts, uint8_t family, const char *ifname,
					   char *path, size_t len)
{
	int value;

	if (family == AF_INET6)
	{
		snprintf(path, len, "net/ipv6/conf/%s/forwarding",
				 ifname ? ifname : "all");
	}
	else if (ifname)
	{
		snprintf(path, len, "net/ipv4/conf/%s/forwarding", ifname);
	}
	else
	{
		snprintf(path, len, "net/ipv4/ip_forward");
	}
	if (!facts->sysctl(facts, path, &value))
	{
		return true;
	}
	return value != 0;
}

/*
 * Described in header
 */
bool dpc_route_fails(const dpc_route_t *route)
{
	if (route->error)
	{
		return true;
	}
	switch (route->type)
	{
		case DPC_RT_BLACKHOLE:
		case DPC_RT_UNREACHABLE:
		case DPC_RT_PROHIBIT:
		case DPC_RT_THROW:
			return true;
		default:
			return false;
	}
}

/*
 * Described in header
 */
const char *dpc_sysctl_name(const char *path, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", path);
	for (i = 0; buf[i]; i++)
	{
		if (buf[i] == '/')
		{
			buf[i] = '.';
		}
	}
	return buf;
}

/*
 * Described in header
 */
int dpc_rp_filter(dpc_facts_t *facts, const char *ifname, int *all, int *dev)
{
	char path[64];

	*all = *dev = -1;
	if (!facts->sysctl(facts, "net/ipv4/conf/all/rp_filter", all))
	{
		*all = -1;
	}
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter", ifname);
	if (!facts->sysctl(facts, path, dev))
	{
		*dev = -1;
	}
	return *all > *dev ? (*all > 0 ? *all : 0) : (*dev > 0 ? *dev : 0);
}
