/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_esp_mtu.h"

#include <stdlib.h>
#include <string.h>

/** sizes of the kernel's headers */
#define ESP_HDR 8
#define IPV4_HDR 20
#define IPV6_HDR 40
#define UDP_HDR 8
#define TCP_HDR 20
/** pad length and next header bytes of the ESP trailer */
#define ESP_TRAILER 2

/**
 * An encryption algorithm by strongSwan's name: the kernel's IV size, the
 * ICV of AEADs (0 if it needs an integrity algorithm) and the block size.
 */
static const struct {
	const char *name;
	dpc_esp_alg_t alg;
} ciphers[] = {
	/* rfc4106(gcm(aes)), rfc4309(ccm(aes)), rfc4543(gcm(aes)),
	 * rfc7539esp(chacha20,poly1305): 8-byte IV, stream-like */
	{ "AES_GCM_8", { 8, 8, 1 } },
	{ "AES_GCM_12", { 8, 12, 1 } },
	{ "AES_GCM_16", { 8, 16, 1 } },
	{ "AES_CCM_8", { 8, 8, 1 } },
	{ "AES_CCM_12", { 8, 12, 1 } },
	{ "AES_CCM_16", { 8, 16, 1 } },
	{ "CAMELLIA_CCM_8", { 8, 8, 1 } },
	{ "CAMELLIA_CCM_12", { 8, 12, 1 } },
	{ "CAMELLIA_CCM_16", { 8, 16, 1 } },
	{ "NULL_AES_GMAC", { 8, 16, 1 } },
	{ "CHACHA20_POLY1305", { 8, 16, 1 } },
	/* authenc(hmac(...),cbc(...)): IV and padding of the block size */
	{ "AES_CBC", { 16, 0, 16 } },
	{ "CAMELLIA_CBC", { 16, 0, 16 } },
	{ "SERPENT_CBC", { 16, 0, 16 } },
	{ "TWOFISH_CBC", { 16, 0, 16 } },
	{ "3DES_CBC", { 8, 0, 8 } },
	{ "DES_CBC", { 8, 0, 8 } },
	{ "BLOWFISH_CBC", { 8, 0, 8 } },
	{ "CAST_CBC", { 8, 0, 8 } },
	/* rfc3686(ctr(...)): 8-byte IV, stream */
	{ "AES_CTR", { 8, 0, 1 } },
	{ "CAMELLIA_CTR", { 8, 0, 1 } },
	{ "NULL", { 0, 0, 1 } },
};

/**
 * Whether name starts str as a whole word (followed by '_', '/' or end).
 */
static bool word_prefix(const char *str, const char *name, size_t *len)
{
	*len = strlen(name);
	return strncmp(str, name, *len) == 0 &&
		   (str[*len] == '\0' || str[*len] == '_' || str[*len] == '/');
}

/**
 * The ICV of an integrity algorithm by strongSwan's name: the truncation
 * is its last number, in bits ("HMAC_SHA2_256_128", "AES_XCBC_96").
 */
static bool integrity_icv(const char *name, uint16_t *icv)
{
	const char *last;
	char *end;
	long bits;

	if (strstr(name, "_GMAC"))
	{	/* AES_128_GMAC etc.: a 16-byte tag */
		*icv = 16;
		return true;
	}
	if (strncmp(name, "HMAC_", 5) && strncmp(name, "AES_", 4) &&
		strncmp(name, "CAMELLIA_", 9))
	{
		return false;
	}
	last = strrchr(name, '_');
	if (!last)
	{
		return false;
	}
	bits = strtol(last + 1, &end, 10);
	if (*end || bits <= 0 || bits > 512 || bits % 8)
	{
		return false;
	}
	*icv = bits / 8;
	return true;
}

bool dpc_esp_alg_parse(const char *alg, dpc_esp_alg_t *out)
{
	const char *integ;
	size_t i, len, best = 0;
	int found = -1;

	if (!alg)
	{
		return false;
	}
	/* the longest name that fits: AES_GCM_16 before a shorter one */
	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
	{
		if (word_prefix(alg, ciphers[i].name, &len) && len > best)
		{
			best = len;
			found = i;
		}
	}
	if (found < 0)
	{
		return false;
	}
	*out = ciphers[found].alg;
	integ = strchr(alg, '/');
	if (out->icv)
	{	/* AEAD: an integrity algorithm would be refused by the kernel */
		return !integ;
	}
	return integ && integrity_icv(integ + 1, &out->icv);
}

int dpc_esp_inner_mtu(const dpc_esp_alg_t *alg, int link_mtu, bool outer_v6,
					  bool tunnel, bool encap)
{
	int header_len, net_adj = 0, blksize, room;

	header_len = ESP_HDR + alg->iv;
	if (tunnel)
	{
		header_len += outer_v6 ? IPV6_HDR : IPV4_HDR;
	}
	else
	{
		net_adj = outer_v6 ? IPV6_HDR : IPV4_HDR;
	}
	if (encap)
	{
		header_len += UDP_HDR;
	}
	/* ALIGN(crypto_aead_blocksize(aead), 4) */
	blksize = (alg->block + 3) & ~3;
	room = link_mtu - header_len - alg->icv - net_adj;
	if (room <= 0 || blksize <= 0)
	{
		return 0;
	}
	room = (room & ~(blksize - 1)) + net_adj - ESP_TRAILER;
	return room > 0 ? room : 0;
}

int dpc_esp_mss(int inner_mtu, bool inner_v6)
{
	int mss = inner_mtu - (inner_v6 ? IPV6_HDR : IPV4_HDR) - TCP_HDR;

	return mss > 0 ? mss : 0;
}
