/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dpc_vici_msg dpc_vici_msg
 * @{ @ingroup dataplane_check
 *
 * The vici wire format (pure, libc only; shared by the plugin and the CLI).
 *
 * A transport packet is a 4-byte big-endian length followed by that many
 * bytes: a packet type, for named types a 1-byte name length and the name,
 * then the message. A message is a sequence of elements: sections (named,
 * nesting), key/values (named, 16-bit length value) and lists (named, holding
 * only items, not nesting).
 *
 * vici has no list of sections. Lists of objects are therefore encoded as a
 * section holding sub-sections named by index, "0", "1", ...; clients turn
 * such sections into arrays.
 */

#ifndef DPC_VICI_MSG_H_
#define DPC_VICI_MSG_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** largest packet (after the length prefix) accepted or sent */
#define DPC_VICI_MAX_PACKET (512 * 1024)
/** largest message, leaving room for the packet type and a name */
#define DPC_VICI_MAX_MESSAGE (DPC_VICI_MAX_PACKET - 2 - 255)
/** deepest section nesting accepted */
#define DPC_VICI_MAX_DEPTH 16
/** longest element or packet name */
#define DPC_VICI_MAX_NAME 255
/** longest value */
#define DPC_VICI_MAX_VALUE 65535

/**
 * Packet types.
 */
typedef enum {
	/** named request for a command */
	DPC_VICI_CMD_REQUEST = 0,
	/** unnamed response to a command */
	DPC_VICI_CMD_RESPONSE = 1,
	/** unnamed response if the command is unknown */
	DPC_VICI_CMD_UNKNOWN = 2,
	/** named event registration request */
	DPC_VICI_EVENT_REGISTER = 3,
	/** named event deregistration request */
	DPC_VICI_EVENT_UNREGISTER = 4,
	/** unnamed confirmation of (de)registration */
	DPC_VICI_EVENT_CONFIRM = 5,
	/** unnamed response if the event is unknown */
	DPC_VICI_EVENT_UNKNOWN = 6,
	/** named event message */
	DPC_VICI_EVENT = 7,
} dpc_vici_packet_type_t;

/**
 * Message element types.
 */
typedef enum {
	DPC_VICI_SECTION_START = 1,
	DPC_VICI_SECTION_END = 2,
	DPC_VICI_KEY_VALUE = 3,
	DPC_VICI_LIST_START = 4,
	DPC_VICI_LIST_ITEM = 5,
	DPC_VICI_LIST_END = 6,
} dpc_vici_element_t;

/**
 * Message builder. Errors (misuse, names or values too long, the message
 * exceeding its limit, out of memory) are sticky: later calls do nothing and
 * dpc_vici_builder_finish() fails.
 */
typedef struct {
	/** encoded bytes */
	uint8_t *buf;
	/** bytes used */
	size_t len;
	/** bytes allocated */
	size_t size;
	/** largest message allowed (DPC_VICI_MAX_MESSAGE by default) */
	size_t limit;
	/** open sections */
	int depth;
	/** a list is open */
	bool in_list;
	/** an error occurred */
	bool failed;
} dpc_vici_builder_t;

/**
 * A builder position to roll back to.
 */
typedef struct {
	size_t len;
	int depth;
	bool in_list;
	bool failed;
} dpc_vici_mark_t;

/**
 * Initialize an empty builder.
 */
void dpc_vici_builder_init(dpc_vici_builder_t *b);

/**
 * Free the builder's buffer (and reset it).
 */
void dpc_vici_builder_clear(dpc_vici_builder_t *b);

/**
 * Open a named section.
 */
void dpc_vici_begin_section(dpc_vici_builder_t *b, const char *name);

/**
 * Close the innermost section.
 */
void dpc_vici_end_section(dpc_vici_builder_t *b);

/**
 * Add a key with a raw value.
 */
void dpc_vici_add_kv(dpc_vici_builder_t *b, const char *key,
					 const void *value, size_t len);

/**
 * Add a key with a string value (NULL: empty).
 */
void dpc_vici_add_kv_str(dpc_vici_builder_t *b, const char *key,
						 const char *value);

/**
 * Add a key with a printf() formatted value.
 */
void dpc_vici_add_kvf(dpc_vici_builder_t *b, const char *key,
					  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Open a named list.
 */
void dpc_vici_begin_list(dpc_vici_builder_t *b, const char *name);

/**
 * Add a raw item to the open list.
 */
void dpc_vici_add_item(dpc_vici_builder_t *b, const void *value, size_t len);

/**
 * Add a printf() formatted item to the open list.
 */
void dpc_vici_add_itemf(dpc_vici_builder_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Close the open list.
 */
void dpc_vici_end_list(dpc_vici_builder_t *b);

/**
 * Remember the current position.
 */
void dpc_vici_builder_mark(dpc_vici_builder_t *b, dpc_vici_mark_t *mark);

/**
 * Drop everything added since mark (also errors raised since then).
 */
void dpc_vici_builder_rollback(dpc_vici_builder_t *b,
							   const dpc_vici_mark_t *mark);

/**
 * Free a message of dpc_vici_builder_finish() or a packet of
 * dpc_vici_packet_build(). Their memory comes from dpc_bulk: a status reply
 * over thousands of tunnels is hundreds of KB, and must not pass through
 * free() inside charon (see dpc_bulk.h).
 *
 * @param msg		the message or packet, or NULL
 */
void dpc_vici_msg_free(void *msg);

/**
 * Take the encoded message; the builder is empty afterwards.
 *
 * @param msg		receives the message (never NULL on success), to free
 *					with dpc_vici_msg_free()
 * @param len		receives its length
 * @return			FALSE if an error occurred or sections/lists are open
 *					(the builder is cleared either way)
 */
bool dpc_vici_builder_finish(dpc_vici_builder_t *b, uint8_t **msg,
							 size_t *len);

/**
 * Node types of a parsed message.
 */
typedef enum {
	/** a section (the root is an unnamed section) */
	DPC_VICI_NODE_SECTION,
	/** a key/value */
	DPC_VICI_NODE_KV,
	/** a list of items */
	DPC_VICI_NODE_LIST,
	/** a list item */
	DPC_VICI_NODE_ITEM,
} dpc_vici_node_type_t;

typedef struct dpc_vici_node_t dpc_vici_node_t;

/**
 * A node of a parsed message.
 */
struct dpc_vici_node_t {
	/** what it is */
	dpc_vici_node_type_t type;
	/** name, "" for the root and items */
	const char *name;
	/** value of a key/value or item (NUL-terminated copy), else NULL */
	const char *value;
	/** length of the value (it may contain NUL bytes) */
	size_t len;
	/** first child: elements of a section, items of a list */
	dpc_vici_node_t *first;
	/** last child */
	dpc_vici_node_t *last;
	/** number of children */
	size_t count;
	/** next sibling */
	dpc_vici_node_t *next;
};

/**
 * Parse a message into a tree, strictly: every element must be complete and
 * valid where it appears, names non-empty without NUL bytes, sections nest at
 * most DPC_VICI_MAX_DEPTH deep, everything opened must be closed, and the
 * message must not exceed DPC_VICI_MAX_PACKET bytes.
 *
 * @param msg		encoded message
 * @param len		its length
 * @param err		receives a static reason on failure, may be NULL
 * @return			the root section, NULL on error; free with
 *					dpc_vici_node_free()
 */
dpc_vici_node_t *dpc_vici_parse(const uint8_t *msg, size_t len,
								const char **err);

/**
 * Free a parsed tree.
 */
void dpc_vici_node_free(dpc_vici_node_t *root);

/**
 * Find a direct child of a section by name (the first one).
 */
const dpc_vici_node_t *dpc_vici_get(const dpc_vici_node_t *section,
									const char *name);

/**
 * Find a node by a dotted path of names, e.g. "ike_sas.0.children".
 */
const dpc_vici_node_t *dpc_vici_find(const dpc_vici_node_t *section,
									 const char *path);

/**
 * Value of a key/value found by dotted path, def if missing or not a
 * key/value.
 */
const char *dpc_vici_find_str(const dpc_vici_node_t *section,
							  const char *path, const char *def);

/**
 * Is this section an index-named list of objects ("0", "1", ... in order,
 * all sections)? An empty section is not.
 */
bool dpc_vici_is_array(const dpc_vici_node_t *section);

/**
 * A packet, as received (after the length prefix).
 */
typedef struct {
	/** packet type */
	dpc_vici_packet_type_t type;
	/** name of named types, "" otherwise */
	char name[DPC_VICI_MAX_NAME + 1];
	/** message (points into the received data) */
	const uint8_t *msg;
	/** length of the message */
	size_t len;
} dpc_vici_packet_t;

/**
 * Name of a packet type, e.g. "CMD_REQUEST"; "unknown" if invalid.
 */
const char *dpc_vici_packet_type_name(int type);

/**
 * Does a packet type carry a name?
 */
bool dpc_vici_packet_has_name(int type);

/**
 * Does a packet type carry a message?
 */
bool dpc_vici_packet_has_message(int type);

/**
 * Decode the 4-byte big-endian length prefix.
 */
uint32_t dpc_vici_get_len(const uint8_t hdr[4]);

/**
 * Encode the 4-byte big-endian length prefix.
 */
void dpc_vici_put_len(uint8_t hdr[4], uint32_t len);

/**
 * Build a packet including its length prefix.
 *
 * @param type		packet type
 * @param name		name for named types (non-empty), ignored otherwise
 * @param msg		message for types carrying one, may be NULL if len is 0
 * @param len		message length
 * @param out_len	receives the total length
 * @return			allocated packet (free it with dpc_vici_msg_free()), NULL
 *					if invalid or too large
 */
uint8_t *dpc_vici_packet_build(dpc_vici_packet_type_t type, const char *name,
							   const uint8_t *msg, size_t len,
							   size_t *out_len);

/**
 * Build a packet and send all of it on a blocking stream socket (clients:
 * the CLI, test and benchmark tools).
 *
 * @param fd		connected socket
 * @param type		packet type
 * @param name		name for named types (non-empty), ignored otherwise
 * @param msg		message for types carrying one, may be NULL if len is 0
 * @param len		message length
 * @return			FALSE with errno set if it could not be built (EMSGSIZE)
 *					or sent
 */
bool dpc_vici_packet_send(int fd, dpc_vici_packet_type_t type,
						  const char *name, const uint8_t *msg, size_t len);

/**
 * Split a received packet (the bytes after the length prefix). The message
 * is not parsed; types without a message must not carry one.
 *
 * @param data		packet bytes
 * @param len		their number, at most DPC_VICI_MAX_PACKET
 * @param pkt		receives the packet; msg points into data
 * @param err		receives a static reason on failure, may be NULL
 * @return			FALSE if malformed
 */
bool dpc_vici_packet_parse(const uint8_t *data, size_t len,
						   dpc_vici_packet_t *pkt, const char **err);

#endif /** DPC_VICI_MSG_H_ @}*/
