/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_idmap.h"

#include <stdlib.h>

/** smallest table */
#define MIN_SIZE 16

void dpc_idmap_init(dpc_idmap_t *map)
{
	map->keys = NULL;
	map->vals = NULL;
	map->size = 0;
	map->count = 0;
}

void dpc_idmap_clear(dpc_idmap_t *map)
{
	free(map->keys);
	free(map->vals);
	dpc_idmap_init(map);
}

/**
 * Where a key's probe run starts.
 */
static inline size_t home_of(const dpc_idmap_t *map, uint32_t key)
{
	/* multiplicative hashing: consecutive ids spread over the table */
	return (size_t)((key * 2654435769u) & (map->size - 1));
}

/**
 * Slot of a key, or of the free slot where it would go.
 */
static size_t slot_of(const dpc_idmap_t *map, uint32_t key)
{
	size_t s = home_of(map, key);

	while (map->keys[s] && map->keys[s] != key)
	{
		s = (s + 1) & (map->size - 1);
	}
	return s;
}

bool dpc_idmap_get(const dpc_idmap_t *map, uint32_t key, uint32_t *val)
{
	size_t s;

	if (!key || !map->count)
	{
		return false;
	}
	s = slot_of(map, key);
	if (map->keys[s] != key)
	{
		return false;
	}
	if (val)
	{
		*val = map->vals[s];
	}
	return true;
}

/**
 * Rehash into a table of the given size.
 */
static bool resize(dpc_idmap_t *map, size_t size)
{
	dpc_idmap_t grown = { .size = size, .count = map->count };
	size_t i, s;

	grown.keys = calloc(size, sizeof(uint32_t));
	grown.vals = malloc(size * sizeof(uint32_t));
	if (!grown.keys || !grown.vals)
	{
		free(grown.keys);
		free(grown.vals);
		return false;
	}
	for (i = 0; i < map->size; i++)
	{
		if (map->keys[i])
		{
			s = slot_of(&grown, map->keys[i]);
			grown.keys[s] = map->keys[i];
			grown.vals[s] = map->vals[i];
		}
	}
	free(map->keys);
	free(map->vals);
	*map = grown;
	return true;
}

bool dpc_idmap_reserve(dpc_idmap_t *map, size_t n)
{
	size_t size = map->size ? map->size : MIN_SIZE;

	if (n > SIZE_MAX / 8 - map->count)
	{
		return false;
	}
	/* at most half full, so probes stay short */
	while (size < 2 * (map->count + n))
	{
		size *= 2;
	}
	return size == map->size || resize(map, size);
}

bool dpc_idmap_put(dpc_idmap_t *map, uint32_t key, uint32_t val)
{
	size_t s;

	if (!key)
	{
		return false;
	}
	if (map->count)
	{
		s = slot_of(map, key);
		if (map->keys[s] == key)
		{
			map->vals[s] = val;
			return true;
		}
	}
	if (!dpc_idmap_reserve(map, 1))
	{
		return false;
	}
	s = slot_of(map, key);
	map->keys[s] = key;
	map->vals[s] = val;
	map->count++;
	return true;
}

bool dpc_idmap_remove(dpc_idmap_t *map, uint32_t key)
{
	size_t s, next, home;

	if (!key || !map->count)
	{
		return false;
	}
	s = slot_of(map, key);
	if (map->keys[s] != key)
	{
		return false;
	}
	/* backward shift: move later keys of the probe run into the hole, so
	 * no tombstones are needed */
	next = s;
	while (true)
	{
		next = (next + 1) & (map->size - 1);
		if (!map->keys[next])
		{
			break;
		}
		home = home_of(map, map->keys[next]);
		/* may the key at next move to s? only if its home is not in the
		 * cyclic range (s, next] */
		if ((next > s && (home <= s || home > next)) ||
			(next < s && (home <= s && home > next)))
		{
			map->keys[s] = map->keys[next];
			map->vals[s] = map->vals[next];
			s = next;
		}
	}
	map->keys[s] = 0;
	map->count--;
	return true;
}
