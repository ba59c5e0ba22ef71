#!/usr/bin/env python3
"""False alarms of selected rules on clean prose.

Splits each clean-corpus file into ~20 KB chunks (on paragraph boundaries; each
chunk is checked as one document, so document-level logic such as first-person
voice sees a realistic amount of text), runs the selected rules and prints
findings per 10,000 words, per file and per rule, with the context of each
finding.

usage: scripts/fa_rules.py [FILES...] [--select MT2] [--chunk 20000] [--contexts N]
       (default FILES: ../shared/corpus/clean/*.txt)
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def chunks(text: str, size: int):
    paras = text.split("\n\n")
    buf: list[str] = []
    n = 0
    for p in paras:
        buf.append(p)
        n += len(p) + 2
        if n >= size:
            yield "\n\n".join(buf)
            buf, n = [], 0
    if buf:
        yield "\n\n".join(buf)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--select", default="MT2", help="comma-separated rule codes or prefixes")
    ap.add_argument("--chunk", type=int, default=20000)
    ap.add_argument("--contexts", type=int, default=200, help="print at most this many contexts")
    ap.add_argument("--width", type=int, default=80)
    args = ap.parse_args(argv)

    from cleaner.engine import build_document, check_document, make_context, rules_for
    from cleaner.settings import Settings

    files = args.files or sorted(glob.glob(os.path.join(HERE, "..", "..", "shared", "corpus", "clean", "*.txt")))
    settings = Settings(select=tuple(s.strip() for s in args.select.split(",") if s.strip()))
    rules = rules_for(settings)
    ctx = make_context(settings)
    total_words = 0
    total = Counter()
    printed = 0
    t0 = time.perf_counter()
    nbytes = 0
    for path in files:
        text = open(path, encoding="utf-8").read()
        nbytes += len(text.encode("utf-8"))
        words = len(text.split())
        total_words += words
        per_rule = Counter()
        for chunk in chunks(text, args.chunk):
            doc = build_document(chunk, settings)
            for f in check_document(doc, rules, ctx, settings):
                per_rule[f.rule] += 1
                if printed < args.contexts:
                    printed += 1
                    w = args.width
                    left = chunk[max(0, f.start - w):f.start].replace("\n", " ")
                    right = chunk[f.end:f.end + w].replace("\n", " ")
                    fx = ""
                    if f.fix is not None:
                        fx = " => " + " | ".join(repr(e.replacement) for e in f.fix.edits)
                    print(f"{f.rule} {os.path.basename(path)}: …{left}[[{chunk[f.start:f.end]}]]{right}…{fx}")
        n = sum(per_rule.values())
        total += per_rule
        rate = n / words * 10000 if words else 0.0
        print(f"## {os.path.basename(path)}: {words} words, {n} findings, {rate:.3f}/10k  {dict(sorted(per_rule.items()))}")
    dt = time.perf_counter() - t0
    n = sum(total.values())
    print(f"## TOTAL: {total_words} words, {n} findings, {n / max(total_words, 1) * 10000:.3f}/10k words; "
          + ", ".join(f"{r} {c / max(total_words, 1) * 10000:.3f}" for r, c in sorted(total.items()))
          + f"  ({nbytes / 1e6 / dt:.2f} MB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
