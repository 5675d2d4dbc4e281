/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_xfrm_stat dpc_xfrm_stat
 * @{ @ingroup dpc_facts
 *
 * The kernel's XFRM drop counters (/proc/net/xfrm_stat, present with
 * CONFIG_XFRM_STATISTICS) as a round sees them (pure, libc only): parsed
 * from the file's text, the growth since the last round, and for every
 * counter the kernel documents (Documentation/networking/xfrm_proc.rst)
 * what it means on a strongSwan gateway and what to do about it.
 */

#ifndef DPC_XFRM_STAT_H_
#define DPC_XFRM_STAT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/** counters kept (kernel 6.x has 33) */
#define DPC_XFRM_STAT_MAX 48

/** longest counter name kept, with NUL */
#define DPC_XFRM_STAT_NAMELEN 32

/** longest file read */
#define DPC_XFRM_STAT_FILE_MAX 4096

/**
 * One counter.
 */
typedef struct {
	/** its name, e.g. "XfrmOutNoStates" */
	char name[DPC_XFRM_STAT_NAMELEN];
	/** value now */
	uint64_t value;
	/** growth since the previous read (0 without one) */
	uint64_t delta;
	/** when it last grew (the caller's clock), 0 if not seen growing */
	time_t grew;
} dpc_xfrm_counter_t;

/**
 * The counters of one read.
 */
typedef struct dpc_xfrm_stat_t {
	/** the counters, in the file's order */
	dpc_xfrm_counter_t c[DPC_XFRM_STAT_MAX];
	/** counters in use */
	int count;
	/** the deltas were taken against a previous read */
	bool has_delta;
} dpc_xfrm_stat_t;

/**
 * What a counter means.
 */
typedef struct {
	/** counter name */
	const char *name;
	/** counts inbound (true) or outbound (false) drops */
	bool inbound;
	/** the cause, one phrase */
	const char *cause;
	/** what to do */
	const char *fix;
} dpc_xfrm_stat_info_t;

/**
 * Parse the text of /proc/net/xfrm_stat ("Name <whitespace> value" lines).
 * Lines that do not parse are skipped; counters beyond DPC_XFRM_STAT_MAX
 * are ignored.
 *
 * @param text		the text (need not be NUL-terminated)
 * @param len		its length
 * @param st		receives the counters (deltas 0, has_delta false)
 * @return			false if no counter was found
 */
bool dpc_xfrm_stat_parse(const char *text, size_t len, dpc_xfrm_stat_t *st);

/**
 * Take the growth of every counter since a previous read (a counter that
 * went down, e.g. in a new network namespace, counts from 0), and when each
 * last grew: now if it grew, else what the previous read says.
 *
 * @param st		the current read, deltas set
 * @param prev		the previous read
 * @param now		the time of this read
 */
void dpc_xfrm_stat_delta(dpc_xfrm_stat_t *st, const dpc_xfrm_stat_t *prev,
						 time_t now);

/**
 * The counter of a name.
 *
 * @return			the counter, NULL if the read has none of that name
 */
const dpc_xfrm_counter_t *dpc_xfrm_stat_get(const dpc_xfrm_stat_t *st,
											const char *name);

/**
 * What a counter means.
 *
 * @return			its description, NULL for a counter not documented
 */
const dpc_xfrm_stat_info_t *dpc_xfrm_stat_info(const char *name);

#endif /** DPC_XFRM_STAT_H_ @}*/
