"""Benchmark of ``mtclean batch`` (not a test): throughput and peak memory, end to end.

    .venv/bin/python bench/batch_bench.py                 # 200 MB and 400 MB, default rules
    .venv/bin/python bench/batch_bench.py --size-mb 50 --throughput-mb 20 --ignore MT301,MT303,MT310

1. Generates JSON Lines .gz archives into ``bench/out/`` (git-ignored) from the clean
   prose of ``../shared/corpus/clean/`` cut into 1-4 KB documents, with injected
   artifacts — glued words (``systemwhich``) and stray periods (``order. is``) —
   about one of each per 1,500 characters.  Each copy of the corpus is cut and
   damaged differently, so documents do not repeat.  Sizes count the text itself
   (UTF-8 bytes of the ``text`` fields): ``--size-mb`` and twice that.
2. Runs the real CLI as a subprocess and reports, per run: wall time, MB/s of text
   (wall), the CPU seconds of the whole process tree (driver, forkserver / Dask
   workers) and MB/s per CPU-second — the per-core figure, which stays meaningful
   on a machine shared with other work — and the peak RSS of the whole process
   tree (psutil sampling every 20 ms, RSS summed over processes: shared pages are
   counted once per process, so this overstates).

   * ``--jobs 1`` and ``--jobs <all cores>`` on the throughput input (ratio);
   * ``--engine dask --jobs <all cores>`` (a LocalCluster of worker processes,
     started by the command: its start-up is included);
   * peak RSS on the ``--size-mb`` input and on the input twice that size.

Results: a table on stdout and ``bench/out/batch_bench.json``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CORPUS = ROOT.parent / "shared" / "corpus" / "clean"
MTCLEAN = [str(Path(sys.executable).parent / "mtclean")]

_GLUE = re.compile(r"\b([a-z]{4,}) (which|that|and|the|but|when|where|while|because|after|before|with)\b")
_STRAY = re.compile(r"\b([a-z]{4,}) ([a-z]{3,})\b")


def _paragraphs() -> list[str]:
    paras: list[str] = []
    for f in sorted(CORPUS.glob("*.txt")):
        paras += [p.strip() for p in f.read_text("utf-8").split("\n\n") if len(p.strip()) > 40]
    if not paras:
        sys.exit(f"no corpus in {CORPUS}")
    return paras


def _damage(text: str, rng: random.Random) -> str:
    """About one glued word and one stray period per 1,500 characters."""
    n = max(1, len(text) // 1500)
    for _ in range(n):
        if rng.random() < 0.8:
            ms = list(_GLUE.finditer(text))
            if ms:
                m = rng.choice(ms)
                text = text[:m.start()] + m.group(1) + m.group(2) + text[m.end():]
        if rng.random() < 0.8:
            ms = list(_STRAY.finditer(text))
            if ms:
                m = rng.choice(ms)
                text = text[:m.start()] + m.group(1) + ". " + m.group(2) + text[m.end():]
    return text


def generate(path: Path, text_mb: float, seed: int = 1) -> dict:
    """A JSON Lines .gz archive with ``text_mb`` MB of text; reused when it exists."""
    meta_path = path.with_suffix(".meta.json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("text_mb") == text_mb and meta.get("seed") == seed:
            return meta
    paras = _paragraphs()
    rng = random.Random(seed)
    target = int(text_mb * 1e6)
    n_text = n_docs = 0
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as fh:
        while n_text < target:
            order = list(range(len(paras)))
            rng.shuffle(order)
            i = 0
            while i < len(order) and n_text < target:
                size = rng.randint(1000, 4000)
                parts: list[str] = []
                while i < len(order) and sum(map(len, parts)) < size:
                    parts.append(paras[order[i]])
                    i += 1
                text = _damage("\n\n".join(parts), rng)
                rec = {"id": f"doc-{n_docs}", "url": f"https://example.org/{n_docs}", "lang": "en",
                       "text": text}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n_text += len(text.encode("utf-8"))
                n_docs += 1
    os.replace(tmp, path)
    meta = {"text_mb": text_mb, "seed": seed, "text_bytes": n_text, "records": n_docs,
            "file_bytes": path.stat().st_size}
    meta_path.write_text(json.dumps(meta))
    return meta


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run ``cmd``; wall time, CPU seconds and peak RSS of its whole process tree."""
    import psutil

    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = peak_pss = 0
    breakdown: list = []
    cpu: dict[int, float] = {}
    tick = 0
    while proc.poll() is None:
        total = 0
        pss = 0
        rows = []
        try:
            family = [proc] + proc.children(recursive=True)
        except psutil.NoSuchProcess:
            break
        for p in family:
            try:
                with p.oneshot():
                    rss = p.memory_info().rss
                    total += rss
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                    rows.append((rss, _role(p)))
                if tick % 10 == 0:                      # PSS (shared pages split) is slower to read
                    pss += p.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        if total > peak:
            peak, breakdown = total, sorted(rows, reverse=True)
        peak_pss = max(peak_pss, pss)
        tick += 1
        time.sleep(0.02)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()}")
    return {"wall_s": wall, "cpu_s": sum(cpu.values()), "peak_rss_mb": peak / 2 ** 20,
            "peak_pss_mb": peak_pss / 2 ** 20, "rc": proc.returncode,
            "at_peak": [f"{role} {rss / 2 ** 20:.0f} MB" for rss, role in breakdown]}


