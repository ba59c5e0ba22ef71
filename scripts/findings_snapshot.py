#!/usr/bin/env python3
"""A snapshot of everything the rules say about a fixed set of texts, to prove that
a speed-up changed nothing (a differential check, for developers).

    .venv/bin/python scripts/findings_snapshot.py --save /tmp/before.jsonl
    ... optimise a rule ...
    .venv/bin/python scripts/findings_snapshot.py --compare /tmp/before.jsonl
    .venv/bin/python scripts/findings_snapshot.py --compare /tmp/before.jsonl --rules MT101,MT102

The texts: the dev set and the project corpus (``corpus/*.jsonl``), the seed
article, and ``--clean-mb`` megabytes of ``../shared/corpus/clean/`` cut into
documents of about 3 KB, each damaged with a few injected artifacts (glued words,
stray periods) so that fixes run too.  For each text it records every finding of
every rule (``--select``, default ``ALL``: code, span, message, confidence,
severity, fix applicability and edits), and the text after safe and after unsafe
fixes.  ``--compare`` prints the first differences per rule and exits 1 if any.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

_GLUE = re.compile(r"\b([a-z]{4,}) (which|that|and|the|but|when|where|while|because|after|before|with|killing)\b")
_STRAY = re.compile(r"\b([a-z]{4,}) ([a-z]{3,})\b")


def texts(clean_mb: float) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in [SHARED / "corpus" / "dev.jsonl", *sorted((ROOT / "corpus").glob("*.jsonl"))]:
        if f.exists():
            for i, line in enumerate(f.read_text("utf-8").splitlines()):
                if line.strip():
                    item = json.loads(line)
                    t = item.get("text") or item.get("input")
                    if isinstance(t, str):
                        out.append((f"{f.name}:{i + 1}", t))
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        out.append((f.name, f.read_text("utf-8")))
    rng = random.Random(7)
    budget = int(clean_mb * 1e6)
    for f in sorted((SHARED / "corpus" / "clean").glob("*.txt")):
        paras = [p for p in f.read_text("utf-8").split("\n\n") if p.strip()]
        doc: list[str] = []
        size = 0
        taken = 0
        for p in paras:
            doc.append(p)
            size += len(p)
            if size > 3000:
                t = "\n\n".join(doc)
                out.append((f"{f.name}#{len(out)}", _damage(t, rng)))
                taken += len(t)
                doc, size = [], 0
                if taken > budget / 6:
                    break
    return out


def _damage(text: str, rng: random.Random) -> str:
    for pat, repl in ((_GLUE, r"\1\2"), (_STRAY, r"\1. \2")):
        ms = list(pat.finditer(text))
        for m in rng.sample(ms, min(2, len(ms)))[::-1] if ms else ():
            text = text[:m.start()] + m.expand(repl) + text[m.end():]
            break
    return text


def snapshot(items, settings, rules_filter) -> list[dict]:
    from cleaner.engine import check
    from cleaner.fixer import fix

    rows = []
    for name, text in items:
        found = check(text, settings)
        fs = [[f.rule, f.span.start, f.span.end, f.message, round(f.confidence, 4), f.severity,
               f.fix and f.fix.applicability.name, f.fix and [[e.span.start, e.span.end, e.replacement] for e in f.fix.edits]]
              for f in found if not rules_filter or f.rule in rules_filter]
        row = {"name": name, "findings": fs}
        if not rules_filter:
            row["safe"] = fix(text, False, settings).text
            row["unsafe"] = fix(text, True, settings).text
        rows.append(row)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path)
    g.add_argument("--compare", type=Path)
    ap.add_argument("--clean-mb", type=float, default=3.0)
    ap.add_argument("--select", default="ALL", help="rule selectors, comma-separated (default ALL)")
    ap.add_argument("--rules", default="", help="compare only these rules' findings (skips the fixed texts)")
    ap.add_argument("--limit", type=int, default=5, help="differences shown per rule")
    args = ap.parse_args(argv)
    from cleaner.settings import Settings

    settings = Settings(select=tuple(s.strip() for s in args.select.split(",") if s.strip()))
    rules_filter = {r.strip() for r in args.rules.split(",") if r.strip()}
    items = texts(args.clean_mb)
    t = time.perf_counter()
    rows = snapshot(items, settings, rules_filter)
    dt = time.perf_counter() - t
    size = sum(len(x[1].encode()) for x in items) / 1e6
    print(f"{len(items)} texts, {size:.1f} MB, {sum(len(r['findings']) for r in rows)} findings, {dt:.1f} s",
          file=sys.stderr)
    if args.save:
        with args.save.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    old = [json.loads(line) for line in args.compare.read_text("utf-8").splitlines()]
    if [r["name"] for r in old] != [r["name"] for r in rows]:
        print("the snapshot was taken on other texts (different --clean-mb?)")
        return 2
    shown: dict[str, int] = {}
    bad = 0
    for a, b in zip(old, rows):
        fa = [f for f in a["findings"] if not rules_filter or f[0] in rules_filter]
        if fa != b["findings"]:
            sa, sb = {json.dumps(f) for f in fa}, {json.dumps(f) for f in b["findings"]}
            for tag, diff in (("-", sa - sb), ("+", sb - sa)):
                for d in sorted(diff):
                    rule = json.loads(d)[0]
                    bad += 1
                    if shown.get(rule, 0) < args.limit:
                        shown[rule] = shown.get(rule, 0) + 1
                        print(f"{tag} {a['name']}: {d[:300]}")
        for key in ("safe", "unsafe"):
            if not rules_filter and a.get(key) != b.get(key):
                bad += 1
                print(f"! {a['name']}: the {key}-fixed text differs")
    print(f"{bad} difference(s)" if bad else "identical", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
