/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * The SPD parser on an XFRM_MSG_GETPOLICY dump captured from a real kernel
 * (tests/unit/fixtures/xfrm/spd.hex: the policies charon installs for two
 * CHILD_SAs and hand-made ones around them, marks, an if_id, IPv6,
 * transport mode; see capture.sh there), the xfrm_stat parser, and the
 * XFRM checks on those facts.
 */

#include "dpc_tests.h"
#include "fixture_hex.h"
#include "fixture_facts.h"
#include "fixture_tunnel.h"

#include <facts/xfrm/dpc_xfrm_spd.h>
#include <facts/xfrm/dpc_xfrm_sad.h>
#include <facts/xfrm/dpc_xfrm_stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

/* the fixtures are messages of a little-endian kernel */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIXTURES_USABLE 0
#else
#define FIXTURES_USABLE 1
#endif

/** policies in spd.hex */
#define SPD_POLICIES 11

static void load_spd(dpc_xfrm_spd_t *spd)
{
	fixture_hex_t f;

	f = fixture_hex_load("xfrm", "spd");
	ck_assert_ptr_nonnull(f.buf);
	dpc_xfrm_spd_init(spd);
	ck_assert_uint_eq(dpc_xfrm_spd_parse(spd, f.buf, f.len, 0), 0);
	free(f.buf);
}

static dpc_xfrm_flow_t flow(const char *src, const char *dst, uint8_t proto,
							uint16_t dport, uint32_t mark, uint32_t if_id)
{
	dpc_xfrm_flow_t fl = {
		.proto = proto,
		.dport = dport,
		.mark = mark,
		.if_id = if_id,
	};

	fl.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(fl.family, src, fl.src), 1);
	ck_assert_int_eq(inet_pton(fl.family, dst, fl.dst), 1);
	return fl;
}

static const dpc_xfrm_policy_t *lookup(dpc_xfrm_spd_t *spd,
									   dpc_xfrm_dir_t dir, const char *src,
									   const char *dst, uint8_t proto,
									   uint16_t dport, uint32_t mark,
									   uint32_t if_id)
{
	dpc_xfrm_flow_t fl = flow(src, dst, proto, dport, mark, if_id);

	return dpc_xfrm_spd_lookup(spd, dir, &fl);
}

