"""``mtclean batch INPUT... --out DIR``: clean archives of scraped documents.

Registered in :mod:`cleaner.cli`; everything heavy is imported inside the command.

Exit codes: 0 completed (every record processed; with --check-only: no findings),
1 --check-only found something, 2 usage / configuration error, 3 completed but some
input could not be processed (see OUT/errors.jsonl), 4 aborted (rerun with
--resume), 130 interrupted (rerun with --resume).
"""
from __future__ import annotations

import os
import re
import signal
import sys
from typing import List, Optional

import typer

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.I)


def parse_size(value: str, option: str) -> int:
    """``"16M"``, ``"512KiB"``, ``"1.5GB"``, ``"4096"`` → bytes (K/M/G are powers of 1024)."""
    m = _SIZE.match(str(value))
    if not m:
        raise typer.BadParameter(f"{value!r} is not a size (examples: 8M, 512K, 1G, 65536)", param_hint=option)
    n = float(m.group(1)) * 1024 ** " kmgt".index(m.group(2).lower() or " ")
    if n < 1:
        raise typer.BadParameter("must be at least one byte", param_hint=option)
    return int(n)


def _err(message: str) -> None:
    sys.stderr.write(f"mtclean: error: {message}\n")


def _exit_now(code: int) -> None:
    """End an interrupted or aborted job at once.  The job's state is already on disk
    (every finished shard was fsynced into the manifest) and its workers have been
    told to stop; a normal interpreter exit would join the process pool's threads,
    which can block for ever on a worker killed in the middle of sending a result."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def batch_cmd(
    inputs: List[str] = typer.Argument(..., help="Input files or directories: .txt/.md/.html (directories), "
                                       ".jsonl[.gz|.zst], .warc[.gz], .wet[.gz], .parquet."),
    out: str = typer.Option(..., "--out", help="Output directory (outputs keep the inputs' names and formats)."),
    text_field: str = typer.Option("text", help="JSON Lines: field holding the text (dotted path: meta.body)."),
    id_field: Optional[str] = typer.Option(None, help="JSON Lines: field identifying a record in reports."),
    text_column: Optional[str] = typer.Option(None, help="Parquet: column holding the text (default: --text-field)."),
    id_column: Optional[str] = typer.Option(None, help="Parquet: column identifying a row (default: --id-field)."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="Also apply unsafe fixes."),
    check_only: bool = typer.Option(False, "--check-only", help="Only report findings; write no cleaned copies."),
    select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable."),
    extend_select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable in addition."),
    ignore: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to disable."),
    min_confidence: Optional[float] = typer.Option(None, help="Ignore findings below this confidence."),
    config: Optional[str] = typer.Option(None, "--config", help="Configuration file for the whole job "
                                         "(default: the nearest one from the current directory)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes (default: all cores)."),
    engine: str = typer.Option("local", help="local (process pool) or dask."),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 "
                                            "(default with --engine dask: start a LocalCluster)."),
    shard_size: str = typer.Option("4M", help="Decoded input per shard (one task per shard)."),
    max_record_bytes: str = typer.Option("16M", help="Larger records are passed through uncleaned "
                                         "and reported in errors.jsonl."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted job in --out."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Start again, discarding a job in --out."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="Progress bar on stderr (default: when stderr is a terminal)."),
    input_format: Optional[str] = typer.Option(None, help="Read every input as jsonl, warc, parquet or text, "
                                               "whatever its name."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print the summary."),
) -> None:
    """Clean archives: same format out, text fixed, every record accounted for."""
    from . import gcpause

    gcpause.resume()                # a long run: the collector back on from the start
    from pathlib import Path

    from .batch import errors as codes

    if engine not in ("local", "dask"):
        _err(f"unknown engine {engine!r} (allowed: local, dask)")
        raise typer.Exit(codes.EXIT_USAGE)
    if input_format is not None and input_format not in ("jsonl", "warc", "parquet", "text"):
        _err(f"unknown input format {input_format!r} (allowed: jsonl, warc, parquet, text)")
        raise typer.Exit(codes.EXIT_USAGE)
    if jobs is not None and jobs < 1:
        _err("--jobs must be at least 1")
        raise typer.Exit(codes.EXIT_USAGE)
    if check_only and unsafe_fixes:
        _err("--check-only and --unsafe-fixes do not go together")
        raise typer.Exit(codes.EXIT_USAGE)
    if resume and overwrite:
        _err("--resume and --overwrite do not go together")
        raise typer.Exit(codes.EXIT_USAGE)
    shard_bytes = parse_size(shard_size, "--shard-size")
    max_record = parse_size(max_record_bytes, "--max-record-bytes")

    from .cli import _settings_for

    # one configuration for the whole job: --config, else the nearest one from the current directory
    settings = _settings_for(select, ignore, extend_select, min_confidence, unsafe_fixes, config).settings_for(".")
    from .batch import BatchAborted, BatchUsageError, JobConfig, TaskOptions, run
    from .batch.local import default_jobs
    from .batch.summary import render

    opts = TaskOptions(check_only=check_only, unsafe=unsafe_fixes, settings=settings, text_field=text_field,
                       id_field=id_field, text_column=text_column or text_field,
                       id_column=id_column or id_field, max_record=max_record)
    cfg = JobConfig(inputs=list(inputs), out=Path(out), opts=opts, jobs=jobs or default_jobs(), engine=engine,
                    scheduler=scheduler, shard_bytes=shard_bytes, resume=resume, overwrite=overwrite,
                    progress=progress, input_format=input_format)

    def _term(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _term)
    try:
        outcome = run(cfg)
    except BatchUsageError as exc:
        _err(str(exc))
        raise typer.Exit(codes.EXIT_USAGE)
    except BatchAborted as exc:
        _err(f"{exc}; finished shards are kept: rerun the same command with --resume")
        _exit_now(codes.EXIT_ABORTED)
    except KeyboardInterrupt:
        sys.stderr.write(f"mtclean: interrupted; finished shards are kept in {out}: rerun the same command "
                         "with --resume\n")
        _exit_now(codes.EXIT_INTERRUPTED)
    except OSError as exc:
        _err(f"{exc.filename or out}: {exc.strerror or exc}")
        raise typer.Exit(codes.EXIT_ABORTED)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if outcome.nothing_to_do:
        sys.stderr.write(f"mtclean: the job in {out} is already complete (use --overwrite to run it again)\n")
    if not quiet and outcome.summary:
        sys.stdout.write(render(outcome.summary))
        sys.stdout.flush()
    if outcome.exit_code == codes.EXIT_INPUT_ERRORS:
        n = outcome.summary.get("errors", 0)
        sys.stderr.write(f"mtclean: completed with {n} input problem(s), each recorded in {out}/errors.jsonl\n")
    raise typer.Exit(outcome.exit_code)
