"""Exit codes, job-level exceptions and the ``errors.jsonl`` entries of a batch job.

Every problem with the *input* (a corrupt gzip member, an invalid JSON line, a
record without its text field, bytes that are not UTF-8, a record over
``--max-record-bytes``, an empty file, a truncated WARC record...) becomes one
entry in ``errors.jsonl`` and never stops the job.  Problems with the *job*
(bad options, an output directory holding another job, a lost cluster) stop it
with a message and one of the exit codes below, never with a traceback.
"""
from __future__ import annotations

from typing import Any

#: exit codes of ``mtclean batch`` (documented in the README)
EXIT_OK = 0                #: completed; every record processed (--check-only: and no findings)
EXIT_FINDINGS = 1          #: --check-only completed without input errors and reported findings
EXIT_USAGE = 2             #: usage or configuration error: nothing was processed
EXIT_INPUT_ERRORS = 3      #: completed, but some input could not be processed: see errors.jsonl
EXIT_ABORTED = 4           #: the job stopped before the end (a shard kept failing, cluster lost): --resume
EXIT_INTERRUPTED = 130     #: Ctrl-C / SIGTERM: finished shards are kept, rerun with --resume

# what happened to the input an error entry is about
PASSED_THROUGH = "passed-through"   #: copied to the output unchanged, at its place
QUARANTINED = "quarantined"         #: unreadable bytes saved under OUT/quarantine/
COPIED = "copied"                   #: the whole file copied to the output unchanged
NOTHING = "none"                    #: nothing to keep (e.g. an empty file)

#: the ``kind`` values an entry can have
KINDS = (
    "empty-file",             # a 0-byte input file
    "unreadable-file",        # cannot open / read / parse the container (Parquet footer, permissions)
    "corrupt-gzip",           # a gzip member that does not decompress (bad data, bad CRC, not gzip)
    "truncated-gzip",         # the file ends in the middle of a gzip member
    "corrupt-zstd",
    "truncated-zstd",
    "invalid-json",           # a JSON Lines line that is not JSON (or not an object)
    "missing-text-field",     # a record without the text field / column (or null there)
    "not-text",               # the text field is not a string
    "not-utf8",               # bytes that do not decode (UTF-8, or the declared charset)
    "charset-unencodable",    # a WARC record whose cleaned text its declared charset cannot encode
    "record-too-large",       # over --max-record-bytes: passed through uncleaned
    "truncated-warc-record",  # the archive ends before the record's Content-Length
    "malformed-warc",         # bytes that are not a WARC record (skipped to the next record)
    "internal-error",         # the cleaner failed on this record: passed through uncleaned
)


class BatchUsageError(Exception):
    """Bad options or a job that cannot start (exit 2); the message says why."""


class BatchAborted(Exception):
    """The job could not finish (exit 4); finished shards are kept for --resume."""


def error_entry(file: str, kind: str, reason: str, *, action: str, records: int = 1,
                where: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """One line of ``errors.jsonl``.

    ``where`` locates the problem (``line``, ``offset``, ``member_offset``, ``row``,
    ``id``...); ``records`` is how many input records the entry accounts for (0 for
    an empty file, 1 for one bad record or one unreadable stretch of a file).
    """
    entry: dict[str, Any] = {"file": file}
    if where:
        entry.update(where)
    entry["kind"] = kind
    entry["reason"] = reason
    entry["action"] = action
    entry["records"] = records
    entry.update(extra)
    return entry


def position_key(entry: dict[str, Any]) -> tuple:
    """Sort key putting a shard's errors in input order."""
    for key in ("line", "row", "offset", "member_offset"):
        if key in entry and entry[key] is not None:
            return (0, entry[key])
    return (1, 0)