START_TEST(test_spd_parse)
{
	const dpc_xfrm_policy_t *p;
	dpc_xfrm_spd_t spd;
	char buf[DPC_XFRM_POLICY_STRLEN];

	if (!FIXTURES_USABLE)
	{
		return;
	}
	load_spd(&spd);
	ck_assert_uint_eq(spd.count, SPD_POLICIES);
	ck_assert_uint_eq(spd.dropped, 0);

	/* charon's out policy: template with the SPI, tunnel addresses */
	p = lookup(&spd, DPC_XFRM_DIR_OUT, "10.10.1.5", "10.20.1.9", IPPROTO_ICMP,
			   0, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->priority, 375423);
	ck_assert_uint_eq(p->action, XFRM_POLICY_ALLOW);
	ck_assert_uint_eq(p->n_tmpls, 1);
	ck_assert_uint_eq(p->tmpls[0].reqid, 1);
	ck_assert_uint_eq(p->tmpls[0].mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(p->tmpls[0].proto, IPPROTO_ESP);
	ck_assert_uint_eq(ntohl(p->tmpls[0].spi), 0xc0000001);
	ck_assert_uint_ne(p->index, 0);
	ck_assert_str_eq(dpc_xfrm_policy_kind(p), "ipsec");
	ck_assert_str_eq(dpc_xfrm_policy_to_str(p, buf, sizeof(buf)),
		"src 10.10.1.0/24 dst 10.20.1.0/24 dir out priority 375423 ptype main "
		"action allow index 1 tmpl src 192.0.2.2 dst 198.51.100.1 proto esp "
		"spi 0xc0000001 reqid 1 mode tunnel");

	/* the bypass with priority 100 takes the upper half */
	p = lookup(&spd, DPC_XFRM_DIR_OUT, "10.10.1.5", "10.20.1.200", IPPROTO_ICMP,
			   0, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->priority, 100);
	ck_assert_uint_eq(p->n_tmpls, 0);
	ck_assert_str_eq(dpc_xfrm_policy_kind(p), "bypass");
	ck_assert_str_eq(dpc_xfrm_policy_id_str(p, buf, sizeof(buf)),
					 "src 10.10.1.0/24 dst 10.20.1.128/25 dir out");

	/* the block for ssh in fwd, by protocol and port */
	p = lookup(&spd, DPC_XFRM_DIR_FWD, "10.20.1.9", "10.10.1.5", IPPROTO_TCP,
			   22, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(dpc_xfrm_policy_kind(p), "block");
	ck_assert_str_eq(dpc_xfrm_policy_id_str(p, buf, sizeof(buf)),
			"src 10.20.1.0/24 dst 10.10.1.0/24 proto tcp dport 22 dir fwd");
	p = lookup(&spd, DPC_XFRM_DIR_FWD, "10.20.1.9", "10.10.1.5", IPPROTO_TCP,
			   80, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(dpc_xfrm_policy_kind(p), "ipsec");
	p = lookup(&spd, DPC_XFRM_DIR_IN, "10.20.1.9", "10.10.1.5", IPPROTO_TCP,
			   22, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(dpc_xfrm_policy_kind(p), "ipsec");

	/* marks: the policy's mask applies to the packet's mark */
	ck_assert_ptr_null(lookup(&spd, DPC_XFRM_DIR_OUT, "10.30.0.1", "10.40.0.1",
							  0, 0, 0, 0));
	p = lookup(&spd, DPC_XFRM_DIR_OUT, "10.30.0.1", "10.40.0.1", 0, 0, 0x12a,
			   0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->mark_value, 0x2a);
	ck_assert_uint_eq(p->mark_mask, 0xff);
	ck_assert_uint_eq(p->tmpls[0].reqid, 2);
	ck_assert_str_eq(dpc_xfrm_policy_id_str(p, buf, sizeof(buf)),
			"src 10.30.0.0/16 dst 10.40.0.0/16 dir out mark 0x2a mask 0xff");

	/* if_id: only lookups of that interface */
	ck_assert_ptr_null(lookup(&spd, DPC_XFRM_DIR_OUT, "10.50.0.1", "10.60.0.1",
							  0, 0, 0, 0));
	p = lookup(&spd, DPC_XFRM_DIR_OUT, "10.50.0.1", "10.60.0.1", 0, 0, 0, 7);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->if_id, 7);
	ck_assert_uint_eq(p->tmpls[0].reqid, 3);

	/* IPv6 */
	p = lookup(&spd, DPC_XFRM_DIR_OUT, "fd00:10::1", "fd00:20::1", 0, 0, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->sel.family, AF_INET6);
	ck_assert_uint_eq(p->sel.dst_plen, 64);
	ck_assert_uint_eq(p->tmpls[0].reqid, 4);
	ck_assert_str_eq(dpc_xfrm_policy_id_str(p, buf, sizeof(buf)),
					 "src fd00:10::/64 dst fd00:20::/64 dir out");
	p = lookup(&spd, DPC_XFRM_DIR_IN, "fd00:20::1", "fd00:10::1", 0, 0, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->tmpls[0].family, AF_INET6);
	ck_assert_ptr_null(lookup(&spd, DPC_XFRM_DIR_FWD, "fd00:20::1",
							  "fd00:10::1", 0, 0, 0, 0));

	/* transport mode, protocol and source port */
	p = lookup(&spd, DPC_XFRM_DIR_OUT, "192.0.2.2", "198.51.100.3",
			   IPPROTO_UDP, 0, 0, 0);
	ck_assert_ptr_null(p);
	dpc_xfrm_spd_clear(&spd);
}
END_TEST

START_TEST(test_spd_transport)
{
	const dpc_xfrm_policy_t *p;
	dpc_xfrm_spd_t spd;
	dpc_xfrm_flow_t fl;
	char buf[DPC_XFRM_POLICY_STRLEN];

	if (!FIXTURES_USABLE)
	{
		return;
	}
	load_spd(&spd);
	fl = flow("192.0.2.2", "198.51.100.3", IPPROTO_UDP, 1701, 0, 0);
	fl.sport = 1701;
	p = dpc_xfrm_spd_lookup(&spd, DPC_XFRM_DIR_OUT, &fl);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->tmpls[0].mode, XFRM_MODE_TRANSPORT);
	ck_assert_str_eq(dpc_xfrm_policy_to_str(p, buf, sizeof(buf)),
		"src 192.0.2.2/32 dst 198.51.100.3/32 proto udp sport 1701 dir out "
		"priority 180000 ptype main action allow index 81 tmpl proto esp "
		"reqid 5 mode transport");
	fl.sport = 1702;
	ck_assert_ptr_null(dpc_xfrm_spd_lookup(&spd, DPC_XFRM_DIR_OUT, &fl));
	/* cut text says so */
	dpc_xfrm_policy_to_str(p, buf, 40);
	ck_assert_uint_eq(strlen(buf), 39);
	ck_assert_str_eq(buf + 36, "...");
	dpc_xfrm_spd_clear(&spd);
}
END_TEST

START_TEST(test_spd_malformed)
{
	dpc_xfrm_policy_t pol;
	dpc_xfrm_spd_t spd;
	fixture_hex_t f;
	struct nlmsghdr *nlh;
	size_t len;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	f = fixture_hex_load("xfrm", "spd");
	ck_assert_ptr_nonnull(f.buf);
	nlh = (struct nlmsghdr*)f.buf;
	len = nlh->nlmsg_len;
	ck_assert(dpc_xfrm_parse_policy(nlh, len, &pol));
	/* shorter than it says */
	ck_assert(!dpc_xfrm_parse_policy(nlh, len - 1, &pol));
	/* too short for the info */
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct xfrm_userpolicy_info)) - 1;
	ck_assert(!dpc_xfrm_parse_policy(nlh, len, &pol));
	/* an attribute running past the end */
	nlh->nlmsg_len = len;
	((struct nlattr*)((uint8_t*)nlh + NLMSG_HDRLEN +
			NLMSG_ALIGN(sizeof(struct xfrm_userpolicy_info))))->nla_len = 0xfff;
	ck_assert(!dpc_xfrm_parse_policy(nlh, len, &pol));
	/* the buffer truncated: the rest is not read */
	dpc_xfrm_spd_init(&spd);
	ck_assert_uint_eq(dpc_xfrm_spd_parse(&spd, f.buf, f.len - 3, 0), 2);
	ck_assert_uint_eq(spd.count, SPD_POLICIES - 2);
	dpc_xfrm_spd_clear(&spd);
	/* a limit */
	dpc_xfrm_spd_init(&spd);
	dpc_xfrm_spd_parse(&spd, f.buf + NLMSG_ALIGN(len), f.len - NLMSG_ALIGN(len),
					   4);
	ck_assert_uint_eq(spd.count, 4);
	ck_assert_uint_eq(spd.dropped, SPD_POLICIES - 1 - 4);
	dpc_xfrm_spd_clear(&spd);
	free(f.buf);
}
END_TEST

