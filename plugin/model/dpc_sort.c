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
 * by insertion, stable like glibc's.
 */

#include "dpc_sort.h"
#include "dpc_bulk.h"

#include <stdint.h>
#include <string.h>

/** elements per run sorted by insertion before merging */
#define RUN 8

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
static void insertion(char *base, size_t n, size_t size,
					  int (*cmp)(const void*, const void*))
{
	size_t i, j;

	for (i = 1; i < n; i++)
	{
		for (j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0;
			 j--)
		{
			swap(base + (j - 1) * size, base + j * size, size);
		}
	}
}

/**
 * Merge the sorted runs src[l, m) and src[m, r) into dst[l, r); on equal
 * elements the left one goes first.
 */
static void merge(const char *src, char *dst, size_t l, size_t m, size_t r,
				  size_t size, int (*cmp)(const void*, const void*))
{
	size_t i = l, j = m, k = l;

	while (i < m && j < r)
	{
		if (cmp(src + j * size, src + i * size) < 0)
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

void dpc_sort(void *base, size_t n, size_t size,
			  int (*cmp)(const void *a, const void *b))
{
	char *a = base, *src, *dst, *t, *scratch = NULL;
	size_t width, l, m, r;

	if (n < 2 || !size)
	{
		return;
	}
	if (n > RUN && n <= SIZE_MAX / size)
	{
		scratch = dpc_bulk_alloc(n * size);
	}
	if (!scratch)
	{
		insertion(a, n, size, cmp);
		return;
	}
	for (l = 0; l < n; l += RUN)
	{
		insertion(a + l * size, n - l < RUN ? n - l : RUN, size, cmp);
	}
	src = a;
	dst = scratch;
	for (width = RUN; width < n; width *= 2)
	{
		for (l = 0; l < n; l += 2 * width)
		{
			m = n - l < width ? n : l + width;
			r = n - m < width ? n : m + width;
			merge(src, dst, l, m, r, size, cmp);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
	{
		memcpy(a, src, n * size);
	}
	dpc_bulk_free(scratch);
}
