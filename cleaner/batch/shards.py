"""Shards: how each input is cut into tasks, and the on-disk state that makes a job resumable.

Sharding
--------
Each input is read in order and cut into shards of about ``--shard-size`` bytes of
decoded input (whole records only; a Parquet shard is a slice of rows of that
size, a text-file shard a run of files).  The cut depends only on the input bytes
and the options, so every run — interrupted, resumed, local or on Dask — makes the
same shards.  A shard is named ``<input number>-<shard number>`` (``00002-0000017``).
Records too large to clean are copied through by the driver as shards of their own.

State (``OUT/.mtclean-batch/``)
-------------------------------
* ``parts/<shard>.data`` — the shard's output (complete gzip members / zstd frames,
  an Arrow IPC stream for Parquet), ``.findings`` and ``.errors`` — its report lines;
  each written to a temporary file and renamed into place;
* ``manifest.jsonl`` — a header (the job's fingerprint) and one line per finished
  shard (appended and fsynced after its parts are in place) with its statistics.

``--resume`` reads the manifest, keeps every shard whose parts are intact and
processes the others.  When all shards are done the parts are concatenated in
order into the outputs, ``findings.jsonl`` and ``errors.jsonl`` (atomically), the
manifest gets a ``complete`` line and the parts are removed.
"""
from __future__ import annotations

import json
import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from . import readers
from .errors import BatchUsageError
from .process import ShardTask, TaskOptions, new_stats
from .writers import write_atomic

STATE_DIR = ".mtclean-batch"
MANIFEST = "manifest.jsonl"
STATE_FORMAT = 1
MAX_RECORDS_PER_SHARD = 50_000


def shard_key(index: int, seq: int) -> str:
    return f"{index:05d}-{seq:07d}"


# --------------------------------------------------------------------------------------
# shards of one input
# --------------------------------------------------------------------------------------
@dataclass
class RawShard:
    """An over-long record copied to the output by the driver, piece by piece."""

    key: str
    entry: dict | None
    pieces: Iterator[bytes]
    input_bytes: int = 0


@dataclass
class CopyShard:
    """A whole file copied to the output unchanged (empty, too large, unreadable)."""

    key: str
    src: Path
    rel: str
    entry: dict | None
    records: int
    input_bytes: int = 0


def shards_for(inp: readers.InputFile, opts: TaskOptions, shard_bytes: int, engine: str,
               save_quarantine: Callable[[readers.InputFile, readers.Problem], None],
               out_real: Path | None = None) -> Iterator[ShardTask | RawShard | CopyShard]:
    """The shards of one input, in order (streaming: one shard in memory at a time)."""
    seq = 0
    consumed = 0

    def next_key() -> str:
        nonlocal seq
        seq += 1
        return shard_key(inp.index, seq - 1)

    if not inp.is_dir and inp.size == 0:
        from .errors import COPIED, error_entry

        yield CopyShard(next_key(), inp.path, "", error_entry(inp.display, "empty-file", "empty file (an empty "
                        "output is written)", action=COPIED, records=0), 0)
        return

    stream = None
    if inp.fmt in ("jsonl", "warc"):
        stream = readers.Stream(inp.path, inp.compression)
        frame = readers.jsonl_items if inp.fmt == "jsonl" else readers.warc_items
        items: Iterator[Any] = frame(inp, stream, opts.max_record)
    elif inp.fmt == "text":
        items = readers.text_items(inp, opts.max_record, out_real)
    else:
        items = readers.parquet_items(inp, shard_bytes, opts.text_column)

    def position() -> int:
        return stream.position if stream is not None else consumed

    last = 0

    def covered() -> int:
        nonlocal last
        now = position()
        n, last = now - last, now
        return n

    def new_task() -> ShardTask:
        return ShardTask(next_key(), inp.fmt, inp.display, inp.compression, opts, engine=engine,
                         is_dir=inp.is_dir)

    cur: ShardTask | None = None
    size = 0
    it = iter(items)
    for item in it:
        if isinstance(item, readers.Rec):
            if cur is None:
                cur = new_task()
            cur.records.append(item)
            size += len(item.raw)
            if inp.fmt == "text":
                consumed += len(item.raw)
            if size >= shard_bytes or len(cur.records) >= MAX_RECORDS_PER_SHARD:
                cur.input_bytes = covered()
                yield cur
                cur, size = None, 0
        elif isinstance(item, readers.Problem):
            if item.quarantine is not None:
                save_quarantine(inp, item)
            if cur is None:
                cur = new_task()
            cur.problems.append(item.entry)
        elif isinstance(item, readers.Rows):
            if cur is not None:
                cur.input_bytes = covered()
                yield cur
                cur, size = None, 0
            task = new_task()
            task.rows = item
            consumed = int(inp.size * (item.first_row + item.batch.num_rows) / max(1, _parquet_rows(inp)))
            task.input_bytes = covered()
            yield task
        elif isinstance(item, readers.Passthrough):
            if cur is not None:
                cur.input_bytes = covered()
                yield cur
                cur, size = None, 0
            gen = _pieces(item, it)
            raw = RawShard(next_key(), item.entry, gen)
            yield raw
            for _ in gen:          # whatever the driver did not read (e.g. a finished shard on resume)
                pass
        elif isinstance(item, readers.CopyFile):
            if cur is not None:
                cur.input_bytes = covered()
                yield cur
                cur, size = None, 0
            try:
                consumed += item.src.stat().st_size
            except OSError:
                pass
            yield CopyShard(next_key(), item.src, item.rel, item.entry, item.records, covered())
    if cur is not None:
        cur.input_bytes = covered()
        yield cur


