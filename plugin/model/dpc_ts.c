/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_ts.h"
#include "dpc_ts_shared.h"
#include "dpc_sort.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/** longest selector text dpc_ts_parse() accepts */
#define TS_PARSE_MAX 160

/**
 * Addresses are big-endian numbers of 4 or 16 bytes; these helpers do the
 * arithmetic on them.
 */
static int addr_cmp(const uint8_t *a, const uint8_t *b, size_t len)
{
	return memcmp(a, b, len);
}

/**
 * Increment, returns false on wrap-around (a was the last address).
 */
static bool addr_inc(uint8_t *a, size_t len)
{
	size_t i;

	for (i = len; i-- > 0;)
	{
		if (++a[i] != 0)
		{
			return true;
		}
	}
	return false;
}

/**
 * Decrement, returns false on wrap-around (a was the first address).
 */
static bool addr_dec(uint8_t *a, size_t len)
{
	size_t i;

	for (i = len; i-- > 0;)
	{
		if (a[i]-- != 0)
		{
			return true;
		}
	}
	return false;
}

size_t dpc_addr_len(uint8_t family)
{
	switch (family)
	{
		case AF_INET:
			return 4;
		case AF_INET6:
			return 16;
		default:
			return 0;
	}
}

bool dpc_addr_parse(dpc_addr_t *addr, const char *str)
{
	memset(addr, 0, sizeof(*addr));
	if (!str)
	{
		return false;
	}
	if (inet_pton(AF_INET, str, addr->a) == 1)
	{
		addr->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, str, addr->a) == 1)
	{
		addr->family = AF_INET6;
		return true;
	}
	memset(addr, 0, sizeof(*addr));
	return false;
}

/**
 * Print raw address bytes of a family, "%any" if the family is unknown.
 */
static char *bytes_to_str(uint8_t family, const uint8_t *a, char *buf,
						  size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!len)
	{
		return buf;
	}
	if (!dpc_addr_len(family) || !inet_ntop(family, a, tmp, sizeof(tmp)))
	{
		snprintf(buf, len, "%%any");
		return buf;
	}
	snprintf(buf, len, "%s", tmp);
	return buf;
}

char *dpc_addr_to_str(const dpc_addr_t *addr, char *buf, size_t len)
{
	return bytes_to_str(addr->family, addr->a, buf, len);
}

int dpc_addr_cmp(const dpc_addr_t *a, const dpc_addr_t *b)
{
	size_t len;

	if (a->family != b->family)
	{
		return a->family < b->family ? -1 : 1;
	}
	len = dpc_addr_len(a->family);
	return len ? addr_cmp(a->a, b->a, len) : 0;
}

/**
 * Set from/to of a range from an address and a prefix length.
 */
static void apply_prefix(uint8_t *from, uint8_t *to, const uint8_t *addr,
						 size_t len, unsigned prefixlen)
{
	size_t i;
	unsigned bits;
	uint8_t mask;

	for (i = 0; i < len; i++)
	{
		bits = prefixlen > i * 8 ? prefixlen - i * 8 : 0;
		mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		from[i] = addr[i] & mask;
		to[i] = addr[i] | (uint8_t)~mask;
	}
}

/**
 * Any protocol, all ports.
 */
static void set_any_proto(dpc_ts_t *ts)
{
	ts->proto = 0;
	ts->from_port = 0;
	ts->to_port = 0xffff;
}

bool dpc_ts_from_prefix(dpc_ts_t *ts, uint8_t family, const uint8_t *addr,
						uint8_t prefixlen)
{
	size_t len = dpc_addr_len(family);

	if (!len || prefixlen > len * 8)
	{
		return false;
	}
	memset(ts, 0, sizeof(*ts));
	ts->family = family;
	set_any_proto(ts);
	apply_prefix(ts->from, ts->to, addr, len, prefixlen);
	return true;
}

/**
 * Strict unsigned decimal in [0, max], the whole of [str, end).
 */
