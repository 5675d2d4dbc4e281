/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_change_parse.h"

#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/**
 * Find attribute type in the attributes following a header of hdrlen
 * bytes; returns its payload and length, NULL if absent or malformed.
 */
static const void *find_attr(const struct nlmsghdr *nlh, size_t hdrlen,
							 uint16_t type, size_t *plen)
{
	const uint8_t *p, *end;
	struct nlattr a;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);

	if (nlh->nlmsg_len < off)
	{
		return NULL;
	}
	p = (const uint8_t*)nlh + off;
	end = (const uint8_t*)nlh + nlh->nlmsg_len;
	while (end - p >= (ptrdiff_t)NLA_HDRLEN)
	{
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > end - p)
		{
			return NULL;
		}
		if ((a.nla_type & NLA_TYPE_MASK) == type)
		{
			*plen = a.nla_len - NLA_HDRLEN;
			return p + NLA_HDRLEN;
		}
		p += NLA_ALIGN(a.nla_len);
	}
	return NULL;
}

/**
 * A prefix of family from len bytes of address; family 0 if unusable.
 */
static void prefix(dpc_ts_t *ts, uint8_t family, const void *addr,
				   size_t len, unsigned plen)
{
	uint8_t bytes[16] = {};
	size_t need = dpc_addr_len(family);

	memset(ts, 0, sizeof(*ts));
	if (!need || plen > need * 8 || (addr && len < need))
	{
		return;
	}
	if (addr)
	{
		memcpy(bytes, addr, need);
	}
	if (!dpc_ts_from_prefix(ts, family, bytes, plen))
	{
		memset(ts, 0, sizeof(*ts));
	}
}

/**
 * A route: its destination prefix (0/0 without RTA_DST).
 */
static bool parse_route(const struct nlmsghdr *nlh, dpc_change_t *c)
{
	struct rtmsg rtm;
	const void *dst;
	size_t len = 0;

	c->kind = DPC_CHANGE_ROUTE;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(rtm)))
	{
		c->all = true;
		return true;
	}
	memcpy(&rtm, NLMSG_DATA(nlh), sizeof(rtm));
	dst = find_attr(nlh, sizeof(rtm), RTA_DST, &len);
	prefix(&c->src, rtm.rtm_family, dst, len, dst ? rtm.rtm_dst_len : 0);
	c->all = !c->src.family;
	return true;
}

/**
 * An address: its network, for the record (it concerns every tunnel).
 */
static bool parse_addr(const struct nlmsghdr *nlh, dpc_change_t *c)
{
	struct ifaddrmsg ifa;
	const void *addr;
	size_t len = 0;

	c->kind = DPC_CHANGE_ADDR;
	c->all = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(ifa)))
	{
		memcpy(&ifa, NLMSG_DATA(nlh), sizeof(ifa));
		addr = find_attr(nlh, sizeof(ifa), IFA_LOCAL, &len);
		if (!addr)
		{
			addr = find_attr(nlh, sizeof(ifa), IFA_ADDRESS, &len);
		}
		if (addr)
		{
			prefix(&c->src, ifa.ifa_family, addr, len, ifa.ifa_prefixlen);
		}
	}
	return true;
}

static bool parse_rtnl(const struct nlmsghdr *nlh, dpc_change_t *c)
{
	switch (nlh->nlmsg_type)
	{
		case RTM_NEWROUTE:
		case RTM_DELROUTE:
			return parse_route(nlh, c);
		case RTM_NEWRULE:
		case RTM_DELRULE:
			c->kind = DPC_CHANGE_RULE;
			c->all = true;
			return true;
		case RTM_NEWADDR:
		case RTM_DELADDR:
			return parse_addr(nlh, c);
		case RTM_NEWLINK:
		case RTM_DELLINK:
			c->kind = DPC_CHANGE_LINK;
			c->all = true;
			return true;
		default:
			return false;
	}
}

/**
 * An XFRM selector's two prefixes; a selector of no family (per-socket
 * policies, flushes by id) concerns every tunnel.
 */
static void selector(const struct xfrm_selector *sel, uint16_t family,
					 dpc_change_t *c)
{
	uint16_t fam = sel->family ? sel->family : family;

	prefix(&c->src, fam, &sel->saddr, sizeof(sel->saddr), sel->prefixlen_s);
	prefix(&c->dst, fam, &sel->daddr, sizeof(sel->daddr), sel->prefixlen_d);
	c->all = !c->src.family || !c->dst.family;
}

/**
 * An address of an XFRM message.
 */
static void xfrm_addr(dpc_addr_t *out, uint16_t family,
					  const xfrm_address_t *addr)
{
	size_t len = dpc_addr_len(family);

	memset(out, 0, sizeof(*out));
	if (len)
	{
		out->family = family;
		memcpy(out->a, addr, len);
	}
}

