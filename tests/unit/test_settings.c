/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <model/dpc_settings.h>

#include <stdio.h>
#include <string.h>

/**
 * A fake settings backend: key/value pairs and the warnings received.
 */
typedef struct {
	/** key, value pairs */
	const char *kv[32][2];
	/** pairs in use */
	int n;
	/** warnings */
	char warn[16][512];
	/** warnings received */
	int n_warn;
} conf_t;

static const char *get(void *ctx, const char *key)
{
	conf_t *c = ctx;
	int i;

	for (i = 0; i < c->n; i++)
	{
		if (strcmp(c->kv[i][0], key) == 0)
		{
			return c->kv[i][1];
		}
	}
	return NULL;
}

static void warn(void *ctx, const char *line)
{
	conf_t *c = ctx;

	ck_assert_int_lt(c->n_warn, 16);
	snprintf(c->warn[c->n_warn++], sizeof(c->warn[0]), "%s", line);
}

static void set(conf_t *c, const char *key, const char *value)
{
	ck_assert_int_lt(c->n, 32);
	c->kv[c->n][0] = key;
	c->kv[c->n][1] = value;
	c->n++;
}

START_TEST(test_defaults)
{
	dpc_settings_t s;

	dpc_settings_defaults(&s, "/run");
	ck_assert_uint_eq(s.interval, 30);
	ck_assert_uint_eq(s.settle_ms, 2000);
	ck_assert_uint_eq(s.traffic_window, 60);
	ck_assert_uint_eq(s.traffic_min_packets, 3);
	ck_assert_uint_eq(s.idle_warn, 0);
	ck_assert_uint_eq(s.nat_timeout, 30);
	ck_assert_uint_eq(s.rekey_churn, 30);
	ck_assert_str_eq(s.socket, "unix:///run/charon.dpc");
	ck_assert_uint_eq(s.socket_mode, 0600);
	ck_assert_str_eq(s.socket_group, "");
	ck_assert_str_eq(s.metrics_file, "");
	ck_assert_str_eq(s.disable, "");
	ck_assert_uint_eq(s.keep_closed, 300);
	ck_assert_uint_eq(s.keep_alive, 20);
	ck_assert_uint_eq(s.metrics_mode, 0640);
	ck_assert_uint_eq(s.round_budget_ms, 10000);
	ck_assert_uint_eq(s.ruleset_max_elements, 1000000);
	ck_assert_uint_eq(s.ruleset_max_bytes, 128 << 20);
	ck_assert_uint_eq(s.max_records, 100000);
	ck_assert_uint_eq(s.half_open_timeout, 30);
	ck_assert_uint_eq(s.journal_fields, 1);

	dpc_settings_defaults(&s, "/var/run/");
	ck_assert_str_eq(s.socket, "unix:///var/run/charon.dpc");
	dpc_settings_defaults(&s, NULL);
	ck_assert_str_eq(s.socket, "unix:///run/charon.dpc");
	dpc_settings_defaults(&s, "");
	ck_assert_str_eq(s.socket, "unix:///run/charon.dpc");
}
END_TEST

START_TEST(test_unset)
{
	dpc_settings_t s, def;
	conf_t c = {};

	dpc_settings_defaults(&def, "/run");
	memset(&s, 0x55, sizeof(s));
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_int_eq(c.n_warn, 0);
	ck_assert(memcmp(&s, &def, sizeof(s)) == 0);

	memset(&s, 0x55, sizeof(s));
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", NULL, NULL, NULL), 0);
	ck_assert(memcmp(&s, &def, sizeof(s)) == 0);
}
END_TEST

