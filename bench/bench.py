#!/usr/bin/env python3
"""Benchmark ``mtclean check`` beside ``codespell``, measured in the same run.

(a) Throughput: both tools check a ~20 MB news text built by repeating
    ``../shared/corpus/clean/news.txt`` (written to ``bench/out/``); MB/s each and
    the ratio mtclean/codespell (higher is better for mtclean).
(b) Start-up: wall time of one process checking a one-page file (a ~3 KB .txt and
    a one-page .md built from the same news text), median of N runs each, and the
    ratio mtclean/codespell (lower is better for mtclean).

Both tools run as real processes (their console scripts) with output discarded;
each gets one untimed warm-up run first (mtclean builds its lexicon cache once,
the OS caches the files).  Peak RSS is read per process with ``os.wait4``.

Usage::

    .venv/bin/python bench/bench.py                 # table
    .venv/bin/python bench/bench.py --json          # machine-readable
    .venv/bin/python bench/bench.py --runs 21 --size-mb 50 --throughput-runs 3
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "clean" / "news.txt"
MB = 1_000_000


@dataclass
class Sample:
    seconds: float
    max_rss_mb: float
    exit_code: int


@dataclass
class Measure:
    tool: str
    command: list[str]
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def best(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def peak_rss_mb(self) -> float:
        return max(s.max_rss_mb for s in self.samples)


# -- tools -------------------------------------------------------------------------------------

def find_tool(name: str, given: str | None) -> str:
    if given:
        return given
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    venv = ROOT / ".venv" / "bin" / name
    if venv.exists():
        return str(venv)
    found = shutil.which(name)
    if not found:
        sys.exit(f"bench: cannot find {name!r}; install it (pip install -e '.[test]') or pass --{name} PATH")
    return found


def tool_version(cmd: str) -> str:
    try:
        out = subprocess.run([cmd, "--version"], capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def mtclean_version() -> str:
    try:
        from importlib.metadata import version

        return version("mtclean")
    except Exception:  # noqa: BLE001 - informational only
        return "?"


def run_once(argv: list[str], ok_codes: tuple[int, ...]) -> Sample:
    """Run ``argv`` with output discarded; wall time and the child's own peak RSS."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            err.seek(0)
            message = err.read().decode("utf-8", "replace")[-2000:]
            sys.exit(f"bench: {' '.join(argv)} exited {code}:\n{message}")
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return Sample(elapsed, rss, code)


def measure(tool: str, argv: list[str], runs: int, ok_codes: tuple[int, ...], warmup: bool = True) -> Measure:
    m = Measure(tool, argv)
    if warmup:
        run_once(argv, ok_codes)
    for _ in range(runs):
        m.samples.append(run_once(argv, ok_codes))
    return m


# -- input files -------------------------------------------------------------------------------

def build_big(source: Path, size_mb: float) -> Path:
    """``source`` repeated (whole copies, then whole paragraphs) to about ``size_mb`` MB."""
    data = source.read_bytes()
    target = int(size_mb * MB)
    path = OUT / f"news-{size_mb:g}mb.txt"
    stamp = OUT / f".{path.name}.source"
    key = f"{source.resolve()} {source.stat().st_size} {source.stat().st_mtime_ns} {target}"
    if path.exists() and stamp.exists() and stamp.read_text() == key:
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    if not data.endswith(b"\n\n"):
        data = data.rstrip(b"\n") + b"\n\n"
    copies, rest = divmod(target, len(data))
    paras = data.split(b"\n\n")
    tail = bytearray()
    for p in paras:
        if len(tail) >= rest:
            break
        tail += p + b"\n\n"
    with open(path, "wb") as fh:
        for _ in range(copies):
            fh.write(data)
        fh.write(bytes(tail))
    stamp.write_text(key)
    return path


def _paragraphs(source: Path) -> list[str]:
    text = source.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if len(p.strip()) > 80]


def build_page_txt(source: Path, size: int = 3000) -> Path:
    out, n = [], 0
    for p in _paragraphs(source):
        out.append(p)
        n += len(p.encode("utf-8")) + 2
        if n >= size:
            break
    path = OUT / "bench-page.txt"
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return path


def build_page_md(source: Path, size: int = 3000) -> Path:
    paras = _paragraphs(source)
    first_sentence = paras[0].split(". ")[0]
    parts = [f"# {first_sentence[:70]}", "", "*Published by the newsroom — a one-page sample.*", ""]
    i = 0
    n = sum(len(p) for p in parts)
    while n < size and i < len(paras):
        p = paras[i]
        if i == 1:
            parts += ["## Background", ""]
        if i == 2:
            items = [s.strip() for s in p.split(". ") if s.strip()][:4]
            parts += [f"- {s.rstrip('.')}." for s in items] + [""]
        elif i == 3:
            parts += [f"> {p}", ""]
        else:
            parts += [p + " See [the report](https://example.org/report) and `news.txt`.", ""]
        n += len(p) + 60
        i += 1
    path = OUT / "bench-page.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# -- report ------------------------------------------------------------------------------------

