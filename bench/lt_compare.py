#!/usr/bin/env python3
"""mtclean and LanguageTool, measured on the same annotated text.

For the seed article (``bench/data/seed_gold.jsonl``, the seed annotated by hand in the
corpus format) and the development corpus (``../shared/corpus/dev.jsonl``) this reports
detection precision, recall and F0.5 — scored exactly like ``../shared/tools/score.py``
(its ``gold_edits``, ``near`` and ``f05`` are imported from it) — for:

* **LanguageTool as shipped**: LanguageTool's default rules on the whole text,
  quoted speech included (what an editor running LanguageTool directly gets);
* **LanguageTool in mtclean**: the same server through mtclean — prose only, quoted
  speech never sent, the journalism default-off list applied (``LT`` findings only);
* **mtclean**: mtclean's own rules (default selection);
* **mtclean + LanguageTool**: ``mtclean check --languagetool URL`` (merged, deduped);

plus the findings each puts inside quoted speech, recall per artifact kind, and the
throughput of each on the same text (characters and words per wall-clock second, and
per CPU-second counting this process and the local LanguageTool server's — the figure
a busy machine distorts least; best of ``--repeat`` runs after a warm-up; LanguageTool
over HTTP to a local server).

usage: .venv/bin/python bench/lt_compare.py [--lt-url http://127.0.0.1:8081] [--repeat 3]
                                            [--corpus FILE.jsonl ...] [--json OUT]
The server must be running (``scripts/languagetool-server start``).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SCORE = ROOT.parent / "shared" / "tools" / "score.py"
DEFAULT_CORPORA = [ROOT / "bench" / "data" / "seed_gold.jsonl", ROOT.parent / "shared" / "corpus" / "dev.jsonl"]


def load_score(path: Path):
    spec = importlib.util.spec_from_file_location("mtclean_outside_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------- the four systems

class Systems:
    def __init__(self, url: str):
        import language_tool_python as ltp

        from cleaner import languagetool as lt
        from cleaner.settings import Settings

        self.lt = lt
        self.url = url
        self.mt_settings = Settings()
        self.lt_settings = Settings(select=("LT",), languagetool=url)
        self.both_settings = Settings(languagetool=url)
        self.raw_tool = ltp.LanguageTool("en-US", remote_server=url)
        self.client = lt.client_for(url, "en-US", self.lt_settings)

    # each returns, per text, a list of (start, end, rule)
    def lt_raw(self, texts):
        out = []
        for t in texts:
            out.append([(m.offset, m.offset + m.error_length, "LT:" + m.rule_id) for m in self.raw_tool.check(t)])
        return out

    def _lt_via(self, texts, settings):
        from cleaner.engine import build_document

        docs = [build_document(t, settings) for t in texts]
        res = self.lt.check_documents(docs, self.client)
        if res.problem:
            raise SystemExit(f"LanguageTool failed: {res.problem}")
        return docs, [self.lt.lt_findings(d, raw, settings) for d, raw in zip(docs, res.findings)]

    def lt_mtclean(self, texts):
        _docs, found = self._lt_via(texts, self.lt_settings)
        return [[(f.start, f.end, f.rule) for f in fs] for fs in found]

    def mtclean(self, texts):
        from cleaner.engine import check

        return [[(f.start, f.end, f.rule) for f in check(t, self.mt_settings)] for t in texts]

    def both(self, texts):
        from cleaner.engine import check

        mt = [check(t, self.both_settings) for t in texts]
        _docs, found = self._lt_via(texts, self.both_settings)
        return [[(f.start, f.end, f.rule) for f in self.lt.merge(m, l)] for m, l in zip(mt, found)]


SYSTEMS = [
    ("LanguageTool as shipped", "lt_raw"),
    ("LanguageTool in mtclean", "lt_mtclean"),
    ("mtclean", "mtclean"),
    ("mtclean + LanguageTool", "both"),
]


# --------------------------------------------------------------------------- scoring (score.py's logic)

def score(items, found, sc):
    tp = fp = req = in_quotes = 0
    kind_req: Counter = Counter()
    kind_hit: Counter = Counter()
    fp_rules: Counter = Counter()
    for item, fs in zip(items, found):
        gold = sc.gold_edits(item)
        qspans = sc.quoted_spans(item["text"])
        hit = set()
        for s, e, rule in fs:
            match = [k for k, g in enumerate(gold) if sc.near(s, e, g["start"], g["end"])]
            if match:
                hit.update(match)
            else:
                fp += 1
                fp_rules[rule] += 1
            if any(q0 < e and s < q1 for q0, q1 in qspans):
                in_quotes += 1
        for k, g in enumerate(gold):
            if g["required"]:
                req += 1
                kind_req[g["kind"]] += 1
                if k in hit:
                    tp += 1
                    kind_hit[g["kind"]] += 1
    p, r, f = sc.f05(tp, fp, req - tp)
    return dict(tp=tp, fp=fp, required=req, precision=p, recall=r, f05=f, in_quotes=in_quotes,
                kind_req=dict(kind_req), kind_hit=dict(kind_hit), fp_rules=dict(fp_rules.most_common(8)))


def server_process(url: str):
    """The local process serving ``url`` (psutil), to count its CPU time; None if unknown."""
    try:
        import psutil
        from urllib.parse import urlparse

        port = urlparse(url).port
        for c in psutil.net_connections(kind="tcp"):
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid:
                return psutil.Process(c.pid)
    except Exception:
        return None
    return None


def _cpu(proc) -> float:
    own = time.process_time()
    if proc is None:
        return own
    try:
        c = proc.cpu_times()
        return own + c.user + c.system
    except Exception:
        return own


def throughput(fns: dict, texts, repeat: int, server=None) -> dict:
    """Best-of-``repeat`` wall time and mean CPU time (this process plus the LanguageTool
    server's, which is what a loaded machine cannot distort much) of each system on
    ``texts``; runs are interleaved so that every system sees the same warm server."""
    chars = sum(len(t) for t in texts)
    words = sum(len(t.split()) for t in texts)
    best = {k: float("inf") for k in fns}
    cpu = {k: 0.0 for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            c0, t0 = _cpu(server), time.perf_counter()
            fn(texts)
            best[k] = min(best[k], time.perf_counter() - t0)
            cpu[k] += _cpu(server) - c0
    # CPU time is summed over the runs (the server's is counted in 10 ms ticks)
    return {k: dict(seconds=b, cpu_seconds=cpu[k] / repeat, chars=chars, words=words, chars_per_s=chars / b,
                    words_per_s=words / b, chars_per_cpu_s=chars * repeat / max(cpu[k], 1e-3))
            for k, b in best.items()}


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lt-url", default=os.environ.get("MTCLEAN_LT_URL") or "http://127.0.0.1:8081")
    ap.add_argument("--corpus", nargs="*", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--score", type=Path, default=DEFAULT_SCORE, help="path of shared/tools/score.py")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()

    sc = load_score(a.score)
    systems = Systems(a.lt_url)
    results: dict = {"lt_url": a.lt_url, "corpora": {}}
    lines: list[str] = []
    all_items: list[dict] = []
    per_system_found: dict[str, list] = defaultdict(list)
    server = server_process(a.lt_url)
    if server is None:
        print("(LanguageTool server process not found: CPU time counts this process only)", file=sys.stderr)
    corpora = [(path, load_items(path)) for path in a.corpus]
    # warm-up: every system once over everything (lexicon, server JIT, connections)
    everything = [it["text"] for _p, items in corpora for it in items]
    for _label, attr in SYSTEMS:
        getattr(systems, attr)(everything)
    for path, items in corpora:
        all_items += items
        texts = [it["text"] for it in items]
        name = path.name
        block = {}
        n_req = sum(g["required"] for it in items for g in sc.gold_edits(it))
        lines.append(f"\n### {name}: {len(items)} item(s), {sum(len(t) for t in texts):,} characters, "
                     f"{n_req} required edits\n")
        lines.append("| system | precision | recall | F0.5 | TP | FP | findings in quotes | chars/s | words/s "
                     "| chars per CPU-second |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        speeds = throughput({label: getattr(systems, attr) for label, attr in SYSTEMS}, texts, a.repeat, server)
        for label, attr in SYSTEMS:
            found = getattr(systems, attr)(texts)
            per_system_found[label] += found
            s = score(items, found, sc)
            tp = speeds[label]
            block[label] = dict(score=s, throughput=tp)
            lines.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f05']:.3f} | {s['tp']} | "
                         f"{s['fp']} | {s['in_quotes']} | {tp['chars_per_s']:,.0f} | {tp['words_per_s']:,.0f} | "
                         f"{tp['chars_per_cpu_s']:,.0f} |")
        results["corpora"][name] = block

    # recall by artifact kind over all corpora
    by_sys = {label: score(all_items, per_system_found[label], sc) for label, _attr in SYSTEMS}
    lines.append("\n### Recall by artifact kind (all corpora above)\n")
    lines.append("| kind | required | " + " | ".join(l for l, _ in SYSTEMS) + " |")
    lines.append("|---|---:|" + "---:|" * len(SYSTEMS))
    for kind, n in sorted(by_sys[SYSTEMS[0][0]]["kind_req"].items(), key=lambda kv: -kv[1]):
        cells = [f"{by_sys[l]['kind_hit'].get(kind, 0)}" for l, _ in SYSTEMS]
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    lines.append("\n### Most frequent false-alarm rules (all corpora above)\n")
    for label, _attr in SYSTEMS:
        top = ", ".join(f"{r} {n}" for r, n in by_sys[label]["fp_rules"].items()) or "none"
        lines.append(f"- **{label}**: {top}")
    results["all"] = {l: by_sys[l] for l, _ in SYSTEMS}
    print("\n".join(lines).lstrip("\n"))
    if a.json:
        a.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