START_TEST(test_good)
{
	dpc_settings_t s;
	conf_t c = {};

	set(&c, "interval", "45");
	set(&c, "settle", "500ms");
	set(&c, "traffic_window", "2m");
	set(&c, "traffic_min_packets", "10");
	set(&c, "idle_warn", "1h");
	set(&c, "nat_timeout", "20s");
	set(&c, "rekey_churn", "100");
	set(&c, "socket", "unix:///var/run/dpc.sock");
	set(&c, "socket_mode", "660");
	set(&c, "socket_group", "vpnadmins");
	set(&c, "metrics_file", "/var/lib/node_exporter/textfile/dpc.prom");
	set(&c, "disable", " ts-narrowed , traffic-none,,nat-detected, ");
	set(&c, "keep_closed", "1d");
	set(&c, "charon.keep_alive", "0");
	set(&c, "metrics_mode", "0644");
	set(&c, "round_budget", "500ms");
	set(&c, "ruleset_max_elements", "20000");
	set(&c, "ruleset_max_bytes", "16M");
	set(&c, "max_records", "250000");
	set(&c, "charon.half_open_timeout", "1m");
	set(&c, "journal_fields", "no");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_int_eq(c.n_warn, 0);
	ck_assert_uint_eq(s.metrics_mode, 0644);
	ck_assert_uint_eq(s.round_budget_ms, 500);
	ck_assert_uint_eq(s.ruleset_max_elements, 20000);
	ck_assert_uint_eq(s.ruleset_max_bytes, 16 << 20);
	ck_assert_uint_eq(s.interval, 45);
	ck_assert_uint_eq(s.settle_ms, 500);
	ck_assert_uint_eq(s.traffic_window, 120);
	ck_assert_uint_eq(s.traffic_min_packets, 10);
	ck_assert_uint_eq(s.idle_warn, 3600);
	ck_assert_uint_eq(s.nat_timeout, 20);
	ck_assert_uint_eq(s.rekey_churn, 100);
	ck_assert_str_eq(s.socket, "unix:///var/run/dpc.sock");
	ck_assert_uint_eq(s.socket_mode, 0660);
	ck_assert_str_eq(s.socket_group, "vpnadmins");
	ck_assert_str_eq(s.metrics_file, "/var/lib/node_exporter/textfile/dpc.prom");
	ck_assert_str_eq(s.disable, "ts-narrowed,traffic-none,nat-detected");
	ck_assert_uint_eq(s.keep_closed, 86400);
	ck_assert_uint_eq(s.keep_alive, 0);
	ck_assert_uint_eq(s.max_records, 250000);
	ck_assert_uint_eq(s.half_open_timeout, 60);
	ck_assert_uint_eq(s.journal_fields, 0);
}
END_TEST

START_TEST(test_good_edges)
{
	dpc_settings_t s;
	conf_t c = {};

	set(&c, "interval", "1s");
	set(&c, "settle", "2");
	set(&c, "traffic_window", "1");
	set(&c, "traffic_min_packets", "1");
	set(&c, "idle_warn", "0");
	set(&c, "nat_timeout", "1");
	set(&c, "rekey_churn", "4294967295");
	set(&c, "socket", "unix:///x");
	set(&c, "socket_mode", "0777");
	set(&c, "socket_group", "1000");
	set(&c, "metrics_file", "");
	set(&c, "disable", "");
	set(&c, "keep_closed", "0");
	set(&c, "charon.keep_alive", "5m");
	set(&c, "max_records", "1");
	set(&c, "charon.half_open_timeout", "0");
	set(&c, "journal_fields", "Enabled");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_int_eq(c.n_warn, 0);
	ck_assert_uint_eq(s.interval, 1);
	ck_assert_uint_eq(s.settle_ms, 2000);
	ck_assert_uint_eq(s.traffic_window, 1);
	ck_assert_uint_eq(s.traffic_min_packets, 1);
	ck_assert_uint_eq(s.idle_warn, 0);
	ck_assert_uint_eq(s.nat_timeout, 1);
	ck_assert_uint_eq(s.rekey_churn, 4294967295u);
	ck_assert_str_eq(s.socket, "unix:///x");
	ck_assert_uint_eq(s.socket_mode, 0777);
	ck_assert_str_eq(s.socket_group, "1000");
	ck_assert_str_eq(s.metrics_file, "");
	ck_assert_str_eq(s.disable, "");
	ck_assert_uint_eq(s.keep_closed, 0);
	ck_assert_uint_eq(s.keep_alive, 300);
	ck_assert_uint_eq(s.max_records, 1);
	ck_assert_uint_eq(s.half_open_timeout, 0);
	ck_assert_uint_eq(s.journal_fields, 1);

	c.n = 0;
	set(&c, "interval", "1d");
	set(&c, "round_budget", "1h");
	set(&c, "ruleset_max_bytes", "65536");
	set(&c, "metrics_mode", "0");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_int_eq(c.n_warn, 0);
	ck_assert_uint_eq(s.interval, 86400);
	ck_assert_uint_eq(s.round_budget_ms, 3600000);
	ck_assert_uint_eq(s.ruleset_max_bytes, 65536);
	ck_assert_uint_eq(s.metrics_mode, 0);

	c.n = 0;
	set(&c, "settle", "0");
	set(&c, "socket_mode", "00600");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_uint_eq(s.settle_ms, 0);
	ck_assert_uint_eq(s.socket_mode, 0600);
}
END_TEST