static const char stat_text[] =
	"XfrmInError             \t0\n"
	"XfrmInNoStates          \t12\n"
	"XfrmInNoPols            \t3\n"
	"XfrmOutNoStates         \t40\n"
	"garbage line\n"
	"XfrmOutStateModeError   \t7\n";

START_TEST(test_stat)
{
	dpc_xfrm_stat_t prev, st;
	const dpc_xfrm_counter_t *c;
	char text[sizeof(stat_text)];

	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &prev));
	ck_assert_int_eq(prev.count, 5);
	ck_assert(!prev.has_delta);
	c = dpc_xfrm_stat_get(&prev, "XfrmOutNoStates");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->value, 40);
	ck_assert_ptr_null(dpc_xfrm_stat_get(&prev, "garbage"));

	memcpy(text, stat_text, sizeof(text));
	memcpy(strstr(text, "\t40") + 1, "55", 2);
	ck_assert(dpc_xfrm_stat_parse(text, strlen(text), &st));
	dpc_xfrm_stat_delta(&st, &prev, 100);
	ck_assert(st.has_delta);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&st, "XfrmOutNoStates")->delta, 15);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&st, "XfrmOutNoStates")->grew, 100);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&st, "XfrmInNoStates")->delta, 0);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&st, "XfrmInNoStates")->grew, 0);
	/* no growth since: when it last grew stays */
	memcpy(&prev, &st, sizeof(prev));
	dpc_xfrm_stat_delta(&st, &prev, 130);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&st, "XfrmOutNoStates")->delta, 0);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&st, "XfrmOutNoStates")->grew, 100);
	/* a counter that went down counts from 0 */
	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &prev));
	dpc_xfrm_stat_delta(&prev, &st, 160);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&prev, "XfrmOutNoStates")->delta, 40);
	ck_assert_uint_eq(dpc_xfrm_stat_get(&prev, "XfrmOutNoStates")->grew, 160);

	ck_assert(!dpc_xfrm_stat_parse("", 0, &st));
	ck_assert(!dpc_xfrm_stat_parse("XfrmInError x\n", 14, &st));
	ck_assert(dpc_xfrm_stat_info("XfrmOutNoStates") != NULL);
	ck_assert(!dpc_xfrm_stat_info("XfrmOutNoStates")->inbound);
	ck_assert(dpc_xfrm_stat_info("XfrmInTmplMismatch")->inbound);
	ck_assert_ptr_null(dpc_xfrm_stat_info("XfrmNoSuchThing"));
}
END_TEST

/**
 * The bed with the kernel-netlink data plane: the SPD of spd.hex minus
 * what a test drops, the CHILD_SA's SAs unless told, counters.
 */
typedef struct {
	bed_t bed;
	dpc_xfrm_spd_t spd;
	dpc_xfrm_sad_t sad;
	dpc_xfrm_stat_t stat;
} xbed_t;

/**
 * An ESP SA in tunnel mode towards an IPv4 address.
 */
static void add_sa_to(dpc_xfrm_sad_t *sad, const uint8_t dst[4], uint32_t spi,
					  uint32_t reqid)
{
	dpc_xfrm_sa_t sa = {
		.id = {
			.family = AF_INET,
			.proto = IPPROTO_ESP,
			.spi = htonl(spi),
		},
		.reqid = reqid,
		.mode = XFRM_MODE_TUNNEL,
	};

	memcpy(sa.id.dst, dst, 4);
	dpc_xfrm_sad_add(sad, &sa, 0);
}

static void add_sa(dpc_xfrm_sad_t *sad, const char *dst, uint32_t spi)
{
	uint8_t addr[4];

	ck_assert_int_eq(inet_pton(AF_INET, dst, addr), 1);
	add_sa_to(sad, addr, spi, 1);
}

/**
 * Drop the policies of spd.hex with a priority (0: keep all).
 */
