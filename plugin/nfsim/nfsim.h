/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim nfsim
 * @{ @ingroup dataplane_check
 *
 * Netfilter simulator: executes a netfilter ruleset on a synthetic packet.
 *
 * Netfilter cannot be asked what it would do to a packet, so the rules are
 * read (nftables through libnftnl, iptables-legacy through libiptc, see
 * plugin/facts) into an nfsim_ruleset_t and executed here the way the kernel
 * executes them: nftables expressions with their register file, xtables
 * matches and targets (iptables-nft and iptables-legacy), base chains of a
 * hook in priority order across all tables and backends, jump/goto/return,
 * chain policies and NAT bindings.
 *
 * The packet is described by what routing and XFRM decided for it (output
 * interface, whether an outbound IPsec policy transforms it, whether it
 * arrived decrypted), so that "rt ipsec exists", "meta ipsec exists",
 * "ipsec in/out ..." and "-m policy" can be judged.
 *
 * Results are three-valued: whatever the simulator cannot judge (a rate
 * limit, a FIB lookup it has no answer for, an expression it does not know)
 * is explored both ways; if the outcome depends on it, the verdict is
 * uncertain and the result names the expression.
 *
 * The simulator is pure: no sockets, no charon; libc, and libmnl's
 * length-checked attribute walking where expression kinds decode
 * themselves from nf_tables netlink attributes.
 */

#ifndef NFSIM_H_
#define NFSIM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

/** longest rendering nfsim_rule_format() produces (truncated beyond) */
#define NFSIM_RULE_STRLEN 512

/** base chains recorded in nfsim_result_t.steps */
#define NFSIM_MAX_STEPS 16

/**
 * Three-valued truth.
 */
typedef enum {
	NFSIM_NO = 0,
	NFSIM_YES = 1,
	NFSIM_UNKNOWN = 2,
} nfsim_tri_t;

/**
 * Netfilter hooks, numbered like the kernel's NF_INET_* values.
 */
typedef enum {
	NFSIM_HOOK_PREROUTING = 0,
	NFSIM_HOOK_INPUT = 1,
	NFSIM_HOOK_FORWARD = 2,
	NFSIM_HOOK_OUTPUT = 3,
	NFSIM_HOOK_POSTROUTING = 4,
	/** netdev/inet ingress, before prerouting */
	NFSIM_HOOK_INGRESS = 5,
	NFSIM_HOOK_MAX = 6,
} nfsim_hook_t;

/**
 * Where a table comes from.
 */
typedef enum {
	/** nf_tables (nft, or iptables-nft, see nfsim_table_xt()) */
	NFSIM_BACKEND_NFT = 0,
	/** x_tables (iptables-legacy, ip6tables-legacy) */
	NFSIM_BACKEND_LEGACY = 1,
} nfsim_backend_t;

/**
 * Conntrack states as bits, the values of nft's "ct state" and of the
 * xt state/conntrack matches.
 */
enum {
	NFSIM_CT_INVALID = 1 << 0,
	NFSIM_CT_ESTABLISHED = 1 << 1,
	NFSIM_CT_RELATED = 1 << 2,
	NFSIM_CT_NEW = 1 << 3,
	NFSIM_CT_UNTRACKED = 1 << 6,
};

/**
 * Optional packet fields, set in nfsim_packet_t.known when given. A rule
 * that looks at a field that is not known cannot be judged.
 */
enum {
	/** iif is the input interface (empty: none, as for local output) */
	NFSIM_PKT_IIF = 1 << 0,
	/** oif is the output interface (empty: none, as for local input) */
	NFSIM_PKT_OIF = 1 << 1,
	/** iif_index is known */
	NFSIM_PKT_IIF_INDEX = 1 << 2,
	/** oif_index is known */
	NFSIM_PKT_OIF_INDEX = 1 << 3,
	/** tcp_flags is known */
	NFSIM_PKT_TCP_FLAGS = 1 << 4,
	/** tcp_mss is known (an MSS option with that value is present) */
	NFSIM_PKT_TCP_MSS = 1 << 5,
	/** len (IP total length) is known */
	NFSIM_PKT_LEN = 1 << 6,
	/** tos (traffic class) is known */
	NFSIM_PKT_TOS = 1 << 7,
	/** ttl (hop limit) is known */
	NFSIM_PKT_TTL = 1 << 8,
	/** ct_mark is known */
	NFSIM_PKT_CT_MARK = 1 << 9,
	/** nexthop is known */
	NFSIM_PKT_NEXTHOP = 1 << 10,
	/** addrs lists all local addresses (address type lookups can say
	 *  "not local" for any other address) */
	NFSIM_PKT_ADDRS_COMPLETE = 1 << 11,
	/** rpf_ok tells whether the reverse path lookup of the source
	 *  leaves through iif */
	NFSIM_PKT_RPF = 1 << 12,
	/** df tells whether the IPv4 DF bit is set */
	NFSIM_PKT_DF = 1 << 13,
	/** mtu is the route MTU */
	NFSIM_PKT_MTU = 1 << 14,
	/** ct_status holds the connection's status as the packet enters the
	 *  hook (ct_status_unknown: the bits that depend on runtime state) */
	NFSIM_PKT_CT_STATUS = 1 << 15,
};

/**
 * Conntrack status bits (the kernel's IPS_*), the values of nft's
 * "ct status" and of "-m conntrack --ctstatus".
 */
enum {
	NFSIM_CTS_EXPECTED = 1 << 0,
	NFSIM_CTS_SEEN_REPLY = 1 << 1,
	NFSIM_CTS_ASSURED = 1 << 2,
	NFSIM_CTS_CONFIRMED = 1 << 3,
	NFSIM_CTS_SRC_NAT = 1 << 4,
	NFSIM_CTS_DST_NAT = 1 << 5,
	NFSIM_CTS_SRC_NAT_DONE = 1 << 7,
	NFSIM_CTS_DST_NAT_DONE = 1 << 8,
	NFSIM_CTS_DYING = 1 << 9,
	NFSIM_CTS_TEMPLATE = 1 << 11,
	NFSIM_CTS_UNTRACKED = 1 << 12,
	NFSIM_CTS_HELPER = 1 << 13,
};

/**
 * An address of the gateway, with the interface it is configured on.
 */
typedef struct {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** address, network order */
	uint8_t addr[16];
	/** prefix length of the configured network */
	uint8_t plen;
	/** interface name */
	char ifname[IF_NAMESIZE];
} nfsim_ifaddr_t;

/**
 * Optional fields of an IPsec SA, bits of nfsim_xfrm_t.known.
 */
enum {
	NFSIM_XFRM_REQID = 1 << 0,
	NFSIM_XFRM_SPI = 1 << 1,
	/** saddr and daddr (the SA's outer addresses) */
	NFSIM_XFRM_ADDRS = 1 << 2,
	NFSIM_XFRM_PROTO = 1 << 3,
	NFSIM_XFRM_MODE = 1 << 4,
};

/**
 * The IPsec SA a packet passed through (inbound) or will pass through
 * (outbound).
 */
typedef struct {
	/** an SA applies (inbound: the packet arrived decrypted and has a
	 *  secpath; outbound: an XFRM policy transforms it) */
	bool present;
	/** NFSIM_XFRM_* bits of the fields below that are known */
	uint32_t known;
	/** reqid of the SA/policy */
	uint32_t reqid;
	/** SPI, host order */
	uint32_t spi;
	/** IPPROTO_ESP, IPPROTO_AH or IPPROTO_COMP */
	uint8_t proto;
	/** true for tunnel mode, false for transport mode */
	bool tunnel;
	/** family of saddr/daddr (AF_INET, AF_INET6), 0: the packet's */
	uint8_t family;
	/** outer source address of the SA, packet family */
	uint8_t saddr[16];
	/** outer destination address of the SA, packet family */
	uint8_t daddr[16];
} nfsim_xfrm_t;

/**
 * A synthetic packet: what it looks like and what routing and XFRM decided
 * for it. Zero-initialize and fill in what is known.
 */
typedef struct {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** source address, network order */
	uint8_t src[16];
	/** destination address, network order */
	uint8_t dst[16];
	/** IP protocol (IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, ...) */
	uint8_t proto;
	/** source port (TCP/UDP/SCTP/DCCP/UDPLITE), host order */
	uint16_t sport;
	/** destination port, host order */
	uint16_t dport;
	/** ICMP/ICMPv6 type */
	uint8_t icmp_type;
	/** ICMP/ICMPv6 code */
	uint8_t icmp_code;
	/** ESP/AH SPI, host order (ESP and AH packets) */
	uint32_t spi;
	/** TCP flags (NFSIM_PKT_TCP_FLAGS) */
	uint8_t tcp_flags;
	/** value of the TCP MSS option (NFSIM_PKT_TCP_MSS) */
	uint16_t tcp_mss;
	/** IP total length / IPv6 payload length plus header (NFSIM_PKT_LEN) */
	uint16_t len;
	/** TOS / traffic class (NFSIM_PKT_TOS) */
	uint8_t tos;
	/** TTL / hop limit (NFSIM_PKT_TTL) */
	uint8_t ttl;
	/** IPv4 DF bit (NFSIM_PKT_DF) */
	bool df;
	/** input interface name (NFSIM_PKT_IIF) */
	char iif[IF_NAMESIZE];
	/** output interface name (NFSIM_PKT_OIF) */
	char oif[IF_NAMESIZE];
	/** input interface index (NFSIM_PKT_IIF_INDEX) */
	uint32_t iif_index;
	/** output interface index (NFSIM_PKT_OIF_INDEX) */
	uint32_t oif_index;
	/** packet mark (always known, 0 if none) */
	uint32_t mark;
	/** conntrack state, one NFSIM_CT_* bit; 0 if unknown */
	uint32_t ct_state;
	/** conntrack direction: 0 original, 1 reply */
	uint8_t ct_dir;
	/** conntrack mark (NFSIM_PKT_CT_MARK) */
	uint32_t ct_mark;
	/** conntrack status, NFSIM_CTS_* bits (NFSIM_PKT_CT_STATUS); a NAT
	 *  binding set up by the hook being run adds its bit */
	uint32_t ct_status;
	/** bits of ct_status that depend on runtime state */
	uint32_t ct_status_unknown;
	/** the SA the packet arrived through, decrypted (meta ipsec, ipsec in,
	 *  -m policy --dir in) */
	nfsim_xfrm_t xfrm_in;
	/** the SA an outbound policy sends the packet to (rt ipsec, ipsec out,
	 *  -m policy --dir out) */
	nfsim_xfrm_t xfrm_out;
	/** next hop of the route (NFSIM_PKT_NEXTHOP), packet family */
	uint8_t nexthop[16];
	/** route MTU (NFSIM_PKT_MTU) */
	uint16_t mtu;
	/** reverse path check of the source passes (NFSIM_PKT_RPF) */
	bool rpf_ok;
	/** the gateway's addresses, for masquerade source selection and
	 *  address type lookups (may be NULL) */
	const nfsim_ifaddr_t *addrs;
	/** number of entries in addrs */
	size_t addr_count;
	/** NFSIM_PKT_* bits of the optional fields that are set */
	uint32_t known;
} nfsim_packet_t;

/**
 * What the rules decided.
 */
typedef enum {
	/** no base chain of this hook applies to the packet */
	NFSIM_VERDICT_CONTINUE = 0,
	/** accepted (by a rule or by chain policies) */
	NFSIM_VERDICT_ACCEPT,
	/** dropped */
	NFSIM_VERDICT_DROP,
	/** dropped with an ICMP error or TCP reset */
	NFSIM_VERDICT_REJECT,
	/** handed to userspace (nfqueue): outcome unknown */
	NFSIM_VERDICT_QUEUE,
	/** the outcome could not be determined */
	NFSIM_VERDICT_UNKNOWN,
} nfsim_verdict_t;

/**
 * Kinds of NAT.
 */
typedef enum {
	NFSIM_NAT_NONE = 0,
	NFSIM_NAT_SNAT,
	NFSIM_NAT_DNAT,
	NFSIM_NAT_MASQUERADE,
	NFSIM_NAT_REDIRECT,
} nfsim_nat_type_t;

/**
 * NAT flags, bits of nfsim_nat_t.flags.
 */
enum {
	/** a port range was given (port_min..port_max) */
	NFSIM_NAT_PORTS = 1 << 0,
	/** random port selection (--random) */
	NFSIM_NAT_RANDOM = 1 << 1,
	/** fully random port selection (--random-fully) */
	NFSIM_NAT_RANDOM_FULLY = 1 << 2,
	/** persistent mapping */
	NFSIM_NAT_PERSISTENT = 1 << 3,
	/** the address range has more than one address */
	NFSIM_NAT_ADDR_RANGE = 1 << 4,
	/** NETMAP-style prefix mapping */
	NFSIM_NAT_NETMAP = 1 << 5,
};

typedef struct nfsim_ruleset_t nfsim_ruleset_t;
typedef struct nfsim_table_t nfsim_table_t;
typedef struct nfsim_chain_t nfsim_chain_t;
typedef struct nfsim_rule_t nfsim_rule_t;

/**
 * A NAT binding a rule set up.
 */
typedef struct {
	/** the kind of NAT, NFSIM_NAT_NONE if none */
	nfsim_nat_type_t type;
	/** addr is known (masquerade with a known output address, SNAT/DNAT
	 *  with constant addresses) */
	bool addr_known;
	/** new source (SNAT, masquerade) or destination (DNAT, redirect)
	 *  address, packet family; the first of a range */
	uint8_t addr[16];
	/** last address of the range (NFSIM_NAT_ADDR_RANGE) */
	uint8_t addr_max[16];
	/** first port of the port range (NFSIM_NAT_PORTS), host order */
	uint16_t port_min;
	/** last port of the port range (NFSIM_NAT_PORTS), host order */
	uint16_t port_max;
	/** NFSIM_NAT_* flags */
	uint32_t flags;
	/** the rule that set it up */
	const nfsim_rule_t *rule;
} nfsim_nat_t;

/** nfsim_mss_t.mss value: clamp to the path MTU */
#define NFSIM_MSS_PMTU 0xffff

/**
 * A TCP MSS clamp applied to the packet.
 */
typedef struct {
	/** a clamp applies */
	bool present;
	/** the MSS it sets, NFSIM_MSS_PMTU for "clamp to path MTU" or a value
	 *  the simulator could not compute */
	uint16_t mss;
	/** the rule */
	const nfsim_rule_t *rule;
} nfsim_mss_t;

/**
 * How one base chain ended.
 */
typedef struct {
	/** the base chain */
	const nfsim_chain_t *chain;
	/** its verdict (ACCEPT when the packet goes on to the next chain) */
	nfsim_verdict_t verdict;
	/** the rule that ended it, NULL for the chain policy */
	const nfsim_rule_t *rule;
	/** the chain the rule is in (a base chain or one jumped to) */
	const nfsim_chain_t *rule_chain;
} nfsim_step_t;

/**
 * The outcome of a hook. Pointers refer into the ruleset and stay valid as
 * long as it lives.
 */
typedef struct {
	/** the verdict */
	nfsim_verdict_t verdict;
	/** false if the verdict (or the NAT) depends on something the
	 *  simulator could not judge; see unknown_rule/unknown_what */
	bool certain;
	/** the deciding rule: the one that dropped/rejected, else the last
	 *  one that accepted; NULL if a chain policy decided */
	const nfsim_rule_t *rule;
	/** the chain of the deciding rule or policy */
	const nfsim_chain_t *chain;
	/** the rule holding the expression that could not be judged */
	const nfsim_rule_t *unknown_rule;
	/** what could not be judged, e.g. "fib saddr . iif oif" */
	char unknown_what[96];
	/** if uncertain, the verdict an alternative outcome has */
	nfsim_verdict_t alt_verdict;
	/** the NAT binding set up, if any */
	nfsim_nat_t nat;
	/** a TCP MSS clamp, if any */
	nfsim_mss_t mss;
	/** the packet mark after the hook */
	uint32_t mark;
	/** the base chains the packet traversed, in order */
	nfsim_step_t steps[NFSIM_MAX_STEPS];
	/** number of entries in steps */
	unsigned nsteps;
} nfsim_result_t;

/** what an evaluation that was told to stop could not judge */
#define NFSIM_STOPPED "not evaluated: out of time"

/**
 * Fill in the conntrack status of a packet of a connection without helper
 * or expectation, from its ct_state: a NEW packet's connection is neither
 * confirmed nor has it seen a reply; an ESTABLISHED one is confirmed and
 * has seen a reply (whether it is assured yet depends on its timing). The
 * *_NAT_DONE, offload and timeout bits stay unknown (runtime state); so do
 * all bits of other states.
 *
 * @param pkt		the packet, ct_state set
 * @param src_nat	whether an earlier hook source-NATed the connection
 * @param dst_nat	whether an earlier hook destination-NATed it
 */
void nfsim_packet_ct_status(nfsim_packet_t *pkt, nfsim_tri_t src_nat,
							nfsim_tri_t dst_nat);

/**
 * Run the base chains of a hook on a packet.
 *
 * Walks nftables and legacy base chains registered at the hook for the
 * packet's family in priority order; ACCEPT goes on to the next base chain,
 * DROP/REJECT end it, the first NAT chain that sets up a binding ends NAT
 * processing (later chains see the translated packet). NAT chains only see
 * packets whose conntrack state is NEW or unknown. An evaluation the
 * ruleset's stop callback stops is uncertain (unknown_what NFSIM_STOPPED).
 *
 * @param rs		ruleset, finalized since it was last changed (else the
 *					verdict is NFSIM_VERDICT_UNKNOWN)
 * @param hook		hook to run
 * @param pkt		the packet
 * @param res		receives the outcome
 * @return			res->verdict
 */
nfsim_verdict_t nfsim_eval(const nfsim_ruleset_t *rs, nfsim_hook_t hook,
						   const nfsim_packet_t *pkt, nfsim_result_t *res);

/**
 * Name of a verdict ("accept", "drop", ...).
 */
const char *nfsim_verdict_name(nfsim_verdict_t verdict);

/**
 * Name of a hook ("prerouting", ...).
 */
const char *nfsim_hook_name(nfsim_hook_t hook);

/**
 * Name of a NAT kind ("snat", "masquerade", ...).
 */
const char *nfsim_nat_name(nfsim_nat_type_t type);

/**
 * Name of an nftables family (NFPROTO_* value: "ip", "ip6", "inet", ...).
 */
const char *nfsim_family_name(uint8_t nfproto);

/**
 * Table of a chain.
 */
const nfsim_table_t *nfsim_chain_table(const nfsim_chain_t *chain);

/**
 * Name of a chain.
 */
const char *nfsim_chain_name(const nfsim_chain_t *chain);

/**
 * Name of a table.
 */
const char *nfsim_table_name(const nfsim_table_t *table);

/**
 * Family of a table (NFPROTO_* value).
 */
uint8_t nfsim_table_family(const nfsim_table_t *table);

/**
 * Backend of a table.
 */
nfsim_backend_t nfsim_table_backend(const nfsim_table_t *table);

/**
 * Whether an nftables table holds xt expressions (written by iptables-nft).
 */
bool nfsim_table_xt(const nfsim_table_t *table);

/**
 * Number of chains of a table.
 */
size_t nfsim_table_chain_count(const nfsim_table_t *table);

/**
 * Chain of a table by index (0 .. nfsim_table_chain_count() - 1).
 */
const nfsim_chain_t *nfsim_table_chain(const nfsim_table_t *table, size_t i);

/**
 * Whether a chain is a base chain; if so, its hook and priority.
 *
 * @param chain		the chain
 * @param hook		receives the hook (may be NULL)
 * @param prio		receives the priority (may be NULL)
 * @return			true for a base chain
 */
bool nfsim_chain_base(const nfsim_chain_t *chain, nfsim_hook_t *hook,
					  int32_t *prio);

/**
 * Number of rules of a chain.
 */
size_t nfsim_chain_rule_count(const nfsim_chain_t *chain);

/**
 * Rule of a chain by index (0 .. nfsim_chain_rule_count() - 1).
 */
const nfsim_rule_t *nfsim_chain_rule(const nfsim_chain_t *chain, size_t i);

/**
 * Chain of a rule.
 */
const nfsim_chain_t *nfsim_rule_chain(const nfsim_rule_t *rule);

/**
 * nftables handle of a rule (0 for legacy rules).
 */
uint64_t nfsim_rule_handle(const nfsim_rule_t *rule);

/**
 * Position of a rule in its chain, from 1 (iptables --line-numbers).
 */
unsigned nfsim_rule_position(const nfsim_rule_t *rule);

/**
 * Render a rule readably: nft syntax for nftables rules (xt parts in
 * iptables syntax), iptables-save syntax for legacy rules.
 *
 * @param rule		the rule
 * @param buf		buffer, always NUL-terminated if len > 0
 * @param len		size of buf
 * @return			buf
 */
char *nfsim_rule_format(const nfsim_rule_t *rule, char *buf, size_t len);

/**
 * Describe where a rule lives: "ip nat POSTROUTING handle 4" or
 * "iptables-legacy nat POSTROUTING #2".
 *
 * @param rule		the rule
 * @param buf		buffer, always NUL-terminated if len > 0
 * @param len		size of buf
 * @return			buf
 */
char *nfsim_rule_where(const nfsim_rule_t *rule, char *buf, size_t len);

/**
 * Number of tables of a ruleset.
 */
size_t nfsim_ruleset_table_count(const nfsim_ruleset_t *rs);

/**
 * Table by index (0 .. nfsim_ruleset_table_count() - 1).
 */
const nfsim_table_t *nfsim_ruleset_table(const nfsim_ruleset_t *rs, size_t i);

/**
 * Number of rules of a ruleset, per backend.
 */
size_t nfsim_ruleset_rule_count(const nfsim_ruleset_t *rs,
								nfsim_backend_t backend);

/**
 * Release a ruleset (NULL is fine).
 */
void nfsim_ruleset_destroy(nfsim_ruleset_t *rs);

#endif /** NFSIM_H_ @}*/