def human_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1000:.1f} KB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="news text to repeat (default: %(default)s)")
    ap.add_argument("--size-mb", type=float, default=20.0, help="size of the throughput file (default: 20)")
    ap.add_argument("--runs", type=int, default=9, help="start-up runs per tool and file (median; default: 9)")
    ap.add_argument("--throughput-runs", type=int, default=1, help="timed runs on the big file (best; default: 1)")
    ap.add_argument("--skip-throughput", action="store_true", help="only measure start-up")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--mtclean", help="mtclean executable (default: the one beside this Python)")
    ap.add_argument("--codespell", help="codespell executable (default: the one beside this Python)")
    ap.add_argument("--user-cache", action="store_true",
                    help="use the user's mtclean cache as it is (default: a new cache directory, filled by the "
                         "warm-up run, as on a machine where mtclean has run once)")
    args = ap.parse_args(argv)
    # both tools as installed: bytecode compiled once (a checkout run with PYTHONDONTWRITEBYTECODE
    # would recompile every module on every run)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if not args.user_cache:
        import atexit

        os.environ["MTCLEAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="mtclean-bench-cache-")
        atexit.register(shutil.rmtree, os.environ["MTCLEAN_CACHE_DIR"], True)

    if not args.source.exists():
        sys.exit(f"bench: {args.source}: no such file (pass --source)")
    mtclean = find_tool("mtclean", args.mtclean)
    codespell = find_tool("codespell", args.codespell)
    # mtclean: 0 clean, 1 findings; codespell: 0 clean, 65 (EX_DATAERR) misspellings found
    ok = {"mtclean": (0, 1), "codespell": (0, 65)}
    cmds = {"mtclean": lambda p: [mtclean, "check", str(p)], "codespell": lambda p: [codespell, str(p)],
            # the core issue's rule set (MT101, MT102): the baseline the full rule set is held to (<= 2x slower)
            "mtclean-core": lambda p: [mtclean, "check", "--select", "MT101,MT102", str(p)]}
    ok["mtclean-core"] = ok["mtclean"]

    result: dict = {
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "mtclean": mtclean_version(),
            "codespell": tool_version(codespell),
        },
        "throughput": None,
        "startup": [],
    }

    if not args.skip_throughput:
        big = build_big(args.source, args.size_mb)
        size = big.stat().st_size
        row = {"file": str(big.relative_to(ROOT)), "bytes": size}
        for tool in ("mtclean", "mtclean-core", "codespell"):
            m = measure(tool, cmds[tool](big), args.throughput_runs, ok[tool])
            row[tool] = {"seconds": round(m.best, 3), "mb_per_s": round(size / MB / m.best, 3),
                         "peak_rss_mb": round(m.peak_rss_mb, 1), "command": m.command,
                         "runs": [round(s.seconds, 3) for s in m.samples]}
        row["ratio_mb_per_s"] = round(row["mtclean"]["mb_per_s"] / row["codespell"]["mb_per_s"], 3)
        row["slowdown_vs_core_rules"] = round(row["mtclean-core"]["mb_per_s"] / row["mtclean"]["mb_per_s"], 3)
        result["throughput"] = row

    for kind, path in (("one-page .txt", build_page_txt(args.source)), ("one-page .md", build_page_md(args.source))):
        row = {"file": str(path.relative_to(ROOT)), "kind": kind, "bytes": path.stat().st_size, "runs": args.runs}
        for tool in ("mtclean", "codespell"):
            m = measure(tool, cmds[tool](path), args.runs, ok[tool])
            row[tool] = {"median_s": round(m.median, 4), "best_s": round(m.best, 4),
                         "peak_rss_mb": round(m.peak_rss_mb, 1), "command": m.command}
        row["ratio_median"] = round(row["mtclean"]["median_s"] / row["codespell"]["median_s"], 3)
        result["startup"].append(row)

    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


def print_table(r: dict) -> None:
    env = r["environment"]
    print(f"mtclean {env['mtclean']} vs codespell {env['codespell']} · Python {env['python']} · "
          f"{env['cpus']} CPUs · {env['platform']}")
    print("Both tools measured in this run, on the same files; output discarded.\n")
    head = f"{'measure':<48} {'mtclean':>12} {'codespell':>12} {'ratio':>9}"
    print(head)
    print("-" * len(head))
    t = r["throughput"]
    if t:
        label = f"check throughput, {human_size(t['bytes'])} news text"
        print(f"{label:<48} {t['mtclean']['mb_per_s']:>7.2f} MB/s {t['codespell']['mb_per_s']:>7.2f} MB/s "
              f"{t['ratio_mb_per_s']:>8.3f}x")
        print(f"{'  wall time':<48} {t['mtclean']['seconds']:>10.2f} s {t['codespell']['seconds']:>10.2f} s "
              f"{t['mtclean']['seconds'] / t['codespell']['seconds']:>8.2f}x")
        core = t["mtclean-core"]
        print(f"{'  core rules only (MT101, MT102)':<48} {core['mb_per_s']:>7.2f} MB/s {'':>12} "
              f"{t['slowdown_vs_core_rules']:>8.2f}x slower with all default rules")
        print(f"{'  peak RSS':<48} {t['mtclean']['peak_rss_mb']:>9.0f} MB {t['codespell']['peak_rss_mb']:>9.0f} MB "
              f"{t['mtclean']['peak_rss_mb'] / t['codespell']['peak_rss_mb']:>8.2f}x")
    for s in r["startup"]:
        label = f"start-up, {s['kind']} ({human_size(s['bytes'])}), median of {s['runs']}"
        print(f"{label:<48} {s['mtclean']['median_s'] * 1000:>9.0f} ms {s['codespell']['median_s'] * 1000:>9.0f} ms "
              f"{s['ratio_median']:>8.2f}x")
    print()
    print("ratio = mtclean / codespell: for throughput higher is better for mtclean, for times lower is better.")
    if t:
        print(f"throughput file: {t['file']} (repeats of the source; MB = 10^6 bytes)")


if __name__ == "__main__":
    sys.exit(main())
