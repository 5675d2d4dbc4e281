/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/*
 * libFuzzer target for the SAD parser (dpc_xfrm_sad.h).
 *
 * Built and run by "make fuzz"; seeds are XFRM_MSG_GETSA dumps in
 * tests/fuzz/corpus/fuzz_xfrm_sad (the unit test fixtures).
 *
 * The input is a receive buffer of a dump. It is parsed whole, then each
 * message is parsed again from a copy of exactly nlmsg_len bytes (what the
 * reader passes), so that any read past a message is caught; every SA kept
 * must be found again by its own identity.
 */

#include <facts/xfrm/dpc_xfrm_sad.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

/**
 * Fail loudly on a broken invariant.
 */
#define ASSERT(x) do { if (!(x)) { abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr hdr;
	dpc_xfrm_sad_t sad;
	dpc_xfrm_sa_t sa;
	size_t off = 0, i;
	uint8_t *copy;

	dpc_xfrm_sad_init(&sad);
	dpc_xfrm_sad_parse(&sad, data, size, 64);
	ASSERT(sad.count <= 64);
	dpc_xfrm_sad_sort(&sad);
	for (i = 0; i < sad.count; i++)
	{
		ASSERT(sad.sas[i].id.family == AF_INET ||
			   sad.sas[i].id.family == AF_INET6);
		ASSERT(dpc_xfrm_sad_find(&sad, &sad.sas[i].id) != NULL ||
			   (sad.sas[i].id.mark_value & ~sad.sas[i].id.mark_mask));
	}
	dpc_xfrm_sad_clear(&sad);

	while (size - off >= sizeof(hdr))
	{
		memcpy(&hdr, data + off, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > size - off)
		{
			break;
		}
		copy = malloc(hdr.nlmsg_len);
		ASSERT(copy);
		memcpy(copy, data + off, hdr.nlmsg_len);
		dpc_xfrm_parse_sa((struct nlmsghdr*)copy, hdr.nlmsg_len, &sa);
		free(copy);
		off += NLMSG_ALIGN(hdr.nlmsg_len);
		if (off > size)
		{
			break;
		}
	}
	return 0;
}