/** key, bad value, the one warning expected */
static const struct {
	const char *key;
	const char *value;
	const char *warning;
} bad[] = {
	{ "interval", "abc", "invalid interval 'abc' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "0", "invalid interval '0' (expected at least 1s), "
	  "using 30s" },
	{ "interval", "0s", "invalid interval '0s' (expected at least 1s), "
	  "using 30s" },
	{ "interval", "-5", "invalid interval '-5' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "", "invalid interval '' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "5ms", "invalid interval '5ms' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "1.5s", "invalid interval '1.5s' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "30 s", "invalid interval '30 s' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "30S", "invalid interval '30S' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "4294967296", "invalid interval '4294967296' (expected a "
	  "duration like 30s or 5m), using 30s" },
	/* would wrap to rounds every 704 ms once in milliseconds */
	{ "interval", "4294968", "invalid interval '4294968' (expected at most "
	  "86400s), using 30s" },
	{ "interval", "86401s", "invalid interval '86401s' (expected at most "
	  "86400s), using 30s" },
	{ "interval", "2d", "invalid interval '2d' (expected at most "
	  "86400s), using 30s" },
	{ "interval", "50000d", "invalid interval '50000d' (expected a "
	  "duration like 30s or 5m), using 30s" },
	{ "interval", "99999999999999999999999", "invalid interval "
	  "'99999999999999999999999' (expected a duration like 30s or 5m), "
	  "using 30s" },
	{ "settle", "abc", "invalid settle 'abc' (expected a duration like "
	  "2s or 500ms), using 2s" },
	{ "settle", "-1", "invalid settle '-1' (expected a duration like "
	  "2s or 500ms), using 2s" },
	{ "settle", "5000000", "invalid settle '5000000' (expected a duration "
	  "like 2s or 500ms), using 2s" },
	{ "settle", "ms", "invalid settle 'ms' (expected a duration "
	  "like 2s or 500ms), using 2s" },
	{ "settle", "2sms", "invalid settle '2sms' (expected a duration "
	  "like 2s or 500ms), using 2s" },
	{ "traffic_window", "0", "invalid traffic_window '0' (expected at "
	  "least 1s), using 60s" },
	{ "traffic_window", "1w", "invalid traffic_window '1w' (expected a "
	  "duration like 60s or 2m), using 60s" },
	{ "traffic_min_packets", "0", "invalid traffic_min_packets '0' "
	  "(expected at least 1), using 3" },
	{ "traffic_min_packets", "x", "invalid traffic_min_packets 'x' "
	  "(expected a number of packets, at least 1), using 3" },
	{ "traffic_min_packets", "3s", "invalid traffic_min_packets '3s' "
	  "(expected a number of packets, at least 1), using 3" },
	{ "traffic_min_packets", "-3", "invalid traffic_min_packets '-3' "
	  "(expected a number of packets, at least 1), using 3" },
	{ "traffic_min_packets", "4294967296", "invalid traffic_min_packets "
	  "'4294967296' (expected a number of packets, at least 1), using 3" },
	{ "idle_warn", "soon", "invalid idle_warn 'soon' (expected a duration "
	  "like 10m, or 0 for off), using 0 (off)" },
	{ "nat_timeout", "0", "invalid nat_timeout '0' (expected at least 1s), "
	  "using 30s" },
	{ "nat_timeout", "-30s", "invalid nat_timeout '-30s' (expected a "
	  "duration like 30s or 2m), using 30s" },
	{ "rekey_churn", "0", "invalid rekey_churn '0' (expected at least 1), "
	  "using 30" },
	{ "rekey_churn", "many", "invalid rekey_churn 'many' (expected a number "
	  "of rekeys per hour, at least 1), using 30" },
	{ "socket", "tcp://127.0.0.1:4502", "invalid socket "
	  "'tcp://127.0.0.1:4502' (expected a URI like unix:///run/charon.dpc), "
	  "using unix:///run/charon.dpc" },
	{ "socket", "unix://", "invalid socket 'unix://' (expected a URI like "
	  "unix:///run/charon.dpc), using unix:///run/charon.dpc" },
	{ "socket", "unix:///", "invalid socket 'unix:///' (expected a URI like "
	  "unix:///run/charon.dpc), using unix:///run/charon.dpc" },
	{ "socket", "unix://run/charon.dpc", "invalid socket "
	  "'unix://run/charon.dpc' (expected a URI like "
	  "unix:///run/charon.dpc), using unix:///run/charon.dpc" },
	{ "socket", "/run/charon.dpc", "invalid socket '/run/charon.dpc' "
	  "(expected a URI like unix:///run/charon.dpc), "
	  "using unix:///run/charon.dpc" },
	{ "socket_mode", "0800", "invalid socket_mode '0800' (expected an octal "
	  "file mode like 0600), using 0600" },
	{ "socket_mode", "1777", "invalid socket_mode '1777' (expected an octal "
	  "file mode like 0600), using 0600" },
	{ "socket_mode", "rw", "invalid socket_mode 'rw' (expected an octal "
	  "file mode like 0600), using 0600" },
	{ "socket_mode", "", "invalid socket_mode '' (expected an octal "
	  "file mode like 0600), using 0600" },
	{ "socket_mode", "-600", "invalid socket_mode '-600' (expected an octal "
	  "file mode like 0600), using 0600" },
	{ "socket_mode", "0x180", "invalid socket_mode '0x180' (expected an "
	  "octal file mode like 0600), using 0600" },
	{ "socket_group", "vpn admins", "invalid socket_group 'vpn admins' "
	  "(expected a group name or number), using none" },
	{ "socket_group", "a:b", "invalid socket_group 'a:b' "
	  "(expected a group name or number), using none" },
	{ "socket_group", "0123456789012345678901234567890123456789012345678901"
	  "234567890123", "invalid socket_group '012345678901234567890123456789"
	  "0123456789012345678901234567890123' (expected a group name or "
	  "number), using none" },
	{ "metrics_file", "dpc.prom", "invalid metrics_file 'dpc.prom' "
	  "(expected an absolute path), using none" },
	{ "disable", "TS-Narrowed", "invalid disable 'TS-Narrowed' (expected a "
	  "comma separated list of finding codes), using none" },
	{ "disable", "ts-narrowed, ts_unprotected", "invalid disable "
	  "'ts-narrowed, ts_unprotected' (expected a comma separated list of "
	  "finding codes), using none" },
	{ "disable", "ts narrowed", "invalid disable 'ts narrowed' (expected a "
	  "comma separated list of finding codes), using none" },
	{ "disable", "ts-narrowed;route-missing", "invalid disable "
	  "'ts-narrowed;route-missing' (expected a comma separated list of "
	  "finding codes), using none" },
	{ "keep_closed", "forever", "invalid keep_closed 'forever' (expected a "
	  "duration like 300s or 5m), using 300s" },
	{ "charon.keep_alive", "-1", "invalid charon.keep_alive '-1' (expected "
	  "a duration like 20s, or 0 for off), using 20s" },
	{ "charon.keep_alive", "20 s", "invalid charon.keep_alive '20 s' "
	  "(expected a duration like 20s, or 0 for off), using 20s" },
	{ "metrics_mode", "0888", "invalid metrics_mode '0888' (expected an "
	  "octal file mode like 0640), using 0640" },
	{ "metrics_mode", "4755", "invalid metrics_mode '4755' (expected an "
	  "octal file mode like 0640), using 0640" },
	{ "round_budget", "50ms", "invalid round_budget '50ms' (expected at "
	  "least 100ms), using 10s" },
	{ "round_budget", "2h", "invalid round_budget '2h' (expected at "
	  "most 3600s), using 10s" },
	{ "round_budget", "soon", "invalid round_budget 'soon' (expected a "
	  "duration like 10s or 1m), using 10s" },
	{ "ruleset_max_elements", "0", "invalid ruleset_max_elements '0' "
	  "(expected at least 1), using 1000000" },
	{ "ruleset_max_elements", "1M", "invalid ruleset_max_elements '1M' "
	  "(expected a number of rules and set elements), using 1000000" },
	{ "ruleset_max_bytes", "1k", "invalid ruleset_max_bytes '1k' "
	  "(expected at least 64k), using 128M" },
	{ "ruleset_max_bytes", "4G", "invalid ruleset_max_bytes '4G' "
	  "(expected a size like 128M), using 128M" },
	{ "ruleset_max_bytes", "12MB", "invalid ruleset_max_bytes '12MB' "
	  "(expected a size like 128M), using 128M" },
	{ "max_records", "0", "invalid max_records '0' (expected at least 1), "
	  "using 100000" },
	{ "max_records", "lots", "invalid max_records 'lots' (expected a number "
	  "of records, at least 1), using 100000" },
	{ "journal_fields", "maybe", "invalid journal_fields 'maybe' (expected "
	  "yes or no), using yes" },
	{ "journal_fields", "", "invalid journal_fields '' (expected yes or no), "
	  "using yes" },
	{ "charon.half_open_timeout", "30 s", "invalid charon.half_open_timeout "
	  "'30 s' (expected a duration like 30s), using 30s" },
	/* what cannot be shown is not echoed raw */
	{ "interval", "3\n0", "invalid interval '3?0' (expected a duration like "
	  "30s or 5m), using 30s" },
	{ "interval", "0123456789012345678901234567890123456789012345678901234567"
	  "89abcdefghij", "invalid interval '012345678901234567890123456789012345"
	  "678901234567890123456789abcd...' (expected a duration like "
	  "30s or 5m), using 30s" },
};

