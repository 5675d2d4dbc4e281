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

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/**
 * Run postrouting on a new connection's first packet of one direction of a
 * CHILD_SA, report it if uncertain.
 *
 * @return			TRUE if it sets up source NAT (SNAT or masquerade)
 */
static bool source_natted(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child,
						  const nfsim_ruleset_t *rs, const dpc_path_t *p,
						  bool inbound, nfsim_result_t *res)
{
	nfsim_packet_t pkt;

	dpc_nf_direction(ctx->facts, ike, child, p, inbound, NFSIM_CT_NEW, &pkt);
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &pkt, res);
	dpc_nf_uncertain(ctx, ike, child, inbound ?
					 "inbound tunnel traffic in postrouting" :
					 "outbound tunnel traffic in postrouting", res);
	return res->nat.type == NFSIM_NAT_SNAT ||
		   res->nat.type == NFSIM_NAT_MASQUERADE;
}

/**
 * nat-hides-source (direction in): source NAT of decrypted traffic towards
 * the LAN hides the remote hosts behind the gateway.
 */
static void source_nat_in(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						  const dpc_child_rec_t *child,
						  const nfsim_ruleset_t *rs, const dpc_path_t *p)
{
	nfsim_result_t res;
	dpc_finding_t *f;
	dpc_addr_t nat = { .family = p->lhost.family };
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN];
	char a[DPC_ADDR_STRLEN], b[DPC_ADDR_STRLEN];

	if (!source_natted(ctx, ike, child, rs, p, true, &res))
	{
		return;
	}
	f = dpc_check_add(ctx, "nat-hides-source", DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	memcpy(nat.a, res.nat.addr, sizeof(nat.a));
	dpc_ts_to_str(&p->lts, lts, sizeof(lts));
	dpc_ts_to_str(&p->rts, rts, sizeof(rts));
	dpc_check_discrim(ctx, f, "in");
	dpc_finding_message(f, "%s rewrites the source of decrypted %s -> %s "
						"traffic to %s: the LAN hosts see this gateway "
						"instead of the remote hosts (host-based rules and "
						"logs lose them, connections from the LAN to the "
						"far side are not affected)",
						nfsim_nat_name(res.nat.type), rts, lts,
						res.nat.addr_known ? dpc_addr_to_str(&nat, a, sizeof(a))
										   : "the gateway's address");
	dpc_finding_evidence(f, "direction", "in");
	dpc_nf_evidence(f, "rule", &res);
	dpc_finding_evidence(f, "packet", "%s -> %s iif %s oif %s",
						 dpc_addr_to_str(&p->rhost, a, sizeof(a)),
						 dpc_addr_to_str(&p->lhost, b, sizeof(b)), p->tun,
						 p->lan);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM)
	{
		dpc_finding_hint(f, "exempt decrypted traffic before that rule: nft "
						 "'ip saddr %s accept' first in the postrouting nat "
						 "chain (IPsec matches are not allowed there; or mark "
						 "it in forward with 'meta ipsec exists meta mark set "
						 "0x1' and exempt 'meta mark 0x1'); iptables -t nat "
						 "-I POSTROUTING -s %s -d %s -j ACCEPT", rts, rts, lts);
	}
	else
	{
		dpc_finding_hint(f, "exempt decrypted traffic before that rule: nft "
						 "'iifname \"%s\" accept' (or 'ip saddr %s accept') "
						 "first in the postrouting nat chain; iptables -t "
						 "nat -I POSTROUTING -s %s -d %s -j ACCEPT", p->tun,
						 rts, rts, lts);
	}
}

/**
 * nat-before-ipsec / nat-hides-source (direction out): source NAT of
 * traffic into the tunnel.
 */
static void source_nat_out(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child,
						   const nfsim_ruleset_t *rs, const dpc_path_t *p)
{
	nfsim_result_t res;
	dpc_finding_t *f;
	dpc_addr_t nat;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN];
	char a[DPC_ADDR_STRLEN], b[DPC_ADDR_STRLEN];
	bool inside;

	if (!source_natted(ctx, ike, child, rs, p, false, &res))
	{
		return;
	}
	memset(&nat, 0, sizeof(nat));
	nat.family = p->lhost.family;
	memcpy(nat.a, res.nat.addr, sizeof(nat.a));
	inside = res.nat.addr_known &&
			 dpc_ts_contains_addr(&p->lts, &nat);
	dpc_ts_to_str(&p->lts, lts, sizeof(lts));
	dpc_ts_to_str(&p->rts, rts, sizeof(rts));
	if (inside)
	{
		f = dpc_check_add(ctx, "nat-hides-source", DPC_WARNING, ike, child);
		if (!f)
		{
			return;
		}
		dpc_check_discrim(ctx, f, "out");
		dpc_finding_evidence(f, "direction", "out");
		dpc_finding_message(f, "%s rewrites the source of %s -> %s traffic "
							"to %s: it still matches the CHILD_SA, but the "
							"far side sees this gateway instead of the hosts",
							nfsim_nat_name(res.nat.type), lts, rts,
							dpc_addr_to_str(&nat, a, sizeof(a)));
	}
	else
	{
		f = dpc_check_add(ctx, "nat-before-ipsec",
						  res.nat.addr_known ? DPC_ERROR : DPC_WARNING,
						  ike, child);
		if (!f)
		{
			return;
		}
		if (res.nat.addr_known)
		{
			dpc_finding_message(f, "%s rewrites the source of %s -> %s "
								"traffic to %s, outside the local traffic "
								"selectors: it no longer matches the IPsec "
								"policy and is %s",
								nfsim_nat_name(res.nat.type), lts, rts,
								dpc_addr_to_str(&nat, a, sizeof(a)),
								ctx->facts->get_dataplane(ctx->facts) ==
									DPC_DATAPLANE_LIBIPSEC ?
									"dropped by kernel-libipsec" :
									"sent in cleartext or dropped");
		}
		else
		{
			dpc_finding_message(f, "%s rewrites the source of %s -> %s "
								"traffic before the IPsec policy lookup; the "
								"new address is likely outside the local "
								"traffic selectors", nfsim_nat_name(res.nat.type),
								lts, rts);
		}
	}
	dpc_nf_evidence(f, "rule", &res);
	dpc_finding_evidence(f, "packet", "%s -> %s oif %s",
						 dpc_addr_to_str(&p->lhost, a, sizeof(a)),
						 dpc_addr_to_str(&p->rhost, b, sizeof(b)), p->out);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM)
	{
		dpc_finding_hint(f, "exempt IPsec traffic before that rule: nft "
						 "'rt ipsec exists accept' (or '%s daddr %s accept') "
						 "first in the postrouting nat chain, or %s "
						 "-t nat -I POSTROUTING -m policy --pol ipsec --dir "
						 "out -j ACCEPT", dpc_nf_ip(p->family), rts,
						 dpc_nf_iptables(p->family));
	}
	else
	{
		dpc_finding_hint(f, "kernel-libipsec sends tunnel traffic out of %s, "
						 "where IPsec policy matches don't apply: exclude it "
						 "from NAT, e.g. 'oifname %s accept' or '%s saddr %s "
						 "%s daddr %s accept' before that rule", p->out,
						 p->out, dpc_nf_ip(p->family), lts,
						 dpc_nf_ip(p->family), rts);
	}
}

