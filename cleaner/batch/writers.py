"""Output side of a batch job: the same format as the input, with only the text changed.

* JSON Lines — a record whose text did not change is written back byte for byte;
  when it changed, only the JSON string of the text field is replaced in the
  original line (other fields, key order, spacing and escapes stay as they were).
* WARC / WET — an unchanged record is written back as it was (recompressed as its
  own gzip member for ``.gz``); a changed record keeps its WARC and HTTP headers
  in order, with ``Content-Length`` and the ``WARC-Block-Digest`` /
  ``WARC-Payload-Digest`` values recomputed (same algorithm and encoding).
* Parquet — the same schema (with its metadata) and compression codec; the text
  column is replaced, every other column is written back unchanged; one row group
  per shard.
* Text files — the same encoding, BOM and line endings.

Compressed outputs are written per shard as independent gzip members / zstd
frames (deterministic: no timestamps), so the final file is the plain
concatenation of the shard parts — valid gzip / zstd that every reader accepts.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import zlib
from pathlib import Path
from typing import Any, Iterable

GZIP_LEVEL = 4                    # 2.5x faster than 6 for ~5% larger output (zlib, text)
ZSTD_LEVEL = 3


# --------------------------------------------------------------------------------------
# compression
# --------------------------------------------------------------------------------------
def compress(data: bytes, compression: str | None) -> bytes:
    """One independent gzip member / zstd frame (deterministic), or ``data`` itself."""
    if not data or compression is None:
        return data
    return _member(data, compression)


def empty_stream(compression: str | None) -> bytes:
    """A valid compressed file holding nothing (one empty gzip member / zstd frame), so
    that a compressed output whose every record was lost still passes ``gzip -t``."""
    return b"" if compression is None else _member(b"", compression)


def _member(data: bytes, compression: str) -> bytes:
    if compression == "gzip":
        co = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
        return co.compress(data) + co.flush()
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(data)
    raise ValueError(f"unknown compression {compression!r}")


class StreamCompressor:
    """Incremental version of :func:`compress` for records streamed through the driver."""

    def __init__(self, compression: str | None):
        self.compression = compression
        if compression == "gzip":
            self._co = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
        elif compression == "zstd":
            import zstandard

            self._co = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compressobj()
        else:
            self._co = None
        self._any = False

    def write(self, data: bytes) -> bytes:
        if not data:
            return b""
        self._any = True
        return self._co.compress(data) if self._co is not None else data

    def finish(self) -> bytes:
        if self._co is None or not self._any:
            return b""
        return self._co.flush()


# --------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------
def resolve(obj: Any, path: str) -> tuple[Any, list]:
    """The value at dotted ``path`` and the exact key path to it.

    A key that itself contains dots is found first (``{"a.b": ...}``); list items are
    addressed by number (``items.0.text``).  Raises ``KeyError`` when missing."""
    if isinstance(obj, dict) and path in obj:
        return obj[path], [path]
    head, dot, rest = path.partition(".")
    if isinstance(obj, dict):
        if head not in obj or not dot:
            raise KeyError(path)
        value, keys = resolve(obj[head], rest)
        return value, [head] + keys
    if isinstance(obj, list) and head.isdigit() and int(head) < len(obj):
        if not dot:
            return obj[int(head)], [int(head)]
        value, keys = resolve(obj[int(head)], rest)
        return value, [int(head)] + keys
    raise KeyError(path)


_WS = " \t\n\r"
_decoder = json.JSONDecoder()


def _skip(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] in _WS:
        i += 1
    return i


def locate(s: str, keys: list, start: int = 0) -> tuple[int, int]:
    """(start, end) of the JSON value at ``keys`` in the JSON text ``s``.

    Like ``json.loads`` the last of duplicate keys wins.  ``s`` must be valid JSON."""
    i = _skip(s, start)
    if not keys:
        _, end = _decoder.raw_decode(s, i)
        return i, end
    key, rest = keys[0], keys[1:]
    found: tuple[int, int] | None = None
    if s[i] == "{":
        i = _skip(s, i + 1)
        if s[i] == "}":
            raise KeyError(key)
        while True:
            k, i = json.decoder.scanstring(s, i + 1)
            i = _skip(s, i)
            i = _skip(s, i + 1)                  # the colon
            _, end = _decoder.raw_decode(s, i)
            if k == key:
                found = locate(s, rest, i) if rest else (i, end)
            i = _skip(s, end)
            if s[i] == ",":
                i = _skip(s, i + 1)
                continue
            break
    elif s[i] == "[":
        i = _skip(s, i + 1)
        n = 0
        while s[i] != "]":
            _, end = _decoder.raw_decode(s, i)
            if n == key:
                found = locate(s, rest, i) if rest else (i, end)
            n += 1
            i = _skip(s, end)
            if s[i] == ",":
                i = _skip(s, i + 1)
    if found is None:
        raise KeyError(key)
    return found


def splice_json(line: str, keys: list, new_text: str) -> str:
    """``line`` with the JSON string at ``keys`` replaced by ``new_text``.

    The new string is escaped like the line was: ``\\uXXXX`` for non-ASCII when the
    whole line is ASCII (Python's ``json.dumps`` default) or the old string escaped
    its non-ASCII characters, raw UTF-8 otherwise;
    ``<``, ``>`` and ``&`` as ``\\u003c``... when the old string escaped one of them
    (Go's ``encoding/json``); ``/`` as ``\\/`` when the old string did (PHP)."""
    s, e = locate(line, keys)
    old = line[s:e]
    escaped = line.isascii() or (old.isascii() and not _decoder.decode(old).isascii())
    out = json.dumps(new_text, ensure_ascii=escaped)
    low = old.lower()
    if "\\u003c" in low or "\\u003e" in low or "\\u0026" in low:
        out = out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    if "\\/" in old:
        out = out.replace("/", "\\/")
    return line[:s] + out + line[e:]


# --------------------------------------------------------------------------------------
# WARC
# --------------------------------------------------------------------------------------
def _digest(alg: str, old_value: str, data: bytes) -> str | None:
    try:
        h = hashlib.new(alg.lower(), data).digest()
    except ValueError:
        return None
    if len(old_value) == 2 * len(h) and all(c in "0123456789abcdefABCDEF" for c in old_value):
        enc = h.hex()
        return enc.upper() if old_value.isupper() else enc
    enc = base64.b32encode(h).decode("ascii")
    return enc if "=" in old_value else enc.rstrip("=")


def _set_header(block: bytes, name: str, value_of) -> bytes:
    """Replace the value of header ``name`` (case-insensitive) in a header block;
    ``value_of(old) -> new or None`` (None drops the line)."""
    pat = re.compile(rb"(?im)^(" + re.escape(name.encode()) + rb"[ \t]*:[ \t]*)([^\r\n]*?)([ \t]*\r?\n)")

    def sub(m: re.Match) -> bytes:
        new = value_of(m.group(2).decode("latin-1"))
        return b"" if new is None else m.group(1) + new.encode("latin-1") + m.group(3)

    return pat.sub(sub, block, count=1)


def rewrite_warc(headers: bytes, http: bytes, payload: bytes, tail: bytes) -> bytes:
    """A WARC record with a new payload: lengths and digests updated in place."""
    if http:
        http = _set_header(http, "Content-Length", lambda _old: str(len(payload)))
    block = http + payload

    def digest_of(data: bytes):
        def f(old: str):
            alg, _, value = old.partition(":")
            new = _digest(alg, value, data)
            return None if new is None else f"{alg}:{new}"
        return f

    headers = _set_header(headers, "Content-Length", lambda _old: str(len(block)))
    headers = _set_header(headers, "WARC-Block-Digest", digest_of(block))
    headers = _set_header(headers, "WARC-Payload-Digest", digest_of(payload))
    return headers + block + tail


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------
def replace_column(batch, index: int, values: list) -> Any:
    import pyarrow as pa

    field = batch.schema.field(index)
    try:
        arr = pa.array(values, type=field.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        arr = pa.array(values).cast(field.type)
    cols = list(batch.columns)
    cols[index] = arr
    return pa.RecordBatch.from_arrays(cols, schema=batch.schema)


def batch_to_ipc(batch) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as w:
        w.write_batch(batch)
    return sink.getvalue().to_pybytes()


_CODECS = {"UNCOMPRESSED": "none", "SNAPPY": "snappy", "GZIP": "gzip", "BROTLI": "brotli", "ZSTD": "zstd",
           "LZ4": "lz4", "LZ4_RAW": "lz4"}


def assemble_parquet(source: Path, parts: Iterable[Path], dest: Path) -> None:
    """Write the Parquet output: the input's schema and codec, one row group per part."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(source)
    schema = pf.schema_arrow
    meta = pf.metadata
    codec = "snappy"
    if meta.num_row_groups and meta.row_group(0).num_columns:
        codec = _CODECS.get(meta.row_group(0).column(0).compression, "snappy")
    tmp = _tmp_for(dest)
    try:
        with pq.ParquetWriter(tmp, schema, compression=codec) as w:
            for part in parts:
                if part.stat().st_size == 0:
                    continue
                with pa.memory_map(str(part)) as src:
                    table = pa.ipc.open_stream(src).read_all()
                w.write_table(table, row_group_size=max(1, table.num_rows))
        os.replace(tmp, dest)
    except BaseException:
        _unlink(tmp)
        raise


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------
def _tmp_for(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{os.getpid()}.mtclean-tmp")


def _unlink(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass


def write_atomic(dest: Path, data: bytes | Iterable[bytes], *, fsync: bool = True) -> int:
    """Write ``data`` to ``dest`` through a temporary file and ``os.replace``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_for(dest)
    n = 0
    try:
        with open(tmp, "wb") as fh:
            for chunk in ([data] if isinstance(data, (bytes, bytearray, memoryview)) else data):
                fh.write(chunk)
                n += len(chunk)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        _unlink(tmp)
        raise
    return n


def _chunks(path: Path, start: int = 0, end: int | None = None) -> Iterable[bytes]:
    """The bytes of ``path`` (from ``start`` to ``end``) in 1 MiB pieces."""
    with open(path, "rb") as fh:
        fh.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:
            b = fh.read(1 << 20 if left is None else min(left, 1 << 20))
            if not b:
                break
            if left is not None:
                left -= len(b)
            yield b


def concatenate(parts: Iterable[Path], dest: Path) -> int:
    """``dest`` := the parts one after the other (atomic, constant memory)."""
    return write_atomic(dest, (b for part in parts for b in _chunks(part)))


def copy_file(src: Path, dest: Path) -> int:
    return write_atomic(dest, _chunks(src))


def copy_range(src: Path, start: int, end: int, dest: Path) -> int:
    return write_atomic(dest, _chunks(src, start, end))
