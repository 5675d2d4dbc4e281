#!/usr/bin/env python3
"""Check the Prometheus rules and the Grafana dashboard against the plugin.

Usage: check_contrib.py METRICS_C RULES DASHBOARD PROMTOOL

  - the rules pass `promtool check rules`
  - the dashboard is valid JSON with panels, each with at least one query
  - every query of the dashboard is valid PromQL (Grafana's variables
    replaced, handed to `promtool check rules` as recording rules)
  - every dataplane_check_* metric and every label the rules and the
    dashboard use (selectors, by/without, $labels.X, {{X}}) is one the
    plugin writes (METRICS_C, plugin/sinks/dpc_metrics.c) or one the scrape
    adds (instance, job)
  - every $variable a query uses is defined in the dashboard

Prints one line per failure and exits 1 if any.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

SCRAPE_LABELS = {"instance", "job"}
# label names PromQL itself or Grafana give meaning to
OTHER_LABELS = {"__name__"}
GRAFANA_VARS = {"__rate_interval": "5m", "__interval": "1m", "__range": "1h"}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def plugin_names(path):
    """Metric names and label names written by the metrics sink."""
    src = open(path, encoding="utf-8").read()
    prefix = re.search(r'#define PREFIX "(\w+)"', src).group(1)
    fams = set(re.findall(r'out_family\(&?o, "(\w+)"', src))
    fams |= set(re.findall(r'"(\w+_total)"', src))
    labels = set(re.findall(r'out_label\(o, (?:true|false), "(\w+)"', src))
    labels |= set(re.findall(r'out_label_id\(o, "(\w+)"', src))
    if not fams or not labels:
        fail("%s: no metric or label names found" % path)
    return {prefix + f for f in fams}, labels


def used_names(expr):
    """(metrics, labels) a PromQL expression or template names."""
    metrics = set(re.findall(r"\bdataplane_check_\w+", expr))
    labels = set()
    for sel in re.findall(r"\{([^{}]*)\}", expr):
        labels |= set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", sel))
    for grp in re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        labels |= {x.strip() for x in grp.split(",") if x.strip()}
    return metrics, labels


def template_labels(text):
    """Labels a Prometheus alert template refers to ($labels.X)."""
    return set(re.findall(r"\$labels\.(\w+)", text))


def legend_labels(text):
    """Labels a Grafana legend refers to ({{X}})."""
    return set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text))


def check_names(where, metrics, labels, known_metrics, known_labels):
    for m in sorted(metrics - known_metrics):
        fail("%s: metric %s is not written by the plugin" % (where, m))
    for l in sorted(labels - known_labels):
        fail("%s: label %s is neither the plugin's nor the scrape's" % (where, l))


def promtool_check(promtool, path, what):
    r = subprocess.run([promtool, "check", "rules", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        fail("%s: promtool check rules: %s" % (what, r.stdout.strip().replace("\n", " | ")))
    return r.returncode == 0


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    metrics_c, rules_path, dash_path, promtool = sys.argv[1:]
    known_metrics, plugin_labels = plugin_names(metrics_c)
    known_labels = plugin_labels | SCRAPE_LABELS | OTHER_LABELS

    # the rules
    promtool_check(promtool, rules_path, rules_path)
    try:
        rules = yaml.safe_load(open(rules_path, encoding="utf-8"))
        items = [r for g in rules["groups"] for r in g["rules"]]
    except (yaml.YAMLError, KeyError, TypeError) as e:
        fail("%s: not a rules file: %s" % (rules_path, e))
        items = []
    alerts = [r for r in items if "alert" in r]
    if not alerts:
        fail("%s: no alerts" % rules_path)
    for r in alerts:
        where = "%s: %s" % (rules_path, r["alert"])
        metrics, labels = used_names(r.get("expr", ""))
        if not metrics:
            fail("%s: uses no dataplane_check_* metric" % where)
        for text in list(r.get("annotations", {}).values()) + list(r.get("labels", {}).values()):
            labels |= template_labels(str(text))
        check_names(where, metrics, labels, known_metrics, known_labels)

    # the dashboard
    try:
        dash = json.load(open(dash_path, encoding="utf-8"))
    except ValueError as e:
        fail("%s: not valid JSON: %s" % (dash_path, e))
        return
    defined = {v.get("name") for v in dash.get("templating", {}).get("list", [])}
    panels = dash.get("panels") or []
    if not dash.get("title") or not dash.get("uid") or not panels:
        fail("%s: no title, uid or panels" % dash_path)
    exprs = []
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        if v.get("type") == "query":
            q = q.get("query") if isinstance(q, dict) else q
            m = re.match(r"label_values\((.*),\s*(\w+)\)$", q or "")
            if not m:
                fail("%s: variable %s: not label_values(SELECTOR, LABEL)" % (dash_path, v.get("name")))
                continue
            exprs.append(("variable " + v["name"], m.group(1), {m.group(2)}))
    for p in panels:
        targets = p.get("targets") or []
        if not targets:
            fail("%s: panel %r has no query" % (dash_path, p.get("title")))
        for t in targets:
            exprs.append(("panel %r" % p.get("title"), t.get("expr", ""),
                          legend_labels(t.get("legendFormat", ""))))
    recording = []
    for i, (where, expr, extra) in enumerate(exprs):
        where = "%s: %s" % (dash_path, where)
        if not expr.strip():
            fail("%s: empty query" % where)
            continue
        metrics, labels = used_names(expr)
        if not metrics:
            fail("%s: uses no dataplane_check_* metric" % where)
        labels |= extra
        check_names(where, metrics, labels, known_metrics, known_labels)
        for var in set(re.findall(r"\$\{?(\w+)", expr)):
            if var not in defined and var not in GRAFANA_VARS:
                fail("%s: variable $%s is not defined" % (where, var))
        promql = expr
        for var, val in GRAFANA_VARS.items():
            promql = promql.replace("$" + var, val)
        promql = re.sub(r"\$\{?\w+\}?", ".*", promql)
        recording.append({"record": "dashboard:query_%d" % i, "expr": promql})
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": recording}]}, f)
    try:
        promtool_check(promtool, f.name, dash_path + " queries")
    finally:
        os.unlink(f.name)
    if not failures:
        print("ok: %d alerts, %d dashboard queries in %d panels; metrics and labels all the plugin's"
              % (len(alerts), len(exprs), len(panels)))


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
