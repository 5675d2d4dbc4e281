/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * reject: drop, answering with an ICMP error or a TCP reset.
 */

#include "../nfsim_private.h"
#include "../nfsim_attr.h"

#include <linux/netfilter/nf_tables.h>

/**
 * Private data: a reject.
 */
typedef struct {
	/** NFT_REJECT_* */
	uint32_t type;
	/** ICMP code */
	uint8_t code;
} reject_t;

static void eval(const nfsim_expr_t *e, nfsim_ctx_t *ctx)
{
	ctx->verdict = NFSIM_V_REJECT;
}

/**
 * nft's names of the codes of icmpx, icmp (destination unreachable) and
 * icmpv6 (destination unreachable).
 */
static const char *icmpx_codes[] = {
	"no-route", "port-unreachable", "host-unreachable", "admin-prohibited",
};
static const char *icmp_codes[] = {
	"net-unreachable", "host-unreachable", "prot-unreachable",
	"port-unreachable", [9] = "net-prohibited", [10] = "host-prohibited",
	[13] = "admin-prohibited",
};
static const char *icmpv6_codes[] = {
	"no-route", "admin-prohibited", [3] = "addr-unreachable",
	"port-unreachable", "policy-fail", "reject-route",
};

/** a name table and its length */
#define NAMES(a) a, sizeof(a) / sizeof(a[0])

/**
 * Render "reject with KIND CODE", the code by name where it has one.
 */
static void render_code(nfsim_render_t *r, const char *kind,
						const char **names, size_t n, uint8_t code)
{
	if (code < n && names[code])
	{
		nfsim_render_printf(r, "reject with %s %s", kind, names[code]);
	}
	else
	{
		nfsim_render_printf(r, "reject with %s %u", kind, code);
	}
}

static void render(const nfsim_expr_t *e, nfsim_render_t *r)
{
	const reject_t *reject = nfsim_expr_data(e);

	nfsim_render_space(r);
	switch (reject->type)
	{
		case NFT_REJECT_TCP_RST:
			nfsim_render_printf(r, "reject with tcp reset");
			break;
		case NFT_REJECT_ICMPX_UNREACH:
			render_code(r, "icmpx", NAMES(icmpx_codes), reject->code);
			break;
		default:
			/* in inet tables the family is the rule's nfproto match:
			 * the code stays a number there */
			if (r->family == NFPROTO_IPV6)
			{
				render_code(r, "icmpv6", NAMES(icmpv6_codes), reject->code);
			}
			else if (r->family == NFPROTO_IPV4)
			{
				render_code(r, "icmp", NAMES(icmp_codes), reject->code);
			}
			else
			{
				nfsim_render_printf(r, "reject with icmp %u", reject->code);
			}
			break;
	}
}

bool nfsim_add_reject(nfsim_rule_t *rule, uint32_t type, uint8_t code)
{
	reject_t *reject = nfsim_rule_push(rule, &nfsim_expr_reject_ops);

	if (!reject)
	{
		return false;
	}
	reject->type = type;
	reject->code = code;
	return true;
}

/* ---- decoding (nf_tables netlink attributes) ---- */

static void decode(nfsim_rule_t *rule, const char *name, uint8_t family,
				   const nfsim_attr_tb_t *tb)
{
	uint8_t code = 0;

	nfsim_attr_u8(tb->tb[NFTA_REJECT_ICMP_CODE], &code);
	nfsim_add_reject(rule, nfsim_attr_u32_or(tb->tb[NFTA_REJECT_TYPE], 0),
					 code);
}

/**
 * nf_tables expressions this kind is decoded from.
 */
static const nfsim_expr_decoder_t decoders[] = {
	{ "reject", decode },
	{ NULL, NULL },
};

const nfsim_expr_ops_t nfsim_expr_reject_ops = {
	.name = "reject",
	.data_len = sizeof(reject_t),
	.eval = eval,
	.render = render,
	.decoders = decoders,
};
