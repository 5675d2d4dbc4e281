/*
 * sockload: load a dataplane-check query socket for a while. Used by the
 * socket-load lab scenario.
 *
 *   sockload [-a ACTIVE] [-s SILENT] [-t SECONDS] [-T TIMEOUT_S] PATH
 *
 *   -a  clients that loop requests on one connection each, alternating
 *       `trace` (10.10.1.10 -> 10.20.1.10) and `check` (16)
 *   -s  clients that connect and send nothing; when the server closes one,
 *       it reconnects after a second (48)
 *   -t  how long to run, seconds (20); SIGTERM/SIGINT end it early
 *   -T  how long a looping client waits for one reply, seconds (30)
 *
 * A looping client whose connection is closed or refused reconnects after
 * 100 ms. At the end one line per request kind:
 *   "<kind> sent N answered N busy N failed N max_ms N"
 * and one for the silent clients: "silent connects N closed_by_server N".
 * Exit status 0, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SILENT 1024

static const char *path;
static volatile sig_atomic_t stop;
static int reply_timeout_ms = 30000;

/** counters per kind: 0 trace, 1 check */
static struct {
	unsigned long sent, answered, busy, failed, max_ms;
} stats[2];
static unsigned long silent_connects, silent_closed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int connect_to(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0)
	{
		close(fd);
		fd = -1;
	}
	return fd;
}

/** append a vici key/value */
static size_t kv(uint8_t *p, const char *k, const char *v)
{
	size_t kl = strlen(k), vl = strlen(v), n = 0;

	p[n++] = 3;
	p[n++] = kl;
	memcpy(p + n, k, kl);
	n += kl;
	p[n++] = vl >> 8;
	p[n++] = vl & 0xff;
	memcpy(p + n, v, vl);
	return n + vl;
}

/** build a CMD_REQUEST packet with its length prefix */
static size_t request(uint8_t *buf, int kind)
{
	const char *name = kind ? "check" : "trace";
	size_t n = 4, len;

	buf[n++] = 0;
	buf[n++] = strlen(name);
	memcpy(buf + n, name, strlen(name));
	n += strlen(name);
	if (!kind)
	{
		n += kv(buf + n, "src", "10.10.1.10");
		n += kv(buf + n, "dst", "10.20.1.10");
	}
	len = n - 4;
	buf[0] = len >> 24;
	buf[1] = len >> 16;
	buf[2] = len >> 8;
	buf[3] = len;
	return n;
}

/** read exactly len bytes before the deadline; 0 ok, -1 failed */
static int read_full(int fd, uint8_t *buf, size_t len, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t done = 0;
	ssize_t n;
	uint64_t now;

	while (done < len)
	{
		now = now_ms();
		if (now >= deadline || poll(&pfd, 1, deadline - now) <= 0)
		{
			return -1;
		}
		n = read(fd, buf + done, len - done);
		if (n <= 0)
		{
			return -1;
		}
		done += n;
	}
	return 0;
}

/** one request and its reply; 0 answered, 1 busy, -1 failed */
static int roundtrip(int fd, int kind, uint8_t *buf, size_t size)
{
	size_t len = request(buf, kind);
	uint64_t deadline = now_ms() + reply_timeout_ms;
	uint32_t rlen;

	if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len ||
		read_full(fd, buf, 4, deadline) != 0)
	{
		return -1;
	}
	rlen = (uint32_t)buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3];
	if (rlen == 0 || rlen > size || read_full(fd, buf, rlen, deadline) != 0 ||
		buf[0] != 1)
	{
		return -1;
	}
	return memmem(buf, rlen, "\x04" "busy\x00\x03yes", 10) ? 1 : 0;
}

