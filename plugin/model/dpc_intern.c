/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * A chained hash table, grown by doubling. Written here rather than taken
 * from libstrongswan because the model is libc only (its unit tests and
 * fuzzers build without strongSwan), and because an entry carries its
 * value inline, found from the value's address.
 */

#include "dpc_intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** buckets of a fresh table */
#define FIRST_BUCKETS 64

/** values per bucket, on average, before the table doubles */
#define LOAD 2

/** longest value */
#define LEN_MAX (1 << 20)

typedef struct entry_t entry_t;

/**
 * An interned value and its bookkeeping.
 */
struct entry_t {
	/** next in the bucket */
	entry_t *next;
	/** hash of the value */
	uint32_t hash;
	/** references held (changed under the lock) */
	uint32_t refs;
	/** length of the value */
	size_t len;
	/** the value */
	char data[] __attribute__((aligned(8)));
};

static uint32_t hash_data(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
	{
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

static inline entry_t *entry_of(const void *data)
{
	return (entry_t*)((const char*)data - offsetof(entry_t, data));
}

static void grow(dpc_intern_t *t)
{
	entry_t **buckets, **old = (entry_t**)t->buckets, *e, *next;
	size_t size, i;

	size = t->size ? t->size * 2 : FIRST_BUCKETS;
	buckets = calloc(size, sizeof(*buckets));
	if (!buckets)
	{	/* the chains just get longer */
		return;
	}
	for (i = 0; i < t->size; i++)
	{
		for (e = old[i]; e; e = next)
		{
			next = e->next;
			e->next = buckets[e->hash & (size - 1)];
			buckets[e->hash & (size - 1)] = e;
		}
	}
	free(old);
	t->buckets = (void**)buckets;
	t->size = size;
}

static void drop_table(dpc_intern_t *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->size = 0;
}

const void *dpc_intern_get(dpc_intern_t *t, const void *data, size_t len)
{
	entry_t *e = NULL, **bucket;
	uint32_t hash;

	if (!len || len > LEN_MAX)
	{
		return NULL;
	}
	hash = hash_data(data, len);
	pthread_mutex_lock(&t->lock);
	if (t->count >= t->size * LOAD)
	{
		grow(t);
	}
	if (t->size)
	{
		bucket = (entry_t**)&t->buckets[hash & (t->size - 1)];
		for (e = *bucket; e; e = e->next)
		{
			if (e->hash == hash && e->len == len &&
				memcmp(e->data, data, len) == 0)
			{
				e->refs++;
				break;
			}
		}
		if (!e)
		{
			e = malloc(sizeof(*e) + len);
			if (e)
			{
				memcpy(e->data, data, len);
				e->hash = hash;
				e->refs = 1;
				e->len = len;
				e->next = *bucket;
				*bucket = e;
				t->count++;
			}
		}
	}
	if (!t->count)
	{	/* the first value failed: hold no table either */
		drop_table(t);
	}
	pthread_mutex_unlock(&t->lock);
	return e ? e->data : NULL;
}

void dpc_intern_ref(dpc_intern_t *t, const void *data)
{
	pthread_mutex_lock(&t->lock);
	entry_of(data)->refs++;
	pthread_mutex_unlock(&t->lock);
}

void dpc_intern_put(dpc_intern_t *t, const void *data)
{
	entry_t *e = entry_of(data), **prev;

	pthread_mutex_lock(&t->lock);
	if (--e->refs == 0)
	{
		for (prev = (entry_t**)&t->buckets[e->hash & (t->size - 1)]; *prev;
			 prev = &(*prev)->next)
		{
			if (*prev == e)
			{
				*prev = e->next;
				break;
			}
		}
		t->count--;
		free(e);
		if (!t->count)
		{
			drop_table(t);
		}
	}
	pthread_mutex_unlock(&t->lock);
}

size_t dpc_intern_count(dpc_intern_t *t)
{
	size_t count;

	pthread_mutex_lock(&t->lock);
	count = t->count;
	pthread_mutex_unlock(&t->lock);
	return count;
}