/**
 * An XFRM state's SPI and endpoints.
 */
static void state(const struct xfrm_usersa_info *sa, dpc_change_t *c)
{
	c->spi = ntohl(sa->id.spi);
	xfrm_addr(&c->daddr, sa->family, &sa->id.daddr);
	xfrm_addr(&c->saddr, sa->family, &sa->saddr);
	c->all = !c->spi && !c->daddr.family;
}

/**
 * The policy selector at data (len bytes), if it holds one.
 */
static void policy_at(const void *data, size_t len, dpc_change_t *c)
{
	struct xfrm_userpolicy_info pol;

	if (data && len >= sizeof(pol))
	{
		memcpy(&pol, data, sizeof(pol));
		selector(&pol.sel, 0, c);
	}
}

/**
 * The state at data (len bytes), if it holds one.
 */
static void state_at(const void *data, size_t len, dpc_change_t *c)
{
	struct xfrm_usersa_info sa;

	if (data && len >= sizeof(sa))
	{
		memcpy(&sa, data, sizeof(sa));
		state(&sa, c);
	}
}

static bool parse_xfrm(const struct nlmsghdr *nlh, dpc_change_t *c)
{
	size_t plen = NLMSG_PAYLOAD(nlh, 0), alen = 0;
	const void *data = NLMSG_DATA(nlh), *attr;
	struct xfrm_userpolicy_id pid;
	struct xfrm_usersa_id id;

	c->all = true;
	switch (nlh->nlmsg_type)
	{
		case XFRM_MSG_NEWPOLICY:
		case XFRM_MSG_UPDPOLICY:
			c->kind = DPC_CHANGE_XFRM_POLICY;
			policy_at(data, plen, c);
			return true;
		case XFRM_MSG_DELPOLICY:
			c->kind = DPC_CHANGE_XFRM_POLICY;
			/* the id may carry an index only, the policy follows */
			attr = find_attr(nlh, sizeof(pid), XFRMA_POLICY, &alen);
			if (attr && alen >= sizeof(struct xfrm_userpolicy_info))
			{
				policy_at(attr, alen, c);
			}
			else if (plen >= sizeof(pid))
			{
				memcpy(&pid, data, sizeof(pid));
				selector(&pid.sel, 0, c);
			}
			return true;
		case XFRM_MSG_POLEXPIRE:
			/* struct xfrm_user_polexpire starts with the policy */
			c->kind = DPC_CHANGE_XFRM_POLICY;
			policy_at(data, plen, c);
			return true;
		case XFRM_MSG_FLUSHPOLICY:
			c->kind = DPC_CHANGE_XFRM_POLICY;
			return true;
		case XFRM_MSG_NEWSA:
		case XFRM_MSG_UPDSA:
			c->kind = DPC_CHANGE_XFRM_STATE;
			state_at(data, plen, c);
			return true;
		case XFRM_MSG_DELSA:
			c->kind = DPC_CHANGE_XFRM_STATE;
			attr = find_attr(nlh, sizeof(id), XFRMA_SA, &alen);
			if (attr && alen >= sizeof(struct xfrm_usersa_info))
			{
				state_at(attr, alen, c);
			}
			else if (plen >= sizeof(id))
			{
				memcpy(&id, data, sizeof(id));
				c->spi = ntohl(id.spi);
				xfrm_addr(&c->daddr, id.family, &id.daddr);
				c->all = !c->spi && !c->daddr.family;
			}
			return true;
		case XFRM_MSG_EXPIRE:
			/* struct xfrm_user_expire starts with the state */
			c->kind = DPC_CHANGE_XFRM_EXPIRE;
			state_at(data, plen, c);
			return true;
		case XFRM_MSG_FLUSHSA:
			c->kind = DPC_CHANGE_XFRM_STATE;
			return true;
		default:
			return false;
	}
}

static bool parse_nft(const struct nlmsghdr *nlh, dpc_change_t *c)
{
	/* a transaction's messages end with NEWGEN: one change per commit */
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
		NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWGEN)
	{
		return false;
	}
	c->kind = DPC_CHANGE_NFT;
	c->all = true;
	return true;
}

bool dpc_change_parse(int protocol, const void *msg, size_t len,
					  dpc_change_t *change)
{
	const struct nlmsghdr *nlh = msg;

	memset(change, 0, sizeof(*change));
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
		nlh->nlmsg_len > len)
	{
		return false;
	}
	switch (protocol)
	{
		case NETLINK_ROUTE:
			return parse_rtnl(nlh, change);
		case NETLINK_XFRM:
			return parse_xfrm(nlh, change);
		case NETLINK_NETFILTER:
			return parse_nft(nlh, change);
		default:
			return false;
	}
}
