/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * dataplane-check: the client of the plugin's query socket.
 *
 * Exit status (monitoring-plugins convention): 0 no warning or error
 * findings, 1 warnings, 2 errors, 3 cannot connect or protocol error.
 * --trace: 0 the packet is delivered, forwarded or encrypted, 1 the verdict
 * is uncertain, 2 it is dropped or leaves in cleartext although a CHILD_SA
 * covers it, 3 cannot connect or the request was refused.
 */

#include "dpc_cli_print.h"
#include "proto/dpc_vici_msg.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef DPC_PIDDIR
#define DPC_PIDDIR "/var/run"
#endif

#define DEFAULT_URI "unix://" DPC_PIDDIR "/charon.dpc"

/** exit status */
enum {
	EXIT_OK = 0,
	EXIT_WARNING = 1,
	EXIT_ERROR = 2,
	EXIT_UNKNOWN = 3,
};

/** what to do */
typedef enum {
	CMD_LIST,
	CMD_CHECK,
	CMD_MONITOR,
	CMD_TRACE,
	CMD_VERSION,
	CMD_HELP,
} command_t;

/** parsed command line */
typedef struct {
	command_t cmd;
	const char *uri;
	bool json;
	/** seconds to wait for a reply */
	int timeout;
	/** --trace: the packet, as given (the plugin checks the values) */
	const char *src, *dst, *proto, *sport, *dport, *type, *iif, *state;
} options_t;

/** result of receiving a packet */
typedef enum {
	RECV_OK,
	/** the server closed the connection between packets */
	RECV_CLOSED,
	/** a signal asked us to stop */
	RECV_INTERRUPTED,
	RECV_FAILED,
} recv_t;

/** set by SIGINT/SIGTERM */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
}