static void drop_priority(dpc_xfrm_spd_t *spd, uint32_t priority,
						  dpc_xfrm_dir_t dir)
{
	size_t i;

	for (i = 0; i < spd->count; i++)
	{
		if (spd->policies[i].priority == priority &&
			spd->policies[i].dir == dir)
		{
			spd->policies[i] = spd->policies[--spd->count];
			i--;
		}
	}
}

static void xbed_init(xbed_t *x, bool sa_out, bool sa_in)
{
	dpc_child_rec_t *child;

	bed_init(&x->bed);
	load_spd(&x->spd);
	/* the remote endpoint of the policies in the fixture */
	dpc_addr_parse(&bed_ike(&x->bed)->remote, "198.51.100.1");
	child = bed_child(&x->bed);
	child->spi_out = 0xc0000001;
	child->spi_in = 0xc0000002;
	dpc_xfrm_sad_init(&x->sad);
	if (sa_out)
	{
		add_sa(&x->sad, "198.51.100.1", 0xc0000001);
	}
	if (sa_in)
	{
		add_sa(&x->sad, "192.0.2.2", 0xc0000002);
	}
	dpc_xfrm_sad_sort(&x->sad);
	memset(&x->stat, 0, sizeof(x->stat));
	fixture_facts_sad(x->bed.facts, &x->sad);
	fixture_facts_xfrm(x->bed.facts, &x->spd, &x->stat);
}

static void xbed_free(xbed_t *x)
{
	dpc_xfrm_spd_clear(&x->spd);
	dpc_xfrm_sad_clear(&x->sad);
	bed_free(&x->bed);
}

static const char *evidence(dpc_finding_t *f, const char *key)
{
	int i;

	for (i = 0; i < f->n_evidence; i++)
	{
		if (strcmp(f->evidence[i].key, key) == 0)
		{
			return f->evidence[i].value;
		}
	}
	return "";
}

/** the hand-made policies of spd.hex that come first */
static void drop_handmade(xbed_t *x)
{
	drop_priority(&x->spd, 100, DPC_XFRM_DIR_OUT);
	drop_priority(&x->spd, 200, DPC_XFRM_DIR_FWD);
}

static int xfrm_findings(bed_t *bed)
{
	return !!bed_find(bed, "xfrm-policy-missing") +
		   !!bed_find(bed, "xfrm-policy-shadowed") +
		   !!bed_find(bed, "xfrm-state-missing") +
		   !!bed_find(bed, "xfrm-errors");
}

START_TEST(test_check_healthy)
{
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	xbed_init(&x, true, true);
	drop_handmade(&x);
	bed_run(&x.bed);
	ck_assert_int_eq(xfrm_findings(&x.bed), 0);
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_libipsec_silent)
{
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* kernel-libipsec: trap policies only, no SAs, whatever the counters */
	bed_init(&x.bed);
	dpc_xfrm_spd_init(&x.spd);
	dpc_xfrm_sad_init(&x.sad);
	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &x.stat));
	x.stat.c[3].grew = x.bed.ctx.now;		/* XfrmOutNoStates */
	x.stat.has_delta = true;
	fixture_facts_sad(x.bed.facts, &x.sad);
	bed_run(&x.bed);
	ck_assert_int_eq(xfrm_findings(&x.bed), 0);
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_shadowed)
{
	dpc_finding_t *f;
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	xbed_init(&x, true, true);
	drop_priority(&x.spd, 200, DPC_XFRM_DIR_FWD);
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-shadowed");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_str_eq(f->discrim, "out");
	ck_assert_str_eq(evidence(f, "policy"),
		"src 10.10.1.0/24 dst 10.20.1.128/25 dir out priority 100 action "
		"allow");
	ck_assert_str_eq(evidence(f, "affected"),
					 "10.10.1.0/24 -> 10.20.1.128/25");
	ck_assert(strstr(f->message, "leaves in cleartext"));
	ck_assert(strstr(f->hint, "ip xfrm policy delete src 10.10.1.0/24 dst "
					 "10.20.1.128/25 dir out"));
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-missing"));
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-state-missing"));
	xbed_free(&x);

	/* the block of ssh in fwd: dropped after decryption */
	xbed_init(&x, true, true);
	drop_priority(&x.spd, 100, DPC_XFRM_DIR_OUT);
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-shadowed");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->discrim, "fwd");
	ck_assert(strstr(f->message, "dropped after decryption"));
	ck_assert(strstr(evidence(f, "policy"), "proto tcp dport 22 dir fwd "
					 "priority 200 action block"));
	xbed_free(&x);

	/* a bypass for a network the gateway has an address in is a
	 * passthrough shunt (bypass-lan), not reported */
	xbed_init(&x, true, true);
	drop_priority(&x.spd, 200, DPC_XFRM_DIR_FWD);
	fixture_facts_addr(x.bed.facts, "10.20.1.129", "lan2");
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-shadowed"));
	xbed_free(&x);

	/* a lower priority (higher value) does not shadow */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	x.spd.policies[0].priority = 375424;
	x.spd.policies[0].n_tmpls = 0;
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-shadowed"));
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_policy_missing)
{
	dpc_finding_t *f;
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	xbed_init(&x, true, true);
	drop_handmade(&x);
	drop_priority(&x.spd, 375423, DPC_XFRM_DIR_FWD);
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_str_eq(evidence(f, "missing"), "fwd 10.20.1.0/24 -> 10.10.1.0/24");
	ck_assert(strstr(f->hint, "ip xfrm policy add src 10.20.1.0/24 dst "
					 "10.10.1.0/24 dir fwd priority 375423 tmpl src "
					 "198.51.100.1 dst 192.0.2.2 proto esp reqid 1 mode "
					 "tunnel"));
	xbed_free(&x);

	/* transport mode has no fwd policy */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	drop_priority(&x.spd, 375423, DPC_XFRM_DIR_FWD);
	dpc_child_rec_set_text(&bed_child(&x.bed)->mode, "TRANSPORT");
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-missing"));
	xbed_free(&x);

	/* policies = no: none expected */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	drop_priority(&x.spd, 375423, DPC_XFRM_DIR_OUT);
	bed_child(&x.bed)->no_policies = true;
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-missing"));
	xbed_free(&x);

	/* a policy of another reqid is not the CHILD_SA's */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	bed_child(&x.bed)->reqid = 9;
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert(strstr(evidence(f, "missing"), "out 10.10.1.0/24 -> "
					 "10.20.1.0/24, in 10.20.1.0/24 -> 10.10.1.0/24, fwd"));
	xbed_free(&x);
}
END_TEST

