/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace_nf.h"
#include "dpc_trace_verdict.h"
#include "checks/dpc_check_nf.h"

#include <netinet/in.h>
#include <string.h>

/** TCP SYN flag, the first packet of a new connection; ACK of later ones */
#define TCP_SYN 0x02
#define TCP_ACK 0x10
/** MSS option of that SYN (Ethernet) */
#define TCP_MSS 1460

/*
 * Described in header
 */
void dpc_trace_packet(dpc_trace_state_t *t, nfsim_packet_t *pkt,
					  const char *iif, const char *oif,
					  const dpc_trace_sa_t *out)
{
	dpc_nf_packet(t->facts, pkt, &t->src, &t->dst, t->proto);
	pkt->ct_state = t->q->state == DPC_TRACE_CT_NEW ? NFSIM_CT_NEW
													: NFSIM_CT_ESTABLISHED;
	pkt->ct_dir = t->q->state == DPC_TRACE_CT_REPLY;
	nfsim_packet_ct_status(pkt, t->ct_src_nat, t->ct_dst_nat);
	if (dpc_trace_has_ports(t->proto))
	{
		pkt->sport = t->sport;
		pkt->dport = t->dport;
	}
	if (dpc_trace_is_icmp(t->proto))
	{
		pkt->icmp_type = t->icmp_type;
		pkt->icmp_code = t->icmp_code;
	}
	if (t->proto == IPPROTO_TCP && t->q->state == DPC_TRACE_CT_NEW)
	{
		pkt->tcp_flags = TCP_SYN;
		pkt->tcp_mss = TCP_MSS;
		pkt->known |= NFSIM_PKT_TCP_FLAGS | NFSIM_PKT_TCP_MSS;
	}
	else if (t->proto == IPPROTO_TCP)
	{
		pkt->tcp_flags = TCP_ACK;
		pkt->known |= NFSIM_PKT_TCP_FLAGS;
	}
	dpc_nf_ifaces(pkt, iif, oif);
	if (t->rpf_known && iif[0])
	{
		pkt->rpf_ok = t->rpf_ok;
		pkt->known |= NFSIM_PKT_RPF;
	}
	if (oif[0] && !t->route.error)
	{
		memcpy(pkt->nexthop, t->route.gateway.family ? t->route.gateway.a
													 : t->dst.a,
			   sizeof(pkt->nexthop));
		pkt->known |= NFSIM_PKT_NEXTHOP;
	}
	if (t->xfrm && t->in.child)
	{
		dpc_nf_xfrm(&pkt->xfrm_in, t->in.ike, t->in.child, true);
	}
	if (t->xfrm && out && out->child)
	{
		dpc_nf_xfrm(&pkt->xfrm_out, out->ike, out->child, false);
	}
}

/*
 * Described in header
 */
void dpc_trace_rule_info(dpc_trace_phase_t *ph, const nfsim_rule_t *rule)
{
	nfsim_rule_where(rule, ph->rule_where, sizeof(ph->rule_where));
	nfsim_rule_format(rule, ph->rule, sizeof(ph->rule));
}

/**
 * Where a chain policy lives.
 */
static void policy_info(dpc_trace_phase_t *ph, const nfsim_chain_t *chain,
						nfsim_verdict_t verdict)
{
	const nfsim_table_t *table = nfsim_chain_table(chain);

	dpc_trace_fmt(ph->rule_where, sizeof(ph->rule_where), "%s %s %s policy %s",
				  nfsim_family_name(nfsim_table_family(table)),
				  nfsim_table_name(table), nfsim_chain_name(chain),
				  nfsim_verdict_name(verdict));
}

/*
 * Described in header
 */
void dpc_trace_nat_text(const nfsim_nat_t *nat, uint8_t family, char *buf,
						size_t len)
{
	dpc_addr_t addr = { .family = family };
	char a[DPC_ADDR_STRLEN];
	bool src = nat->type == NFSIM_NAT_SNAT ||
			   nat->type == NFSIM_NAT_MASQUERADE;

	memcpy(addr.a, nat->addr, sizeof(addr.a));
	if (nat->addr_known)
	{
		dpc_trace_fmt(buf, len, "%s translated to %s",
					  src ? "source" : "destination",
					  dpc_addr_to_str(&addr, a, sizeof(a)));
	}
	else
	{
		dpc_trace_fmt(buf, len, "%s translated to an address that cannot be "
					  "told", src ? "source" : "destination");
	}
	if (nat->flags & NFSIM_NAT_PORTS)
	{
		dpc_trace_append(buf, len, ", port %u-%u", nat->port_min,
						 nat->port_max);
	}
	dpc_trace_append(buf, len, " (%s)", nfsim_nat_name(nat->type));
}

/**
 * Note the NAT a hook applied to the connection, for the conntrack status
 * of the later hooks.
 */
