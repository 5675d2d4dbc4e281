/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * A chained hash table of the shared texts, grown by doubling. Written here
 * rather than taken from libstrongswan because the model is libc only (its
 * unit tests and fuzz targets run without libstrongswan).
 */

#include "dpc_text.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** buckets of a fresh table */
#define FIRST_BUCKETS 64

/** texts per bucket, on average, before the table doubles */
#define LOAD 2

const char dpc_text_empty[] = "";

/**
 * A shared text.
 */
typedef struct entry_t entry_t;
struct entry_t {
	/** next in the bucket */
	entry_t *next;
	/** hash of text */
	uint32_t hash;
	/** references held (changed under the lock) */
	uint32_t refs;
	/** the text */
	char text[];
};

/** the table */
static struct {
	pthread_mutex_t lock;
	entry_t **buckets;
	size_t size;
	size_t count;
} table = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/**
 * FNV-1a.
 */
static uint32_t hash_text(const char *text)
{
	uint32_t h = 2166136261u;

	for (; *text; text++)
	{
		h = (h ^ (uint8_t)*text) * 16777619u;
	}
	return h;
}

static inline entry_t *entry_of(const char *text)
{
	return (entry_t*)(text - offsetof(entry_t, text));
}

/**
 * Double the buckets (to call with the lock held); stays as it is on
 * allocation failure (the chains only get longer).
 */
static void grow(void)
{
	entry_t **buckets, *e, *next;
	size_t size, i;

	size = table.size ? table.size * 2 : FIRST_BUCKETS;
	buckets = calloc(size, sizeof(*buckets));
	if (!buckets)
	{
		return;
	}
	for (i = 0; i < table.size; i++)
	{
		for (e = table.buckets[i]; e; e = next)
		{
			next = e->next;
			e->next = buckets[e->hash & (size - 1)];
			buckets[e->hash & (size - 1)] = e;
		}
	}
	free(table.buckets);
	table.buckets = buckets;
	table.size = size;
}

/**
 * Free the buckets while no text is held (to call with the lock held):
 * nothing shared, nothing allocated.
 */
static void drop_table(void)
{
	free(table.buckets);
	table.buckets = NULL;
	table.size = 0;
}

const char *dpc_text_get(const char *text)
{
	entry_t *e = NULL;
	uint32_t hash;
	size_t len;

	if (!text || !text[0])
	{
		return dpc_text_empty;
	}
	hash = hash_text(text);
	pthread_mutex_lock(&table.lock);
	if (table.count >= table.size * LOAD)
	{
		grow();
	}
	if (table.size)
	{
		for (e = table.buckets[hash & (table.size - 1)]; e; e = e->next)
		{
			if (e->hash == hash && strcmp(e->text, text) == 0)
			{
				e->refs++;
				break;
			}
		}
		if (!e)
		{
			len = strlen(text);
			e = malloc(sizeof(*e) + len + 1);
			if (e)
			{
				memcpy(e->text, text, len + 1);
				e->hash = hash;
				e->refs = 1;
				e->next = table.buckets[hash & (table.size - 1)];
				table.buckets[hash & (table.size - 1)] = e;
				table.count++;
			}
		}
	}
	if (!table.count)
	{	/* the first text failed: hold no table either */
		drop_table();
	}
	pthread_mutex_unlock(&table.lock);
	return e ? e->text : NULL;
}

const char *dpc_text_ref(const char *text)
{
	if (text && text != dpc_text_empty)
	{
		pthread_mutex_lock(&table.lock);
		entry_of(text)->refs++;
		pthread_mutex_unlock(&table.lock);
	}
	return text;
}

void dpc_text_put(const char *text)
{
	entry_t *e, **prev;

	if (!text || text == dpc_text_empty)
	{
		return;
	}
	e = entry_of(text);
	pthread_mutex_lock(&table.lock);
	if (--e->refs == 0)
	{
		for (prev = &table.buckets[e->hash & (table.size - 1)]; *prev;
			 prev = &(*prev)->next)
		{
			if (*prev == e)
			{
				*prev = e->next;
				break;
			}
		}
		table.count--;
		free(e);
		if (!table.count)
		{
			drop_table();
		}
	}
	pthread_mutex_unlock(&table.lock);
}

bool dpc_text_set(const char **held, const char *text)
{
	const char *shared;

	if (*held && strcmp(*held, text ?: "") == 0)
	{
		return true;
	}
	shared = dpc_text_get(text);
	if (!shared)
	{
		return false;
	}
	dpc_text_put(*held);
	*held = shared;
	return true;
}

size_t dpc_text_count(void)
{
	size_t count;

	pthread_mutex_lock(&table.lock);
	count = table.count;
	pthread_mutex_unlock(&table.lock);
	return count;
}
