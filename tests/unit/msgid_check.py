#!/usr/bin/env python3
#
# Copyright (C) 2026 dataplane-check authors
#
# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License as published by the
# Free Software Foundation; either version 2 of the License, or (at your
# option) any later version.
#
# The MESSAGE_IDs written down in plugin/model/dpc_msgid.c are the version 5
# UUIDs of their codes in the namespace of dpc_msgid.h, every code the
# plugin emits (dpc_check_add(ctx, "code", ...)) has one, and the README's
# table lists the same ids. Usage: msgid_check.py [SRCDIR]

import pathlib
import re
import sys
import uuid

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                   pathlib.Path(__file__).resolve().parents[2])
header = (src / "plugin/model/dpc_msgid.h").read_text()
ns = uuid.UUID(re.search(r'#define DPC_MSGID_NAMESPACE "([0-9a-f-]{36})"',
                         header).group(1))
table = dict(re.findall(r'\{ "([a-z0-9-]+)", "([0-9a-f]{32})" \}',
                        (src / "plugin/model/dpc_msgid.c").read_text()))
emitted = set()
for f in (src / "plugin").rglob("*.c"):
    emitted.update(re.findall(r'dpc_check_add\(\s*\w+,\s*"([a-z0-9-]+)"',
                              f.read_text()))
readme = dict(re.findall(r'\| `([a-z0-9-]+)` \| `([0-9a-f]{32})` \|',
                         (src / "README.md").read_text()))
errors = []
for code, mid in sorted(table.items()):
    if uuid.uuid5(ns, code).hex != mid:
        errors.append(f"{code}: {mid} is not uuid5(namespace, code)")
for code in sorted(emitted - table.keys()):
    errors.append(f"{code}: emitted by the plugin, no MESSAGE_ID")
if not emitted:
    errors.append("no dpc_check_add() call found: the pattern is stale")
if readme != table:
    errors.append("README's MESSAGE_ID table differs from dpc_msgid.c: "
                  f"{sorted(set(readme.items()) ^ set(table.items()))}")
for e in errors:
    print("FAIL", e)
print(f"msgid_check: {len(table)} ids, {len(emitted)} codes emitted, "
      f"{len(errors)} errors")
sys.exit(1 if errors else 0)
