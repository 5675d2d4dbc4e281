/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "fixture_tunnel.h"
#include "fixture_facts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <check.h>

void bed_set_ts(dpc_ts_list_t *list, const char *str)
{
	dpc_ts_t ts;

	dpc_ts_list_clear(list);
	dpc_ts_parse(&ts, str);
	dpc_ts_list_add(list, &ts);
}

void bed_init(bed_t *bed)
{
	dpc_ike_rec_t ike;
	dpc_child_rec_t *child;

	memset(bed, 0, sizeof(*bed));
	dpc_settings_defaults(&bed->settings, "/var/run");
	bed->facts = fixture_facts_create(DPC_DATAPLANE_LIBIPSEC, "ipsec0");
	fixture_facts_addr(bed->facts, "10.10.1.1", "lan");
	fixture_facts_addr(bed->facts, "192.0.2.2", "wan");
	/* table 220 route to the remote selector, connected LAN, default */
	fixture_facts_route(bed->facts, "10.20.1.0/24", "*", 0, DPC_RT_UNICAST,
						"ipsec0", NULL, 220);
	fixture_facts_route(bed->facts, "10.10.1.0/24", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed->facts, "0.0.0.0/0", "*", 0, DPC_RT_UNICAST,
						"wan", "192.0.2.1", 254);
	fixture_facts_sysctl(bed->facts, "net/ipv4/ip_forward", 1);
	fixture_facts_sysctl(bed->facts, "net/ipv4/conf/lan/forwarding", 1);
	fixture_facts_sysctl(bed->facts, "net/ipv4/conf/ipsec0/forwarding", 1);

	dpc_tunnels_init(&bed->tunnels);
	dpc_ike_rec_init(&ike);
	snprintf(ike.name, sizeof(ike.name), "s2s");
	ike.unique_id = 1;
	ike.state = DPC_STATE_UP;
	ike.version = 2;
	dpc_addr_parse(&ike.local, "192.0.2.2");
	ike.local.port = 4500;
	dpc_addr_parse(&ike.remote, "198.51.100.2");
	ike.remote.port = 4500;
	ike.initial_local = ike.local;
	ike.initial_remote = ike.remote;
	ike.initial_local.port = ike.initial_remote.port = 500;
	ike.nat = DPC_NAT_ANY | DPC_NAT_HERE;
	ike.dpd_delay = 30;
	ike.cfg_rekey_time = 14400;
	ike.established = 1000;
	child = dpc_ike_rec_add_child(&ike);
	dpc_child_rec_set_name(child, "net");
	child->unique_id = 1;
	child->reqid = 1;
	child->state = DPC_STATE_UP;
	dpc_child_rec_set_text(&child->mode, "TUNNEL");
	dpc_child_rec_set_text(&child->protocol, "ESP");
	child->encap = true;
	bed_set_ts(&child->cfg_local, "10.10.1.0/24");
	bed_set_ts(&child->cfg_remote, "10.20.1.0/24");
	bed_set_ts(&child->local, "10.10.1.0/24");
	bed_set_ts(&child->remote, "10.20.1.0/24");
	child->installed = 1000;
	child->cfg_rekey_time = 3600;
	dpc_tunnels_add_copy(&bed->tunnels, &ike);
	dpc_ike_rec_clear(&ike);
	dpc_findings_init(&bed->findings);
	dpc_paths_init(&bed->paths);
	bed->ctx = (dpc_check_ctx_t){
		.settings = &bed->settings,
		.facts = bed->facts,
		.tunnels = &bed->tunnels,
		.paths = &bed->paths,
		.now = 2000,
		.out = &bed->findings,
	};
}

dpc_ike_rec_t *bed_ike(bed_t *bed)
{
	return bed->tunnels.ikes[0];
}

dpc_child_rec_t *bed_child(bed_t *bed)
{
	return bed->tunnels.ikes[0]->children[0];
}

void bed_run(bed_t *bed)
{
	dpc_findings_clear(&bed->findings);
	dpc_findings_init(&bed->findings);
	dpc_paths_build(&bed->paths, bed->ctx.facts, bed->ctx.tunnels);
	dpc_check_all(&bed->ctx);
}

/**
 * Is a finding of the same code, subject, discriminator and message in a
 * list?
 */
static bool has_same(const dpc_findings_t *list, const dpc_finding_t *f)
{
	const dpc_finding_t *o;
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		o = &list->items[i];
		if (!strcmp(o->code, f->code) &&
			o->subject.ike_id == f->subject.ike_id &&
			o->subject.child_id == f->subject.child_id &&
			!strcmp(o->discrim, f->discrim) &&
			!strcmp(o->message, f->message))
		{
			return true;
		}
	}
	return false;
}

