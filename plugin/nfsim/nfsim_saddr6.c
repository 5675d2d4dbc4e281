/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * IPv6 source address selection as the kernel's ipv6_dev_get_saddr() does
 * it for masquerade (nf_nat_masquerade_ipv6() calls it with the output
 * device and the destination, not the route's preferred source): RFC 6724
 * rules in the kernel's order over the addresses of every device (only the
 * output device's for link-local and multicast destinations), the first of
 * equal candidates kept. Rule 3 (deprecated), 4 (home address) and 7
 * (temporary) need address flags the facts don't carry; the labels are the
 * kernel's default policy table ("ip addrlabel"), which sites rarely change.
 */

#include "nfsim_private.h"

#include <string.h>
#include <sys/socket.h>

/** scopes as the kernel numbers them (IPV6_ADDR_SCOPE_*) */
#define SCOPE_NODE 0x01
#define SCOPE_LINK 0x02
#define SCOPE_SITE 0x05
#define SCOPE_GLOBAL 0x0e

/**
 * The kernel's default address label table (net/ipv6/addrlabel.c).
 */
static const struct {
	uint8_t prefix[16];
	uint8_t plen;
	uint8_t label;
} labels[] = {
	{ { 0 }, 0, 1 },
	{ { 0xfc }, 7, 5 },
	{ { 0xfe, 0xc0 }, 10, 11 },
	{ { 0x20, 0x02 }, 16, 2 },
	{ { 0x3f, 0xfe }, 16, 12 },
	{ { 0x20, 0x01 }, 32, 6 },
	{ { 0x20, 0x01, 0x00, 0x10 }, 28, 7 },
	{ { [10] = 0xff, [11] = 0xff }, 96, 4 },
	{ { 0 }, 96, 3 },
	{ { [15] = 1 }, 128, 0 },
};

/**
 * Number of leading bits two addresses share.
 */
static int common_bits(const uint8_t *a, const uint8_t *b)
{
	int i, bit;

	for (i = 0; i < 16; i++)
	{
		if (a[i] != b[i])
		{
			for (bit = 0; bit < 8; bit++)
			{
				if ((a[i] ^ b[i]) & (0x80 >> bit))
				{
					return i * 8 + bit;
				}
			}
		}
	}
	return 128;
}

/**
 * Label of an address: the longest matching prefix of the table.
 */
static int label_of(const uint8_t *addr)
{
	size_t i;
	int best = -1, label = 1;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
	{
		if (common_bits(addr, labels[i].prefix) >= labels[i].plen &&
			labels[i].plen > best)
		{
			best = labels[i].plen;
			label = labels[i].label;
		}
	}
	return label;
}

/**
 * Scope of a unicast or multicast address.
 */
static int scope_of(const uint8_t *addr)
{
	static const uint8_t lo[16] = { [15] = 1 };

	if (addr[0] == 0xff)
	{
		return addr[1] & 0x0f;
	}
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
	{
		return SCOPE_LINK;
	}
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0xc0)
	{
		return SCOPE_SITE;
	}
	if (!memcmp(addr, lo, 16))
	{
		return SCOPE_NODE;
	}
	return SCOPE_GLOBAL;
}

/**
 * Scores of a candidate, compared rule by rule (higher is better).
 */
typedef struct {
	/** rule 1: the destination itself */
	int same;
	/** rule 2: appropriate scope */
	int scope;
	/** rule 5: on the output device */
	int oif;
	/** rule 6: label matches the destination's */
	int label;
	/** rule 8: longest matching prefix, at most the address's prefix */
	int prefix;
} score_t;

/**
 * Score a candidate for a destination.
 */
static void score(const nfsim_ifaddr_t *a, const uint8_t *dst, int dst_scope,
				  int dst_label, const char *oif, score_t *s)
{
	int scope = scope_of(a->addr);

	s->same = !memcmp(a->addr, dst, 16);
	/* the kernel's rule 2: a scope at least the destination's, smallest
	 * first, beats any narrower one */
	s->scope = scope >= dst_scope ? -scope : scope - 128;
	s->oif = !strcmp(a->ifname, oif);
	s->label = label_of(a->addr) == dst_label;
	s->prefix = common_bits(a->addr, dst);
	if (s->prefix > a->plen)
	{
		s->prefix = a->plen;
	}
}

/**
 * Is score a better than b?
 */
static bool better(const score_t *a, const score_t *b)
{
	const int x[] = { a->same, a->scope, a->oif, a->label, a->prefix };
	const int y[] = { b->same, b->scope, b->oif, b->label, b->prefix };
	size_t i;

	for (i = 0; i < sizeof(x) / sizeof(x[0]); i++)
	{
		if (x[i] != y[i])
		{
			return x[i] > y[i];
		}
	}
	return false;
}

/*
 * Described in header
 */
bool nfsim_saddr6(const nfsim_ifaddr_t *addrs, size_t count, const char *oif,
				  const uint8_t *dst, uint8_t *src)
{
	const nfsim_ifaddr_t *best = NULL;
	score_t s, best_s;
	int dst_scope, dst_label;
	bool oif_only;
	size_t i;

	dst_scope = scope_of(dst);
	dst_label = label_of(dst);
	oif_only = dst[0] == 0xff || dst_scope <= SCOPE_LINK;
	for (i = 0; i < count; i++)
	{
		const nfsim_ifaddr_t *a = &addrs[i];

		if (a->family != AF_INET6 || a->addr[0] == 0xff ||
			(oif_only && strcmp(a->ifname, oif)))
		{
			continue;
		}
		score(a, dst, dst_scope, dst_label, oif, &s);
		if (!best || better(&s, &best_s))
		{
			best = a;
			best_s = s;
		}
	}
	if (!best)
	{
		return false;
	}
	memcpy(src, best->addr, 16);
	return true;
}
