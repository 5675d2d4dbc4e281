/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The query socket's parts that need no charon: a connection (requests in
 * pieces, output bound, rate, idle deadline), the listening socket's
 * creation (mode and group before listen(), no symlink followed) and the
 * work queue (coalescing, busy, spacing of check rounds).
 */

#include "dpc_tests.h"
#include "engine/dpc_work.h"
#include "sinks/dpc_socket_conn.h"
#include "sinks/dpc_socket_unix.h"
#include "model/dpc_bulk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const dpc_socket_limits_t limits = {
	.max_packet = DPC_VICI_MAX_PACKET,
	.max_out = 100,
	.rate = 2,
	.idle_ms = 5000,
};

/**
 * A packet to queue, as the socket builds them (dpc_bulk).
 */
static uint8_t *packet(const char *str)
{
	uint8_t *pkt = dpc_bulk_alloc(strlen(str));

	ck_assert_ptr_nonnull(pkt);
	memcpy(pkt, str, strlen(str));
	return pkt;
}

/** a connection on one end of a socketpair, the other end in *peer */
static dpc_conn_t *conn_pair(int *peer, uint64_t now)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	*peer = sv[1];
	return dpc_conn_create(sv[0], 7, &limits, now);
}

START_TEST(test_conn_read)
{
	static const uint8_t req[] = { 0, 0, 0, 8, DPC_VICI_CMD_REQUEST, 6,
								   's', 't', 'a', 't', 'u', 's' };
	dpc_conn_t *conn;
	char err[160];
	int peer;

	conn = conn_pair(&peer, 0);
	ck_assert_int_eq(dpc_conn_read(conn, err, sizeof(err)), DPC_CONN_READ_MORE);
	ck_assert_int_eq(write(peer, req, 5), 5);
	ck_assert_int_eq(dpc_conn_read(conn, err, sizeof(err)), DPC_CONN_READ_MORE);
	ck_assert_int_eq(dpc_conn_read(conn, err, sizeof(err)), DPC_CONN_READ_MORE);
	ck_assert_int_eq(write(peer, req + 5, sizeof(req) - 5), sizeof(req) - 5);
	ck_assert_int_eq(dpc_conn_read(conn, err, sizeof(err)),
					 DPC_CONN_READ_PACKET);
	ck_assert_str_eq(dpc_vici_frame_packet(&conn->frame)->name, "status");
	dpc_vici_frame_next(&conn->frame);
	/* closed between packets */
	close(peer);
	ck_assert_int_eq(dpc_conn_read(conn, err, sizeof(err)),
					 DPC_CONN_READ_CLOSED);
	dpc_conn_destroy(conn);

	/* closed within a packet */
	conn = conn_pair(&peer, 0);
	ck_assert_int_eq(write(peer, req, 6), 6);
	close(peer);
	while (dpc_conn_read(conn, err, sizeof(err)) == DPC_CONN_READ_MORE)
	{
	}
	ck_assert_str_eq(err, "client closed within a packet");
	dpc_conn_destroy(conn);

	/* a length over the limit is said as such */
	conn = conn_pair(&peer, 0);
	ck_assert_int_eq(write(peer, "\x00\x10\x00\x00", 4), 4);
	ck_assert_int_eq(dpc_conn_read(conn, err, sizeof(err)),
					 DPC_CONN_READ_ERROR);
	ck_assert_str_eq(err, "client sent a packet length of 1048576 bytes "
					 "(limit 524288), disconnecting it");
	close(peer);
	dpc_conn_destroy(conn);
}
END_TEST

START_TEST(test_conn_output)
{
	dpc_conn_t *conn;
	uint8_t buf[128];
	char err[160];
	int peer;

	conn = conn_pair(&peer, 0);
	ck_assert(dpc_conn_queue(conn, packet("first"), 5, &limits));
	ck_assert(dpc_conn_queue(conn, packet("second"), 6, &limits));
	/* over max_out: refused, and the packet is freed (ASan would tell) */
	ck_assert(!dpc_conn_queue(conn, dpc_bulk_calloc(1, 90), 90, &limits));
	ck_assert_uint_eq(conn->out_bytes, 11);
	ck_assert(dpc_conn_write(conn, err, sizeof(err)));
	ck_assert_uint_eq(conn->out_count, 0);
	ck_assert_uint_eq(conn->out_bytes, 0);
	ck_assert_int_eq(read(peer, buf, sizeof(buf)), 11);
	ck_assert(memcmp(buf, "firstsecond", 11) == 0);
	/* the peer went away */
	close(peer);
	ck_assert(dpc_conn_queue(conn, packet("x"), 1, &limits));
	ck_assert(!dpc_conn_write(conn, err, sizeof(err)));
	ck_assert_str_eq(err, "");
	dpc_conn_destroy(conn);
}
END_TEST

