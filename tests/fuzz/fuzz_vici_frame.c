/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the query socket's request framer (what the socket
 * reads from a client, however the bytes arrive).
 *
 * The first two bytes seed how the rest, the byte stream, is split. The
 * stream is fed to one framer in the largest pieces it takes and to
 * another in pieces of pseudo-random sizes (1 to 64 bytes, or what is
 * left): both must find the same packets (type, name, message) and end the
 * same way, and the framer's accounting must hold (bytes taken, what it
 * wants next, nothing allocated beyond the declared length).
 */

#include "proto/dpc_vici_frame.h"

#include <stdlib.h>
#include <string.h>

/** most packets compared per input */
#define MAX_PACKETS 64

/** what a framer found */
typedef struct {
	dpc_vici_packet_t pkt[MAX_PACKETS];
	uint8_t *msg[MAX_PACKETS];
	int count;
	dpc_vici_frame_status_t end;
} outcome_t;

/** next piece size from a small xorshift state */
static size_t piece(uint32_t *state, size_t left)
{
	size_t n;

	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	n = 1 + *state % 64;
	return n < left ? n : left;
}

/** keep a copy of a complete packet, move on */
static void take(dpc_vici_frame_t *f, outcome_t *out)
{
	const dpc_vici_packet_t *pkt = dpc_vici_frame_packet(f);

	if (!pkt || dpc_vici_frame_want(f) != 0 || f->done != f->len)
	{
		abort();
	}
	if (out->count < MAX_PACKETS)
	{
		out->pkt[out->count] = *pkt;
		out->msg[out->count] = malloc(pkt->len + 1);
		memcpy(out->msg[out->count], pkt->msg, pkt->len);
		out->pkt[out->count].msg = NULL;
		out->count++;
	}
	dpc_vici_frame_next(f);
}

/** feed a stream; split 0: whole, else pseudo-random pieces */
static void run(const uint8_t *data, size_t size, uint32_t split,
				outcome_t *out)
{
	dpc_vici_frame_t f;
	dpc_vici_frame_status_t st = DPC_VICI_FRAME_MORE;
	size_t off = 0, n, used, want;
	bool in_hdr;

	memset(out, 0, sizeof(*out));
	dpc_vici_frame_init(&f, 4096);
	while (off < size && st != DPC_VICI_FRAME_ERROR)
	{
		want = dpc_vici_frame_want(&f);
		in_hdr = f.hdrlen < sizeof(f.hdr);
		n = split ? piece(&split, size - off) : size - off;
		st = dpc_vici_frame_feed(&f, data + off, n, &used);
		/* never more than the rest of the prefix and the packet it
		 * announces; no buffer beyond the declared length (or the 1 kB
		 * kept between packets) */
		if (used > n || (st == DPC_VICI_FRAME_MORE && used != n) ||
			f.size > (f.len > 1024 ? f.len : 1024) || (st != DPC_VICI_FRAME_ERROR &&
			(used > want + (in_hdr ? f.len : 0) || f.len > f.max)))
		{
			abort();
		}
		off += used;
		if (st == DPC_VICI_FRAME_PACKET)
		{
			take(&f, out);
		}
	}
	out->end = st == DPC_VICI_FRAME_ERROR ? st : DPC_VICI_FRAME_MORE;
	if (st == DPC_VICI_FRAME_ERROR && !dpc_vici_frame_error(&f))
	{
		abort();
	}
	dpc_vici_frame_clear(&f);
}

static void free_outcome(outcome_t *out)
{
	int i;

	for (i = 0; i < out->count; i++)
	{
		free(out->msg[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	outcome_t whole, pieces;
	uint32_t seed;
	int i;

	if (size < 2)
	{
		return 0;
	}
	seed = (data[0] << 8 | data[1]) + 1;
	run(data + 2, size - 2, 0, &whole);
	run(data + 2, size - 2, seed, &pieces);
	if (whole.count != pieces.count || whole.end != pieces.end)
	{
		abort();
	}
	for (i = 0; i < whole.count; i++)
	{
		if (whole.pkt[i].type != pieces.pkt[i].type ||
			strcmp(whole.pkt[i].name, pieces.pkt[i].name) ||
			whole.pkt[i].len != pieces.pkt[i].len ||
			memcmp(whole.msg[i], pieces.msg[i], whole.pkt[i].len))
		{
			abort();
		}
	}
	free_outcome(&whole);
	free_outcome(&pieces);
	return 0;
}
