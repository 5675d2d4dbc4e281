/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "nfsim_private.h"

#include <string.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>

/** payload bytes modelled after the transport header (all unknown) */
#define PAYLOAD_BYTES 64

/**
 * Set known bytes.
 */
static void put(nfsim_image_t *img, uint32_t off, const void *data,
				uint32_t len)
{
	memcpy(img->b + off, data, len);
	memset(img->u + off, 0, len);
}

static void put16(nfsim_image_t *img, uint32_t off, uint16_t val)
{
	uint8_t b[2] = { val >> 8, val & 0xff };

	put(img, off, b, 2);
}

static void put32(nfsim_image_t *img, uint32_t off, uint32_t val)
{
	uint8_t b[4] = { val >> 24, val >> 16, val >> 8, val };

	put(img, off, b, 4);
}

/**
 * Whether a protocol has 16-bit ports at the start of its header.
 */
static bool has_ports(uint8_t proto)
{
	switch (proto)
	{
		case IPPROTO_TCP:
		case IPPROTO_UDP:
		case IPPROTO_UDPLITE:
		case IPPROTO_SCTP:
		case IPPROTO_DCCP:
			return true;
		default:
			return false;
	}
}

/**
 * Build the transport header; returns its length.
 */
static uint32_t build_l4(nfsim_image_t *img, const nfsim_packet_t *pkt)
{
	uint32_t th = img->thoff;

	if (has_ports(pkt->proto))
	{
		put16(img, th, pkt->sport);
		put16(img, th + 2, pkt->dport);
	}
	switch (pkt->proto)
	{
		case IPPROTO_TCP:
			if (pkt->known & NFSIM_PKT_TCP_FLAGS)
			{
				put(img, th + 13, &pkt->tcp_flags, 1);
			}
			return 20;
		case IPPROTO_UDP:
		case IPPROTO_UDPLITE:
			if ((pkt->known & NFSIM_PKT_LEN) && pkt->len >= img->thoff)
			{
				put16(img, th + 4, pkt->len - img->thoff);
			}
			return 8;
		case IPPROTO_SCTP:
			return 12;
		case IPPROTO_DCCP:
			return 16;
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6:
			put(img, th, &pkt->icmp_type, 1);
			put(img, th + 1, &pkt->icmp_code, 1);
			return 8;
		case IPPROTO_ESP:
			put32(img, th, pkt->spi);
			return 8;
		case IPPROTO_AH:
			put32(img, th + 4, pkt->spi);
			return 12;
		default:
			return 0;
	}
}

void nfsim_image_build(nfsim_image_t *img, const nfsim_packet_t *pkt)
{
	uint8_t b;

	memset(img->b, 0, sizeof(img->b));
	memset(img->u, 0xff, sizeof(img->u));
	img->l4proto = pkt->proto;
	img->len_known = (pkt->known & NFSIM_PKT_LEN) != 0;
	img->len = pkt->len;
	if (pkt->family == AF_INET6)
	{
		img->thoff = 40;
		b = 0x60;
		put(img, 0, &b, 1);
		img->u[0] = 0x0f;
		if (pkt->known & NFSIM_PKT_TOS)
		{
			img->b[0] |= pkt->tos >> 4;
			img->u[0] = 0;
			img->b[1] = (pkt->tos & 0x0f) << 4;
			img->u[1] = 0x0f;
		}
		if ((pkt->known & NFSIM_PKT_LEN) && pkt->len >= 40)
		{
			put16(img, 4, pkt->len - 40);
		}
		put(img, 6, &pkt->proto, 1);
		if (pkt->known & NFSIM_PKT_TTL)
		{
			put(img, 7, &pkt->ttl, 1);
		}
		put(img, 8, pkt->src, 16);
		put(img, 24, pkt->dst, 16);
	}
	else
	{
		img->thoff = 20;
		b = 0x45;
		put(img, 0, &b, 1);
		if (pkt->known & NFSIM_PKT_TOS)
		{
			put(img, 1, &pkt->tos, 1);
		}
		if (pkt->known & NFSIM_PKT_LEN)
		{
			put16(img, 2, pkt->len);
		}
		/* not a fragment; DF as given */
		put16(img, 6, (pkt->known & NFSIM_PKT_DF) && pkt->df ? 0x4000 : 0);
		if (!(pkt->known & NFSIM_PKT_DF))
		{
			img->u[6] = 0x40;
		}
		if (pkt->known & NFSIM_PKT_TTL)
		{
			put(img, 8, &pkt->ttl, 1);
		}
		put(img, 9, &pkt->proto, 1);
		put(img, 12, pkt->src, 4);
		put(img, 16, pkt->dst, 4);
	}
	img->end = img->thoff + build_l4(img, pkt) + PAYLOAD_BYTES;
}

