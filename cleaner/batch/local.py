"""The local engine: shards run in a pool of worker processes on this machine.

``--jobs 1`` runs every shard in the driver process itself.  With more jobs a
``ProcessPoolExecutor`` (forkserver start method where available, so workers do
not inherit the driver's threads) runs them; at most ``2 × jobs`` shards are in
flight, which is what keeps memory flat however large the input is.  Workers
ignore SIGINT: Ctrl-C is handled once, by the driver.  If a worker process dies
(out of memory, killed), the pool is rebuilt and the shards it held are retried.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from typing import Any

from .process import ShardResult, ShardTask, run_shard


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # warm up: load the rule set and the lexicon before the first shard
    from ..fixer import fix

    fix("warm up")


class SerialEngine:
    """Runs each shard in the driver process when it is submitted."""

    name = "local"

    def __init__(self) -> None:
        self.window = 1
        self._done: deque = deque()

    def __enter__(self) -> "SerialEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    @property
    def pending(self) -> int:
        return len(self._done)

    def submit(self, task: ShardTask) -> None:
        try:
            self._done.append((task, run_shard(task)))
        except Exception as exc:
            self._done.append((task, exc))

    def next_done(self) -> tuple[ShardTask, ShardResult | BaseException]:
        return self._done.popleft()

    def retryable(self, exc: BaseException) -> bool:
        return False

    def abort(self) -> None:
        self._done.clear()


class PoolEngine:
    """A bounded window of shards on a local process pool."""

    name = "local"

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.window = 2 * jobs
        self._pool = None
        self._futures: dict = {}

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            ctx.set_forkserver_preload(["cleaner.batch.process", "cleaner.fixer"])
        self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx, initializer=_worker_init)

    def __enter__(self) -> "PoolEngine":
        self._start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)
            self._pool = None

    @property
    def pending(self) -> int:
        return len(self._futures)

    def submit(self, task: ShardTask) -> None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            fut = self._pool.submit(run_shard, task)
        except BrokenProcessPool:
            self.restart()
            fut = self._pool.submit(run_shard, task)
        self._futures[fut] = task

    def next_done(self) -> tuple[ShardTask, ShardResult | BaseException]:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        fut = min(done, key=lambda f: self._futures[f].key)
        task = self._futures.pop(fut)
        exc = fut.exception()
        return task, (exc if exc is not None else fut.result())

    def retryable(self, exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(exc, BrokenProcessPool):
            if self._pool is None or getattr(self._pool, "_broken", False):
                self.restart()              # once per broken pool, not once per lost shard
            return True
        return False

    def restart(self) -> None:
        """Replace a broken pool (a worker died); the driver resubmits the lost shards."""
        from concurrent.futures.process import BrokenProcessPool

        old = self._pool
        if old is not None:
            try:
                old.shutdown(wait=False, cancel_futures=True)
            except BrokenProcessPool:  # pragma: no cover
                pass
        self._start()

    def abort(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            procs = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:               # do not wait for running shards: they are redone on --resume
                try:
                    p.terminate()
                except Exception:  # pragma: no cover
                    pass
        self._futures.clear()
