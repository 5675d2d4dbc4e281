/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_ipt_read.h"

#include "nfsim/nfsim_expr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>

/* ---- decoding (pure) ---- */

/**
 * Hook, priority and type of a built-in chain of a legacy table, as the
 * kernel's iptable_* modules register them.
 */
static bool builtin(const char *table, const char *chain, nfsim_hook_t *hook,
					int32_t *prio, nfsim_chain_type_t *type)
{
	static const char *hooks[] = {
		"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
	};
	int h;

	for (h = 0; h < 5; h++)
	{
		if (strcmp(chain, hooks[h]) == 0)
		{
			break;
		}
	}
	if (h == 5)
	{
		return false;
	}
	*hook = (nfsim_hook_t)h;
	*type = NFSIM_CHAIN_FILTER;
	if (strcmp(table, "raw") == 0)
	{
		*prio = -300;
		return h == NFSIM_HOOK_PREROUTING || h == NFSIM_HOOK_OUTPUT;
	}
	if (strcmp(table, "mangle") == 0)
	{
		*prio = -150;
		if (h == NFSIM_HOOK_OUTPUT)
		{
			*type = NFSIM_CHAIN_ROUTE;
		}
		return true;
	}
	if (strcmp(table, "nat") == 0)
	{
		*type = NFSIM_CHAIN_NAT;
		*prio = (h == NFSIM_HOOK_PREROUTING || h == NFSIM_HOOK_OUTPUT) ? -100 : 100;
		return h != NFSIM_HOOK_FORWARD;
	}
	if (strcmp(table, "filter") == 0 || strcmp(table, "security") == 0)
	{
		*prio = table[0] == 'f' ? 0 : 50;
		return h == NFSIM_HOOK_INPUT || h == NFSIM_HOOK_FORWARD ||
			   h == NFSIM_HOOK_OUTPUT;
	}
	return false;
}

static bool add_chain(nfsim_ruleset_t *rs, const dpc_ipt_record_t *rec)
{
	nfsim_chain_type_t type;
	nfsim_table_t *t;
	nfsim_chain_t *c;
	nfsim_hook_t hook;
	int32_t prio;

	t = nfsim_table_add(rs, NFSIM_BACKEND_LEGACY, rec->family, rec->table);
	c = t ? nfsim_chain_add(t, rec->chain) : NULL;
	if (!c)
	{
		return false;
	}
	if (!rec->policy)
	{
		return true;
	}
	if (!builtin(rec->table, rec->chain, &hook, &prio, &type))
	{
		return false;
	}
	nfsim_chain_set_base(c, type, hook, prio,
						 strcmp(rec->policy, "DROP") == 0 ? NF_DROP : NF_ACCEPT,
						 NULL);
	return true;
}

/**
 * The parts of an entry the decoder needs, for either family.
 */
typedef struct {
	nfsim_ipt_t hdr;
	uint16_t target_offset;
	uint16_t next_offset;
	size_t size;
	bool goto_;
} entry_t;

/**
 * Read the fixed part of an entry.
 */
