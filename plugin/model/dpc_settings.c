/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_settings.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/** longest part of a bad value quoted in a warning */
#define SHOW_MAX 64

/** the pid directory when none is given */
#define DEFAULT_PIDDIR "/run"

/** what the socket URI must start with */
#define UNIX_PREFIX "unix://"

void dpc_settings_defaults(dpc_settings_t *s, const char *piddir)
{
	size_t len;

	memset(s, 0, sizeof(*s));
	s->interval = 30;
	s->settle_ms = 2000;
	s->traffic_window = 60;
	s->traffic_min_packets = 3;
	s->idle_warn = 0;
	s->nat_timeout = 30;
	s->rekey_churn = 30;
	s->socket_mode = 0600;
	s->socket_clients = 32;
	s->socket_rate = 10;
	s->socket_idle_timeout = 10;
	s->keep_closed = 300;
	s->keep_alive = 20;
	s->max_records = DPC_MAX_RECORDS_DEFAULT;
	s->half_open_timeout = 30;
	s->journal_fields = 1;
	s->watch_kernel = 1;

	s->metrics_mode = 0640;
	s->round_budget_ms = 10000;
	s->ruleset_max_elements = 1000000;
	s->ruleset_max_bytes = 128 << 20;

	if (!piddir || !*piddir)
	{
		piddir = DEFAULT_PIDDIR;
	}
	len = strlen(piddir);
	while (len > 1 && piddir[len - 1] == '/')
	{
		len--;
	}
	snprintf(s->socket, sizeof(s->socket), UNIX_PREFIX "%.*s/charon.dpc",
			 (int)len, piddir);
}

/**
 * Strict unsigned decimal of [str, end) into a 32-bit value.
 */
static bool parse_u32(const char *str, const char *end, uint32_t *out)
{
	uint64_t v = 0;

	if (str >= end)
	{
		return false;
	}
	for (; str < end; str++)
	{
		if (*str < '0' || *str > '9')
		{
			return false;
		}
		v = v * 10 + (uint64_t)(*str - '0');
		if (v > UINT32_MAX)
		{
			return false;
		}
	}
	*out = (uint32_t)v;
	return true;
}

/**
 * A unit suffix and what it multiplies by.
 */
typedef struct {
	char suffix;
	uint32_t mult;
} unit_t;

/** units of durations (a bare number means seconds) */
static const unit_t time_units[] = {
	{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 }, { 0, 0 },
};

/** units of sizes, binary */
static const unit_t size_units[] = {
	{ 'k', 1 << 10 }, { 'K', 1 << 10 }, { 'M', 1 << 20 }, { 'G', 1 << 30 },
	{ 0, 0 },
};

/** no unit at all */
static const unit_t no_units[] = {
	{ 0, 0 },
};

/**
 * Parse [str, end) as a number with an optional unit of a table, scaled;
 * fails if the result does not fit 32 bits.
 */
static bool parse_scaled(const char *str, const char *end,
						 const unit_t *units, uint64_t scale, uint32_t *out)
{
	uint64_t mult = scale;
	const unit_t *u;
	uint32_t v;

	for (u = units; end > str && u->suffix; u++)
	{
		if (end[-1] == u->suffix)
		{
			mult *= u->mult;
			end--;
			break;
		}
	}
	if (!parse_u32(str, end, &v) || v * mult > UINT32_MAX)
	{
		return false;
	}
	*out = (uint32_t)(v * mult);
	return true;
}

bool dpc_settings_parse_duration(const char *str, bool ms, uint32_t *out)
{
	size_t len;

	if (!str)
	{
		return false;
	}
	len = strlen(str);
	if (len > 2 && strcmp(str + len - 2, "ms") == 0)
	{	/* no sub-second values where seconds are stored */
		return ms && parse_scaled(str, str + len - 2, no_units, 1, out);
	}
	/* like strongSwan's time settings, a bare number means seconds */
	return parse_scaled(str, str + len, time_units, ms ? 1000 : 1, out);
}

bool dpc_settings_parse_size(const char *str, uint32_t *out)
{
	return str && parse_scaled(str, str + strlen(str), size_units, 1, out);
}

uint32_t dpc_settings_interval_ms(const dpc_settings_t *s)
{
	uint64_t interval = s->interval;

	/* 64-bit, and bounded: a huge interval must not wrap into a tiny one */
	if (interval > DPC_INTERVAL_MAX)
	{
		interval = DPC_INTERVAL_MAX;
	}
	if (interval < 1)
	{
		interval = 1;
	}
	return (uint32_t)(interval * 1000);
}

/**
 * How an option is read.
 */
