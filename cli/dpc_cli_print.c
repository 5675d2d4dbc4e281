/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_cli_print.h"

#include <stdlib.h>
#include <string.h>

/** keys whose decimal values are printed as JSON numbers */
static const char *numeric_keys[] = {
	"uniqueid", "reqid", "ike_id", "child_id", "ike_version",
	"local_port", "remote_port", "initial_local_port", "initial_remote_port",
	"dpd_delay", "rekeys", "rekeyed_from", "updates", "established",
	"installed", "packets_in", "packets_out", "bytes_in", "bytes_out",
	"truncated", "truncated_findings", "sport", "dport", "icmp_type",
	"icmp_code",
};

/** keys whose yes/no values are printed as JSON booleans */
static const char *bool_keys[] = {
	"initiator", "encap", "narrowed", "nat_local", "nat_remote", "nat_fake", "nat_any",
	"decrypted", "certain", "landed",
};

/** sections that are arrays even when empty */
static const char *array_keys[] = {
	"findings", "ike_sas", "children", "phases",
};

static bool in_set(const char *name, const char **set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
	{
		if (strcmp(name, set[i]) == 0)
		{
			return true;
		}
	}
	return false;
}

#define IN_SET(name, set) in_set(name, set, sizeof(set) / sizeof(set[0]))

/**
 * Value of a key, "" if missing.
 */
static const char *str(const dpc_vici_node_t *node, const char *key)
{
	return dpc_vici_find_str(node, key, "");
}

/* ------------------------------------------------------------------------
 * findings
 */

typedef void (*finding_cb_t)(void *ctx, const dpc_vici_node_t *finding);

/**
 * Call cb for each finding of a "findings" section.
 */
static void each_finding(const dpc_vici_node_t *parent, finding_cb_t cb,
						 void *ctx)
{
	const dpc_vici_node_t *list, *f;

	list = dpc_vici_get(parent, "findings");
	if (!list || list->type != DPC_VICI_NODE_SECTION)
	{
		return;
	}
	for (f = list->first; f; f = f->next)
	{
		if (f->type == DPC_VICI_NODE_SECTION)
		{
			cb(ctx, f);
		}
	}
}

/**
 * Call cb for every finding of a status message.
 */
static void all_findings(const dpc_vici_node_t *status, finding_cb_t cb,
						 void *ctx)
{
	const dpc_vici_node_t *ikes, *ike, *children, *child;

	each_finding(status, cb, ctx);
	ikes = dpc_vici_get(status, "ike_sas");
	for (ike = ikes ? ikes->first : NULL; ike; ike = ike->next)
	{
		if (ike->type != DPC_VICI_NODE_SECTION)
		{
			continue;
		}
		each_finding(ike, cb, ctx);
		children = dpc_vici_get(ike, "children");
		for (child = children ? children->first : NULL; child;
			 child = child->next)
		{
			if (child->type == DPC_VICI_NODE_SECTION)
			{
				each_finding(child, cb, ctx);
			}
		}
	}
}

/** findings by severity */
typedef struct {
	int info, warning, error, other;
} counts_t;

static void count_finding(void *ctx, const dpc_vici_node_t *f)
{
	counts_t *c = ctx;
	const char *sev = str(f, "severity");

	if (strcmp(str(f, "state"), "resolved") == 0)
	{
		return;
	}
	if (strcmp(sev, "error") == 0)
	{
		c->error++;
	}
	else if (strcmp(sev, "warning") == 0)
	{
		c->warning++;
	}
	else if (strcmp(sev, "info") == 0)
	{
		c->info++;
	}
	else
	{
		c->other++;
	}
}