static bool read_entry(const dpc_ipt_record_t *rec, entry_t *e)
{
	memset(e, 0, sizeof(*e));
	if (rec->family == NFPROTO_IPV4)
	{
		struct ipt_entry ie;

		if (rec->len < sizeof(ie))
		{
			return false;
		}
		memcpy(&ie, rec->entry, sizeof(ie));
		e->size = sizeof(ie);
		e->target_offset = ie.target_offset;
		e->next_offset = ie.next_offset;
		e->hdr.family = AF_INET;
		memcpy(e->hdr.src, &ie.ip.src, 4);
		memcpy(e->hdr.dst, &ie.ip.dst, 4);
		memcpy(e->hdr.smsk, &ie.ip.smsk, 4);
		memcpy(e->hdr.dmsk, &ie.ip.dmsk, 4);
		memcpy(e->hdr.iniface, ie.ip.iniface, IF_NAMESIZE);
		memcpy(e->hdr.outiface, ie.ip.outiface, IF_NAMESIZE);
		memcpy(e->hdr.iniface_mask, ie.ip.iniface_mask, IF_NAMESIZE);
		memcpy(e->hdr.outiface_mask, ie.ip.outiface_mask, IF_NAMESIZE);
		e->hdr.proto = ie.ip.proto;
		e->hdr.has_proto = ie.ip.proto != 0;
		e->hdr.frag = ie.ip.flags & IPT_F_FRAG;
		e->hdr.inv = ie.ip.invflags & IPT_INV_MASK;
		e->goto_ = ie.ip.flags & IPT_F_GOTO;
	}
	else if (rec->family == NFPROTO_IPV6)
	{
		struct ip6t_entry ie;

		if (rec->len < sizeof(ie))
		{
			return false;
		}
		memcpy(&ie, rec->entry, sizeof(ie));
		e->size = sizeof(ie);
		e->target_offset = ie.target_offset;
		e->next_offset = ie.next_offset;
		e->hdr.family = AF_INET6;
		memcpy(e->hdr.src, &ie.ipv6.src, 16);
		memcpy(e->hdr.dst, &ie.ipv6.dst, 16);
		memcpy(e->hdr.smsk, &ie.ipv6.smsk, 16);
		memcpy(e->hdr.dmsk, &ie.ipv6.dmsk, 16);
		memcpy(e->hdr.iniface, ie.ipv6.iniface, IF_NAMESIZE);
		memcpy(e->hdr.outiface, ie.ipv6.outiface, IF_NAMESIZE);
		memcpy(e->hdr.iniface_mask, ie.ipv6.iniface_mask, IF_NAMESIZE);
		memcpy(e->hdr.outiface_mask, ie.ipv6.outiface_mask, IF_NAMESIZE);
		e->hdr.proto = ie.ipv6.proto;
		e->hdr.has_proto = ie.ipv6.flags & IP6T_F_PROTO;
		e->hdr.has_tos = ie.ipv6.flags & IP6T_F_TOS;
		e->hdr.tos = ie.ipv6.tos;
		e->hdr.inv = ie.ipv6.invflags & IP6T_INV_MASK;
		e->goto_ = ie.ipv6.flags & IP6T_F_GOTO;
	}
	else
	{
		return false;
	}
	e->hdr.iniface[IF_NAMESIZE - 1] = '\0';
	e->hdr.outiface[IF_NAMESIZE - 1] = '\0';
	/* matches between the header and the target, the target up to the end */
	return e->target_offset >= e->size &&
		   (size_t)e->target_offset + sizeof(struct xt_entry_target) <=
		   e->next_offset && e->next_offset <= rec->len;
}

/**
 * Name of an extension from its fixed-size field (NUL inside or invalid).
 */
static bool ext_name(const char *field, char *name)
{
	size_t n = strnlen(field, XT_EXTENSION_MAXNAMELEN);

	if (n == XT_EXTENSION_MAXNAMELEN)
	{
		return false;
	}
	memcpy(name, field, n + 1);
	return true;
}

/**
 * Append the matches of an entry.
 */
static bool add_matches(nfsim_rule_t *r, uint8_t family, const uint8_t *base,
						const entry_t *e)
{
	struct xt_entry_match m;
	char name[XT_EXTENSION_MAXNAMELEN];
	size_t off = e->size;

	while (off < e->target_offset)
	{
		if (off + sizeof(m) > e->target_offset)
		{
			return false;
		}
		memcpy(&m, base + off, sizeof(m));
		if (m.u.user.match_size < sizeof(m) ||
			off + m.u.user.match_size > e->target_offset ||
			!ext_name(m.u.user.name, name))
		{
			return false;
		}
		nfsim_add_xt(r, false, name, m.u.user.revision, family,
					 base + off + sizeof(m), m.u.user.match_size - sizeof(m));
		if (strcmp(name, "comment") == 0)
		{
			char comment[XT_MAX_COMMENT_LEN + 1];
			size_t len = m.u.user.match_size - sizeof(m);

			len = len < XT_MAX_COMMENT_LEN ? len : XT_MAX_COMMENT_LEN;
			memcpy(comment, base + off + sizeof(m), len);
			comment[len] = '\0';
			nfsim_rule_set_comment(r, comment);
		}
		off += m.u.user.match_size;
	}
	return true;
}

/**
 * Verdict of a standard target from its data, when libiptc gave no name.
 */