bool nfsim_image_read(const nfsim_image_t *img, uint32_t off, uint32_t len,
					  uint8_t *data, uint8_t *unk)
{
	uint32_t i;

	if (img->len_known && (uint64_t)off + len > img->len)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if ((uint64_t)off + i < img->end)
		{
			data[i] = img->b[off + i];
			unk[i] = img->u[off + i];
		}
		else
		{
			data[i] = 0;
			unk[i] = 0xff;
		}
	}
	return true;
}

bool nfsim_image_write(nfsim_image_t *img, uint32_t off, uint32_t len,
					   const uint8_t *data, const uint8_t *unk)
{
	if ((uint64_t)off + len > img->end)
	{
		return false;
	}
	memcpy(img->b + off, data, len);
	if (unk)
	{
		memcpy(img->u + off, unk, len);
	}
	else
	{
		memset(img->u + off, 0, len);
	}
	return true;
}

const uint8_t *nfsim_image_saddr(const nfsim_image_t *img, uint8_t family)
{
	return img->b + (family == AF_INET6 ? 8 : 12);
}

const uint8_t *nfsim_image_daddr(const nfsim_image_t *img, uint8_t family)
{
	return img->b + (family == AF_INET6 ? 24 : 16);
}

void nfsim_image_nat(nfsim_image_t *img, uint8_t family, const nfsim_nat_t *nat)
{
	bool src = nat->type == NFSIM_NAT_SNAT ||
			   nat->type == NFSIM_NAT_MASQUERADE;
	uint32_t alen = nfsim_addr_len(family), aoff, poff;

	if (nat->type == NFSIM_NAT_NONE)
	{
		return;
	}
	if (family == AF_INET6)
	{
		aoff = src ? 8 : 24;
	}
	else
	{
		aoff = src ? 12 : 16;
	}
	if (nat->addr_known && !(nat->flags & NFSIM_NAT_ADDR_RANGE))
	{
		memcpy(img->b + aoff, nat->addr, alen);
		memset(img->u + aoff, 0, alen);
	}
	else if (!nat->addr_known || (nat->flags & NFSIM_NAT_ADDR_RANGE))
	{
		memset(img->u + aoff, 0xff, alen);
	}
	if (!has_ports(img->l4proto) || !(nat->flags & NFSIM_NAT_PORTS))
	{
		return;
	}
	poff = img->thoff + (src ? 0 : 2);
	if (nat->port_min == nat->port_max &&
		!(nat->flags & (NFSIM_NAT_RANDOM | NFSIM_NAT_RANDOM_FULLY)))
	{
		put16(img, poff, nat->port_min);
	}
	else
	{
		uint16_t cur = (img->b[poff] << 8) | img->b[poff + 1];

		/* the kernel keeps a port that is inside the range unless asked
		 * to randomize; which one it picks otherwise cannot be told */
		if (cur < nat->port_min || cur > nat->port_max ||
			(nat->flags & (NFSIM_NAT_RANDOM | NFSIM_NAT_RANDOM_FULLY)))
		{
			memset(img->u + poff, 0xff, 2);
		}
	}
}

/**
 * Whether the hook has an input/output device at all.
 */
static bool has_in(const nfsim_ctx_t *ctx)
{
	return ctx->hook != NFSIM_HOOK_OUTPUT && ctx->hook != NFSIM_HOOK_POSTROUTING;
}

static bool has_out(const nfsim_ctx_t *ctx)
{
	return ctx->hook != NFSIM_HOOK_PREROUTING && ctx->hook != NFSIM_HOOK_INPUT &&
		   ctx->hook != NFSIM_HOOK_INGRESS;
}

bool nfsim_dev_name(const nfsim_ctx_t *ctx, bool in, char *name)
{
	const nfsim_packet_t *p = ctx->pkt;
	uint32_t bit = in ? NFSIM_PKT_IIF : NFSIM_PKT_OIF;

	memset(name, 0, IF_NAMESIZE);
	if (in ? !has_in(ctx) : !has_out(ctx))
	{
		/* postrouting of forwarded packets still knows the input device */
		if (!(in && ctx->hook == NFSIM_HOOK_POSTROUTING && (p->known & bit)))
		{
			return true;
		}
	}
	if (!(p->known & bit))
	{
		return false;
	}
	memcpy(name, in ? p->iif : p->oif, IF_NAMESIZE);
	name[IF_NAMESIZE - 1] = '\0';
	return true;
}

