#!/usr/bin/env python3
"""Turn metrics files the plugin wrote into promtool input_series.

Usage: prom2series.py [--interval SECONDS] [--job JOB] PHASE...

PHASE is INSTANCE:MODE:STEPS[:FILE]; the phases of one instance follow each
other on promtool's clock, which starts at 0 and advances by --interval
(60 s) a step. Every series gets the labels node_exporter's scrape adds,
instance=INSTANCE and job=JOB ("node"). MODE says what happened to the file
for STEPS steps:

  live    the plugin kept rewriting FILE with the same samples after every
          round: each step has FILE's samples, and
          dataplane_check_last_round_timestamp_seconds moves with the clock,
          keeping the age it had when FILE was copied (the copy's mtime minus
          the timestamp in it)
  frozen  FILE stayed where it was and nothing rewrote it (charon stopped):
          node_exporter keeps serving the same samples, the timestamp too
  gone    no file: the instance's series end with a staleness marker, as
          Prometheus writes one when a scraped series disappears

Prints a JSON list of {series, values}, which YAML reads as it is, for the
input_series of a `promtool test rules` file. A series missing from a step's
file is "_" (no sample) there.
"""

import argparse
import json
import math
import os
import re
import sys

TIMESTAMP = "dataplane_check_last_round_timestamp_seconds"
NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


class ParseError(Exception):
    pass


def parse_labels(text, pos, where):
    """Parse {a="b",...} starting at text[pos] == '{'; returns (labels, pos)."""
    labels = {}
    pos += 1
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == "}":
            return labels, pos + 1
        m = LABEL.match(text, pos)
        if not m or text[m.end():m.end() + 2] != '="':
            raise ParseError("%s: bad label at column %d" % (where, pos + 1))
        name, pos = m.group(0), m.end() + 2
        value = []
        while True:
            if pos >= len(text):
                raise ParseError("%s: unterminated label value" % where)
            c = text[pos]
            if c == "\\":
                esc = text[pos + 1:pos + 2]
                if esc not in ('\\', '"', 'n'):
                    raise ParseError("%s: bad escape \\%s" % (where, esc))
                value.append("\n" if esc == "n" else esc)
                pos += 2
            elif c == '"':
                pos += 1
                break
            else:
                value.append(c)
                pos += 1
        if name in labels:
            raise ParseError("%s: label %s twice" % (where, name))
        labels[name] = "".join(value)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos >= len(text) or text[pos] != "}":
            raise ParseError("%s: expected , or } at column %d" % (where, pos + 1))


def parse_file(path):
    """Samples of a text-format file: {(name, labels tuple): float}."""
    samples = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = "%s:%d" % (path, n)
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            m = NAME.match(line)
            if not m:
                raise ParseError("%s: no metric name" % where)
            name, pos, labels = m.group(0), m.end(), {}
            if line[pos:pos + 1] == "{":
                labels, pos = parse_labels(line, pos, where)
            fields = line[pos:].split()
            if len(fields) not in (1, 2):
                raise ParseError("%s: expected a value (and a timestamp)" % where)
            try:
                value = float(fields[0])
            except ValueError:
                raise ParseError("%s: bad value %r" % (where, fields[0]))
            key = (name, tuple(sorted((k, v) for k, v in labels.items() if v != "")))
            if key in samples:
                raise ParseError("%s: duplicate series %s" % (where, name))
            samples[key] = value
    if not samples:
        raise ParseError("%s: no samples" % path)
    return samples


def series_string(name, labels):
    def esc(v):
        return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    inner = ",".join('%s="%s"' % (k, esc(v)) for k, v in sorted(labels))
    return "%s{%s}" % (name, inner)


def fmt(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--interval", type=int, default=60)
    ap.add_argument("--job", default="node")
    ap.add_argument("phases", nargs="+", metavar="PHASE")
    args = ap.parse_args()

    # per instance: list of (mode, steps, samples, age)
    plan = {}
    for spec in args.phases:
        parts = spec.split(":", 3)
        if len(parts) < 3 or parts[1] not in ("live", "frozen", "gone"):
            ap.error("bad phase %r (INSTANCE:live|frozen|gone:STEPS[:FILE])" % spec)
        inst, mode = parts[0], parts[1]
        try:
            steps = int(parts[2])
        except ValueError:
            ap.error("bad step count in %r" % spec)
        samples, age = None, 0.0
        if mode != "gone":
            if len(parts) < 4:
                ap.error("phase %r needs a FILE" % spec)
            samples = parse_file(parts[3])
            stamp = [v for (n, _), v in samples.items() if n == TIMESTAMP]
            if len(stamp) != 1:
                raise ParseError("%s: %d %s samples, want 1" % (parts[3], len(stamp), TIMESTAMP))
            age = os.stat(parts[3]).st_mtime - stamp[0]
        plan.setdefault(inst, []).append((mode, steps, samples, age))

    out = []
    for inst, phases in plan.items():
        keys = []
        for _, _, samples, _ in phases:
            for key in samples or {}:
                if key not in keys:
                    keys.append(key)
        for name, labels in keys:
            values, step, present = [], 0, False
            for mode, steps, samples, age in phases:
                start = step * args.interval
                for i in range(steps):
                    t = (step + i) * args.interval
                    if mode == "gone" or (name, labels) not in samples:
                        # the first missing sample of a scraped series is
                        # a staleness marker
                        values.append("stale" if present else "_")
                        present = False
                        continue
                    v = samples[(name, labels)]
                    if name == TIMESTAMP:
                        v = (t if mode == "live" else start) - age
                    values.append(fmt(v))
                    present = True
                step += steps
            full = labels + (("instance", inst), ("job", args.job))
            out.append({"series": series_string(name, full),
                        "values": " ".join(values)})
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    try:
        main()
    except (ParseError, OSError) as e:
        sys.exit("prom2series: %s" % e)
