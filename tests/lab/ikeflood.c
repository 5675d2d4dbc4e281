/*
 * ikeflood: send IKEv2 IKE_SA_INIT requests from many local source
 * addresses, answering COOKIE notifies, so that the responder creates one
 * half-open IKE_SA per source. Used by the IKE_SA_INIT flood lab scenario.
 *
 *   ikeflood [-p PORT] [-r ROUNDS] [-w WAIT_MS] DST FIRST_SRC COUNT
 *
 *   DST        responder address (IPv4)
 *   FIRST_SRC  first source address; COUNT consecutive addresses, all of
 *              them assigned to a local interface
 *   -p         responder port (500)
 *   -r         rounds of (re)sending to sources without an answer (4)
 *   -w         how long a round waits for answers (1500 ms)
 *
 * The proposal is aes256-sha256-x25519 (the lab's), the KE a random
 * curve25519 public value. Only the responder's answers are read: no
 * IKE_AUTH follows, so the IKE_SAs stay half-open until the responder's
 * half-open timeout.
 *
 * Prints one line: "sources N accepted A cookies C refused R silent S".
 * Exit status: 0 if sent, 2 on a usage or socket error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES 65536
#define MAX_COOKIE 64
#define MAX_MSG 2048
/** requests sent back to back */
#define BURST 16
/** pause after a burst, reading answers */
#define PACE_MS 10

/* IKEv2 numbers (RFC 7296) */
#define IKE_SA_INIT 34
#define FLAG_INITIATOR 0x08
#define FLAG_RESPONSE 0x20
#define PL_NONE 0
#define PL_SA 33
#define PL_KE 34
#define PL_NONCE 40
#define PL_NOTIFY 41
#define N_COOKIE 16390

/** what became of a source */
typedef enum {
	S_NEW,
	S_COOKIE,
	S_ACCEPTED,
	S_REFUSED,
} state_t;

typedef struct {
	state_t state;
	uint8_t nonce[32];
	uint8_t ke[32];
	uint8_t cookie[MAX_COOKIE];
	size_t cookie_len;
} source_t;

static source_t *sources;
static uint32_t first_src, count;

/** a recognizable initiator SPI per source */
static uint64_t spi_of(uint32_t i)
{
	return 0x666c6f6f00000000ull | (i + 1);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
	{
		v = v << 8 | p[i];
	}
	return v;
}

/**
 * Append a generic payload header and the body; returns the new length.
 */
static size_t payload(uint8_t *msg, size_t len, uint8_t next,
					  const uint8_t *body, size_t body_len)
{
	msg[len] = next;
	msg[len + 1] = 0;
	put16(msg + len + 2, 4 + body_len);
	memcpy(msg + len + 4, body, body_len);
	return len + 4 + body_len;
}

/**
 * A transform substructure; returns its length.
 */
static size_t transform(uint8_t *p, int last, uint8_t type, uint16_t id,
						uint16_t keylen)
{
	size_t len = keylen ? 12 : 8;

	p[0] = last ? 0 : 3;
	p[1] = 0;
	put16(p + 2, len);
	p[4] = type;
	p[5] = 0;
	put16(p + 6, id);
	if (keylen)
	{	/* TV attribute: key length */
		put16(p + 8, 0x8000 | 14);
		put16(p + 10, keylen);
	}
	return len;
}

/**
 * IKE_SA_INIT request of source i, with its cookie if it has one.
 */
static size_t build(uint32_t i, uint8_t *msg)
{
	source_t *s = &sources[i];
	uint8_t body[256], *prop = body;
	size_t len = 28, n;

	/* notify COOKIE first, then SA, KE, Ni */
	if (s->cookie_len)
	{
		body[0] = 0;			/* protocol */
		body[1] = 0;			/* SPI size */
		put16(body + 2, N_COOKIE);
		memcpy(body + 4, s->cookie, s->cookie_len);
		len = payload(msg, len, PL_SA, body, 4 + s->cookie_len);
	}
	/* proposal 1, IKE, no SPI, four transforms */
	n = 8;
	n += transform(prop + n, 0, 1, 12, 256);	/* ENCR_AES_CBC 256 */
	n += transform(prop + n, 0, 2, 5, 0);		/* PRF_HMAC_SHA2_256 */
	n += transform(prop + n, 0, 3, 12, 0);		/* AUTH_HMAC_SHA2_256_128 */
	n += transform(prop + n, 1, 4, 31, 0);		/* curve25519 */
	prop[0] = 0;
	prop[1] = 0;
	put16(prop + 2, n);
	prop[4] = 1;
	prop[5] = 1;
	prop[6] = 0;
	prop[7] = 4;
	len = payload(msg, len, PL_KE, prop, n);
	put16(body, 31);
	put16(body + 2, 0);
	memcpy(body + 4, s->ke, sizeof(s->ke));
	len = payload(msg, len, PL_NONCE, body, 4 + sizeof(s->ke));
	len = payload(msg, len, PL_NONE, s->nonce, sizeof(s->nonce));

	put64(msg, spi_of(i));
	put64(msg + 8, 0);
	msg[16] = s->cookie_len ? PL_NOTIFY : PL_SA;
	msg[17] = 0x20;
	msg[18] = IKE_SA_INIT;
	msg[19] = FLAG_INITIATOR;
	put32(msg + 20, 0);
	put32(msg + 24, len);
	return len;
}