static bool parse_num(const char *str, const char *end, unsigned long max,
					  unsigned long *out)
{
	unsigned long v = 0;

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
		v = v * 10 + (unsigned long)(*str - '0');
		if (v > max)
		{
			return false;
		}
	}
	*out = v;
	return true;
}

/**
 * Protocols printed and parsed by name, to match strongSwan's output on a
 * standard /etc/protocols without depending on it.
 */
static const struct {
	uint8_t proto;
	const char *name;
} proto_names[] = {
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_ICMPV6, "ipv6-icmp" },
};

static const char *proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
	{
		if (proto_names[i].proto == proto)
		{
			return proto_names[i].name;
		}
	}
	return NULL;
}

/**
 * Parse "proto", "proto/port", "proto/lo-hi" (no brackets).
 */
static bool parse_protoport(dpc_ts_t *ts, char *str)
{
	char *port, *dash;
	unsigned long v, lo, hi;
	size_t i;
	bool found = false;

	port = strchr(str, '/');
	if (port)
	{
		*port++ = '\0';
	}
	if (strcmp(str, "any") == 0)
	{
		ts->proto = 0;
		found = true;
	}
	for (i = 0; !found && i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
	{
		if (strcmp(str, proto_names[i].name) == 0)
		{
			ts->proto = proto_names[i].proto;
			found = true;
		}
	}
	if (!found)
	{
		if (!parse_num(str, str + strlen(str), 0xff, &v))
		{
			return false;
		}
		ts->proto = (uint8_t)v;
	}
	if (!port || strcmp(port, "any") == 0)
	{
		return true;
	}
	if (strcasecmp(port, "opaque") == 0)
	{
		ts->from_port = 0xffff;
		ts->to_port = 0;
		return true;
	}
	dash = strchr(port, '-');
	if (dash)
	{
		if (!parse_num(port, dash, 0xffff, &lo) ||
			!parse_num(dash + 1, dash + 1 + strlen(dash + 1), 0xffff, &hi) ||
			lo > hi)
		{
			return false;
		}
	}
	else
	{
		if (!parse_num(port, port + strlen(port), 0xffff, &lo))
		{
			return false;
		}
		hi = lo;
	}
	ts->from_port = (uint16_t)lo;
	ts->to_port = (uint16_t)hi;
	return true;
}

bool dpc_ts_parse(dpc_ts_t *ts, const char *str)
{
	char buf[TS_PARSE_MAX], *bracket, *sep;
	dpc_addr_t from, to;
	unsigned long plen;
	size_t len;

	if (!str || strlen(str) >= sizeof(buf))
	{
		return false;
	}
	strcpy(buf, str);
	memset(ts, 0, sizeof(*ts));
	set_any_proto(ts);

	bracket = strchr(buf, '[');
	if (bracket)
	{
		len = strlen(bracket);
		if (bracket[len - 1] != ']')
		{
			return false;
		}
		bracket[len - 1] = '\0';
		*bracket++ = '\0';
		if (!parse_protoport(ts, bracket))
		{
			return false;
		}
	}

	if ((sep = strchr(buf, '/')))
	{
		*sep++ = '\0';
		if (!dpc_addr_parse(&from, buf) ||
			!parse_num(sep, sep + strlen(sep),
					   dpc_addr_len(from.family) * 8, &plen))
		{
			return false;
		}
		ts->family = from.family;
		apply_prefix(ts->from, ts->to, from.a, dpc_addr_len(from.family),
					 (unsigned)plen);
		return true;
	}
	if ((sep = strchr(buf, '-')))
	{
		*sep++ = '\0';
		if (!dpc_addr_parse(&from, buf) || !dpc_addr_parse(&to, sep) ||
			from.family != to.family || dpc_addr_cmp(&from, &to) > 0)
		{
			return false;
		}
	}
	else
	{
		if (!dpc_addr_parse(&from, buf))
		{
			return false;
		}
		to = from;
	}
	ts->family = from.family;
	len = dpc_addr_len(from.family);
	memcpy(ts->from, from.a, len);
	memcpy(ts->to, to.a, len);
	return true;
}

int dpc_ts_prefixlen(const dpc_ts_t *ts)
{
	size_t len = dpc_addr_len(ts->family), i;
	int plen = 0;
	bool host = false;
	uint8_t x, bit;

	if (!len)
	{
		return -1;
	}
	/* a prefix has from = net/0..0 and to = net/1..1: from ^ to must be
	 * zeros followed by ones, set in "to" only */
	for (i = 0; i < len; i++)
	{
		x = ts->from[i] ^ ts->to[i];
		if (ts->from[i] & x)
		{
			return -1;
		}
		for (bit = 0x80; bit; bit >>= 1)
		{
			if (x & bit)
			{
				host = true;
			}
			else if (host)
			{
				return -1;
			}
			else
			{
				plen++;
			}
		}
	}
	return plen;
}

bool dpc_ts_is_any_proto(const dpc_ts_t *ts)
{
	return ts->proto == 0 && ts->from_port == 0 && ts->to_port == 0xffff;
}

static bool ports_any(const dpc_ts_t *ts)
{
	return ts->from_port == 0 && ts->to_port == 0xffff;
}

static bool ports_opaque(const dpc_ts_t *ts)
{
	return ts->from_port == 0xffff && ts->to_port == 0;
}

/**
 * Bounded appending printf; the buffer always stays NUL-terminated.
 */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list args;
	int n;

	if (*pos >= len)
	{
		return;
	}
	va_start(args, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, args);
	va_end(args);
	if (n < 0)
	{
		return;
	}
	*pos += (size_t)n;
	if (*pos >= len)
	{
		*pos = len;
	}
}

