/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_msgid.h"

#include <stdio.h>
#include <string.h>

/** DPC_MSGID_NAMESPACE as bytes */
static const uint8_t msgid_ns[16] = {
	0x4d, 0x8a, 0x16, 0x1c, 0xe7, 0xe3, 0x43, 0x89,
	0xb9, 0x4a, 0xb5, 0xf7, 0xe8, 0x57, 0xab, 0xaf,
};

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

/** one 64-byte block into the state */
static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
	{
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			   (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	}
	for (i = 16; i < 80; i++)
	{
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	for (i = 0; i < 80; i++)
	{
		if (i < 20)
		{
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		}
		else if (i < 40)
		{
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		}
		else if (i < 60)
		{
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		}
		else
		{
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

/*
 * Described in header
 */
void dpc_sha1(const void *data, size_t len, uint8_t digest[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
					  0xc3d2e1f0 };
	const uint8_t *p = data;
	uint8_t last[128];
	uint64_t bits = (uint64_t)len * 8;
	size_t rest, n, i;

	for (; len >= 64; p += 64, len -= 64)
	{
		sha1_block(h, p);
	}
	/* the tail, 0x80, zeros and the bit length fill one or two blocks */
	rest = len;
	memset(last, 0, sizeof(last));
	if (rest)
	{
		memcpy(last, p, rest);
	}
	last[rest] = 0x80;
	n = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
	{
		last[n - 1 - i] = (uint8_t)(bits >> (8 * i));
	}
	for (i = 0; i < n; i += 64)
	{
		sha1_block(h, last + i);
	}
	for (i = 0; i < 20; i++)
	{
		digest[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
	}
}

/*
 * Described in header
 */
void dpc_uuid5(const uint8_t ns[16], const char *name, uint8_t uuid[16])
{
	uint8_t buf[16 + 256], digest[20];
	size_t len = strlen(name);

	/* codes are short; a longer name is cut (never happens with codes) */
	if (len > sizeof(buf) - 16)
	{
		len = sizeof(buf) - 16;
	}
	memcpy(buf, ns, 16);
	memcpy(buf + 16, name, len);
	dpc_sha1(buf, 16 + len, digest);
	memcpy(uuid, digest, 16);
	uuid[6] = (uuid[6] & 0x0f) | 0x50;	/* version 5 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
}

/*
 * Described in header
 */
char *dpc_msgid(const char *code, char buf[DPC_MSGID_LEN])
{
	uint8_t uuid[16];
	int i;

	dpc_uuid5(msgid_ns, code, uuid);
	for (i = 0; i < 16; i++)
	{
		snprintf(buf + 2 * i, 3, "%02x", uuid[i]);
	}
	return buf;
}
