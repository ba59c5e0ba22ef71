"""``mtclean batch --jobs N``: when the driver dies (``kill -9``), every process it
started (workers, forkserver, resource tracker) exits within seconds and releases the
driver's stdout/stderr, and ``--resume`` then finishes the job byte-identically.

Without that, the workers (whose parent is the forkserver, not the driver) wait
forever for work, and keep the forkserver and the resource tracker alive with them,
each holding the driver's stdout and stderr: ``mtclean batch ... | tee log`` or
``subprocess.run(capture_output=True)`` never return.
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
from test_batch import batch, make_records, write_jsonl
from test_batch_resume import RULES, _committed, _outputs

pytestmark = pytest.mark.slow

OPTS = ("--id-field", "id", "--shard-size", "64K", "--jobs", "2", *RULES)


def _group(pgid: int) -> list[tuple[int, str]]:
    """Live (not zombie) processes of a process group: (pid, command)."""
    ps = subprocess.run(["ps", "-A", "-o", "pid=,pgid=,stat=,command="], capture_output=True, text=True,
                        check=True).stdout
    found = []
    for line in ps.splitlines():
        pid, group, stat, *cmd = line.split(None, 3)
        if int(group) == pgid and not stat.startswith("Z"):  # a zombie holds nothing; pid 1 reaps it
            found.append((int(pid), " ".join(cmd)))
    return found


def test_driver_killed_leaves_no_process_behind_and_resume_is_byte_identical(tmp_path):
    write_jsonl(tmp_path / "in.jsonl.gz", make_records(8000, seed=23))
    run = batch("in.jsonl.gz", "--out", "ref", *OPTS, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    ref = _outputs(tmp_path / "ref")
    total = json.loads((tmp_path / "ref" / "summary.json").read_text())["shards"]["total"]
    assert total > 20

    # stdout and stderr are pipes, as under `| tee` or subprocess.run(capture_output=True)
    proc = subprocess.Popen([*MTCLEAN, "batch", "in.jsonl.gz", "--out", "crash", *OPTS], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    pgid = proc.pid
    try:
        deadline = time.monotonic() + 120
        while _committed(tmp_path / "crash") < 3:
            assert proc.poll() is None, "the job ended before it could be killed"
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.02)
        started = [p for p in _group(pgid) if p[0] != proc.pid]
        assert len(started) >= 3, started           # resource tracker, forkserver, workers: all running
        os.kill(proc.pid, signal.SIGKILL)           # the driver only, as the OOM killer would
        proc.wait(timeout=30)
        assert _committed(tmp_path / "crash") < total

        # the driver's stdout/stderr reach end of file: nobody holds them any more
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the driver's pipes are still held open by {_group(pgid)}")
        deadline = time.monotonic() + 15
        while (left := _group(pgid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, f"processes left behind by the killed driver: {left}"
    finally:
        try:
            os.killpg(pgid, signal.SIGKILL)         # whatever a failed run left behind
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait(timeout=30)

    run = batch("in.jsonl.gz", "--out", "crash", *OPTS, "--resume", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    got = _outputs(tmp_path / "crash")
    assert sorted(got) == sorted(ref)
    for name in ref:
        assert got[name] == ref[name], name         # byte-identical
    summary = json.loads((tmp_path / "crash" / "summary.json").read_text())
    assert 0 < summary["shards"]["resumed"] < summary["shards"]["total"] == total