typedef enum {
	/** seconds */
	OPT_DURATION,
	/** milliseconds, bare numbers are seconds */
	OPT_DURATION_MS,
	/** a plain count */
	OPT_INTEGER,
	/** unix:// URI */
	OPT_SOCKET,
	/** octal file mode */
	OPT_MODE,
	/** group name or number */
	OPT_GROUP,
	/** absolute path or empty */
	OPT_PATH,
	/** comma separated codes */
	OPT_CODES,
	/** yes/no as strongSwan reads booleans, stored as 1/0 */
	OPT_BOOL,
	/** bytes, with k, M or G */
	OPT_SIZE,
} opt_type_t;

/**
 * One option: key, type, where it goes and how it is explained.
 */
typedef struct {
	/** key below charon.plugins.dataplane-check (or absolute) */
	const char *key;
	/** how to read it */
	opt_type_t type;
	/** offset of the field in dpc_settings_t */
	size_t offset;
	/** size of a string field */
	size_t size;
	/** smallest accepted number */
	uint32_t min;
	/** what a valid value looks like, for warnings */
	const char *expect;
	/** largest accepted number, 0 for no limit */
	uint32_t max;
} opt_t;

#define NUM(k, t, f, m, e) { k, t, offsetof(dpc_settings_t, f), 0, m, e }
#define NUM_MAX(k, t, f, m, x, e) { k, t, offsetof(dpc_settings_t, f), 0, \
									m, e, x }
#define STR(k, t, f, e) { k, t, offsetof(dpc_settings_t, f), \
						  sizeof(((dpc_settings_t*)0)->f), 0, e }

static const opt_t options[] = {
	NUM_MAX("interval", OPT_DURATION, interval, 1, DPC_INTERVAL_MAX,
		"expected a duration like 30s or 5m"),
	NUM("settle", OPT_DURATION_MS, settle_ms, 0,
		"expected a duration like 2s or 500ms"),
	NUM("traffic_window", OPT_DURATION, traffic_window, 1,
		"expected a duration like 60s or 2m"),
	NUM("traffic_min_packets", OPT_INTEGER, traffic_min_packets, 1,
		"expected a number of packets, at least 1"),
	NUM("idle_warn", OPT_DURATION, idle_warn, 0,
		"expected a duration like 10m, or 0 for off"),
	NUM("nat_timeout", OPT_DURATION, nat_timeout, 1,
		"expected a duration like 30s or 2m"),
	NUM("rekey_churn", OPT_INTEGER, rekey_churn, 1,
		"expected a number of rekeys per hour, at least 1"),
	STR("socket", OPT_SOCKET, socket,
		"expected a URI like unix:///run/charon.dpc"),
	NUM("socket_mode", OPT_MODE, socket_mode, 0,
		"expected an octal file mode like 0600"),
	STR("socket_group", OPT_GROUP, socket_group,
		"expected a group name or number"),
	/* load limits of the query socket */
	NUM("socket_clients", OPT_INTEGER, socket_clients, 1,
		"expected a number of clients, at least 1"),
	NUM("socket_rate", OPT_INTEGER, socket_rate, 1,
		"expected a number of requests per second, at least 1"),
	NUM("socket_idle_timeout", OPT_DURATION, socket_idle_timeout, 0,
		"expected a duration like 10s, or 0 for off"),
	STR("metrics_file", OPT_PATH, metrics_file,
		"expected an absolute path"),
	STR("disable", OPT_CODES, disable,
		"expected a comma separated list of finding codes"),
	NUM("keep_closed", OPT_DURATION, keep_closed, 0,
		"expected a duration like 300s or 5m"),
	NUM("charon.keep_alive", OPT_DURATION, keep_alive, 0,
		"expected a duration like 20s, or 0 for off"),

	/* what a round may cost, and the metrics file's mode */
	NUM("metrics_mode", OPT_MODE, metrics_mode, 0,
		"expected an octal file mode like 0640"),
	NUM_MAX("round_budget", OPT_DURATION_MS, round_budget_ms, 100, 3600000,
		"expected a duration like 10s or 1m"),
	NUM("ruleset_max_elements", OPT_INTEGER, ruleset_max_elements, 1,
		"expected a number of rules and set elements"),
	NUM("ruleset_max_bytes", OPT_SIZE, ruleset_max_bytes, 65536,
		"expected a size like 128M"),
	NUM("max_records", OPT_INTEGER, max_records, 1,
		"expected a number of records, at least 1"),
	NUM("charon.half_open_timeout", OPT_DURATION, half_open_timeout, 0,
		"expected a duration like 30s"),
	NUM("journal_fields", OPT_BOOL, journal_fields, 0,
		"expected yes or no"),
	NUM("watch_kernel", OPT_BOOL, watch_kernel, 0,
		"expected yes or no"),
};

static bool parse_mode(const char *str, uint32_t *out)
{
	uint32_t v = 0;

	if (!*str)
	{
		return false;
	}
	for (; *str; str++)
	{
		if (*str < '0' || *str > '7')
		{
			return false;
		}
		v = v * 8 + (uint32_t)(*str - '0');
		if (v > 0777)
		{
			return false;
		}
	}
	*out = v;
	return true;
}

