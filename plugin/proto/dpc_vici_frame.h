/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_vici_frame dpc_vici_frame
 * @{ @ingroup dataplane_check
 *
 * Reassembly of the requests a vici client sends (pure, libc only): the
 * 4-byte length prefix, the packet, its type and name, and for commands a
 * well-formed message, from bytes arriving in pieces of any size.
 *
 * The declared length is checked against a limit before anything is
 * allocated, and the buffer grows with the bytes that actually arrive, so
 * a client that announces a large packet and stalls costs little. A
 * framer holds at most one complete packet: the transport reads only
 * dpc_vici_frame_want() bytes at a time, and what a client sends beyond
 * that stays in the kernel's socket buffer until the packet is handled.
 */

#ifndef DPC_VICI_FRAME_H_
#define DPC_VICI_FRAME_H_

#include "dpc_vici_msg.h"

/**
 * What feeding bytes found.
 */
typedef enum {
	/** every byte was taken, the packet is not complete yet */
	DPC_VICI_FRAME_MORE,
	/** a valid request is complete, see dpc_vici_frame_packet() */
	DPC_VICI_FRAME_PACKET,
	/** the stream is malformed, see dpc_vici_frame_error(); close it */
	DPC_VICI_FRAME_ERROR,
} dpc_vici_frame_status_t;

/**
 * A framer, one per connection. Initialize with dpc_vici_frame_init().
 */
typedef struct {
	/** length prefix being received */
	uint8_t hdr[4];
	/** bytes of the prefix received */
	size_t hdrlen;
	/** declared packet length, valid once the prefix is complete */
	uint32_t len;
	/** packet bytes received so far */
	uint8_t *buf;
	/** bytes allocated in buf */
	size_t size;
	/** bytes received of the packet */
	size_t done;
	/** largest packet accepted */
	uint32_t max;
	/** a complete packet is held in pkt */
	bool held;
	/** the complete packet, pointing into buf */
	dpc_vici_packet_t pkt;
	/** why the stream is malformed, NULL if it is not */
	const char *err;
} dpc_vici_frame_t;

/**
 * Prepare a framer.
 *
 * @param f			framer
 * @param max		largest packet accepted (after the prefix), at most
 *					DPC_VICI_MAX_PACKET
 */
void dpc_vici_frame_init(dpc_vici_frame_t *f, uint32_t max);

/**
 * Release the buffer of a framer.
 */
void dpc_vici_frame_clear(dpc_vici_frame_t *f);

/**
 * How many bytes complete the current prefix or packet: what a transport
 * should read next at most. 0 while a packet is held or after an error.
 */
size_t dpc_vici_frame_want(const dpc_vici_frame_t *f);

/**
 * Take received bytes, at most up to the end of the current packet.
 *
 * A complete packet is checked: a known type a client may send
 * (CMD_REQUEST, EVENT_REGISTER, EVENT_UNREGISTER), its name, and for
 * commands a well-formed message (whether the command takes arguments or
 * not).
 *
 * @param f			framer
 * @param data		received bytes
 * @param len		their number
 * @param used		receives how many were taken (len unless a packet
 *					completed before its end)
 * @return			MORE, PACKET (held until dpc_vici_frame_next()) or
 *					ERROR (sticky)
 */
dpc_vici_frame_status_t dpc_vici_frame_feed(dpc_vici_frame_t *f,
											const uint8_t *data, size_t len,
											size_t *used);

/**
 * The complete packet, NULL if none is held. Its message points into the
 * framer and is valid until dpc_vici_frame_next() or _clear().
 */
const dpc_vici_packet_t *dpc_vici_frame_packet(const dpc_vici_frame_t *f);

/**
 * Drop the held packet and start the next one.
 */
void dpc_vici_frame_next(dpc_vici_frame_t *f);

/**
 * Is part of a packet received (a prefix byte or more), so that a close
 * now cuts a packet?
 */
bool dpc_vici_frame_partial(const dpc_vici_frame_t *f);

/**
 * Why the stream is malformed (static text), NULL if it is not.
 */
const char *dpc_vici_frame_error(const dpc_vici_frame_t *f);

#endif /** DPC_VICI_FRAME_H_ @}*/