/**
 * The CHILD_SA's policy of a direction (priority 375423 in spd.hex).
 */
static dpc_xfrm_policy_t *child_policy(dpc_xfrm_spd_t *spd,
									   dpc_xfrm_dir_t dir)
{
	size_t i;

	for (i = 0; i < spd->count; i++)
	{
		if (spd->policies[i].priority == 375423 &&
			spd->policies[i].dir == dir)
		{
			return &spd->policies[i];
		}
	}
	ck_abort_msg("no policy of priority 375423");
	return NULL;
}

/** counters of a gateway whose fwd policy lost its place */
static const char tmpl_stat_text[] =
	"XfrmInNoPols            \t0\n"
	"XfrmInTmplMismatch      \t9\n"
	"XfrmInPolBlock          \t4\n";

START_TEST(test_check_policy_replaced)
{
	dpc_xfrm_policy_t *pol;
	dpc_finding_t *f;
	xbed_t x;
	size_t i;
	int n = 0;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* the fwd policy replaced (ip xfrm policy update) by one with the
	 * template of another reqid: the decrypted packets fail its template
	 * check (XfrmInTmplMismatch), "add" would fail with EEXIST */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	pol = child_policy(&x.spd, DPC_XFRM_DIR_FWD);
	ck_assert_int_gt(pol->n_tmpls, 0);
	pol->tmpls[0].reqid = 7;
	ck_assert(dpc_xfrm_stat_parse(tmpl_stat_text, strlen(tmpl_stat_text),
								  &x.stat));
	x.stat.has_delta = true;
	x.stat.c[1].grew = x.bed.ctx.now;		/* XfrmInTmplMismatch */
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(evidence(f, "missing"), "fwd 10.20.1.0/24 -> 10.10.1.0/24");
	ck_assert(strstr(f->message, "an IPsec policy of reqid 7 has its place"));
	ck_assert(strstr(f->message, "XfrmInTmplMismatch"));
	ck_assert(!strstr(f->message, "XfrmInNoPols"));
	ck_assert_str_eq(evidence(f, "in_its_place"), "src 10.20.1.0/24 dst "
					 "10.10.1.0/24 dir fwd priority 375423 action allow "
					 "reqid 7");
	ck_assert(strstr(f->hint, "ip xfrm policy update src 10.20.1.0/24 dst "
					 "10.10.1.0/24 dir fwd priority 375423 tmpl src "
					 "198.51.100.1 dst 192.0.2.2 proto esp reqid 1 mode "
					 "tunnel"));
	/* the counter is pinned on the CHILD_SA, with its cause */
	f = bed_find(&x.bed, "xfrm-errors");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->subject.child_name, "net");
	ck_assert_str_eq(evidence(f, "counter"), "XfrmInTmplMismatch");
	ck_assert(strstr(f->message, "template of the inbound policy"));
	ck_assert(strstr(f->hint, "swanctl --terminate --child net"));
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-shadowed"));
	xbed_free(&x);

	/* replaced by a block policy: XfrmInPolBlock, pinned on the CHILD_SA */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	pol = child_policy(&x.spd, DPC_XFRM_DIR_FWD);
	pol->action = XFRM_POLICY_BLOCK;
	pol->n_tmpls = 0;
	ck_assert(dpc_xfrm_stat_parse(tmpl_stat_text, strlen(tmpl_stat_text),
								  &x.stat));
	x.stat.has_delta = true;
	x.stat.c[2].grew = x.bed.ctx.now;		/* XfrmInPolBlock */
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert(strstr(f->message, "a block policy has its place, decrypted "
					 "traffic is dropped (XfrmInPolBlock)"));
	ck_assert_str_eq(evidence(f, "in_its_place"), "src 10.20.1.0/24 dst "
					 "10.10.1.0/24 dir fwd priority 375423 action block");
	for (i = 0; i < x.bed.findings.count; i++)
	{
		f = &x.bed.findings.items[i];
		if (strcmp(f->code, "xfrm-errors") == 0)
		{
			n++;
			ck_assert_str_eq(evidence(f, "counter"), "XfrmInPolBlock");
			ck_assert_str_eq(f->subject.child_name, "net");
		}
	}
	ck_assert_int_eq(n, 1);
	xbed_free(&x);

	/* the fwd policy's template in transport mode, same reqid: no policy
	 * is missing, the counter is pinned on the CHILD_SA all the same */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	pol = child_policy(&x.spd, DPC_XFRM_DIR_FWD);
	pol->tmpls[0].mode = XFRM_MODE_TRANSPORT;
	ck_assert(dpc_xfrm_stat_parse(tmpl_stat_text, strlen(tmpl_stat_text),
								  &x.stat));
	x.stat.has_delta = true;
	x.stat.c[1].grew = x.bed.ctx.now;		/* XfrmInTmplMismatch */
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-missing"));
	f = bed_find(&x.bed, "xfrm-errors");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->subject.child_name, "net");
	ck_assert_str_eq(evidence(f, "counter"), "XfrmInTmplMismatch");
	xbed_free(&x);

	/* the same counter with the templates right: on the gateway */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	ck_assert(dpc_xfrm_stat_parse(tmpl_stat_text, strlen(tmpl_stat_text),
								  &x.stat));
	x.stat.has_delta = true;
	x.stat.c[1].grew = x.bed.ctx.now;		/* XfrmInTmplMismatch */
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-errors");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(evidence(f, "counter"), "XfrmInTmplMismatch");
	ck_assert(!f->subject.child_name[0]);
	xbed_free(&x);

	/* the out policy replaced by a bypass: cleartext, no update hint for
	 * outbound (the message says what happens) */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	pol = child_policy(&x.spd, DPC_XFRM_DIR_OUT);
	pol->n_tmpls = 0;
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert(strstr(f->message, "a bypass policy has its place, outbound "
					 "traffic leaves in cleartext"));
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_ipv6)
{
	dpc_child_rec_t *child;
	dpc_finding_t *f;
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* IPv6 selectors: spd.hex has out and in of reqid 4, no fwd */
	xbed_init(&x, true, true);
	drop_handmade(&x);
	child = bed_child(&x.bed);
	child->reqid = 4;
	dpc_ts_list_clear(&child->local);
	dpc_ts_list_clear(&child->remote);
	bed_set_ts(&child->local, "fd00:10::/64");
	bed_set_ts(&child->remote, "fd00:20::/64");
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-policy-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(evidence(f, "missing"), "fwd fd00:20::/64 -> fd00:10::/64");
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-shadowed"));
	/* in transport mode nothing is missing */
	dpc_child_rec_set_text(&child->mode, "TRANSPORT");
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-policy-missing"));
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_state_missing)
{
	dpc_finding_t *f;
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	xbed_init(&x, false, true);
	drop_handmade(&x);
	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &x.stat));
	x.stat.has_delta = true;
	x.stat.c[3].grew = x.bed.ctx.now;		/* XfrmOutNoStates */
	x.stat.c[4].grew = x.bed.ctx.now - 1;	/* XfrmOutStateModeError */
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-state-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_ERROR);
	ck_assert_str_eq(evidence(f, "sa_out"), "src 192.0.2.2 dst 198.51.100.1 "
					 "proto esp spi 0xc0000001 absent");
	ck_assert_str_eq(evidence(f, "sa_in"), "");
	ck_assert(strstr(f->hint, "swanctl --rekey --child net"));
	/* the counter on the CHILD_SA, the other one on the gateway */
	f = bed_find(&x.bed, "xfrm-errors");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, DPC_WARNING);
	ck_assert_str_eq(f->subject.child_name, "net");
	ck_assert_str_eq(evidence(f, "counter"), "XfrmOutNoStates");
	ck_assert(strstr(f->hint, "swanctl --rekey --child net"));
	xbed_free(&x);

	/* just installed: the SAD may be older than the CHILD_SA */
	xbed_init(&x, false, false);
	drop_handmade(&x);
	bed_child(&x.bed)->installed = x.bed.ctx.now - 1;
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-state-missing"));
	xbed_free(&x);

	/* the inbound SA */
	xbed_init(&x, true, false);
	drop_handmade(&x);
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-state-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(evidence(f, "sa_in"),
					 "dst 192.0.2.2 proto esp spi 0xc0000002 absent");
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_acquire_state)
{
	const dpc_xfrm_sa_t *sa;
	dpc_xfrm_sa_id_t id = {
		.family = AF_INET,
		.proto = IPPROTO_ESP,
		.spi = htonl(0xc0000001),
	};
	dpc_finding_t *f;
	fixture_hex_t h;
	xbed_t x;

	if (!FIXTURES_USABLE)
	{
		return;
	}
	/* the kernel's acquire state for the lost outbound SA has its SPI */
	xbed_init(&x, false, false);
	drop_handmade(&x);
	h = fixture_hex_load("xfrm", "sad_acquire");
	ck_assert_ptr_nonnull(h.buf);
	ck_assert_uint_eq(dpc_xfrm_sad_parse(&x.sad, h.buf, h.len, 0), 0);
	free(h.buf);
	dpc_xfrm_sad_sort(&x.sad);
	ck_assert_uint_eq(x.sad.count, 2);
	ck_assert_int_eq(inet_pton(AF_INET, "198.51.100.1", id.dst), 1);
	sa = dpc_xfrm_sad_find(&x.sad, &id);
	ck_assert_ptr_nonnull(sa);
	ck_assert(sa->larval);
	bed_run(&x.bed);
	f = bed_find(&x.bed, "xfrm-state-missing");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(evidence(f, "sa_out"), "src 192.0.2.2 dst 198.51.100.1 "
					 "proto esp spi 0xc0000001 absent");
	xbed_free(&x);
}
END_TEST