static void note_nat(dpc_trace_state_t *t, const nfsim_result_t *res)
{
	bool src = res->nat.type == NFSIM_NAT_SNAT ||
			   res->nat.type == NFSIM_NAT_MASQUERADE;

	if (t->q->state != DPC_TRACE_CT_NEW)
	{	/* NAT chains only see the first packet */
		return;
	}
	if (!res->certain)
	{
		t->ct_src_nat = t->ct_src_nat == NFSIM_YES ? NFSIM_YES : NFSIM_UNKNOWN;
		t->ct_dst_nat = t->ct_dst_nat == NFSIM_YES ? NFSIM_YES : NFSIM_UNKNOWN;
	}
	else if (res->nat.type != NFSIM_NAT_NONE)
	{
		*(src ? &t->ct_src_nat : &t->ct_dst_nat) = NFSIM_YES;
	}
}

/**
 * A NAT bit of the status as text.
 */
static const char *nat_text(nfsim_tri_t nat, const char *yes, const char *no)
{
	return nat == NFSIM_YES ? yes : nat == NFSIM_NO ? no
					: "NAT unknown (set when the connection started)";
}

/*
 * Described in header
 */
void dpc_trace_conntrack(dpc_trace_state_t *t)
{
	dpc_trace_result_t *res = t->res;
	const char *dir = t->q->state == DPC_TRACE_CT_REPLY ? "reply" : "original";

	if (t->q->state == DPC_TRACE_CT_NEW)
	{
		dpc_trace_fmt(res->conntrack, sizeof(res->conntrack), "ct state new, "
					  "ct direction original, ct status: not confirmed, no "
					  "reply seen, not assured, no helper, %s, %s",
					  nat_text(t->ct_dst_nat, "dnat (by the rules above)",
							   "no dnat"),
					  nat_text(t->ct_src_nat, "snat (by the rules above)",
							   "no snat"));
		return;
	}
	dpc_trace_fmt(res->conntrack, sizeof(res->conntrack), "ct state "
				  "established, ct direction %s, ct status: confirmed, "
				  "seen-reply, no helper; assured and dnat/snat unknown "
				  "(runtime state of the connection)", dir);
}

/**
 * A hook the simulator could not judge, or that hands the packet to a
 * userspace queue.
 *
 * @param goes_on	whether the packet goes on whichever way it goes
 * @return			TRUE if the packet goes on
 */
static bool judge_unknown(dpc_trace_state_t *t, nfsim_hook_t hook,
						  const nfsim_result_t *res, bool goes_on,
						  dpc_trace_phase_t *ph)
{
	const char *what;

	ph->verdict = DPC_TRACE_UNKNOWN;
	if (res->verdict == NFSIM_VERDICT_QUEUE)
	{
		dpc_trace_detail(ph, "handed to a userspace program (queue): its "
						 "verdict cannot be told");
		dpc_trace_unsure(t, "a userspace queue in %s", nfsim_hook_name(hook));
		if (res->rule)
		{
			dpc_trace_rule_info(ph, res->rule);
		}
		return true;
	}
	what = res->unknown_what[0] ? res->unknown_what : "an expression";
	dpc_trace_detail(ph, "depends on '%s', which cannot be judged without a "
					 "real packet (%s or %s)", what,
					 nfsim_verdict_name(res->verdict),
					 nfsim_verdict_name(res->alt_verdict));
	if (res->unknown_rule)
	{
		dpc_trace_rule_info(ph, res->unknown_rule);
	}
	if (goes_on)
	{
		dpc_trace_unsure(t, "'%s' in %s", what, nfsim_hook_name(hook));
	}
	return goes_on;
}

/**
 * A hook that accepts the packet, translating it or not.
 */
static void judge_accept(dpc_trace_state_t *t, nfsim_hook_t hook,
						 const nfsim_packet_t *pkt, const nfsim_result_t *res,
						 dpc_trace_phase_t *ph)
{
	if (res->nat.type != NFSIM_NAT_NONE)
	{
		ph->verdict = DPC_TRACE_NAT;
		dpc_trace_nat_text(&res->nat, pkt->family, ph->detail,
						   sizeof(ph->detail));
		if (!res->nat.addr_known)
		{
			dpc_trace_unsure(t, "the address %s sets in %s",
							 nfsim_nat_name(res->nat.type),
							 nfsim_hook_name(hook));
		}
		if (res->nat.rule)
		{
			dpc_trace_rule_info(ph, res->nat.rule);
		}
		return;
	}
	ph->verdict = DPC_TRACE_ALLOW;
	if (res->rule)
	{
		dpc_trace_detail(ph, "accepted by a rule");
		dpc_trace_rule_info(ph, res->rule);
	}
	else if (res->chain)
	{
		dpc_trace_detail(ph, "accepted by the chain policy");
		policy_info(ph, res->chain, res->verdict);
	}
	else
	{
		dpc_trace_detail(ph, "accepted");
	}
	if (res->nsteps > 1)
	{
		dpc_trace_detail_add(ph, " (%u base chains passed)", res->nsteps);
	}
}

