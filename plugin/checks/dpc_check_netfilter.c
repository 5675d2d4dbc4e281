/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check.h"
#include "dpc_check_util.h"
#include "dpc_check_nf.h"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/** ICMP type/code of "fragmentation needed", ICMPv6 "packet too big" */
#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMPV6_PKT_TOOBIG 2
/** ICMP echo request */
#define ICMP_ECHO 8
#define ICMPV6_ECHO 128

/**
 * Where one direction of a CHILD_SA's forwarded traffic goes.
 */
typedef struct {
	/** a LAN host and a remote host */
	dpc_addr_t lhost, rhost;
	/** LAN interface, interface of decrypted packets, of encrypted ones */
	char lan[IF_NAMESIZE], tun[IF_NAMESIZE], out[IF_NAMESIZE];
	/** all of the above are known */
	bool ok;
} nf_path_t;

/*
 * Described in dpc_check_nf.h
 */
void dpc_nf_packet(dpc_check_ctx_t *ctx, nfsim_packet_t *pkt,
				   const dpc_addr_t *src, const dpc_addr_t *dst, uint8_t proto)
{
	const nfsim_ifaddr_t *addrs;

	memset(pkt, 0, sizeof(*pkt));
	pkt->family = src->family;
	memcpy(pkt->src, src->a, sizeof(pkt->src));
	memcpy(pkt->dst, dst->a, sizeof(pkt->dst));
	pkt->proto = proto;
	pkt->ct_state = NFSIM_CT_NEW;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
	{
		pkt->icmp_type = src->family == AF_INET6 ? ICMPV6_ECHO : ICMP_ECHO;
	}
	pkt->addr_count = ctx->facts->get_addrs(ctx->facts, &addrs);
	pkt->addrs = addrs;
	pkt->known |= NFSIM_PKT_ADDRS_COMPLETE;
}

/*
 * Described in dpc_check_nf.h
 */
void dpc_nf_ifaces(nfsim_packet_t *pkt, const char *iif, const char *oif)
{
	if (iif)
	{
		snprintf(pkt->iif, sizeof(pkt->iif), "%s", iif);
		pkt->known |= NFSIM_PKT_IIF;
	}
	if (oif)
	{
		snprintf(pkt->oif, sizeof(pkt->oif), "%s", oif);
		pkt->known |= NFSIM_PKT_OIF;
	}
}

/*
 * Described in dpc_check_nf.h
 */
void dpc_nf_xfrm(nfsim_xfrm_t *x, const dpc_ike_rec_t *ike,
				 const dpc_child_rec_t *child, bool inbound)
{
	memset(x, 0, sizeof(*x));
	x->present = true;
	x->known = NFSIM_XFRM_REQID | NFSIM_XFRM_PROTO | NFSIM_XFRM_MODE |
			   NFSIM_XFRM_SPI;
	x->reqid = child->reqid;
	x->spi = inbound ? child->spi_in : child->spi_out;
	x->proto = dpc_streq(child->protocol, "AH") ? IPPROTO_AH : IPPROTO_ESP;
	x->tunnel = !dpc_streq(child->mode, "TRANSPORT");
	if (ike->local.family == ike->remote.family)
	{
		x->known |= NFSIM_XFRM_ADDRS;
		x->family = ike->local.family;
		memcpy(x->saddr, inbound ? ike->remote.a : ike->local.a,
			   sizeof(x->saddr));
		memcpy(x->daddr, inbound ? ike->local.a : ike->remote.a,
			   sizeof(x->daddr));
	}
}

/*
 * Described in dpc_check_nf.h
 */
