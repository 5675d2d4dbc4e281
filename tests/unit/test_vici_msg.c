/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_tests.h"

#include <proto/dpc_vici_msg.h>

#include <stdlib.h>
#include <string.h>

/* the encoding example of strongSwan's vici README */
static const uint8_t readme_msg[] = {
	3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1',
	1, 8, 's', 'e', 'c', 't', 'i', 'o', 'n', '1',
	1, 11, 's', 'u', 'b', '-', 's', 'e', 'c', 't', 'i', 'o', 'n',
	3, 4, 'k', 'e', 'y', '2', 0, 6, 'v', 'a', 'l', 'u', 'e', '2',
	2,
	4, 5, 'l', 'i', 's', 't', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '2',
	6,
	2,
};

/**
 * Does parsing fail (and not crash)?
 */
static bool rejects(const uint8_t *msg, size_t len)
{
	dpc_vici_node_t *root;
	const char *err = NULL;

	root = dpc_vici_parse(msg, len, &err);
	if (root)
	{
		dpc_vici_node_free(root);
		return false;
	}
	ck_assert_ptr_nonnull(err);
	return true;
}

START_TEST(test_build_readme)
{
	dpc_vici_builder_t b;
	uint8_t *msg;
	size_t len;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "key1", "value1");
	dpc_vici_begin_section(&b, "section1");
	dpc_vici_begin_section(&b, "sub-section");
	dpc_vici_add_kvf(&b, "key2", "value%d", 2);
	dpc_vici_end_section(&b);
	dpc_vici_begin_list(&b, "list1");
	dpc_vici_add_item(&b, "item1", 5);
	dpc_vici_add_itemf(&b, "item%c", '2');
	dpc_vici_end_list(&b);
	dpc_vici_end_section(&b);
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
	ck_assert_uint_eq(len, sizeof(readme_msg));
	ck_assert(memcmp(msg, readme_msg, len) == 0);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_parse_readme)
{
	const dpc_vici_node_t *list, *item;
	dpc_vici_node_t *root;

	root = dpc_vici_parse(readme_msg, sizeof(readme_msg), NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->count, 2);
	ck_assert_str_eq(dpc_vici_find_str(root, "key1", ""), "value1");
	ck_assert_str_eq(dpc_vici_find_str(root, "section1.sub-section.key2", ""),
					 "value2");
	ck_assert_str_eq(dpc_vici_find_str(root, "section1.nope", "def"), "def");
	ck_assert_str_eq(dpc_vici_find_str(root, "section1", "def"), "def");
	list = dpc_vici_find(root, "section1.list1");
	ck_assert_ptr_nonnull(list);
	ck_assert_int_eq(list->type, DPC_VICI_NODE_LIST);
	ck_assert_uint_eq(list->count, 2);
	item = list->first;
	ck_assert_int_eq(item->type, DPC_VICI_NODE_ITEM);
	ck_assert_str_eq(item->value, "item1");
	ck_assert_str_eq(item->next->value, "item2");
	ck_assert_ptr_null(item->next->next);
	dpc_vici_node_free(root);
}
END_TEST