int dpc_cli_status_severity(const dpc_vici_node_t *status)
{
	counts_t c = {};

	all_findings(status, count_finding, &c);
	if (c.error)
	{
		return 2;
	}
	return c.warning || c.other ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * sanitizing
 */

static void sanitize_str(const char *s, size_t len)
{
	char *p = (char*)s;
	size_t i;

	for (i = 0; i < len; i++)
	{
		if (p[i] == '\t')
		{
			p[i] = ' ';
		}
		else if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
		{
			p[i] = '?';
		}
	}
}

void dpc_cli_sanitize(dpc_vici_node_t *root)
{
	dpc_vici_node_t *node;

	for (node = root->first; node; node = node->next)
	{
		sanitize_str(node->name, strlen(node->name));
		if (node->value)
		{	/* up to the first NUL, which is where printing stops */
			sanitize_str(node->value, strlen(node->value));
		}
		if (node->first)
		{
			dpc_cli_sanitize(node);
		}
	}
}

/* ------------------------------------------------------------------------
 * JSON
 */

/**
 * Length of a valid UTF-8 sequence at s, 0 if invalid.
 */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
	{
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
	{
		n = 2;
		cp = s[0] & 0x1f;
	}
	else if ((s[0] & 0xf0) == 0xe0)
	{
		n = 3;
		cp = s[0] & 0x0f;
	}
	else if ((s[0] & 0xf8) == 0xf0)
	{
		n = 4;
		cp = s[0] & 0x07;
	}
	else
	{
		return 0;
	}
	if (left < n)
	{
		return 0;
	}
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xc0) != 0x80)
		{
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		(n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		(cp >= 0xd800 && cp <= 0xdfff))
	{
		return 0;
	}
	return n;
}

static void json_string(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char*)s;
	size_t i = 0, n;

	fputc('"', out);
	while (i < len)
	{
		switch (p[i])
		{
			case '"':
				fputs("\\\"", out);
				break;
			case '\\':
				fputs("\\\\", out);
				break;
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				if (p[i] < 0x20 || p[i] == 0x7f)
				{
					fprintf(out, "\\u%04x", p[i]);
					break;
				}
				n = utf8_len(p + i, len - i);
				if (!n)
				{
					fputs("\\ufffd", out);
					break;
				}
				fwrite(p + i, 1, n, out);
				i += n;
				continue;
		}
		i++;
	}
	fputc('"', out);
}

/**
 * Is the value a plain unsigned decimal that fits a JSON number exactly?
 */
static bool is_number(const dpc_vici_node_t *kv)
{
	size_t i;

	if (kv->len == 0 || kv->len > 15 || (kv->len > 1 && kv->value[0] == '0'))
	{
		return false;
	}
	for (i = 0; i < kv->len; i++)
	{
		if (kv->value[i] < '0' || kv->value[i] > '9')
		{
			return false;
		}
	}
	return true;
}

static void json_value(FILE *out, const dpc_vici_node_t *kv, bool typed)
{
	if (typed && IN_SET(kv->name, numeric_keys) && is_number(kv))
	{
		fwrite(kv->value, 1, kv->len, out);
	}
	else if (typed && IN_SET(kv->name, bool_keys) &&
			 (strcmp(kv->value, "yes") == 0 || strcmp(kv->value, "no") == 0))
	{
		fputs(kv->value[0] == 'y' ? "true" : "false", out);
	}
	else
	{
		json_string(out, kv->value, kv->len);
	}
}

static void json_indent(FILE *out, bool pretty, int level)
{
	if (pretty)
	{
		fprintf(out, "\n%*s", level * 2, "");
	}
}

static void json_section(FILE *out, const dpc_vici_node_t *section,
						 bool pretty, int level, bool typed);

static void json_list(FILE *out, const dpc_vici_node_t *list, bool pretty,
					  int level)
{
	const dpc_vici_node_t *item;

	fputc('[', out);
	for (item = list->first; item; item = item->next)
	{
		json_indent(out, pretty, level + 1);
		json_string(out, item->value, item->len);
		if (item->next)
		{
			fputc(',', out);
		}
	}
	if (list->first)
	{
		json_indent(out, pretty, level);
	}
	fputc(']', out);
}

/**
 * Print a section as array of its sub-sections.
 */
static void json_array(FILE *out, const dpc_vici_node_t *section,
					   bool pretty, int level, bool typed)
{
	const dpc_vici_node_t *node;

	fputc('[', out);
	for (node = section->first; node; node = node->next)
	{
		json_indent(out, pretty, level + 1);
		json_section(out, node, pretty, level + 1, typed);
		if (node->next)
		{
			fputc(',', out);
		}
	}
	if (section->first)
	{
		json_indent(out, pretty, level);
	}
	fputc(']', out);
}

