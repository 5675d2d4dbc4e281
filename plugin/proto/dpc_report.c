/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_report.h"
#include "model/dpc_sort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** add a fixed-size char array field, bounded by its size (a pointer does
 *  not compile) */
#define ADD_FIELD(b, key, field) \
	dpc_vici_add_kv(b, key, field, strnlen(field, sizeof(field) + 0 * \
		sizeof(char[1 - 2 * __builtin_types_compatible_p( \
			__typeof__(field), __typeof__(&(field)[0]))])))

/** add a finding's text (a string it holds, shorter than len) */
#define ADD_TEXT(b, key, text, len) \
	dpc_vici_add_kv(b, key, text, strnlen(text, len))

/** where a finding goes in the status message */
typedef struct {
	/** index of the finding */
	size_t idx;
	/** IKE_SA index, -1 for the top level */
	int ike;
	/** CHILD_SA index, -1 for the IKE_SA level */
	int child;
} place_t;

const char *dpc_report_state_name(dpc_state_t state)
{
	switch (state)
	{
		case DPC_STATE_UP:
			return "up";
		case DPC_STATE_REKEYED:
			return "rekeyed";
		case DPC_STATE_DOWN:
			return "down";
	}
	return "unknown";
}

char *dpc_report_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!len)
	{
		return buf;
	}
	buf[0] = '\0';
	if (t && gmtime_r(&t, &tm))
	{
		if (!strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		{
			buf[0] = '\0';
		}
	}
	return buf;
}

static const char *yesno(bool v)
{
	return v ? "yes" : "no";
}

/**
 * Add a subject's keys, only those that are set.
 */
static void add_subject(dpc_vici_builder_t *b, const dpc_subject_t *s)
{
	if (s->ike_id || s->ike_name[0])
	{
		ADD_FIELD(b, "ike", s->ike_name);
		dpc_vici_add_kvf(b, "ike_id", "%u", s->ike_id);
	}
	if (s->child_name[0] || s->child_id)
	{
		ADD_FIELD(b, "child", s->child_name);
		dpc_vici_add_kvf(b, "child_id", "%u", s->child_id);
	}
}

/**
 * Add the evidence section; keys are made unique ("rule", "rule_2", ...).
 */
static void add_evidence(dpc_vici_builder_t *b, const dpc_finding_t *f)
{
	char key[DPC_EVKEY_LEN + 8];
	int i, j, n, dup;

	n = f->n_evidence;
	if (n < 0)
	{
		n = 0;
	}
	if (n > DPC_MAX_EVIDENCE)
	{
		n = DPC_MAX_EVIDENCE;
	}
	dpc_vici_begin_section(b, "evidence");
	for (i = 0; i < n; i++)
	{
		const dpc_evidence_t *e = &f->evidence[i];
		size_t klen = strnlen(e->key, DPC_EVKEY_LEN);

		dup = 1;
		for (j = 0; j < i; j++)
		{
			if (strncmp(f->evidence[j].key, e->key, DPC_EVKEY_LEN) == 0)
			{
				dup++;
			}
		}
		snprintf(key, sizeof(key), "%.*s", (int)klen,
				 klen ? e->key : "evidence");
		if (dup > 1 || !klen)
		{
			snprintf(key, sizeof(key), "%.*s_%d", (int)klen,
					 klen ? e->key : "evidence", dup);
		}
		ADD_TEXT(b, key, e->value, DPC_EVVAL_LEN);
	}
	dpc_vici_end_section(b);
}

void dpc_report_add_finding(dpc_vici_builder_t *b, const dpc_finding_t *f,
							bool with_subject)
{
	char when[32];

	ADD_FIELD(b, "code", f->code);
	dpc_vici_add_kv_str(b, "severity", dpc_severity_name(f->severity));
	ADD_TEXT(b, "message", f->message, DPC_MESSAGE_LEN);
	add_evidence(b, f);
	ADD_TEXT(b, "hint", f->hint, DPC_HINT_LEN);
	dpc_vici_add_kv_str(b, "first_seen",
						dpc_report_time(f->first_seen_wall, when,
										sizeof(when)));
	dpc_vici_add_kv_str(b, "state", f->active ? "active" : "resolved");
	if (f->discrim[0])
	{
		ADD_FIELD(b, "discriminator", f->discrim);
	}
	if (with_subject)
	{
		add_subject(b, &f->subject);
	}
}

