/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_xfrm_sad.h"
#include "dpc_xfrm_attr.h"
#include "model/dpc_bulk.h"
#include "model/dpc_sort.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

/** first allocation of the SA table */
#define SAD_MIN 64

/**
 * Bytes of an address of a family.
 */
static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/**
 * Take the attributes we need: mark, interface id, encapsulation and
 * counters reported apart. Everything else (keys above all) is skipped.
 */
static bool parse_attrs(const uint8_t *p, size_t len, dpc_xfrm_sa_t *sa)
{
	struct xfrm_lifetime_cur cur;
	struct xfrm_encap_tmpl encap;
	struct xfrm_mark mark;
	dpc_xfrm_attr_iter_t it;
	const uint8_t *data;
	uint16_t atype;
	size_t plen;

	dpc_xfrm_attr_init(&it, p, len);
	while (dpc_xfrm_attr_next(&it, &atype, &data, &plen))
	{
		switch (atype)
		{
			case XFRMA_MARK:
				if (plen < sizeof(mark))
				{
					return false;
				}
				memcpy(&mark, data, sizeof(mark));
				sa->id.mark_value = mark.v;
				sa->id.mark_mask = mark.m;
				break;
			case XFRMA_IF_ID:
				if (plen < sizeof(sa->if_id))
				{
					return false;
				}
				memcpy(&sa->if_id, data, sizeof(sa->if_id));
				break;
			case XFRMA_ENCAP:
				/* the ports are what matters, the original address may be
				 * missing in what older kernels sent */
				if (plen < offsetof(struct xfrm_encap_tmpl, encap_oa))
				{
					return false;
				}
				memset(&encap, 0, sizeof(encap));
				memcpy(&encap, data,
					   plen < sizeof(encap) ? plen : sizeof(encap));
				sa->encap_type = encap.encap_type;
				sa->encap_sport = ntohs(encap.encap_sport);
				sa->encap_dport = ntohs(encap.encap_dport);
				break;
			case XFRMA_ALG_AEAD:
			case XFRMA_ALG_CRYPT:
			case XFRMA_ALG_AUTH:
			case XFRMA_ALG_AUTH_TRUNC:
			case XFRMA_ALG_COMP:
				sa->larval = false;
				break;
			case XFRMA_LTIME_VAL:
				if (plen < sizeof(cur))
				{
					return false;
				}
				memcpy(&cur, data, sizeof(cur));
				sa->bytes = cur.bytes;
				sa->packets = cur.packets;
				sa->add_time = cur.add_time;
				sa->use_time = cur.use_time;
				break;
			default:
				break;
		}
	}
	return !it.bad;
}

bool dpc_xfrm_parse_sa(const struct nlmsghdr *nlh, size_t len,
					   dpc_xfrm_sa_t *sa)
{
	struct xfrm_usersa_info info;
	struct nlmsghdr hdr;
	const uint8_t *p = (const uint8_t*)nlh;
	size_t off;

	if (!nlh || len < sizeof(hdr))
	{
		return false;
	}
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.nlmsg_type != XFRM_MSG_NEWSA || hdr.nlmsg_len > len ||
		hdr.nlmsg_len < NLMSG_LENGTH(sizeof(info)))
	{
		return false;
	}
	memcpy(&info, p + NLMSG_HDRLEN, sizeof(info));
	if (info.family != AF_INET && info.family != AF_INET6)
	{
		return false;
	}
	memset(sa, 0, sizeof(*sa));
	sa->id.family = info.family;
	sa->id.proto = info.id.proto;
	sa->id.spi = info.id.spi;
	memcpy(sa->id.dst, &info.id.daddr, addr_len(info.family));
	memcpy(sa->src, &info.saddr, addr_len(info.family));
	sa->reqid = info.reqid;
	sa->mode = info.mode;
	sa->bytes = info.curlft.bytes;
	sa->packets = info.curlft.packets;
	sa->add_time = info.curlft.add_time;
	sa->use_time = info.curlft.use_time;
	/* until an algorithm attribute says otherwise */
	sa->larval = true;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(info));
	if (off >= hdr.nlmsg_len)
	{
		return true;
	}
	return parse_attrs(p + off, hdr.nlmsg_len - off, sa);
}

void dpc_xfrm_sad_init(dpc_xfrm_sad_t *sad)
{
	memset(sad, 0, sizeof(*sad));
}