/**
 * nat-before-ipsec, nat-hides-source: source NAT of tunnel traffic, both
 * directions.
 */
static void source_nat(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   const dpc_child_rec_t *child)
{
	const nfsim_ruleset_t *rs;
	const dpc_path_t *p;

	if (!dpc_nf_forwarded(ctx, ike, child, &rs, &p))
	{
		return;
	}
	source_nat_out(ctx, ike, child, rs, p);
	source_nat_in(ctx, ike, child, rs, p);
}

/**
 * nat-rewrites-ike: the gateway's own IKE/NAT-T packets must keep their
 * address and port, or the peer loses them after a while.
 */
static void ike_nat(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const nfsim_ruleset_t *rs;
	nfsim_packet_t pkt;
	nfsim_result_t res;
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_finding_t *f;
	dpc_addr_t nat;
	char a[DPC_ADDR_STRLEN], r[DPC_ADDR_STRLEN];
	bool addr_changes, port_changes;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs)
	{
		return;
	}
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (!ike->local.family || ike->local.family != ike->remote.family ||
		!ctx->facts->route_get(ctx->facts, &q, &route) || route.error)
	{
		return;
	}
	dpc_nf_packet(ctx->facts, &pkt, &ike->local, &ike->remote, IPPROTO_UDP);
	pkt.sport = ike->local.port;
	pkt.dport = ike->remote.port;
	dpc_nf_ifaces(&pkt, "", route.oif);
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &pkt, &res);
	if (res.nat.type != NFSIM_NAT_SNAT && res.nat.type != NFSIM_NAT_MASQUERADE)
	{
		return;
	}
	memset(&nat, 0, sizeof(nat));
	nat.family = ike->local.family;
	memcpy(nat.a, res.nat.addr, sizeof(nat.a));
	addr_changes = !res.nat.addr_known || dpc_addr_cmp(&nat, &ike->local);
	port_changes = (res.nat.flags & (NFSIM_NAT_RANDOM |
									 NFSIM_NAT_RANDOM_FULLY)) ||
				   ((res.nat.flags & NFSIM_NAT_PORTS) &&
					(ike->local.port < res.nat.port_min ||
					 ike->local.port > res.nat.port_max));
	if (!addr_changes && !port_changes)
	{	/* masquerade keeping address and port (unless ports clash) */
		return;
	}
	f = dpc_check_add(ctx, "nat-rewrites-ike", DPC_WARNING, ike, NULL);
	if (!f)
	{
		return;
	}
	dpc_finding_message(f, "%s rewrites this gateway's own IKE/NAT-T "
						"packets to the peer (%s%s%s): the peer answers to "
						"a mapping that changes or expires",
						nfsim_nat_name(res.nat.type),
						addr_changes ? "source address" : "",
						addr_changes && port_changes ? " and " : "",
						port_changes ? "source port" : "");
	dpc_finding_evidence(f, "packet", "UDP %s:%u -> %s:%u oif %s",
						 dpc_addr_to_str(&ike->local, a, sizeof(a)),
						 ike->local.port,
						 dpc_addr_to_str(&ike->remote, r, sizeof(r)),
						 ike->remote.port, route.oif);
	dpc_nf_evidence(f, "rule", &res);
	dpc_finding_hint(f, "exempt the gateway's own UDP 500/4500 from NAT "
					 "before that rule (nft 'udp sport { 500, 4500 } "
					 "accept' in the postrouting nat chain), or drop "
					 "random-fully for it");
}

/**
 * nat-rewrites-ike (per IKE_SA), nat-before-ipsec and nat-hides-source
 * (per CHILD_SA): source NAT of the gateway's own IKE packets and of
 * tunnel traffic.
 */
const dpc_check_family_t dpc_check_family_nf_nat = {
	.name = "nf-nat",
	.per_family = true,
	.ike = ike_nat,
	.child = source_nat,
};