/**
 * Work out where each finding goes.
 */
static void place_findings(const dpc_tunnels_t *tunnels,
						   const dpc_findings_t *findings, place_t *places)
{
	const dpc_subject_t *s;
	const dpc_ike_rec_t *ike;
	size_t i;
	int j, k;

	for (i = 0; i < findings->count; i++)
	{
		s = &findings->items[i].subject;
		places[i] = (place_t){ .idx = i, .ike = -1, .child = -1 };
		if (!s->ike_id)
		{
			continue;
		}
		for (j = 0; j < tunnels->count; j++)
		{
			if (tunnels->ikes[j]->unique_id == s->ike_id)
			{
				break;
			}
		}
		if (j == tunnels->count)
		{
			continue;
		}
		places[i].ike = j;
		ike = tunnels->ikes[j];
		for (k = 0; s->child_id && k < ike->n_children; k++)
		{
			if (ike->children[k]->unique_id == s->child_id)
			{
				places[i].child = k;
				break;
			}
		}
	}
}

static int place_cmp(const void *a, const void *b)
{
	const place_t *pa = a, *pb = b;

	if (pa->ike != pb->ike)
	{
		return pa->ike < pb->ike ? -1 : 1;
	}
	if (pa->child != pb->child)
	{
		return pa->child < pb->child ? -1 : 1;
	}
	return pa->idx < pb->idx ? -1 : (pa->idx > pb->idx);
}

/**
 * Context of building a status message.
 */
typedef struct {
	dpc_vici_builder_t b;
	const dpc_report_info_t *info;
	const dpc_findings_t *findings;
	/** findings sorted by place */
	place_t *places;
	/** next place to emit */
	size_t pos;
} status_t;

/**
 * Add the section "findings" with every finding placed at (ike, child).
 */
static void add_placed(status_t *st, int ike, int child)
{
	const dpc_finding_t *f;
	const place_t *p;
	char idx[16];
	int n = 0;

	dpc_vici_begin_section(&st->b, "findings");
	while (st->pos < st->findings->count)
	{
		p = &st->places[st->pos];
		if (p->ike != ike || p->child != child)
		{
			break;
		}
		f = &st->findings->items[p->idx];
		snprintf(idx, sizeof(idx), "%d", n++);
		dpc_vici_begin_section(&st->b, idx);
		/* at the IKE_SA level, say which CHILD_SA it is about */
		dpc_report_add_finding(&st->b, f,
			child < 0 && (f->subject.child_name[0] || f->subject.child_id));
		dpc_vici_end_section(&st->b);
		st->pos++;
	}
	dpc_vici_end_section(&st->b);
}

static void add_ts_list(dpc_vici_builder_t *b, const char *name,
						const dpc_ts_list_t *list)
{
	char buf[DPC_TS_STRLEN];
	size_t i;

	dpc_vici_begin_list(b, name);
	for (i = 0; i < list->count; i++)
	{
		dpc_ts_to_str(&list->ts[i], buf, sizeof(buf));
		dpc_vici_add_item(b, buf, strnlen(buf, sizeof(buf)));
	}
	dpc_vici_end_list(b);
}

