/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_trace.h"
#include "checks/dpc_check.h"
#include "checks/dpc_check_nf.h"
#include "checks/dpc_check_util.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/** source port of TCP/UDP/SCTP packets if none is given (the first of
 *  Linux' default ip_local_port_range) */
#define EPHEMERAL_PORT 32768
/** ICMP / ICMPv6 echo request */
#define ICMP_ECHO 8
#define ICMPV6_ECHO 128
/** TCP SYN flag, the first packet of a new connection */
#define TCP_SYN 0x02
/** MSS option of that SYN (Ethernet) */
#define TCP_MSS 1460

/**
 * A CHILD_SA and its IKE_SA.
 */
typedef struct {
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
} sa_ref_t;

/**
 * State of one trace.
 */
typedef struct {
	/** the query */
	const dpc_trace_query_t *q;
	/** for the helpers shared with the checks (facts and tunnels only) */
	dpc_check_ctx_t ctx;
	/** the facts */
	dpc_facts_t *facts;
	/** the ruleset, NULL if it cannot be read */
	const nfsim_ruleset_t *rs;
	/** the outcome being built */
	dpc_trace_result_t *res;
	/** the kernel's XFRM handles ESP (else kernel-libipsec) */
	bool xfrm;
	/** the packet as it is now (after NAT) */
	dpc_addr_t src, dst;
	/** its protocol */
	uint8_t proto;
	/** its ports */
	uint16_t sport, dport;
	/** ICMP type and code */
	uint8_t icmp_type, icmp_code;
	/** the packet as given, for the summary */
	char desc[2 * DPC_ADDR_STRLEN + 48];
	/** the route in use */
	dpc_route_t route;
	/** the route back to the source leaves through the input interface */
	bool rpf_ok;
	/** rpf_ok is known */
	bool rpf_known;
	/** the CHILD_SA the packet arrived through, decrypted */
	sa_ref_t in;
	/** the final verdict, once decided */
	dpc_trace_verdict_t verdict;
	/** the final verdict as one line (without the packet) */
	char line[DPC_TRACE_DETAIL_LEN];
	/** what could not be judged first, empty if everything could */
	char unsure[DPC_TRACE_DETAIL_LEN];
	/** where phases go once the result is full */
	dpc_trace_phase_t scratch;
} trace_t;

/**
 * Format into a fixed buffer, silently truncated.
 */
static void fmt(char *buf, size_t len, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void fmt(char *buf, size_t len, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	if (vsnprintf(buf, len, format, args) < 0 && len)
	{
		buf[0] = '\0';
	}
	va_end(args);
}

/**
 * Append to a fixed buffer, silently truncated.
 */
static void append(char *buf, size_t len, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *format, ...)
{
	size_t used = strlen(buf);
	va_list args;

	if (used + 1 >= len)
	{
		return;
	}
	va_start(args, format);
	if (vsnprintf(buf + used, len - used, format, args) < 0)
	{
		buf[used] = '\0';
	}
	va_end(args);
}

/*
 * Described in header
 */
const char *dpc_trace_verdict_name(dpc_trace_verdict_t verdict)
{
	switch (verdict)
	{
		case DPC_TRACE_ALLOW:
			return "allow";
		case DPC_TRACE_DROP:
			return "drop";
		case DPC_TRACE_REJECT:
			return "reject";
		case DPC_TRACE_NAT:
			return "nat";
		case DPC_TRACE_ENCRYPT:
			return "encrypt";
		case DPC_TRACE_CLEARTEXT:
			return "cleartext";
		case DPC_TRACE_UNKNOWN:
			break;
	}
	return "unknown";
}

/**
 * Does the protocol have ports?
 */
static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
		   proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE ||
		   proto == IPPROTO_DCCP;
}

/**
 * Is the protocol ICMP or ICMPv6?
 */
static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/**
 * Name of a protocol, the number if it has none here.
 */
static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto)
	{
		case IPPROTO_TCP:
			return "tcp";
		case IPPROTO_UDP:
			return "udp";
		case IPPROTO_SCTP:
			return "sctp";
		case IPPROTO_UDPLITE:
			return "udplite";
		case IPPROTO_DCCP:
			return "dccp";
		case IPPROTO_ICMP:
			return "icmp";
		case IPPROTO_ICMPV6:
			return "icmpv6";
		case IPPROTO_ESP:
			return "esp";
		case IPPROTO_AH:
			return "ah";
		case IPPROTO_GRE:
			return "gre";
		default:
			fmt(buf, len, "%u", proto);
			return buf;
	}
}

/**
 * Print an address with a port, "[v6]:port" for IPv6.
 */
static char *addr_port(const dpc_addr_t *addr, uint16_t port, bool with_port,
					   char *buf, size_t len)
{
	char a[DPC_ADDR_STRLEN];

	dpc_addr_to_str(addr, a, sizeof(a));
	if (!with_port)
	{
		fmt(buf, len, "%s", a);
	}
	else if (addr->family == AF_INET6)
	{
		fmt(buf, len, "[%s]:%u", a, port);
	}
	else
	{
		fmt(buf, len, "%s:%u", a, port);
	}
	return buf;
}

/**
 * Describe the packet: "tcp 10.1.0.5:32768 -> 10.2.0.1:443".
 */
static void describe(trace_t *t)
{
	char s[DPC_ADDR_STRLEN + 8], d[DPC_ADDR_STRLEN + 8], p[8];
	bool ports = has_ports(t->proto);

	fmt(t->desc, sizeof(t->desc), "%s %s -> %s",
		proto_name(t->proto, p, sizeof(p)),
		addr_port(&t->src, t->sport, ports, s, sizeof(s)),
		addr_port(&t->dst, t->dport, ports, d, sizeof(d)));
	if (is_icmp(t->proto) && t->q->has_icmp_type)
	{
		append(t->desc, sizeof(t->desc), " type %u code %u", t->icmp_type,
			   t->icmp_code);
	}
	else if (is_icmp(t->proto))
	{
		append(t->desc, sizeof(t->desc), " echo-request");
	}
}

/**
 * Start a phase (a scratch one once the result is full, keeping the last
 * slot for the result).
 */
static dpc_trace_phase_t *add_phase(trace_t *t, const char *name,
									dpc_trace_verdict_t verdict,
									const char *format, ...)
	__attribute__((format(printf, 4, 5)));

static dpc_trace_phase_t *add_phase(trace_t *t, const char *name,
									dpc_trace_verdict_t verdict,
									const char *format, ...)
{
	dpc_trace_phase_t *ph = &t->scratch;
	va_list args;

	if (t->res->count < DPC_TRACE_MAX_PHASES - 1)
	{
		ph = &t->res->phases[t->res->count++];
	}
	memset(ph, 0, sizeof(*ph));
	fmt(ph->name, sizeof(ph->name), "%s", name);
	ph->verdict = verdict;
	va_start(args, format);
	if (vsnprintf(ph->detail, sizeof(ph->detail), format, args) < 0)
	{
		ph->detail[0] = '\0';
	}
	va_end(args);
	return ph;
}

/**
 * Decide the final verdict (the first decision counts).
 */
