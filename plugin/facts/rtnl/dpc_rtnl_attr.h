/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_rtnl_attr dpc_rtnl_attr
 * @{ @ingroup dpc_facts
 *
 * Bounded rtnetlink message and attribute helpers shared by the route,
 * address, link and rule parsers (pure, libc and libmnl only), and the
 * text buffer helpers of their "ip"-style output. Nothing here trusts a
 * length.
 */

#ifndef DPC_RTNL_ATTR_H_
#define DPC_RTNL_ATTR_H_

#include "facts/dpc_facts.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/**
 * Called for every attribute of a block, FALSE rejects the message.
 */
typedef bool (*dpc_rtnl_attr_cb_t)(const struct nlattr *attr, void *data);

/**
 * Walk the attributes in [start, start + len). Every attribute must have a
 * complete header, a length of at least that header and must end inside
 * the block; trailing bytes that do not form an attribute are rejected.
 *
 * @param start		first attribute
 * @param len		bytes of the block
 * @param cb		called for each attribute
 * @param data		passed to cb
 * @return			FALSE if an attribute is malformed or cb rejected it
 */
bool dpc_rtnl_walk_attrs(const void *start, size_t len, dpc_rtnl_attr_cb_t cb,
						 void *data);

/**
 * Walk the attributes following a family specific header of hdrlen bytes.
 *
 * @param nlh		the message (its length checked by dpc_rtnl_msg_ok())
 * @param hdrlen	size of the family specific header
 * @param cb		called for each attribute
 * @param data		passed to cb
 * @return			FALSE if an attribute is malformed or cb rejected it
 */
bool dpc_rtnl_walk_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
							 dpc_rtnl_attr_cb_t cb, void *data);

/**
 * Check that a message of a type fits the available bytes and holds at least
 * its family specific header.
 *
 * @param nlh		the message, may be NULL
 * @param len		bytes available at nlh
 * @param type		expected message type
 * @param hdrlen	size of the family specific header
 * @return			TRUE if the message can be parsed
 */
bool dpc_rtnl_msg_ok(const struct nlmsghdr *nlh, size_t len, uint16_t type,
					 size_t hdrlen);

/**
 * Read an attribute of exactly four bytes.
 *
 * @param attr		the attribute
 * @param value		receives its value
 * @return			FALSE if it is not four bytes long
 */
bool dpc_rtnl_attr_u32(const struct nlattr *attr, uint32_t *value);

/**
 * Copy bytes of an address of a family into addr.
 *
 * @param addr		receives the address
 * @param family	AF_INET or AF_INET6
 * @param data		the address bytes
 * @param len		their number
 * @return			FALSE if len does not match the family
 */
bool dpc_rtnl_set_addr(dpc_addr_t *addr, int family, const void *data,
					   size_t len);

/**
 * Read an address attribute of a family.
 *
 * @param attr		the attribute
 * @param family	AF_INET or AF_INET6
 * @param addr		receives the address
 * @return			FALSE if its length does not match the family
 */
bool dpc_rtnl_attr_addr(const struct nlattr *attr, int family,
						dpc_addr_t *addr);

/**
 * Copy a string attribute into buf; it may or may not be NUL-terminated.
 * Longer strings are rejected, or truncated if trunc is set.
 *
 * @param attr		the attribute
 * @param buf		receives the string
 * @param size		size of buf
 * @param trunc		truncate instead of rejecting a longer string
 * @return			FALSE if rejected
 */
bool dpc_rtnl_attr_str(const struct nlattr *attr, char *buf, size_t size,
					   bool trunc);

/**
 * Append to a text buffer (NUL-terminated, truncated when full).
 *
 * @param buf		the text
 * @param len		size of buf
 * @param fmt		printf() format
 */
void dpc_rtnl_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Append " prefix/len" (without "/len" for a host prefix).
 *
 * @param buf		the text
 * @param len		size of buf
 * @param addr		the prefix
 * @param plen		its length
 */
void dpc_rtnl_append_prefix(char *buf, size_t len, const dpc_addr_t *addr,
							uint8_t plen);

#endif /** DPC_RTNL_ATTR_H_ @}*/
