/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Netfilter ruleset fixtures: what the readers received from a real kernel,
 * stored so that the decoders run on it in unit tests.
 *
 * A fixture is a text file, one record per line:
 *
 *   # free text (how the ruleset was built)
 *   nft <hex>                                  one nf_tables netlink message
 *   ipt <4|6> chain <table> <chain> <policy|->  a legacy chain
 *   ipt <4|6> rule <table> <chain> <target|-> <hex>   a legacy entry
 *
 * "-" stands for a user-defined chain (no policy) or an empty target.
 */

#ifndef NFSIM_FIXTURE_H_
#define NFSIM_FIXTURE_H_

#include <nfsim/nfsim.h>
#include <facts/ipt/dpc_ipt_read.h>

#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>

/**
 * Load a fixture into a new, finalized ruleset.
 *
 * @param path		fixture file
 * @param genid		receives the nftables generation id recorded (may be
 *					NULL)
 * @param bad		receives the number of records that did not decode
 *					(may be NULL)
 * @return			the ruleset, NULL if the file cannot be read
 */
nfsim_ruleset_t *nfsim_fixture_load(const char *path, uint32_t *genid,
									unsigned *bad);

/**
 * Tap for dpc_nft_read() writing "nft" records to a FILE.
 */
void nfsim_fixture_nft_tap(void *file, const struct nlmsghdr *nlh);

/**
 * Tap for dpc_ipt_read() writing "ipt" records to a FILE.
 */
void nfsim_fixture_ipt_tap(void *file, const dpc_ipt_record_t *rec);

#endif /* NFSIM_FIXTURE_H_ */