/**
 * One bad value: one warning, the default used.
 */
static void check_bad(const char *key, const char *value, const char *warning)
{
	dpc_settings_t s, def;
	conf_t c = {};

	set(&c, key, value);
	dpc_settings_defaults(&def, "/run");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 1);
	ck_assert_int_eq(c.n_warn, 1);
	ck_assert_str_eq(c.warn[0], warning);
	ck_assert(memcmp(&s, &def, sizeof(s)) == 0);
}

START_TEST(test_bad)
{
	check_bad(bad[_i].key, bad[_i].value, bad[_i].warning);
}
END_TEST

START_TEST(test_bad_long)
{
	char longer[1100], codes[700];
	dpc_settings_t s, def;
	conf_t c = {};
	int i;

	/* strings too long for their fields */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, "unix:///", 8);
	set(&c, "socket", longer);
	set(&c, "metrics_file", longer + 7);
	/* valid codes, but too many */
	codes[0] = '\0';
	for (i = 0; i < 50; i++)
	{
		strcat(codes, "ts-narrowed,");
	}
	set(&c, "disable", codes);
	dpc_settings_defaults(&def, "/run");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 3);
	ck_assert_int_eq(c.n_warn, 3);
	ck_assert(memcmp(&s, &def, sizeof(s)) == 0);
	for (i = 0; i < c.n_warn; i++)
	{
		ck_assert_uint_lt(strlen(c.warn[i]), 300);
		ck_assert(strstr(c.warn[i], "...'") != NULL);
	}
}
END_TEST

