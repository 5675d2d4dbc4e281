/*
 * Copyright (C) 2026 dataplane-check authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "dpc_journal.h"

#include <library.h>

#ifdef DPC_HAVE_SYSTEMD
/* the location would be this file, not the finding's */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#endif

/*
 * Described in header
 */
bool dpc_journal_stream(void)
{
#ifdef DPC_HAVE_SYSTEMD
	return lib->ns && streq(lib->ns, "charon-systemd");
#else
	return FALSE;
#endif
}

/*
 * Described in header
 */
int dpc_journal_level(debug_t group)
{
	int def;

	/* charon-systemd registers its logger as custom logger "journal", with
	 * <ns>.customlog.journal falling back to <ns>.journal, default 1 */
	def = lib->settings->get_int(lib->settings, "%s.customlog.journal.default",
								 1, lib->ns);
	return lib->settings->get_int(lib->settings, "%s.customlog.journal.%N",
								  def, lib->ns, debug_lower_names, group);
}

/*
 * Described in header
 */
bool dpc_journal_send(const dpc_journal_entry_t *e)
{
#ifdef DPC_HAVE_SYSTEMD
	struct iovec iov[DPC_JOURNAL_MAX_FIELDS];
	int i;

	for (i = 0; i < e->count; i++)
	{
		iov[i].iov_base = (void*)e->fields[i];
		iov[i].iov_len = e->lens[i];
	}
	return sd_journal_sendv(iov, e->count) >= 0;
#else
	return FALSE;
#endif
}