/**
 * ICMP ports carry type (high byte) and code (low byte), print them like
 * strongSwan does: "type" or "type(code)".
 */
static void append_icmp(char *buf, size_t len, size_t *pos, uint16_t port)
{
	if (port & 0xff)
	{
		append(buf, len, pos, "%u(%u)", (unsigned)port >> 8,
			   (unsigned)port & 0xff);
	}
	else
	{
		append(buf, len, pos, "%u", (unsigned)port >> 8);
	}
}

char *dpc_ts_to_str(const dpc_ts_t *ts, char *buf, size_t len)
{
	char a[DPC_ADDR_STRLEN], b[DPC_ADDR_STRLEN];
	const char *name;
	size_t pos = 0;
	bool icmp;
	int plen;

	if (!len)
	{
		return buf;
	}
	buf[0] = '\0';
	bytes_to_str(ts->family, ts->from, a, sizeof(a));
	plen = dpc_ts_prefixlen(ts);
	if (plen >= 0)
	{
		append(buf, len, &pos, "%s/%d", a, plen);
	}
	else
	{
		bytes_to_str(ts->family, ts->to, b, sizeof(b));
		append(buf, len, &pos, "%s-%s", a, b);
	}
	if (dpc_ts_is_any_proto(ts))
	{
		return buf;
	}
	name = proto_name(ts->proto);
	if (name)
	{
		append(buf, len, &pos, "[%s", name);
	}
	else
	{
		append(buf, len, &pos, "[%u", ts->proto);
	}
	if (!ports_any(ts))
	{
		icmp = ts->proto == IPPROTO_ICMP || ts->proto == IPPROTO_ICMPV6;
		append(buf, len, &pos, "/");
		if (ports_opaque(ts))
		{
			append(buf, len, &pos, "OPAQUE");
		}
		else if (icmp)
		{
			append_icmp(buf, len, &pos, ts->from_port);
			if (ts->from_port != ts->to_port)
			{
				append(buf, len, &pos, "-");
				append_icmp(buf, len, &pos, ts->to_port);
			}
		}
		else if (ts->from_port == ts->to_port)
		{
			append(buf, len, &pos, "%u", ts->from_port);
		}
		else
		{
			append(buf, len, &pos, "%u-%u", ts->from_port, ts->to_port);
		}
	}
	append(buf, len, &pos, "]");
	return buf;
}

bool dpc_ts_contains_addr(const dpc_ts_t *ts, const dpc_addr_t *addr)
{
	size_t len = dpc_addr_len(ts->family);

	return len && addr->family == ts->family &&
		   addr_cmp(ts->from, addr->a, len) <= 0 &&
		   addr_cmp(addr->a, ts->to, len) <= 0;
}

