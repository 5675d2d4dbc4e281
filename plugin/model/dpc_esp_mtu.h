/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_esp_mtu dpc_esp_mtu
 * @{ @ingroup dataplane_check
 *
 * The largest inner packet an ESP SA carries over a link of a given MTU,
 * computed as the kernel does (pure, libc only).
 *
 * The kernel sizes an ESP SA in esp_init_state() (esp4.c, esp6.c):
 * header_len = ESP header (8) + IV + the outer IP header in tunnel mode
 * (20 or 40) + the UDP header with encapsulation (8); and xfrm_state_mtu()
 * (xfrm_state.c) gives the payload MTU:
 *
 *   ((mtu - header_len - ICV - net_adj) & ~(ALIGN(blocksize, 4) - 1))
 *     + net_adj - 2
 *
 * with net_adj the IP header in transport mode (0 in tunnel mode) and 2 the
 * pad length and next header bytes of the trailer. The IV, ICV and block
 * size come from the negotiated algorithms, by strongSwan's names.
 */

#ifndef DPC_ESP_MTU_H_
#define DPC_ESP_MTU_H_

#include <stdbool.h>
#include <stdint.h>

/**
 * What an ESP transform adds to a packet.
 */
typedef struct {
	/** IV bytes in each packet */
	uint16_t iv;
	/** integrity check value bytes */
	uint16_t icv;
	/** cipher block size the payload is padded to (before the kernel's
	 *  alignment to 4) */
	uint16_t block;
} dpc_esp_alg_t;

/**
 * Look up an algorithm description as the plugin records it
 * ("AES_GCM_16_256", "AES_CBC_128/HMAC_SHA2_256_128", "CHACHA20_POLY1305_256").
 *
 * @param alg		description: encryption[_keysize][/integrity]
 * @param out		filled in
 * @return			FALSE if an algorithm is unknown or an AEAD-less cipher
 *					has no integrity algorithm
 */
bool dpc_esp_alg_parse(const char *alg, dpc_esp_alg_t *out);

/**
 * The payload MTU of an ESP SA: the largest inner IP packet that fits into
 * one outer packet of link_mtu bytes.
 *
 * @param alg		the transform
 * @param link_mtu	MTU towards the peer (route or link MTU, cached PMTU)
 * @param outer_v6	the SA's outer addresses are IPv6
 * @param tunnel	tunnel mode (else transport)
 * @param encap		UDP encapsulation (NAT-T)
 * @return			inner MTU, 0 if nothing fits
 */
int dpc_esp_inner_mtu(const dpc_esp_alg_t *alg, int link_mtu, bool outer_v6,
					  bool tunnel, bool encap);

/**
 * The TCP MSS that fits an inner MTU: minus the inner IP and TCP headers
 * (IPv4 20 + 20, IPv6 40 + 20), without options.
 *
 * @param inner_mtu	payload MTU of the SA
 * @param inner_v6	the inner packets are IPv6
 * @return			MSS, 0 if nothing fits
 */
int dpc_esp_mss(int inner_mtu, bool inner_v6);

#endif /** DPC_ESP_MTU_H_ @}*/