START_TEST(test_check_errors_host)
{
	dpc_finding_t *f;
	xbed_t x;
	size_t i;
	int n = 0;

	xbed_init(&x, true, true);
	drop_handmade(&x);
	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &x.stat));
	/* the first round has nothing to compare with */
	x.stat.c[4].grew = x.bed.ctx.now;
	bed_run(&x.bed);
	ck_assert_ptr_null(bed_find(&x.bed, "xfrm-errors"));
	xbed_free(&x);

	xbed_init(&x, true, true);
	drop_handmade(&x);
	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &x.stat));
	x.stat.has_delta = true;
	x.stat.c[2].grew = x.bed.ctx.now;	/* XfrmInNoPols, no policy missing */
	x.stat.c[4].grew = x.bed.ctx.now - x.bed.settings.traffic_window;
	/* grown before the window: gone */
	x.stat.c[1].grew = x.bed.ctx.now - x.bed.settings.traffic_window - 1;
	bed_run(&x.bed);
	for (i = 0; i < x.bed.findings.count; i++)
	{
		f = &x.bed.findings.items[i];
		if (strcmp(f->code, "xfrm-errors"))
		{
			continue;
		}
		n++;
		ck_assert_str_eq(f->subject.child_name, "");
		ck_assert_str_eq(f->subject.ike_name, "");
		ck_assert(strcmp(f->discrim, "XfrmInNoPols") == 0 ||
				  strcmp(f->discrim, "XfrmOutStateModeError") == 0);
	}
	ck_assert_int_eq(n, 2);
	xbed_free(&x);
}
END_TEST