static void add_child(status_t *st, int ike, int idx,
					  const dpc_child_rec_t *c)
{
	dpc_vici_builder_t *b = &st->b;
	dpc_sample_t s;
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", idx);
	dpc_vici_begin_section(b, buf);
	ADD_TEXT(b, "name", c->name, DPC_NAME_LEN);
	dpc_vici_add_kvf(b, "uniqueid", "%u", c->unique_id);
	dpc_vici_add_kvf(b, "reqid", "%u", c->reqid);
	dpc_vici_add_kv_str(b, "state", dpc_report_state_name(c->state));
	ADD_TEXT(b, "mode", c->mode, DPC_ALG_LEN);
	ADD_TEXT(b, "protocol", c->protocol, DPC_ALG_LEN);
	dpc_vici_add_kv_str(b, "encap", yesno(c->encap));
	/* what the narrow hook saw: the final selectors differ from the config */
	dpc_vici_add_kv_str(b, "narrowed", yesno(c->narrowed));
	dpc_vici_add_kvf(b, "spi_in", "%08x", c->spi_in);
	dpc_vici_add_kvf(b, "spi_out", "%08x", c->spi_out);
	add_ts_list(b, "local_ts", &c->local);
	add_ts_list(b, "remote_ts", &c->remote);
	add_ts_list(b, "cfg_local_ts", &c->cfg_local);
	add_ts_list(b, "cfg_remote_ts", &c->cfg_remote);
	ADD_TEXT(b, "alg", c->alg, DPC_ALG_LEN);
	if (c->mss_clamp[0])
	{
		ADD_TEXT(b, "mss_clamp", c->mss_clamp, DPC_ALG_LEN);
	}
	if (c->installed)
	{
		dpc_vici_add_kvf(b, "installed", "%lld",
			(long long)(st->info->now > c->installed ?
						st->info->now - c->installed : 0));
	}
	if (c->installed_wall)
	{
		dpc_vici_add_kv_str(b, "installed_at",
			dpc_report_time(c->installed_wall, buf, sizeof(buf)));
	}
	dpc_vici_add_kvf(b, "rekeyed_from", "%u", c->rekeyed_from);
	/* samples are added while a status holds the record: read once */
	s = dpc_child_rec_last(c);
	if (s.time)
	{
		dpc_vici_add_kvf(b, "packets_in", "%llu",
						 (unsigned long long)s.packets_in);
		dpc_vici_add_kvf(b, "packets_out", "%llu",
						 (unsigned long long)s.packets_out);
		dpc_vici_add_kvf(b, "bytes_in", "%llu",
						 (unsigned long long)s.bytes_in);
		dpc_vici_add_kvf(b, "bytes_out", "%llu",
						 (unsigned long long)s.bytes_out);
	}
	add_placed(st, ike, idx);
	dpc_vici_end_section(b);
}

static void add_host(dpc_vici_builder_t *b, const char *host,
					 const char *port, const dpc_addr_t *addr)
{
	char buf[DPC_ADDR_STRLEN];

	dpc_vici_add_kv_str(b, host, dpc_addr_to_str(addr, buf, sizeof(buf)));
	dpc_vici_add_kvf(b, port, "%u", addr->port);
}

static void add_ike(status_t *st, int idx, const dpc_ike_rec_t *ike)
{
	dpc_vici_builder_t *b = &st->b;
	char buf[16];
	int i;

	snprintf(buf, sizeof(buf), "%d", idx);
	dpc_vici_begin_section(b, buf);
	ADD_FIELD(b, "name", ike->name);
	dpc_vici_add_kvf(b, "uniqueid", "%u", ike->unique_id);
	dpc_vici_add_kv_str(b, "state", dpc_report_state_name(ike->state));
	dpc_vici_add_kvf(b, "ike_version", "%d", ike->version);
	dpc_vici_add_kv_str(b, "initiator", yesno(ike->initiator));
	if (ike->established)
	{
		dpc_vici_add_kvf(b, "established", "%lld",
			(long long)(st->info->now > ike->established ?
						st->info->now - ike->established : 0));
	}
	add_host(b, "local_host", "local_port", &ike->local);
	add_host(b, "remote_host", "remote_port", &ike->remote);
	dpc_vici_add_kvf(b, "initial_local_port", "%u", ike->initial_local.port);
	dpc_vici_add_kvf(b, "initial_remote_port", "%u",
					 ike->initial_remote.port);
	dpc_vici_add_kv_str(b, "nat_local", yesno(ike->nat & DPC_NAT_HERE));
	dpc_vici_add_kv_str(b, "nat_remote", yesno(ike->nat & DPC_NAT_THERE));
	dpc_vici_add_kv_str(b, "nat_fake", yesno(ike->nat & DPC_NAT_FAKE));
	dpc_vici_add_kv_str(b, "nat_any", yesno(ike->nat & DPC_NAT_ANY));
	dpc_vici_add_kvf(b, "dpd_delay", "%u", ike->dpd_delay);
	dpc_vici_add_kvf(b, "rekeys", "%u", ike->rekeys);
	dpc_vici_add_kvf(b, "rekeyed_from", "%u", ike->rekeyed_from);
	dpc_vici_add_kvf(b, "updates", "%u", ike->updates);
	add_placed(st, idx, -1);
	dpc_vici_begin_section(b, "children");
	for (i = 0; i < ike->n_children; i++)
	{
		add_child(st, idx, i, ike->children[i]);
	}
	dpc_vici_end_section(b);
	dpc_vici_end_section(b);
}