void dpc_nf_evidence(dpc_finding_t *f, const char *key,
					 const nfsim_result_t *res)
{
	char where[128], rule[NFSIM_RULE_STRLEN];

	if (res->rule)
	{
		nfsim_rule_where(res->rule, where, sizeof(where));
		nfsim_rule_format(res->rule, rule, sizeof(rule));
		dpc_finding_evidence(f, key, "%s: %s", where, rule);
	}
	else if (res->chain)
	{
		const nfsim_table_t *table = nfsim_chain_table(res->chain);
		bool legacy = nfsim_table_backend(table) == NFSIM_BACKEND_LEGACY;

		dpc_finding_evidence(f, key, "%s %s %s policy %s",
				legacy ? (nfsim_table_family(table) == NFPROTO_IPV6 ?
						  "ip6tables-legacy" : "iptables-legacy")
					   : nfsim_family_name(nfsim_table_family(table)),
				nfsim_table_name(table), nfsim_chain_name(res->chain),
				nfsim_verdict_name(res->verdict));
	}
}

/**
 * Does a verdict stop the packet?
 */
static inline bool stops(nfsim_verdict_t verdict)
{
	return verdict == NFSIM_VERDICT_DROP || verdict == NFSIM_VERDICT_REJECT;
}

/**
 * Report a verdict the simulator could not judge (one per subject and
 * question).
 */
static void uncertain(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const char *question,
					  const nfsim_result_t *res)
{
	dpc_finding_t *f;
	char where[128], rule[NFSIM_RULE_STRLEN];

	if (res->certain)
	{
		return;
	}
	f = dpc_check_add(ctx, "ruleset-uncertain", DPC_INFO, ike, child);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s", question);
	dpc_finding_message(f, "whether netfilter lets %s through depends on "
						"'%s', which cannot be judged without a real packet "
						"(possible verdicts: %s or %s)", question,
						res->unknown_what, nfsim_verdict_name(res->verdict),
						nfsim_verdict_name(res->alt_verdict));
	if (res->unknown_rule)
	{
		nfsim_rule_where(res->unknown_rule, where, sizeof(where));
		nfsim_rule_format(res->unknown_rule, rule, sizeof(rule));
		dpc_finding_evidence(f, "rule", "%s: %s", where, rule);
	}
	dpc_finding_hint(f, "trace a real packet with 'nft monitor trace' "
					 "(meta nftrace set 1) to see the verdict");
}

/**
 * Work out the interfaces of a CHILD_SA's forwarded traffic.
 */
static bool find_path(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, nf_path_t *p)
{
	dpc_route_query_t q;
	dpc_route_t route;

	memset(p, 0, sizeof(*p));
	if (!child->local.count || !child->remote.count ||
		dpc_check_gateway_only(ctx, &child->local) ||
		!dpc_check_local_host(ctx, &child->local.ts[0], &p->lhost))
	{
		return false;
	}
	dpc_check_remote_host(&child->remote.ts[0], &p->rhost);
	if (!dpc_check_lan_iif(ctx, &child->local.ts[0], &p->lhost, p->lan) ||
		!dpc_check_tunnel_iif(ctx, ike, child, p->tun))
	{
		return false;
	}
	/* encrypted packets leave where the route to the remote host points
	 * (kernel-libipsec: the TUN device) */
	memset(&q, 0, sizeof(q));
	q.dst = p->rhost;
	q.src = p->lhost;
	memcpy(q.iif, p->lan, IF_NAMESIZE);
	if (!ctx->facts->route_get(ctx->facts, &q, &route) || route.error ||
		!route.oif[0])
	{
		return false;
	}
	memcpy(p->out, route.oif, IF_NAMESIZE);
	p->ok = true;
	return true;
}

/**
 * The outbound packet of a CHILD_SA as it leaves the LAN.
 */
static void outbound_packet(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
							const dpc_child_rec_t *child, const nf_path_t *p,
							uint32_t ct, nfsim_packet_t *pkt)
{
	dpc_nf_packet(ctx, pkt, &p->lhost, &p->rhost,
				  p->lhost.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	pkt->ct_state = ct;
	dpc_nf_ifaces(pkt, p->lan, p->out);
	/* with XFRM an outbound policy transforms it; kernel-libipsec reads
	 * it from the TUN device without any XFRM */
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM)
	{
		dpc_nf_xfrm(&pkt->xfrm_out, ike, child, false);
	}
}

/**
 * The inbound packet of a CHILD_SA after decryption.
 */
