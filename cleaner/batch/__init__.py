"""Batch cleanup of archives: ``mtclean batch INPUT... --out DIR``.

Modules
-------
* :mod:`.readers`  — find inputs; decode gzip/zstd surviving damage; frame JSON Lines,
  WARC/WET records, Parquet rows and text files into records;
* :mod:`.process`  — one shard task: clean each record's text (the real engine), report;
* :mod:`.writers`  — write the same format back with only the text changed; assembly;
* :mod:`.shards`   — cutting inputs into shards; part files and the resumable manifest;
* :mod:`.local` / :mod:`.dask_engine` — run shard tasks on local processes or on Dask;
* :mod:`.job`      — the driver; :mod:`.summary` — counts and throughput;
  :mod:`.errors`   — exit codes and ``errors.jsonl`` entries.

Nothing here is imported by ``mtclean check`` / ``fix``: the CLI imports it lazily.
"""
from __future__ import annotations

from .errors import (EXIT_ABORTED, EXIT_FINDINGS, EXIT_INPUT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE,
                     BatchAborted, BatchUsageError)
from .job import JobConfig, JobOutcome, run
from .process import TaskOptions

__all__ = ["run", "JobConfig", "JobOutcome", "TaskOptions", "BatchUsageError", "BatchAborted", "EXIT_OK",
           "EXIT_FINDINGS", "EXIT_USAGE", "EXIT_INPUT_ERRORS", "EXIT_ABORTED", "EXIT_INTERRUPTED"]
