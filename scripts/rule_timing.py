#!/usr/bin/env python3
"""Where check time goes, per rule and for building the document (developers' tool).

    .venv/bin/python scripts/rule_timing.py                  # ~3 MB of damaged clean prose
    .venv/bin/python scripts/rule_timing.py --clean-mb 6 --select ALL

Uses the texts of ``scripts/findings_snapshot.py`` (clean prose cut into ~3 KB
documents, with injected artifacts) and the default rules unless ``--select``.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clean-mb", type=float, default=3.0)
    ap.add_argument("--select", default="")
    args = ap.parse_args(argv)
    from findings_snapshot import texts

    from cleaner.engine import build_document, filter_findings, make_context, rules_for
    from cleaner.settings import Settings

    settings = Settings(select=tuple(args.select.split(","))) if args.select else Settings()
    items = [t for name, t in texts(args.clean_mb) if "#" in name]
    size = sum(len(t.encode()) for t in items) / 1e6
    rules = rules_for(settings)
    ctx = make_context(settings)
    spent: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    for text in items[:20]:                                   # warm-up: lazy patterns, data files
        doc = build_document(text, settings)
        ctx.facts, ctx.rules = {}, tuple(rules)
        for r in rules:
            list(r.check(doc, ctx))
    t0 = clock()
    for text in items:
        t = clock()
        doc = build_document(text, settings)
        spent["(document)"] += clock() - t
        ctx.facts, ctx.rules = {}, tuple(rules)
        raw = []
        for r in rules:
            t = clock()
            raw.extend(r.check(doc, ctx))
            spent[r.meta.code] += clock() - t
        t = clock()
        filter_findings(doc, raw)
        spent["(filter)"] += clock() - t
    total = clock() - t0
    print(f"{len(items)} documents, {size:.2f} MB: {total:.2f} s = {size / total:.2f} MB/s (check, in process)")
    for k, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {k:12} {v:6.3f} s  {100 * v / total:5.1f} %   alone {size / v if v else 0:8.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