def _role(p) -> str:
    cmd = " ".join(p.cmdline())
    if "resource_tracker" in cmd:
        return "resource tracker"
    if "forkserver" in cmd:
        return "forkserver/worker"
    if "spawn_main" in cmd or "multiprocessing" in cmd:
        return "dask nanny/worker"
    if "batch" in cmd:
        return "driver"
    return p.name()


def run_batch(inp: Path, out: str, jobs: int, select: str | None, engine: str = "local",
              ignore: str | None = None) -> dict:
    shutil.rmtree(OUT / out, ignore_errors=True)
    cmd = [*MTCLEAN, "batch", inp.name, "--out", out, "--jobs", str(jobs), "--id-field", "id", "--quiet",
           "--engine", engine]
    if select:
        cmd += ["--select", select]
    if ignore:
        cmd += ["--ignore", ignore]
    m = measure(cmd, OUT)
    summary = json.loads((OUT / out / "summary.json").read_text())
    text_mb = summary["bytes"]["text"] / 1e6
    m.update(text_mb=text_mb, mb_per_s=text_mb / m["wall_s"], mb_per_cpu_s=text_mb / m["cpu_s"],
             records=summary["records"], findings=summary["findings"]["total"], applied=summary["findings"]["applied"],
             reconciles=summary["reconciles"], jobs=jobs, engine=engine)
    shutil.rmtree(OUT / out, ignore_errors=True)
    return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=200, help="text in the first archive (the second: twice)")
    ap.add_argument("--throughput-mb", type=float, default=None,
                    help="text in the archive for the 1-job / all-cores / Dask runs (default: --size-mb)")
    ap.add_argument("--select", default=None, help="rule selection (default: the default rule set)")
    ap.add_argument("--ignore", default=None, help="rules to leave out, e.g. MT301,MT303,MT310")
    ap.add_argument("--jobs", type=int, default=None, help="'all cores' (default: the CPUs this process may use)")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-rss", action="store_true")
    ap.add_argument("--json", default=None, help="results file name in bench/out (default batch_bench.json)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    cores = args.jobs or len(os.sched_getaffinity(0))
    tp_mb = args.throughput_mb or args.size_mb
    t0 = time.perf_counter()
    sizes = {"throughput": tp_mb} if args.skip_rss else {"throughput": tp_mb, "base": args.size_mb,
                                                         "double": 2 * args.size_mb}
    files: dict[str, Path] = {}
    for name, mb in sizes.items():
        mb_name = f"{mb:g}".replace(".", "_")
        files[name] = OUT / f"bench-{mb_name}mb.jsonl.gz"
        meta = generate(files[name], mb)
        print(f"input {files[name].name}: {meta['records']} records, {meta['text_bytes'] / 1e6:.1f} MB of text, "
              f"{meta['file_bytes'] / 1e6:.1f} MB gzip", flush=True)
    print(f"generated in {time.perf_counter() - t0:.0f} s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs", flush=True)
    results: dict = {"cores": cores, "select": args.select or "default rule set", "ignore": args.ignore,
                     "load_avg_start": os.getloadavg()[0], "runs": {}}
    plan = [("1 job", files["throughput"], 1, "local"), (f"{cores} jobs", files["throughput"], cores, "local")]
    if not args.skip_dask:
        plan.append((f"dask {cores} workers", files["throughput"], cores, "dask"))
    if not args.skip_rss:
        plan += [(f"{args.size_mb:g} MB, {cores} jobs", files["base"], cores, "local"),
                 (f"{2 * args.size_mb:g} MB, {cores} jobs", files["double"], cores, "local")]
    done: dict[tuple, dict] = {}
    for label, path, jobs, engine in plan:
        key = (path, jobs, engine)
        m = done[key] if key in done else run_batch(path, "run", jobs, args.select, engine, args.ignore)
        done[key] = m
        results["runs"][label] = m
        print(f"{label:>22}: {m['text_mb']:7.1f} MB text  {m['wall_s']:7.1f} s wall  {m['mb_per_s']:6.2f} MB/s  "
              f"cpu {m['cpu_s']:7.1f} s = {m['mb_per_cpu_s']:5.2f} MB/s per core  peak RSS {m['peak_rss_mb']:6.0f} MB"
              f" (PSS {m['peak_pss_mb']:.0f} MB; {', '.join(m['at_peak'])})"
              f"  (in={m['records']['in']} out={m['records']['out']} changed={m['records']['changed']}"
              f" errored={m['records']['errored']} reconciles={m['reconciles']})", flush=True)
    r = results["runs"]
    one, many = r["1 job"], r[f"{cores} jobs"]
    results["speedup_wall"] = many["mb_per_s"] / one["mb_per_s"]
    results["load_avg_end"] = os.getloadavg()[0]
    # on a shared machine the wall-clock ratio depends on what else runs; the CPU the
    # job could use is measured too: parallel efficiency = per-core rate N jobs / 1 job
    results["cores_used"] = many["cpu_s"] / many["wall_s"]
    results["efficiency"] = many["mb_per_cpu_s"] / one["mb_per_cpu_s"]
    print(f"\nspeed-up {cores} jobs / 1 job: {results['speedup_wall']:.2f}x (wall); the {cores}-job run got "
          f"{results['cores_used']:.2f} cores on average; per-core rate {cores} jobs / 1 job: "
          f"{results['efficiency']:.2f} (so {cores} free cores would give ~{cores * results['efficiency']:.2f}x)")
    if not args.skip_rss:
        a, b = r[f"{args.size_mb:g} MB, {cores} jobs"], r[f"{2 * args.size_mb:g} MB, {cores} jobs"]
        results["rss_growth"] = b["peak_rss_mb"] / a["peak_rss_mb"]
        print(f"peak RSS {a['peak_rss_mb']:.0f} MB -> {b['peak_rss_mb']:.0f} MB when the input doubles "
              f"({results['rss_growth']:.2f}x)")
    print(f"load average: {results['load_avg_start']:.1f} at start, {results['load_avg_end']:.1f} at the end")
    name = args.json or "batch_bench.json"
    (OUT / name).write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {OUT / name}")


if __name__ == "__main__":
    main()
