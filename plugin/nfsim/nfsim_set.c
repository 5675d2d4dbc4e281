/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Sets and maps: building them, ordering their elements, looking keys up.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "nfsim_private.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <linux/netfilter/nf_tables.h>

nfsim_set_t *nfsim_set_find(const nfsim_table_t *table, const char *name)
{
	size_t i;

	for (i = 0; i < table->nsets; i++)
	{
		if (strcmp(table->sets[i]->name, name) == 0)
		{
			return table->sets[i];
		}
	}
	return NULL;
}

nfsim_set_t *nfsim_set_add(nfsim_table_t *table, const char *name,
						   uint32_t flags, uint32_t klen, uint32_t dlen,
						   uint32_t dtype)
{
	nfsim_set_t *s;

	if (!name || klen == 0 || klen > NFSIM_DATA_MAX ||
		dlen > NFSIM_DATA_MAX)
	{
		return NULL;
	}
	s = nfsim_set_find(table, name);
	if (s)
	{
		return s;
	}
	if (!nfsim_grow((void**)&table->sets, &table->sets_size, table->nsets,
					sizeof(*table->sets)))
	{
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
	{
		return NULL;
	}
	s->name = strdup(name);
	if (!s->name)
	{
		free(s);
		return NULL;
	}
	s->table = table;
	s->flags = flags;
	s->klen = klen;
	s->dlen = dlen;
	s->dtype = dtype;
	table->sets[table->nsets++] = s;
	table->rs->finalized = false;
	return s;
}

void nfsim_set_get_lengths(const nfsim_set_t *set, uint32_t *klen,
						   uint32_t *dlen, uint32_t *dtype)
{
	*klen = set->klen;
	*dlen = set->dlen;
	*dtype = set->dtype;
}

bool nfsim_set_set_fields(nfsim_set_t *set, const uint8_t *lens,
						  unsigned count)
{
	uint32_t total = 0;
	unsigned i;

	if (count > NFSIM_SET_FIELDS)
	{
		return false;
	}
	for (i = 0; i < count; i++)
	{
		if (lens[i] == 0)
		{
			return false;
		}
		total += (lens[i] + 3) & ~3u;
	}
	if (total > set->klen)
	{
		return false;
	}
	memcpy(set->field_len, lens, count);
	set->nfields = count;
	return true;
}

/**
 * Copy a blob (NULL for len 0).
 */
static uint8_t *memdup(const void *data, uint32_t len)
{
	uint8_t *p;

	p = malloc(len ? len : 1);
	if (p && len)
	{
		memcpy(p, data, len);
	}
	return p;
}

bool nfsim_set_add_elem(nfsim_set_t *set, const void *key, uint32_t key_len,
						const void *key_end, uint32_t flags, const void *data,
						uint32_t data_len, int verdict, const char *chain)
{
	nfsim_elem_t *e;

	if (key && key_len != set->klen)
	{
		return false;
	}
	if (!key && !(flags & NFT_SET_ELEM_CATCHALL))
	{
		return false;
	}
	if (data && (set->dtype == NFT_DATA_VERDICT || data_len != set->dlen))
	{
		return false;
	}
	if (!nfsim_grow((void**)&set->elems, &set->elems_size, set->nelems,
					sizeof(*set->elems)))
	{
		return false;
	}
	e = &set->elems[set->nelems];
	memset(e, 0, sizeof(*e));
	e->flags = flags;
	if (key)
	{
		e->key = memdup(key, key_len);
		if (!e->key)
		{
			return false;
		}
	}
	if (key && key_end)
	{
		e->key_end = memdup(key_end, key_len);
		set->ranges = true;
	}
	if (data)
	{
		e->data = memdup(data, data_len);
	}
	e->verdict.code = verdict;
	e->verdict.chain_name = nfsim_strdup(chain);
	set->nelems++;
	set->table->rs->finalized = false;
	return true;
}

/**
 * Order elements by key (memcmp, as the kernel's rbtree), an interval end
 * before a start at the same key (adjacent intervals: the start wins).
 */
static int cmp_elem(const void *a, const void *b, void *arg)
{
	const nfsim_elem_t *ea = a, *eb = b;
	uint32_t klen = *(uint32_t*)arg;
	int d;

	if (!ea->key || !eb->key)
	{
		return !ea->key - !eb->key;
	}
	d = memcmp(ea->key, eb->key, klen);
	if (d)
	{
		return d;
	}
	return (int)(eb->flags & NFT_SET_ELEM_INTERVAL_END) -
		   (int)(ea->flags & NFT_SET_ELEM_INTERVAL_END);
}

unsigned nfsim_set_finalize(nfsim_set_t *set)
{
	unsigned bad = 0;
	size_t i;

	if (set->nelems)
	{
		qsort_r(set->elems, set->nelems, sizeof(*set->elems), cmp_elem,
				&set->klen);
	}
	set->catchall = NULL;
	for (i = 0; i < set->nelems; i++)
	{
		if (!set->elems[i].key)
		{
			/* sorted last; the first catch-all one wins */
			set->catchall = &set->elems[i];
			break;
		}
	}
	for (i = 0; i < set->nelems; i++)
	{
		if (!nfsim_verdict_resolve(&set->elems[i].verdict, set->table))
		{
			/* the kernel refuses such an element; make it undecidable */
			set->elems[i].verdict.code = NFSIM_V_UNKNOWN;
			bad++;
		}
	}
	return bad;
}

unsigned nfsim_set_jumps(nfsim_set_t *set, nfsim_jump_cb_t closes, void *user)
{
	unsigned cut = 0;
	size_t i;

	for (i = 0; i < set->nelems; i++)
	{
		if (set->elems[i].verdict.chain &&
			closes(set->elems[i].verdict.chain, user))
		{
			set->elems[i].verdict.code = NFSIM_V_UNKNOWN;
			set->elems[i].verdict.chain = NULL;
			cut++;
		}
	}
	return cut;
}

void nfsim_set_destroy(nfsim_set_t *set)
{
	size_t i;

	for (i = 0; i < set->nelems; i++)
	{
		free(set->elems[i].key);
		free(set->elems[i].key_end);
		free(set->elems[i].data);
		free(set->elems[i].verdict.chain_name);
	}
	free(set->elems);
	free(set->name);
	free(set);
}

/**
 * Number of keyed (non catch-all) elements.
 */
static size_t keyed(const nfsim_set_t *set)
{
	return set->catchall ? (size_t)(set->catchall - set->elems) : set->nelems;
}

/**
 * Where a key falls among sorted elements: index of the last element whose
 * key is <= key, -1 if none.
 */
static ssize_t floor_index(const nfsim_set_t *set, const uint8_t *key)
{
	ssize_t lo = 0, hi = (ssize_t)keyed(set) - 1, found = -1;

	while (lo <= hi)
	{
		ssize_t mid = lo + (hi - lo) / 2;
		int d = memcmp(set->elems[mid].key, key, set->klen);

		/* ties sort an end before a start, so the last one wins */
		if (d <= 0)
		{
			found = mid;
			lo = mid + 1;
		}
		else
		{
			hi = mid - 1;
		}
	}
	return found;
}

/**
 * Three-valued "lo <= key <= hi" over a field with unknown key bits.
 */
static nfsim_tri_t in_range(const uint8_t *key, const uint8_t *unk,
							const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	uint8_t min[NFSIM_DATA_MAX], max[NFSIM_DATA_MAX];
	uint32_t i;

	for (i = 0; i < len; i++)
	{
		min[i] = key[i] & ~unk[i];
		max[i] = key[i] | unk[i];
	}
	if (memcmp(max, lo, len) < 0 || memcmp(min, hi, len) > 0)
	{
		return NFSIM_NO;
	}
	if (memcmp(min, lo, len) >= 0 && memcmp(max, hi, len) <= 0)
	{
		return NFSIM_YES;
	}
	return NFSIM_UNKNOWN;
}

/**
 * Lookup in a set of range elements (key .. key_end per field).
 */
static nfsim_tri_t lookup_ranges(const nfsim_set_t *set, const uint8_t *key,
								 const uint8_t *unk, const nfsim_elem_t **elem)
{
	nfsim_tri_t res = NFSIM_NO;
	size_t i, n = keyed(set);

	for (i = 0; i < n; i++)
	{
		const nfsim_elem_t *e = &set->elems[i];
		const uint8_t *end = e->key_end ? e->key_end : e->key;
		nfsim_tri_t m = NFSIM_YES, f;
		uint32_t off = 0;
		unsigned fi;

		if (set->nfields == 0)
		{
			m = in_range(key, unk, e->key, end, set->klen);
		}
		for (fi = 0; fi < set->nfields && m != NFSIM_NO; fi++)
		{
			f = in_range(key + off, unk + off, e->key + off, end + off,
						 set->field_len[fi]);
			if (f == NFSIM_NO || m == NFSIM_YES)
			{
				m = f;
			}
			off += (set->field_len[fi] + 3) & ~3u;
		}
		if (m == NFSIM_YES)
		{
			*elem = e;
			return NFSIM_YES;
		}
		if (m == NFSIM_UNKNOWN)
		{
			res = NFSIM_UNKNOWN;
		}
	}
	return res;
}

/**
 * Lookup in an interval set stored as start/end elements.
 */
static nfsim_tri_t lookup_intervals(const nfsim_set_t *set, const uint8_t *key,
									const uint8_t *unk,
									const nfsim_elem_t **elem)
{
	uint8_t min[NFSIM_DATA_MAX], max[NFSIM_DATA_MAX];
	ssize_t a, b;
	uint32_t i;

	for (i = 0; i < set->klen; i++)
	{
		min[i] = key[i] & ~unk[i];
		max[i] = key[i] | unk[i];
	}
	a = floor_index(set, min);
	b = floor_index(set, max);
	if (a != b)
	{
		return NFSIM_UNKNOWN;
	}
	if (a < 0 || (set->elems[a].flags & NFT_SET_ELEM_INTERVAL_END))
	{
		return NFSIM_NO;
	}
	*elem = &set->elems[a];
	return NFSIM_YES;
}

/**
 * Exact lookup.
 */
static nfsim_tri_t lookup_hash(const nfsim_set_t *set, const uint8_t *key,
							   const uint8_t *unk, const nfsim_elem_t **elem)
{
	ssize_t lo = 0, hi = (ssize_t)keyed(set) - 1;
	bool unknown = false;
	size_t i, n;
	uint32_t j;

	for (j = 0; j < set->klen; j++)
	{
		if (unk[j])
		{
			unknown = true;
			break;
		}
	}
	if (!unknown)
	{
		while (lo <= hi)
		{
			ssize_t mid = lo + (hi - lo) / 2;
			int d = memcmp(set->elems[mid].key, key, set->klen);

			if (d == 0)
			{
				*elem = &set->elems[mid];
				return NFSIM_YES;
			}
			if (d < 0)
			{
				lo = mid + 1;
			}
			else
			{
				hi = mid - 1;
			}
		}
		return NFSIM_NO;
	}
	n = keyed(set);
	for (i = 0; i < n; i++)
	{
		const uint8_t *k = set->elems[i].key;

		for (j = 0; j < set->klen; j++)
		{
			if ((k[j] ^ key[j]) & ~unk[j])
			{
				break;
			}
		}
		if (j == set->klen)
		{
			/* a compatible element: it may or may not be the key */
			return NFSIM_UNKNOWN;
		}
	}
	return NFSIM_NO;
}

nfsim_tri_t nfsim_set_lookup(const nfsim_set_t *set, const uint8_t *key,
							 const uint8_t *unk, const nfsim_elem_t **elem)
{
	nfsim_tri_t res;

	*elem = NULL;
	if (set->ranges)
	{
		res = lookup_ranges(set, key, unk, elem);
	}
	else if (set->flags & NFT_SET_INTERVAL)
	{
		res = lookup_intervals(set, key, unk, elem);
	}
	else
	{
		res = lookup_hash(set, key, unk, elem);
	}
	if (res != NFSIM_YES && set->catchall)
	{
		if (res == NFSIM_NO || !(set->flags & NFT_SET_MAP))
		{
			*elem = set->catchall;
			return NFSIM_YES;
		}
	}
	return res;
}
