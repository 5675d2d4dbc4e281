/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the settings parser (dpc_settings.h).
 *
 * Built and run by "make fuzz"; seeds are in tests/fuzz/corpus/fuzz_settings.
 *
 * The input is split into "key=value" lines that answer the parser's
 * questions (the first line of a key wins; "charon.keep_alive" is a key of
 * its own, "piddir" sets the pid directory). Whatever the values, the
 * result must be valid: numbers within their bounds, strings terminated and
 * of the accepted form, one warning per bad value, each a single line.
 */

#include <model/dpc_settings.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * Fail loudly on a broken invariant.
 */
#define ASSERT(x) do { if (!(x)) { abort(); } } while (0)

/** most lines looked at */
#define MAX_LINES 64

/**
 * The input, split into lines.
 */
typedef struct {
	/** keys, NUL-terminated in the copy of the input */
	const char *keys[MAX_LINES];
	/** values */
	const char *values[MAX_LINES];
	/** lines in use */
	int count;
	/** warnings seen */
	int warnings;
	/** warnings may contain control characters (from piddir) */
	bool raw_piddir;
} input_t;

static const char *get(void *ctx, const char *key)
{
	input_t *in = ctx;
	int i;

	for (i = 0; i < in->count; i++)
	{
		if (strcmp(in->keys[i], key) == 0)
		{
			return in->values[i];
		}
	}
	return NULL;
}

static void warn(void *ctx, const char *line)
{
	input_t *in = ctx;
	const char *p;

	in->warnings++;
	ASSERT(strncmp(line, "invalid ", strlen("invalid ")) == 0);
	ASSERT(strstr(line, ", using "));
	for (p = line; *p && !in->raw_piddir; p++)
	{
		ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f);
	}
}

/**
 * Split buf in place into key=value lines; lines without '=' are skipped.
 */
static void split(input_t *in, char *buf)
{
	char *line, *eq, *next;

	for (line = buf; line && in->count < MAX_LINES; line = next)
	{
		next = strchr(line, '\n');
		if (next)
		{
			*next++ = '\0';
		}
		eq = strchr(line, '=');
		if (!eq)
		{
			continue;
		}
		*eq = '\0';
		in->keys[in->count] = line;
		in->values[in->count] = eq + 1;
		in->count++;
	}
}

/**
 * A string field is terminated inside its size.
 */
#define TERMINATED(s, f) (strnlen((s)->f, sizeof((s)->f)) < sizeof((s)->f))

static void check_settings(const dpc_settings_t *s)
{
	const char *p;

	ASSERT(TERMINATED(s, socket));
	ASSERT(TERMINATED(s, socket_group));
	ASSERT(TERMINATED(s, metrics_file));
	ASSERT(TERMINATED(s, disable));
	ASSERT(s->interval >= 1);
	ASSERT(s->traffic_window >= 1);
	ASSERT(s->traffic_min_packets >= 1);
	ASSERT(s->nat_timeout >= 1);
	ASSERT(s->rekey_churn >= 1);
	ASSERT(s->socket_mode <= 0777);
	ASSERT(strncmp(s->socket, "unix://", strlen("unix://")) == 0);
	ASSERT(!s->metrics_file[0] || s->metrics_file[0] == '/');
	for (p = s->socket_group; *p; p++)
	{
		ASSERT((unsigned char)*p > ' ' && *p != 0x7f && *p != ':');
	}
	/* normalized: codes separated by single commas */
	ASSERT(strspn(s->disable, "abcdefghijklmnopqrstuvwxyz0123456789-,") ==
		   strlen(s->disable));
	ASSERT(s->disable[0] != ',' && !strstr(s->disable, ",,"));
	ASSERT(!s->disable[0] || s->disable[strlen(s->disable) - 1] != ',');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t in = {};
	dpc_settings_t s, again;
	const char *piddir;
	uint32_t v;
	char *buf;
	int bad, i;

	buf = malloc(size + 1);
	if (!buf)
	{
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	split(&in, buf);

	piddir = get(&in, "piddir");
	in.raw_piddir = piddir != NULL;
	bad = dpc_settings_parse(&s, piddir, get, warn, &in);
	ASSERT(bad >= 0 && bad == in.warnings);
	check_settings(&s);

	/* without a warning callback the result is the same */
	ASSERT(dpc_settings_parse(&again, piddir, get, NULL, &in) == bad);
	ASSERT(memcmp(&s, &again, sizeof(s)) == 0);

	for (i = 0; i < in.count; i++)
	{
		/* lists not normalized by the parser, as a caller may set them */
		snprintf(again.disable, sizeof(again.disable), "%s", in.values[i]);
		dpc_settings_is_disabled(&again, in.keys[i]);
		if (dpc_settings_parse_duration(in.values[i], false, &v))
		{
			ASSERT(dpc_settings_parse_duration(in.values[i], true, &v) ||
				   v > UINT32_MAX / 1000);
		}
		dpc_settings_parse_duration(in.values[i], true, &v);
		dpc_settings_is_disabled(&s, in.values[i]);
		if (dpc_settings_is_disabled(&s, in.keys[i]))
		{
			ASSERT(in.keys[i][0]);
		}
	}
	free(buf);
	return 0;
}