static void inbound_packet(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child, const nf_path_t *p,
						   uint32_t ct, nfsim_packet_t *pkt)
{
	dpc_nf_packet(ctx, pkt, &p->rhost, &p->lhost,
				  p->lhost.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	pkt->ct_state = ct;
	if (ct == NFSIM_CT_ESTABLISHED)
	{
		pkt->ct_dir = 1;
	}
	dpc_nf_ifaces(pkt, p->tun, p->lan);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM)
	{
		dpc_nf_xfrm(&pkt->xfrm_in, ike, child, true);
	}
}

/**
 * nat-before-ipsec / nat-hides-source: source NAT of tunnel traffic.
 */
static void source_nat(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
					   const dpc_ike_rec_t *ike, const dpc_child_rec_t *child,
					   const nf_path_t *p)
{
	nfsim_packet_t pkt;
	nfsim_result_t res;
	dpc_finding_t *f;
	dpc_addr_t nat;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN];
	char a[DPC_ADDR_STRLEN], b[DPC_ADDR_STRLEN];
	bool inside;

	outbound_packet(ctx, ike, child, p, NFSIM_CT_NEW, &pkt);
	nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &pkt, &res);
	uncertain(ctx, ike, child, "outbound tunnel traffic in postrouting",
			  &res);
	if (res.nat.type != NFSIM_NAT_SNAT && res.nat.type != NFSIM_NAT_MASQUERADE)
	{
		return;
	}
	memset(&nat, 0, sizeof(nat));
	nat.family = p->lhost.family;
	memcpy(nat.a, res.nat.addr, sizeof(nat.a));
	inside = res.nat.addr_known &&
			 dpc_ts_contains_addr(&child->local.ts[0], &nat);
	dpc_ts_to_str(&child->local.ts[0], lts, sizeof(lts));
	dpc_ts_to_str(&child->remote.ts[0], rts, sizeof(rts));
	if (inside)
	{
		f = dpc_check_add(ctx, "nat-hides-source", DPC_WARNING, ike, child);
		if (!f)
		{
			return;
		}
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
						 "'rt ipsec exists accept' (or 'ip daddr %s accept') "
						 "first in the postrouting nat chain, or iptables "
						 "-t nat -I POSTROUTING -m policy --pol ipsec --dir "
						 "out -j ACCEPT", lts);
	}
	else
	{
		dpc_finding_hint(f, "kernel-libipsec sends tunnel traffic out of %s, "
						 "where IPsec policy matches don't apply: exclude it "
						 "from NAT, e.g. 'oifname %s accept' or 'ip saddr %s "
						 "ip daddr %s accept' before that rule", p->out,
						 p->out, lts, rts);
	}
}

/**
 * Evaluate the FORWARD hook for one direction and state.
 */
static bool forward_blocks(const nfsim_ruleset_t *rs, nfsim_packet_t *pkt,
						   nfsim_result_t *res)
{
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, pkt, res);
	return stops(res->verdict);
}

/**
 * filter-blocks-forward: FORWARD must let tunnel traffic through both ways.
 */