/**
 * Are inner's protocol and ports a subset of outer's? Opaque ports (the
 * ports are unknown, e.g. fragments) are only matched by opaque or any.
 */
static bool proto_is_subset(const dpc_ts_t *inner, const dpc_ts_t *outer)
{
	if (outer->proto && outer->proto != inner->proto)
	{
		return false;
	}
	if (ports_any(outer))
	{
		return true;
	}
	if (ports_opaque(outer) || ports_opaque(inner))
	{
		return ports_opaque(outer) && ports_opaque(inner);
	}
	return outer->from_port <= inner->from_port &&
		   inner->to_port <= outer->to_port;
}

/**
 * Do the protocols and ports of two selectors intersect (strongSwan's
 * get_subset() rules)?
 */
static bool proto_overlaps(const dpc_ts_t *a, const dpc_ts_t *b)
{
	if (a->proto && b->proto && a->proto != b->proto)
	{
		return false;
	}
	if ((ports_opaque(a) && (ports_opaque(b) || ports_any(b))) ||
		(ports_opaque(b) && ports_any(a)))
	{
		return true;
	}
	if (ports_opaque(a) || ports_opaque(b))
	{
		return false;
	}
	return a->from_port <= b->to_port && b->from_port <= a->to_port;
}

bool dpc_ts_is_subset(const dpc_ts_t *inner, const dpc_ts_t *outer)
{
	size_t len = dpc_addr_len(inner->family);

	return len && inner->family == outer->family &&
		   addr_cmp(outer->from, inner->from, len) <= 0 &&
		   addr_cmp(inner->to, outer->to, len) <= 0 &&
		   proto_is_subset(inner, outer);
}

bool dpc_ts_overlaps(const dpc_ts_t *a, const dpc_ts_t *b)
{
	size_t len = dpc_addr_len(a->family);

	return len && a->family == b->family &&
		   addr_cmp(a->from, b->to, len) <= 0 &&
		   addr_cmp(b->from, a->to, len) <= 0 &&
		   proto_overlaps(a, b);
}

/**
 * diff = to - from, as a 16-byte big-endian number.
 */
static void range_diff(const dpc_ts_t *ts, size_t len, uint8_t *diff)
{
	unsigned borrow = 0, v;
	size_t i;

	memset(diff, 0, 16);
	for (i = len; i-- > 0;)
	{
		v = (unsigned)ts->to[i] - ts->from[i] - borrow;
		borrow = v > 0xff;
		diff[16 - len + i] = (uint8_t)v;
	}
}

uint64_t dpc_ts_addr_count(const dpc_ts_t *ts)
{
	size_t len = dpc_addr_len(ts->family), i;
	uint8_t diff[16];
	uint64_t v = 0;

	if (!len || addr_cmp(ts->from, ts->to, len) > 0)
	{
		return 0;
	}
	range_diff(ts, len, diff);
	for (i = 0; i < 8; i++)
	{
		if (diff[i])
		{
			return UINT64_MAX;
		}
	}
	for (i = 8; i < 16; i++)
	{
		v = (v << 8) | diff[i];
	}
	return v == UINT64_MAX ? UINT64_MAX : v + 1;
}

void dpc_ts_addr_nth(const dpc_ts_t *ts, uint64_t n, dpc_addr_t *addr)
{
	size_t len = dpc_addr_len(ts->family), i;
	unsigned carry = 0, v;

	memset(addr, 0, sizeof(*addr));
	addr->family = ts->family;
	if (!len)
	{
		return;
	}
	for (i = len; i-- > 0;)
	{
		v = (unsigned)ts->from[i] + (unsigned)(n & 0xff) + carry;
		addr->a[i] = (uint8_t)v;
		carry = v >> 8;
		n >>= 8;
	}
	if (carry || n || addr_cmp(addr->a, ts->to, len) > 0)
	{
		memcpy(addr->a, ts->to, len);
	}
}