START_TEST(test_bad_many)
{
	dpc_settings_t s;
	conf_t c = {};

	set(&c, "interval", "x");
	set(&c, "settle", "750ms");
	set(&c, "socket_mode", "999");
	set(&c, "disable", "OOPS");
	set(&c, "rekey_churn", "60");
	set(&c, "charon.keep_alive", "often");
	ck_assert_int_eq(dpc_settings_parse(&s, "/var/run", get, warn, &c), 4);
	ck_assert_int_eq(c.n_warn, 4);
	/* in option order */
	ck_assert(strncmp(c.warn[0], "invalid interval ", 17) == 0);
	ck_assert(strncmp(c.warn[1], "invalid socket_mode ", 20) == 0);
	ck_assert(strncmp(c.warn[2], "invalid disable ", 16) == 0);
	ck_assert(strncmp(c.warn[3], "invalid charon.keep_alive ", 26) == 0);
	/* the good ones are taken, the bad ones defaulted */
	ck_assert_uint_eq(s.interval, 30);
	ck_assert_uint_eq(s.settle_ms, 750);
	ck_assert_uint_eq(s.socket_mode, 0600);
	ck_assert_uint_eq(s.rekey_churn, 60);
	ck_assert_uint_eq(s.keep_alive, 20);
	ck_assert_str_eq(s.socket, "unix:///var/run/charon.dpc");

	/* the count is returned even without anyone to tell */
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, NULL, &c), 4);
	ck_assert_int_eq(c.n_warn, 4);
}
END_TEST