/**
 * A hook that drops or rejects the packet.
 */
static void judge_stop(const nfsim_result_t *res, dpc_trace_phase_t *ph)
{
	bool drop = res->verdict == NFSIM_VERDICT_DROP;

	ph->verdict = drop ? DPC_TRACE_DROP : DPC_TRACE_REJECT;
	if (res->rule)
	{
		dpc_trace_detail(ph, "%s by a rule", drop ? "dropped" : "rejected");
		dpc_trace_rule_info(ph, res->rule);
		return;
	}
	dpc_trace_detail(ph, "dropped by the chain policy");
	if (res->chain)
	{
		policy_info(ph, res->chain, res->verdict);
	}
}

/*
 * Described in header
 */
bool dpc_trace_judge(dpc_trace_state_t *t, nfsim_hook_t hook,
					 const nfsim_packet_t *pkt, nfsim_result_t *res,
					 dpc_trace_phase_t *ph)
{
	bool goes_on;

	memset(res, 0, sizeof(*res));
	if (!t->rs)
	{
		ph->verdict = DPC_TRACE_UNKNOWN;
		dpc_trace_detail(ph, "the netfilter ruleset could not be read: not "
						 "judged");
		dpc_trace_unsure(t, "the %s rules (the ruleset could not be read)",
						 nfsim_hook_name(hook));
		res->verdict = NFSIM_VERDICT_ACCEPT;
		return true;
	}
	nfsim_eval(t->rs, hook, pkt, res);
	note_nat(t, res);
	goes_on = !dpc_nf_stops(res->verdict) ||
			  (!res->certain && !dpc_nf_stops(res->alt_verdict));
	if (!res->certain || res->verdict == NFSIM_VERDICT_UNKNOWN ||
		res->verdict == NFSIM_VERDICT_QUEUE)
	{
		return judge_unknown(t, hook, res, goes_on, ph);
	}
	switch (res->verdict)
	{
		case NFSIM_VERDICT_CONTINUE:
			ph->verdict = DPC_TRACE_ALLOW;
			dpc_trace_detail(ph, "no base chain applies");
			break;
		case NFSIM_VERDICT_ACCEPT:
			judge_accept(t, hook, pkt, res, ph);
			break;
		case NFSIM_VERDICT_DROP:
		case NFSIM_VERDICT_REJECT:
			judge_stop(res, ph);
			break;
		default:
			break;
	}
	if (res->mss.present && goes_on)
	{
		if (res->mss.mss == NFSIM_MSS_PMTU)
		{
			dpc_trace_detail_add(ph, "; TCP MSS clamped to the path MTU");
		}
		else
		{
			dpc_trace_detail_add(ph, "; TCP MSS clamped to %u", res->mss.mss);
		}
	}
	return goes_on;
}

/*
 * Described in header
 */
bool dpc_trace_hook(dpc_trace_state_t *t, nfsim_hook_t hook,
					const nfsim_packet_t *pkt, nfsim_result_t *res)
{
	dpc_trace_phase_t *ph;

	ph = dpc_trace_add_phase(t, nfsim_hook_name(hook), DPC_TRACE_ALLOW, "%s",
							 "");
	if (dpc_trace_judge(t, hook, pkt, res, ph))
	{
		return true;
	}
	if (ph->verdict == DPC_TRACE_UNKNOWN)
	{
		dpc_trace_decide(t, DPC_TRACE_DROP, "dropped in %s whichever way "
						 "'%s' goes", nfsim_hook_name(hook),
						 res->unknown_what);
	}
	else
	{
		dpc_trace_decide(t, ph->verdict == DPC_TRACE_REJECT ?
								DPC_TRACE_REJECT : DPC_TRACE_DROP,
						 "%s in %s by %s", ph->verdict == DPC_TRACE_REJECT ?
											"rejected" : "dropped",
						 nfsim_hook_name(hook),
						 ph->rule_where[0] ? ph->rule_where : "the ruleset");
	}
	return false;
}

/*
 * Described in header
 */
bool dpc_trace_apply_dnat(dpc_trace_state_t *t, const nfsim_result_t *res)
{
	dpc_addr_t addr = { .family = t->dst.family };

	if (res->nat.type != NFSIM_NAT_DNAT && res->nat.type != NFSIM_NAT_REDIRECT)
	{
		return false;
	}
	if (!res->nat.addr_known)
	{
		return false;
	}
	if ((res->nat.flags & NFSIM_NAT_PORTS) && dpc_trace_has_ports(t->proto))
	{
		t->dport = res->nat.port_min;
	}
	memcpy(addr.a, res->nat.addr, sizeof(addr.a));
	if (!dpc_addr_cmp(&addr, &t->dst))
	{
		return false;
	}
	t->dst = addr;
	return true;
}