START_TEST(test_roundtrip_binary)
{
	const dpc_vici_node_t *node;
	uint8_t blob[300], big[DPC_VICI_MAX_VALUE], *msg;
	dpc_vici_node_t *root;
	dpc_vici_builder_t b;
	size_t len, i;

	for (i = 0; i < sizeof(blob); i++)
	{
		blob[i] = i;
	}
	memset(big, 'x', sizeof(big));
	dpc_vici_builder_init(&b);
	dpc_vici_add_kv(&b, "blob", blob, sizeof(blob));
	dpc_vici_add_kv(&b, "empty", NULL, 0);
	dpc_vici_add_kv(&b, "big", big, sizeof(big));
	dpc_vici_begin_list(&b, "empty-list");
	dpc_vici_end_list(&b);
	dpc_vici_begin_section(&b, "empty-section");
	dpc_vici_end_section(&b);
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));

	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	node = dpc_vici_get(root, "blob");
	ck_assert_uint_eq(node->len, sizeof(blob));
	ck_assert(memcmp(node->value, blob, sizeof(blob)) == 0);
	node = dpc_vici_get(root, "empty");
	ck_assert_uint_eq(node->len, 0);
	ck_assert_str_eq(node->value, "");
	ck_assert_uint_eq(dpc_vici_get(root, "big")->len, DPC_VICI_MAX_VALUE);
	ck_assert_uint_eq(dpc_vici_get(root, "empty-list")->count, 0);
	ck_assert_uint_eq(dpc_vici_get(root, "empty-section")->count, 0);
	ck_assert(!dpc_vici_is_array(dpc_vici_get(root, "empty-section")));
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_empty_message)
{
	dpc_vici_node_t *root;
	dpc_vici_builder_t b;
	uint8_t *msg;
	size_t len;

	dpc_vici_builder_init(&b);
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(len, 0);
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->count, 0);
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_array)
{
	dpc_vici_node_t *root;
	dpc_vici_builder_t b;
	uint8_t *msg;
	size_t len;

	dpc_vici_builder_init(&b);
	dpc_vici_begin_section(&b, "list");
	dpc_vici_begin_section(&b, "0");
	dpc_vici_end_section(&b);
	dpc_vici_begin_section(&b, "1");
	dpc_vici_end_section(&b);
	dpc_vici_end_section(&b);
	dpc_vici_begin_section(&b, "gap");
	dpc_vici_begin_section(&b, "0");
	dpc_vici_end_section(&b);
	dpc_vici_begin_section(&b, "2");
	dpc_vici_end_section(&b);
	dpc_vici_end_section(&b);
	dpc_vici_begin_section(&b, "kv");
	dpc_vici_add_kv_str(&b, "0", "x");
	dpc_vici_end_section(&b);
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert(dpc_vici_is_array(dpc_vici_get(root, "list")));
	ck_assert(!dpc_vici_is_array(dpc_vici_get(root, "gap")));
	ck_assert(!dpc_vici_is_array(dpc_vici_get(root, "kv")));
	ck_assert(!dpc_vici_is_array(root));
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_builder_misuse)
{
	char name[300];
	uint8_t *msg = NULL, *big;
	dpc_vici_builder_t b;
	size_t len;

	/* unbalanced */
	dpc_vici_builder_init(&b);
	dpc_vici_begin_section(&b, "a");
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_begin_list(&b, "a");
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_end_section(&b);
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_end_list(&b);
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	/* wrong place */
	dpc_vici_add_item(&b, "x", 1);
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_begin_list(&b, "l");
	dpc_vici_add_kv_str(&b, "k", "v");
	dpc_vici_end_list(&b);
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_begin_list(&b, "l");
	dpc_vici_begin_section(&b, "s");
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_begin_list(&b, "l");
	dpc_vici_begin_list(&b, "m");
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	/* names */
	dpc_vici_add_kv_str(&b, "", "v");
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	dpc_vici_begin_section(&b, name);
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	name[255] = '\0';
	dpc_vici_begin_section(&b, name);
	dpc_vici_end_section(&b);
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
	dpc_vici_msg_free(msg);
	/* value too long */
	big = calloc(1, DPC_VICI_MAX_VALUE + 1);
	dpc_vici_add_kv(&b, "k", big, DPC_VICI_MAX_VALUE + 1);
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	/* too deep */
	for (len = 0; len <= DPC_VICI_MAX_DEPTH; len++)
	{
		dpc_vici_begin_section(&b, "s");
	}
	ck_assert(b.failed);
	dpc_vici_builder_clear(&b);
	/* message limit */
	for (len = 0; len < 10; len++)
	{
		dpc_vici_add_kv(&b, "k", big, DPC_VICI_MAX_VALUE);
	}
	ck_assert(!dpc_vici_builder_finish(&b, &msg, &len));
	free(big);
}
END_TEST

START_TEST(test_builder_rollback)
{
	dpc_vici_node_t *root;
	dpc_vici_builder_t b;
	dpc_vici_mark_t mark;
	uint8_t *msg;
	size_t len;

	dpc_vici_builder_init(&b);
	dpc_vici_add_kv_str(&b, "keep", "1");
	dpc_vici_builder_mark(&b, &mark);
	dpc_vici_begin_section(&b, "drop");
	dpc_vici_begin_list(&b, "l");
	dpc_vici_add_item(&b, NULL, 0);
	dpc_vici_add_kv_str(&b, "bad", "in list");
	ck_assert(b.failed);
	dpc_vici_builder_rollback(&b, &mark);
	dpc_vici_add_kv_str(&b, "after", "2");
	ck_assert(dpc_vici_builder_finish(&b, &msg, &len));
	root = dpc_vici_parse(msg, len, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->count, 2);
	ck_assert_str_eq(dpc_vici_find_str(root, "after", ""), "2");
	ck_assert_ptr_null(dpc_vici_get(root, "drop"));
	dpc_vici_node_free(root);
	dpc_vici_msg_free(msg);
}
END_TEST

START_TEST(test_truncated)
{
	uint8_t msg[sizeof(readme_msg) - 14];
	size_t len;

	/* everything after key1 is inside section1: no proper prefix is valid */
	memcpy(msg, readme_msg + 14, sizeof(msg));
	for (len = 1; len < sizeof(msg); len++)
	{
		ck_assert_msg(rejects(msg, len), "prefix of %zu accepted", len);
	}
	ck_assert(!rejects(msg, sizeof(msg)));
	/* key/value cut in name and in value */
	for (len = 1; len < 14; len++)
	{
		ck_assert(rejects(readme_msg, len));
	}
}
END_TEST