/** duration, ms?, valid, value */
static const struct {
	const char *str;
	bool ms;
	bool ok;
	uint32_t value;
} durations[] = {
	{ "30", false, true, 30 },
	{ "30s", false, true, 30 },
	{ "5m", false, true, 300 },
	{ "2h", false, true, 7200 },
	{ "1d", false, true, 86400 },
	{ "0", false, true, 0 },
	{ "007", false, true, 7 },
	{ "4294967295", false, true, 4294967295u },
	{ "4294967295s", false, true, 4294967295u },
	{ "4294967296", false, false, 0 },
	{ "49710d", false, true, 4294944000u },
	{ "49711d", false, false, 0 },
	{ "49710h", false, true, 178956000 },
	{ "500ms", false, false, 0 },
	{ "500ms", true, true, 500 },
	{ "2", true, true, 2000 },
	{ "2s", true, true, 2000 },
	{ "1m", true, true, 60000 },
	{ "1h", true, true, 3600000 },
	{ "1d", true, true, 86400000 },
	{ "49d", true, true, 4233600000u },
	{ "50d", true, false, 0 },
	{ "4294967295ms", true, true, 4294967295u },
	{ "4294968s", true, false, 0 },
	{ "0ms", true, true, 0 },
	{ "", false, false, 0 },
	{ "s", false, false, 0 },
	{ "ms", true, false, 0 },
	{ "m", true, false, 0 },
	{ "-1", false, false, 0 },
	{ "+1", false, false, 0 },
	{ " 1", false, false, 0 },
	{ "1 ", false, false, 0 },
	{ "1x", false, false, 0 },
	{ "1ss", false, false, 0 },
	{ "1sm", true, false, 0 },
	{ "0x10", false, false, 0 },
	{ "1e3", false, false, 0 },
};

START_TEST(test_duration)
{
	uint32_t v = 12345;
	bool ok;

	ok = dpc_settings_parse_duration(durations[_i].str, durations[_i].ms, &v);
	ck_assert_msg(ok == durations[_i].ok, "'%s' (%s)", durations[_i].str,
				  durations[_i].ms ? "ms" : "s");
	if (ok)
	{
		ck_assert_uint_eq(v, durations[_i].value);
	}
	else
	{
		ck_assert_uint_eq(v, 12345);
	}
}
END_TEST

/** size, valid, value */
static const struct {
	const char *str;
	bool ok;
	uint32_t value;
} sizes[] = {
	{ "0", true, 0 },
	{ "65536", true, 65536 },
	{ "512k", true, 512 << 10 },
	{ "512K", true, 512 << 10 },
	{ "64M", true, 64 << 20 },
	{ "3G", true, 3u << 30 },
	{ "4G", false, 0 },
	{ "4194303k", true, 4194303u << 10 },
	{ "4194304k", false, 0 },
	{ "4294967295", true, 4294967295u },
	{ "4294967296", false, 0 },
	{ "", false, 0 },
	{ "M", false, 0 },
	{ "1m", false, 0 },
	{ "1MB", false, 0 },
	{ "-1", false, 0 },
	{ "1.5M", false, 0 },
};

START_TEST(test_size)
{
	uint32_t v = 12345;
	bool ok;

	ok = dpc_settings_parse_size(sizes[_i].str, &v);
	ck_assert_msg(ok == sizes[_i].ok, "'%s'", sizes[_i].str);
	ck_assert_uint_eq(v, ok ? sizes[_i].value : 12345);
}
END_TEST

START_TEST(test_interval_ms)
{
	dpc_settings_t s;

	dpc_settings_defaults(&s, "/run");
	ck_assert_uint_eq(dpc_settings_interval_ms(&s), 30000);
	s.interval = DPC_INTERVAL_MAX;
	ck_assert_uint_eq(dpc_settings_interval_ms(&s), 86400000u);
	/* 4294968 * 1000 wraps to 704 in 32 bits: rounds every 704 ms */
	s.interval = 4294968;
	ck_assert_uint_eq(dpc_settings_interval_ms(&s), 86400000u);
	s.interval = UINT32_MAX;
	ck_assert_uint_eq(dpc_settings_interval_ms(&s), 86400000u);
	s.interval = 0;
	ck_assert_uint_eq(dpc_settings_interval_ms(&s), 1000);
}
END_TEST

