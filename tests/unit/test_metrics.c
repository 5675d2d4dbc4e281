/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <sinks/dpc_metrics.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/** the HELP/TYPE lines and values of an empty rendering, in pieces */
#define SEVERITIES(i, w, e) \
	"# HELP dataplane_check_findings Active findings by severity.\n" \
	"# TYPE dataplane_check_findings gauge\n" \
	"dataplane_check_findings{severity=\"info\"} " #i "\n" \
	"dataplane_check_findings{severity=\"warning\"} " #w "\n" \
	"dataplane_check_findings{severity=\"error\"} " #e "\n"
#define FINDING_FAMILY \
	"# HELP dataplane_check_finding An active finding, labeled with its " \
	"code and subject.\n" \
	"# TYPE dataplane_check_finding gauge\n"
#define SAS(i, c) \
	"# HELP dataplane_check_ike_sas IKE_SAs that are up.\n" \
	"# TYPE dataplane_check_ike_sas gauge\n" \
	"dataplane_check_ike_sas " #i "\n" \
	"# HELP dataplane_check_child_sas CHILD_SAs that are up.\n" \
	"# TYPE dataplane_check_child_sas gauge\n" \
	"dataplane_check_child_sas " #c "\n"
#define PACKETS_FAMILY \
	"# HELP dataplane_check_child_packets_total Packets through a " \
	"CHILD_SA, at the last sample.\n" \
	"# TYPE dataplane_check_child_packets_total counter\n"
#define BYTES_FAMILY \
	"# HELP dataplane_check_child_bytes_total Bytes through a CHILD_SA, " \
	"at the last sample.\n" \
	"# TYPE dataplane_check_child_bytes_total counter\n"
#define LAST_ROUND(t) \
	"# HELP dataplane_check_last_round_timestamp_seconds Wall clock time " \
	"of the last completed checking round.\n" \
	"# TYPE dataplane_check_last_round_timestamp_seconds gauge\n" \
	"dataplane_check_last_round_timestamp_seconds " #t "\n"

/**
 * Add a finding.
 */
static dpc_finding_t *add_finding(dpc_findings_t *list, const char *code,
								  dpc_severity_t sev, const char *ike,
								  uint32_t ike_id, const char *child,
								  uint32_t child_id)
{
	dpc_subject_t s;
	dpc_finding_t *f;

	memset(&s, 0, sizeof(s));
	snprintf(s.ike_name, sizeof(s.ike_name), "%s", ike);
	s.ike_id = ike_id;
	snprintf(s.child_name, sizeof(s.child_name), "%s", child);
	s.child_id = child_id;
	f = dpc_findings_add(list, code, sev, &s);
	ck_assert_ptr_nonnull(f);
	f->active = true;
	return f;
}

/**
 * Add an IKE_SA to a snapshot, return the copy inside it.
 */
static dpc_ike_rec_t *add_ike(dpc_tunnels_t *t, const char *name, uint32_t id,
							  dpc_state_t state)
{
	dpc_ike_rec_t ike;

	dpc_ike_rec_init(&ike);
	snprintf(ike.name, sizeof(ike.name), "%s", name);
	ike.unique_id = id;
	ike.state = state;
	ck_assert(dpc_tunnels_add_copy(t, &ike));
	dpc_ike_rec_clear(&ike);
	return t->ikes[t->count - 1];
}

/**
 * Add a CHILD_SA with a counter sample (packets, bytes = 100 * packets).
 */
static dpc_child_rec_t *add_child(dpc_ike_rec_t *ike, const char *name,
								  uint32_t id, dpc_state_t state,
								  uint64_t in, uint64_t out)
{
	dpc_child_rec_t *child;
	dpc_sample_t s = {
		.time = 100,
		.packets_in = in,
		.packets_out = out,
		.bytes_in = in * 100,
		.bytes_out = out * 100,
	};

	child = dpc_ike_rec_add_child(ike);
	ck_assert_ptr_nonnull(child);
	dpc_child_rec_set_name(child, name);
	child->unique_id = id;
	child->state = state;
	dpc_child_rec_add_sample(child, &s, 60);
	return child;
}