START_TEST(test_conn_rate)
{
	dpc_conn_t *conn;
	int peer;

	/* 2 per second, a burst of 2 */
	conn = conn_pair(&peer, 1000);
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 1000), 0);
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 1000), 0);
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 1000), 500);
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 1250), 250);
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 1500), 0);
	/* long silence refills the burst, not more */
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 100000), 0);
	ck_assert_uint_eq(dpc_conn_take_token(conn, &limits, 100000), 0);
	ck_assert_uint_gt(dpc_conn_take_token(conn, &limits, 100000), 0);
	close(peer);
	dpc_conn_destroy(conn);
}
END_TEST

START_TEST(test_conn_idle)
{
	dpc_socket_limits_t off = limits;
	dpc_conn_t *conn;
	int peer;

	conn = conn_pair(&peer, 1000);
	ck_assert_uint_eq(dpc_conn_idle_deadline(conn, &limits), 6000);
	conn->awaiting = true;
	ck_assert_uint_eq(dpc_conn_idle_deadline(conn, &limits), 0);
	conn->awaiting = false;
	conn->events = true;
	ck_assert_uint_eq(dpc_conn_idle_deadline(conn, &limits), 0);
	conn->events = false;
	off.idle_ms = 0;
	ck_assert_uint_eq(dpc_conn_idle_deadline(conn, &off), 0);
	close(peer);
	dpc_conn_destroy(conn);
}
END_TEST

/*
 * The listening socket. bind() and listen() are wrapped (-Wl,--wrap) so
 * that a test can look at the file when listen() is called (nobody can
 * connect before) and replace it right after bind().
 */

int __real_bind(int fd, const struct sockaddr *addr, socklen_t len);
int __real_listen(int fd, int backlog);

/** path of the socket under test, NULL when not testing */
static const char *wrap_path;
/** after bind(): replace the socket by a symlink to this file */
static const char *wrap_victim;
/** mode and group of the file when listen() was called */
static mode_t listen_mode;
static gid_t listen_gid;
static bool listened;

int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	int ret = __real_bind(fd, addr, len);

	if (ret == 0 && wrap_path && wrap_victim)
	{
		ck_assert_int_eq(unlink(wrap_path), 0);
		ck_assert_int_eq(symlink(wrap_victim, wrap_path), 0);
	}
	return ret;
}

int __wrap_listen(int fd, int backlog)
{
	struct stat st;

	if (wrap_path && lstat(wrap_path, &st) == 0)
	{
		listen_mode = st.st_mode & 07777;
		listen_gid = st.st_gid;
		listened = true;
	}
	return __real_listen(fd, backlog);
}