/**
 * Whether addr is in the network of an interface address.
 */
static bool in_net(const nfsim_ifaddr_t *a, const uint8_t *addr)
{
	uint32_t bits = a->plen, i;

	if (bits > nfsim_addr_len(a->family) * 8)
	{
		bits = nfsim_addr_len(a->family) * 8;
	}
	for (i = 0; i < bits / 8; i++)
	{
		if (a->addr[i] != addr[i])
		{
			return false;
		}
	}
	if (bits % 8)
	{
		uint8_t m = 0xff << (8 - bits % 8);

		return (a->addr[i] & m) == (addr[i] & m);
	}
	return true;
}

bool nfsim_masq_source(const nfsim_packet_t *pkt, uint8_t *addr)
{
	const nfsim_ifaddr_t *first = NULL;
	size_t i;

	if (!(pkt->known & NFSIM_PKT_OIF) || !pkt->addrs)
	{
		return false;
	}
	if (pkt->family == AF_INET6 && (pkt->known & NFSIM_PKT_ADDRS_COMPLETE))
	{	/* the kernel weighs every address, not just the device's */
		return nfsim_saddr6(pkt->addrs, pkt->addr_count, pkt->oif, pkt->dst,
							addr);
	}
	for (i = 0; i < pkt->addr_count; i++)
	{
		const nfsim_ifaddr_t *a = &pkt->addrs[i];

		if (a->family != pkt->family || strcmp(a->ifname, pkt->oif) != 0)
		{
			continue;
		}
		if (pkt->family == AF_INET6 && a->addr[0] == 0xfe &&
			(a->addr[1] & 0xc0) == 0x80)
		{
			/* link-local: not a candidate for a routed destination */
			continue;
		}
		if ((pkt->known & NFSIM_PKT_NEXTHOP) && in_net(a, pkt->nexthop))
		{
			first = a;
			break;
		}
		if (!first)
		{
			first = a;
		}
	}
	if (!first && pkt->family == AF_INET &&
		(pkt->known & NFSIM_PKT_ADDRS_COMPLETE))
	{
		/* like the kernel's inet_select_addr(): an output device without
		 * an IPv4 address (a TUN device) lends the first global address
		 * of any device, in device order */
		for (i = 0; i < pkt->addr_count; i++)
		{
			const nfsim_ifaddr_t *a = &pkt->addrs[i];

			if (a->family == AF_INET && a->addr[0] != 127)
			{
				first = a;
				break;
			}
		}
	}
	if (!first)
	{
		return false;
	}
	memcpy(addr, first->addr, nfsim_addr_len(pkt->family));
	return true;
}

uint8_t nfsim_addr_type(const nfsim_packet_t *pkt, uint8_t family,
						const uint8_t *addr)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	size_t i;

	if (family == AF_INET6)
	{
		if (memcmp(addr, lo6, 16) == 0)
		{
			return RTN_LOCAL;
		}
		if (addr[0] == 0xff)
		{
			return RTN_MULTICAST;
		}
	}
	else
	{
		if (addr[0] == 127)
		{
			return RTN_LOCAL;
		}
		if ((addr[0] & 0xf0) == 0xe0)
		{
			return RTN_MULTICAST;
		}
		if ((addr[0] & addr[1] & addr[2] & addr[3]) == 0xff ||
			(addr[0] | addr[1] | addr[2] | addr[3]) == 0)
		{
			return RTN_BROADCAST;
		}
	}
	for (i = 0; pkt->addrs && i < pkt->addr_count; i++)
	{
		const nfsim_ifaddr_t *a = &pkt->addrs[i];

		if (a->family != family)
		{
			continue;
		}
		if (memcmp(a->addr, addr, nfsim_addr_len(family)) == 0)
		{
			return RTN_LOCAL;
		}
		if (family == AF_INET && a->plen < 31 && in_net(a, addr))
		{
			uint32_t v = ((uint32_t)addr[0] << 24) | (addr[1] << 16) |
						 (addr[2] << 8) | addr[3];
			uint32_t host = a->plen ? 0xffffffffu >> a->plen : 0xffffffffu;

			if ((v & host) == host)
			{
				return RTN_BROADCAST;
			}
		}
	}
	return (pkt->known & NFSIM_PKT_ADDRS_COMPLETE) ? RTN_UNICAST : 0;
}
