/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_check_nf.h"
#include "facts/dpc_questions.h"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/** ICMP echo request and reply */
#define ICMP_ECHO 8
#define ICMP_ECHOREPLY 0
#define ICMPV6_ECHO 128
#define ICMPV6_ECHOREPLY 129

/** TCP flags */
#define TCP_SYN 0x02
#define TCP_ACK 0x10

/** the parts of a path the checks of forwarded traffic need */
#define NF_PATH (DPC_PATH_LHOST | DPC_PATH_LAN | DPC_PATH_TUN | DPC_PATH_OUT)

/*
 * Described in header
 */
void dpc_nf_packet(dpc_facts_t *facts, nfsim_packet_t *pkt,
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
	pkt->addr_count = facts->get_addrs(facts, &addrs);
	pkt->addrs = addrs;
	pkt->known |= NFSIM_PKT_ADDRS_COMPLETE;
}

/*
 * Described in header
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
 * Described in header
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
 * Described in header
 */
bool dpc_nf_decider(const nfsim_result_t *res, char *buf, size_t len)
{
	char where[128], rule[NFSIM_RULE_STRLEN];

	if (res->rule)
	{
		nfsim_rule_where(res->rule, where, sizeof(where));
		nfsim_rule_format(res->rule, rule, sizeof(rule));
		snprintf(buf, len, "%s: %s", where, rule);
		return true;
	}
	if (res->chain)
	{
		const nfsim_table_t *table = nfsim_chain_table(res->chain);
		bool legacy = nfsim_table_backend(table) == NFSIM_BACKEND_LEGACY;

		snprintf(buf, len, "%s %s %s policy %s",
				legacy ? (nfsim_table_family(table) == NFPROTO_IPV6 ?
						  "ip6tables-legacy" : "iptables-legacy")
					   : nfsim_family_name(nfsim_table_family(table)),
				nfsim_table_name(table), nfsim_chain_name(res->chain),
				nfsim_verdict_name(res->verdict));
		return true;
	}
	return false;
}

/*
 * Described in header
 */
void dpc_nf_evidence(dpc_finding_t *f, const char *key,
					 const nfsim_result_t *res)
{
	char text[NFSIM_RULE_STRLEN + 128];

	if (dpc_nf_decider(res, text, sizeof(text)))
	{
		dpc_finding_evidence(f, key, "%s", text);
	}
}

/*
 * Described in header
 */
