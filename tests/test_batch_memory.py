"""``mtclean batch`` streams: the peak resident memory of the whole process tree
(driver, forkserver, workers) does not grow when the input doubles.

MT102 alone is selected so that the ~30 MB of text run in seconds, and shards are
small (512 KiB) so that the inputs are many times what is in flight at once; the
benchmark (bench/batch_bench.py) measures the same with default shards on 200 and
400 MB.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from conftest import MTCLEAN
from test_batch import make_records, write_jsonl

pytestmark = pytest.mark.slow


def peak_rss(cmd: list[str], cwd: Path) -> tuple[int, int, str]:
    """(exit code, peak of the summed RSS of the process and all its children, stderr)."""
    import psutil

    proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            family = [proc] + proc.children(recursive=True)
        except psutil.NoSuchProcess:
            break
        for p in family:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        peak = max(peak, total)
        time.sleep(0.02)
    err = proc.stderr.read().decode("utf-8", "replace")
    return proc.wait(), peak, err


def test_peak_memory_flat_as_input_doubles(tmp_path):
    base = make_records(20_000, seed=31)                       # ~10 MB of text, ten times what is in flight
    write_jsonl(tmp_path / "one.jsonl.gz", base)
    write_jsonl(tmp_path / "two.jsonl.gz", base + make_records(20_000, seed=32))
    peaks = {}
    for name in ("one", "two"):
        rc, peak, err = peak_rss([*MTCLEAN, "batch", f"{name}.jsonl.gz", "--out", f"out-{name}", "--jobs", "2",
                                  "--shard-size", "512K", "--select", "MT102", "--quiet"], tmp_path)
        assert rc == 0, err
        peaks[name] = peak
    mb = {k: v / 2 ** 20 for k, v in peaks.items()}
    assert mb["two"] < 500, mb
    # flat: the second input has ~11 MB more records; holding on to them (or to their
    # outputs) would add at least that much, sampling noise is ~3 MB
    assert mb["two"] - mb["one"] < 6, mb