/**
 * A boolean as strongSwan's settings read one.
 */
static bool parse_bool(const char *str, uint32_t *out)
{
	static const char *yes[] = { "1", "yes", "true", "enabled" };
	static const char *no[] = { "0", "no", "false", "disabled" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
	{
		if (strcasecmp(str, yes[i]) == 0)
		{
			*out = 1;
			return true;
		}
		if (strcasecmp(str, no[i]) == 0)
		{
			*out = 0;
			return true;
		}
	}
	return false;
}

/**
 * Copy src into a string field if it fits.
 */
static bool set_str(char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
	{
		return false;
	}
	strcpy(dst, src);
	return true;
}

/**
 * Printable, no blanks, no colon (what /etc/group allows).
 */
static bool valid_group(const char *str)
{
	for (; *str; str++)
	{
		if ((unsigned char)*str <= ' ' || *str == 0x7f || *str == ':')
		{
			return false;
		}
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/**
 * Cut the next item off a comma separated list, blanks around it trimmed.
 *
 * @param p			position in the list, moved past the item and its comma
 * @param start		receives the item's first character
 * @param end		receives the position after its last character
 * @return			FALSE at the end of the list
 */
static bool next_item(const char **p, const char **start, const char **end)
{
	if (!**p)
	{
		return false;
	}
	*start = *p;
	while (**p && **p != ',')
	{
		(*p)++;
	}
	*end = *p;
	if (**p == ',')
	{
		(*p)++;
	}
	while (*start < *end && is_blank(**start))
	{
		(*start)++;
	}
	while (*end > *start && is_blank((*end)[-1]))
	{
		(*end)--;
	}
	return true;
}

/**
 * Normalize "a, b ,c" to "a,b,c"; every code must be kebab-case.
 */
static bool parse_codes(const char *str, char *dst, size_t size)
{
	const char *p = str, *start, *end;
	size_t pos = 0, n;

	dst[0] = '\0';
	while (next_item(&p, &start, &end))
	{
		if (start == end)
		{	/* tolerate "a,,b" and a trailing comma */
			continue;
		}
		n = (size_t)(end - start);
		if (strspn(start, "abcdefghijklmnopqrstuvwxyz0123456789-") < n)
		{
			return false;
		}
		if (pos + (pos ? 1 : 0) + n >= size)
		{
			return false;
		}
		if (pos)
		{
			dst[pos++] = ',';
		}
		memcpy(dst + pos, start, n);
		pos += n;
		dst[pos] = '\0';
	}
	return true;
}

/**
 * Result of parsing one value.
 */
typedef enum {
	/** valid, stored */
	PARSE_OK,
	/** not of the expected form */
	PARSE_BAD,
	/** well-formed number below the option's minimum */
	PARSE_TOO_SMALL,
	/** well-formed number above the option's maximum */
	PARSE_TOO_LARGE,
} parse_result_t;

/**
 * Store a parsed number if it is within the option's bounds.
 */
static parse_result_t set_num(char *field, const opt_t *opt, uint32_t v)
{
	if (v < opt->min)
	{
		return PARSE_TOO_SMALL;
	}
	if (opt->max && v > opt->max)
	{
		return PARSE_TOO_LARGE;
	}
	memcpy(field, &v, sizeof(v));
	return PARSE_OK;
}

/**
 * Parse one value into the settings; a bad value leaves the field alone.
 */
static parse_result_t parse_option(dpc_settings_t *s, const opt_t *opt,
								   const char *str)
{
	char *field = (char*)s + opt->offset;
	char codes[DPC_DISABLE_LEN];
	uint32_t v;

	switch (opt->type)
	{
		case OPT_DURATION:
		case OPT_DURATION_MS:
			if (!dpc_settings_parse_duration(str,
									opt->type == OPT_DURATION_MS, &v))
			{
				return PARSE_BAD;
			}
			return set_num(field, opt, v);
		case OPT_INTEGER:
			if (!parse_u32(str, str + strlen(str), &v))
			{
				return PARSE_BAD;
			}
			return set_num(field, opt, v);
		case OPT_MODE:
			if (!parse_mode(str, &v))
			{
				return PARSE_BAD;
			}
			return set_num(field, opt, v);
		case OPT_SIZE:
			if (!dpc_settings_parse_size(str, &v))
			{
				return PARSE_BAD;
			}
			return set_num(field, opt, v);
		case OPT_BOOL:
			if (!parse_bool(str, &v))
			{
				return PARSE_BAD;
			}
			return set_num(field, opt, v);
		case OPT_SOCKET:
			/* charon's working directory is arbitrary: absolute paths only */
			if (strncmp(str, UNIX_PREFIX "/", strlen(UNIX_PREFIX "/")) != 0 ||
				!str[strlen(UNIX_PREFIX "/")])
			{
				return PARSE_BAD;
			}
			return set_str(field, opt->size, str) ? PARSE_OK : PARSE_BAD;
		case OPT_GROUP:
			return valid_group(str) && set_str(field, opt->size, str) ?
						PARSE_OK : PARSE_BAD;
		case OPT_PATH:
			if (*str && *str != '/')
			{
				return PARSE_BAD;
			}
			return set_str(field, opt->size, str) ? PARSE_OK : PARSE_BAD;
		case OPT_CODES:
			if (!parse_codes(str, codes, sizeof(codes)))
			{
				return PARSE_BAD;
			}
			return set_str(field, opt->size, codes) ? PARSE_OK : PARSE_BAD;
	}
	return PARSE_BAD;
}

/**
 * Print a number the way the option is written.
 */
static void print_num(const opt_t *opt, uint32_t v, char *buf, size_t len)
{
	switch (opt->type)
	{
		case OPT_DURATION:
			snprintf(buf, len, v ? "%us" : "0 (off)", v);
			break;
		case OPT_DURATION_MS:
			if (v % 1000)
			{
				snprintf(buf, len, "%ums", v);
			}
			else
			{
				snprintf(buf, len, "%us", v / 1000);
			}
			break;
		case OPT_MODE:
			snprintf(buf, len, "%04o", v);
			break;
		case OPT_BOOL:
			snprintf(buf, len, "%s", v ? "yes" : "no");
			break;
		case OPT_SIZE:
			if (v && v % (1 << 20) == 0)
			{
				snprintf(buf, len, "%uM", v >> 20);
			}
			else if (v && v % (1 << 10) == 0)
			{
				snprintf(buf, len, "%uk", v >> 10);
			}
			else
			{
				snprintf(buf, len, "%u", v);
			}
			break;
		default:
			snprintf(buf, len, "%u", v);
			break;
	}
}

/**
 * Print the current (default) value of an option for a warning.
 */
static void print_value(const dpc_settings_t *s, const opt_t *opt, char *buf,
						size_t len)
{
	const char *field = (const char*)s + opt->offset;
	uint32_t v;

	if (opt->size)
	{
		snprintf(buf, len, "%s", *field ? field : "none");
		return;
	}
	memcpy(&v, field, sizeof(v));
	print_num(opt, v, buf, len);
}

/**
 * Copy a bad value for display: bounded, control characters replaced.
 */
static void show_value(const char *str, char *buf, size_t len)
{
	size_t i, n = strlen(str);

	snprintf(buf, len, "%.*s%s", SHOW_MAX, str, n > SHOW_MAX ? "..." : "");
	for (i = 0; buf[i]; i++)
	{
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
		{
			buf[i] = '?';
		}
	}
}

int dpc_settings_parse(dpc_settings_t *s, const char *piddir,
					   dpc_settings_get_t get, dpc_settings_warn_t warn,
					   void *ctx)
{
	char line[512], shown[SHOW_MAX + 4], def[DPC_SOCKET_URI_LEN], bound[32];
	char expect[64];
	const opt_t *opt;
	parse_result_t result;
	const char *str;
	size_t i;
	int bad = 0;

	dpc_settings_defaults(s, piddir);
	if (!get)
	{
		return 0;
	}
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
	{
		opt = &options[i];
		str = get(ctx, opt->key);
		if (!str)
		{
			continue;
		}
		result = parse_option(s, opt, str);
		if (result == PARSE_OK)
		{
			continue;
		}
		/* parse_option() left the default in place */
		bad++;
		if (!warn)
		{
			continue;
		}
		show_value(str, shown, sizeof(shown));
		print_value(s, opt, def, sizeof(def));
		if (result == PARSE_TOO_SMALL || result == PARSE_TOO_LARGE)
		{
			print_num(opt, result == PARSE_TOO_SMALL ? opt->min : opt->max,
					  bound, sizeof(bound));
			snprintf(expect, sizeof(expect), "expected %s %s",
					 result == PARSE_TOO_SMALL ? "at least" : "at most", bound);
		}
		snprintf(line, sizeof(line), "invalid %s '%s' (%s), using %s",
				 opt->key, shown,
				 result == PARSE_BAD ? opt->expect : expect, def);
		warn(ctx, line);
	}
	return bad;
}

bool dpc_settings_is_disabled(const dpc_settings_t *s, const char *code)
{
	const char *p = s->disable, *start, *end;
	size_t n;

	if (!code || !*code)
	{
		return false;
	}
	n = strlen(code);
	while (next_item(&p, &start, &end))
	{
		if ((size_t)(end - start) == n && strncmp(start, code, n) == 0)
		{
			return true;
		}
	}
	return false;
}