START_TEST(test_bad_values)
{
	/* value longer than the message */
	const uint8_t over[] = { 3, 1, 'k', 0xff, 0xff, 'a', 'b' };
	const uint8_t item_over[] = { 4, 1, 'l', 5, 0, 9, 'a', 6 };
	/* empty name, NUL in name */
	const uint8_t noname[] = { 3, 0, 0, 0 };
	const uint8_t nulname[] = { 1, 2, 'a', 0, 2 };

	ck_assert(rejects(over, sizeof(over)));
	ck_assert(rejects(item_over, sizeof(item_over)));
	ck_assert(rejects(noname, sizeof(noname)));
	ck_assert(rejects(nulname, sizeof(nulname)));
}
END_TEST

START_TEST(test_bad_elements)
{
	const uint8_t zero[] = { 0 };
	const uint8_t seven[] = { 7 };
	const uint8_t ff[] = { 0xff };
	const uint8_t item_outside[] = { 5, 0, 1, 'x' };
	const uint8_t list_end_outside[] = { 6 };
	const uint8_t section_end_root[] = { 2 };
	const uint8_t kv_in_list[] = { 4, 1, 'l', 3, 1, 'k', 0, 0, 6 };
	const uint8_t section_in_list[] = { 4, 1, 'l', 1, 1, 's', 2, 6 };
	const uint8_t nested_list[] = { 4, 1, 'l', 4, 1, 'm', 6, 6 };
	const uint8_t section_end_in_list[] = { 1, 1, 's', 4, 1, 'l', 2, 6 };
	const uint8_t unterminated_list[] = { 4, 1, 'l', 5, 0, 0 };
	const uint8_t ok_list[] = { 4, 1, 'l', 5, 0, 0, 6 };

	ck_assert(rejects(zero, sizeof(zero)));
	ck_assert(rejects(seven, sizeof(seven)));
	ck_assert(rejects(ff, sizeof(ff)));
	ck_assert(rejects(item_outside, sizeof(item_outside)));
	ck_assert(rejects(list_end_outside, sizeof(list_end_outside)));
	ck_assert(rejects(section_end_root, sizeof(section_end_root)));
	ck_assert(rejects(kv_in_list, sizeof(kv_in_list)));
	ck_assert(rejects(section_in_list, sizeof(section_in_list)));
	ck_assert(rejects(nested_list, sizeof(nested_list)));
	ck_assert(rejects(section_end_in_list, sizeof(section_end_in_list)));
	ck_assert(rejects(unterminated_list, sizeof(unterminated_list)));
	ck_assert(!rejects(ok_list, sizeof(ok_list)));
}
END_TEST

START_TEST(test_trailing)
{
	uint8_t msg[sizeof(readme_msg) + 2];

	memcpy(msg, readme_msg, sizeof(readme_msg));
	/* surplus section end */
	msg[sizeof(readme_msg)] = 2;
	ck_assert(rejects(msg, sizeof(readme_msg) + 1));
	/* garbage byte */
	msg[sizeof(readme_msg)] = 0x42;
	ck_assert(rejects(msg, sizeof(readme_msg) + 1));
	/* start of another element */
	msg[sizeof(readme_msg)] = 3;
	msg[sizeof(readme_msg) + 1] = 1;
	ck_assert(rejects(msg, sizeof(readme_msg) + 2));
}
END_TEST

START_TEST(test_depth)
{
	uint8_t msg[(DPC_VICI_MAX_DEPTH + 1) * 4];
	size_t len = 0;
	int i;

	for (i = 0; i < DPC_VICI_MAX_DEPTH + 1; i++)
	{
		msg[len++] = 1;
		msg[len++] = 1;
		msg[len++] = 's';
	}
	for (i = 0; i < DPC_VICI_MAX_DEPTH + 1; i++)
	{
		msg[len++] = 2;
	}
	ck_assert(rejects(msg, len));
	/* one level less: three bytes less of opening, one of closing */
	ck_assert(!rejects(msg + 3, len - 4));
}
END_TEST

START_TEST(test_too_large)
{
	size_t len = DPC_VICI_MAX_PACKET + 1, i;
	uint8_t *msg;

	/* a valid sequence of empty sections, too long */
	msg = malloc(len);
	for (i = 0; i + 4 <= len; i += 4)
	{
		memcpy(msg + i, (uint8_t[]){ 1, 1, 's', 2 }, 4);
	}
	msg[len - 1] = 2;
	ck_assert(rejects(msg, len));
	ck_assert(!rejects(msg, DPC_VICI_MAX_PACKET));
	free(msg);
}
END_TEST

