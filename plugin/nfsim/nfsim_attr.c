/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "nfsim_attr.h"

#include <linux/netfilter/nf_tables.h>

/**
 * Collect attributes by type.
 */
static int tb_cb(const struct nlattr *attr, void *data)
{
	nfsim_attr_tb_t *tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= NFSIM_ATTR_MAX)
	{
		tb->tb[type] = attr;
	}
	return MNL_CB_OK;
}

bool nfsim_attr_parse_nested(const struct nlattr *nest, nfsim_attr_tb_t *tb)
{
	memset(tb, 0, sizeof(*tb));
	if (!nest || mnl_attr_get_len(nest) < MNL_ATTR_HDRLEN)
	{
		return false;
	}
	return mnl_attr_parse_nested(nest, tb_cb, tb) >= 0;
}

bool nfsim_attr_parse_msg(const struct nlmsghdr *nlh, nfsim_attr_tb_t *tb)
{
	memset(tb, 0, sizeof(*tb));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(4))
	{
		return false;
	}
	return mnl_attr_parse(nlh, MNL_ALIGN(4), tb_cb, tb) >= 0;
}

bool nfsim_attr_value(const struct nlattr *nest, const uint8_t **data,
					  uint32_t *len, uint32_t max)
{
	nfsim_attr_tb_t tb;
	const struct nlattr *v;

	if (!nfsim_attr_parse_nested(nest, &tb))
	{
		return false;
	}
	v = tb.tb[NFTA_DATA_VALUE];
	if (!v || mnl_attr_get_payload_len(v) == 0 ||
		mnl_attr_get_payload_len(v) > max)
	{
		return false;
	}
	*data = mnl_attr_get_payload(v);
	*len = mnl_attr_get_payload_len(v);
	return true;
}

bool nfsim_attr_verdict(const struct nlattr *nest, int *code,
						const char **chain)
{
	nfsim_attr_tb_t tb, vtb;
	uint32_t c;

	if (!nfsim_attr_parse_nested(nest, &tb) || !tb.tb[NFTA_DATA_VERDICT] ||
		!nfsim_attr_parse_nested(tb.tb[NFTA_DATA_VERDICT], &vtb) ||
		!nfsim_attr_u32(vtb.tb[NFTA_VERDICT_CODE], &c))
	{
		return false;
	}
	*code = (int32_t)c;
	*chain = nfsim_attr_str(vtb.tb[NFTA_VERDICT_CHAIN]);
	return true;
}
