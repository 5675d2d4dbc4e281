/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_rtnl_parse.h"
#include "dpc_rtnl_attr.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

/**
 * State while parsing a rule.
 */
typedef struct {
	/** the rule */
	dpc_rule_t *rule;
	/** FRA_TABLE seen */
	bool has_table;
	/** FRA_FWMASK seen */
	bool has_mask;
} rule_ctx_t;

/**
 * Attributes of RTM_NEWRULE.
 */
static bool rule_attr(const struct nlattr *attr, void *data)
{
	rule_ctx_t *ctx = data;
	dpc_rule_t *rule = ctx->rule;
	uint32_t value;

	switch (mnl_attr_get_type(attr))
	{
		case FRA_PRIORITY:
			return dpc_rtnl_attr_u32(attr, &rule->priority);
		case FRA_TABLE:
			ctx->has_table = true;
			return dpc_rtnl_attr_u32(attr, &rule->table);
		case FRA_SRC:
			return dpc_rtnl_attr_addr(attr, rule->family, &rule->src);
		case FRA_DST:
			return dpc_rtnl_attr_addr(attr, rule->family, &rule->dst);
		case FRA_IIFNAME:
			return dpc_rtnl_attr_str(attr, rule->iif, sizeof(rule->iif), false);
		case FRA_OIFNAME:
			return dpc_rtnl_attr_str(attr, rule->oif, sizeof(rule->oif), false);
		case FRA_FWMARK:
			return dpc_rtnl_attr_u32(attr, &rule->fwmark);
		case FRA_FWMASK:
			ctx->has_mask = true;
			return dpc_rtnl_attr_u32(attr, &rule->fwmask);
		case FRA_SUPPRESS_PREFIXLEN:
			if (!dpc_rtnl_attr_u32(attr, &value))
			{
				return false;
			}
			rule->suppress_prefixlen = (int32_t)value;
			return true;
		case FRA_L3MDEV:
		case FRA_UID_RANGE:
		case FRA_IP_PROTO:
		case FRA_SPORT_RANGE:
		case FRA_DPORT_RANGE:
		case FRA_TUN_ID:
			rule->other = true;
			return true;
		default:
			return true;
	}
}

/**
 * Print a rule as "ip rule" does.
 */
static void format_rule(dpc_rule_t *rule)
{
	char *t = rule->text;
	size_t len = sizeof(rule->text);

	snprintf(t, len, "%u:\t%s", rule->priority, rule->invert ? "not " : "");
	dpc_rtnl_append(t, len, "from ");
	if (rule->src.family)
	{
		dpc_rtnl_append_prefix(t, len, &rule->src, rule->src_len);
	}
	else
	{
		dpc_rtnl_append(t, len, "all");
	}
	if (rule->dst.family)
	{
		dpc_rtnl_append(t, len, " to ");
		dpc_rtnl_append_prefix(t, len, &rule->dst, rule->dst_len);
	}
	if (rule->fwmark || rule->fwmask)
	{
		dpc_rtnl_append(t, len, " fwmark %#x", rule->fwmark);
		if (rule->fwmask != 0xffffffff)
		{
			dpc_rtnl_append(t, len, "/%#x", rule->fwmask);
		}
	}
	if (rule->iif[0])
	{
		dpc_rtnl_append(t, len, " iif %s", rule->iif);
	}
	if (rule->oif[0])
	{
		dpc_rtnl_append(t, len, " oif %s", rule->oif);
	}
	switch (rule->action)
	{
		case FR_ACT_TO_TBL:
			switch (rule->table)
			{
				case RT_TABLE_MAIN:
					dpc_rtnl_append(t, len, " lookup main");
					break;
				case RT_TABLE_LOCAL:
					dpc_rtnl_append(t, len, " lookup local");
					break;
				case RT_TABLE_DEFAULT:
					dpc_rtnl_append(t, len, " lookup default");
					break;
				default:
					dpc_rtnl_append(t, len, " lookup %u", rule->table);
					break;
			}
			if (rule->suppress_prefixlen >= 0)
			{
				dpc_rtnl_append(t, len, " suppress_prefixlength %d",
								rule->suppress_prefixlen);
			}
			break;
		case FR_ACT_BLACKHOLE:
			dpc_rtnl_append(t, len, " blackhole");
			break;
		case FR_ACT_UNREACHABLE:
			dpc_rtnl_append(t, len, " unreachable");
			break;
		case FR_ACT_PROHIBIT:
			dpc_rtnl_append(t, len, " prohibit");
			break;
		case FR_ACT_GOTO:
			dpc_rtnl_append(t, len, " goto");
			break;
		default:
			dpc_rtnl_append(t, len, " action %u", rule->action);
			break;
	}
}

bool dpc_rtnl_parse_rule(const struct nlmsghdr *nlh, size_t len,
						 dpc_rule_t *rule)
{
	rule_ctx_t ctx = { .rule = rule };
	struct fib_rule_hdr frh;
	size_t max;

	memset(rule, 0, sizeof(*rule));
	rule->suppress_prefixlen = -1;
	if (!dpc_rtnl_msg_ok(nlh, len, RTM_NEWRULE, sizeof(frh)))
	{
		return false;
	}
	memcpy(&frh, mnl_nlmsg_get_payload(nlh), sizeof(frh));
	max = dpc_addr_len(frh.family) * 8;
	if ((frh.family != AF_INET && frh.family != AF_INET6) ||
		frh.src_len > max || frh.dst_len > max)
	{
		return false;
	}
	rule->family = frh.family;
	rule->action = frh.action;
	rule->table = frh.table;
	rule->src_len = frh.src_len;
	rule->dst_len = frh.dst_len;
	rule->invert = (frh.flags & FIB_RULE_INVERT) != 0;
	rule->other = frh.tos != 0;
	if (!dpc_rtnl_walk_msg_attrs(nlh, sizeof(frh), rule_attr, &ctx) ||
		(rule->src_len && !rule->src.family) ||
		(rule->dst_len && !rule->dst.family))
	{
		memset(rule, 0, sizeof(*rule));
		return false;
	}
	if (rule->fwmark && !ctx.has_mask)
	{
		rule->fwmask = 0xffffffff;
	}
	if (rule->suppress_prefixlen == -1 ||
		rule->suppress_prefixlen > (int32_t)max)
	{	/* the kernel reports "none" as -1 (0xffffffff) */
		rule->suppress_prefixlen = -1;
	}
	format_rule(rule);
	return true;
}