static void forward_filter(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
						   const dpc_ike_rec_t *ike,
						   const dpc_child_rec_t *child, const nf_path_t *p)
{
	nfsim_packet_t pkt;
	nfsim_result_t new_res, est_res;
	dpc_finding_t *f;
	bool new_blocked, est_blocked;
	char lts[DPC_TS_STRLEN], rts[DPC_TS_STRLEN];
	int dir;

	dpc_ts_to_str(&child->local.ts[0], lts, sizeof(lts));
	dpc_ts_to_str(&child->remote.ts[0], rts, sizeof(rts));
	for (dir = 0; dir < 2; dir++)
	{
		if (dir == 0)
		{
			outbound_packet(ctx, ike, child, p, NFSIM_CT_NEW, &pkt);
			new_blocked = forward_blocks(rs, &pkt, &new_res);
			outbound_packet(ctx, ike, child, p, NFSIM_CT_ESTABLISHED, &pkt);
			pkt.ct_dir = 1;
			est_blocked = forward_blocks(rs, &pkt, &est_res);
		}
		else
		{
			inbound_packet(ctx, ike, child, p, NFSIM_CT_NEW, &pkt);
			new_blocked = forward_blocks(rs, &pkt, &new_res);
			inbound_packet(ctx, ike, child, p, NFSIM_CT_ESTABLISHED, &pkt);
			est_blocked = forward_blocks(rs, &pkt, &est_res);
		}
		uncertain(ctx, ike, child, dir ? "inbound tunnel traffic in forward"
									   : "outbound tunnel traffic in forward",
				  new_res.certain ? &est_res : &new_res);
		if (!new_blocked && !est_blocked)
		{
			continue;
		}
		/* dropping only new connections of one direction may be intended;
		 * dropping replies breaks what the other side starts */
		f = dpc_check_add(ctx, "filter-blocks-forward",
						  est_blocked ? DPC_ERROR : DPC_WARNING, ike, child);
		if (!f)
		{
			continue;
		}
		snprintf(f->discrim, sizeof(f->discrim), "%s", dir ? "in" : "out");
		dpc_finding_message(f, "the FORWARD filter drops %s tunnel traffic "
							"(%s -> %s, %s)", dir ? "inbound" : "outbound",
							dir ? rts : lts, dir ? lts : rts,
							new_blocked && est_blocked ? "all of it" :
							est_blocked ? "replies and established flows" :
										  "new connections");
		dpc_finding_evidence(f, "direction", "%s", dir ? "in" : "out");
		dpc_finding_evidence(f, "interfaces", "iif %s oif %s",
							 dir ? p->tun : p->lan, dir ? p->lan : p->out);
		dpc_nf_evidence(f, "rule", est_blocked ? &est_res : &new_res);
		if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_LIBIPSEC)
		{	/* no XFRM: policy matches never match, the TUN device does */
			dpc_finding_hint(f, "accept tunnel traffic before that rule, "
							 "e.g. nft '%s \"%s\" accept' or 'ip saddr %s "
							 "ip daddr %s accept' in the forward chain "
							 "(iptables: -%s %s -j ACCEPT)",
							 dir ? "iifname" : "oifname", p->tun,
							 dir ? rts : lts, dir ? lts : rts,
							 dir ? "i" : "o", p->tun);
		}
		else
		{
			dpc_finding_hint(f, "accept tunnel traffic before that rule, "
							 "e.g. nft '%s accept' or 'ip saddr %s ip daddr "
							 "%s accept' in the forward chain (iptables: -m "
							 "policy --pol ipsec --dir %s -j ACCEPT)",
							 dir ? "meta ipsec exists" : "rt ipsec exists",
							 dir ? rts : lts, dir ? lts : rts,
							 dir ? "in" : "out");
		}
	}
}

/**
 * Report a blocked IKE/ESP packet.
 */
static void ike_blocked(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const char *what, bool inbound, const char *ifname,
						const nfsim_result_t *res, bool established,
						bool carries_esp)
{
	dpc_finding_t *f;
	char l[DPC_ADDR_STRLEN], r[DPC_ADDR_STRLEN];

	f = dpc_check_add(ctx, "filter-blocks-ike", DPC_ERROR, ike, NULL);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s-%s", what,
			 inbound ? "in" : "out");
	dpc_addr_to_str(&ike->local, l, sizeof(l));
	dpc_addr_to_str(&ike->remote, r, sizeof(r));
	dpc_finding_message(f, "the %s filter drops %s packets %s the peer%s%s",
						inbound ? "INPUT" : "OUTPUT", what,
						inbound ? "from" : "to",
						carries_esp ? ", which carry the CHILD_SAs' ESP in "
									  "UDP" : "",
						established ?
						": the tunnel is dead now, established flows "
						"included" :
						": IKE messages the peer starts (rekeying, DPD, "
						"re-authentication) and any traffic once the "
						"conntrack entry expires will not pass");
	dpc_finding_evidence(f, "packet", "%s %s -> %s %s %s",
						 what, inbound ? r : l, inbound ? l : r,
						 inbound ? "iif" : "oif", ifname);
	dpc_nf_evidence(f, "rule", res);
	dpc_finding_hint(f, "allow %s between %s and %s in both directions "
					 "before that rule, e.g. nft 'ip saddr %s udp dport "
					 "{ 500, 4500 } accept' and 'meta l4proto esp accept'",
					 what, l, r, r);
}