void dpc_ts_list_init(dpc_ts_list_t *list)
{
	list->ts = NULL;
	list->count = 0;
	list->size = 0;
}

/**
 * A list's selectors are a shared array (dpc_ts_shared), not its own.
 */
static inline bool is_shared(const dpc_ts_list_t *list)
{
	return list->size == DPC_TS_LIST_SHARED;
}

/**
 * Let go of a list's selectors, shared or its own.
 */
static void release(dpc_ts_list_t *list)
{
	if (is_shared(list))
	{
		dpc_ts_shared_put(list->ts);
	}
	else
	{
		free(list->ts);
	}
}

/**
 * Make a shared list's selectors its own, to change them.
 */
static bool unshare(dpc_ts_list_t *list)
{
	dpc_ts_t *own;

	own = malloc(list->count * sizeof(dpc_ts_t));
	if (!own)
	{
		return false;
	}
	memcpy(own, list->ts, list->count * sizeof(dpc_ts_t));
	dpc_ts_shared_put(list->ts);
	list->ts = own;
	list->size = list->count;
	return true;
}

bool dpc_ts_list_add(dpc_ts_list_t *list, const dpc_ts_t *ts)
{
	dpc_ts_t *grown;
	size_t size;

	if (is_shared(list) && !unshare(list))
	{
		return false;
	}
	if (list->count == list->size)
	{
		size = list->size ? (size_t)list->size * 2 : 4;
		if (size >= DPC_TS_LIST_SHARED || size > SIZE_MAX / sizeof(dpc_ts_t))
		{
			return false;
		}
		grown = realloc(list->ts, size * sizeof(dpc_ts_t));
		if (!grown)
		{
			return false;
		}
		list->ts = grown;
		list->size = size;
	}
	list->ts[list->count++] = *ts;
	return true;
}

bool dpc_ts_list_copy(dpc_ts_list_t *dst, const dpc_ts_list_t *src)
{
	dpc_ts_t *copy = NULL;

	if (dst == src)
	{
		return true;
	}
	if (is_shared(src))
	{	/* one more holder of the same array */
		dpc_ts_shared_ref(src->ts);
		release(dst);
		*dst = *src;
		return true;
	}
	if (src->count)
	{
		copy = malloc(src->count * sizeof(dpc_ts_t));
		if (!copy)
		{
			return false;
		}
		memcpy(copy, src->ts, src->count * sizeof(dpc_ts_t));
	}
	release(dst);
	dst->ts = copy;
	dst->count = dst->size = src->count;
	return true;
}

void dpc_ts_list_fit(dpc_ts_list_t *list)
{
	dpc_ts_t *fit;

	if (list->size == list->count || is_shared(list))
	{
		return;
	}
	if (!list->count)
	{
		dpc_ts_list_clear(list);
		return;
	}
	fit = realloc(list->ts, list->count * sizeof(dpc_ts_t));
	if (fit)
	{
		list->ts = fit;
		list->size = list->count;
	}
}

void dpc_ts_list_share(dpc_ts_list_t *list)
{
	const dpc_ts_t *shared;

	if (!list->count || is_shared(list))
	{
		dpc_ts_list_fit(list);
		return;
	}
	shared = dpc_ts_shared_get(list->ts, list->count);
	if (!shared)
	{	/* keeps its own */
		dpc_ts_list_fit(list);
		return;
	}
	free(list->ts);
	list->ts = (dpc_ts_t*)shared;
	list->size = DPC_TS_LIST_SHARED;
}

void dpc_ts_list_clear(dpc_ts_list_t *list)
{
	release(list);
	dpc_ts_list_init(list);
}

/**
 * An address range clipped to the one being subtracted from; unused bytes
 * of IPv4 addresses stay zero, so comparing all 16 bytes sorts any family.
 */
typedef struct {
	uint8_t from[16];
	uint8_t to[16];
} range_t;

static int range_cmp(const void *a, const void *b)
{
	return addr_cmp(((const range_t*)a)->from, ((const range_t*)b)->from,
					sizeof(((const range_t*)a)->from));
}