static void decide(trace_t *t, dpc_trace_verdict_t verdict,
				   const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void decide(trace_t *t, dpc_trace_verdict_t verdict,
				   const char *format, ...)
{
	va_list args;

	if (t->line[0])
	{
		return;
	}
	t->verdict = verdict;
	va_start(args, format);
	if (vsnprintf(t->line, sizeof(t->line), format, args) < 0)
	{
		fmt(t->line, sizeof(t->line), "%s", dpc_trace_verdict_name(verdict));
	}
	va_end(args);
}

/**
 * Remember the first thing that could not be judged.
 */
static void unsure(trace_t *t, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static void unsure(trace_t *t, const char *format, ...)
{
	va_list args;

	if (t->unsure[0])
	{
		return;
	}
	va_start(args, format);
	if (vsnprintf(t->unsure, sizeof(t->unsure), format, args) < 0)
	{
		fmt(t->unsure, sizeof(t->unsure), "something");
	}
	va_end(args);
}

/* ------------------------------------------------------------------------
 * CHILD_SA selectors
 */

/**
 * Does a selector match an address with protocol and port (ICMP: type and
 * code as type << 8 | code, the way strongSwan encodes them)?
 */
static bool ts_match(const dpc_ts_t *ts, const dpc_addr_t *addr,
					 uint8_t proto, uint16_t port)
{
	if (ts->family != addr->family || !dpc_ts_contains_addr(ts, addr))
	{
		return false;
	}
	if (ts->proto && ts->proto != proto)
	{
		return false;
	}
	return port >= ts->from_port && port <= ts->to_port;
}

/**
 * Find the narrowest selector of a list matching; its address count.
 */
static bool list_match(const dpc_ts_list_t *list, const dpc_addr_t *addr,
					   uint8_t proto, uint16_t port, uint64_t *size)
{
	uint64_t count;
	bool found = false;
	size_t i;

	for (i = 0; i < list->count; i++)
	{
		if (ts_match(&list->ts[i], addr, proto, port))
		{
			count = dpc_ts_addr_count(&list->ts[i]);
			if (!found || count < *size)
			{
				*size = count;
			}
			found = true;
		}
	}
	return found;
}

/**
 * Find the CHILD_SA (up) whose selectors cover a packet; the most specific
 * one if several do, as the kernel prefers narrower policies.
 *
 * @param inbound	match src against the remote selectors, dst against
 *					the local ones
 * @param cfg		use the configured selectors instead of the negotiated
 */
static sa_ref_t find_sa(trace_t *t, const dpc_addr_t *src,
						const dpc_addr_t *dst, bool inbound, bool cfg)
{
	const dpc_tunnels_t *tunnels = t->ctx.tunnels;
	const dpc_ike_rec_t *ike;
	const dpc_child_rec_t *child;
	const dpc_ts_list_t *local, *remote;
	sa_ref_t best = { NULL, NULL };
	uint64_t lsize = 0, rsize = 0, best_l = 0, best_r = 0;
	uint16_t sport = t->sport, dport = t->dport;
	int i, j;

	if (is_icmp(t->proto))
	{
		sport = dport = (t->icmp_type << 8) | t->icmp_code;
	}
	for (i = 0; tunnels && i < tunnels->count; i++)
	{
		ike = &tunnels->ikes[i];
		if (ike->state != DPC_STATE_UP)
		{
			continue;
		}
		for (j = 0; j < ike->n_children; j++)
		{
			child = &ike->children[j];
			if (child->state != DPC_STATE_UP)
			{
				continue;
			}
			local = cfg ? &child->cfg_local : &child->local;
			remote = cfg ? &child->cfg_remote : &child->remote;
			if (!list_match(local, inbound ? dst : src, t->proto,
							inbound ? dport : sport, &lsize) ||
				!list_match(remote, inbound ? src : dst, t->proto,
							inbound ? sport : dport, &rsize))
			{
				continue;
			}
			if (!best.child || rsize < best_r ||
				(rsize == best_r && lsize < best_l))
			{
				best.ike = ike;
				best.child = child;
				best_l = lsize;
				best_r = rsize;
			}
		}
	}
	return best;
}

/**
 * Record the CHILD_SA concerned.
 */
static void set_child(trace_t *t, const sa_ref_t *sa, bool landed)
{
	dpc_trace_result_t *res = t->res;

	res->has_child = true;
	res->landed = landed;
	fmt(res->ike_name, sizeof(res->ike_name), "%s", sa->ike->name);
	res->ike_id = sa->ike->unique_id;
	fmt(res->child_name, sizeof(res->child_name), "%s", sa->child->name);
	res->child_id = sa->child->unique_id;
	res->reqid = sa->child->reqid;
}

/**
 * "net{3} of s2s[1]".
 */
static char *sa_name(const sa_ref_t *sa, char *buf, size_t len)
{
	fmt(buf, len, "%s{%u} of %s[%u]", sa->child->name, sa->child->unique_id,
		sa->ike->name, sa->ike->unique_id);
	return buf;
}

/**
 * "10.1.0.0/24 === 10.2.0.0/16" of a CHILD_SA.
 */
static char *sa_selectors(const sa_ref_t *sa, bool cfg, char *buf, size_t len)
{
	char l[DPC_TS_STRLEN * 2], r[DPC_TS_STRLEN * 2];

	dpc_ts_list_to_str(cfg ? &sa->child->cfg_local : &sa->child->local,
					   l, sizeof(l));
	dpc_ts_list_to_str(cfg ? &sa->child->cfg_remote : &sa->child->remote,
					   r, sizeof(r));
	fmt(buf, len, "%s === %s", l, r);
	return buf;
}

/**
 * "ESP in UDP" or "ESP".
 */
static const char *sa_encap(const sa_ref_t *sa)
{
	if (dpc_streq(sa->child->protocol, "AH"))
	{
		return "AH";
	}
	return sa->child->encap ? "ESP in UDP" : "ESP";
}

/* ------------------------------------------------------------------------
 * netfilter
 */

/**
 * Does a verdict stop the packet?
 */
static bool stops(nfsim_verdict_t verdict)
{
	return verdict == NFSIM_VERDICT_DROP || verdict == NFSIM_VERDICT_REJECT;
}

/**
 * Build the simulator's packet for the packet as it is now.
 *
 * @param iif		input interface, "" for none
 * @param oif		output interface, "" for none
 * @param out		the CHILD_SA an outbound XFRM policy sends it to, if any
 */
static void make_packet(trace_t *t, nfsim_packet_t *pkt, const char *iif,
						const char *oif, const sa_ref_t *out)
{
	dpc_nf_packet(&t->ctx, pkt, &t->src, &t->dst, t->proto);
	if (has_ports(t->proto))
	{
		pkt->sport = t->sport;
		pkt->dport = t->dport;
	}
	if (is_icmp(t->proto))
	{
		pkt->icmp_type = t->icmp_type;
		pkt->icmp_code = t->icmp_code;
	}
	if (t->proto == IPPROTO_TCP)
	{
		pkt->tcp_flags = TCP_SYN;
		pkt->tcp_mss = TCP_MSS;
		pkt->known |= NFSIM_PKT_TCP_FLAGS | NFSIM_PKT_TCP_MSS;
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

/**
 * Where a rule lives and what it says.
 */
static void rule_info(dpc_trace_phase_t *ph, const nfsim_rule_t *rule)
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

	fmt(ph->rule_where, sizeof(ph->rule_where), "%s %s %s policy %s",
		nfsim_family_name(nfsim_table_family(table)), nfsim_table_name(table),
		nfsim_chain_name(chain), nfsim_verdict_name(verdict));
}

/**
 * Describe a NAT binding: "source to 192.0.2.2 (masquerade)".
 */
static void nat_text(const nfsim_nat_t *nat, uint8_t family, char *buf,
					 size_t len)
{
	dpc_addr_t addr = { .family = family };
	char a[DPC_ADDR_STRLEN];
	bool src = nat->type == NFSIM_NAT_SNAT ||
			   nat->type == NFSIM_NAT_MASQUERADE;

	memcpy(addr.a, nat->addr, sizeof(addr.a));
	if (nat->addr_known)
	{
		fmt(buf, len, "%s translated to %s", src ? "source" : "destination",
			dpc_addr_to_str(&addr, a, sizeof(a)));
	}
	else
	{
		fmt(buf, len, "%s translated to an address that cannot be told",
			src ? "source" : "destination");
	}
	if (nat->flags & NFSIM_NAT_PORTS)
	{
		append(buf, len, ", port %u-%u", nat->port_min, nat->port_max);
	}
	append(buf, len, " (%s)", nfsim_nat_name(nat->type));
}

/**
 * Judge one hook into a phase.
 *
 * @return			TRUE if the packet goes on
 */
static bool judge(trace_t *t, nfsim_hook_t hook, const nfsim_packet_t *pkt,
				  nfsim_result_t *res, dpc_trace_phase_t *ph)
{
	char nat[DPC_TRACE_DETAIL_LEN];
	bool goes_on;

	memset(res, 0, sizeof(*res));
	if (!t->rs)
	{
		ph->verdict = DPC_TRACE_UNKNOWN;
		fmt(ph->detail, sizeof(ph->detail), "the netfilter ruleset could "
			"not be read: not judged");
		unsure(t, "the %s rules (the ruleset could not be read)",
			   nfsim_hook_name(hook));
		res->verdict = NFSIM_VERDICT_ACCEPT;
		return true;
	}
	nfsim_eval(t->rs, hook, pkt, res);
	goes_on = !stops(res->verdict) ||
			  (!res->certain && !stops(res->alt_verdict));
	if (!res->certain || res->verdict == NFSIM_VERDICT_UNKNOWN ||
		res->verdict == NFSIM_VERDICT_QUEUE)
	{
		ph->verdict = DPC_TRACE_UNKNOWN;
		if (res->verdict == NFSIM_VERDICT_QUEUE)
		{
			fmt(ph->detail, sizeof(ph->detail), "handed to a userspace "
				"program (queue): its verdict cannot be told");
			unsure(t, "a userspace queue in %s", nfsim_hook_name(hook));
			if (res->rule)
			{
				rule_info(ph, res->rule);
			}
			return true;
		}
		fmt(ph->detail, sizeof(ph->detail), "depends on '%s', which cannot "
			"be judged without a real packet (%s or %s)",
			res->unknown_what[0] ? res->unknown_what : "an expression",
			nfsim_verdict_name(res->verdict),
			nfsim_verdict_name(res->alt_verdict));
		if (res->unknown_rule)
		{
			rule_info(ph, res->unknown_rule);
		}
		if (goes_on)
		{
			unsure(t, "'%s' in %s",
				   res->unknown_what[0] ? res->unknown_what : "an expression",
				   nfsim_hook_name(hook));
		}
		return goes_on;
	}
	switch (res->verdict)
	{
		case NFSIM_VERDICT_CONTINUE:
			ph->verdict = DPC_TRACE_ALLOW;
			fmt(ph->detail, sizeof(ph->detail), "no base chain applies");
			break;
		case NFSIM_VERDICT_ACCEPT:
			if (res->nat.type != NFSIM_NAT_NONE)
			{
				nat_text(&res->nat, pkt->family, nat, sizeof(nat));
				ph->verdict = DPC_TRACE_NAT;
				fmt(ph->detail, sizeof(ph->detail), "%s", nat);
				if (!res->nat.addr_known)
				{
					unsure(t, "the address %s sets in %s",
						   nfsim_nat_name(res->nat.type),
						   nfsim_hook_name(hook));
				}
				if (res->nat.rule)
				{
					rule_info(ph, res->nat.rule);
				}
				break;
			}
			ph->verdict = DPC_TRACE_ALLOW;
			if (res->rule)
			{
				fmt(ph->detail, sizeof(ph->detail), "accepted by a rule");
				rule_info(ph, res->rule);
			}
			else if (res->chain)
			{
				fmt(ph->detail, sizeof(ph->detail), "accepted by the chain "
					"policy");
				policy_info(ph, res->chain, res->verdict);
			}
			else
			{
				fmt(ph->detail, sizeof(ph->detail), "accepted");
			}
			if (res->nsteps > 1)
			{
				append(ph->detail, sizeof(ph->detail), " (%u base chains "
					   "passed)", res->nsteps);
			}
			break;
		case NFSIM_VERDICT_DROP:
		case NFSIM_VERDICT_REJECT:
			ph->verdict = res->verdict == NFSIM_VERDICT_DROP ?
								DPC_TRACE_DROP : DPC_TRACE_REJECT;
			if (res->rule)
			{
				fmt(ph->detail, sizeof(ph->detail), "%s by a rule",
					res->verdict == NFSIM_VERDICT_DROP ? "dropped"
													   : "rejected");
				rule_info(ph, res->rule);
			}
			else
			{
				fmt(ph->detail, sizeof(ph->detail), "dropped by the chain "
					"policy");
				if (res->chain)
				{
					policy_info(ph, res->chain, res->verdict);
				}
			}
			break;
		default:
			break;
	}
	if (res->mss.present && goes_on)
	{
		if (res->mss.mss == NFSIM_MSS_PMTU)
		{
			append(ph->detail, sizeof(ph->detail), "; TCP MSS clamped to "
				   "the path MTU");
		}
		else
		{
			append(ph->detail, sizeof(ph->detail), "; TCP MSS clamped to %u",
				   res->mss.mss);
		}
	}
	return goes_on;
}

/**
 * Run a hook as a phase of its own.
 *
 * @return			TRUE if the packet goes on
 */
static bool hook_phase(trace_t *t, nfsim_hook_t hook, const nfsim_packet_t *pkt,
					   nfsim_result_t *res)
{
	dpc_trace_phase_t *ph;

	ph = add_phase(t, nfsim_hook_name(hook), DPC_TRACE_ALLOW, "%s", "");
	if (judge(t, hook, pkt, res, ph))
	{
		return true;
	}
	if (ph->verdict == DPC_TRACE_UNKNOWN)
	{
		decide(t, DPC_TRACE_DROP, "dropped in %s whichever way '%s' goes",
			   nfsim_hook_name(hook), res->unknown_what);
	}
	else
	{
		decide(t, ph->verdict == DPC_TRACE_REJECT ? DPC_TRACE_REJECT
												  : DPC_TRACE_DROP,
			   "%s in %s by %s", ph->verdict == DPC_TRACE_REJECT ?
									"rejected" : "dropped",
			   nfsim_hook_name(hook),
			   ph->rule_where[0] ? ph->rule_where : "the ruleset");
	}
	return false;
}

/* ------------------------------------------------------------------------
 * routing
 */

/**
 * Ask for the route of the packet as it is now.
 *
 * @param iif		input interface, "" for locally generated packets
 * @return			TRUE if routed somewhere
 */
static bool route_phase(trace_t *t, const char *iif)
{
	dpc_route_query_t q;
	dpc_trace_phase_t *ph;
	char path[DPC_SYSCTL_LEN], name[DPC_SYSCTL_LEN];

	memset(&q, 0, sizeof(q));
	q.dst = t->dst;
	q.src = t->src;
	fmt(q.iif, sizeof(q.iif), "%s", iif);
	if (!t->facts->route_get(t->facts, &q, &t->route))
	{
		add_phase(t, "route", DPC_TRACE_UNKNOWN, "the kernel could not be "
				  "asked for the route");
		unsure(t, "the route (the kernel could not be asked)");
		decide(t, DPC_TRACE_UNKNOWN, "the route cannot be told: the kernel "
			   "could not be asked");
		return false;
	}
	if (!dpc_check_route_fails(&t->route))
	{
		add_phase(t, "route", DPC_TRACE_ALLOW, "%s", t->route.text);
		return true;
	}
	ph = add_phase(t, "route", DPC_TRACE_DROP, "no route: %s", t->route.text);
	if (t->route.error == EXDEV)
	{
		append(ph->detail, sizeof(ph->detail), " (the reverse path filter "
			   "drops it: the route back to the source does not use %s)",
			   iif);
	}
	else if (iif[0] && t->route.error == EHOSTUNREACH &&
			 !dpc_check_forwarding(&t->ctx, t->dst.family, iif, path,
								   sizeof(path)))
	{
		append(ph->detail, sizeof(ph->detail), " (forwarding is off: %s = 0)",
			   dpc_check_sysctl_name(path, name, sizeof(name)));
	}
	decide(t, DPC_TRACE_DROP, "dropped: no route (%s)", t->route.text);
	return false;
}

/**
 * Work out whether the route back to the source uses the input interface.
 */
static void reverse_path(trace_t *t, const char *iif)
{
	dpc_route_query_t q;
	dpc_route_t back;

	memset(&q, 0, sizeof(q));
	q.dst = t->src;
	t->rpf_known = t->facts->route_get(t->facts, &q, &back) && !back.error;
	t->rpf_ok = t->rpf_known && dpc_streq(back.oif, iif);
}

/**
 * Apply a destination NAT binding of PREROUTING/OUTPUT to the packet.
 *
 * @return			TRUE if the destination changed
 */
static bool apply_dnat(trace_t *t, const nfsim_result_t *res)
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
	if ((res->nat.flags & NFSIM_NAT_PORTS) && has_ports(t->proto))
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

/**
 * Is a route one for this host?
 */
static bool route_local(const dpc_route_t *route)
{
	return route->type == DPC_RT_LOCAL || route->type == DPC_RT_BROADCAST;
}

/* ------------------------------------------------------------------------
 * IPsec
 */

/**
 * The encrypted packet of a CHILD_SA through OUTPUT and POSTROUTING.
 *
 * @return			TRUE if it leaves
 */
static bool outer_phase(trace_t *t, const sa_ref_t *sa)
{
	const dpc_ike_rec_t *ike = sa->ike;
	dpc_route_query_t q;
	dpc_route_t route;
	dpc_trace_phase_t *ph, hook, *use;
	nfsim_packet_t pkt;
	nfsim_result_t res;
	char l[DPC_ADDR_STRLEN + 8], r[DPC_ADDR_STRLEN + 8], what[128];
	const char *hook_name;
	bool ok;

	if (!ike->local.family || ike->local.family != ike->remote.family)
	{
		return true;
	}
	fmt(what, sizeof(what), "%s %s -> %s", sa_encap(sa),
		addr_port(&ike->local, ike->local.port, sa->child->encap, l,
				  sizeof(l)),
		addr_port(&ike->remote, ike->remote.port, sa->child->encap, r,
				  sizeof(r)));
	memset(&q, 0, sizeof(q));
	q.dst = ike->remote;
	q.src = ike->local;
	if (!t->facts->route_get(t->facts, &q, &route))
	{
		add_phase(t, "outer", DPC_TRACE_UNKNOWN, "%s: the route to the peer "
				  "cannot be told", what);
		unsure(t, "the route to the peer");
		return true;
	}
	if (dpc_check_route_fails(&route))
	{
		add_phase(t, "outer", DPC_TRACE_DROP, "%s: no route to the peer: %s",
				  what, route.text);
		decide(t, DPC_TRACE_DROP, "encrypted into CHILD_SA %s{%u}, but there "
			   "is no route to the peer (%s)", sa->child->name,
			   sa->child->unique_id, route.text);
		return false;
	}
	dpc_nf_packet(&t->ctx, &pkt, &ike->local, &ike->remote,
				  sa->child->encap ? IPPROTO_UDP :
				  dpc_streq(sa->child->protocol, "AH") ? IPPROTO_AH
													   : IPPROTO_ESP);
	if (sa->child->encap)
	{
		pkt.sport = ike->local.port;
		pkt.dport = ike->remote.port;
	}
	else
	{
		pkt.spi = sa->child->spi_out;
	}
	/* the tunnel's outer flow is known to conntrack */
	pkt.ct_state = NFSIM_CT_ESTABLISHED;
	dpc_nf_ifaces(&pkt, "", route.oif);

	ph = add_phase(t, "outer", DPC_TRACE_ALLOW, "%s", "");
	memset(&hook, 0, sizeof(hook));
	use = &hook;
	hook_name = "output";
	ok = judge(t, NFSIM_HOOK_OUTPUT, &pkt, &res, &hook);
	if (ok && hook.verdict != DPC_TRACE_UNKNOWN)
	{
		memset(&hook, 0, sizeof(hook));
		hook_name = "postrouting";
		ok = judge(t, NFSIM_HOOK_POSTROUTING, &pkt, &res, &hook);
		if (ok && hook.verdict != DPC_TRACE_UNKNOWN &&
			hook.verdict != DPC_TRACE_NAT)
		{
			use = NULL;
		}
	}
	if (use)
	{
		ph->verdict = use->verdict;
		memcpy(ph->rule_where, use->rule_where, sizeof(ph->rule_where));
		memcpy(ph->rule, use->rule, sizeof(ph->rule));
		fmt(ph->detail, sizeof(ph->detail), "%s via %s, %s: %s", what,
			route.oif, hook_name, use->detail);
	}
	else
	{
		fmt(ph->detail, sizeof(ph->detail), "%s via %s passes output and "
			"postrouting", what, route.oif);
	}
	if (!ok)
	{
		decide(t, ph->verdict == DPC_TRACE_REJECT ? DPC_TRACE_REJECT
												  : DPC_TRACE_DROP,
			   "encrypted into CHILD_SA %s{%u}, but the %s packet is dropped "
			   "by %s", sa->child->name, sa->child->unique_id, sa_encap(sa),
			   ph->rule_where[0] ? ph->rule_where : "the ruleset");
	}
	return ok;
}

/**
 * Decide what IPsec does with a packet leaving through t->route after
 * POSTROUTING.
 *
 * @param post		the POSTROUTING result (source NAT)
 * @param m0		the CHILD_SA matching the packet before source NAT
 */
static void ipsec_phase(trace_t *t, const nfsim_result_t *post,
						const sa_ref_t *m0)
{
	const char *oif = t->route.oif, *tun;
	dpc_trace_phase_t *ph;
	sa_ref_t m1 = *m0, cfg = { NULL, NULL };
	dpc_addr_t nsrc = t->src;
	char name[DPC_NAME_LEN * 2 + 32], sel[DPC_TS_STRLEN * 4 + 8];
	char neg[DPC_TS_STRLEN * 4 + 8];
	char nat[DPC_TRACE_DETAIL_LEN] = "", a[DPC_ADDR_STRLEN];
	bool snat, into_tun;

	snat = post->nat.type == NFSIM_NAT_SNAT ||
		   post->nat.type == NFSIM_NAT_MASQUERADE;
	tun = t->facts->get_tun(t->facts);
	into_tun = !t->xfrm && tun && dpc_streq(oif, tun);
	if (snat)
	{
		nat_text(&post->nat, t->src.family, nat, sizeof(nat));
		if (!post->nat.addr_known)
		{
			if (!m0->child)
			{	/* unprotected either way */
				snat = false;
			}
			else
			{
				ph = add_phase(t, "ipsec", DPC_TRACE_UNKNOWN, "%s: whether it "
							   "still matches CHILD_SA %s cannot be told", nat,
							   sa_name(m0, name, sizeof(name)));
				if (post->nat.rule)
				{
					rule_info(ph, post->nat.rule);
				}
				set_child(t, m0, false);
				unsure(t, "the source address %s sets",
					   nfsim_nat_name(post->nat.type));
				decide(t, DPC_TRACE_UNKNOWN, "%s, so whether it matches "
					   "CHILD_SA %s cannot be told", nat,
					   sa_name(m0, name, sizeof(name)));
				return;
			}
		}
		else
		{
			memcpy(nsrc.a, post->nat.addr, sizeof(nsrc.a));
			m1 = find_sa(t, &nsrc, &t->dst, false, false);
		}
	}
	if (m1.child && (t->xfrm || into_tun))
	{
		ph = add_phase(t, "ipsec", DPC_TRACE_ENCRYPT, "matches CHILD_SA %s "
					   "(reqid %u, %s)%s%s%s: %s to %s",
					   sa_name(&m1, name, sizeof(name)), m1.child->reqid,
					   sa_selectors(&m1, false, sel, sizeof(sel)),
					   snat ? " after " : "", snat ? nat : "",
					   into_tun ? ", routed into the kernel-libipsec device"
								: "", sa_encap(&m1),
					   dpc_addr_to_str(&m1.ike->remote, a, sizeof(a)));
		set_child(t, &m1, true);
		if (outer_phase(t, &m1))
		{
			decide(t, DPC_TRACE_ENCRYPT, "encrypted into CHILD_SA %s (reqid "
				   "%u), sent as %s to %s", sa_name(&m1, name, sizeof(name)),
				   m1.child->reqid, sa_encap(&m1), a);
		}
		return;
	}
	if (m1.child)
	{	/* kernel-libipsec, routed elsewhere */
		add_phase(t, "ipsec", DPC_TRACE_CLEARTEXT, "matches CHILD_SA %s (%s), "
				  "but the route leads to %s, not into the kernel-libipsec "
				  "device %s: it leaves unprotected",
				  sa_name(&m1, name, sizeof(name)),
				  sa_selectors(&m1, false, sel, sizeof(sel)), oif,
				  tun ? tun : "(none)");
		set_child(t, &m1, false);
		decide(t, DPC_TRACE_CLEARTEXT, "leaves in cleartext via %s: the route "
			   "bypasses the kernel-libipsec device although CHILD_SA %s "
			   "covers it", oif, sa_name(&m1, name, sizeof(name)));
		return;
	}
	if (m0->child)
	{	/* source NAT moved it out of the selectors */
		dpc_ts_list_to_str(&m0->child->local, sel, sizeof(sel));
		fmt(nat, sizeof(nat), "%s to %s", nfsim_nat_name(post->nat.type),
			dpc_addr_to_str(&nsrc, a, sizeof(a)));
		ph = add_phase(t, "ipsec", into_tun ? DPC_TRACE_DROP
											: DPC_TRACE_CLEARTEXT,
					   "after %s the source is outside the local selectors "
					   "of CHILD_SA %s (%s): %s", nat,
					   sa_name(m0, name, sizeof(name)), sel,
					   into_tun ? "kernel-libipsec has no policy for it and "
								  "drops it" :
								  "no IPsec policy matches any more");
		if (post->nat.rule)
		{
			rule_info(ph, post->nat.rule);
		}
		set_child(t, m0, false);
		if (into_tun)
		{
			decide(t, DPC_TRACE_DROP, "dropped by kernel-libipsec: %s breaks "
				   "the match with CHILD_SA %s", nat,
				   sa_name(m0, name, sizeof(name)));
		}
		else
		{
			decide(t, DPC_TRACE_CLEARTEXT, "leaves in cleartext via %s: %s "
				   "breaks the match with CHILD_SA %s", oif, nat,
				   sa_name(m0, name, sizeof(name)));
		}
		return;
	}
	cfg = find_sa(t, &t->src, &t->dst, false, true);
	if (cfg.child)
	{	/* narrowed: configured to be protected, but not negotiated */
		add_phase(t, "ipsec", into_tun ? DPC_TRACE_DROP : DPC_TRACE_CLEARTEXT,
				  "only the configured selectors of CHILD_SA %s (%s) cover "
				  "it, the negotiated ones (%s) do not: %s",
				  sa_name(&cfg, name, sizeof(name)),
				  sa_selectors(&cfg, true, sel, sizeof(sel)),
				  sa_selectors(&cfg, false, neg, sizeof(neg)),
				  into_tun ? "kernel-libipsec has no policy for it and drops "
							 "it" : "no IPsec policy matches");
		set_child(t, &cfg, false);
		if (into_tun)
		{
			decide(t, DPC_TRACE_DROP, "dropped by kernel-libipsec: CHILD_SA "
				   "%s was narrowed and does not cover it",
				   sa_name(&cfg, name, sizeof(name)));
		}
		else
		{
			decide(t, DPC_TRACE_CLEARTEXT, "leaves in cleartext via %s: "
				   "CHILD_SA %s was narrowed and does not cover it", oif,
				   sa_name(&cfg, name, sizeof(name)));
		}
		return;
	}
	if (into_tun)
	{
		add_phase(t, "ipsec", DPC_TRACE_DROP, "routed into the "
				  "kernel-libipsec device %s, but no CHILD_SA covers it",
				  tun);
		decide(t, DPC_TRACE_DROP, "dropped by kernel-libipsec: routed into "
			   "%s, but no CHILD_SA covers it", tun);
		return;
	}
	if (t->in.child)
	{
		decide(t, DPC_TRACE_ALLOW, "decrypted from CHILD_SA %s and forwarded "
			   "via %s", sa_name(&t->in, name, sizeof(name)), oif);
		return;
	}
	add_phase(t, "ipsec", DPC_TRACE_ALLOW, "no CHILD_SA covers it: sent "
			  "unprotected");
	decide(t, DPC_TRACE_ALLOW, "%s unprotected via %s (no CHILD_SA covers "
		   "it)", dpc_streq(t->res->path, "output") ? "sent" : "forwarded",
		   oif);
}

/**
 * A plain packet from a CHILD_SA's remote to its local selectors: XFRM's
 * inbound policy check drops what did not arrive decrypted.
 *
 * @return			TRUE if the packet goes on
 */
static bool inbound_policy(trace_t *t, const char *iif)
{
	char name[DPC_NAME_LEN * 2 + 32], sel[DPC_TS_STRLEN * 4 + 8];
	sa_ref_t sa;

	if (!t->xfrm || t->in.child)
	{
		return true;
	}
	sa = find_sa(t, &t->src, &t->dst, true, false);
	if (!sa.child)
	{
		return true;
	}
	add_phase(t, "ipsec-in", DPC_TRACE_DROP, "arrives on %s unencrypted, but "
			  "the inbound policy of CHILD_SA %s (%s) only admits it "
			  "decrypted", iif, sa_name(&sa, name, sizeof(name)),
			  sa_selectors(&sa, false, sel, sizeof(sel)));
	set_child(t, &sa, false);
	decide(t, DPC_TRACE_DROP, "dropped by the IPsec inbound policy of "
		   "CHILD_SA %s: it did not arrive encrypted",
		   sa_name(&sa, name, sizeof(name)));
	return false;
}

/* ------------------------------------------------------------------------
 * paths
 */

/**
 * A packet arriving from outside: forwarded or delivered to the gateway.
 */
static void trace_incoming(trace_t *t)
{
	dpc_trace_result_t *res = t->res;
	nfsim_packet_t pkt;
	nfsim_result_t nf;
	dpc_ts_t ts;
	sa_ref_t in, out;
	char iif[IF_NAMESIZE] = "", tif[IF_NAMESIZE];
	char name[DPC_NAME_LEN * 2 + 32], a[DPC_ADDR_STRLEN];
	bool local;

	fmt(res->path, sizeof(res->path), "forward");
	if (t->q->iif[0])
	{
		fmt(iif, sizeof(iif), "%s", t->q->iif);
		fmt(res->iif, sizeof(res->iif), "%s", iif);
		if (!t->facts->link_exists(t->facts, iif, NULL))
		{
			add_phase(t, "route", DPC_TRACE_UNKNOWN, "there is no interface "
					  "%s on this gateway", iif);
			unsure(t, "the input interface");
			decide(t, DPC_TRACE_UNKNOWN, "there is no interface %s", iif);
			return;
		}
	}
	else if (!dpc_ts_from_prefix(&ts, t->src.family, t->src.a,
								 dpc_addr_len(t->src.family) * 8) ||
			 !dpc_check_lan_iif(&t->ctx, &ts, &t->src, iif))
	{
		add_phase(t, "route", DPC_TRACE_UNKNOWN, "the interface packets from "
				  "%s arrive on cannot be told; give the input interface",
				  dpc_addr_to_str(&t->src, a, sizeof(a)));
		unsure(t, "the input interface");
		decide(t, DPC_TRACE_UNKNOWN, "the input interface cannot be told; "
			   "give it (iif)");
		return;
	}
	fmt(res->iif, sizeof(res->iif), "%s", iif);
	reverse_path(t, iif);

	/* decrypted: from a CHILD_SA's remote to its local selectors, arriving
	 * where its decrypted packets arrive */
	in = find_sa(t, &t->src, &t->dst, true, false);
	if (in.child && dpc_check_tunnel_iif(&t->ctx, in.ike, in.child, tif) &&
		dpc_streq(tif, iif))
	{
		t->in = in;
		res->decrypted = true;
		set_child(t, &in, true);
		add_phase(t, "ipsec-in", DPC_TRACE_ALLOW, "arrives decrypted from "
				  "CHILD_SA %s (%s SPI %08x from %s) on %s",
				  sa_name(&in, name, sizeof(name)), sa_encap(&in),
				  in.child->spi_in,
				  dpc_addr_to_str(&in.ike->remote, a, sizeof(a)), iif);
	}

	if (!route_phase(t, iif))
	{
		return;
	}
	local = route_local(&t->route);
	fmt(res->path, sizeof(res->path), "%s", local ? "input" : "forward");
	make_packet(t, &pkt, iif, local ? "" : t->route.oif, NULL);
	if (!hook_phase(t, NFSIM_HOOK_PREROUTING, &pkt, &nf))
	{
		return;
	}
	if (apply_dnat(t, &nf))
	{
		if (!route_phase(t, iif))
		{
			return;
		}
		local = route_local(&t->route);
		fmt(res->path, sizeof(res->path), "%s", local ? "input" : "forward");
	}
	if (!inbound_policy(t, iif))
	{
		return;
	}
	if (local)
	{
		make_packet(t, &pkt, iif, "", NULL);
		if (!hook_phase(t, NFSIM_HOOK_INPUT, &pkt, &nf))
		{
			return;
		}
		if (t->in.child)
		{
			decide(t, DPC_TRACE_ALLOW, "decrypted from CHILD_SA %s and "
				   "delivered to the gateway itself",
				   sa_name(&t->in, name, sizeof(name)));
		}
		else
		{
			decide(t, DPC_TRACE_ALLOW, "delivered to the gateway itself");
		}
		return;
	}
	fmt(res->oif, sizeof(res->oif), "%s", t->route.oif);
	out = find_sa(t, &t->src, &t->dst, false, false);
	make_packet(t, &pkt, iif, t->route.oif, &out);
	if (!hook_phase(t, NFSIM_HOOK_FORWARD, &pkt, &nf) ||
		!hook_phase(t, NFSIM_HOOK_POSTROUTING, &pkt, &nf))
	{
		return;
	}
	ipsec_phase(t, &nf, &out);
}

/**
 * A packet the gateway sends itself.
 */
static void trace_output(trace_t *t)
{
	dpc_trace_result_t *res = t->res;
	nfsim_packet_t pkt;
	nfsim_result_t nf;
	sa_ref_t out;
	bool local;

	fmt(res->path, sizeof(res->path), "output");
	if (!route_phase(t, ""))
	{
		return;
	}
	out = find_sa(t, &t->src, &t->dst, false, false);
	make_packet(t, &pkt, "", t->route.oif, &out);
	if (!hook_phase(t, NFSIM_HOOK_OUTPUT, &pkt, &nf))
	{
		return;
	}
	if (apply_dnat(t, &nf))
	{
		if (!route_phase(t, ""))
		{
			return;
		}
		out = find_sa(t, &t->src, &t->dst, false, false);
		make_packet(t, &pkt, "", t->route.oif, &out);
	}
	local = route_local(&t->route);
	if (local)
	{
		fmt(res->path, sizeof(res->path), "local");
	}
	fmt(res->oif, sizeof(res->oif), "%s", t->route.oif);
	if (!hook_phase(t, NFSIM_HOOK_POSTROUTING, &pkt, &nf))
	{
		return;
	}
	if (local)
	{	/* looped back */
		make_packet(t, &pkt, t->route.oif[0] ? t->route.oif : "lo", "",
					NULL);
		if (hook_phase(t, NFSIM_HOOK_INPUT, &pkt, &nf))
		{
			decide(t, DPC_TRACE_ALLOW, "delivered to the gateway itself");
		}
		return;
	}
	ipsec_phase(t, &nf, &out);
}

/*
 * Described in header
 */
void dpc_trace_run(const dpc_trace_query_t *q, dpc_facts_t *facts,
				   const dpc_tunnels_t *tunnels, dpc_trace_result_t *res)
{
	dpc_trace_phase_t *ph;
	trace_t *t;
	char line[DPC_TRACE_DETAIL_LEN];

	memset(res, 0, sizeof(*res));
	res->certain = true;
	t = calloc(1, sizeof(*t));
	if (!t)
	{
		res->verdict = DPC_TRACE_UNKNOWN;
		res->certain = false;
		fmt(res->summary, sizeof(res->summary), "out of memory");
		res->count = 1;
		fmt(res->phases[0].name, sizeof(res->phases[0].name), "result");
		res->phases[0].verdict = DPC_TRACE_UNKNOWN;
		fmt(res->phases[0].detail, sizeof(res->phases[0].detail), "%s",
			res->summary);
		return;
	}
	t->q = q;
	t->res = res;
	t->facts = facts;
	t->ctx.facts = facts;
	t->ctx.tunnels = tunnels;
	t->xfrm = facts->get_dataplane(facts) == DPC_DATAPLANE_XFRM;
	t->rs = facts->get_ruleset(facts);
	t->src = q->src;
	t->dst = q->dst;
	t->src.port = t->dst.port = 0;
	t->proto = q->proto;
	if (!t->proto)
	{
		t->proto = q->src.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	}
	if (has_ports(t->proto))
	{
		t->sport = q->sport ? q->sport : EPHEMERAL_PORT;
		t->dport = q->dport;
	}
	if (is_icmp(t->proto))
	{
		t->icmp_type = t->proto == IPPROTO_ICMPV6 ? ICMPV6_ECHO : ICMP_ECHO;
		if (q->has_icmp_type)
		{
			t->icmp_type = q->icmp_type;
			t->icmp_code = q->icmp_code;
		}
	}
	describe(t);

	if (!t->src.family || t->src.family != t->dst.family)
	{
		add_phase(t, "route", DPC_TRACE_UNKNOWN, "source and destination "
				  "must be addresses of one family");
		unsure(t, "the addresses");
		decide(t, DPC_TRACE_UNKNOWN, "source and destination must be "
			   "addresses of one family");
	}
	else if (facts->is_local(facts, &t->src, NULL))
	{
		trace_output(t);
	}
	else
	{
		trace_incoming(t);
	}

	if (!t->line[0])
	{
		decide(t, DPC_TRACE_UNKNOWN, "no verdict");
	}
	res->verdict = t->verdict;
	if (t->verdict == DPC_TRACE_UNKNOWN)
	{
		res->certain = false;
	}
	else if (t->unsure[0] && t->verdict != DPC_TRACE_DROP &&
			 t->verdict != DPC_TRACE_REJECT)
	{	/* a drop stands whatever could not be judged, the rest depends */
		res->certain = false;
		res->verdict = DPC_TRACE_UNKNOWN;
		fmt(line, sizeof(line), "uncertain: depends on %s; if it passes: %s",
			t->unsure, t->line);
		memcpy(t->line, line, sizeof(t->line));
	}
	fmt(res->summary, sizeof(res->summary), "%s: %s", t->desc, t->line);
	/* add_phase() keeps the last slot free for the result */
	ph = &res->phases[res->count < DPC_TRACE_MAX_PHASES ? res->count++
														: res->count - 1];
	memset(ph, 0, sizeof(*ph));
	fmt(ph->name, sizeof(ph->name), "result");
	ph->verdict = res->verdict;
	fmt(ph->detail, sizeof(ph->detail), "%s", res->summary);
	free(t);
}

/* ------------------------------------------------------------------------
 * the socket's request and reply
 */

/**
 * Parse a decimal number up to max, strictly.
 */
static bool parse_num(const char *s, unsigned long max, unsigned long *val)
{
	unsigned long v = 0;

	if (!*s)
	{
		return false;
	}
	for (; *s; s++)
	{
		if (*s < '0' || *s > '9')
		{
			return false;
		}
		v = v * 10 + (*s - '0');
		if (v > max)
		{
			return false;
		}
	}
	*val = v;
	return true;
}

/**
 * Copy a name for an error message, printable characters only.
 */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
	{
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	}
	buf[i] = '\0';
	return buf;
}

/**
 * Parse a protocol name or number.
 */
static bool parse_proto(const char *s, uint8_t family, uint8_t *proto)
{
	unsigned long v;

	if (!strcmp(s, "tcp"))
	{
		*proto = IPPROTO_TCP;
	}
	else if (!strcmp(s, "udp"))
	{
		*proto = IPPROTO_UDP;
	}
	else if (!strcmp(s, "sctp"))
	{
		*proto = IPPROTO_SCTP;
	}
	else if (!strcmp(s, "icmp") || !strcmp(s, "icmpv6") ||
			 !strcmp(s, "ipv6-icmp"))
	{	/* the family says which ICMP is meant */
		*proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	}
	else if (parse_num(s, 255, &v))
	{
		*proto = v;
	}
	else
	{
		return false;
	}
	return true;
}

/**
 * Is an interface name acceptable?
 */
static bool valid_ifname(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '/' || s[i] == ':')
		{
			return false;
		}
	}
	return true;
}