/**
 * A random selector of a small space, so tunnels' selectors overlap.
 */
static void random_ts(dpc_ts_list_t *list, const char *net, unsigned *seed)
{
	char ts[48];

	snprintf(ts, sizeof(ts), "%s.%u.0/%u", net, rand_r(seed) % 4,
			 23 + rand_r(seed) % 3);
	bed_set_ts(list, ts);
}

/**
 * A policy of a CHILD_SA's pair in one direction.
 */
static void random_policy(dpc_xfrm_spd_t *spd, const dpc_child_rec_t *child,
						  dpc_xfrm_dir_t dir, unsigned *seed)
{
	const dpc_ts_t *src, *dst;
	dpc_xfrm_policy_t pol = {
		.dir = dir,
		.priority = rand_r(seed) % 2 ? 2000 : 1500,
		.action = XFRM_POLICY_ALLOW,
		.type = XFRM_POLICY_TYPE_MAIN,
		.n_tmpls = 1,
		.tmpls[0] = {
			.family = AF_INET,
			.proto = IPPROTO_ESP,
			.mode = rand_r(seed) % 10 ? XFRM_MODE_TUNNEL
									  : XFRM_MODE_TRANSPORT,
			.reqid = child->reqid,
		},
	};

	src = dir == DPC_XFRM_DIR_OUT ? &child->local.ts[0] : &child->remote.ts[0];
	dst = dir == DPC_XFRM_DIR_OUT ? &child->remote.ts[0] : &child->local.ts[0];
	pol.sel.family = AF_INET;
	memcpy(pol.sel.src, src->from, 4);
	memcpy(pol.sel.dst, dst->from, 4);
	pol.sel.src_plen = dpc_ts_prefixlen(src);
	pol.sel.dst_plen = dpc_ts_prefixlen(dst);
	pol.index = spd->count * 8 + dir;
	ck_assert(dpc_xfrm_spd_add(spd, &pol, 0));
}

/**
 * The XFRM checks over many tunnels whose policies and SAs are there or
 * not at random, some shadowed by block policies, with counters growing
 * that can be tied to CHILD_SAs: rounds re-checking one tunnel find for
 * it, and for the gateway, what the full round finds.
 */