/**
 * filter-blocks-ike: IKE, NAT-T and ESP to and from the peer.
 */
static void ike_filter(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
					   const dpc_ike_rec_t *ike)
{
	nfsim_packet_t pkt;
	nfsim_result_t res[2];
	dpc_route_query_t q;
	dpc_route_t route;
	char wan[IF_NAMESIZE], what[32];
	uint16_t ports[2][2];
	int n = 0, i, j, k;
	bool esp = false, encap = false, blocked;
	uint32_t ct[] = { NFSIM_CT_NEW, NFSIM_CT_ESTABLISHED };

	if (!ike->local.family || ike->local.family != ike->remote.family ||
		!ctx->facts->is_local(ctx->facts, &ike->local, wan))
	{
		return;
	}
	/* the ports the IKE_SA uses now, and 500 if it started there (a new
	 * IKE_SA or a reauthentication starts there again) */
	ports[n][0] = ike->local.port;
	ports[n++][1] = ike->remote.port;
	if (ike->initial_local.port && ike->initial_local.port != ike->local.port)
	{
		ports[n][0] = ike->initial_local.port;
		ports[n++][1] = ike->initial_remote.port;
	}
	for (i = 0; i < ike->n_children; i++)
	{
		esp |= ike->children[i].state == DPC_STATE_UP &&
			   !ike->children[i].encap &&
			   ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM;
		encap |= ike->children[i].state == DPC_STATE_UP &&
				 ike->children[i].encap;
	}
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (!ctx->facts->route_get(ctx->facts, &q, &route) || route.error)
	{
		route.oif[0] = '\0';
	}
	for (i = 0; i < n + esp; i++)
	{
		for (j = 0; j < 2; j++)
		{	/* j == 0: from the peer (INPUT), 1: to the peer (OUTPUT) */
			if (j == 1 && !route.oif[0])
			{
				continue;
			}
			if (i < n)
			{
				snprintf(what, sizeof(what), "UDP %u", ports[i][0]);
			}
			else
			{
				snprintf(what, sizeof(what), "ESP");
			}
			blocked = false;
			for (k = 0; k < 2; k++)
			{
				if (j == 0)
				{
					dpc_nf_packet(ctx, &pkt, &ike->remote, &ike->local,
								  i < n ? IPPROTO_UDP : IPPROTO_ESP);
					pkt.sport = i < n ? ports[i][1] : 0;
					pkt.dport = i < n ? ports[i][0] : 0;
					dpc_nf_ifaces(&pkt, wan, "");
				}
				else
				{
					dpc_nf_packet(ctx, &pkt, &ike->local, &ike->remote,
								  i < n ? IPPROTO_UDP : IPPROTO_ESP);
					pkt.sport = i < n ? ports[i][0] : 0;
					pkt.dport = i < n ? ports[i][1] : 0;
					dpc_nf_ifaces(&pkt, "", route.oif);
				}
				if (i >= n)
				{
					pkt.spi = j == 0 ? ike->children[0].spi_in
									 : ike->children[0].spi_out;
				}
				pkt.ct_state = ct[k];
				pkt.ct_dir = j == 0 ? k : 0;
				nfsim_eval(rs, j == 0 ? NFSIM_HOOK_INPUT : NFSIM_HOOK_OUTPUT,
						   &pkt, &res[k]);
				if (j == 1 && !stops(res[k].verdict))
				{
					nfsim_eval(rs, NFSIM_HOOK_POSTROUTING, &pkt, &res[k]);
				}
				uncertain(ctx, ike, NULL, j == 0 ?
						  "IKE/ESP from the peer in input" :
						  "IKE/ESP to the peer in output", &res[k]);
				blocked |= stops(res[k].verdict);
			}
			if (blocked)
			{
				/* established flows dropped too: dead at once */
				ike_blocked(ctx, ike, what, j == 0,
							j == 0 ? wan : route.oif,
							stops(res[1].verdict) ? &res[1] : &res[0],
							stops(res[1].verdict),
							i < n && ports[i][0] == ike->local.port && encap);
			}
		}
	}
}