/**
 * Render and check the length reported.
 */
static char *render(const dpc_findings_t *findings,
					const dpc_tunnels_t *tunnels, time_t last)
{
	dpc_metrics_round_t round = { .last_round = last };
	size_t len = 12345;
	char *text;

	text = dpc_metrics_render(findings, tunnels, &round, &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, strlen(text));
	return text;
}

START_TEST(test_render_empty)
{
	dpc_findings_t findings;
	dpc_tunnels_t tunnels;
	char *text;

	dpc_findings_init(&findings);
	dpc_tunnels_init(&tunnels);
	text = render(&findings, &tunnels, 0);
	ck_assert_str_eq(text,
		SEVERITIES(0, 0, 0) FINDING_FAMILY SAS(0, 0) PACKETS_FAMILY
		BYTES_FAMILY LAST_ROUND(0));
	free(text);

	/* no lists at all is the same */
	text = dpc_metrics_render(NULL, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text,
		SEVERITIES(0, 0, 0) FINDING_FAMILY SAS(0, 0) PACKETS_FAMILY
		BYTES_FAMILY LAST_ROUND(0));
	free(text);
}
END_TEST

START_TEST(test_render)
{
	dpc_findings_t findings;
	dpc_tunnels_t tunnels;
	dpc_ike_rec_t *ike;
	dpc_child_rec_t *child;
	dpc_sample_t later = {
		.time = 130, .packets_in = 15, .packets_out = 9,
		.bytes_in = 1500, .bytes_out = 900,
	};
	dpc_finding_t *f;
	char *text;

	dpc_findings_init(&findings);
	add_finding(&findings, "route-not-into-tunnel", DPC_ERROR, "s2s", 1,
				"net", 3);
	f = add_finding(&findings, "ts-narrowed", DPC_WARNING, "s2s", 1, "net", 0);
	snprintf(f->discrim, sizeof(f->discrim), "out");
	add_finding(&findings, "ip-forward-off", DPC_ERROR, "", 0, "", 0);
	add_finding(&findings, "nat-detected", DPC_INFO, "road", 7, "", 0);

	dpc_tunnels_init(&tunnels);
	ike = add_ike(&tunnels, "s2s", 1, DPC_STATE_UP);
	child = add_child(ike, "net", 3, DPC_STATE_UP, 10, 4);
	dpc_child_rec_add_sample(child, &later, 60);
	/* replaced by a rekey: counted neither as up nor with counters */
	add_child(ike, "net", 2, DPC_STATE_REKEYED, 99, 99);
	/* up, but no sample yet */
	child = add_child(ike, "dmz", 5, DPC_STATE_UP, 0, 0);
	child->n_samples = 0;
	ike = add_ike(&tunnels, "road", 7, DPC_STATE_UP);
	add_child(ike, "all", 8, DPC_STATE_UP, 0, 1);
	ike = add_ike(&tunnels, "old", 4, DPC_STATE_DOWN);
	add_child(ike, "net", 6, DPC_STATE_DOWN, 1, 1);

	text = render(&findings, &tunnels, 1767225600);
	ck_assert_str_eq(text,
		SEVERITIES(1, 1, 2)
		FINDING_FAMILY
		"dataplane_check_finding{code=\"route-not-into-tunnel\","
		"severity=\"error\",ike=\"s2s\",ike_id=\"1\",child=\"net\","
		"child_id=\"3\",discriminator=\"\"} 1\n"
		"dataplane_check_finding{code=\"ts-narrowed\",severity=\"warning\","
		"ike=\"s2s\",ike_id=\"1\",child=\"net\",child_id=\"\","
		"discriminator=\"out\"} 1\n"
		"dataplane_check_finding{code=\"ip-forward-off\",severity=\"error\","
		"ike=\"\",ike_id=\"\",child=\"\",child_id=\"\",discriminator=\"\"} 1\n"
		"dataplane_check_finding{code=\"nat-detected\",severity=\"info\","
		"ike=\"road\",ike_id=\"7\",child=\"\",child_id=\"\","
		"discriminator=\"\"} 1\n"
		SAS(2, 3)
		PACKETS_FAMILY
		"dataplane_check_child_packets_total{ike=\"s2s\",ike_id=\"1\","
		"child=\"net\",child_id=\"3\",direction=\"in\"} 15\n"
		"dataplane_check_child_packets_total{ike=\"s2s\",ike_id=\"1\","
		"child=\"net\",child_id=\"3\",direction=\"out\"} 9\n"
		"dataplane_check_child_packets_total{ike=\"road\",ike_id=\"7\","
		"child=\"all\",child_id=\"8\",direction=\"in\"} 0\n"
		"dataplane_check_child_packets_total{ike=\"road\",ike_id=\"7\","
		"child=\"all\",child_id=\"8\",direction=\"out\"} 1\n"
		BYTES_FAMILY
		"dataplane_check_child_bytes_total{ike=\"s2s\",ike_id=\"1\","
		"child=\"net\",child_id=\"3\",direction=\"in\"} 1500\n"
		"dataplane_check_child_bytes_total{ike=\"s2s\",ike_id=\"1\","
		"child=\"net\",child_id=\"3\",direction=\"out\"} 900\n"
		"dataplane_check_child_bytes_total{ike=\"road\",ike_id=\"7\","
		"child=\"all\",child_id=\"8\",direction=\"in\"} 0\n"
		"dataplane_check_child_bytes_total{ike=\"road\",ike_id=\"7\","
		"child=\"all\",child_id=\"8\",direction=\"out\"} 100\n"
		LAST_ROUND(1767225600));
	free(text);
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
}
END_TEST