static void json_section(FILE *out, const dpc_vici_node_t *section,
						 bool pretty, int level, bool typed)
{
	const dpc_vici_node_t *node;
	bool sub;

	fputc('{', out);
	for (node = section->first; node; node = node->next)
	{
		json_indent(out, pretty, level + 1);
		json_string(out, node->name, strlen(node->name));
		fputs(pretty ? ": " : ":", out);
		switch (node->type)
		{
			case DPC_VICI_NODE_KV:
				json_value(out, node, typed);
				break;
			case DPC_VICI_NODE_LIST:
				json_list(out, node, pretty, level + 1);
				break;
			case DPC_VICI_NODE_SECTION:
				sub = typed && strcmp(node->name, "evidence") != 0;
				if (dpc_vici_is_array(node) ||
					(!node->first && IN_SET(node->name, array_keys)))
				{
					json_array(out, node, pretty, level + 1, sub);
				}
				else
				{
					json_section(out, node, pretty, level + 1, sub);
				}
				break;
			case DPC_VICI_NODE_ITEM:
				fputs("null", out);
				break;
		}
		if (node->next)
		{
			fputc(',', out);
		}
	}
	if (section->first)
	{
		json_indent(out, pretty, level);
	}
	fputc('}', out);
}

void dpc_cli_print_json(FILE *out, const dpc_vici_node_t *root, bool pretty)
{
	json_section(out, root, pretty, 0, true);
	fputc('\n', out);
}

/* ------------------------------------------------------------------------
 * text
 */

/**
 * Print "ike[1] child{2}" from a finding's subject keys.
 */
static void print_subject(FILE *out, const dpc_vici_node_t *f, bool ike)
{
	const char *id;

	if (ike && dpc_vici_get(f, "ike"))
	{
		id = str(f, "ike_id");
		fprintf(out, " %s", str(f, "ike"));
		if (*id && strcmp(id, "0"))
		{
			fprintf(out, "[%s]", id);
		}
	}
	if (dpc_vici_get(f, "child"))
	{
		id = str(f, "child_id");
		fprintf(out, " %s", str(f, "child"));
		if (*id && strcmp(id, "0"))
		{
			fprintf(out, "{%s}", id);
		}
	}
}

typedef struct {
	FILE *out;
	int indent;
	bool ike;
} finding_print_t;

static void print_finding(void *ctx, const dpc_vici_node_t *f)
{
	finding_print_t *p = ctx;
	const dpc_vici_node_t *evidence, *e;

	fprintf(p->out, "%*s%s %s", p->indent, "", str(f, "severity"),
			str(f, "code"));
	print_subject(p->out, f, p->ike);
	fprintf(p->out, ": %s\n", str(f, "message"));
	evidence = dpc_vici_get(f, "evidence");
	for (e = evidence ? evidence->first : NULL; e; e = e->next)
	{
		if (e->type == DPC_VICI_NODE_KV)
		{
			fprintf(p->out, "%*s%s: %s\n", p->indent + 4, "", e->name,
					e->value);
		}
	}
	if (*str(f, "hint"))
	{
		fprintf(p->out, "%*sfix: %s\n", p->indent + 4, "", str(f, "hint"));
	}
}

static void print_findings(FILE *out, const dpc_vici_node_t *parent,
						   int indent, bool ike)
{
	finding_print_t p = {
		.out = out,
		.indent = indent,
		.ike = ike,
	};

	each_finding(parent, print_finding, &p);
}

/**
 * Print the items of a list separated by ", ".
 */
static void print_list(FILE *out, const dpc_vici_node_t *list)
{
	const dpc_vici_node_t *item;

	if (!list || !list->first)
	{
		fputs("(none)", out);
		return;
	}
	for (item = list->first; item; item = item->next)
	{
		fprintf(out, "%s%s", item->value, item->next ? ", " : "");
	}
}

static bool same_list(const dpc_vici_node_t *a, const dpc_vici_node_t *b)
{
	if (!a || !b)
	{
		return a == b;
	}
	for (a = a->first, b = b->first; a && b; a = a->next, b = b->next)
	{
		if (strcmp(a->value, b->value))
		{
			return false;
		}
	}
	return !a && !b;
}