/*
 * Described in header
 */
bool dpc_trace_parse_request(const dpc_vici_node_t *req, dpc_trace_query_t *q,
							 char *err, size_t len)
{
	static const char *keys[] = {
		"src", "dst", "proto", "sport", "dport", "type", "iif",
	};
	const char *val[7] = { NULL };
	const dpc_vici_node_t *n;
	char name[40], p[8];
	unsigned long v, code;
	const char *slash;
	size_t i;

	memset(q, 0, sizeof(*q));
	fmt(err, len, "invalid request");
	if (!req || req->type != DPC_VICI_NODE_SECTION)
	{
		return false;
	}
	for (n = req->first; n; n = n->next)
	{
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		{
			if (!strcmp(n->name, keys[i]))
			{
				break;
			}
		}
		if (i == sizeof(keys) / sizeof(keys[0]))
		{
			fmt(err, len, "unknown key '%s' (trace takes src, dst, proto, "
				"sport, dport, type and iif)",
				printable(n->name, name, sizeof(name)));
			return false;
		}
		if (n->type != DPC_VICI_NODE_KV)
		{
			fmt(err, len, "'%s' must be a key/value", keys[i]);
			return false;
		}
		if (val[i])
		{
			fmt(err, len, "'%s' given more than once", keys[i]);
			return false;
		}
		if (strlen(n->value) != n->len)
		{
			fmt(err, len, "'%s' contains a NUL byte", keys[i]);
			return false;
		}
		val[i] = n->value;
	}
	if (!val[0] || !dpc_addr_parse(&q->src, val[0]))
	{
		fmt(err, len, val[0] ? "src '%s' is not an IPv4 or IPv6 address" :
			"trace needs a source address (src)",
			val[0] ? printable(val[0], name, sizeof(name)) : "");
		return false;
	}
	if (!val[1] || !dpc_addr_parse(&q->dst, val[1]))
	{
		fmt(err, len, val[1] ? "dst '%s' is not an IPv4 or IPv6 address" :
			"trace needs a destination address (dst)",
			val[1] ? printable(val[1], name, sizeof(name)) : "");
		return false;
	}
	if (q->src.family != q->dst.family)
	{
		fmt(err, len, "src and dst must both be IPv4 or both IPv6");
		return false;
	}
	q->proto = q->src.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	if (val[2] && !parse_proto(val[2], q->src.family, &q->proto))
	{
		fmt(err, len, "unknown protocol '%s' (tcp, udp, sctp, icmp, icmpv6 "
			"or a number 0-255)", printable(val[2], name, sizeof(name)));
		return false;
	}
	if (!q->proto)
	{
		q->proto = q->src.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	}
	if ((val[3] || val[4]) && !has_ports(q->proto))
	{
		fmt(err, len, "ports only apply to tcp, udp and sctp, not to %s",
			proto_name(q->proto, p, sizeof(p)));
		return false;
	}
	if (val[3])
	{
		if (!parse_num(val[3], 65535, &v) || !v)
		{
			fmt(err, len, "sport '%s' is not a port (1-65535)",
				printable(val[3], name, sizeof(name)));
			return false;
		}
		q->sport = v;
	}
	if (val[4])
	{
		if (!parse_num(val[4], 65535, &v) || !v)
		{
			fmt(err, len, "dport '%s' is not a port (1-65535)",
				printable(val[4], name, sizeof(name)));
			return false;
		}
		q->dport = v;
	}
	else if (has_ports(q->proto))
	{
		fmt(err, len, "%s needs a destination port (dport)",
			proto_name(q->proto, p, sizeof(p)));
		return false;
	}
	if (val[5])
	{
		if (!is_icmp(q->proto))
		{
			fmt(err, len, "an ICMP type only applies to icmp and icmpv6");
			return false;
		}
		slash = strchr(val[5], '/');
		code = 0;
		if (slash && (size_t)(slash - val[5]) < sizeof(name))
		{
			fmt(name, sizeof(name), "%.*s", (int)(slash - val[5]), val[5]);
		}
		else
		{
			name[0] = '\0';
		}
		if (slash ? !parse_num(name, 255, &v) ||
					!parse_num(slash + 1, 255, &code)
				  : !parse_num(val[5], 255, &v))
		{
			fmt(err, len, "type '%s' is not an ICMP type (0-255, or "
				"type/code)", printable(val[5], name, sizeof(name)));
			return false;
		}
		q->has_icmp_type = true;
		q->icmp_type = v;
		q->icmp_code = code;
	}
	if (val[6])
	{
		if (!valid_ifname(val[6]))
		{
			fmt(err, len, "iif '%s' is not an interface name",
				printable(val[6], name, sizeof(name)));
			return false;
		}
		fmt(q->iif, sizeof(q->iif), "%s", val[6]);
	}
	if (len)
	{
		err[0] = '\0';
	}
	return true;
}