def _pieces(first: readers.Passthrough, it: Iterator[Any]) -> Iterator[bytes]:
    yield first.data
    done = first.done
    while not done:
        nxt = next(it)
        yield nxt.data
        done = nxt.done


_ROWS: dict[str, int] = {}


def _parquet_rows(inp: readers.InputFile) -> int:
    key = str(inp.path)
    if key not in _ROWS:
        import pyarrow.parquet as pq

        try:
            _ROWS[key] = pq.ParquetFile(inp.path).metadata.num_rows
        except Exception:
            _ROWS[key] = 1
    return _ROWS[key]


def shard_stats(entry: dict | None, records: int) -> dict:
    """Statistics of a shard the driver handles itself (copy / pass-through)."""
    st = new_stats()
    st["records_in"] = records
    if entry is not None:
        st["errored"] = records
    else:
        st["records_out"] = records
        st["skipped"] = records
    return st


# --------------------------------------------------------------------------------------
# the state directory
# --------------------------------------------------------------------------------------
def _crc_of(path: Path) -> int | None:
    """CRC-32 of a file, read in 1 MB blocks (None when it cannot be read)."""
    crc = 0
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                crc = zlib.crc32(block, crc)
    except OSError:
        return None
    return crc


class State:
    """``OUT/.mtclean-batch``: part files and the manifest of finished shards."""

    def __init__(self, out: Path):
        self.out = out
        self.dir = out / STATE_DIR
        self.parts = self.dir / "parts"
        self.manifest = self.dir / MANIFEST
        self.done: dict[str, dict] = {}
        self.finished = False           # the manifest says the whole job completed
        self._fh = None
        self._header: dict = {}
        self._crcs: dict[str, dict[str, int]] = {}     # CRC-32 of the parts written, until committed

    # -- opening --------------------------------------------------------------------
    def open(self, fingerprint: str, info: dict, *, resume: bool, overwrite: bool) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise BatchUsageError(f"{self.out}: --out names a file; give a directory (new or empty)")
        for up in self.out.resolve().parents:
            if up.exists() and not up.is_dir():
                raise BatchUsageError(f"{self.out}: {up} is a file, not a directory")
        if self.manifest.exists():
            header, entries, finished = self._read()
            if overwrite:
                shutil.rmtree(self.dir)
            elif not resume:
                what = "a finished" if finished else "an unfinished"
                raise BatchUsageError(f"{self.out} holds {what} batch job; use --resume to continue it or "
                                      "--overwrite to start again")
            elif header.get("fingerprint") != fingerprint:
                raise BatchUsageError(f"{self.out} holds a batch job started with other inputs or options "
                                      f"(or another mtclean / rule set); rerun with the same ones, or use "
                                      "--overwrite to start again")
            else:
                self.finished = finished
                self.done = {k: e for k, e in entries.items() if self._intact(e)}
        elif self.out.exists() and any(self.out.iterdir()) and not (overwrite or resume):
            # (--resume: a run killed before its first shard finished leaves files but no manifest)
            raise BatchUsageError(f"{self.out} is not empty and holds no batch job; choose an empty or new "
                                  "directory, or pass --overwrite to write into it anyway")
        self._header = {"mtclean_batch": STATE_FORMAT, "fingerprint": fingerprint, "job": info}
        if self.manifest.exists():
            self._create()

    def _create(self) -> None:
        """Create the state directory and open the manifest: at the first write, so a job
        that fails to start (e.g. no scheduler) leaves nothing behind."""
        self.parts.mkdir(parents=True, exist_ok=True)
        for tmp in self.parts.glob(".*.mtclean-tmp"):
            tmp.unlink(missing_ok=True)
        new = not self.manifest.exists()
        self._fh = open(self.manifest, "ab")
        if new:
            self._append(self._header)

    def _read(self) -> tuple[dict, dict[str, dict], bool]:
        with open(self.manifest, "rb") as fh:
            data = fh.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1            # a torn last line (crash while appending)
            with open(self.manifest, "r+b") as fh:
                fh.truncate(cut)
            data = data[:cut]
        header: dict = {}
        entries: dict[str, dict] = {}
        finished = False
        for i, line in enumerate(data.splitlines()):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if i == 0:
                header = obj
            elif obj.get("complete"):
                finished = True
            elif "shard" in obj:
                entries[obj["shard"]] = obj
        return header, entries, finished

    def _intact(self, entry: dict) -> bool:
        if self.finished:
            return True
        crcs = entry.get("crc", {})
        for kind, size in entry.get("parts", {}).items():
            p = self.part(entry["shard"], kind)
            if size and (not p.exists() or p.stat().st_size != size):
                return False
            if size and kind in crcs and _crc_of(p) != crcs[kind]:
                return False                # same size, other bytes: redo the shard
        for rel in entry.get("files", []):
            if not (self.out / rel).exists():
                return False
        return True

    # -- writing --------------------------------------------------------------------
    def part(self, key: str, kind: str) -> Path:
        return self.parts / f"{key}.{kind}"

    def write_part(self, key: str, kind: str, data: bytes) -> int:
        if self._fh is None:
            self._create()
        if not data:
            self.part(key, kind).unlink(missing_ok=True)
            return 0
        self._crcs.setdefault(key, {})[kind] = zlib.crc32(data)
        return write_atomic(self.part(key, kind), data)

    def commit(self, key: str, input_index: int, stats: dict, parts: dict[str, int],
               files: list[str] | None = None, input_bytes: int = 0, whole: bool = False) -> dict:
        entry = {"shard": key, "input": input_index, "stats": stats, "parts": parts, "input_bytes": input_bytes}
        crc = self._crcs.pop(key, None)
        if crc:
            entry["crc"] = crc                  # checked by --resume (_intact)
        if files:
            entry["files"] = files
        if whole:
            entry["whole"] = True           # the input was copied as a whole: no assembly
        self._append(entry)
        self.done[key] = entry
        return entry

    def _append(self, obj: dict) -> None:
        if self._fh is None:
            self._create()
        self._fh.write((json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def mark_complete(self) -> None:
        self._append({"complete": True})
        self.finished = True

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def remove_parts(self) -> None:
        shutil.rmtree(self.parts, ignore_errors=True)

    # -- reading back -----------------------------------------------------------------
    def keys(self, input_index: int | None = None) -> list[str]:
        keys = sorted(self.done)
        if input_index is None:
            return keys
        prefix = f"{input_index:05d}-"
        return [k for k in keys if k.startswith(prefix)]

    def parts_of(self, keys: list[str], kind: str) -> list[Path]:
        return [self.part(k, kind) for k in keys if self.done[k].get("parts", {}).get(kind)]
