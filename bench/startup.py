#!/usr/bin/env python3
"""Start-up time of ``mtclean check`` on a one-page Markdown file, beside
``codespell`` on the same file in the same run — what a pre-commit hook feels.

The page is built from the seed article (``seeds/``): front matter, headings,
a list, a blockquote, links, inline code and a fenced block around ~3.5 KB of
prose, written to ``bench/out/page.md``.  Each tool runs as a real process (its
console script next to this interpreter), output discarded, after one untimed
warm-up run (it fills mtclean's caches — in a new cache directory unless
``--user-cache`` — and the OS file cache); the median and best
of ``--runs`` wall times are printed, with the 150 ms budget.

    .venv/bin/python bench/startup.py              # table
    .venv/bin/python bench/startup.py --runs 31 --json
    .venv/bin/python bench/startup.py --importtime # where mtclean's import time goes
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
BUDGET_MS = 150.0


def tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        sys.exit(f"startup.py: {name} not found (install the 'test' extra)")
    return found


def build_page() -> Path:
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    paras = [p.strip() for p in re.split(r"\n\s*\n", seed) if len(p.strip()) > 80]
    body, size = [], 0
    for p in paras:
        if size > 3500:
            break
        body.append(p)
        size += len(p)
    parts = ["---", "title: A one-page article", "tags: [news, sample]", "---", "",
             "# " + body[0].split(".")[0][:70], "",
             "*Published by the newsroom.* See [the source](https://example.com/news/article) and "
             "`mtclean check` for details.", ""]
    for i, p in enumerate(body[1:], 1):
        if i == 2:
            parts += ["## Background", ""]
        if i == 3:
            parts += ["> " + p, ""]
            continue
        parts += [p, ""]
    parts += ["- first point of the summary", "- second point, with a [link](https://example.com)", "",
              "```bash", "mtclean check docs/", "```", ""]
    OUT.mkdir(exist_ok=True)
    page = OUT / "page.md"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


def timed(argv: list[str], runs: int, cache_dir: str | None = None) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system of the child), in ms.  CPU time is
    the steadier figure on a busy machine; wall time is what a person waits."""
    import resource

    env = dict(os.environ, NO_COLOR="1")
    if cache_dir is not None:
        env["MTCLEAN_CACHE_DIR"] = cache_dir
    # an installed mtclean has its bytecode compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would recompile every module on every run instead
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)   # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wall.append((time.perf_counter() - t) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return wall, cpu


def importtime(page: Path) -> str:
    env = dict(os.environ, NO_COLOR="1")
    r = subprocess.run([sys.executable, "-X", "importtime", "-c",
                        "import sys; from cleaner.cli import main; sys.argv=['mtclean','check',%r]; main()" % str(page)],
                       capture_output=True, text=True, env=env)
    rows = []
    for line in r.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (.*)", line)
        if m:
            rows.append((int(m.group(2)), int(m.group(1)), m.group(3)))
    rows.sort(reverse=True)
    return "\n".join(f"{c / 1000:8.1f} ms cumulative {s / 1000:6.1f} ms self  {name}" for c, s, name in rows[:25])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--importtime", action="store_true", help="also print mtclean's slowest imports")
    ap.add_argument("--user-cache", action="store_true",
                    help="use the user's mtclean cache as it is (default: a new cache directory, filled by "
                         "the warm-up run, as on a machine where mtclean has run once; the user's may hold "
                         "thousands of entries left by test runs)")
    args = ap.parse_args(argv)
    page = build_page()
    rows = {}
    import tempfile

    cache = None if args.user_cache else tempfile.mkdtemp(prefix="mtclean-bench-cache-")
    for name, cmd in (("mtclean check", [tool("mtclean"), "check", str(page)]),
                      ("codespell", [tool("codespell"), str(page)]),
                      ("python -c pass", [sys.executable, "-c", "pass"])):
        t, c = timed(cmd, args.runs, cache if name == "mtclean check" else None)
        rows[name] = {"median_ms": round(statistics.median(t), 1), "best_ms": round(min(t), 1),
                      "cpu_median_ms": round(statistics.median(c), 1), "runs": len(t)}
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
    result = {"file": str(page.relative_to(ROOT)), "bytes": page.stat().st_size, "budget_ms": BUDGET_MS,
              "cache": "user" if args.user_cache else "fresh (one warm-up run)",
              "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
              "tools": rows, "within_budget": rows["mtclean check"]["median_ms"] < BUDGET_MS}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"one-page Markdown file: {result['file']} ({result['bytes']} bytes), {args.runs} runs each\n")
        print(f"{'command':<16} {'median':>9} {'best':>9} {'cpu median':>11}")
        for name, r in rows.items():
            print(f"{name:<16} {r['median_ms']:>7.1f}ms {r['best_ms']:>7.1f}ms {r['cpu_median_ms']:>9.1f}ms")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        print(f"\n(load average {load:.2f} on {os.cpu_count()} CPUs: wall times grow with it, CPU times much less)")
        m, c = rows["mtclean check"]["median_ms"], rows["codespell"]["median_ms"]
        print(f"\nmtclean / codespell: {m / c:.2f}x   budget {BUDGET_MS:.0f} ms: "
              f"{'within' if result['within_budget'] else 'OVER'}")
    if args.importtime:
        print("\nslowest imports of `mtclean check` (python -X importtime):")
        print(importtime(page))
    return 0


if __name__ == "__main__":
    sys.exit(main())