/**
 * Append [from, to] with the protocol/ports of tmpl.
 */
static bool add_range(dpc_ts_list_t *out, const dpc_ts_t *tmpl,
					  const uint8_t *from, const uint8_t *to, size_t len)
{
	dpc_ts_t ts = *tmpl;

	memcpy(ts.from, from, len);
	memcpy(ts.to, to, len);
	return dpc_ts_list_add(out, &ts);
}

bool dpc_ts_subtract(const dpc_ts_t *from, const dpc_ts_list_t *cover,
					 dpc_ts_list_t *out)
{
	size_t len = dpc_addr_len(from->family), n = 0, i;
	uint8_t cur[16], end[16];
	range_t *ranges;
	const dpc_ts_t *c;
	bool ok = true;

	if (!len || addr_cmp(from->from, from->to, len) > 0)
	{
		return true;
	}
	ranges = calloc(cover->count ? cover->count : 1, sizeof(range_t));
	if (!ranges)
	{
		return false;
	}
	for (i = 0; i < cover->count; i++)
	{
		c = &cover->ts[i];
		if (!dpc_ts_overlaps(from, c) || !proto_is_subset(from, c))
		{
			continue;
		}
		/* clip to "from", so the sweep below never leaves its range */
		memcpy(ranges[n].from, addr_cmp(c->from, from->from, len) > 0 ?
								c->from : from->from, len);
		memcpy(ranges[n].to, addr_cmp(c->to, from->to, len) < 0 ?
								c->to : from->to, len);
		n++;
	}
	dpc_sort(ranges, n, sizeof(range_t), range_cmp);

	/* sweep: cur is the first address not yet known to be covered */
	memcpy(cur, from->from, len);
	for (i = 0; i < n && ok; i++)
	{
		if (addr_cmp(ranges[i].from, cur, len) > 0)
		{
			memcpy(end, ranges[i].from, len);
			addr_dec(end, len);
			ok = add_range(out, from, cur, end, len);
		}
		if (addr_cmp(ranges[i].to, cur, len) >= 0)
		{
			if (addr_cmp(ranges[i].to, from->to, len) == 0)
			{	/* covered up to the end; also avoids wrapping at all-ones */
				free(ranges);
				return ok;
			}
			memcpy(cur, ranges[i].to, len);
			addr_inc(cur, len);
		}
	}
	if (ok)
	{
		ok = add_range(out, from, cur, from->to, len);
	}
	free(ranges);
	return ok;
}

bool dpc_ts_list_subtract(const dpc_ts_list_t *configured,
						  const dpc_ts_list_t *negotiated, dpc_ts_list_t *out)
{
	size_t i;

	for (i = 0; i < configured->count; i++)
	{
		if (!dpc_ts_subtract(&configured->ts[i], negotiated, out))
		{
			return false;
		}
	}
	return true;
}

char *dpc_ts_list_to_str(const dpc_ts_list_t *list, char *buf, size_t len)
{
	char item[DPC_TS_STRLEN];
	size_t pos = 0, i, need;
	const char *sep;

	if (!len)
	{
		return buf;
	}
	buf[0] = '\0';
	for (i = 0; i < list->count; i++)
	{
		sep = i ? ", " : "";
		dpc_ts_to_str(&list->ts[i], item, sizeof(item));
		need = strlen(sep) + strlen(item);
		/* keep room for ", ..." unless this is the last item */
		if (pos + need + (i + 1 < list->count ? 5 : 0) < len)
		{
			append(buf, len, &pos, "%s%s", sep, item);
			continue;
		}
		if (pos + strlen(sep) + 3 < len)
		{
			append(buf, len, &pos, "%s...", sep);
		}
		else if (len > 3)
		{
			strcpy(buf + len - 4, "...");
		}
		break;
	}
	return buf;
}

/*
 * Described in header
 */
const dpc_ts_t *dpc_ts_list_first(const dpc_ts_list_t *list, uint8_t family)
{
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (list->ts[i].family == family)
		{
			return &list->ts[i];
		}
	}
	return NULL;
}