/** a scratch directory with the socket path in it */
static void scratch(char *dir, size_t dlen, char *path, size_t plen)
{
	snprintf(dir, dlen, "/tmp/dpc-unit-sock-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, plen, "%s/charon.dpc", dir);
}

START_TEST(test_conn_silent)
{
	dpc_conn_t *conn;
	int peer;

	conn = conn_pair(&peer, 1000);
	/* active at 1000: silent for 1000 ms only at 2000 */
	ck_assert(!dpc_conn_silent(conn, 1999, 1000));
	ck_assert(dpc_conn_silent(conn, 2000, 1000));
	conn->events = true;
	ck_assert(!dpc_conn_silent(conn, 2000, 1000));
	conn->events = false;
	ck_assert(dpc_conn_queue(conn, packet("x"), 1, &limits));
	ck_assert(!dpc_conn_silent(conn, 2000, 1000));
	dpc_conn_discard_output(conn);
	ck_assert_uint_eq(conn->out_count, 0);
	ck_assert_uint_eq(conn->out_bytes, 0);
	ck_assert(dpc_conn_silent(conn, 2000, 1000));
	/* a request waiting to be read is not silence */
	ck_assert_int_eq(write(peer, "r", 1), 1);
	ck_assert(!dpc_conn_silent(conn, 2000, 1000));
	close(peer);
	dpc_conn_destroy(conn);
}
END_TEST

START_TEST(test_unix_group)
{
	gid_t gid = 4242;

	ck_assert(dpc_socket_unix_group("0", &gid));
	ck_assert_uint_eq(gid, 0);
	gid = 4242;
	ck_assert(dpc_socket_unix_group("root", &gid));
	ck_assert_uint_eq(gid, 0);
	ck_assert(!dpc_socket_unix_group("no-such-group-dpc", &gid));
	ck_assert(!dpc_socket_unix_group("", &gid));
}
END_TEST

START_TEST(test_unix_mode_before_listen)
{
	char dir[64], path[96], err[256];
	struct stat st;
	mode_t old;
	int fd;

	scratch(dir, sizeof(dir), path, sizeof(path));
	wrap_path = path;
	wrap_victim = NULL;
	listened = false;
	/* a umask that would take the group's bits away */
	old = umask(077);
	fd = dpc_socket_unix_listen(path, 0660, -1, getgid(), 4, err,
								sizeof(err));
	umask(old);
	wrap_path = NULL;
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert(listened);
	ck_assert_uint_eq(listen_mode, 0660);
	ck_assert_uint_eq(listen_gid, getgid());
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);

	/* a stale socket is replaced */
	fd = dpc_socket_unix_listen(path, 0600, -1, -1, 4, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	close(fd);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_unix_no_symlink_followed)
{
	char dir[64], path[96], victim[96], err[256];
	struct stat st;
	int fd;

	scratch(dir, sizeof(dir), path, sizeof(path));
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	fd = open(victim, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);

	/* the socket is swapped for a symlink right after bind() */
	wrap_path = path;
	wrap_victim = victim;
	fd = dpc_socket_unix_listen(path, 0666, -1, -1, 4, err, sizeof(err));
	wrap_path = wrap_victim = NULL;
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(strstr(err, "after bind"));
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);

	/* a file that is not a socket is left alone (the symlink is gone) */
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(rename(victim, path), 0);
	fd = dpc_socket_unix_listen(path, 0666, -1, -1, 4, err, sizeof(err));
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(strstr(err, "not a socket"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	unlink(path);
	rmdir(dir);
}
END_TEST

/*
 * The work queue.
 */

static dpc_trace_query_t query(uint8_t proto)
{
	dpc_trace_query_t q;

	memset(&q, 0, sizeof(q));
	q.proto = proto;
	return q;
}

START_TEST(test_work_coalesce)
{
	dpc_work_queue_t *q;
	dpc_work_t *w;
	char reason[64];
	uint32_t wait;
	u_int id;

	q = dpc_work_queue_create(1000);
	ck_assert(dpc_work_queue_add(q, DPC_WORK_STATUS, NULL, 1, reason, 64));
	ck_assert(dpc_work_queue_add(q, DPC_WORK_CHECK, NULL, 2, reason, 64));
	ck_assert(dpc_work_queue_add(q, DPC_WORK_STATUS, NULL, 3, reason, 64));
	ck_assert(dpc_work_queue_add(q, DPC_WORK_CHECK, NULL, 4, reason, 64));
	ck_assert_uint_eq(dpc_work_queue_count(q), 2);

	w = dpc_work_queue_take(q, 0, &wait);
	ck_assert_int_eq(w->kind, DPC_WORK_STATUS);
	ck_assert(dpc_work_next_waiter(w, &id));
	ck_assert_uint_eq(id, 1);
	ck_assert(dpc_work_next_waiter(w, &id));
	ck_assert_uint_eq(id, 3);
	ck_assert(!dpc_work_next_waiter(w, &id));
	dpc_work_destroy(w);

	w = dpc_work_queue_take(q, 0, &wait);
	ck_assert_int_eq(w->kind, DPC_WORK_CHECK);
	ck_assert_uint_eq(w->count, 2);
	/* a check asked while that round runs waits for the next one */
	ck_assert(dpc_work_queue_add(q, DPC_WORK_CHECK, NULL, 5, reason, 64));
	ck_assert_uint_eq(dpc_work_queue_count(q), 1);
	dpc_work_destroy(w);
	dpc_work_queue_destroy(q);
}
END_TEST

START_TEST(test_work_check_spacing)
{
	dpc_work_queue_t *q;
	dpc_work_t *w;
	char reason[64];
	uint32_t wait;

	q = dpc_work_queue_create(1000);
	ck_assert(dpc_work_queue_add(q, DPC_WORK_CHECK, NULL, 1, reason, 64));
	w = dpc_work_queue_take(q, 5000, &wait);
	ck_assert_ptr_nonnull(w);
	dpc_work_destroy(w);

	/* the next round not before a second after the last */
	ck_assert(dpc_work_queue_add(q, DPC_WORK_CHECK, NULL, 2, reason, 64));
	ck_assert_ptr_null(dpc_work_queue_take(q, 5300, &wait));
	ck_assert_uint_eq(wait, 700);
	/* other work does not wait behind it */
	ck_assert(dpc_work_queue_add(q, DPC_WORK_VERSION, NULL, 3, reason, 64));
	w = dpc_work_queue_take(q, 5400, &wait);
	ck_assert_int_eq(w->kind, DPC_WORK_VERSION);
	dpc_work_destroy(w);
	w = dpc_work_queue_take(q, 6000, &wait);
	ck_assert_int_eq(w->kind, DPC_WORK_CHECK);
	dpc_work_destroy(w);
	ck_assert_ptr_null(dpc_work_queue_take(q, 9000, &wait));
	ck_assert_uint_eq(wait, 0);
	dpc_work_queue_destroy(q);
}
END_TEST

START_TEST(test_work_traces_busy)
{
	dpc_trace_query_t qs[DPC_WORK_MAX_TRACES + 1];
	dpc_work_queue_t *q;
	char reason[64];
	int i;

	q = dpc_work_queue_create(1000);
	for (i = 0; i <= DPC_WORK_MAX_TRACES; i++)
	{
		qs[i] = query(i + 1);
	}
	for (i = 0; i < DPC_WORK_MAX_TRACES; i++)
	{
		ck_assert(dpc_work_queue_add(q, DPC_WORK_TRACE, &qs[i], i, reason,
									 sizeof(reason)));
	}
	/* one more different trace: busy */
	ck_assert(!dpc_work_queue_add(q, DPC_WORK_TRACE, &qs[i], 9, reason,
								  sizeof(reason)));
	ck_assert_str_eq(reason, "4 traces are waiting");
	/* the same packet as a waiting trace joins it */
	ck_assert(dpc_work_queue_add(q, DPC_WORK_TRACE, &qs[0], 10, reason,
								 sizeof(reason)));
	/* others are not limited by traces */
	ck_assert(dpc_work_queue_add(q, DPC_WORK_STATUS, NULL, 11, reason,
								 sizeof(reason)));
	ck_assert_uint_eq(dpc_work_queue_count(q), DPC_WORK_MAX_TRACES + 1);
	dpc_work_queue_destroy(q);
}
END_TEST

Suite *socket_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("query socket");
	tc = tcase_create("connection");
	tcase_add_test(tc, test_conn_read);
	tcase_add_test(tc, test_conn_output);
	tcase_add_test(tc, test_conn_rate);
	tcase_add_test(tc, test_conn_idle);
	tcase_add_test(tc, test_conn_silent);
	suite_add_tcase(s, tc);

	tc = tcase_create("listening socket");
	tcase_add_test(tc, test_unix_mode_before_listen);
	tcase_add_test(tc, test_unix_group);
	tcase_add_test(tc, test_unix_no_symlink_followed);
	suite_add_tcase(s, tc);

	tc = tcase_create("work queue");
	tcase_add_test(tc, test_work_coalesce);
	tcase_add_test(tc, test_work_check_spacing);
	tcase_add_test(tc, test_work_traces_busy);
	suite_add_tcase(s, tc);
	return s;
}