START_TEST(test_render_large_values)
{
	dpc_findings_t findings;
	dpc_tunnels_t tunnels;
	dpc_ike_rec_t *ike;
	char *text;

	dpc_findings_init(&findings);
	add_finding(&findings, "x", DPC_WARNING, "a", 4294967295u, "b",
				4294967295u);
	dpc_tunnels_init(&tunnels);
	ike = add_ike(&tunnels, "a", 4294967295u, DPC_STATE_UP);
	add_child(ike, "b", 4294967295u, DPC_STATE_UP, 18446744073709551615ULL, 0);
	text = render(&findings, &tunnels, 4102444800);
	ck_assert_ptr_nonnull(strstr(text,
		"{code=\"x\",severity=\"warning\",ike=\"a\",ike_id=\"4294967295\","
		"child=\"b\",child_id=\"4294967295\",discriminator=\"\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"dataplane_check_child_packets_total{ike=\"a\",ike_id=\"4294967295\","
		"child=\"b\",child_id=\"4294967295\",direction=\"in\"} "
		"18446744073709551615\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"dataplane_check_last_round_timestamp_seconds 4102444800\n"));
	free(text);
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
}
END_TEST

START_TEST(test_render_escape)
{
	dpc_findings_t findings;
	dpc_tunnels_t tunnels;
	dpc_ike_rec_t *ike;
	dpc_finding_t *f;
	char *text;

	dpc_findings_init(&findings);
	f = add_finding(&findings, "x", DPC_ERROR, "a\"b\\c\nd", 1,
					"caf\xc3\xa9 \xe2\x82\xac", 2);
	snprintf(f->discrim, sizeof(f->discrim), "bad\xff\xc3(\xed\xa0\x80}\t{");
	/* a name filling its whole field, without a NUL */
	f = add_finding(&findings, "y", DPC_INFO, "", 0, "", 0);
	memset(f->subject.ike_name, 'n', sizeof(f->subject.ike_name));
	dpc_tunnels_init(&tunnels);
	ike = add_ike(&tunnels, "q\"", 1, DPC_STATE_UP);
	add_child(ike, "\\", 2, DPC_STATE_UP, 1, 2);

	text = render(&findings, &tunnels, 1);
	ck_assert_ptr_nonnull(strstr(text,
		"dataplane_check_finding{code=\"x\",severity=\"error\","
		"ike=\"a\\\"b\\\\c\\nd\",ike_id=\"1\","
		"child=\"caf\xc3\xa9 \xe2\x82\xac\",child_id=\"2\","
		/* invalid UTF-8 replaced byte by byte, a tab is fine */
		"discriminator=\"bad\xef\xbf\xbd\xef\xbf\xbd("
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd}\t{\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"ike=\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\","
		"ike_id=\"\""));
	ck_assert_ptr_nonnull(strstr(text,
		"dataplane_check_child_packets_total{ike=\"q\\\"\",ike_id=\"1\","
		"child=\"\\\\\",child_id=\"2\",direction=\"out\"} 2\n"));
	/* one sample per line, nothing unescaped broke a line */
	ck_assert_ptr_null(strstr(text, "\nd\""));
	free(text);
	dpc_findings_clear(&findings);
	dpc_tunnels_clear(&tunnels);
}
END_TEST

/**
 * A temporary directory with the metrics file path in it.
 */
typedef struct {
	char dir[256];
	char path[300];
	char tmp[310];
} tmpdir_t;

static void tmpdir_create(tmpdir_t *t)
{
	const char *base = getenv("TMPDIR");

	snprintf(t->dir, sizeof(t->dir), "%s/dpc-metrics-XXXXXX",
			 base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/dataplane-check.prom", t->dir);
	snprintf(t->tmp, sizeof(t->tmp), "%s.tmp", t->path);
}

static void tmpdir_destroy(tmpdir_t *t)
{
	unlink(t->tmp);
	unlink(t->path);
	ck_assert_int_eq(rmdir(t->dir), 0);
}

/**
 * Read a whole (small) file from an open descriptor, from its start.
 */
static char *read_fd(int fd)
{
	static char buf[4096];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return buf;
}

static char *read_path(const char *path)
{
	char *text;
	int fd;

	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	text = read_fd(fd);
	close(fd);
	return text;
}

/**
 * Names in the directory besides "." and "..", the first one in name.
 */
static int dir_entries(const char *dir, char *name, size_t len)
{
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
	{
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
		{
			if (!n++ && name)
			{
				snprintf(name, len, "%s", e->d_name);
			}
		}
	}
	closedir(d);
	return n;
}

START_TEST(test_write)
{
	struct stat st, before;
	char name[256];
	tmpdir_t t;
	mode_t mask;
	int fd;

	tmpdir_create(&t);

	/* the mode is the one asked for, whatever charon's umask */
	mask = umask(077);
	ck_assert_int_eq(dpc_metrics_write(t.path, "a 1\n", 4, 0644), 0);
	umask(mask);
	ck_assert_str_eq(read_path(t.path), "a 1\n");
	ck_assert_int_eq(stat(t.path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	/* nothing left besides the file */
	ck_assert_int_eq(dir_entries(t.dir, name, sizeof(name)), 1);
	ck_assert_str_eq(name, "dataplane-check.prom");

	/* replaced by rename(): a reader of the old file keeps the old content */
	fd = open(t.path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &before), 0);
	ck_assert_int_eq(dpc_metrics_write(t.path, "b 22\n", 5, 0640), 0);
	ck_assert_str_eq(read_fd(fd), "a 1\n");
	close(fd);
	ck_assert_str_eq(read_path(t.path), "b 22\n");
	ck_assert_int_eq(stat(t.path, &st), 0);
	ck_assert(st.st_ino != before.st_ino);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(dir_entries(t.dir, NULL, 0), 1);

	/* an empty text is fine */
	ck_assert_int_eq(dpc_metrics_write(t.path, "", 0, 0640), 0);
	ck_assert_str_eq(read_path(t.path), "");

	tmpdir_destroy(&t);
}
END_TEST

START_TEST(test_write_planted)
{
	char target[400];
	struct stat st;
	tmpdir_t t;

	tmpdir_create(&t);

	/* a FIFO where the temporary file used to go: never opened (opening
	 * it for writing would wait for a reader forever) */
	ck_assert_int_eq(mkfifo(t.tmp, 0600), 0);
	ck_assert_int_eq(dpc_metrics_write(t.path, "a 1\n", 4, 0640), 0);
	ck_assert_str_eq(read_path(t.path), "a 1\n");
	ck_assert_int_eq(lstat(t.tmp, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(unlink(t.tmp), 0);

	/* nor a link there */
	snprintf(target, sizeof(target), "%s/target", t.dir);
	ck_assert_int_eq(symlink(target, t.tmp), 0);
	ck_assert_int_eq(dpc_metrics_write(t.path, "b 2\n", 4, 0640), 0);
	ck_assert_int_eq(access(target, F_OK), -1);
	ck_assert_int_eq(unlink(t.tmp), 0);
	ck_assert_int_eq(unlink(t.path), 0);

	/* a FIFO at the path itself is left alone, promptly */
	ck_assert_int_eq(mkfifo(t.path, 0600), 0);
	ck_assert_int_eq(dpc_metrics_write(t.path, "x", 1, 0640),
					 DPC_METRICS_NOT_REGULAR);
	ck_assert_int_eq(lstat(t.path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(dir_entries(t.dir, NULL, 0), 1);
	ck_assert_int_eq(unlink(t.path), 0);

	/* so is a link (the file it points to is not written) */
	ck_assert_int_eq(symlink(target, t.path), 0);
	ck_assert_int_eq(dpc_metrics_write(t.path, "x", 1, 0640),
					 DPC_METRICS_NOT_REGULAR);
	ck_assert_int_eq(access(target, F_OK), -1);
	ck_assert_int_eq(lstat(t.path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(unlink(t.path), 0);

	/* and a directory */
	ck_assert_int_eq(mkdir(t.path, 0755), 0);
	ck_assert_int_eq(dpc_metrics_write(t.path, "x", 1, 0640),
					 DPC_METRICS_NOT_REGULAR);
	ck_assert_int_eq(dir_entries(t.dir, NULL, 0), 1);
	ck_assert_int_eq(rmdir(t.path), 0);
	ck_assert_str_eq(dpc_metrics_strerror(DPC_METRICS_NOT_REGULAR),
					 "not a regular file");

	tmpdir_destroy(&t);
}
END_TEST

START_TEST(test_write_errors)
{
	char path[400];
	tmpdir_t t;

	tmpdir_create(&t);

	ck_assert_int_eq(dpc_metrics_write("", "x", 1, 0640), EINVAL);
	ck_assert_int_eq(dpc_metrics_write(NULL, "x", 1, 0640), EINVAL);
	ck_assert_int_eq(dpc_metrics_write("dpc.prom", "x", 1, 0640), EINVAL);
	ck_assert_int_eq(dpc_metrics_write(t.path, NULL, 1, 0640), EINVAL);
	ck_assert_int_eq(dpc_metrics_write(t.path, "x", 1, 010000), EINVAL);

	/* missing directory: errno returned, nothing created */
	snprintf(path, sizeof(path), "%s/missing/file.prom", t.dir);
	ck_assert_int_eq(dpc_metrics_write(path, "x", 1, 0640), ENOENT);
	ck_assert_int_eq(dir_entries(t.dir, NULL, 0), 0);

	tmpdir_destroy(&t);
}
END_TEST

Suite *metrics_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("metrics");

	tc = tcase_create("render");
	tcase_add_test(tc, test_render_empty);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_render_large_values);
	tcase_add_test(tc, test_render_escape);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_test(tc, test_write);
	tcase_add_test(tc, test_write_planted);
	tcase_add_test(tc, test_write_errors);
	suite_add_tcase(s, tc);

	return s;
}