bool dpc_xfrm_sad_add(dpc_xfrm_sad_t *sad, const dpc_xfrm_sa_t *sa,
					  size_t max)
{
	dpc_xfrm_sa_t *sas;
	size_t size;

	if (max && sad->count >= max)
	{
		sad->dropped++;
		return false;
	}
	if (sad->count == sad->size)
	{
		size = sad->size ? sad->size * 2 : SAD_MIN;
		if (max && size > max)
		{
			size = max;
		}
		sas = size > sad->size ?
			  dpc_bulk_reallocarray(sad->sas, size, sizeof(*sas)) : NULL;
		if (!sas)
		{
			sad->dropped++;
			return false;
		}
		sad->sas = sas;
		sad->size = size;
	}
	sad->sas[sad->count++] = *sa;
	sad->sorted = false;
	return true;
}

unsigned dpc_xfrm_sad_parse(dpc_xfrm_sad_t *sad, const void *buf, size_t len,
							size_t max)
{
	const uint8_t *p = buf;
	struct nlmsghdr hdr;
	dpc_xfrm_sa_t sa;
	unsigned bad = 0;
	size_t off = 0, step;

	while (len - off >= sizeof(hdr))
	{
		memcpy(&hdr, p + off, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > len - off)
		{	/* truncated: nothing after it can be found */
			bad++;
			break;
		}
		if (hdr.nlmsg_type == XFRM_MSG_NEWSA)
		{
			if (dpc_xfrm_parse_sa((const struct nlmsghdr*)(p + off),
								  len - off, &sa))
			{
				dpc_xfrm_sad_add(sad, &sa, max);
			}
			else
			{
				bad++;
			}
		}
		step = NLMSG_ALIGN(hdr.nlmsg_len);
		if (step >= len - off)
		{
			break;
		}
		off += step;
	}
	return bad;
}

/**
 * Order by SPI, protocol, family and destination.
 */
static int cmp_key(const dpc_xfrm_sa_id_t *a, const dpc_xfrm_sa_id_t *b)
{
	if (a->spi != b->spi)
	{
		return a->spi < b->spi ? -1 : 1;
	}
	if (a->proto != b->proto)
	{
		return a->proto < b->proto ? -1 : 1;
	}
	if (a->family != b->family)
	{
		return a->family < b->family ? -1 : 1;
	}
	return memcmp(a->dst, b->dst, addr_len(a->family));
}

static int cmp_sa(const void *a, const void *b)
{
	return cmp_key(&((const dpc_xfrm_sa_t*)a)->id,
				   &((const dpc_xfrm_sa_t*)b)->id);
}

void dpc_xfrm_sad_sort(dpc_xfrm_sad_t *sad)
{
	if (sad->count > 1)
	{
		dpc_sort(sad->sas, sad->count, sizeof(*sad->sas), cmp_sa);
	}
	sad->sorted = true;
}

/**
 * Does an SA match the mark of a lookup, as __xfrm_state_lookup() says?
 */
static bool mark_matches(const dpc_xfrm_sa_t *sa, const dpc_xfrm_sa_id_t *id)
{
	uint32_t mark = id->mark_value & id->mark_mask;

	return (mark & sa->id.mark_mask) == sa->id.mark_value;
}

const dpc_xfrm_sa_t *dpc_xfrm_sad_find(const dpc_xfrm_sad_t *sad,
									   const dpc_xfrm_sa_id_t *id)
{
	size_t lo = 0, hi = sad->count, mid, i;

	if (!sad->sorted)
	{
		for (i = 0; i < sad->count; i++)
		{
			if (!cmp_key(&sad->sas[i].id, id) && mark_matches(&sad->sas[i], id))
			{
				return &sad->sas[i];
			}
		}
		return NULL;
	}
	/* the first entry not below the key, then the ones equal to it */
	while (lo < hi)
	{
		mid = lo + (hi - lo) / 2;
		if (cmp_key(&sad->sas[mid].id, id) < 0)
		{
			lo = mid + 1;
		}
		else
		{
			hi = mid;
		}
	}
	for (i = lo; i < sad->count && !cmp_key(&sad->sas[i].id, id); i++)
	{
		if (mark_matches(&sad->sas[i], id))
		{
			return &sad->sas[i];
		}
	}
	return NULL;
}

void dpc_xfrm_sad_clear(dpc_xfrm_sad_t *sad)
{
	dpc_bulk_free(sad->sas);
	dpc_xfrm_sad_init(sad);
}
