/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check.h"
#include "dpc_check_family.h"
#include "dpc_check_nf.h"

/**
 * iptables-mixed-backends: legacy and nftables rules at once.
 */
static void mixed_backends(dpc_check_ctx_t *ctx)
{
	const nfsim_ruleset_t *rs;
	dpc_finding_t *f;
	size_t legacy, nft;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs)
	{
		return;
	}
	legacy = nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_LEGACY);
	nft = nfsim_ruleset_rule_count(rs, NFSIM_BACKEND_NFT);
	if (!legacy || !nft)
	{
		return;
	}
	f = dpc_check_add(ctx, "iptables-mixed-backends", DPC_WARNING, NULL, NULL);
	if (!f)
	{
		return;
	}
	dpc_finding_message(f, "rules are loaded both through iptables-legacy "
						"(x_tables) and nftables: both are evaluated, each "
						"tool shows only its own, and an exemption in one "
						"does not help against a NAT or drop rule in the "
						"other");
	dpc_finding_evidence(f, "legacy_rules", "%zu", legacy);
	dpc_finding_evidence(f, "nftables_rules", "%zu", nft);
	dpc_finding_hint(f, "move everything to one backend (iptables-legacy-save "
					 "| iptables-nft-restore, then flush the legacy tables "
					 "and unload the ip_tables modules); check "
					 "'iptables-legacy-save' and 'nft list ruleset'");
}

/**
 * iptables-mixed-backends: gateway-wide.
 */
const dpc_check_family_t dpc_check_family_nf_backends = {
	.name = "nf-backends",
	.host = mixed_backends,
};