START_TEST(test_packets)
{
	dpc_vici_packet_t pkt;
	const uint8_t body[] = { 3, 1, 'k', 0, 1, 'v' };
	uint8_t *data;
	size_t len;
	int type;

	for (type = DPC_VICI_CMD_REQUEST; type <= DPC_VICI_EVENT; type++)
	{
		data = dpc_vici_packet_build(type, "status", body, sizeof(body),
									 &len);
		ck_assert_ptr_nonnull(data);
		ck_assert_uint_eq(dpc_vici_get_len(data), len - 4);
		ck_assert(dpc_vici_packet_parse(data + 4, len - 4, &pkt, NULL));
		ck_assert_int_eq(pkt.type, type);
		if (dpc_vici_packet_has_name(type))
		{
			ck_assert_str_eq(pkt.name, "status");
		}
		else
		{
			ck_assert_str_eq(pkt.name, "");
		}
		if (dpc_vici_packet_has_message(type))
		{
			ck_assert_uint_eq(pkt.len, sizeof(body));
			ck_assert(memcmp(pkt.msg, body, sizeof(body)) == 0);
		}
		else
		{
			ck_assert_uint_eq(pkt.len, 0);
		}
		dpc_vici_msg_free(data);
	}
	/* named types need a name */
	ck_assert_ptr_null(dpc_vici_packet_build(DPC_VICI_CMD_REQUEST, NULL,
											 NULL, 0, &len));
	ck_assert_ptr_null(dpc_vici_packet_build(DPC_VICI_EVENT, "", NULL, 0,
											 &len));
	ck_assert_ptr_null(dpc_vici_packet_build(8, "x", NULL, 0, &len));
	ck_assert_ptr_null(dpc_vici_packet_build(DPC_VICI_CMD_RESPONSE, NULL,
							body, DPC_VICI_MAX_PACKET, &len));
	ck_assert_str_eq(dpc_vici_packet_type_name(DPC_VICI_EVENT_CONFIRM),
					 "EVENT_CONFIRM");
	ck_assert_str_eq(dpc_vici_packet_type_name(42), "unknown");
}
END_TEST

START_TEST(test_bad_packets)
{
	const uint8_t unknown_type[] = { 8 };
	const uint8_t no_name[] = { DPC_VICI_CMD_REQUEST };
	const uint8_t empty_name[] = { DPC_VICI_CMD_REQUEST, 0 };
	const uint8_t short_name[] = { DPC_VICI_EVENT, 5, 'a', 'b' };
	const uint8_t confirm_data[] = { DPC_VICI_EVENT_CONFIRM, 1 };
	const uint8_t register_data[] = { DPC_VICI_EVENT_REGISTER, 1, 'a', 1 };
	const uint8_t ok[] = { DPC_VICI_EVENT_REGISTER, 1, 'a' };
	dpc_vici_packet_t pkt;
	const char *err;

	ck_assert(!dpc_vici_packet_parse(unknown_type, 0, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(unknown_type, 1, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(no_name, 1, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(empty_name, 2, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(short_name, 4, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(confirm_data, 2, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(register_data, 4, &pkt, &err));
	ck_assert(!dpc_vici_packet_parse(ok, DPC_VICI_MAX_PACKET + 1, &pkt, &err));
	ck_assert(dpc_vici_packet_parse(ok, sizeof(ok), &pkt, &err));
	ck_assert_str_eq(pkt.name, "a");
}
END_TEST

START_TEST(test_length_prefix)
{
	uint8_t hdr[4];

	dpc_vici_put_len(hdr, 0x01020304);
	ck_assert_uint_eq(hdr[0], 1);
	ck_assert_uint_eq(hdr[3], 4);
	ck_assert_uint_eq(dpc_vici_get_len(hdr), 0x01020304);
	dpc_vici_put_len(hdr, 0xffffffff);
	ck_assert_uint_eq(dpc_vici_get_len(hdr), 0xffffffff);
}
END_TEST

Suite *vici_msg_suite(void)
{
	Suite *s = suite_create("vici_msg");
	TCase *tc;

	tc = tcase_create("builder");
	tcase_add_test(tc, test_build_readme);
	tcase_add_test(tc, test_builder_misuse);
	tcase_add_test(tc, test_builder_rollback);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_add_test(tc, test_parse_readme);
	tcase_add_test(tc, test_roundtrip_binary);
	tcase_add_test(tc, test_empty_message);
	tcase_add_test(tc, test_array);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_bad_elements);
	tcase_add_test(tc, test_trailing);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_too_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("packets");
	tcase_add_test(tc, test_packets);
	tcase_add_test(tc, test_bad_packets);
	tcase_add_test(tc, test_length_prefix);
	suite_add_tcase(s, tc);

	return s;
}
