#!/usr/bin/env python3
"""Measure false alarms: findings per 10,000 words on clean, professionally
edited prose (every finding there is a false alarm).

usage: scripts/false_alarms.py [FILES...] [--select MT1,MT2] [--show N] [--chunk BYTES] [--json OUT]

Examples:
  scripts/false_alarms.py                       # every default rule, all clean files
  scripts/false_alarms.py --select MT2 --show 20  # pronoun rules, with contexts
  scripts/false_alarms.py --select MT3,MT4        # calque and boilerplate rules

Default files: ../shared/corpus/clean/*.txt.  Each file is cut into documents of
about 20 KB at paragraph boundaries (long books are not one document).
"""
from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import sys
import time

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from cleaner.engine import check  # noqa: E402
from cleaner.settings import Settings  # noqa: E402


def documents(text: str, size: int = 20000):
    buf, n = [], 0
    for para in text.split("\n\n"):
        buf.append(para)
        n += len(para)
        if n >= size:
            yield "\n\n".join(buf)
            buf, n = [], 0
    if buf:
        yield "\n\n".join(buf)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--select", help="comma-separated rule codes or prefixes (default: the default rule set)")
    ap.add_argument("--show", type=int, default=0, help="print up to N findings per rule with context")
    ap.add_argument("--extend-rules", action="append", default=[], metavar="PATH",
                    help="also load user rule packs from PATH (file or directory)")
    ap.add_argument("--chunk", type=int, default=20000, help="document size in characters (default 20000)")
    ap.add_argument("--json", help="write the figures as JSON here")
    a = ap.parse_args()
    files = a.files or sorted(glob.glob(os.path.join(HERE, "..", "..", "shared", "corpus", "clean", "*.txt")))
    from pathlib import Path

    extra = tuple(Path(p) for p in a.extend_rules)
    settings = (Settings(select=tuple(a.select.split(",")), extend_rules=extra) if a.select
                else Settings(extend_rules=extra))
    per_rule: collections.Counter = collections.Counter()
    per_file: dict[str, dict] = {}
    shown: collections.Counter = collections.Counter()
    words_total = 0
    t0 = time.perf_counter()
    nbytes = 0
    for path in files:
        text = open(path, encoding="utf-8").read()
        nbytes += len(text.encode("utf-8"))
        words = len(regex.findall(r"\w+", text))
        words_total += words
        n = 0
        for doc in documents(text, a.chunk):
            for f in check(doc, settings):
                n += 1
                per_rule[f.rule] += 1
                if shown[f.rule] < a.show:
                    shown[f.rule] += 1
                    s, e = f.span.start, f.span.end
                    ctx = doc[max(0, s - 50):s] + "[[" + doc[s:e] + "]]" + doc[e:e + 40]
                    print(f"{os.path.basename(path)} {f.rule}: {ctx!r}")
        per_file[os.path.basename(path)] = {"words": words, "findings": n, "per_10k": round(n / words * 1e4, 3)}
    elapsed = time.perf_counter() - t0
    total = sum(per_rule.values())
    out = {
        "words": words_total, "findings": total, "per_10k_words": round(total / max(words_total, 1) * 1e4, 3),
        "per_rule_per_10k": {r: round(c / words_total * 1e4, 3) for r, c in sorted(per_rule.items())},
        "per_rule": dict(sorted(per_rule.items())), "per_file": per_file,
        "mb_per_s": round(nbytes / elapsed / 1e6, 2),
    }
    print(json.dumps(out, indent=1))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
