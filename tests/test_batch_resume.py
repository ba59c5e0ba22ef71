"""``mtclean batch --resume``: a real run killed mid-way (SIGKILL of the whole process
group, like a crash; SIGINT, like Ctrl-C) and resumed gives byte-identical outputs to
an uninterrupted run.

These runs select the two core rules MT101 and MT102: what is tested is the batch
machinery, and a small, fast rule set keeps the timing (kill after a few shards, well
before the end) independent of the rules other engineers are adding.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import MTCLEAN
from test_batch import batch, make_records, read_jsonl, write_jsonl

pytestmark = pytest.mark.slow

RULES = ("--select", "MT101,MT102")


def _outputs(out: Path) -> dict[str, bytes]:
    """Every file of a finished job except the run-specific summary and the state dir."""
    files = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and rel != "summary.json" and not rel.startswith(".mtclean-batch"):
            files[rel] = p.read_bytes()
    return files


def _committed(out: Path) -> int:
    try:
        data = (out / ".mtclean-batch" / "manifest.jsonl").read_bytes()
    except OSError:
        return 0
    return data.count(b'{"shard":')


def _start(tmp_path: Path, out: str, *args: str) -> subprocess.Popen:
    log = open(tmp_path / f"{out}.stderr", "wb")
    return subprocess.Popen([*MTCLEAN, "batch", "big.jsonl.gz", "--out", out, *RULES, *args], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)


def _wait_for_shards(proc: subprocess.Popen, out: Path, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while _committed(out) < n:
        assert proc.poll() is None, "the job ended before it could be interrupted"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """An input of ~8 MB of text and the outputs of an uninterrupted run."""
    tmp = tmp_path_factory.mktemp("resume")
    write_jsonl(tmp / "big.jsonl.gz", make_records(16000, seed=11))
    run = batch("big.jsonl.gz", "--out", "ref", "--id-field", "id", "--shard-size", "64K", "--jobs", "2", *RULES,
                cwd=tmp)
    assert run.returncode == 0, run.stderr
    summary = json.loads((tmp / "ref" / "summary.json").read_text())
    assert summary["shards"]["total"] > 50 and summary["records"]["changed"] > 100
    return tmp, _outputs(tmp / "ref"), summary


def _check_resumed(tmp: Path, out: str, ref: dict[str, bytes], ref_summary: dict) -> dict:
    run = batch("big.jsonl.gz", "--out", out, "--id-field", "id", "--shard-size", "64K", "--jobs", "2",
                "--resume", *RULES, cwd=tmp)
    assert run.returncode == 0, run.stderr
    got = _outputs(tmp / out)
    assert sorted(got) == sorted(ref)
    for name in ref:
        assert got[name] == ref[name], name                    # byte-identical
    summary = json.loads((tmp / out / "summary.json").read_text())
    assert summary["records"] == ref_summary["records"]
    assert summary["findings"] == ref_summary["findings"]
    assert summary["shards"]["total"] == ref_summary["shards"]["total"]
    assert 0 < summary["shards"]["resumed"] < summary["shards"]["total"]
    assert not (tmp / out / ".mtclean-batch" / "parts").exists()
    return summary


def test_crash_sigkill_then_resume_is_byte_identical(job):
    tmp, ref, ref_summary = job
    # the killed run uses one job and the resumed run two: placement must not matter either
    proc = _start(tmp, "crash", "--id-field", "id", "--shard-size", "64K", "--jobs", "1")
    _wait_for_shards(proc, tmp / "crash", 5)
    os.killpg(proc.pid, signal.SIGKILL)                         # driver, forkserver and workers at once
    proc.wait(timeout=30)
    manifest = (tmp / "crash" / ".mtclean-batch" / "manifest.jsonl").read_bytes()
    assert b'"complete"' not in manifest
    assert _committed(tmp / "crash") < ref_summary["shards"]["total"]
    assert not (tmp / "crash" / "big.jsonl.gz").exists()       # no final output from a broken run
    # what a crash in the middle of a write leaves behind: a torn manifest line, a temporary part
    with open(tmp / "crash" / ".mtclean-batch" / "manifest.jsonl", "ab") as fh:
        fh.write(b'{"shard":"00000-00009')
    (tmp / "crash" / ".mtclean-batch" / "parts" / ".00000-0009999.data.1.mtclean-tmp").write_bytes(b"junk")
    # and a finished part damaged without changing its size (a bad disk, a stray write):
    # its checksum no longer matches, so the shard is done again
    part = sorted((tmp / "crash" / ".mtclean-batch" / "parts").glob("*.data"))[0]
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    _check_resumed(tmp, "crash", ref, ref_summary)


def test_ctrl_c_then_resume_is_byte_identical(job):
    tmp, ref, ref_summary = job
    proc = _start(tmp, "intr", "--id-field", "id", "--shard-size", "64K", "--jobs", "2")
    _wait_for_shards(proc, tmp / "intr", 5)
    os.killpg(proc.pid, signal.SIGINT)                          # what Ctrl-C in a terminal sends
    assert proc.wait(timeout=60) == 130
    err = (tmp / "intr.stderr").read_text()
    assert "--resume" in err and "Traceback" not in err, err
    _check_resumed(tmp, "intr", ref, ref_summary)


def test_sigterm_is_an_interruption_too(job):
    tmp, ref, ref_summary = job
    proc = _start(tmp, "term", "--id-field", "id", "--shard-size", "64K", "--jobs", "2")
    _wait_for_shards(proc, tmp / "term", 3)
    proc.send_signal(signal.SIGTERM)                            # the driver only (a scheduler stopping it)
    assert proc.wait(timeout=60) == 130
    assert "Traceback" not in (tmp / "term.stderr").read_text()
    _check_resumed(tmp, "term", ref, ref_summary)


def test_resume_guards(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", make_records(40, seed=12))
    run = batch("a.jsonl", "--out", "out", "--shard-size", "4K", *RULES, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    first = (tmp_path / "out" / "a.jsonl").read_bytes()
    # the same command again would silently redo or mix jobs: refused
    run = batch("a.jsonl", "--out", "out", "--shard-size", "4K", *RULES, cwd=tmp_path)
    assert run.returncode == 2 and "--resume" in run.stderr
    # resuming a finished job does nothing and keeps its exit code
    run = batch("a.jsonl", "--out", "out", "--shard-size", "4K", "--resume", *RULES, cwd=tmp_path)
    assert run.returncode == 0 and "already complete" in run.stderr
    # resuming with other options would mix two jobs' outputs: refused
    run = batch("a.jsonl", "--out", "out", "--shard-size", "4K", "--resume", "--text-field", "body", *RULES,
                cwd=tmp_path)
    assert run.returncode == 2 and "other inputs or options" in run.stderr
    # --overwrite starts again
    run = batch("a.jsonl", "--out", "out", "--shard-size", "4K", "--overwrite", "--check-only", *RULES,
                cwd=tmp_path)
    assert run.returncode == 1, run.stderr                     # findings in --check-only
    assert (tmp_path / "out" / "a.jsonl").read_bytes() == first   # check-only writes no copies
    assert not any(f["applied"] for f in read_jsonl(tmp_path / "out" / "findings.jsonl"))
    # --resume with nothing to resume just runs
    run = batch("a.jsonl", "--out", "fresh", "--shard-size", "4K", "--resume", *RULES, cwd=tmp_path)
    assert run.returncode == 0 and (tmp_path / "fresh" / "a.jsonl").read_bytes() == first
