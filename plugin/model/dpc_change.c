/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_change.h"

#include <string.h>

static const char *kind_names[] = {
	[DPC_CHANGE_ROUTE] = "route",
	[DPC_CHANGE_RULE] = "rule",
	[DPC_CHANGE_ADDR] = "addr",
	[DPC_CHANGE_LINK] = "link",
	[DPC_CHANGE_XFRM_POLICY] = "xfrm_policy",
	[DPC_CHANGE_XFRM_STATE] = "xfrm_state",
	[DPC_CHANGE_XFRM_EXPIRE] = "xfrm_expire",
	[DPC_CHANGE_NFT] = "nft",
	[DPC_CHANGE_OVERRUN] = "overrun",
};

const char *dpc_change_kind_name(dpc_change_kind_t kind)
{
	if ((unsigned)kind < DPC_CHANGE_KINDS)
	{
		return kind_names[kind];
	}
	return "unknown";
}

bool dpc_change_list_overlaps(const dpc_ts_list_t *list, const dpc_ts_t *p)
{
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (dpc_ts_overlaps(&list->ts[i], p))
		{
			return true;
		}
	}
	return false;
}

/**
 * Does any selector of a CHILD_SA (negotiated or configured) overlap p?
 */
static bool child_overlaps(const dpc_child_rec_t *child, const dpc_ts_t *p)
{
	return dpc_change_list_overlaps(&child->local, p) ||
		   dpc_change_list_overlaps(&child->remote, p) ||
		   dpc_change_list_overlaps(&child->cfg_local, p) ||
		   dpc_change_list_overlaps(&child->cfg_remote, p);
}

/**
 * Is an address (family 0: none) inside a prefix?
 */
static bool addr_in(const dpc_addr_t *addr, const dpc_ts_t *p)
{
	return addr->family && dpc_ts_contains_addr(p, addr);
}

/**
 * Is one of the tunnel's endpoints, now or before an update, inside p?
 */
static bool endpoint_in(const dpc_ike_rec_t *ike, const dpc_ts_t *p)
{
	return addr_in(&ike->local, p) || addr_in(&ike->remote, p) ||
		   addr_in(&ike->initial_local, p) ||
		   addr_in(&ike->initial_remote, p);
}

/**
 * A route's prefix: the selectors' and endpoints' route lookups.
 */
static bool route_concerns(const dpc_change_t *c, const dpc_ike_rec_t *ike)
{
	int i;

	if (endpoint_in(ike, &c->src))
	{
		return true;
	}
	for (i = 0; i < ike->n_children; i++)
	{
		if (child_overlaps(ike->children[i], &c->src))
		{
			return true;
		}
	}
	return false;
}

/**
 * An XFRM policy: some selector of the tunnel on each side (either way
 * round: in, out and fwd policies swap them).
 */
static bool policy_concerns(const dpc_change_t *c, const dpc_ike_rec_t *ike)
{
	int i;

	for (i = 0; i < ike->n_children; i++)
	{
		if (child_overlaps(ike->children[i], &c->src) &&
			child_overlaps(ike->children[i], &c->dst))
		{
			return true;
		}
	}
	return false;
}

/**
 * Same address (family and bytes)?
 */
static bool addr_eq(const dpc_addr_t *a, const dpc_addr_t *b)
{
	size_t len = dpc_addr_len(a->family);

	return len && a->family == b->family && memcmp(a->a, b->a, len) == 0;
}

/**
 * An XFRM state: its SPI, or its endpoints.
 */
static bool state_concerns(const dpc_change_t *c, const dpc_ike_rec_t *ike)
{
	const dpc_child_rec_t *child;
	int i;

	for (i = 0; c->spi && i < ike->n_children; i++)
	{
		child = ike->children[i];
		if (child->spi_in == c->spi || child->spi_out == c->spi)
		{
			return true;
		}
	}
	return addr_eq(&c->daddr, &ike->remote) ||
		   addr_eq(&c->saddr, &ike->remote) ||
		   addr_eq(&c->daddr, &ike->initial_remote) ||
		   addr_eq(&c->saddr, &ike->initial_remote);
}

bool dpc_change_concerns(const dpc_change_t *c, const dpc_ike_rec_t *ike)
{
	if (c->all)
	{
		return true;
	}
	switch (c->kind)
	{
		case DPC_CHANGE_ROUTE:
			return !c->src.family || route_concerns(c, ike);
		case DPC_CHANGE_XFRM_POLICY:
			return !c->src.family || !c->dst.family ||
				   policy_concerns(c, ike);
		case DPC_CHANGE_XFRM_STATE:
		case DPC_CHANGE_XFRM_EXPIRE:
			return (!c->spi && !c->daddr.family && !c->saddr.family) ||
				   state_concerns(c, ike);
		default:
			/* rules, addresses (source selection, masquerade, the
			 * gateway's own addresses), links, the ruleset, overruns */
			return true;
	}
}

int dpc_change_mark(const dpc_change_t *c, const dpc_tunnels_t *tunnels,
					bool *dirty)
{
	int i, n = 0;

	for (i = 0; i < tunnels->count; i++)
	{
		if (dpc_change_concerns(c, tunnels->ikes[i]))
		{
			dirty[i] = true;
			n++;
		}
	}
	return n;
}