static void *active(void *arg)
{
	size_t size = 1024 * 1024;
	uint8_t *buf = malloc(size);
	int fd = -1, kind = (int)(intptr_t)arg & 1, r;
	uint64_t t0, ms;

	while (!stop && buf)
	{
		if (fd < 0 && (fd = connect_to()) < 0)
		{
			sleep_ms(100);
			continue;
		}
		t0 = now_ms();
		r = roundtrip(fd, kind, buf, size);
		ms = now_ms() - t0;
		pthread_mutex_lock(&lock);
		stats[kind].sent++;
		if (r == 0)
		{
			stats[kind].answered++;
		}
		else if (r == 1)
		{
			stats[kind].busy++;
		}
		else if (!stop)
		{
			stats[kind].failed++;
		}
		if (r >= 0 && ms > stats[kind].max_ms)
		{
			stats[kind].max_ms = ms;
		}
		pthread_mutex_unlock(&lock);
		if (r != 0)
		{	/* busy answers close the connection, failures too */
			close(fd);
			fd = -1;
			sleep_ms(100);
		}
		kind ^= 1;
	}
	if (fd >= 0)
	{
		close(fd);
	}
	free(buf);
	return NULL;
}

static void *silent(void *arg)
{
	int n = (int)(intptr_t)arg, i, fds[MAX_SILENT];
	uint64_t retry[MAX_SILENT] = { 0 };
	struct pollfd pfd;
	char c;

	for (i = 0; i < n; i++)
	{
		fds[i] = -1;
	}
	while (!stop)
	{
		for (i = 0; i < n && !stop; i++)
		{
			if (fds[i] < 0 && now_ms() >= retry[i])
			{
				fds[i] = connect_to();
				if (fds[i] >= 0)
				{
					__sync_fetch_and_add(&silent_connects, 1);
				}
				retry[i] = now_ms() + 200;
				continue;
			}
			if (fds[i] < 0)
			{
				continue;
			}
			pfd = (struct pollfd){ .fd = fds[i], .events = POLLIN };
			if (poll(&pfd, 1, 0) > 0 && recv(fds[i], &c, 1, MSG_DONTWAIT) <= 0)
			{	/* closed by the server */
				__sync_fetch_and_add(&silent_closed, 1);
				close(fds[i]);
				fds[i] = -1;
				retry[i] = now_ms() + 1000;
			}
		}
		sleep_ms(20);
	}
	for (i = 0; i < n; i++)
	{
		if (fds[i] >= 0)
		{
			close(fds[i]);
		}
	}
	return NULL;
}

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char *argv[])
{
	int n_active = 16, n_silent = 48, seconds = 20, opt, i;
	pthread_t threads[256 + 1];
	const char *names[] = { "trace", "check" };
	uint64_t end;

	while ((opt = getopt(argc, argv, "a:s:t:T:")) != -1)
	{
		switch (opt)
		{
			case 'a': n_active = atoi(optarg); break;
			case 's': n_silent = atoi(optarg); break;
			case 't': seconds = atoi(optarg); break;
			case 'T': reply_timeout_ms = atoi(optarg) * 1000; break;
			default: goto usage;
		}
	}
	if (optind != argc - 1 || n_active < 0 || n_active > 256 ||
		n_silent < 0 || n_silent > MAX_SILENT)
	{
		goto usage;
	}
	path = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	for (i = 0; i < n_active; i++)
	{
		pthread_create(&threads[i], NULL, active, (void*)(intptr_t)i);
	}
	pthread_create(&threads[n_active], NULL, silent, (void*)(intptr_t)n_silent);
	end = now_ms() + (uint64_t)seconds * 1000;
	while (!stop && now_ms() < end)
	{
		sleep_ms(50);
	}
	stop = 1;
	/* loopers may wait for a reply up to their timeout: do not wait */
	pthread_join(threads[n_active], NULL);
	pthread_mutex_lock(&lock);
	for (i = 0; i < 2; i++)
	{
		printf("%s sent %lu answered %lu busy %lu failed %lu max_ms %lu\n",
			   names[i], stats[i].sent, stats[i].answered, stats[i].busy,
			   stats[i].failed, stats[i].max_ms);
	}
	printf("silent connects %lu closed_by_server %lu\n", silent_connects,
		   silent_closed);
	fflush(stdout);
	_exit(0);

usage:
	fprintf(stderr, "usage: sockload [-a N] [-s N] [-t S] [-T S] PATH\n");
	return 2;
}