/**
 * The counters of kernel changes and rounds.
 */
static void add_triggers(dpc_vici_builder_t *b, const dpc_change_stats_t *c)
{
	int i;

	dpc_vici_begin_section(b, "triggers");
	dpc_vici_add_kv_str(b, "watch_kernel", c->watching ? "yes" : "no");
	for (i = 0; i < DPC_CHANGE_KINDS; i++)
	{
		dpc_vici_add_kvf(b, dpc_change_kind_name(i), "%llu",
						 (unsigned long long)c->changes[i]);
	}
	dpc_vici_add_kvf(b, "changes_unmatched", "%llu",
					 (unsigned long long)c->changes_unmatched);
	dpc_vici_add_kvf(b, "rounds_full", "%llu",
					 (unsigned long long)c->rounds_full);
	dpc_vici_add_kvf(b, "rounds_incremental", "%llu",
					 (unsigned long long)c->rounds_incremental);
	dpc_vici_add_kvf(b, "rechecked_last", "%u", c->rechecked_last);
	dpc_vici_add_kvf(b, "tunnels_last", "%u", c->tunnels_last);
	dpc_vici_end_section(b);
}

/**
 * Add the top-level findings, leaving out what does not fit.
 */
static void add_top_findings(status_t *st)
{
	dpc_vici_mark_t mark;
	const dpc_finding_t *f;
	size_t dropped = 0;
	char idx[16];
	int n = 0;

	dpc_vici_begin_section(&st->b, "findings");
	for (; st->pos < st->findings->count &&
		   st->places[st->pos].ike < 0; st->pos++)
	{
		f = &st->findings->items[st->places[st->pos].idx];
		dpc_vici_builder_mark(&st->b, &mark);
		snprintf(idx, sizeof(idx), "%d", n);
		dpc_vici_begin_section(&st->b, idx);
		dpc_report_add_finding(&st->b, f, f->subject.ike_id != 0);
		dpc_vici_end_section(&st->b);
		if (st->b.failed || st->b.len > st->b.limit - DPC_REPORT_RESERVE)
		{
			dpc_vici_builder_rollback(&st->b, &mark);
			dropped++;
			continue;
		}
		n++;
	}
	dpc_vici_end_section(&st->b);
	if (dropped)
	{
		dpc_vici_add_kvf(&st->b, "truncated_findings", "%zu", dropped);
	}
}