static bool standard_verdict(const uint8_t *data, size_t len, int *code)
{
	int v;

	if (len < sizeof(v))
	{
		return false;
	}
	memcpy(&v, data, sizeof(v));
	if (v == XT_RETURN)
	{
		*code = NFT_RETURN;
		return true;
	}
	if (v < 0)
	{
		*code = -v - 1;
		return *code == NF_ACCEPT || *code == NF_DROP || *code == NF_QUEUE;
	}
	/* a jump by offset: only libiptc knows the chain */
	return false;
}

/**
 * Append the target of an entry.
 */
static bool add_target(nfsim_rule_t *r, uint8_t family, const uint8_t *base,
					   const entry_t *e, const char *target)
{
	struct xt_entry_target t;
	char name[XT_EXTENSION_MAXNAMELEN];
	size_t dlen;
	int code;

	memcpy(&t, base + e->target_offset, sizeof(t));
	if (t.u.user.target_size < sizeof(t) ||
		(size_t)e->target_offset + t.u.user.target_size > e->next_offset ||
		!ext_name(t.u.user.name, name))
	{
		return false;
	}
	dlen = t.u.user.target_size - sizeof(t);
	if (name[0])
	{
		if (strcmp(name, XT_ERROR_TARGET) == 0)
		{
			return false;
		}
		nfsim_add_xt(r, true, name, t.u.user.revision, family,
					 base + e->target_offset + sizeof(t), dlen);
		return true;
	}
	/* the standard target */
	if (!target)
	{
		if (!standard_verdict(base + e->target_offset + sizeof(t), dlen, &code))
		{
			return false;
		}
		nfsim_add_verdict(r, code, NULL);
		return true;
	}
	if (target[0] == '\0')
	{
		/* no target: counters only */
		return true;
	}
	if (strcmp(target, "ACCEPT") == 0)
	{
		nfsim_add_verdict(r, NF_ACCEPT, NULL);
	}
	else if (strcmp(target, "DROP") == 0)
	{
		nfsim_add_verdict(r, NF_DROP, NULL);
	}
	else if (strcmp(target, "RETURN") == 0)
	{
		nfsim_add_verdict(r, NFT_RETURN, NULL);
	}
	else if (strcmp(target, "QUEUE") == 0)
	{
		nfsim_add_verdict(r, NF_QUEUE, NULL);
	}
	else
	{
		nfsim_add_verdict(r, e->goto_ ? NFT_GOTO : NFT_JUMP, target);
	}
	return true;
}

static bool add_rule(nfsim_ruleset_t *rs, const dpc_ipt_record_t *rec)
{
	const uint8_t *base = rec->entry;
	nfsim_table_t *t;
	nfsim_chain_t *c;
	nfsim_rule_t *r;
	entry_t e;

	t = nfsim_table_add(rs, NFSIM_BACKEND_LEGACY, rec->family, rec->table);
	c = t ? nfsim_chain_add(t, rec->chain) : NULL;
	r = c ? nfsim_rule_add(c, 0) : NULL;
	if (!r)
	{
		return false;
	}
	if (!rec->entry || !read_entry(rec, &e))
	{
		nfsim_add_invalid(r, "entry");
		return false;
	}
	nfsim_add_ipt(r, &e.hdr);
	if (!add_matches(r, rec->family, base, &e) ||
		!add_target(r, rec->family, base, &e, rec->target))
	{
		nfsim_add_invalid(r, "entry");
		return false;
	}
	return true;
}

bool dpc_ipt_add(nfsim_ruleset_t *rs, const dpc_ipt_record_t *rec)
{
	if (!rec->table || !rec->chain ||
		(rec->family != NFPROTO_IPV4 && rec->family != NFPROTO_IPV6))
	{
		return false;
	}
	return rec->kind == DPC_IPT_CHAIN ? add_chain(rs, rec) : add_rule(rs, rec);
}

/* ---- reading the kernel's tables ---- */

int dpc_ipt_tables(uint8_t family, char names[][DPC_IPT_TABLE_LEN],
				   size_t max)
{
	char line[64];
	size_t n = 0;
	FILE *f;

	/* "e": not inherited by the scripts charon runs */
	f = fopen(family == NFPROTO_IPV6 ? "/proc/net/ip6_tables_names"
									 : "/proc/net/ip_tables_names", "re");
	if (!f)
	{
		/* no x_tables support at all */
		return errno == ENOENT ? 0 : -errno;
	}
	while (n < max && fgets(line, sizeof(line), f))
	{
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && strlen(line) < DPC_IPT_TABLE_LEN)
		{
			strcpy(names[n++], line);
		}
	}
	fclose(f);
	return n;
}

