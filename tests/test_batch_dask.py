"""``mtclean batch --engine dask``: a real ``LocalCluster`` of worker processes on
127.0.0.1; outputs byte-identical to the local engine, including when a worker
process dies in the middle of the job.

The cluster is started by the test (what ``--scheduler`` connects to), and once by
the command itself (``--engine dask`` without ``--scheduler``).  The rule selection
is fixed (MT101, MT102) for the same reason as in ``test_batch_resume.py``.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from test_batch import _warc, batch, make_records, write_jsonl

distributed = pytest.importorskip("distributed")
from distributed.diagnostics.plugin import WorkerPlugin  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.dask]

RULES = ("--select", "MT101,MT102")


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "summary.json" and ".mtclean-batch" not in p.parts}


@pytest.fixture(scope="module")
def cluster():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield cluster, client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A mix of formats, and the local engine's outputs for them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = tmp_path_factory.mktemp("dask")
    write_jsonl(tmp / "docs.jsonl.gz", make_records(2500, seed=21))
    _warc(tmp / "crawl.warc.gz")
    recs = make_records(400, seed=22)
    pq.write_table(pa.table({"id": [r["id"] for r in recs], "text": [r["text"] for r in recs]}),
                   tmp / "rows.parquet")
    (tmp / "pages").mkdir()
    for i, r in enumerate(make_records(30, seed=23)):
        (tmp / "pages" / f"p{i:02d}.txt").write_text(r["text"], "utf-8")
    args = ["docs.jsonl.gz", "crawl.warc.gz", "rows.parquet", "pages", "--shard-size", "32K", "--id-field", "id",
            *RULES]
    run = batch(*args, "--out", "local", "--jobs", "1", cwd=tmp)
    assert run.returncode == 0, run.stderr
    ref = _outputs(tmp / "local")
    summary = json.loads((tmp / "local" / "summary.json").read_text())
    assert summary["shards"]["total"] > 20 and summary["records"]["changed"] > 50
    return tmp, args, ref, summary


def _same(tmp: Path, out: str, ref: dict[str, bytes], ref_summary: dict) -> dict:
    got = _outputs(tmp / out)
    assert sorted(got) == sorted(ref)
    for name in ref:
        assert got[name] == ref[name], name
    summary = json.loads((tmp / out / "summary.json").read_text())
    assert summary["engine"] == "dask"
    assert summary["records"] == ref_summary["records"]
    assert summary["shards"]["total"] == ref_summary["shards"]["total"]
    return summary


def test_existing_cluster_gives_the_local_engine_output(cluster, inputs):
    cl, client = cluster
    tmp, args, ref, ref_summary = inputs
    run = batch(*args, "--out", "remote", "--engine", "dask", "--scheduler", cl.scheduler_address, cwd=tmp)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    _same(tmp, "remote", ref, ref_summary)
    # the cluster ran the shards: one task per shard, named after it
    keys = client.run_on_scheduler(lambda dask_scheduler: [str(k) for k in dask_scheduler.task_prefixes])
    assert any("mtclean-shard" in k for k in keys)


def test_engine_dask_alone_starts_a_local_cluster(inputs):
    tmp, args, ref, ref_summary = inputs
    run = batch(*args, "--out", "own", "--engine", "dask", "--jobs", "2", cwd=tmp)
    assert run.returncode == 0, run.stderr
    _same(tmp, "own", ref, ref_summary)


class _KillOnce(WorkerPlugin):
    """Worker plugin: the first shard task to start executing anywhere kills its worker
    process (os._exit) on the spot.  A marker file makes it happen once."""

    name = "mtclean-test-kill-once"

    def __init__(self, marker: str):
        self.marker = marker

    def setup(self, worker):
        self.worker = worker

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or "mtclean-shard" not in str(key):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, f"{os.getpid()} {key}".encode())
        os.close(fd)
        os._exit(1)                    # the task is executing: it dies with its worker


def test_worker_killed_mid_job_still_completes_identically(cluster, inputs, tmp_path):
    import cloudpickle
    import psutil

    import test_batch_dask

    cl, client = cluster
    tmp, args, ref, ref_summary = inputs
    cloudpickle.register_pickle_by_value(test_batch_dask)     # workers cannot import the tests
    marker = tmp_path / "killed"
    before = set(client.scheduler_info()["workers"])
    client.register_plugin(_KillOnce(str(marker)))
    try:
        run = batch(*args, "--out", "killed", "--engine", "dask", "--scheduler", cl.scheduler_address, cwd=tmp)
    finally:
        client.unregister_worker_plugin(_KillOnce.name)
        cloudpickle.unregister_pickle_by_value(test_batch_dask)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    # a worker really died while running a shard...
    pid, key = marker.read_text().split(" ", 1)
    deadline = time.monotonic() + 30
    while psutil.pid_exists(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(int(pid))
    assert "mtclean-shard" in key
    client.wait_for_workers(2, timeout=60)                     # the nanny started a new one
    assert set(client.scheduler_info()["workers"]) != before
    # ...and nothing was lost or doubled
    summary = _same(tmp, "killed", ref, ref_summary)
    assert summary["records"]["errored"] == 0