static void print_ts(FILE *out, const dpc_vici_node_t *child,
					 const char *label, const char *neg, const char *cfg)
{
	const dpc_vici_node_t *n = dpc_vici_get(child, neg);
	const dpc_vici_node_t *c = dpc_vici_get(child, cfg);

	fprintf(out, "    %s ", label);
	print_list(out, n);
	if (c && c->first && !same_list(n, c))
	{
		fputs(" (configured ", out);
		print_list(out, c);
		fputc(')', out);
	}
	fputc('\n', out);
}

static void print_child(FILE *out, const dpc_vici_node_t *child)
{
	const char *rekeyed = str(child, "rekeyed_from");

	fprintf(out, "  %s{%s}: %s, %s, %s%s, reqid %s, SPIs %s_i %s_o",
			str(child, "name"), str(child, "uniqueid"), str(child, "state"),
			str(child, "mode"), str(child, "protocol"),
			strcmp(str(child, "encap"), "yes") ? "" : " in UDP",
			str(child, "reqid"), str(child, "spi_in"), str(child, "spi_out"));
	if (*str(child, "alg"))
	{
		fprintf(out, ", %s", str(child, "alg"));
	}
	fputc('\n', out);
	print_ts(out, child, "local ", "local_ts", "cfg_local_ts");
	print_ts(out, child, "remote", "remote_ts", "cfg_remote_ts");
	fputs("   ", out);
	if (dpc_vici_get(child, "packets_in"))
	{
		fprintf(out, " in %s packets, %s bytes; out %s packets, %s bytes;",
				str(child, "packets_in"), str(child, "bytes_in"),
				str(child, "packets_out"), str(child, "bytes_out"));
	}
	if (*str(child, "installed"))
	{
		fprintf(out, " installed %ss ago", str(child, "installed"));
	}
	if (*rekeyed && strcmp(rekeyed, "0"))
	{
		fprintf(out, ", rekeyed from {%s}", rekeyed);
	}
	fputc('\n', out);
	print_findings(out, child, 4, false);
}

static void print_ike(FILE *out, const dpc_vici_node_t *ike)
{
	const dpc_vici_node_t *children, *child;
	bool local, remote, fake;

	fprintf(out, "%s[%s]: %s, IKEv%s, %s[%s] <-> %s[%s]",
			str(ike, "name"), str(ike, "uniqueid"), str(ike, "state"),
			str(ike, "ike_version"),
			str(ike, "local_host"), str(ike, "local_port"),
			str(ike, "remote_host"), str(ike, "remote_port"));
	if (strcmp(str(ike, "initial_local_port"), str(ike, "local_port")) ||
		strcmp(str(ike, "initial_remote_port"), str(ike, "remote_port")))
	{
		fprintf(out, " (started on ports %s/%s)",
				str(ike, "initial_local_port"),
				str(ike, "initial_remote_port"));
	}
	local = strcmp(str(ike, "nat_local"), "yes") == 0;
	remote = strcmp(str(ike, "nat_remote"), "yes") == 0;
	fake = strcmp(str(ike, "nat_fake"), "yes") == 0;
	if (local || remote || fake)
	{
		fprintf(out, ", NAT:%s%s%s", local ? " local" : "",
				remote ? " remote" : "", fake ? " fake" : "");
	}
	else if (strcmp(str(ike, "nat_any"), "yes") == 0)
	{
		fputs(", NAT", out);
	}
	fputc('\n', out);
	fprintf(out, "  dpd %ss, %s rekeys, %s endpoint updates\n",
			str(ike, "dpd_delay"), str(ike, "rekeys"), str(ike, "updates"));
	print_findings(out, ike, 2, false);
	children = dpc_vici_get(ike, "children");
	for (child = children ? children->first : NULL; child;
		 child = child->next)
	{
		if (child->type == DPC_VICI_NODE_SECTION)
		{
			print_child(out, child);
		}
	}
}

/**
 * The kernel changes seen and the rounds run, if the plugin says.
 */
