/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup nfsim_attr nfsim_attr
 * @{ @ingroup nfsim
 *
 * Defensive netlink attribute access for the nf_tables decoders (the
 * ruleset reader in facts and every expression kind's decoder): every
 * attribute comes from a libmnl iteration (which checks its length against
 * what contains it) and every getter checks the payload length before
 * reading. Nothing here aborts on malformed input; that is why libnftnl's
 * own parsers are not used for decoding: they terminate the process on
 * attributes of unexpected size.
 */

#ifndef NFSIM_ATTR_H_
#define NFSIM_ATTR_H_

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

/** largest attribute type any table here indexes */
#define NFSIM_ATTR_MAX 32

/**
 * Attributes of one nest, by type.
 */
typedef struct nfsim_attr_tb_t {
	/** attribute per type, NULL if absent */
	const struct nlattr *tb[NFSIM_ATTR_MAX + 1];
} nfsim_attr_tb_t;

/**
 * Index the attributes of a nest (later duplicates win, unknown types are
 * ignored).
 *
 * @param nest		an attribute obtained from a libmnl iteration
 * @param tb		receives the attributes
 * @return			false if the nest is malformed
 */
bool nfsim_attr_parse_nested(const struct nlattr *nest, nfsim_attr_tb_t *tb);

/**
 * Index the attributes of a message after its nfgenmsg header.
 *
 * @param nlh		message, nlmsg_len validated against the buffer
 * @param tb		receives the attributes
 * @return			false if malformed
 */
bool nfsim_attr_parse_msg(const struct nlmsghdr *nlh, nfsim_attr_tb_t *tb);

/**
 * A big-endian 32-bit attribute.
 */
static inline bool nfsim_attr_u32(const struct nlattr *a, uint32_t *v)
{
	uint32_t n;

	if (!a || mnl_attr_get_payload_len(a) < sizeof(n))
	{
		return false;
	}
	memcpy(&n, mnl_attr_get_payload(a), sizeof(n));
	*v = ntohl(n);
	return true;
}

/**
 * A big-endian 16-bit attribute.
 */
static inline bool nfsim_attr_u16(const struct nlattr *a, uint16_t *v)
{
	uint16_t n;

	if (!a || mnl_attr_get_payload_len(a) < sizeof(n))
	{
		return false;
	}
	memcpy(&n, mnl_attr_get_payload(a), sizeof(n));
	*v = ntohs(n);
	return true;
}

/**
 * An 8-bit attribute.
 */
static inline bool nfsim_attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) < 1)
	{
		return false;
	}
	memcpy(v, mnl_attr_get_payload(a), 1);
	return true;
}

/**
 * A big-endian 64-bit attribute.
 */
static inline bool nfsim_attr_u64(const struct nlattr *a, uint64_t *v)
{
	uint8_t b[8];
	int i;

	if (!a || mnl_attr_get_payload_len(a) < sizeof(b))
	{
		return false;
	}
	memcpy(b, mnl_attr_get_payload(a), sizeof(b));
	*v = 0;
	for (i = 0; i < 8; i++)
	{
		*v = (*v << 8) | b[i];
	}
	return true;
}

/**
 * A 32-bit attribute or a default.
 */
static inline uint32_t nfsim_attr_u32_or(const struct nlattr *a, uint32_t def)
{
	uint32_t v;

	return nfsim_attr_u32(a, &v) ? v : def;
}

/**
 * A register number attribute of a nest; 0 if absent (NFT_REG_VERDICT is
 * never a data register, so 0 works as "not given" where that matters).
 */
static inline uint32_t nfsim_attr_reg(const nfsim_attr_tb_t *tb, int type)
{
	return nfsim_attr_u32_or(tb->tb[type], 0);
}

/**
 * A NUL-terminated string attribute (NULL if absent or unterminated).
 */
static inline const char *nfsim_attr_str(const struct nlattr *a)
{
	const char *s;
	uint16_t len;

	if (!a)
	{
		return NULL;
	}
	len = mnl_attr_get_payload_len(a);
	s = mnl_attr_get_payload(a);
	if (len == 0 || !memchr(s, '\0', len))
	{
		return NULL;
	}
	return s;
}

/**
 * A value (NFTA_DATA_VALUE inside a data nest).
 *
 * @param nest		the NFTA_*_DATA attribute
 * @param data		receives a pointer to the value
 * @param len		receives its length (at most max)
 * @param max		largest length accepted
 * @return			false if absent or malformed
 */
bool nfsim_attr_value(const struct nlattr *nest, const uint8_t **data,
					  uint32_t *len, uint32_t max);

/**
 * A verdict (NFTA_DATA_VERDICT inside a data nest).
 *
 * @param nest		the NFTA_*_DATA attribute
 * @param code		receives the verdict code
 * @param chain		receives the target chain or NULL
 * @return			false if absent or malformed
 */
bool nfsim_attr_verdict(const struct nlattr *nest, int *code,
						const char **chain);

#endif /** NFSIM_ATTR_H_ @}*/