START_TEST(test_check_incremental_random)
{
	static const char *peers[] = { "198.51.100.2", "203.0.113.5",
								   "203.0.113.6" };
	dpc_xfrm_policy_t block;
	dpc_child_rec_t *child;
	dpc_ike_rec_t ike;
	unsigned seed = 3 + _i;
	dpc_ts_list_t ts;
	char name[16];
	int i, d, n;
	xbed_t x;

	bed_init(&x.bed);
	dpc_xfrm_spd_init(&x.spd);
	dpc_xfrm_sad_init(&x.sad);
	dpc_ts_list_init(&ts);
	for (i = 0; i < 40; i++)
	{
		dpc_ike_rec_init(&ike);
		snprintf(ike.name, sizeof(ike.name), "x%d", i);
		ike.unique_id = 100 + i;
		ike.state = DPC_STATE_UP;
		ike.version = 2;
		dpc_addr_parse(&ike.local, "192.0.2.2");
		dpc_addr_parse(&ike.remote, peers[rand_r(&seed) % 3]);
		ike.established = 1000;
		child = dpc_ike_rec_add_child(&ike);
		snprintf(name, sizeof(name), "c%d", i);
		dpc_child_rec_set_name(child, name);
		child->unique_id = 1000 + i;
		child->reqid = 10 + i;
		child->state = DPC_STATE_UP;
		dpc_child_rec_set_text(&child->mode, "TUNNEL");
		dpc_child_rec_set_text(&child->protocol, "ESP");
		random_ts(&child->local, "10.10", &seed);
		random_ts(&child->remote, "10.20", &seed);
		bed_set_ts(&child->cfg_local, "10.10.0.0/16");
		bed_set_ts(&child->cfg_remote, "10.20.0.0/16");
		child->spi_out = 0xc1000000 + i;
		child->spi_in = 0xc2000000 + i;
		child->installed = 1000;
		for (d = DPC_XFRM_DIR_IN; d <= DPC_XFRM_DIR_FWD; d++)
		{
			if (rand_r(&seed) % 6)
			{
				random_policy(&x.spd, child, d, &seed);
			}
		}
		if (rand_r(&seed) % 6)
		{
			add_sa_to(&x.sad, ike.remote.a, child->spi_out, 0);
		}
		if (rand_r(&seed) % 6)
		{
			add_sa_to(&x.sad, ike.local.a, child->spi_in, 0);
		}
		dpc_tunnels_add_copy(&x.bed.tunnels, &ike);
		dpc_ike_rec_clear(&ike);
	}
	for (i = 0; i < 4; i++)
	{	/* block policies of a higher priority over some of them */
		memset(&block, 0, sizeof(block));
		random_ts(&ts, "10.20", &seed);
		block.sel.family = AF_INET;
		memcpy(block.sel.dst, ts.ts[0].from, 4);
		block.sel.dst_plen = dpc_ts_prefixlen(&ts.ts[0]);
		block.dir = DPC_XFRM_DIR_OUT;
		block.priority = 100;
		block.index = 9000 + i;
		block.action = XFRM_POLICY_BLOCK;
		block.type = XFRM_POLICY_TYPE_MAIN;
		ck_assert(dpc_xfrm_spd_add(&x.spd, &block, 0));
	}
	dpc_ts_list_clear(&ts);
	dpc_xfrm_sad_sort(&x.sad);
	ck_assert(dpc_xfrm_stat_parse(stat_text, strlen(stat_text), &x.stat));
	x.stat.has_delta = true;
	for (i = 0; i < x.stat.count; i++)
	{	/* drops with no SA, no policy: tied; a mode error: gateway-wide */
		x.stat.c[i].grew = x.bed.ctx.now;
	}
	fixture_facts_sad(x.bed.facts, &x.sad);
	fixture_facts_xfrm(x.bed.facts, &x.spd, &x.stat);

	n = bed_assert_incremental(&x.bed);
	/* the random SPD and SAD leave something to find of every kind */
	ck_assert(bed_find(&x.bed, "xfrm-policy-missing"));
	ck_assert(bed_find(&x.bed, "xfrm-state-missing"));
	ck_assert(bed_find(&x.bed, "xfrm-policy-shadowed"));
	ck_assert(bed_find(&x.bed, "xfrm-errors"));
	ck_assert_int_gt(n, 40);
	xbed_free(&x);
}
END_TEST

Suite *xfrm_spd_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("xfrm_spd");
	tc = tcase_create("parse");
	tcase_add_test(tc, test_spd_parse);
	tcase_add_test(tc, test_spd_transport);
	tcase_add_test(tc, test_spd_malformed);
	tcase_add_test(tc, test_stat);
	suite_add_tcase(s, tc);
	tc = tcase_create("checks");
	tcase_add_test(tc, test_check_healthy);
	tcase_add_test(tc, test_check_libipsec_silent);
	tcase_add_test(tc, test_check_shadowed);
	tcase_add_test(tc, test_check_policy_missing);
	tcase_add_test(tc, test_check_policy_replaced);
	tcase_add_test(tc, test_check_ipv6);
	tcase_add_test(tc, test_check_state_missing);
	tcase_add_test(tc, test_check_acquire_state);
	tcase_add_test(tc, test_check_errors_host);
	tcase_add_loop_test(tc, test_check_incremental_random, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
