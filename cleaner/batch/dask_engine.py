"""The Dask engine: one task per shard on a ``dask.distributed`` cluster.

``--engine dask --scheduler tcp://HOST:PORT`` connects to a running cluster;
``--engine dask`` alone starts a ``LocalCluster`` of ``--jobs`` single-threaded
worker processes on 127.0.0.1 and stops it at the end.

The driver (this process) reads and decodes the inputs, cuts them into shards
and submits ``run_shard(task)`` for each — the shard's records travel inside the
task — keeping at most two shards per worker thread in flight.  Each task returns
the shard's output bytes and report lines; the driver writes them as parts and
commits them to the manifest.  So workers need neither the input nor the output
directory (no shared file system), only the same mtclean installed (checked: a
worker with another version or rule set fails the job with exit 2).

If a worker dies, the scheduler runs its tasks again on another worker (the task
carries its own data, so nothing is lost); a task raising an error is retried
twice.  Outputs are byte-identical to the local engine's because a shard's
output depends only on the shard.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any

from .errors import BatchUsageError
from .process import ShardResult, ShardTask, run_shard

MAX_WINDOW = 256


class DaskEngine:
    name = "dask"

    def __init__(self, jobs: int, scheduler: str | None = None, connect_timeout: float | None = None):
        self.jobs = jobs
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self.window = max(2, 2 * jobs)
        self.client = None
        self.cluster = None
        self._ac = None
        self._futures: dict = {}
        self._run = uuid.uuid4().hex[:8]
        self.workers = 0

    def __enter__(self) -> "DaskEngine":
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise BatchUsageError("--engine dask needs dask.distributed: pip install 'mtclean[batch]'") from None
        for name in ("distributed", "distributed.worker", "distributed.nanny", "distributed.scheduler",
                     "distributed.core", "distributed.comm", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if self.scheduler:
                # default timeout: Dask's distributed.comm.timeouts.connect (30s;
                # DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s to change it)
                kw = {} if self.connect_timeout is None else {"timeout": self.connect_timeout}
                self.client = Client(self.scheduler, set_as_default=False, **kw)
            else:
                self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=None,
                                            silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self._close()
            where = self.scheduler or "a LocalCluster"
            raise BatchUsageError(f"cannot connect to the Dask scheduler at {where}: {exc}") from None
        info = self.client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.workers = len(info.get("workers", {}))
        if threads:
            self.window = min(MAX_WINDOW, max(2, 2 * threads))
        self._ac = as_completed(loop=self.client.loop)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._close()

    def _close(self) -> None:
        for fut in list(self._futures):
            try:
                fut.cancel()
            except Exception:  # pragma: no cover
                pass
        self._futures.clear()
        if self.client is not None:
            try:
                self.client.close(timeout=10)
            except Exception:  # pragma: no cover - closing a dead connection
                pass
            self.client = None
        if self.cluster is not None:
            try:
                self.cluster.close(timeout=10)
            except Exception:  # pragma: no cover
                pass
            self.cluster = None

    @property
    def pending(self) -> int:
        return len(self._futures)

    def submit(self, task: ShardTask) -> None:
        fut = self.client.submit(run_shard, task, key=f"mtclean-shard-{task.key}-{self._run}", pure=False,
                                 retries=2)
        self._futures[fut] = task
        self._ac.add(fut)

    def next_done(self) -> tuple[ShardTask, ShardResult | BaseException]:
        fut = next(self._ac)
        task = self._futures.pop(fut)
        try:
            result = fut.result()
        except Exception as exc:
            result = exc
        fut.release()
        return task, result

    def retryable(self, exc: BaseException) -> bool:
        # a worker lost while holding the task: the scheduler already retried it up to
        # distributed.scheduler.allowed-failures times; one more round from the driver
        return type(exc).__name__ in ("KilledWorker", "CommClosedError", "FutureCancelledError",
                                      "CancelledError")

    def abort(self) -> None:
        self._close()
