/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "nfsim_fixture.h"

#include <facts/nft/dpc_nft_read.h>
#include <nfsim/nfsim_ruleset.h>

#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

static void write_hex(FILE *f, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
	{
		fprintf(f, "%02x", p[i]);
	}
}

void nfsim_fixture_nft_tap(void *file, const struct nlmsghdr *nlh)
{
	struct nlmsghdr *copy;
	struct nlattr *attr;

	copy = malloc(nlh->nlmsg_len);
	if (!copy)
	{
		return;
	}
	memcpy(copy, nlh, nlh->nlmsg_len);
	/* sequence numbers, port ids and the reader's pid differ between
	 * captures: zero them so a capture of the same ruleset is the same */
	copy->nlmsg_seq = 0;
	copy->nlmsg_pid = 0;
	if (NFNL_MSG_TYPE(copy->nlmsg_type) == NFT_MSG_NEWGEN &&
		copy->nlmsg_len >= MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)))
	{
		mnl_attr_for_each(attr, copy, sizeof(struct nfgenmsg))
		{
			if (mnl_attr_get_type(attr) == NFTA_GEN_PROC_PID &&
				mnl_attr_get_payload_len(attr) >= sizeof(uint32_t))
			{
				memset(mnl_attr_get_payload(attr), 0, sizeof(uint32_t));
			}
		}
	}
	fprintf(file, "nft ");
	write_hex(file, copy, copy->nlmsg_len);
	fprintf(file, "\n");
	free(copy);
}

void nfsim_fixture_ipt_tap(void *file, const dpc_ipt_record_t *rec)
{
	int fam = rec->family == NFPROTO_IPV6 ? 6 : 4;

	if (rec->kind == DPC_IPT_CHAIN)
	{
		fprintf(file, "ipt %d chain %s %s %s\n", fam, rec->table, rec->chain,
				rec->policy ? rec->policy : "-");
		return;
	}
	fprintf(file, "ipt %d rule %s %s %s ", fam, rec->table, rec->chain,
			rec->target && rec->target[0] ? rec->target : "-");
	write_hex(file, rec->entry, rec->len);
	fprintf(file, "\n");
}

/**
 * Decode hex into a new buffer (8-byte aligned, like a receive buffer).
 */
static uint8_t *unhex(const char *s, size_t *len)
{
	size_t n = strlen(s) / 2, i;
	uint8_t *buf;
	unsigned v;

	buf = malloc(n ? n : 1);
	if (!buf)
	{
		return NULL;
	}
	for (i = 0; i < n; i++)
	{
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
		{
			free(buf);
			return NULL;
		}
		buf[i] = v;
	}
	*len = n;
	return buf;
}

nfsim_ruleset_t *nfsim_fixture_load(const char *path, uint32_t *genid,
									unsigned *bad)
{
	char *line = NULL, *tok[7], *save;
	size_t cap = 0, len;
	unsigned errors = 0;
	nfsim_ruleset_t *rs;
	uint8_t *data;
	FILE *f;
	int n;

	f = fopen(path, "r");
	if (!f)
	{
		return NULL;
	}
	rs = nfsim_ruleset_create();
	while (rs && getline(&line, &cap, f) > 0)
	{
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
		{
			continue;
		}
		for (n = 0, save = NULL; n < 7; n++)
		{
			tok[n] = strtok_r(n ? NULL : line, " ", &save);
			if (!tok[n])
			{
				break;
			}
		}
		if (n == 2 && strcmp(tok[0], "nft") == 0)
		{
			data = unhex(tok[1], &len);
			if (!data || !dpc_nft_parse_msg(rs, (void*)data, len, genid))
			{
				errors++;
			}
			free(data);
		}
		else if (n >= 6 && strcmp(tok[0], "ipt") == 0)
		{
			dpc_ipt_record_t rec = {
				.family = tok[1][0] == '6' ? NFPROTO_IPV6 : NFPROTO_IPV4,
				.table = tok[3],
				.chain = tok[4],
			};

			data = NULL;
			if (strcmp(tok[2], "chain") == 0 && n == 6)
			{
				rec.kind = DPC_IPT_CHAIN;
				rec.policy = strcmp(tok[5], "-") ? tok[5] : NULL;
			}
			else if (strcmp(tok[2], "rule") == 0 && n == 7)
			{
				rec.kind = DPC_IPT_RULE;
				rec.target = strcmp(tok[5], "-") ? tok[5] : "";
				data = unhex(tok[6], &rec.len);
				rec.entry = data;
			}
			if (!dpc_ipt_add(rs, &rec))
			{
				errors++;
			}
			free(data);
		}
		else
		{
			errors++;
		}
	}
	free(line);
	fclose(f);
	if (rs)
	{
		errors += nfsim_ruleset_finalize(rs);
	}
	if (bad)
	{
		*bad = errors;
	}
	return rs;
}
