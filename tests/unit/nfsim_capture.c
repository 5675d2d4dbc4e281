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
 */

#include "nfsim_fixture.h"

#include <facts/nft/dpc_nft_read.h>
#include <facts/ipt/dpc_ipt_read.h>
#include <nfsim/nfsim_ruleset.h>

#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

int main(int argc, char *argv[])
{
	nfsim_ruleset_t *rs;
	char line[1024];
	uint32_t genid;
	FILE *out;
	int ret;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s FIXTURE < description\n", argv[0]);
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
