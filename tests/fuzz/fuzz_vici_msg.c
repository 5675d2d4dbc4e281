/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the vici packet and message parsers.
 *
 * Build and run from the top source directory:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -Iplugin \
 *     tests/fuzz/fuzz_vici_msg.c plugin/dpc_vici_msg.c -o fuzz_vici_msg
 *   ./fuzz_vici_msg -max_total_time=30 -max_len=4096
 *
 * The input is parsed as a message and as a packet; a message that parses
 * is re-encoded with the builder, which must reproduce it byte for byte.
 */

#include "proto/dpc_vici_msg.h"

#include <stdlib.h>
#include <string.h>

/**
 * Re-encode the children of a section.
 */
static void encode(dpc_vici_builder_t *b, const dpc_vici_node_t *section)
{
	const dpc_vici_node_t *node, *item;

	for (node = section->first; node; node = node->next)
	{
		switch (node->type)
		{
			case DPC_VICI_NODE_SECTION:
				dpc_vici_begin_section(b, node->name);
				encode(b, node);
				dpc_vici_end_section(b);
				break;
			case DPC_VICI_NODE_KV:
				dpc_vici_add_kv(b, node->name, node->value, node->len);
				break;
			case DPC_VICI_NODE_LIST:
				dpc_vici_begin_list(b, node->name);
				for (item = node->first; item; item = item->next)
				{
					dpc_vici_add_item(b, item->value, item->len);
				}
				dpc_vici_end_list(b);
				break;
			case DPC_VICI_NODE_ITEM:
				abort();
		}
	}
}

static void check_message(const uint8_t *data, size_t size)
{
	dpc_vici_node_t *root;
	dpc_vici_builder_t b;
	uint8_t *msg;
	size_t len;

	root = dpc_vici_parse(data, size, NULL);
	if (!root)
	{
		return;
	}
	dpc_vici_is_array(root);
	dpc_vici_find_str(root, "a.b.c", NULL);
	dpc_vici_builder_init(&b);
	b.limit = DPC_VICI_MAX_PACKET;
	encode(&b, root);
	if (!dpc_vici_builder_finish(&b, &msg, &len))
	{
		abort();
	}
	/* the parser accepts exactly the canonical encoding */
	if (len != size || memcmp(msg, data, len) != 0)
	{
		abort();
	}
	dpc_vici_msg_free(msg);
	dpc_vici_node_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dpc_vici_packet_t pkt;

	check_message(data, size);
	if (dpc_vici_packet_parse(data, size, &pkt, NULL))
	{
		check_message(pkt.msg, pkt.len);
	}
	return 0;
}