/**
 * Tap and decode one record.
 */
static void emit(nfsim_ruleset_t *rs, const dpc_ipt_record_t *rec,
				 dpc_ipt_tap_t tap, void *user)
{
	if (tap)
	{
		tap(user, rec);
	}
	dpc_ipt_add(rs, rec);
}

static int read_table4(nfsim_ruleset_t *rs, const char *table,
					   dpc_ipt_tap_t tap, void *user)
{
	struct xt_counters cnt;
	struct xtc_handle *h;
	const struct ipt_entry *e;
	const char *chain;

	h = iptc_init(table);
	if (!h)
	{
		return errno ? -errno : -EIO;
	}
	for (chain = iptc_first_chain(h); chain; chain = iptc_next_chain(h))
	{
		dpc_ipt_record_t rec = {
			.kind = DPC_IPT_CHAIN, .family = NFPROTO_IPV4, .table = table,
			.chain = chain,
		};

		if (iptc_builtin(chain, h))
		{
			rec.policy = iptc_get_policy(chain, &cnt, h);
		}
		emit(rs, &rec, tap, user);
	}
	for (chain = iptc_first_chain(h); chain; chain = iptc_next_chain(h))
	{
		for (e = iptc_first_rule(chain, h); e; e = iptc_next_rule(e, h))
		{
			dpc_ipt_record_t rec = {
				.kind = DPC_IPT_RULE, .family = NFPROTO_IPV4, .table = table,
				.chain = chain, .entry = e, .len = e->next_offset,
				.target = iptc_get_target(e, h),
			};

			emit(rs, &rec, tap, user);
		}
	}
	iptc_free(h);
	return 0;
}

static int read_table6(nfsim_ruleset_t *rs, const char *table,
					   dpc_ipt_tap_t tap, void *user)
{
	struct xt_counters cnt;
	struct xtc_handle *h;
	const struct ip6t_entry *e;
	const char *chain;

	h = ip6tc_init(table);
	if (!h)
	{
		return errno ? -errno : -EIO;
	}
	for (chain = ip6tc_first_chain(h); chain; chain = ip6tc_next_chain(h))
	{
		dpc_ipt_record_t rec = {
			.kind = DPC_IPT_CHAIN, .family = NFPROTO_IPV6, .table = table,
			.chain = chain,
		};

		if (ip6tc_builtin(chain, h))
		{
			rec.policy = ip6tc_get_policy(chain, &cnt, h);
		}
		emit(rs, &rec, tap, user);
	}
	for (chain = ip6tc_first_chain(h); chain; chain = ip6tc_next_chain(h))
	{
		for (e = ip6tc_first_rule(chain, h); e; e = ip6tc_next_rule(e, h))
		{
			dpc_ipt_record_t rec = {
				.kind = DPC_IPT_RULE, .family = NFPROTO_IPV6, .table = table,
				.chain = chain, .entry = e, .len = e->next_offset,
				.target = ip6tc_get_target(e, h),
			};

			emit(rs, &rec, tap, user);
		}
	}
	ip6tc_free(h);
	return 0;
}

/**
 * A raw socket of a family for the x_tables socket options (what libiptc
 * opens too; needs CAP_NET_RAW), not inherited by scripts.
 */