static void err_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void err_msg(const char *fmt, ...)
{
	va_list args;

	fputs("dataplane-check: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------------
 * connection
 */

static int connect_unix(const char *path)
{
	struct sockaddr_un addr = {
		.sun_family = AF_UNIX,
	};
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
	{
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
	{
		return -1;
	}
	if (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) < 0)
	{
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Connect to tcp://host:port ("[v6]:port" for IPv6 addresses).
 */
static int connect_tcp(const char *hostport)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
	}, *res, *ai;
	char host[256];
	const char *port;
	size_t len;
	int fd = -1, saved;

	port = strrchr(hostport, ':');
	if (!port || port == hostport)
	{
		errno = EINVAL;
		return -1;
	}
	len = port - hostport;
	if (hostport[0] == '[' && len >= 2 && hostport[len - 1] == ']')
	{
		hostport++;
		len -= 2;
	}
	if (len >= sizeof(host))
	{
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(host, hostport, len);
	host[len] = '\0';
	if (getaddrinfo(host, port + 1, &hints, &res) != 0)
	{
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next)
	{
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
					ai->ai_protocol);
		if (fd < 0)
		{
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		{
			break;
		}
		saved = errno;
		close(fd);
		errno = saved;
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int connect_uri(const char *uri)
{
	if (strncmp(uri, "unix://", 7) == 0)
	{
		return connect_unix(uri + 7);
	}
	if (strncmp(uri, "tcp://", 6) == 0)
	{
		return connect_tcp(uri + 6);
	}
	errno = EPROTONOSUPPORT;
	return -1;
}

/**
 * Wait until fd is readable; deadline 0 waits forever.
 */
static recv_t wait_readable(int fd, time_t deadline)
{
	struct pollfd pfd = {
		.fd = fd,
		.events = POLLIN,
	};
	int timeout = -1, ret;

	while (true)
	{
		if (interrupted)
		{
			return RECV_INTERRUPTED;
		}
		if (deadline)
		{
			time_t now = time(NULL);

			if (now >= deadline)
			{
				err_msg("no reply from charon within the timeout");
				return RECV_FAILED;
			}
			timeout = (deadline - now) * 1000;
		}
		ret = poll(&pfd, 1, timeout);
		if (ret > 0)
		{
			return RECV_OK;
		}
		if (ret < 0 && errno != EINTR)
		{
			err_msg("poll: %s", strerror(errno));
			return RECV_FAILED;
		}
	}
}

/**
 * Read exactly len bytes; at_start tells whether an EOF before the first
 * byte is an orderly close.
 */
static recv_t read_full(int fd, uint8_t *buf, size_t len, time_t deadline,
						bool at_start)
{
	size_t done = 0;
	ssize_t n;
	recv_t ret;

	while (done < len)
	{
		ret = wait_readable(fd, deadline);
		if (ret != RECV_OK)
		{
			return ret;
		}
		n = read(fd, buf + done, len - done);
		if (n < 0)
		{
			if (errno == EINTR || errno == EAGAIN)
			{
				continue;
			}
			err_msg("reading from charon failed: %s", strerror(errno));
			return RECV_FAILED;
		}
		if (n == 0)
		{
			if (at_start && done == 0)
			{
				return RECV_CLOSED;
			}
			err_msg("charon closed the connection within a packet");
			return RECV_FAILED;
		}
		done += n;
	}
	return RECV_OK;
}

/**
 * Receive one packet; *data must be freed.
 */
static recv_t recv_packet(int fd, time_t deadline, uint8_t **data,
						  dpc_vici_packet_t *pkt)
{
	const char *err = NULL;
	uint8_t hdr[4];
	uint32_t len;
	recv_t ret;

	*data = NULL;
	ret = read_full(fd, hdr, sizeof(hdr), deadline, true);
	if (ret != RECV_OK)
	{
		return ret;
	}
	len = dpc_vici_get_len(hdr);
	if (len == 0 || len > DPC_VICI_MAX_PACKET)
	{
		err_msg("protocol error: packet length %u (limit %u)", len,
			  DPC_VICI_MAX_PACKET);
		return RECV_FAILED;
	}
	*data = malloc(len);
	if (!*data)
	{
		err_msg("out of memory");
		return RECV_FAILED;
	}
	ret = read_full(fd, *data, len, deadline, false);
	if (ret == RECV_OK && !dpc_vici_packet_parse(*data, len, pkt, &err))
	{
		err_msg("protocol error: %s", err);
		ret = RECV_FAILED;
	}
	if (ret != RECV_OK)
	{
		free(*data);
		*data = NULL;
	}
	return ret;
}

static bool send_packet(int fd, dpc_vici_packet_type_t type, const char *name,
						const uint8_t *msg, size_t msglen)
{
	if (!dpc_vici_packet_send(fd, type, name, msg, msglen))
	{
		err_msg("sending to charon failed: %s", strerror(errno));
		return false;
	}
	return true;
}

static int connect_or_fail(const options_t *opts)
{
	int fd;

	fd = connect_uri(opts->uri);
	if (fd < 0 && errno == EPROTONOSUPPORT)
	{
		err_msg("unsupported URI '%s' (use unix://PATH or tcp://HOST:PORT)",
				opts->uri);
	}
	else if (fd < 0)
	{
		err_msg("cannot connect to %s: %s (is charon running with the "
			  "dataplane-check plugin loaded?)", opts->uri, strerror(errno));
	}
	return fd;
}

/**
 * Send a command with a message (NULL: none) and return the parsed reply,
 * NULL on failure.
 */
static dpc_vici_node_t *request(const options_t *opts, const char *cmd,
								const uint8_t *msg, size_t msglen)
{
	dpc_vici_node_t *reply = NULL;
	dpc_vici_packet_t pkt;
	const char *err = NULL;
	time_t deadline;
	uint8_t *data;
	recv_t ret;
	int fd;

	fd = connect_or_fail(opts);
	if (fd < 0)
	{
		return NULL;
	}
	deadline = time(NULL) + opts->timeout;
	if (send_packet(fd, DPC_VICI_CMD_REQUEST, cmd, msg, msglen))
	{
		while ((ret = recv_packet(fd, deadline, &data, &pkt)) == RECV_OK)
		{
			if (pkt.type == DPC_VICI_EVENT)
			{	/* not registered for any, ignore */
				free(data);
				continue;
			}
			if (pkt.type == DPC_VICI_CMD_RESPONSE)
			{
				reply = dpc_vici_parse(pkt.msg, pkt.len, &err);
				if (!reply)
				{
					err_msg("protocol error in reply: %s", err);
				}
			}
			else if (pkt.type == DPC_VICI_CMD_UNKNOWN)
			{
				err_msg("the plugin does not know the command '%s'", cmd);
			}
			else
			{
				err_msg("protocol error: unexpected %s packet",
					  dpc_vici_packet_type_name(pkt.type));
			}
			free(data);
			break;
		}
		if (ret == RECV_CLOSED)
		{
			err_msg("charon closed the connection before replying");
		}
		else if (ret == RECV_INTERRUPTED)
		{
			err_msg("interrupted");
		}
	}
	close(fd);
	if (reply && strcmp(dpc_vici_find_str(reply, "success", "yes"), "yes"))
	{
		err_msg("%s failed: %s", cmd,
			  dpc_vici_find_str(reply, "errmsg", "unknown error"));
		dpc_vici_node_free(reply);
		reply = NULL;
	}
	return reply;
}

/* ------------------------------------------------------------------------
 * commands
 */

static int cmd_status(const options_t *opts, const char *cmd)
{
	dpc_vici_node_t *reply;
	int severity;

	reply = request(opts, cmd, NULL, 0);
	if (!reply)
	{
		return EXIT_UNKNOWN;
	}
	if (opts->json)
	{
		dpc_cli_print_json(stdout, reply, true);
	}
	else
	{
		dpc_cli_sanitize(reply);
		dpc_cli_print_status(stdout, reply);
	}
	severity = dpc_cli_status_severity(reply);
	dpc_vici_node_free(reply);
	return severity == 2 ? EXIT_ERROR : severity == 1 ? EXIT_WARNING : EXIT_OK;
}

static int cmd_monitor(const options_t *opts)
{
	dpc_vici_packet_t pkt;
	dpc_vici_node_t *event;
	const char *err = NULL;
	int fd, status = EXIT_UNKNOWN;
	bool confirmed = false;
	uint8_t *data;
	recv_t ret;

	fd = connect_or_fail(opts);
	if (fd < 0)
	{
		return EXIT_UNKNOWN;
	}
	if (!send_packet(fd, DPC_VICI_EVENT_REGISTER, "finding", NULL, 0))
	{
		close(fd);
		return EXIT_UNKNOWN;
	}
	while (true)
	{
		ret = recv_packet(fd, confirmed ? 0 : time(NULL) + opts->timeout,
						  &data, &pkt);
		if (ret == RECV_INTERRUPTED)
		{
			status = EXIT_OK;
			break;
		}
		if (ret == RECV_CLOSED)
		{
			err_msg("charon closed the connection");
			break;
		}
		if (ret != RECV_OK)
		{
			break;
		}
		if (pkt.type == DPC_VICI_EVENT_CONFIRM && !confirmed)
		{
			confirmed = true;
		}
		else if (pkt.type == DPC_VICI_EVENT_UNKNOWN && !confirmed)
		{
			err_msg("the plugin does not offer 'finding' events");
			free(data);
			break;
		}
		else if (pkt.type == DPC_VICI_EVENT && confirmed)
		{
			event = dpc_vici_parse(pkt.msg, pkt.len, &err);
			if (!event)
			{
				err_msg("protocol error in event: %s", err);
				free(data);
				break;
			}
			if (opts->json)
			{
				dpc_cli_print_json(stdout, event, false);
			}
			else
			{
				dpc_cli_sanitize(event);
				dpc_cli_print_event(stdout, event);
			}
			fflush(stdout);
			dpc_vici_node_free(event);
		}
		else
		{
			err_msg("protocol error: unexpected %s packet",
				  dpc_vici_packet_type_name(pkt.type));
			free(data);
			break;
		}
		free(data);
	}
	close(fd);
	return status;
}

static int cmd_version(const options_t *opts)
{
	dpc_vici_node_t *reply;

	printf("dataplane-check %s\n", VERSION);
	reply = request(opts, "version", NULL, 0);
	if (reply)
	{
		dpc_cli_sanitize(reply);
		dpc_cli_print_version(stdout, reply);
		dpc_vici_node_free(reply);
	}
	return EXIT_OK;
}

static int cmd_trace(const options_t *opts)
{
	dpc_vici_builder_t b;
	dpc_vici_node_t *reply;
	const char *verdict;
	uint8_t *msg;
	size_t len;
	int status;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "src", opts->src);
	dpc_vici_add_kv_str(&b, "dst", opts->dst);
	if (opts->proto)
	{
		dpc_vici_add_kv_str(&b, "proto", opts->proto);
	}
	if (opts->sport)
	{
		dpc_vici_add_kv_str(&b, "sport", opts->sport);
	}
	if (opts->dport)
	{
		dpc_vici_add_kv_str(&b, "dport", opts->dport);
	}
	if (opts->type)
	{
		dpc_vici_add_kv_str(&b, "type", opts->type);
	}
	if (opts->iif)
	{
		dpc_vici_add_kv_str(&b, "iif", opts->iif);
	}
	if (opts->state)
	{
		dpc_vici_add_kv_str(&b, "state", opts->state);
	}
	if (!dpc_vici_builder_finish(&b, &msg, &len))
	{
		err_msg("trace request too large");
		return EXIT_UNKNOWN;
	}
	reply = request(opts, "trace", msg, len);
	dpc_vici_msg_free(msg);
	if (!reply)
	{
		return EXIT_UNKNOWN;
	}
	if (opts->json)
	{
		dpc_cli_print_json(stdout, reply, true);
	}
	else
	{
		dpc_cli_sanitize(reply);
		dpc_cli_print_trace(stdout, reply);
	}
	verdict = dpc_vici_find_str(reply, "verdict", "");
	if (!strcmp(verdict, "allow") || !strcmp(verdict, "encrypt"))
	{
		status = EXIT_OK;
	}
	else if (!strcmp(verdict, "drop") || !strcmp(verdict, "reject") ||
			 !strcmp(verdict, "cleartext"))
	{
		status = EXIT_ERROR;
	}
	else
	{
		status = EXIT_WARNING;
	}
	dpc_vici_node_free(reply);
	return status;
}

static void usage(FILE *out)
{
	fprintf(out,
"Usage: dataplane-check [command] [options]\n"
"\n"
"Asks charon's dataplane-check plugin whether the data plane of the\n"
"tunnels works: routes, XFRM, netfilter, NAT-T, MTU and traffic.\n"
"\n"
"Commands:\n"
"  -l, --list        show tracked tunnels and findings (default)\n"
"  -c, --check       run the checks now, then show like --list\n"
"  -m, --monitor     print findings as they appear, change and resolve,\n"
"                    until interrupted\n"
"  -t, --trace       trace a packet through the gateway: route lookup,\n"
"                    netfilter hooks, IPsec policy and CHILD_SA\n"
"  -v, --version     show client and plugin versions\n"
"  -h, --help        show this help\n"
"\n"
"Options:\n"
"  -j, --json        JSON output (--monitor: one object per line)\n"
"  -u, --uri URI     socket of the plugin (default %s)\n"
"      --timeout S   seconds to wait for a reply (default 30, --check 120)\n"
"\n"
"Packet of --trace:\n"
"      --src ADDR    source address (required); one of the gateway's own\n"
"                    addresses traces a packet the gateway sends\n"
"      --dst ADDR    destination address (required)\n"
"      --proto P     tcp, udp, sctp, icmp (default), icmpv6 or a number\n"
"      --dport N     destination port (required for tcp, udp and sctp)\n"
"      --sport N     source port (default 32768)\n"
"      --icmp-type T ICMP type or type/code (default echo request)\n"
"      --iif IF      input interface (default: where the route back to\n"
"                    the source leads)\n"
"      --state S     conntrack state: new (default, TCP SYN), established\n"
"                    (a later packet) or reply (an answer to dst's)\n"
"\n"
"Exit status: 0 no warnings or errors, 1 warnings, 2 errors,\n"
"3 cannot connect or protocol error. --trace: 0 delivered, forwarded or\n"
"encrypted, 1 uncertain, 2 dropped, or leaves in cleartext although a\n"
"CHILD_SA covers it, 3 cannot connect or request refused.\n",
		DEFAULT_URI);
}

/** long options without a short one */
enum {
	OPT_TIMEOUT = 0x100,
	OPT_SRC,
	OPT_DST,
	OPT_PROTO,
	OPT_SPORT,
	OPT_DPORT,
	OPT_TYPE,
	OPT_IIF,
	OPT_STATE,
};

/**
 * The command an option selects.
 *
 * @return			FALSE if the option selects none
 */
static bool command_of(int c, command_t *cmd)
{
	switch (c)
	{
		case 'l':
			*cmd = CMD_LIST;
			return true;
		case 'c':
			*cmd = CMD_CHECK;
			return true;
		case 'm':
			*cmd = CMD_MONITOR;
			return true;
		case 't':
			*cmd = CMD_TRACE;
			return true;
		case 'v':
			*cmd = CMD_VERSION;
			return true;
		case 'h':
			*cmd = CMD_HELP;
			return true;
		default:
			return false;
	}
}

/**
 * Store an option describing the packet of --trace.
 *
 * @return			FALSE if the option is not one of them
 */
static bool packet_option(int c, options_t *opts)
{
	switch (c)
	{
		case OPT_SRC:
			opts->src = optarg;
			return true;
		case OPT_DST:
			opts->dst = optarg;
			return true;
		case OPT_PROTO:
			opts->proto = optarg;
			return true;
		case OPT_SPORT:
			opts->sport = optarg;
			return true;
		case OPT_DPORT:
			opts->dport = optarg;
			return true;
		case OPT_TYPE:
			opts->type = optarg;
			return true;
		case OPT_IIF:
			opts->iif = optarg;
			return true;
		case OPT_STATE:
			opts->state = optarg;
			return true;
		default:
			return false;
	}
}

/**
 * Parse the value of --timeout.
 */
static bool parse_timeout(const char *arg, options_t *opts)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(arg, &end, 10);
	if (errno || *end || end == arg || val <= 0 || val > 86400)
	{
		err_msg("invalid --timeout '%s'", arg);
		return false;
	}
	opts->timeout = val;
	return true;
}

/**
 * Check what the options say as a whole and fill in defaults.
 */
static bool finish_options(int argc, char *argv[], options_t *opts,
						   bool have_packet)
{
	if (optind < argc)
	{
		err_msg("unexpected argument '%s'", argv[optind]);
		return false;
	}
	if (have_packet && opts->cmd != CMD_TRACE)
	{
		err_msg("--src, --dst, --proto, --sport, --dport, --icmp-type, "
				"--iif and --state go with --trace");
		return false;
	}
	if (opts->cmd == CMD_TRACE && (!opts->src || !opts->dst))
	{
		err_msg("--trace needs --src and --dst");
		return false;
	}
	if (!opts->timeout)
	{
		opts->timeout = opts->cmd == CMD_CHECK ? 120 : 30;
	}
	return true;
}

/**
 * Parse the command line.
 *
 * @return			TRUE if valid
 */
static bool parse_options(int argc, char *argv[], options_t *opts)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "check", no_argument, NULL, 'c' },
		{ "monitor", no_argument, NULL, 'm' },
		{ "trace", no_argument, NULL, 't' },
		{ "src", required_argument, NULL, OPT_SRC },
		{ "dst", required_argument, NULL, OPT_DST },
		{ "proto", required_argument, NULL, OPT_PROTO },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "dport", required_argument, NULL, OPT_DPORT },
		{ "icmp-type", required_argument, NULL, OPT_TYPE },
		{ "iif", required_argument, NULL, OPT_IIF },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "uri", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	bool have_cmd = false, have_packet = false;
	command_t cmd;
	int c;

	while ((c = getopt_long(argc, argv, "lcmtvhju:", longopts, NULL)) != -1)
	{
		if (command_of(c, &cmd))
		{
			if (have_cmd && opts->cmd != cmd)
			{
				err_msg("only one command at a time");
				return false;
			}
			opts->cmd = cmd;
			have_cmd = true;
		}
		else if (packet_option(c, opts))
		{
			have_packet = true;
		}
		else if (c == 'j')
		{
			opts->json = true;
		}
		else if (c == 'u')
		{
			opts->uri = optarg;
		}
		else if (c != OPT_TIMEOUT || !parse_timeout(optarg, opts))
		{
			return false;
		}
	}
	return finish_options(argc, argv, opts, have_packet);
}

int main(int argc, char *argv[])
{
	options_t opts = {
		.cmd = CMD_LIST,
		.uri = DEFAULT_URI,
	};
	struct sigaction sa = {
		.sa_handler = on_signal,
	};

	if (!parse_options(argc, argv, &opts))
	{
		usage(stderr);
		return EXIT_UNKNOWN;
	}
	/* no SA_RESTART: a signal interrupts a wait for the plugin */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	switch (opts.cmd)
	{
		case CMD_LIST:
			return cmd_status(&opts, "status");
		case CMD_CHECK:
			return cmd_status(&opts, "check");
		case CMD_MONITOR:
			return cmd_monitor(&opts);
		case CMD_TRACE:
			return cmd_trace(&opts);
		case CMD_VERSION:
			return cmd_version(&opts);
		case CMD_HELP:
			usage(stdout);
			return EXIT_OK;
	}
	return EXIT_UNKNOWN;
}
