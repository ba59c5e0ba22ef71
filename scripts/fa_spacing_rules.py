#!/usr/bin/env python3
"""False alarms of the spacing / glued-sentence / duplicated-word rules on clean prose.

Checks each clean-corpus file in ~20 KB chunks (split on paragraph boundaries;
each chunk is one document, so document-level evidence such as "this name is used
twice" sees a realistic amount of text), runs only the selected rules, and prints
every finding with its context, then findings per 10,000 words per rule and per
file, and the throughput.

usage: .venv/bin/python scripts/fa_spacing_rules.py [FILES...]
           [--select MT103,MT104,MT105,MT106,MT107,MT108] [--chunk 20000]
           [--contexts N] [--default-only] [--max-rate 0.3]
       (default FILES: ../shared/corpus/clean/*.txt)

Exit status 1 when --max-rate is given and the default-on rules together exceed it.
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

CODES = "MT103,MT104,MT105,MT106,MT107,MT108"


def chunks(text: str, size: int):
    buf: list[str] = []
    n = 0
    for p in text.split("\n\n"):
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
    ap.add_argument("--select", default=CODES, help="comma-separated rule codes")
    ap.add_argument("--chunk", type=int, default=20000)
    ap.add_argument("--contexts", type=int, default=300, help="print at most this many contexts")
    ap.add_argument("--width", type=int, default=60)
    ap.add_argument("--default-only", action="store_true", help="only rules that are on by default")
    ap.add_argument("--max-rate", type=float, help="fail when default-on rules exceed this rate per 10k words")
    args = ap.parse_args(argv)

    from cleaner.engine import build_document, check_document, make_context, rules_for
    from cleaner.registry import all_rules
    from cleaner.settings import Settings

    files = args.files or sorted(glob.glob(os.path.join(HERE, "..", "..", "shared", "corpus", "clean", "*.txt")))
    codes = [c.strip() for c in args.select.split(",") if c.strip()]
    known = all_rules()
    defaults = {c for c in codes if c in known and known[c].meta.default}
    if args.default_only:
        codes = [c for c in codes if c in defaults]
    settings = Settings(select=tuple(codes))
    rules = rules_for(settings)
    ctx = make_context(settings)
    total_words = 0
    total: Counter[str] = Counter()
    per_file: dict[str, Counter[str]] = {}
    words_per_file: dict[str, int] = {}
    printed = 0
    nbytes = 0
    t0 = time.perf_counter()
    for path in files:
        text = open(path, encoding="utf-8", errors="replace").read()
        name = os.path.basename(path)
        nbytes += len(text.encode("utf-8"))
        words = len(text.split())
        words_per_file[name] = words
        total_words += words
        counts: Counter[str] = Counter()
        for chunk in chunks(text, args.chunk):
            doc = build_document(chunk, settings)
            for f in check_document(doc, rules, ctx, settings):
                counts[f.rule] += 1
                if printed < args.contexts:
                    printed += 1
                    w = args.width
                    left = chunk[max(0, f.start - w):f.start].replace("\n", "⏎")
                    right = chunk[f.end:f.end + w].replace("\n", "⏎")
                    fx = ""
                    if f.fix is not None:
                        fx = "  => " + " | ".join(repr(e.replacement) for e in f.fix.edits)
                    print(f"{f.rule} {name}: …{left}[[{chunk[f.start:f.end]}]]{right}…{fx}")
        per_file[name] = counts
        total.update(counts)
    dt = time.perf_counter() - t0

    def rate(n: int, words: int) -> float:
        return 10000.0 * n / words if words else 0.0

    print()
    print(f"{'rule':8} {'default':8} {'findings':>9} {'per 10k words':>14}")
    for c in codes:
        print(f"{c:8} {'on' if c in defaults else 'off':8} {total[c]:9d} {rate(total[c], total_words):14.3f}")
    on = sum(total[c] for c in codes if c in defaults)
    print(f"{'default-on total':17} {on:9d} {rate(on, total_words):14.3f}")
    print()
    for name, counts in per_file.items():
        row = " ".join(f"{c}={counts[c]}" for c in codes if counts[c])
        print(f"{name:14} {words_per_file[name]:9d} words  {rate(sum(counts.values()), words_per_file[name]):7.3f}/10k  {row}")
    print(f"\n{total_words} words, {nbytes / 1e6:.1f} MB in {dt:.1f} s ({nbytes / 1e6 / dt:.1f} MB/s, "
          f"{len(rules)} rules incl. document building)")
    if args.max_rate is not None and rate(on, total_words) > args.max_rate:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