static void print_triggers(FILE *out, const dpc_vici_node_t *t)
{
	static const char *kinds[] = {
		"route", "rule", "addr", "link", "xfrm_policy", "xfrm_state",
		"xfrm_expire", "nft", "overrun",
	};
	size_t i;

	if (!t)
	{
		return;
	}
	fprintf(out, "rounds: %s full, %s incremental, the last checked %s of "
			"%s tunnels\n", str(t, "rounds_full"),
			str(t, "rounds_incremental"), str(t, "rechecked_last"),
			str(t, "tunnels_last"));
	if (strcmp(str(t, "watch_kernel"), "yes"))
	{
		fputs("kernel changes: not watched\n", out);
		return;
	}
	fputs("kernel changes:", out);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
	{
		fprintf(out, " %s %s", kinds[i], str(t, kinds[i]));
	}
	fprintf(out, " (%s concerned no tunnel)\n", str(t, "changes_unmatched"));
}

void dpc_cli_print_status(FILE *out, const dpc_vici_node_t *status)
{
	const dpc_vici_node_t *ikes, *ike, *top;
	counts_t c = {};
	const char *last;

	last = str(status, "last_round");
	fprintf(out, "dataplane-check %s, strongSwan %s, data plane %s, "
			"last check %s\n", str(status, "version"),
			str(status, "strongswan"), str(status, "dataplane"),
			*last ? last : "never");
	print_triggers(out, dpc_vici_get(status, "triggers"));
	top = dpc_vici_get(status, "findings");
	if (top && top->first)
	{
		fputs("host:\n", out);
		print_findings(out, status, 2, true);
	}
	ikes = dpc_vici_get(status, "ike_sas");
	if (!ikes || !ikes->first)
	{
		fputs("no IKE_SAs tracked\n", out);
	}
	for (ike = ikes ? ikes->first : NULL; ike; ike = ike->next)
	{
		if (ike->type == DPC_VICI_NODE_SECTION)
		{
			print_ike(out, ike);
		}
	}
	if (*str(status, "truncated"))
	{
		fprintf(out, "(%s more IKE_SAs left out: reply size limit)\n",
				str(status, "truncated"));
	}
	if (*str(status, "truncated_findings"))
	{
		fprintf(out, "(%s more host findings left out: reply size limit)\n",
				str(status, "truncated_findings"));
	}
	all_findings(status, count_finding, &c);
	if (c.error + c.warning + c.info + c.other)
	{
		fprintf(out, "%d error%s, %d warning%s, %d info\n",
				c.error, c.error == 1 ? "" : "s",
				c.warning, c.warning == 1 ? "" : "s", c.info);
	}
	else
	{
		fputs("no findings\n", out);
	}
}

void dpc_cli_print_event(FILE *out, const dpc_vici_node_t *event)
{
	const dpc_vici_node_t *f, *evidence, *e;
	const char *type = str(event, "type");
	bool gone;
	int n = 0;

	f = dpc_vici_get(event, "finding");
	gone = strcmp(type, "resolve") == 0 || strcmp(type, "drop") == 0;
	fprintf(out, "%s %s", str(event, "time"), type);
	if (!gone)
	{
		fprintf(out, " %s", str(f, "severity"));
	}
	fprintf(out, " %s %s: %s", str(f, "code"), str(event, "subject"),
			str(f, "message"));
	if (!gone)
	{
		evidence = dpc_vici_get(f, "evidence");
		for (e = evidence ? evidence->first : NULL; e; e = e->next)
		{
			if (e->type == DPC_VICI_NODE_KV)
			{
				fprintf(out, "%s%s=%s", n++ ? " " : " [", e->name,
						e->value);
			}
		}
		if (n)
		{
			fputc(']', out);
		}
		if (*str(f, "hint"))
		{
			fprintf(out, " fix: %s", str(f, "hint"));
		}
	}
	fputc('\n', out);
}

void dpc_cli_print_version(FILE *out, const dpc_vici_node_t *version)
{
	fprintf(out, "plugin %s %s in %s, strongSwan %s, data plane %s\n",
			str(version, "plugin"), str(version, "version"),
			str(version, "daemon"), str(version, "strongswan"),
			str(version, "dataplane"));
}

