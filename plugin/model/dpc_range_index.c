/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_range_index.h"
#include "dpc_bulk.h"
#include "dpc_sort.h"

#include <stdlib.h>
#include <string.h>

/**
 * One range. Addresses are stored as 16 bytes, IPv4 in the first 4 and
 * zeros after, so one comparison orders both families' ranges of a tree.
 */
typedef struct {
	/** first and last address */
	uint8_t from[16], to[16];
	/** the largest "to" of the subtree rooted here (implicit tree) */
	uint8_t max_to[16];
	/** caller's id */
	uint32_t id;
} range_t;

/**
 * The ranges of one family.
 */
typedef struct {
	/** ranges, sorted by "from" once built */
	range_t *items;
	/** used and allocated entries */
	size_t count, size;
	/** sorted and augmented since the last add */
	bool built;
} tree_t;

/**
 * Private data: one tree per family.
 */
struct dpc_range_index_t {
	/** IPv4 [0] and IPv6 [1] ranges */
	tree_t trees[2];
};

/**
 * The tree of a family, NULL if unknown.
 */
static tree_t *tree_of(dpc_range_index_t *idx, uint8_t family)
{
	switch (dpc_addr_len(family))
	{
		case 4:
			return &idx->trees[0];
		case 16:
			return &idx->trees[1];
		default:
			return NULL;
	}
}

dpc_range_index_t *dpc_range_index_create(void)
{
	return calloc(1, sizeof(dpc_range_index_t));
}

/**
 * Make room for size ranges in a tree.
 */
static bool grow(tree_t *tree, size_t size)
{
	range_t *grown;

	if (size <= tree->size)
	{
		return true;
	}
	if (size > SIZE_MAX / sizeof(range_t))
	{
		return false;
	}
	grown = dpc_bulk_reallocarray(tree->items, size, sizeof(range_t));
	if (!grown)
	{
		return false;
	}
	tree->items = grown;
	tree->size = size;
	return true;
}

bool dpc_range_index_reserve(dpc_range_index_t *idx, uint8_t family,
							 size_t count)
{
	tree_t *tree = tree_of(idx, family);

	return tree && count <= SIZE_MAX - tree->count &&
		   grow(tree, tree->count + count);
}

bool dpc_range_index_add(dpc_range_index_t *idx, const dpc_ts_t *ts,
						 uint32_t id)
{
	tree_t *tree = tree_of(idx, ts->family);
	size_t len = dpc_addr_len(ts->family);

	if (!tree)
	{
		return false;
	}
	if (tree->count == tree->size &&
		!grow(tree, tree->size ? tree->size * 2 : 16))
	{
		return false;
	}
	memset(&tree->items[tree->count], 0, sizeof(range_t));
	memcpy(tree->items[tree->count].from, ts->from, len);
	memcpy(tree->items[tree->count].to, ts->to, len);
	tree->items[tree->count].id = id;
	tree->count++;
	tree->built = false;
	return true;
}

static int range_cmp(const void *a, const void *b)
{
	const range_t *x = a, *y = b;
	int c = memcmp(x->from, y->from, 16);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/**
 * Fill max_to of the implicit subtree [lo, hi) rooted at its middle.
 */
static const uint8_t *augment(range_t *items, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2;
	const uint8_t *sub;

	memcpy(items[mid].max_to, items[mid].to, 16);
	if (lo < mid)
	{
		sub = augment(items, lo, mid);
		if (memcmp(sub, items[mid].max_to, 16) > 0)
		{
			memcpy(items[mid].max_to, sub, 16);
		}
	}
	if (mid + 1 < hi)
	{
		sub = augment(items, mid + 1, hi);
		if (memcmp(sub, items[mid].max_to, 16) > 0)
		{
			memcpy(items[mid].max_to, sub, 16);
		}
	}
	return items[mid].max_to;
}

static void build(tree_t *tree)
{
	if (!tree->built && tree->count)
	{
		dpc_sort(tree->items, tree->count, sizeof(range_t), range_cmp);
		augment(tree->items, 0, tree->count);
	}
	tree->built = true;
}

/**
 * Growing list of answers.
 */
typedef struct {
	uint32_t *ids;
	size_t count, size;
	bool failed;
} hits_t;

static void hit(hits_t *hits, uint32_t id)
{
	uint32_t *grown;
	size_t size;

	if (hits->count == hits->size)
	{
		size = hits->size ? hits->size * 2 : 16;
		grown = size < SIZE_MAX / sizeof(uint32_t) ?
				realloc(hits->ids, size * sizeof(uint32_t)) : NULL;
		if (!grown)
		{
			hits->failed = true;
			return;
		}
		hits->ids = grown;
		hits->size = size;
	}
	hits->ids[hits->count++] = id;
}

/**
 * Collect the ranges of the implicit subtree [lo, hi) overlapping
 * [from, to].
 */
static void search(const range_t *items, size_t lo, size_t hi,
				   const uint8_t *from, const uint8_t *to, hits_t *hits)
{
	size_t mid;

	while (lo < hi && !hits->failed)
	{
		mid = lo + (hi - lo) / 2;
		if (memcmp(items[mid].max_to, from, 16) < 0)
		{	/* everything below ends before the query */
			return;
		}
		if (lo < mid)
		{
			search(items, lo, mid, from, to, hits);
		}
		if (memcmp(items[mid].from, to, 16) > 0)
		{	/* this one and the right subtree start after the query */
			return;
		}
		if (memcmp(items[mid].to, from, 16) >= 0)
		{
			hit(hits, items[mid].id);
		}
		lo = mid + 1;
	}
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;

	return (x > y) - (x < y);
}

int dpc_range_index_query(dpc_range_index_t *idx, const dpc_ts_t *ts,
						  size_t count, uint32_t **ids)
{
	hits_t hits = {};
	uint8_t from[16], to[16];
	tree_t *tree;
	size_t i, j, n = 0, len;

	*ids = NULL;
	for (i = 0; i < count; i++)
	{
		tree = tree_of(idx, ts[i].family);
		if (!tree || !tree->count)
		{
			continue;
		}
		len = dpc_addr_len(ts[i].family);
		memset(from, 0, sizeof(from));
		memset(to, 0, sizeof(to));
		memcpy(from, ts[i].from, len);
		memcpy(to, ts[i].to, len);
		build(tree);
		search(tree->items, 0, tree->count, from, to, &hits);
	}
	if (hits.failed)
	{
		free(hits.ids);
		return -1;
	}
	if (hits.count > 1)
	{
		qsort(hits.ids, hits.count, sizeof(uint32_t), id_cmp);
		for (i = 1, j = 0; i < hits.count; i++)
		{
			if (hits.ids[i] != hits.ids[j])
			{
				hits.ids[++j] = hits.ids[i];
			}
		}
		n = j + 1;
	}
	else
	{
		n = hits.count;
	}
	*ids = hits.ids;
	return (int)n;
}

size_t dpc_range_index_count(const dpc_range_index_t *idx)
{
	return idx->trees[0].count + idx->trees[1].count;
}

void dpc_range_index_destroy(dpc_range_index_t *idx)
{
	if (idx)
	{
		dpc_bulk_free(idx->trees[0].items);
		dpc_bulk_free(idx->trees[1].items);
		free(idx);
	}
}