/*
 * Described in header
 */
bool dpc_trace_report(const dpc_trace_query_t *q, const dpc_trace_result_t *res,
					  uint8_t **msg, size_t *len)
{
	dpc_vici_builder_t b;
	const dpc_trace_phase_t *ph;
	char a[DPC_ADDR_STRLEN], idx[16], p[8];
	uint8_t proto = q->proto;
	int i;

	if (!proto)
	{
		proto = q->src.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	}
	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "success", "yes");
	dpc_vici_add_kv_str(&b, "src", dpc_addr_to_str(&q->src, a, sizeof(a)));
	dpc_vici_add_kv_str(&b, "dst", dpc_addr_to_str(&q->dst, a, sizeof(a)));
	dpc_vici_add_kv_str(&b, "proto", proto_name(proto, p, sizeof(p)));
	if (has_ports(proto))
	{
		dpc_vici_add_kvf(&b, "sport", "%u",
						 q->sport ? q->sport : EPHEMERAL_PORT);
		dpc_vici_add_kvf(&b, "dport", "%u", q->dport);
	}
	if (is_icmp(proto))
	{
		dpc_vici_add_kvf(&b, "icmp_type", "%u", q->has_icmp_type ?
						 q->icmp_type : proto == IPPROTO_ICMPV6 ? ICMPV6_ECHO
																 : ICMP_ECHO);
		dpc_vici_add_kvf(&b, "icmp_code", "%u",
						 q->has_icmp_type ? q->icmp_code : 0);
	}
	dpc_vici_add_kv(&b, "path", res->path, strnlen(res->path,
												   sizeof(res->path)));
	dpc_vici_add_kv(&b, "iif", res->iif, strnlen(res->iif, sizeof(res->iif)));
	dpc_vici_add_kv(&b, "oif", res->oif, strnlen(res->oif, sizeof(res->oif)));
	dpc_vici_add_kv_str(&b, "decrypted", res->decrypted ? "yes" : "no");
	dpc_vici_add_kv_str(&b, "verdict", dpc_trace_verdict_name(res->verdict));
	dpc_vici_add_kv_str(&b, "certain", res->certain ? "yes" : "no");
	dpc_vici_add_kv(&b, "summary", res->summary,
					strnlen(res->summary, sizeof(res->summary)));
	/* empty if no CHILD_SA is concerned */
	dpc_vici_begin_section(&b, "child");
	if (res->has_child)
	{
		dpc_vici_add_kv(&b, "ike", res->ike_name,
						strnlen(res->ike_name, sizeof(res->ike_name)));
		dpc_vici_add_kvf(&b, "ike_id", "%u", res->ike_id);
		dpc_vici_add_kv(&b, "child", res->child_name,
						strnlen(res->child_name, sizeof(res->child_name)));
		dpc_vici_add_kvf(&b, "child_id", "%u", res->child_id);
		dpc_vici_add_kvf(&b, "reqid", "%u", res->reqid);
		dpc_vici_add_kv_str(&b, "landed", res->landed ? "yes" : "no");
	}
	dpc_vici_end_section(&b);
	dpc_vici_begin_section(&b, "phases");
	for (i = 0; i < res->count && i < DPC_TRACE_MAX_PHASES; i++)
	{
		ph = &res->phases[i];
		snprintf(idx, sizeof(idx), "%d", i);
		dpc_vici_begin_section(&b, idx);
		dpc_vici_add_kv(&b, "phase", ph->name,
						strnlen(ph->name, sizeof(ph->name)));
		dpc_vici_add_kv_str(&b, "verdict",
							dpc_trace_verdict_name(ph->verdict));
		dpc_vici_add_kv(&b, "detail", ph->detail,
						strnlen(ph->detail, sizeof(ph->detail)));
		if (ph->rule_where[0])
		{
			dpc_vici_add_kv(&b, "rule_where", ph->rule_where,
							strnlen(ph->rule_where, sizeof(ph->rule_where)));
		}
		if (ph->rule[0])
		{
			dpc_vici_add_kv(&b, "rule", ph->rule,
							strnlen(ph->rule, sizeof(ph->rule)));
		}
		dpc_vici_end_section(&b);
	}
	dpc_vici_end_section(&b);
	return dpc_vici_builder_finish(&b, msg, len);
}

/*
 * Described in header
 */
bool dpc_trace_report_error(const char *errmsg, uint8_t **msg, size_t *len)
{
	dpc_vici_builder_t b;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "success", "no");
	dpc_vici_add_kv_str(&b, "errmsg", errmsg);
	return dpc_vici_builder_finish(&b, msg, len);
}