/**
 * nat-rewrites-ike: the gateway's own IKE/NAT-T packets must keep their
 * address and port, or the peer loses them after a while.
 */
static void ike_nat(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
					const dpc_ike_rec_t *ike)
{
	nfsim_packet_t pkt;
	nfsim_result_t res;
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_finding_t *f;
	dpc_addr_t nat;
	char a[DPC_ADDR_STRLEN], r[DPC_ADDR_STRLEN];
	bool addr_changes, port_changes;

	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (!ike->local.family || ike->local.family != ike->remote.family ||
		!ctx->facts->route_get(ctx->facts, &q, &route) || route.error)
	{
		return;
	}
	dpc_nf_packet(ctx, &pkt, &ike->local, &ike->remote, IPPROTO_UDP);
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
 * Report a dropped ICMP "fragmentation needed" / "packet too big".
 */
static void pmtu_blocked(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child, bool v6,
						 const nfsim_result_t *res)
{
	dpc_finding_t *f;

	f = dpc_check_add(ctx, "filter-blocks-pmtu", DPC_WARNING, ike, child);
	if (!f)
	{
		return;
	}
	snprintf(f->discrim, sizeof(f->discrim), "%s", child ? "inner" : "outer");
	dpc_finding_message(f, "the %s filter drops ICMP%s \"%s\" %s: path "
						"MTU discovery fails and large packets vanish",
						child ? "FORWARD" : "INPUT", v6 ? "v6" : "",
						v6 ? "packet too big" : "fragmentation needed",
						child ? "for the LAN hosts" : "for the tunnel's "
						"outer packets");
	dpc_nf_evidence(f, "rule", res);
	dpc_finding_hint(f, "accept ICMP%s %s before that rule ('ct state "
					 "related accept' covers it), or clamp the TCP MSS",
					 v6 ? "v6" : "", v6 ? "type packet-too-big" :
					 "type destination-unreachable code frag-needed");
}

/**
 * Turn a packet into the ICMP error path MTU discovery depends on.
 */
static void make_pmtu_error(nfsim_packet_t *pkt, bool v6)
{
	pkt->icmp_type = v6 ? ICMPV6_PKT_TOOBIG : ICMP_DEST_UNREACH;
	pkt->icmp_code = v6 ? 0 : ICMP_FRAG_NEEDED;
	pkt->ct_state = NFSIM_CT_RELATED;
	pkt->ct_dir = 1;
}

/**
 * filter-blocks-pmtu, outer path: from a router on the path (or the peer)
 * to the gateway's WAN address.
 */
static void pmtu_outer(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
					   const dpc_ike_rec_t *ike)
{
	nfsim_packet_t pkt;
	nfsim_result_t res;
	char wan[IF_NAMESIZE];
	bool v6 = ike->local.family == AF_INET6;

	dpc_route_query_t q;
	dpc_route_t route;
	const dpc_addr_t *from = &ike->remote;

	if (!ike->remote.family ||
		!ctx->facts->is_local(ctx->facts, &ike->local, wan))
	{
		return;
	}
	/* the error comes from the router where the path narrows: the next hop
	 * stands for the routers on the path better than the peer does */
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	if (ctx->facts->route_get(ctx->facts, &q, &route) && !route.error &&
		route.gateway.family == ike->remote.family)
	{
		from = &route.gateway;
	}
	dpc_nf_packet(ctx, &pkt, from, &ike->local,
				  v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	dpc_nf_ifaces(&pkt, wan, "");
	make_pmtu_error(&pkt, v6);
	nfsim_eval(rs, NFSIM_HOOK_INPUT, &pkt, &res);
	if (stops(res.verdict))
	{
		pmtu_blocked(ctx, ike, NULL, v6, &res);
	}
}

/**
 * filter-blocks-pmtu, inner path: from the far side, decrypted, to a LAN
 * host.
 */
static void pmtu_inner(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs,
					   const dpc_ike_rec_t *ike, const dpc_child_rec_t *child,
					   const nf_path_t *p)
{
	nfsim_packet_t pkt;
	nfsim_result_t res;
	bool v6 = p->lhost.family == AF_INET6;

	dpc_nf_packet(ctx, &pkt, &p->rhost, &p->lhost,
				  v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	dpc_nf_ifaces(&pkt, p->tun, p->lan);
	if (ctx->facts->get_dataplane(ctx->facts) == DPC_DATAPLANE_XFRM)
	{
		dpc_nf_xfrm(&pkt.xfrm_in, ike, child, true);
	}
	make_pmtu_error(&pkt, v6);
	nfsim_eval(rs, NFSIM_HOOK_FORWARD, &pkt, &res);
	if (stops(res.verdict))
	{
		pmtu_blocked(ctx, ike, child, v6, &res);
	}
}

/*
 * Described in dpc_check_nf.h
 */
bool dpc_check_mss(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
				   const dpc_child_rec_t *child, char *buf, size_t len)
{
	const nfsim_ruleset_t *rs;
	nfsim_packet_t pkt;
	nfsim_result_t res;
	nf_path_t p;
	char where[128];
	int hook;
	nfsim_hook_t hooks[] = { NFSIM_HOOK_FORWARD, NFSIM_HOOK_POSTROUTING };

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs || !find_path(ctx, ike, child, &p))
	{
		return false;
	}
	for (hook = 0; hook < 2; hook++)
	{
		outbound_packet(ctx, ike, child, &p, NFSIM_CT_NEW, &pkt);
		pkt.proto = IPPROTO_TCP;
		pkt.sport = 40000;
		pkt.dport = 443;
		pkt.tcp_flags = 0x02;
		pkt.tcp_mss = 1460;
		pkt.known |= NFSIM_PKT_TCP_FLAGS | NFSIM_PKT_TCP_MSS;
		nfsim_eval(rs, hooks[hook], &pkt, &res);
		if (res.mss.present)
		{
			nfsim_rule_where(res.mss.rule, where, sizeof(where));
			if (res.mss.mss == NFSIM_MSS_PMTU)
			{
				snprintf(buf, len, "clamp-to-pmtu (%s)", where);
			}
			else
			{
				snprintf(buf, len, "%u (%s)", res.mss.mss, where);
			}
			return true;
		}
	}
	snprintf(buf, len, "none");
	return true;
}

/**
 * iptables-mixed-backends: legacy and nftables rules at once.
 */
static void mixed_backends(dpc_check_ctx_t *ctx, const nfsim_ruleset_t *rs)
{
	dpc_finding_t *f;
	size_t legacy, nft;

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

/*
 * Described in header
 */
void dpc_check_netfilter_host(dpc_check_ctx_t *ctx)
{
	const nfsim_ruleset_t *rs;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (rs)
	{
		mixed_backends(ctx, rs);
	}
}

/*
 * Described in header
 */
void dpc_check_netfilter_ike(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike)
{
	const nfsim_ruleset_t *rs;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (rs)
	{
		ike_filter(ctx, rs, ike);
		ike_nat(ctx, rs, ike);
		pmtu_outer(ctx, rs, ike);
	}
}

/*
 * Described in header
 */
void dpc_check_netfilter(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						 const dpc_child_rec_t *child)
{
	const nfsim_ruleset_t *rs;
	nf_path_t p;

	rs = ctx->facts->get_ruleset(ctx->facts);
	if (!rs)
	{
		return;
	}
	if (find_path(ctx, ike, child, &p))
	{
		source_nat(ctx, rs, ike, child, &p);
		forward_filter(ctx, rs, ike, child, &p);
		pmtu_inner(ctx, rs, ike, child, &p);
	}
}