void dpc_nf_uncertain(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
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
	dpc_check_discrim(ctx, f, question);
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

/*
 * Described in header
 */
bool dpc_nf_forwarded(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const nfsim_ruleset_t **rs,
					  const dpc_path_t **path)
{
	*rs = ctx->facts->get_ruleset(ctx->facts);
	*path = dpc_check_path(ctx, ike, child);
	return *rs && *path && dpc_path_has(*path, NF_PATH);
}

/*
 * Described in header
 */
void dpc_nf_outbound(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					 const dpc_child_rec_t *child, const dpc_path_t *p,
					 uint32_t ct, nfsim_packet_t *pkt)
{
	dpc_nf_packet(facts, pkt, &p->lhost, &p->rhost,
				  p->lhost.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	pkt->ct_state = ct;
	dpc_nf_ifaces(pkt, p->lan, p->out);
	/* with XFRM an outbound policy transforms it; kernel-libipsec reads
	 * it from the TUN device without any XFRM */
	if (p->dataplane == DPC_DATAPLANE_XFRM)
	{
		dpc_nf_xfrm(&pkt->xfrm_out, ike, child, false);
	}
}

/*
 * Described in header
 */
void dpc_nf_inbound(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					const dpc_child_rec_t *child, const dpc_path_t *p,
					uint32_t ct, nfsim_packet_t *pkt)
{
	dpc_nf_packet(facts, pkt, &p->rhost, &p->lhost,
				  p->lhost.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	pkt->ct_state = ct;
	if (ct == NFSIM_CT_ESTABLISHED)
	{
		pkt->ct_dir = 1;
	}
	dpc_nf_ifaces(pkt, p->tun, p->lan);
	if (p->dataplane == DPC_DATAPLANE_XFRM)
	{
		dpc_nf_xfrm(&pkt->xfrm_in, ike, child, true);
	}
}

/*
 * Described in header
 */
void dpc_nf_direction(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const dpc_path_t *p,
					  bool inbound, uint32_t ct, nfsim_packet_t *pkt)
{
	if (inbound)
	{
		dpc_nf_inbound(facts, ike, child, p, ct, pkt);
	}
	else
	{
		dpc_nf_outbound(facts, ike, child, p, ct, pkt);
	}
}

/*
 * Described in header
 */
const char *dpc_nf_flow_name(dpc_nf_flow_t flow)
{
	switch (flow)
	{
		case DPC_NF_FLOW_TCP:
			return "TCP";
		case DPC_NF_FLOW_UDP:
			return "UDP";
		case DPC_NF_FLOW_ICMP:
		default:
			return "ICMP";
	}
}

/*
 * Described in header
 */
void dpc_nf_flow(nfsim_packet_t *pkt, dpc_nf_flow_t flow, uint32_t ct,
				 uint8_t ct_dir, nfsim_tri_t src_nat, nfsim_tri_t dst_nat)
{
	bool v6 = pkt->family == AF_INET6, reply = ct_dir == 1;
	uint16_t server = DPC_NF_UDP_PORT;

	pkt->ct_state = ct;
	pkt->ct_dir = ct_dir;
	pkt->sport = pkt->dport = pkt->icmp_type = pkt->icmp_code = 0;
	pkt->tcp_flags = 0;
	pkt->known &= ~NFSIM_PKT_TCP_FLAGS;
	switch (flow)
	{
		case DPC_NF_FLOW_TCP:
			pkt->proto = IPPROTO_TCP;
			server = DPC_NF_TCP_PORT;
			pkt->tcp_flags = ct == NFSIM_CT_NEW ? TCP_SYN : TCP_ACK;
			pkt->known |= NFSIM_PKT_TCP_FLAGS;
			/* fall through */
		case DPC_NF_FLOW_UDP:
			if (flow == DPC_NF_FLOW_UDP)
			{
				pkt->proto = IPPROTO_UDP;
			}
			pkt->sport = reply ? server : DPC_NF_CLIENT_PORT;
			pkt->dport = reply ? DPC_NF_CLIENT_PORT : server;
			break;
		case DPC_NF_FLOW_ICMP:
		default:
			pkt->proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
			if (reply)
			{
				pkt->icmp_type = v6 ? ICMPV6_ECHOREPLY : ICMP_ECHOREPLY;
			}
			else
			{
				pkt->icmp_type = v6 ? ICMPV6_ECHO : ICMP_ECHO;
			}
			break;
	}
	nfsim_packet_ct_status(pkt, src_nat, dst_nat);
}

/**
 * Whether a hook's NAT chains translate a packet: source or destination.
 */
static nfsim_tri_t hook_nat(const nfsim_ruleset_t *rs, nfsim_hook_t hook,
							const nfsim_packet_t *pkt, bool src)
{
	nfsim_result_t res;
	bool is_src, is_dst;

	nfsim_eval(rs, hook, pkt, &res);
	if (!res.certain)
	{
		return NFSIM_UNKNOWN;
	}
	is_src = res.nat.type == NFSIM_NAT_SNAT ||
			 res.nat.type == NFSIM_NAT_MASQUERADE;
	is_dst = res.nat.type == NFSIM_NAT_DNAT ||
			 res.nat.type == NFSIM_NAT_REDIRECT;
	return (src ? is_src : is_dst) ? NFSIM_YES : NFSIM_NO;
}

/*
 * Described in header
 */
void dpc_nf_conn_nat(const nfsim_ruleset_t *rs, const nfsim_packet_t *pkt,
					 nfsim_tri_t *src_nat, nfsim_tri_t *dst_nat)
{
	nfsim_packet_t pre = *pkt;

	/* before routing there is no output interface yet */
	pre.oif[0] = '\0';
	pre.known &= ~(NFSIM_PKT_OIF_INDEX | NFSIM_PKT_NEXTHOP);
	pre.xfrm_out.present = false;
	*dst_nat = hook_nat(rs, pkt->iif[0] ? NFSIM_HOOK_PREROUTING
										: NFSIM_HOOK_OUTPUT, &pre, false);
	*src_nat = hook_nat(rs, NFSIM_HOOK_POSTROUTING, pkt, true);
}