bool dpc_report_status(const dpc_report_info_t *info,
					   const dpc_tunnels_t *tunnels,
					   const dpc_findings_t *findings,
					   uint8_t **msg, size_t *len)
{
	status_t st = {
		.info = info,
		.findings = findings,
	};
	dpc_vici_mark_t mark;
	char when[32];
	int i, dropped = 0;

	dpc_vici_builder_init(&st.b);
	if (findings->count)
	{
		st.places = calloc(findings->count, sizeof(place_t));
		if (!st.places)
		{
			return false;
		}
		place_findings(tunnels, findings, st.places);
		dpc_sort(st.places, findings->count, sizeof(place_t), place_cmp);
	}

	dpc_vici_add_kv_str(&st.b, "version", info->version);
	dpc_vici_add_kv_str(&st.b, "strongswan", info->strongswan);
	dpc_vici_add_kv_str(&st.b, "dataplane", info->dataplane);
	dpc_vici_add_kv_str(&st.b, "last_round",
					dpc_report_time(info->last_round, when, sizeof(when)));
	dpc_vici_add_kv_str(&st.b, "now",
					dpc_report_time(info->now_wall, when, sizeof(when)));
	dpc_vici_begin_section(&st.b, "records");
	dpc_vici_add_kvf(&st.b, "tracked", "%u", info->records);
	dpc_vici_add_kvf(&st.b, "max", "%u", info->records_max);
	dpc_vici_add_kvf(&st.b, "half_open", "%u", info->half_open);
	dpc_vici_add_kvf(&st.b, "refused", "%llu",
					 (unsigned long long)info->records_refused);
	dpc_vici_add_kvf(&st.b, "slots_kib", "%llu",
					 (unsigned long long)info->records_mapped / 1024);
	dpc_vici_end_section(&st.b);
	if (info->changes)
	{
		add_triggers(&st.b, info->changes);
	}
	add_top_findings(&st);

	dpc_vici_begin_section(&st.b, "ike_sas");
	for (i = 0; i < tunnels->count; i++)
	{
		dpc_vici_builder_mark(&st.b, &mark);
		add_ike(&st, i, tunnels->ikes[i]);
		if (st.b.failed || st.b.len > st.b.limit - DPC_REPORT_RESERVE)
		{
			dpc_vici_builder_rollback(&st.b, &mark);
			dropped = tunnels->count - i;
			break;
		}
	}
	dpc_vici_end_section(&st.b);
	if (dropped)
	{
		dpc_vici_add_kvf(&st.b, "truncated", "%d", dropped);
	}
	free(st.places);
	return dpc_vici_builder_finish(&st.b, msg, len);
}

bool dpc_report_version(const dpc_report_info_t *info, uint8_t **msg,
						size_t *len)
{
	dpc_vici_builder_t b;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "daemon", "charon");
	dpc_vici_add_kv_str(&b, "plugin", "dataplane-check");
	dpc_vici_add_kv_str(&b, "version", info->version);
	dpc_vici_add_kv_str(&b, "strongswan", info->strongswan);
	dpc_vici_add_kv_str(&b, "dataplane", info->dataplane);
	return dpc_vici_builder_finish(&b, msg, len);
}

bool dpc_report_error(const char *errmsg, uint8_t **msg, size_t *len)
{
	dpc_vici_builder_t b;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "success", "no");
	dpc_vici_add_kv_str(&b, "errmsg", errmsg);
	return dpc_vici_builder_finish(&b, msg, len);
}

bool dpc_report_busy(const char *reason, uint8_t **msg, size_t *len)
{
	dpc_vici_builder_t b;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "success", "no");
	dpc_vici_add_kv_str(&b, "busy", "yes");
	dpc_vici_add_kvf(&b, "errmsg", "busy: %s, try again later", reason);
	return dpc_vici_builder_finish(&b, msg, len);
}

bool dpc_report_event(dpc_event_type_t type, const dpc_finding_t *f,
					  time_t wall, uint8_t **msg, size_t *len)
{
	dpc_vici_builder_t b;
	char buf[DPC_NAME_LEN * 2 + 32];

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "type", dpc_event_type_name(type));
	dpc_vici_add_kv_str(&b, "time", dpc_report_time(wall, buf, sizeof(buf)));
	dpc_vici_add_kv_str(&b, "subject",
						dpc_subject_to_str(&f->subject, buf, sizeof(buf)));
	add_subject(&b, &f->subject);
	dpc_vici_begin_section(&b, "finding");
	dpc_report_add_finding(&b, f, false);
	dpc_vici_end_section(&b);
	return dpc_vici_builder_finish(&b, msg, len);
}