START_TEST(test_duration_null)
{
	uint32_t v;

	ck_assert(!dpc_settings_parse_duration(NULL, false, &v));
}
END_TEST

START_TEST(test_is_disabled)
{
	dpc_settings_t s;

	dpc_settings_defaults(&s, "/run");
	ck_assert(!dpc_settings_is_disabled(&s, "ts-narrowed"));
	strcpy(s.disable, "ts-narrowed,traffic-none");
	ck_assert(dpc_settings_is_disabled(&s, "ts-narrowed"));
	ck_assert(dpc_settings_is_disabled(&s, "traffic-none"));
	ck_assert(!dpc_settings_is_disabled(&s, "ts-narrow"));
	ck_assert(!dpc_settings_is_disabled(&s, "traffic"));
	ck_assert(!dpc_settings_is_disabled(&s, "narrowed"));
	ck_assert(!dpc_settings_is_disabled(&s, "ts-narrowed,traffic-none"));
	ck_assert(!dpc_settings_is_disabled(&s, ""));
	ck_assert(!dpc_settings_is_disabled(&s, NULL));
	/* also when filled in by hand */
	strcpy(s.disable, " route-missing , nat-detected ,");
	ck_assert(dpc_settings_is_disabled(&s, "route-missing"));
	ck_assert(dpc_settings_is_disabled(&s, "nat-detected"));
	ck_assert(!dpc_settings_is_disabled(&s, "route"));
}
END_TEST

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* the query socket's load limits */

START_TEST(test_socket_limits)
{
	dpc_settings_t s, def;
	conf_t c = {};

	dpc_settings_defaults(&def, "/run");
	ck_assert_uint_eq(def.socket_clients, 32);
	ck_assert_uint_eq(def.socket_rate, 10);
	ck_assert_uint_eq(def.socket_idle_timeout, 10);

	set(&c, "socket_clients", "4");
	set(&c, "socket_rate", "1");
	set(&c, "socket_idle_timeout", "2m");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_int_eq(c.n_warn, 0);
	ck_assert_uint_eq(s.socket_clients, 4);
	ck_assert_uint_eq(s.socket_rate, 1);
	ck_assert_uint_eq(s.socket_idle_timeout, 120);

	c.n = 0;
	set(&c, "socket_idle_timeout", "0");
	ck_assert_int_eq(dpc_settings_parse(&s, "/run", get, warn, &c), 0);
	ck_assert_uint_eq(s.socket_idle_timeout, 0);
}
END_TEST

/** key, bad value, the one warning expected */
static const struct {
	const char *key;
	const char *value;
	const char *warning;
} bad_socket[] = {
	{ "socket_clients", "0", "invalid socket_clients '0' (expected at "
	  "least 1), using 32" },
	{ "socket_clients", "many", "invalid socket_clients 'many' (expected a "
	  "number of clients, at least 1), using 32" },
	{ "socket_rate", "0", "invalid socket_rate '0' (expected at least 1), "
	  "using 10" },
	{ "socket_rate", "5/s", "invalid socket_rate '5/s' (expected a number "
	  "of requests per second, at least 1), using 10" },
	{ "socket_idle_timeout", "-1", "invalid socket_idle_timeout '-1' "
	  "(expected a duration like 10s, or 0 for off), using 10s" },
};

START_TEST(test_bad_socket_limits)
{
	check_bad(bad_socket[_i].key, bad_socket[_i].value,
			  bad_socket[_i].warning);
}
END_TEST

Suite *settings_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("settings");

	tc = tcase_create("parse");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_unset);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_good_edges);
	tcase_add_loop_test(tc, test_bad, 0, N(bad));
	tcase_add_test(tc, test_bad_long);
	tcase_add_test(tc, test_bad_many);
	tcase_add_test(tc, test_is_disabled);
	tcase_add_test(tc, test_socket_limits);
	tcase_add_loop_test(tc, test_bad_socket_limits, 0, N(bad_socket));
	suite_add_tcase(s, tc);

	tc = tcase_create("duration");
	tcase_add_loop_test(tc, test_duration, 0, N(durations));
	tcase_add_test(tc, test_duration_null);
	tcase_add_loop_test(tc, test_size, 0, N(sizes));
	tcase_add_test(tc, test_interval_ms);
	suite_add_tcase(s, tc);

	return s;
}
