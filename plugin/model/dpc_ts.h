/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_ts dpc_ts
 * @{ @ingroup dataplane_check
 *
 * Traffic selector and address range arithmetic (pure, libc only).
 *
 * A selector is an inclusive address range of one family plus an optional
 * protocol and port range, exactly like strongSwan's traffic_selector_t, so
 * that narrowing, coverage and overlap can be computed without charon.
 */

#ifndef DPC_TS_H_
#define DPC_TS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** longest text dpc_ts_to_str() writes, including the terminating NUL */
#define DPC_TS_STRLEN 112

/** longest text of one address, including the terminating NUL */
#define DPC_ADDR_STRLEN 48

/**
 * An IPv4 or IPv6 address (network order), optionally with a port.
 */
typedef struct {
	/** AF_INET, AF_INET6, or 0 if unset */
	uint8_t family;
	/** address bytes, network order; IPv4 uses the first 4 */
	uint8_t a[16];
	/** port in host order, 0 if none */
	uint16_t port;
} dpc_addr_t;

/**
 * A traffic selector: an inclusive address range of one family, a protocol
 * (0 = any) and an inclusive port range (0-65535 = any).
 */
typedef struct {
	/** AF_INET or AF_INET6 */
	uint8_t family;
	/** IP protocol, 0 for any */
	uint8_t proto;
	/** first port, host order */
	uint16_t from_port;
	/** last port, host order */
	uint16_t to_port;
	/** first address of the range, network order */
	uint8_t from[16];
	/** last address of the range, network order */
	uint8_t to[16];
} dpc_ts_t;

/**
 * A growable list of selectors.
 */
typedef struct {
	/** the selectors */
	dpc_ts_t *ts;
	/** number of selectors in use */
	uint32_t count;
	/** allocated slots (a record holds four lists), DPC_TS_LIST_SHARED if
	 *  the selectors are a shared array (read only) */
	uint32_t size;
} dpc_ts_list_t;

/** size of a list whose selectors are a shared array (dpc_ts_shared) */
#define DPC_TS_LIST_SHARED UINT32_MAX

/**
 * Number of address bytes of a family (4 or 16), 0 if unknown.
 */
size_t dpc_addr_len(uint8_t family);

/**
 * Parse an address ("10.1.2.3", "fd00::1").
 *
 * @return			TRUE if parsed
 */
bool dpc_addr_parse(dpc_addr_t *addr, const char *str);

/**
 * Print an address without port into buf (at least DPC_ADDR_STRLEN bytes).
 */
char *dpc_addr_to_str(const dpc_addr_t *addr, char *buf, size_t len);

/**
 * Compare two addresses of the same family (memcmp order), ports ignored.
 */
int dpc_addr_cmp(const dpc_addr_t *a, const dpc_addr_t *b);

/**
 * Build a selector covering a whole prefix, any protocol and port.
 *
 * @return			FALSE if the family or prefix length is invalid
 */
bool dpc_ts_from_prefix(dpc_ts_t *ts, uint8_t family, const uint8_t *addr,
						uint8_t prefixlen);

/**
 * Parse "10.1.0.0/16", "10.1.2.3", "10.1.0.5-10.1.0.9" or "fd00::/64",
 * optionally followed by "[proto]" or "[proto/port]" or "[proto/lo-hi]"
 * with numeric protocols and ports.
 *
 * @return			TRUE if parsed
 */
bool dpc_ts_parse(dpc_ts_t *ts, const char *str);

/**
 * Print a selector: CIDR when the range is a prefix, "a-b" otherwise,
 * followed by "[proto/ports]" when restricted. buf needs DPC_TS_STRLEN.
 */
char *dpc_ts_to_str(const dpc_ts_t *ts, char *buf, size_t len);

/**
 * Prefix length of the selector if its range is exactly one prefix.
 *
 * @return			prefix length, -1 if the range is not a prefix
 */
int dpc_ts_prefixlen(const dpc_ts_t *ts);

/**
 * Does the selector allow any protocol and any port?
 */
bool dpc_ts_is_any_proto(const dpc_ts_t *ts);

/**
 * Is the address inside the selector's address range?
 */
bool dpc_ts_contains_addr(const dpc_ts_t *ts, const dpc_addr_t *addr);

/**
 * Is every packet matched by inner also matched by outer (addresses,
 * protocol and ports)?
 */
bool dpc_ts_is_subset(const dpc_ts_t *inner, const dpc_ts_t *outer);

/**
 * Do the two selectors match at least one common packet?
 */
bool dpc_ts_overlaps(const dpc_ts_t *a, const dpc_ts_t *b);

/**
 * Number of addresses in the range, saturated at UINT64_MAX.
 */
uint64_t dpc_ts_addr_count(const dpc_ts_t *ts);

/**
 * Address n (0-based) of the range, saturated at the last address.
 */
void dpc_ts_addr_nth(const dpc_ts_t *ts, uint64_t n, dpc_addr_t *addr);

/**
 * Initialize an empty list.
 */
void dpc_ts_list_init(dpc_ts_list_t *list);

/**
 * Append a copy of a selector.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_ts_list_add(dpc_ts_list_t *list, const dpc_ts_t *ts);

/**
 * Replace dst with a copy of src.
 *
 * @return			FALSE on allocation failure
 */
bool dpc_ts_list_copy(dpc_ts_list_t *dst, const dpc_ts_list_t *src);

/**
 * Give back the slots a list allocated ahead (for a list kept long, like a
 * record's); keeps them if the allocator cannot shrink it.
 */
void dpc_ts_list_fit(dpc_ts_list_t *list);

/**
 * Make a list kept long hold the shared array of its selectors instead of
 * its own (dpc_ts_shared: lists alike hold one array); lists that stay
 * their own (empty, out of memory) give back their spare slots. Adding to
 * the list later copies the selectors first.
 */
void dpc_ts_list_share(dpc_ts_list_t *list);

/**
 * Free the selectors of a list (or drop its reference to a shared array)
 * and empty it.
 */
void dpc_ts_list_clear(dpc_ts_list_t *list);

/**
 * Compute the address ranges of "from" that no selector of "cover" covers.
 *
 * Only addresses are subtracted; a covering selector counts only if its
 * protocol and ports include all of those of "from", so one restricted to
 * a protocol or port covers nothing of an unrestricted "from" (a CHILD_SA
 * for TCP/443 leaves the rest of the traffic unprotected). The result holds
 * disjoint, sorted ranges with the protocol/ports of "from" and is appended
 * to "out".
 *
 * @return			FALSE on allocation failure
 */
bool dpc_ts_subtract(const dpc_ts_t *from, const dpc_ts_list_t *cover,
					 dpc_ts_list_t *out);

/**
 * Compute, for every selector of "configured", what "negotiated" does not
 * cover (see dpc_ts_subtract), appended to "out".
 *
 * @return			FALSE on allocation failure
 */
bool dpc_ts_list_subtract(const dpc_ts_list_t *configured,
						  const dpc_ts_list_t *negotiated, dpc_ts_list_t *out);

/**
 * Print a list as "a, b, c" into buf; truncated lists end in "...".
 */
char *dpc_ts_list_to_str(const dpc_ts_list_t *list, char *buf, size_t len);

/**
 * The first selector of a family in a list.
 *
 * @param list		the selectors
 * @param family	AF_INET or AF_INET6
 * @return			the selector, NULL if the list has none of family
 */
const dpc_ts_t *dpc_ts_list_first(const dpc_ts_list_t *list, uint8_t family);

#endif /** DPC_TS_H_ @}*/