static void send_one(int fd, uint32_t i, const struct sockaddr_in *dst)
{
	struct in_pktinfo *info;
	uint8_t msg[MAX_MSG];
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = {};
	struct iovec iov = { .iov_base = msg };
	struct msghdr mh = {
		.msg_name = (void*)dst,
		.msg_namelen = sizeof(*dst),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	iov.iov_len = build(i, msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	info = (struct in_pktinfo*)CMSG_DATA(cm);
	info->ipi_spec_dst.s_addr = htonl(first_src + i);
	if (sendmsg(fd, &mh, 0) < 0 && errno != EAGAIN)
	{
		perror("ikeflood: sendmsg");
	}
}

/**
 * Take a response: a COOKIE to answer, an SA (accepted) or another notify.
 */
static void receive(const uint8_t *msg, size_t len)
{
	uint64_t spi;
	uint32_t i;
	uint16_t plen, type;
	uint8_t next;
	size_t pos = 28;
	source_t *s;

	if (len < 28 || msg[18] != IKE_SA_INIT || !(msg[19] & FLAG_RESPONSE))
	{
		return;
	}
	spi = get64(msg);
	if ((spi >> 32) != 0x666c6f6f || (uint32_t)spi == 0 ||
		(uint32_t)spi > count)
	{
		return;
	}
	i = (uint32_t)spi - 1;
	s = &sources[i];
	if (s->state == S_ACCEPTED)
	{
		return;
	}
	next = msg[16];
	while (next != PL_NONE && pos + 4 <= len)
	{
		plen = get16(msg + pos + 2);
		if (plen < 4 || pos + plen > len)
		{
			return;
		}
		if (next == PL_SA)
		{
			s->state = S_ACCEPTED;
			return;
		}
		if (next == PL_NOTIFY && plen >= 8)
		{
			type = get16(msg + pos + 6);
			if (type == N_COOKIE && plen - 8 <= MAX_COOKIE)
			{
				s->cookie_len = plen - 8;
				memcpy(s->cookie, msg + pos + 8, s->cookie_len);
				s->state = S_COOKIE;
				return;
			}
			if (type < 16384)
			{	/* an error notify */
				s->state = S_REFUSED;
				return;
			}
		}
		next = msg[pos];
		pos += plen;
	}
}

/**
 * Read answers until wait_ms passed without any.
 */
static void drain(int fd, int wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t msg[MAX_MSG];
	ssize_t len;

	while (poll(&pfd, 1, wait_ms) > 0)
	{
		while ((len = recv(fd, msg, sizeof(msg), MSG_DONTWAIT)) > 0)
		{
			receive(msg, len);
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: ikeflood [-p port] [-r rounds] [-w ms] DST "
			"FIRST_SRC COUNT\n");
	exit(2);
}

int main(int argc, char *argv[])
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(500) };
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct in_addr a;
	int fd, opt, rounds = 4, wait_ms = 1500, r, one = 1, rnd;
	int rcvbuf = 4 * 1024 * 1024;
	uint32_t i, n[4] = {};

	while ((opt = getopt(argc, argv, "p:r:w:")) != -1)
	{
		switch (opt)
		{
			case 'p':
				dst.sin_port = htons(atoi(optarg));
				break;
			case 'r':
				rounds = atoi(optarg);
				break;
			case 'w':
				wait_ms = atoi(optarg);
				break;
			default:
				usage();
		}
	}
	if (argc - optind != 3 || !inet_aton(argv[optind], &dst.sin_addr) ||
		!inet_aton(argv[optind + 1], &a))
	{
		usage();
	}
	first_src = ntohl(a.s_addr);
	count = strtoul(argv[optind + 2], NULL, 10);
	if (!count || count > MAX_SOURCES)
	{
		usage();
	}
	sources = calloc(count, sizeof(*sources));
	rnd = open("/dev/urandom", O_RDONLY);
	if (!sources || rnd < 0)
	{
		perror("ikeflood");
		return 2;
	}
	for (i = 0; i < count; i++)
	{
		if (read(rnd, sources[i].nonce, 32) != 32 ||
			read(rnd, sources[i].ke, 32) != 32)
		{
			perror("ikeflood: /dev/urandom");
			return 2;
		}
	}
	close(rnd);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
		setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0 ||
		bind(fd, (struct sockaddr*)&any, sizeof(any)) < 0)
	{
		perror("ikeflood: socket");
		return 2;
	}
	for (r = 0; r < rounds; r++)
	{
		for (i = 0; i < count; i++)
		{
			if (sources[i].state == S_NEW || sources[i].state == S_COOKIE)
			{
				send_one(fd, i, &dst);
			}
			if (i % BURST == BURST - 1)
			{	/* paced: the responder's socket buffer is not endless; and
				 * answers come in while we send */
				drain(fd, PACE_MS);
			}
		}
		drain(fd, wait_ms);
	}
	for (i = 0; i < count; i++)
	{
		switch (sources[i].state)
		{
			case S_ACCEPTED:
				n[0]++;
				break;
			case S_REFUSED:
				n[2]++;
				break;
			default:
				n[3]++;
				break;
		}
		n[1] += sources[i].cookie_len != 0;
	}
	printf("sources %u accepted %u cookies %u refused %u silent %u\n",
		   count, n[0], n[1], n[2], n[3]);
	close(fd);
	free(sources);
	return 0;
}