/**
 * Is a finding about a tunnel or the gateway?
 */
static bool about(const dpc_finding_t *f, uint32_t ike_id)
{
	return f->subject.ike_id == ike_id || !f->subject.ike_id;
}

int bed_assert_incremental(bed_t *bed)
{
	dpc_findings_t full;
	const dpc_finding_t *f;
	uint32_t id;
	bool *flags;
	size_t i;
	int t, n;

	bed->ctx.recheck = NULL;
	bed_run(bed);
	full = bed->findings;
	n = (int)full.count;
	dpc_findings_init(&bed->findings);
	flags = calloc(bed->tunnels.count ? bed->tunnels.count : 1, sizeof(bool));
	ck_assert(flags);
	for (t = 0; t < bed->tunnels.count; t++)
	{
		id = bed->tunnels.ikes[t]->unique_id;
		memset(flags, 0, bed->tunnels.count * sizeof(bool));
		flags[t] = true;
		bed->ctx.recheck = flags;
		bed_run(bed);
		for (i = 0; i < bed->findings.count; i++)
		{
			f = &bed->findings.items[i];
			ck_assert_msg(about(f, id), "tunnel %u re-checked, %s of %u "
						  "reported", id, f->code, f->subject.ike_id);
			ck_assert_msg(has_same(&full, f), "tunnel %u re-checked: %s "
						  "(%s) not in the full round", id, f->code,
						  f->message);
		}
		for (i = 0; i < full.count; i++)
		{
			f = &full.items[i];
			ck_assert_msg(!about(f, id) || has_same(&bed->findings, f),
						  "tunnel %u re-checked: %s (%s) of the full round "
						  "missing", id, f->code, f->message);
		}
	}
	bed->ctx.recheck = NULL;
	free(flags);
	dpc_findings_clear(&bed->findings);
	bed->findings = full;
	return n;
}

dpc_finding_t *bed_find(bed_t *bed, const char *code)
{
	size_t i;

	for (i = 0; i < bed->findings.count; i++)
	{
		if (!strcmp(bed->findings.items[i].code, code))
		{
			return &bed->findings.items[i];
		}
	}
	return NULL;
}

int bed_problems(bed_t *bed)
{
	size_t i;
	int n = 0;

	for (i = 0; i < bed->findings.count; i++)
	{
		n += bed->findings.items[i].severity >= DPC_WARNING;
	}
	return n;
}

void bed_free(bed_t *bed)
{
	dpc_findings_clear(&bed->findings);
	dpc_paths_clear(&bed->paths);
	dpc_tunnels_clear(&bed->tunnels);
	bed->facts->destroy(bed->facts);
}

void bed_add_ts(dpc_ts_list_t *list, const char *str)
{
	dpc_ts_t ts;

	dpc_ts_parse(&ts, str);
	dpc_ts_list_add(list, &ts);
}

void bed_dual_stack(bed_t *bed)
{
	dpc_child_rec_t *child = bed_child(bed);

	fixture_facts_addr(bed->facts, "fd10::1", "lan");
	fixture_facts_addr(bed->facts, "2001:db8:a::2", "wan");
	fixture_facts_route(bed->facts, "2001:db8:20::/64", "*", 0,
						DPC_RT_UNICAST, "ipsec0", NULL, 220);
	fixture_facts_route(bed->facts, "fd10::/64", "*", 0, DPC_RT_UNICAST,
						"lan", NULL, 254);
	fixture_facts_route(bed->facts, "::/0", "*", 0, DPC_RT_UNICAST,
						"wan", "2001:db8:a::1", 254);
	fixture_facts_sysctl(bed->facts, "net/ipv6/conf/all/forwarding", 1);
	bed_add_ts(&child->cfg_local, "fd10::/64");
	bed_add_ts(&child->cfg_remote, "2001:db8:20::/64");
	bed_add_ts(&child->local, "fd10::/64");
	bed_add_ts(&child->remote, "2001:db8:20::/64");
}

bool bed_has_evidence(const dpc_finding_t *f, const char *key,
					  const char *part)
{
	int i;

	for (i = 0; i < f->n_evidence; i++)
	{
		if (!strcmp(f->evidence[i].key, key) &&
			strstr(f->evidence[i].value, part))
		{
			return true;
		}
	}
	return false;
}
