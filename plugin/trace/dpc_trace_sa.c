/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_sa.h"
#include "facts/dpc_questions.h"

/**
 * Does a selector match an address with protocol and port (ICMP: type and
 * code as type << 8 | code, the way strongSwan encodes them)?
 */
static bool ts_match(const dpc_ts_t *ts, const dpc_addr_t *addr,
					 uint8_t proto, uint16_t port)
{
	if (ts->family != addr->family || !dpc_ts_contains_addr(ts, addr))
	{
		return false;
	}
	if (ts->proto && ts->proto != proto)
	{
		return false;
	}
	return port >= ts->from_port && port <= ts->to_port;
}

/**
 * Find the narrowest selector of a list matching; its address count.
 */
static bool list_match(const dpc_ts_list_t *list, const dpc_addr_t *addr,
					   uint8_t proto, uint16_t port, uint64_t *size)
{
	uint64_t count;
	bool found = false;
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (ts_match(&list->ts[i], addr, proto, port))
		{
			count = dpc_ts_addr_count(&list->ts[i]);
			if (!found || count < *size)
			{
				*size = count;
			}
			found = true;
		}
	}
	return found;
}

/*
 * Described in header
 */
dpc_trace_sa_t dpc_trace_find_sa(dpc_trace_state_t *t, const dpc_addr_t *src,
								 const dpc_addr_t *dst, bool inbound,
								 bool cfg)
{
	const dpc_tunnels_t *tunnels = t->tunnels;
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	const dpc_ts_list_t *local, *remote;
	dpc_trace_sa_t best = { NULL, NULL };
	uint64_t lsize = 0, rsize = 0, best_l = 0, best_r = 0;
	uint16_t sport = t->sport, dport = t->dport;
	int i, j;

	if (dpc_trace_is_icmp(t->proto))
	{
		sport = dport = (t->icmp_type << 8) | t->icmp_code;
	}
	for (i = 0; tunnels && i < tunnels->count; i++)
	{
		ike = tunnels->ikes[i];
		if (ike->state != DPC_STATE_UP)
		{
			continue;
		}
		for (j = 0; j < ike->n_children; j++)
		{
			child = ike->children[j];
			if (child->state != DPC_STATE_UP)
			{
				continue;
			}
			local = cfg ? &child->cfg_local : &child->local;
			remote = cfg ? &child->cfg_remote : &child->remote;
			if (!list_match(local, inbound ? dst : src, t->proto,
							inbound ? dport : sport, &lsize) ||
				!list_match(remote, inbound ? src : dst, t->proto,
							inbound ? sport : dport, &rsize))
			{
				continue;
			}
			if (!best.child || rsize < best_r ||
				(rsize == best_r && lsize < best_l))
			{
				best.ike = ike;
				best.child = child;
				best_l = lsize;
				best_r = rsize;
			}
		}
	}
	return best;
}

/*
 * Described in header
 */
void dpc_trace_set_child(dpc_trace_state_t *t, const dpc_trace_sa_t *sa,
						 bool landed)
{
	dpc_trace_result_t *res = t->res;

	res->has_child = true;
	res->landed = landed;
	dpc_trace_fmt(res->ike_name, sizeof(res->ike_name), "%s", sa->ike->name);
	res->ike_id = sa->ike->unique_id;
	dpc_trace_fmt(res->child_name, sizeof(res->child_name), "%s",
				  sa->child->name);
	res->child_id = sa->child->unique_id;
	res->reqid = sa->child->reqid;
}

/*
 * Described in header
 */
char *dpc_trace_sa_name(const dpc_trace_sa_t *sa, char *buf, size_t len)
{
	dpc_trace_fmt(buf, len, "%s{%u} of %s[%u]", sa->child->name,
				  sa->child->unique_id, sa->ike->name, sa->ike->unique_id);
	return buf;
}

/*
 * Described in header
 */
char *dpc_trace_sa_selectors(const dpc_trace_sa_t *sa, bool cfg, char *buf,
							 size_t len)
{
	char l[DPC_TS_STRLEN * 2], r[DPC_TS_STRLEN * 2];

	dpc_ts_list_to_str(cfg ? &sa->child->cfg_local : &sa->child->local,
					   l, sizeof(l));
	dpc_ts_list_to_str(cfg ? &sa->child->cfg_remote : &sa->child->remote,
					   r, sizeof(r));
	dpc_trace_fmt(buf, len, "%s === %s", l, r);
	return buf;
}

/*
 * Described in header
 */
const char *dpc_trace_sa_encap(const dpc_trace_sa_t *sa)
{
	if (dpc_streq(sa->child->protocol, "AH"))
	{
		return "AH";
	}
	return sa->child->encap ? "ESP in UDP" : "ESP";
}