/**
 * packet-tracer's type of a phase.
 */
static const char *trace_type(const char *phase)
{
	static const struct {
		const char *phase, *type;
	} types[] = {
		{ "ipsec-in", "VPN-DECRYPT" },
		{ "route", "ROUTE-LOOKUP" },
		{ "ipsec", "VPN" },
		{ "xfrm", "XFRM-POLICY" },
		{ "outer", "VPN-ENCAPSULATION" },
	};
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
	{
		if (strcmp(phase, types[i].phase) == 0)
		{
			return types[i].type;
		}
	}
	for (i = 0; i < sizeof(buf) - 1 && phase[i]; i++)
	{
		buf[i] = (phase[i] >= 'a' && phase[i] <= 'z') ? phase[i] - 'a' + 'A'
													  : phase[i];
	}
	buf[i] = '\0';
	return buf;
}

/**
 * Print a verdict in capitals.
 */
static void print_upper(FILE *out, const char *s)
{
	for (; *s; s++)
	{
		fputc((*s >= 'a' && *s <= 'z') ? *s - 'a' + 'A' : *s, out);
	}
}

void dpc_cli_print_trace(FILE *out, const dpc_vici_node_t *trace)
{
	const dpc_vici_node_t *phases, *ph, *child;
	const char *iif, *oif;
	int n = 0;

	fprintf(out, "Packet: %s %s -> %s", str(trace, "proto"),
			str(trace, "src"), str(trace, "dst"));
	if (*str(trace, "dport"))
	{
		fprintf(out, ", source port %s, destination port %s",
				str(trace, "sport"), str(trace, "dport"));
	}
	if (*str(trace, "icmp_type"))
	{
		fprintf(out, ", type %s code %s", str(trace, "icmp_type"),
				str(trace, "icmp_code"));
	}
	if (*str(trace, "state") && strcmp(str(trace, "state"), "new"))
	{
		fprintf(out, " (%s)", str(trace, "state"));
	}
	fputs("\n", out);
	if (*str(trace, "conntrack"))
	{
		fprintf(out, "Conntrack: %s\n", str(trace, "conntrack"));
	}
	phases = dpc_vici_get(trace, "phases");
	for (ph = phases ? phases->first : NULL; ph; ph = ph->next)
	{
		if (ph->type != DPC_VICI_NODE_SECTION ||
			strcmp(str(ph, "phase"), "result") == 0)
		{
			continue;
		}
		fprintf(out, "\nPhase: %d\nType: %s\nResult: ", ++n,
				trace_type(str(ph, "phase")));
		print_upper(out, str(ph, "verdict"));
		fputs("\nConfig:\n", out);
		if (*str(ph, "rule_where"))
		{
			fprintf(out, "%s\n", str(ph, "rule_where"));
		}
		if (*str(ph, "rule"))
		{
			fprintf(out, "%s\n", str(ph, "rule"));
		}
		fprintf(out, "Additional Information:\n%s\n", str(ph, "detail"));
	}
	iif = str(trace, "iif");
	oif = str(trace, "oif");
	fputs("\nResult:\n", out);
	fprintf(out, "input-interface: %s\n", *iif ? iif : "(this host)");
	fprintf(out, "output-interface: %s\n", *oif ? oif : "(none)");
	fprintf(out, "path: %s%s\n", str(trace, "path"),
			strcmp(str(trace, "decrypted"), "yes") ? "" : ", decrypted");
	child = dpc_vici_get(trace, "child");
	if (child && child->type == DPC_VICI_NODE_SECTION && child->first)
	{
		fprintf(out, "CHILD_SA: %s{%s} of %s[%s], reqid %s%s\n",
				str(child, "child"), str(child, "child_id"),
				str(child, "ike"), str(child, "ike_id"), str(child, "reqid"),
				strcmp(str(child, "landed"), "yes") ? ", not used" : "");
	}
	fputs("Action: ", out);
	print_upper(out, str(trace, "verdict"));
	if (strcmp(str(trace, "certain"), "no") == 0)
	{
		fputs(" (uncertain)", out);
	}
	fprintf(out, "\nVerdict: %s\n", str(trace, "summary"));
}
