/*
 * sockpoke: send raw bytes (stdin) to a UNIX stream socket and say what came
 * back. Used by the socket-robustness lab scenario to feed the plugin's query
 * socket malformed, truncated and oversized requests.
 *
 *   sockpoke [-w WAIT_MS] [-k HOLD_MS] [-c CHUNK] PATH < payload
 *
 *   -w  how long to wait for a reply after sending (1000 ms)
 *   -k  keep the connection open this long after sending, without reading
 *       (a slow or stalled client), before waiting for the reply (0)
 *   -c  write the payload in chunks of this many bytes (all at once)
 *
 * Prints one line: "reply N bytes [type T]", "closed", "reset" or "timeout".
 * Exit status: 0 whatever the server did, 2 if it could not connect or send.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD (16 * 1024 * 1024)

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
	{
	}
}

int main(int argc, char *argv[])
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	unsigned char *buf, reply[65536];
	long wait_ms = 1000, hold_ms = 0;
	size_t len = 0, chunk = 0, off, total = 0;
	ssize_t n;
	int opt, fd, got_type = -1;
	const char *state = "";

	while ((opt = getopt(argc, argv, "w:k:c:")) != -1)
	{
		switch (opt)
		{
			case 'w':
				wait_ms = atol(optarg);
				break;
			case 'k':
				hold_ms = atol(optarg);
				break;
			case 'c':
				chunk = strtoul(optarg, NULL, 10);
				break;
			default:
				fprintf(stderr, "usage: sockpoke [-w ms] [-k ms] [-c chunk] PATH < payload\n");
				return 2;
		}
	}
	if (optind != argc - 1 || strlen(argv[optind]) >= sizeof(addr.sun_path))
	{
		fprintf(stderr, "usage: sockpoke [-w ms] [-k ms] [-c chunk] PATH < payload\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	buf = malloc(MAX_PAYLOAD);
	if (!buf)
	{
		return 2;
	}
	while (len < MAX_PAYLOAD &&
		   (n = read(STDIN_FILENO, buf + len, MAX_PAYLOAD - len)) > 0)
	{
		len += n;
	}

	strcpy(addr.sun_path, argv[optind]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof(addr)) < 0)
	{
		printf("connect failed: %s\n", strerror(errno));
		return 2;
	}
	for (off = 0; off < len; )
	{
		size_t want = chunk && chunk < len - off ? chunk : len - off;

		n = write(fd, buf + off, want);
		if (n < 0)
		{
			/* the server may close on a bad header before reading it all */
			printf("%s after %zu of %zu bytes\n",
				   errno == EPIPE || errno == ECONNRESET ? "closed" : "write error",
				   off, len);
			return 0;
		}
		off += n;
		if (chunk)
		{
			sleep_ms(10);
		}
	}
	if (hold_ms)
	{
		sleep_ms(hold_ms);
	}

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (1)
	{
		n = poll(&pfd, 1, total ? 200 : wait_ms);
		if (n == 0)
		{
			state = total ? "" : "timeout";
			break;
		}
		n = read(fd, reply, sizeof(reply));
		if (n < 0 && errno == EINTR)
		{
			continue;
		}
		if (n < 0)
		{
			state = "reset";
			break;
		}
		if (n == 0)
		{
			state = "closed";
			break;
		}
		/* vici: 4 byte length, then the packet type */
		if (total == 0 && n >= 5)
		{
			got_type = reply[4];
		}
		total += n;
	}
	if (total && got_type >= 0)
	{
		printf("reply %zu bytes type %d%s%s\n", total, got_type,
			   *state ? ", then " : "", state);
	}
	else if (total)
	{
		printf("reply %zu bytes%s%s\n", total, *state ? ", then " : "", state);
	}
	else
	{
		printf("%s\n", state);
	}
	close(fd);
	free(buf);
	return 0;
}
