#!/usr/bin/env python3
#
# Copyright (C) 2026 dataplane-check authors
#
# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License as published by the
# Free Software Foundation; either version 2 of the License, or (at your
# option) any later version.
#
"""Layering check of plugin/ and cli/.

Derives the include graph from the sources (#include "..." and <...> lines
that resolve to files of the tree, relative to the including file or to
plugin/, which is on the include path) and fails, naming file:line and both
layers, on an include that points up the layer order below, on any cycle
between folders, and on a narrow header that reaches, directly or through
other headers, a layer its interface does not need.

usage: check.py [TREE]    TREE: the source tree, default: this project's
exit status: 0 clean, 1 violations found, 2 usage error
"""

import os
import re
import sys

# The layers, top to bottom. A file may include files of its own layer and
# of every layer below it in this table. A row with a list of uses stands
# outside the order: it may include only the layers listed, and no other
# layer may include it. A folder holds its subfolders (facts/rtnl is facts),
# except the top row's: the wiring is the files directly in plugin/.
LAYERS = [
    # layer     folder            uses
    ("wiring",  "plugin",         None),
    ("engine",  "plugin/engine",  None),
    ("trace",   "plugin/trace",   None),
    ("checks",  "plugin/checks",  None),
    ("facts",   "plugin/facts",   None),
    ("sinks",   "plugin/sinks",   None),
    ("proto",   "plugin/proto",   None),
    ("model",   "plugin/model",   None),
    ("nfsim",   "plugin/nfsim",   None),
    ("cli",     "cli",            ("proto", "model")),
]

# headers that must stay narrow: what sources of change see (the bus
# listener's header) must not pull in what rounds read and report
NARROW = [
    # header                          layers it must not reach
    ("plugin/engine/dpc_listener.h",  ("trace", "proto")),
]

# folders searched for <...> and, after the including file's own folder,
# for "..." includes (the -I options of the build)
INCLUDE_PATH = ["plugin"]

SOURCE_DIRS = ["plugin", "cli"]

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(path):
    """Layer name of a file (path relative to the tree), None if unknown."""
    folder = os.path.dirname(path)
    best = None
    for name, top, _ in LAYERS:
        if top == LAYERS[0][1]:
            if folder == top:
                return name
        elif folder == top or folder.startswith(top + "/"):
            if best is None or len(top) > len(best[1]):
                best = (name, top)
    return best[0] if best else None


def forbidden(src, dst):
    """Why layer src may not include layer dst, None if it may."""
    rows = {name: (rank, uses) for rank, (name, _, uses) in enumerate(LAYERS)}
    rank, uses = rows[src]
    dst_rank, dst_uses = rows[dst]
    if src == dst:
        return None
    if uses is not None:
        if dst in uses:
            return None
        return "%s may include only %s" % (src, ", ".join(uses))
    if dst_uses is not None:
        return "no layer may include %s" % dst
    if dst_rank < rank:
        return "an include from a lower layer into a higher one"
    return None


def sources(tree):
    """All .c and .h files under the source folders, relative to tree."""
    found = []
    for top in SOURCE_DIRS:
        for root, dirs, files in os.walk(os.path.join(tree, top)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    found.append(os.path.relpath(os.path.join(root, f), tree))
    return found


def resolve(tree, includer, kind, name):
    """The tree's file an include names (relative to tree), or None."""
    bases = [] if kind == "<" else [os.path.dirname(includer)]
    for base in bases + INCLUDE_PATH:
        path = os.path.normpath(os.path.join(base, name))
        if not path.startswith("..") and os.path.isfile(
                os.path.join(tree, path)):
            return path
    return None


def includes(tree, files):
    """Yield (file, line number, included file) for every project include."""
    for path in files:
        with open(os.path.join(tree, path), encoding="utf-8",
                  errors="replace") as f:
            for num, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if m:
                    target = resolve(tree, path, m.group(1), m.group(2))
                    if target:
                        yield path, num, target


def find_cycles(edges):
    """Folder cycles: lists of folders, each followed by the first again.

    edges maps (from folder, to folder) to the first include seen.
    """
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    # Tarjan's strongly connected components
    index, low, stack, on_stack, sccs = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [shortest_cycle(graph, scc) for scc in sorted(sccs)]


def shortest_cycle(graph, scc):
    """A shortest cycle through the first folder of a component."""
    start = scc[0]
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w in scc and w not in prev:
                prev[w] = v
                queue.append(w)
    return [start, start]


def reaches(graph, header, banned):
    """First include of header that leads into a banned layer, as
    (line, the banned file, the chain of files to it), or None."""
    for num, target in graph.get(header, []):
        seen = {header}
        stack = [(target, [target])]
        while stack:
            path, chain = stack.pop()
            if layer_of(path) in banned:
                return num, path, chain
            if path in seen:
                continue
            seen.add(path)
            for _, nxt in reversed(graph.get(path, [])):
                stack.append((nxt, chain + [nxt]))
    return None


def check(tree):
    """Print the violations in tree, return their number."""
    files = sources(tree)
    problems = []
    edges = {}
    graph = {}
    for path in files:
        if layer_of(path) is None:
            problems.append("%s: folder %s is not in the layer table" %
                            (path, os.path.dirname(path)))
    for path, num, target in includes(tree, files):
        graph.setdefault(path, []).append((num, target))
        src, dst = layer_of(path), layer_of(target)
        why = forbidden(src, dst) if src and dst else None
        if why:
            problems.append("%s:%d: %s includes %s (%s): %s" %
                            (path, num, src, dst, target, why))
        a, b = os.path.dirname(path), os.path.dirname(target)
        if a != b:
            edges.setdefault((a, b), "%s:%d includes %s" % (path, num, target))
    for header, banned in NARROW:
        found = reaches(graph, header, banned)
        if found:
            num, target, chain = found
            problems.append("%s:%d: %s header reaches %s (%s): it must not "
                            "pull in %s" % (header, num, layer_of(header),
                                            layer_of(target), " -> ".join(chain),
                                            ", ".join(banned)))
    for cycle in find_cycles(edges):
        problems.append("cycle between folders %s: %s" % (
            " -> ".join(cycle),
            "; ".join(edges[(a, b)] for a, b in zip(cycle, cycle[1:]))))
    for p in problems:
        print(p)
    return len(problems)


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        sys.stderr.write("usage: %s [TREE]\n" % argv[0])
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    tree = argv[1] if len(argv) == 2 else os.path.join(here, "..", "..")
    if not os.path.isdir(os.path.join(tree, "plugin")):
        sys.stderr.write("%s: no plugin/ in %s\n" % (argv[0], tree))
        return 2
    count = check(tree)
    if count:
        print("layering: %d violation%s in %s" %
              (count, "" if count == 1 else "s", os.path.normpath(tree)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
