"""The local engine: shards run in a pool of worker processes on this machine.

``--jobs 1`` runs every shard in the driver process itself.  With more jobs a
``ProcessPoolExecutor`` (forkserver start method where available, so workers do
not inherit the driver's threads) runs them; at most ``2 × jobs`` shards are in
flight, which is what keeps memory flat however large the input is.  Workers
ignore SIGINT: Ctrl-C is handled once, by the driver.  If a worker process dies
(out of memory, killed), the pool is rebuilt and the shards it held are retried.

If the driver dies (``kill -9``, out of memory), its workers exit too.  A worker's
parent is the forkserver, not the driver, so nothing would tell them: each worker
gets the read end of a pipe whose only write end the driver holds, and a watchdog
thread blocked on it calls ``os._exit`` at end of file, which the kernel delivers
when the driver dies (reaped or not; no polling, no pid reuse).  The forkserver
then exits by itself (it stops when every holder of its "alive" pipe, the driver
and the workers, is gone) and so does the resource tracker (same rule), so no
process of the job is left holding the driver's stdout and stderr.
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


def _watch_driver(alive: Any) -> None:
    """Block until the driver's end of the pipe is closed, then exit at once."""
    try:
        alive.poll(None)            # nothing is ever sent: this returns at end of file
    except Exception:               # pragma: no cover - a broken pipe is end of file too
        pass
    os._exit(1)                     # the driver is gone: its shards are redone on --resume


def _worker_init(alive: Any = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if alive is not None:           # first, so that a worker still warming up exits too
        import threading

        threading.Thread(target=_watch_driver, args=(alive,), name="mtclean-driver-watchdog",
                         daemon=True).start()
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
        self._alive_r: Any = None   # workers watch this end (see _watch_driver) ...
        self._alive_w: Any = None   # ... which reaches end of file when the driver dies

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            ctx.set_forkserver_preload(["cleaner.batch.process", "cleaner.fixer"])
        if self._alive_r is None:   # one pipe for every pool of this run (restarts included)
            self._alive_r, self._alive_w = ctx.Pipe(duplex=False)
        self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx, initializer=_worker_init,
                                         initargs=(self._alive_r,))

    def __enter__(self) -> "PoolEngine":
        self._start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)
            self._pool = None
        self._close_alive()

    def _close_alive(self) -> None:
        """Closing the driver's end makes any worker still running (an old pool's) exit."""
        for conn in (self._alive_w, self._alive_r):
            if conn is not None:
                conn.close()
        self._alive_r = self._alive_w = None

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
