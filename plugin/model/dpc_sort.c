/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * Written by hand: libc's qsort(3) is the only sort at hand, and glibc's
 * takes its scratch copy from malloc (see dpc_bulk.h for why the plugin
 * keeps large blocks away from it). A bottom-up merge sort over runs sorted
 * by insertion, stable like glibc's; large elements are sorted by pointer
 * and moved once, as glibc does.
 */

#include "dpc_sort.h"
#include "dpc_bulk.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/** elements per run sorted by insertion before merging */
#define RUN 8

/** elements larger than this are sorted by pointer */
#define INDIRECT_MIN 32

/**
 * How to sort: element size and order, and whether the elements sorted
 * are pointers to the ones compared.
 */
typedef struct {
	size_t size;
	int (*cmp)(const void*, const void*);
	bool indirect;
} sort_t;

/**
 * Order of two elements.
 */
static inline int order(const sort_t *s, const char *a, const char *b)
{
	if (s->indirect)
	{
		return s->cmp(*(const void* const*)a, *(const void* const*)b);
	}
	return s->cmp(a, b);
}

/**
 * Swap two elements byte by byte (any size, no scratch).
 */
static void swap(char *a, char *b, size_t size)
{
	char t;

	while (size--)
	{
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/**
 * Sort n elements in place by insertion (stable).
 */
static void insertion(const sort_t *s, char *base, size_t n)
{
	size_t i, j, size = s->size;

	for (i = 1; i < n; i++)
	{
		for (j = i; j > 0 && order(s, base + (j - 1) * size,
								   base + j * size) > 0; j--)
		{
			swap(base + (j - 1) * size, base + j * size, size);
		}
	}
}

/**
 * Merge the sorted runs src[l, m) and src[m, r) into dst[l, r); on equal
 * elements the left one goes first.
 */
static void merge(const sort_t *s, const char *src, char *dst, size_t l,
				  size_t m, size_t r)
{
	size_t i = l, j = m, k = l, size = s->size;

	while (i < m && j < r)
	{
		if (order(s, src + j * size, src + i * size) < 0)
		{
			memcpy(dst + k++ * size, src + j++ * size, size);
		}
		else
		{
			memcpy(dst + k++ * size, src + i++ * size, size);
		}
	}
	memcpy(dst + k * size, src + i * size, (m - i) * size);
	k += m - i;
	memcpy(dst + k * size, src + j * size, (r - j) * size);
}

/**
 * Merge sort n elements with scratch room for as many.
 */
static void merge_sort(const sort_t *s, char *a, char *scratch, size_t n)
{
	char *src = a, *dst = scratch, *t;
	size_t width, l, m, r;

	for (l = 0; l < n; l += RUN)
	{
		insertion(s, a + l * s->size, n - l < RUN ? n - l : RUN);
	}
	for (width = RUN; width < n; width *= 2)
	{
		for (l = 0; l < n; l += 2 * width)
		{
			m = n - l < width ? n : l + width;
			r = n - m < width ? n : m + width;
			merge(s, src, dst, l, m, r);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
	{
		memcpy(a, src, n * s->size);
	}
}

/**
 * Sort large elements by pointer, then move each once.
 *
 * @return			false without memory for it
 */
static bool sort_indirect(char *a, size_t n, size_t size,
						  int (*cmp)(const void*, const void*))
{
	sort_t s = { .size = sizeof(char*), .cmp = cmp, .indirect = true };
	char **ptrs, *copy;
	size_t i;

	if (n > SIZE_MAX / 2 / sizeof(char*))
	{
		return false;
	}
	ptrs = dpc_bulk_calloc(2 * n, sizeof(char*));
	copy = dpc_bulk_calloc(n, size);
	if (!ptrs || !copy)
	{
		dpc_bulk_free(ptrs);
		dpc_bulk_free(copy);
		return false;
	}
	for (i = 0; i < n; i++)
	{
		ptrs[i] = a + i * size;
	}
	merge_sort(&s, (char*)ptrs, (char*)(ptrs + n), n);
	for (i = 0; i < n; i++)
	{
		memcpy(copy + i * size, ptrs[i], size);
	}
	memcpy(a, copy, n * size);
	dpc_bulk_free(ptrs);
	dpc_bulk_free(copy);
	return true;
}

void dpc_sort(void *base, size_t n, size_t size,
			  int (*cmp)(const void *a, const void *b))
{
	sort_t s = { .size = size, .cmp = cmp };
	char *scratch;

	if (n < 2 || !size)
	{
		return;
	}
	if (n <= RUN || n > SIZE_MAX / size)
	{
		insertion(&s, base, n);
		return;
	}
	if (size > INDIRECT_MIN && sort_indirect(base, n, size, cmp))
	{
		return;
	}
	scratch = dpc_bulk_alloc(n * size);
	if (!scratch)
	{	/* slow, but sorted */
		insertion(&s, base, n);
		return;
	}
	merge_sort(&s, base, scratch, n);
	dpc_bulk_free(scratch);
}