static int xt_socket(uint8_t family)
{
	return socket(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET,
				  SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
}

/**
 * Ask the kernel for the size of a table (IPT_SO_GET_INFO; ip6t_getinfo
 * shares the IPv4 layout).
 */
static int table_info(int fd, uint8_t family, const char *name,
					  struct ipt_getinfo *info)
{
	socklen_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", name);
	if (getsockopt(fd, family == NFPROTO_IPV6 ? SOL_IPV6 : SOL_IP,
				   family == NFPROTO_IPV6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO,
				   info, &len) < 0)
	{
		return -errno;
	}
	return 0;
}

/**
 * Check the budget, and that a table fits the limits before reading it.
 */
static int table_fits(int fd, uint8_t family, const char *name,
					  dpc_read_limits_t *limits)
{
	struct ipt_getinfo info;
	int ret;

	ret = dpc_read_limits_check(limits);
	if (ret || !limits)
	{
		return ret;
	}
	ret = table_info(fd, family, name, &info);
	if (ret)
	{
		return ret;
	}
	if (dpc_read_limits_exceeded(limits, info.num_entries, info.size))
	{
		return -EFBIG;
	}
	dpc_read_limits_add(limits, info.num_entries, info.size);
	return 0;
}

int dpc_ipt_read(nfsim_ruleset_t *rs, uint8_t family,
				 dpc_read_limits_t *limits, dpc_ipt_tap_t tap, void *user)
{
	char names[DPC_IPT_MAX_TABLES][DPC_IPT_TABLE_LEN];
	int n, i, fd = -1, ret = 0;

	n = dpc_ipt_tables(family, names, DPC_IPT_MAX_TABLES);
	if (n > 0 && limits)
	{
		fd = xt_socket(family);
		if (fd < 0)
		{
			return -errno;
		}
	}
	for (i = 0; i < n && ret == 0; i++)
	{
		ret = table_fits(fd, family, names[i], limits);
		if (ret == 0)
		{	/* libiptc reads with two getsockopt() calls on its own raw
			 * socket: copies under the kernel's table mutex, no waiting */
			ret = family == NFPROTO_IPV6 ?
						read_table6(rs, names[i], tap, user) :
						read_table4(rs, names[i], tap, user);
		}
	}
	if (fd >= 0)
	{
		close(fd);
	}
	return ret < 0 ? ret : n;
}

/**
 * FNV-1a.
 */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
	{
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/**
 * Hash the entries of one table, counters left out.
 */
static int sign_table(int fd, uint8_t family, const char *name, uint64_t *h)
{
	struct ipt_getinfo info;
	struct ipt_get_entries *entries;
	size_t off, esize, cnt_off;
	socklen_t len;
	int level = family == NFPROTO_IPV6 ? SOL_IPV6 : SOL_IP;
	int ret;

	/* ip6t_getinfo and ip6t_get_entries share the IPv4 layouts */
	ret = table_info(fd, family, name, &info);
	if (ret)
	{
		return ret;
	}
	*h = fnv(*h, &info, sizeof(info));
	len = sizeof(*entries) + info.size;
	entries = calloc(1, len);
	if (!entries)
	{
		return -ENOMEM;
	}
	snprintf(entries->name, sizeof(entries->name), "%s", name);
	entries->size = info.size;
	if (getsockopt(fd, level, family == NFPROTO_IPV6 ? IP6T_SO_GET_ENTRIES
													 : IPT_SO_GET_ENTRIES,
				   entries, &len) < 0)
	{
		free(entries);
		return -errno;
	}
	esize = family == NFPROTO_IPV6 ? sizeof(struct ip6t_entry)
								   : sizeof(struct ipt_entry);
	cnt_off = family == NFPROTO_IPV6 ? offsetof(struct ip6t_entry, counters)
									 : offsetof(struct ipt_entry, counters);
	for (off = 0; off + esize <= entries->size; )
	{
		uint8_t *e = (uint8_t*)entries->entrytable + off;
		uint16_t next;

		memcpy(&next, e + (family == NFPROTO_IPV6 ?
				offsetof(struct ip6t_entry, next_offset) :
				offsetof(struct ipt_entry, next_offset)), sizeof(next));
		if (next < esize || off + next > entries->size)
		{
			ret = -EINVAL;
			break;
		}
		memset(e + cnt_off, 0, sizeof(struct xt_counters));
		*h = fnv(*h, e, next);
		off += next;
	}
	free(entries);
	return ret;
}

int dpc_ipt_signature(uint8_t family, uint64_t *sig)
{
	char names[DPC_IPT_MAX_TABLES][DPC_IPT_TABLE_LEN];
	uint64_t h = 0xcbf29ce484222325ULL;
	int n, i, fd, ret = 0;

	*sig = 0;
	n = dpc_ipt_tables(family, names, DPC_IPT_MAX_TABLES);
	if (n <= 0)
	{
		return n;
	}
	fd = xt_socket(family);
	if (fd < 0)
	{
		return -errno;
	}
	for (i = 0; i < n && ret == 0; i++)
	{
		h = fnv(h, names[i], strlen(names[i]) + 1);
		ret = sign_table(fd, family, names[i], &h);
	}
	close(fd);
	if (ret == 0)
	{
		*sig = h;
	}
	return ret;
}
