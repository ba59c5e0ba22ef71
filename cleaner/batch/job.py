"""The driver of a batch job: inputs → shards → engine → parts → outputs + reports.

The driver is the only process that touches the file system: it reads and
decodes the inputs, cuts them into shards (:mod:`.shards`), hands each to the
engine (:mod:`.local` or :mod:`.dask_engine`), writes what comes back as part
files, commits each finished shard to the manifest and, at the end, assembles
the outputs, ``findings.jsonl``, ``errors.jsonl`` and ``summary.json``.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import readers, summary as summary_mod, writers
from .errors import (EXIT_FINDINGS, EXIT_INPUT_ERRORS, EXIT_OK, BatchAborted, BatchUsageError)
from .process import EngineMismatch, ShardResult, ShardTask, TaskOptions, engine_id
from .shards import CopyShard, RawShard, State, shard_stats, shards_for

MAX_ATTEMPTS = 3


@dataclass
class JobConfig:
    inputs: list[str]
    out: Path
    opts: TaskOptions = field(default_factory=TaskOptions)
    jobs: int = 1
    engine: str = "local"                # "local" | "dask"
    scheduler: str | None = None
    shard_bytes: int = 4 << 20
    resume: bool = False
    overwrite: bool = False
    progress: bool | None = None         # None: only when stderr is a terminal
    input_format: str | None = None


@dataclass
class JobOutcome:
    summary: dict[str, Any]
    exit_code: int
    nothing_to_do: bool = False


def _mode(opts: TaskOptions) -> str:
    return "check-only" if opts.check_only else ("fix (unsafe too)" if opts.unsafe else "fix")


def fingerprint(cfg: JobConfig, inputs: list[readers.InputFile], engine: str) -> tuple[str, dict]:
    o = cfg.opts
    info = {
        "inputs": [i.identity() for i in inputs],
        "check_only": o.check_only, "unsafe": o.unsafe, "text_field": o.text_field, "id_field": o.id_field,
        "text_column": o.text_column, "id_column": o.id_column, "max_record": o.max_record,
        "shard_bytes": cfg.shard_bytes, "engine_fingerprint": engine,
        "settings": repr((o.settings.select, o.settings.extend_select, o.settings.ignore, o.settings.min_confidence)),
    }
    digest = hashlib.sha256(json.dumps(info, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return digest, info


class _Progress:
    """tqdm bar on stderr (input bytes, records/s, MB/s of text, ETA); silent off a terminal."""

    def __init__(self, total: int, enabled: bool | None):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar = None
        if enabled:
            import os

            from tqdm import tqdm

            try:
                sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
            except (OSError, ValueError):
                sized = False
            # a terminal that reports no size (some pseudo-terminals) gets a 100-column bar
            self.bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1000, desc="mtclean batch",
                            file=sys.stderr, dynamic_ncols=sized, ncols=None if sized else 100,
                            nrows=None if sized else 24, smoothing=0.05, mininterval=0.5)

    def update(self, nbytes: int, summary: summary_mod.Summary) -> None:
        if self.bar is None:
            return
        el = max(summary.elapsed(), 1e-6)
        rs = summary.run_stats
        self.bar.set_postfix_str(f"{rs['records_in'] / el:,.0f} rec/s, {rs['text_bytes'] / 1e6 / el:.2f} MB/s text",
                                 refresh=False)
        self.bar.update(nbytes)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _make_engine(cfg: JobConfig):
    if cfg.engine == "dask":
        from .dask_engine import DaskEngine

        return DaskEngine(cfg.jobs, cfg.scheduler)
    if cfg.engine != "local":
        raise BatchUsageError(f"unknown engine {cfg.engine!r} (allowed: local, dask)")
    from .local import PoolEngine, SerialEngine

    return SerialEngine() if cfg.jobs <= 1 else PoolEngine(cfg.jobs)


def run(cfg: JobConfig) -> JobOutcome:
    """Run (or resume) a job; raises BatchUsageError / BatchAborted / KeyboardInterrupt."""
    if cfg.scheduler and cfg.engine != "dask":
        raise BatchUsageError("--scheduler needs --engine dask")
    if cfg.shard_bytes <= 0 or cfg.opts.max_record <= 0:
        raise BatchUsageError("--shard-size and --max-record-bytes must be positive")
    out = cfg.out
    ignored: list[str] = []
    inputs = readers.discover(cfg.inputs, out, cfg.input_format, ignored)
    try:
        engine_fp = engine_id(cfg.opts.settings)
    except Exception as exc:  # a broken rule pack
        raise BatchUsageError(str(exc)) from None
    fp, info = fingerprint(cfg, inputs, engine_fp)
    state = State(out)
    state.open(fp, info, resume=cfg.resume, overwrite=cfg.overwrite)
    if state.finished:
        state.close()
        try:
            previous = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        return JobOutcome(previous, int(previous.get("exit_code", EXIT_OK)), nothing_to_do=True)

    summ = summary_mod.Summary(_mode(cfg.opts), cfg.engine, cfg.jobs, str(out), len(inputs), cfg.scheduler)
    summ.ignored = ignored
    progress = _Progress(sum(i.size for i in inputs), cfg.progress)
    out_real = out.resolve()
    attempts: dict[str, int] = {}
    whole_copies: set[int] = set()
    check_only = cfg.opts.check_only
    by_index = {i.index: i for i in inputs}

    def save_quarantine(inp: readers.InputFile, problem: readers.Problem) -> None:
        e = problem.entry
        where = f"line{e['line']}" if e.get("line") is not None else f"at{e.get('offset', e.get('row', 0))}"
        kind, payload = problem.quarantine[0], problem.quarantine[1:]
        suffix = {"gzip": ".gz", "zstd": ".zst"}.get(inp.compression or "", "") if kind == "range" else ""
        rel = f"quarantine/{inp.out_rel}.{e['kind']}-{where}.bin{suffix}"
        if kind == "range":
            writers.copy_range(inp.path, payload[0], payload[1], out / rel)
        else:
            writers.write_atomic(out / rel, payload[0], fsync=False)
        e["quarantine"] = rel

    def dest_of(inp: readers.InputFile, rel: str) -> Path:
        return out / inp.out_rel / rel if inp.is_dir else out / inp.out_rel

    def errors_bytes(errors: list[dict]) -> bytes:
        # (default=str: a last resort; readers already give ids in JSON form, process.json_id)
        return "".join(json.dumps(e, ensure_ascii=False, default=str) + "\n" for e in errors).encode("utf-8")

    def commit(inp: readers.InputFile, key: str, stats: dict, errors: list[dict], input_bytes: int,
               data: bytes | None = None, files: list[str] | None = None, parts: dict | None = None,
               whole: bool = False) -> None:
        parts = dict(parts or {})
        if data is not None:
            parts["data"] = state.write_part(key, "data", data)
        parts["errors"] = state.write_part(key, "errors", errors_bytes(errors))
        state.commit(key, inp.index, stats, parts, files, input_bytes, whole=whole)
        summ.add(stats, len(errors), input_bytes, resumed=False)
        progress.update(input_bytes, summ)

    def handle(engine, task: ShardTask, result: ShardResult | BaseException) -> None:
        inp = by_index[int(task.key.split("-")[0])]
        if isinstance(result, BaseException):
            if isinstance(result, EngineMismatch):
                raise BatchUsageError(str(result))
            attempts[task.key] = attempts.get(task.key, 1) + 1
            if engine.retryable(result) and attempts[task.key] <= MAX_ATTEMPTS:
                engine.submit(task)
                return
            raise BatchAborted(f"shard {task.key} of {task.file} failed: {type(result).__name__}: {result}")
        if result.engine != engine_fp:
            raise BatchUsageError(f"a worker's mtclean and rule set ({result.engine}) differ from the driver's "
                                  f"({engine_fp}): install the same mtclean version and rules on every worker, "
                                  "and do not change rule files while a job runs")
        files = None
        if result.files is not None:
            files = []
            for rel, data in result.files:
                dest = dest_of(inp, rel)
                writers.write_atomic(dest, data, fsync=False)
                files.append(dest.relative_to(out).as_posix())
        parts = {"findings": state.write_part(task.key, "findings", result.findings)}
        commit(inp, task.key, result.stats, result.errors, task.input_bytes,
               data=result.data, files=files, parts=parts)

    engine = _make_engine(cfg)
    try:
        with engine:
            summ.engine = engine.name
            for inp in inputs:
                for shard in shards_for(inp, cfg.opts, cfg.shard_bytes, engine_fp, save_quarantine, out_real):
                    if shard.key in state.done:
                        entry = state.done[shard.key]
                        if entry.get("whole"):
                            whole_copies.add(inp.index)
                        n_err = _count_errors(state, shard.key, entry)
                        summ.add(entry["stats"], n_err, entry.get("input_bytes", 0), resumed=True)
                        progress.update(entry.get("input_bytes", 0), summ)
                        continue
                    if isinstance(shard, ShardTask):
                        while engine.pending >= engine.window:
                            handle(engine, *engine.next_done())
                        engine.submit(shard)
                    elif isinstance(shard, RawShard):
                        data_size = _write_raw(state, shard, inp, check_only)
                        errors = [shard.entry] if shard.entry else []
                        commit(inp, shard.key, shard_stats(shard.entry, 1), errors, 0,
                               parts={"data": data_size} if not check_only else {})
                    elif isinstance(shard, CopyShard):
                        files = None
                        if not check_only:
                            dest = dest_of(inp, shard.rel)
                            writers.copy_file(shard.src, dest)
                            files = [dest.relative_to(out).as_posix()]
                        whole = not inp.is_dir and shard.rel == ""
                        if whole:
                            whole_copies.add(inp.index)
                        errors = [shard.entry] if shard.entry else []
                        commit(inp, shard.key, shard_stats(shard.entry, shard.records), errors, shard.input_bytes,
                               files=files, whole=whole)
            while engine.pending:
                handle(engine, *engine.next_done())
    except BaseException:
        engine.abort()
        progress.close()
        state.close()
        raise
    progress.close()

    # -- assemble ------------------------------------------------------------------
    keys = state.keys()
    if not check_only:
        for inp in inputs:
            if inp.fmt == "text" or inp.index in whole_copies:
                continue
            mine = state.keys(inp.index)
            data_parts = state.parts_of(mine, "data")
            dest = out / inp.out_rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if inp.fmt == "parquet":
                writers.assemble_parquet(inp.path, data_parts, dest)
            elif not writers.concatenate(data_parts, dest) and inp.compression:
                # nothing decoded came out (an empty stream, every member lost): still a valid .gz / .zst
                writers.write_atomic(dest, writers.empty_stream(inp.compression))
    writers.concatenate(state.parts_of(keys, "findings"), out / "findings.jsonl")
    writers.concatenate(state.parts_of(keys, "errors"), out / "errors.jsonl")
    t = summ.totals
    if summ.errors:
        code = EXIT_INPUT_ERRORS
    elif check_only and t["findings"]:
        code = EXIT_FINDINGS
    else:
        code = EXIT_OK
    d = summ.as_dict(code)
    summary_mod.write(out / "summary.json", d)
    state.mark_complete()
    state.close()
    state.remove_parts()
    return JobOutcome(d, code)


def _count_errors(state: State, key: str, entry: dict) -> int:
    if not entry.get("parts", {}).get("errors"):
        return 0
    try:
        with open(state.part(key, "errors"), "rb") as fh:
            return sum(1 for _ in fh)
    except OSError:
        return 0


def _write_raw(state: State, shard: RawShard, inp: readers.InputFile, check_only: bool) -> int:
    """Copy an over-long record through, compressed like the rest of the output."""
    if check_only:
        for _ in shard.pieces:
            pass
        return 0
    comp = writers.StreamCompressor(inp.compression)

    def chunks():
        for piece in shard.pieces:
            out = comp.write(piece)
            if out:
                yield out
        tail = comp.finish()
        if tail:
            yield tail
    return writers.write_atomic(state.part(shard.key, "data"), chunks())
