/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Records the netfilter ruleset of the current network namespace as a
 * fixture (see nfsim_fixture.h) through the plugin's readers. Needs
 * CAP_NET_ADMIN; run it in a throwaway namespace:
 *
 *   ip netns exec NS nfsim_capture out.nl < description
 *
 * Lines read from stdin are stored as comments.
 *
 *   nfsim_capture --show fixture.nl
 *
 * prints every rule of a fixture as the simulator decoded and renders it
 * (where it is, then the rule), e.g. to list the expressions, matches and
 * targets a generated ruleset uses.
 */

#include "nfsim_fixture.h"

#include <facts/nft/dpc_nft_read.h>
#include <facts/ipt/dpc_ipt_read.h>
#include <nfsim/nfsim_ruleset.h>

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

/**
 * Print the rules of a fixture, one a line.
 */
static int show(const char *path)
{
	const nfsim_table_t *t;
	const nfsim_chain_t *c;
	nfsim_ruleset_t *rs;
	char where[128], text[1024];
	unsigned bad = 0;
	size_t i, j, k;

	rs = nfsim_fixture_load(path, NULL, &bad);
	if (!rs)
	{
		perror(path);
		return 1;
	}
	for (i = 0; i < nfsim_ruleset_table_count(rs); i++)
	{
		t = nfsim_ruleset_table(rs, i);
		for (j = 0; j < nfsim_table_chain_count(t); j++)
		{
			c = nfsim_table_chain(t, j);
			for (k = 0; k < nfsim_chain_rule_count(c); k++)
			{
				printf("%s: %s\n",
					   nfsim_rule_where(nfsim_chain_rule(c, k), where,
										sizeof(where)),
					   nfsim_rule_format(nfsim_chain_rule(c, k), text,
										 sizeof(text)));
			}
		}
	}
	nfsim_ruleset_destroy(rs);
	if (bad)
	{
		fprintf(stderr, "%s: %u records did not decode\n", path, bad);
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	nfsim_ruleset_t *rs;
	char line[1024];
	uint32_t genid;
	FILE *out;
	int ret;

	if (argc == 3 && strcmp(argv[1], "--show") == 0)
	{
		return show(argv[2]);
	}
	if (argc != 2)
	{
		fprintf(stderr, "usage: %s FIXTURE < description\n"
				"       %s --show FIXTURE\n", argv[0], argv[0]);
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out)
	{
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin))
	{
		fprintf(out, "# %s", line);
		if (!strchr(line, '\n'))
		{
			fprintf(out, "\n");
		}
	}
	rs = nfsim_ruleset_create();
	ret = dpc_nft_read(rs, &genid, NULL, nfsim_fixture_nft_tap, out);
	if (ret < 0)
	{
		fprintf(stderr, "reading nftables failed: %s\n", strerror(-ret));
		return 1;
	}
	ret = dpc_ipt_read(rs, NFPROTO_IPV4, NULL, nfsim_fixture_ipt_tap, out);
	if (ret >= 0)
	{
		ret = dpc_ipt_read(rs, NFPROTO_IPV6, NULL, nfsim_fixture_ipt_tap, out);
	}
	if (ret < 0)
	{
		fprintf(stderr, "reading legacy tables failed: %s\n", strerror(-ret));
		return 1;
	}
	fclose(out);
	printf("%s: generation %u, %zu nft rules, %zu legacy rules, %u unresolved\n",
		   argv[1], genid, nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_NFT),
		   nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_LEGACY),
		   nfsim_ruleset_finalize(rs));
	nfsim_ruleset_destroy(rs);
	return 0;
}
