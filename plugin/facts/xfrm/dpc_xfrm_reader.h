/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_xfrm_reader dpc_xfrm_reader
 * @{ @ingroup dpc_facts
 *
 * The XFRM state of one round, read at most once and on demand: the SAD
 * and the SPD (one dump each, one after the other, when either is first
 * asked for) and the drop counters of /proc/net/xfrm_stat, with their
 * change since the previous round when the caller keeps that one.
 */

#ifndef DPC_XFRM_READER_H_
#define DPC_XFRM_READER_H_

#include "dpc_xfrm.h"
#include "dpc_xfrm_stat.h"

typedef struct dpc_xfrm_reader_t dpc_xfrm_reader_t;

/**
 * XFRM reads of a round.
 */
struct dpc_xfrm_reader_t {

	/**
	 * The SAD (dumped with the SPD on the first call).
	 *
	 * @return			the SAD, NULL with errno set if it could not be read
	 */
	const dpc_xfrm_sad_t *(*get_sad)(dpc_xfrm_reader_t *this);

	/**
	 * The SPD (dumped with the SAD on the first call).
	 *
	 * @return			the SPD, NULL with errno set if it could not be read
	 */
	const dpc_xfrm_spd_t *(*get_spd)(dpc_xfrm_reader_t *this);

	/**
	 * The drop counters, with their deltas against the kept counters of
	 * the previous round (see keep_stat()).
	 *
	 * @return			the counters, NULL with errno set if unreadable
	 */
	const dpc_xfrm_stat_t *(*get_stat)(dpc_xfrm_reader_t *this);

	/**
	 * Keep the counters across rounds: get_stat() computes its deltas
	 * against last and stores what it read there.
	 *
	 * @param last		counters of the previous round, owned by the caller
	 */
	void (*keep_stat)(dpc_xfrm_reader_t *this, dpc_xfrm_stat_t *last);

	/**
	 * Destroy the reader and what it read.
	 */
	void (*destroy)(dpc_xfrm_reader_t *this);
};

/**
 * Create the XFRM reads of a round.
 *
 * @param budget		what the round may spend, NULL for no limit
 * @return				the reader
 */
dpc_xfrm_reader_t *dpc_xfrm_reader_create(const dpc_budget_t *budget);

#endif /** DPC_XFRM_READER_H_ @}*/
