/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_check_nf dpc_check_nf
 * @{ @ingroup dpc_check
 *
 * What the netfilter checks share: synthetic packets for the simulator
 * (also used by the packet tracer), the path of forwarded tunnel traffic,
 * and evidence of its verdicts.
 */

#ifndef DPC_CHECK_NF_H_
#define DPC_CHECK_NF_H_

#include "dpc_check.h"

#include <sys/socket.h>

/** destination port of the new TCP connection the checks judge (HTTPS,
 *  the application port most often carried through site-to-site tunnels) */
#define DPC_NF_TCP_PORT 443
/** destination port of the new UDP flow the checks judge (DNS) */
#define DPC_NF_UDP_PORT 53
/** source port of the client of those connections (ephemeral range) */
#define DPC_NF_CLIENT_PORT 40000

/**
 * Kinds of flow the checks of forwarded traffic judge.
 */
typedef enum {
	/** a new TCP connection (SYN to DPC_NF_TCP_PORT) */
	DPC_NF_FLOW_TCP = 0,
	/** a new UDP flow (to DPC_NF_UDP_PORT) */
	DPC_NF_FLOW_UDP,
	/** an ICMP (ICMPv6) echo request */
	DPC_NF_FLOW_ICMP,
	/** number of kinds */
	DPC_NF_FLOWS,
} dpc_nf_flow_t;

/**
 * Name of a kind of flow ("TCP", "UDP", "ICMP").
 *
 * @param flow		the kind
 * @return			its name
 */
const char *dpc_nf_flow_name(dpc_nf_flow_t flow);

/**
 * Turn a packet of dpc_nf_outbound()/dpc_nf_inbound() (addressed in the
 * direction it travels) into a packet of a flow of the given kind and
 * conntrack state: NEW is the flow's first packet (TCP SYN); ESTABLISHED
 * with ct_dir 0 continues a flow started in this direction (TCP ACK, UDP,
 * echo request), with ct_dir 1 it answers a flow the other side started
 * (ports swapped, echo reply). The conntrack status follows from the state
 * and from the NAT given (see nfsim_packet_ct_status()).
 *
 * @param pkt		the packet to change
 * @param flow		the kind of flow
 * @param ct		NFSIM_CT_NEW or NFSIM_CT_ESTABLISHED
 * @param ct_dir	conntrack direction, 0 original, 1 reply
 * @param src_nat	whether the connection is source-NATed
 * @param dst_nat	whether the connection is destination-NATed
 */
void dpc_nf_flow(nfsim_packet_t *pkt, dpc_nf_flow_t flow, uint32_t ct,
				 uint8_t ct_dir, nfsim_tri_t src_nat, nfsim_tri_t dst_nat);

/**
 * Which NAT the ruleset applies to the connection a NEW packet starts
 * (the NAT chains of prerouting, or output for local packets, and of
 * postrouting).
 *
 * @param rs		the ruleset
 * @param pkt		the connection's first packet, as forwarded
 * @param src_nat	receives whether its source is translated
 * @param dst_nat	receives whether its destination is translated
 */
void dpc_nf_conn_nat(const nfsim_ruleset_t *rs, const nfsim_packet_t *pkt,
					 nfsim_tri_t *src_nat, nfsim_tri_t *dst_nat);

/**
 * Start a packet from src to dst (NEW connection, ICMP echo for ICMP),
 * with the gateway's addresses for masquerade and address type lookups.
 *
 * @param facts		where the gateway's addresses come from
 * @param pkt		receives the packet
 * @param src		source address
 * @param dst		destination address
 * @param proto		IP protocol
 */
void dpc_nf_packet(dpc_facts_t *facts, nfsim_packet_t *pkt,
				   const dpc_addr_t *src, const dpc_addr_t *dst,
				   uint8_t proto);

/**
 * Set the input and output interfaces ("" for none, NULL: unknown).
 *
 * @param pkt		the packet
 * @param iif		input interface
 * @param oif		output interface
 */
void dpc_nf_ifaces(nfsim_packet_t *pkt, const char *iif, const char *oif);

/**
 * Describe the SA of a CHILD_SA a packet passes through.
 *
 * @param x			receives the description
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param inbound	TRUE for the inbound SA (decrypted packets)
 */
void dpc_nf_xfrm(nfsim_xfrm_t *x, const dpc_ike_rec_t *ike,
				 const dpc_child_rec_t *child, bool inbound);

/**
 * Describe the deciding rule (or chain policy) of a result: "inet filter
 * forward handle 7: iifname ..." or "inet filter forward policy drop".
 *
 * @param res		the simulator's answer
 * @param buf		receives the text
 * @param len		size of buf
 * @return			FALSE if neither a rule nor a policy decided
 */
bool dpc_nf_decider(const nfsim_result_t *res, char *buf, size_t len);

/**
 * Add the deciding rule (or chain policy) of a result as evidence.
 *
 * @param f			the finding
 * @param key		evidence key
 * @param res		the simulator's answer
 */
void dpc_nf_evidence(dpc_finding_t *f, const char *key,
					 const nfsim_result_t *res);

/**
 * Does a verdict stop the packet?
 *
 * @param verdict	the simulator's verdict
 * @return			TRUE for drop and reject
 */
static inline bool dpc_nf_stops(nfsim_verdict_t verdict)
{
	return verdict == NFSIM_VERDICT_DROP || verdict == NFSIM_VERDICT_REJECT;
}

/**
 * Report a verdict the simulator could not judge as ruleset-uncertain (one
 * per subject and question); nothing if the result is certain.
 *
 * @param ctx		the check context
 * @param ike		the IKE_SA concerned
 * @param child		the CHILD_SA concerned, NULL for the IKE_SA
 * @param question	what was asked, e.g. "outbound tunnel traffic in
 *					forward"
 * @param res		the simulator's answer
 */
void dpc_nf_uncertain(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const char *question,
					  const nfsim_result_t *res);

/**
 * What the checks of a CHILD_SA's forwarded traffic need: the ruleset and
 * the path with LAN host, LAN, tunnel and output interfaces.
 *
 * @param ctx		the check context
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param rs		receives the ruleset
 * @param path		receives the path
 * @return			FALSE if there is no ruleset or any of that is unknown
 */
bool dpc_nf_forwarded(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const nfsim_ruleset_t **rs,
					  const dpc_path_t **path);

/**
 * The outbound packet of a CHILD_SA as it leaves the LAN (ICMP echo from
 * the LAN host to the remote host, LAN to output interface; with XFRM the
 * outbound SA transforms it).
 *
 * @param facts		the facts
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param p			its path (see dpc_nf_forwarded())
 * @param ct		conntrack state (NFSIM_CT_*)
 * @param pkt		receives the packet
 */
void dpc_nf_outbound(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					 const dpc_child_rec_t *child, const dpc_path_t *p,
					 uint32_t ct, nfsim_packet_t *pkt);

/**
 * The inbound packet of a CHILD_SA after decryption (ICMP echo from the
 * remote host to the LAN host, tunnel to LAN interface; with XFRM it
 * arrived through the inbound SA). Established packets are replies.
 *
 * @param facts		the facts
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param p			its path (see dpc_nf_forwarded())
 * @param ct		conntrack state (NFSIM_CT_*)
 * @param pkt		receives the packet
 */
void dpc_nf_inbound(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					const dpc_child_rec_t *child, const dpc_path_t *p,
					uint32_t ct, nfsim_packet_t *pkt);

/**
 * The outbound (dpc_nf_outbound()) or inbound (dpc_nf_inbound()) packet of
 * a CHILD_SA.
 *
 * @param facts		the facts
 * @param ike		the IKE_SA
 * @param child		the CHILD_SA
 * @param p			its path (see dpc_nf_forwarded())
 * @param inbound	TRUE for the inbound packet
 * @param ct		conntrack state (NFSIM_CT_*)
 * @param pkt		receives the packet
 */
void dpc_nf_direction(dpc_facts_t *facts, const dpc_ike_rec_t *ike,
					  const dpc_child_rec_t *child, const dpc_path_t *p,
					  bool inbound, uint32_t ct, nfsim_packet_t *pkt);

/**
 * The nftables keyword of a family's addresses in rules ("ip", "ip6").
 *
 * @param family	AF_INET or AF_INET6
 * @return			the keyword
 */
static inline const char *dpc_nf_ip(uint8_t family)
{
	return family == AF_INET6 ? "ip6" : "ip";
}

/**
 * The iptables command of a family ("iptables", "ip6tables").
 *
 * @param family	AF_INET or AF_INET6
 * @return			the command
 */
static inline const char *dpc_nf_iptables(uint8_t family)
{
	return family == AF_INET6 ? "ip6tables" : "iptables";
}

/**
 * Does the gateway's INPUT filter drop the ICMP "fragmentation needed" /
 * ICMPv6 "packet too big" a router on the path (the next hop towards the
 * peer) sends about the IKE_SA's outer packets?
 *
 * @param ctx		the check context
 * @param ike		the IKE_SA
 * @param res		receives the simulator's answer
 * @return			TRUE if the error is dropped or rejected
 */
bool dpc_nf_pmtu_outer(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
					   nfsim_result_t *res);

/**
 * Does the gateway's OUTPUT filter drop the ICMP "fragmentation needed" /
 * ICMPv6 "packet too big" the gateway's kernel sends a LAN host whose
 * packet does not fit the tunnel?
 *
 * @param ctx		the check context
 * @param ike		the IKE_SA
 * @param p			the CHILD_SA's path (LAN host and interface)
 * @param res		receives the simulator's answer
 * @return			TRUE if the error is dropped or rejected
 */
bool dpc_nf_pmtu_to_lan(dpc_check_ctx_t *ctx, const dpc_ike_rec_t *ike,
						const dpc_path_t *p, nfsim_result_t *res);

#endif /** DPC_CHECK_NF_H_ @}*/
