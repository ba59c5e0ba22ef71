"""Input side of a batch job: find the inputs, then stream each one as records.

Formats (by file name; ``--input-format`` overrides)
----------------------------------------------------
* ``text``    — ``.txt``, ``.md``, ``.markdown``, ``.html``, ``.htm``: one record per
  file.  Every text file under a directory given on the command line belongs to one
  input (its files are walked in sorted order; hidden directories are skipped).
* ``jsonl``   — ``.jsonl`` / ``.ndjson``, optionally ``.gz`` or ``.zst``: one record
  per line.
* ``warc``    — ``.warc``, ``.wet`` (optionally ``.gz``): one record per WARC record.
* ``parquet`` — ``.parquet``, ``.pq``: one record per row.

Damage never ends a file
------------------------
Compressed streams are decoded member by member (gzip) and frame by frame (zstd).
A member that does not decode (or fails its checksum) is reported as a :class:`Break`
with the compressed byte range it spans; decoding resumes at the next member header,
so the good records after the damage are still processed.  Up to ``HOLD_BACK`` bytes
of a member are held until it verifies, so a damaged member's records are not passed
on (zstd frames written without a content checksum cannot be verified).  A member cut
short by the end of the file is different: its data is not known to be wrong, only
incomplete, so everything it decoded is passed on before the ``truncated-*``
:class:`Break` (``Break.decoded`` says how much); the framers then keep the complete
records and quarantine only the incomplete one at the cut.  Records are framed here
(lines, WARC records) so that a truncated or malformed record is reported and skipped
instead of stopping the whole archive; warcio parses the headers of the records.

Everything here runs in the driver process and streams: memory is bounded by
the chunk size and ``--max-record-bytes``, never by the size of an input.
"""
from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import (COPIED, NOTHING, PASSED_THROUGH, QUARANTINED, BatchUsageError, error_entry)

CHUNK = 1 << 20                   # compressed bytes read at a time
MAX_PIECE = 4 << 20               # decompressed bytes produced at a time (bounds decompression bombs)
HOLD_BACK = 8 << 20               # decoded bytes of one gzip member / zstd frame held until it verifies

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
FORMATS = ("jsonl", "warc", "parquet", "text")

_SUFFIXES: tuple[tuple[str, str, str | None], ...] = (
    (".jsonl.gz", "jsonl", "gzip"), (".ndjson.gz", "jsonl", "gzip"),
    (".jsonl.zst", "jsonl", "zstd"), (".jsonl.zstd", "jsonl", "zstd"), (".ndjson.zst", "jsonl", "zstd"),
    (".jsonl", "jsonl", None), (".ndjson", "jsonl", None),
    (".warc.gz", "warc", "gzip"), (".wet.gz", "warc", "gzip"), (".warc", "warc", None), (".wet", "warc", None),
    (".parquet", "parquet", None), (".pq", "parquet", None),
) + tuple((s, "text", None) for s in TEXT_SUFFIXES)

#: names the job writes at the top of OUT; an input may not map onto them
RESERVED = ("findings.jsonl", "errors.jsonl", "summary.json", "quarantine", ".mtclean-batch")


def detect(name: str, forced: str | None = None) -> tuple[str, str | None] | None:
    """(format, compression) for a file name, or None when it is not an input."""
    low = name.lower()
    if forced:
        comp = "gzip" if low.endswith(".gz") else "zstd" if low.endswith((".zst", ".zstd")) else None
        return forced, comp
    for suffix, fmt, comp in _SUFFIXES:
        if low.endswith(suffix):
            return fmt, comp
    return None


def sniff_compression(path: Path, fmt: str, comp: str | None) -> str | None:
    """``comp``, or — for a JSON Lines / WARC file whose name does not say it is
    compressed — what its first bytes say (gzip ``1f 8b``, zstd ``28 b5 2f fd``)."""
    if comp is not None or fmt not in ("jsonl", "warc"):
        return comp
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return comp
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return comp


@dataclass
class InputFile:
    """One input of the job: a file, or (format ``text``) the text files of a directory."""

    index: int
    path: Path
    display: str                 # how reports name it
    fmt: str
    compression: str | None
    out_rel: str                 # output file (or directory, for text) relative to OUT
    size: int = 0                # bytes on disk (for text directories: of all their text files)
    count: int = 1               # files (text directories)
    is_dir: bool = False

    def identity(self) -> list[Any]:
        """What the resume fingerprint remembers about this input."""
        if self.is_dir:
            return [self.display, self.fmt, self.out_rel, self.count, self.size]
        try:
            st = self.path.stat()
            return [self.display, self.fmt, self.out_rel, st.st_size, st.st_mtime_ns]
        except OSError:
            return [self.display, self.fmt, self.out_rel, None, None]


def _skip_dir(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def walk_sorted(root: Path, exclude: Path | None = None) -> Iterator[tuple[Path, str]]:
    """(path, relative path) of every file under ``root``, in a stable sorted order."""
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    p = Path(e.path)
                    if not _skip_dir(e.name) and (exclude is None or p.resolve() != exclude):
                        subdirs.append(p)
                elif e.is_file():
                    p = Path(e.path)
                    yield p, p.relative_to(root).as_posix()
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def discover(inputs: list[str], out_dir: Path, forced: str | None = None,
             ignored: list[str] | None = None) -> list[InputFile]:
    """Expand the command line's inputs; raise :class:`BatchUsageError` when one is unusable.
    Files of other types found in input directories are appended to ``ignored``
    (display paths), so that the summary can account for them."""
    out_real = out_dir.resolve()
    found: list[InputFile] = []
    for arg in inputs:
        p = Path(arg)
        if not p.exists():
            raise BatchUsageError(f"{arg}: no such file or directory")
        if p.is_dir():
            base = p.resolve().name or "input"
            if p.resolve() == out_real:
                raise BatchUsageError(f"{arg}: the output directory cannot be an input")
            n_text = size_text = 0
            others: list[InputFile] = []
            for f, rel in walk_sorted(p, exclude=out_real):
                kind = detect(f.name, None)
                if kind is None:
                    if ignored is not None:
                        ignored.append(os.path.join(arg, rel))
                    continue
                if kind[0] == "text" and not forced:
                    n_text += 1
                    try:
                        size_text += f.stat().st_size
                    except OSError:
                        pass
                else:
                    fmt, comp = detect(f.name, forced) or kind
                    comp = sniff_compression(f, fmt, comp)
                    others.append(InputFile(0, f, os.path.join(arg, rel), fmt, comp, f"{base}/{rel}",
                                            _size(f)))
            if n_text:
                found.append(InputFile(0, p, arg, "text", None, base, size_text, n_text, is_dir=True))
            found.extend(others)
            if not n_text and not others:
                raise BatchUsageError(f"{arg}: no .txt/.md/.html/.jsonl/.warc/.parquet files in this directory")
        else:
            kind = detect(p.name, forced)
            if kind is None:
                raise BatchUsageError(f"{arg}: unknown input type (expected .txt, .md, .html, .jsonl[.gz|.zst], "
                                      ".warc[.gz], .wet[.gz], .parquet; or pass --input-format)")
            fmt, comp = kind
            comp = sniff_compression(p, fmt, comp)
            if fmt == "text":
                found.append(InputFile(0, p, arg, "text", None, p.name, _size(p), 1))
            else:
                found.append(InputFile(0, p, arg, fmt, comp, p.name, _size(p)))
    seen: dict[str, str] = {}
    for i, f in enumerate(found):
        f.index = i
        top = f.out_rel.split("/", 1)[0]
        if top in RESERVED:
            raise BatchUsageError(f"{f.display}: its output would be OUT/{f.out_rel}, a name the job uses "
                                  "for its reports; rename or move the input")
        if f.out_rel in seen:
            raise BatchUsageError(f"{f.display} and {seen[f.out_rel]} would both be written to "
                                  f"OUT/{f.out_rel}; give them different names")
        seen[f.out_rel] = f.display
    if not found:
        raise BatchUsageError("no inputs")
    return found


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


# --------------------------------------------------------------------------------------
# items handed from the readers to the shard builder
# --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Rec:
    """One record for a worker: the raw bytes and where they came from."""

    raw: bytes
    line: int | None = None       # JSON Lines: 1-based line number in the decoded stream
    offset: int | None = None     # byte offset in the decoded stream
    member: int | None = None     # offset of the gzip member / zstd frame holding the record's start
    name: str | None = None       # text files: path relative to the input directory


@dataclass(slots=True)
class Problem:
    """Something wrong found while reading; ``quarantine`` says what to save."""

    entry: dict
    #: ("range", start, end): that byte range of the input file; ("bytes", data): these bytes
    quarantine: tuple | None = None


@dataclass(slots=True)
class Passthrough:
    """A record copied to the output unchanged without going to a worker (too large).
    When ``done`` is false, :class:`RawPiece` items follow until one with ``done``."""

    entry: dict | None
    data: bytes
    done: bool


@dataclass(slots=True)
class RawPiece:
    data: bytes
    done: bool


@dataclass(slots=True)
class CopyFile:
    """A whole text file (or unreadable Parquet file) copied to the output unchanged."""

    src: Path
    rel: str                      # relative to the input's output (directory or file)
    entry: dict | None
    records: int = 1


@dataclass(slots=True)
class Rows:
    """A slice of a Parquet file (one shard)."""

    batch: Any                    # pyarrow.RecordBatch
    first_row: int


# --------------------------------------------------------------------------------------
# decoded byte streams that survive damage
# --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Piece:
    data: bytes
    member: int                   # compressed offset of the member / frame these bytes came from


@dataclass(slots=True)
class Break:
    """The compressed bytes ``[start, end)`` could not be decoded."""

    kind: str
    start: int
    end: int
    reason: str
    #: truncated members only: decoded bytes of the member passed on before this Break
    #: (the framers keep the complete records among them and quarantine the incomplete tail)
    decoded: int = 0


GZIP_MAGIC = b"\x1f\x8b\x08"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class Stream:
    """The decoded bytes of one file as :class:`Piece` / :class:`Break` items."""

    def __init__(self, path: Path, compression: str | None):
        self.path = path
        self.compression = compression
        self.position = 0          # compressed bytes consumed (for progress)
        self.size = _size(path)

    def __iter__(self) -> Iterator[Piece | Break]:
        with open(self.path, "rb") as fh:
            if self.compression == "gzip":
                yield from self._members(fh, GZIP_MAGIC, self._gzip_member, "gzip")
            elif self.compression == "zstd":
                yield from self._members(fh, ZSTD_MAGIC, self._zstd_frame, "zstd")
            else:
                while True:
                    data = fh.read(CHUNK)
                    if not data:
                        return
                    self.position += len(data)
                    yield Piece(data, 0)

    # -- generic member loop ---------------------------------------------------------
    def _members(self, fh, magic: bytes, decode_one, label: str) -> Iterator[Piece | Break]:
        base = 0                  # file offset of buf[0]
        buf = fh.read(CHUNK)
        while True:
            if len(buf) < 4:
                more = fh.read(CHUNK)
                buf += more
                if not buf:
                    return
            self.position = base + len(buf)
            if label == "zstd" and len(buf) >= 8 and (int.from_bytes(buf[:4], "little") & 0xFFFFFFF0) == 0x184D2A50:
                skip = 8 + int.from_bytes(buf[4:8], "little")      # a skippable frame
                base, buf = self._advance(fh, base, buf, skip)
                continue
            if not buf.startswith(magic):
                if not buf.strip(b"\x00"):
                    rest = fh.read(CHUNK)
                    while rest and not rest.strip(b"\x00"):
                        base += len(buf)
                        buf, rest = rest, fh.read(CHUNK)
                    if not rest:
                        return                     # zero padding at the end: fine
                    buf += rest
                    continue
                nxt = self._find_magic(fh, base + 1, magic)
                what = "not gzip data" if label == "gzip" else "not zstd data"
                yield Break(f"corrupt-{label}", base, nxt, f"{what} at byte {base} (skipped to the next "
                            f"{'member' if label == 'gzip' else 'frame'})")
                fh.seek(nxt)
                base, buf = nxt, fh.read(CHUNK)
                continue
            start = base
            # A member's output is held back until its checksum (gzip CRC-32, zstd content
            # checksum when present) has been verified at its end, so the records of a damaged
            # member are quarantined with it instead of being passed on; a member larger than
            # HOLD_BACK is streamed (its damage can then only be reported after its records).
            held: list[Piece] | None = []
            held_n = 0
            decoded = 0
            try:
                for item in decode_one(fh, buf, start):
                    if isinstance(item, Piece):
                        decoded += len(item.data)
                        if held is None:
                            yield item
                            continue
                        held.append(item)
                        held_n += len(item.data)
                        if held_n > HOLD_BACK:
                            yield from held
                            held = None
                    else:                                       # (base, buf) after the member
                        base, buf = item
                        if held:
                            yield from held
                        held = None
            except _Damaged as exc:
                nxt = self._find_magic(fh, start + 1, magic)
                yield Break(f"corrupt-{label}", start, nxt, f"{exc} (member at byte {start}; skipped to the "
                            f"next {'member' if label == 'gzip' else 'frame'})")
                fh.seek(nxt)
                base, buf = nxt, fh.read(CHUNK)
            except _Truncated:
                # Not damage: the input stops.  What was decoded up to the cut is passed on (it
                # cannot be verified, the checksum is in the missing end); the framers keep its
                # complete records and quarantine the incomplete one at the cut.
                if held:
                    yield from held
                yield Break(f"truncated-{label}", start, self.size,
                            f"the file ends inside the {label} {'member' if label == 'gzip' else 'frame'} "
                            f"starting at byte {start}", decoded)
                self.position = self.size
                return

    @staticmethod
    def _advance(fh, base: int, buf: bytes, n: int) -> tuple[int, bytes]:
        if n <= len(buf):
            return base + n, buf[n:]
        fh.seek(base + n)
        return base + n, fh.read(CHUNK)

    def _gzip_member(self, fh, buf: bytes, start: int):
        d = zlib.decompressobj(31)
        base = start
        data = buf
        while True:
            try:
                out = d.decompress(data, MAX_PIECE)
                while True:
                    if out:
                        yield Piece(out, start)
                    if not d.unconsumed_tail:
                        break
                    out = d.decompress(d.unconsumed_tail, MAX_PIECE)
            except zlib.error as exc:
                if "incorrect data check" in str(exc) or "incorrect length check" in str(exc):
                    raise _Damaged("gzip checksum mismatch (CRC-32 / length): the member's data is "
                                   "damaged") from None
                raise _Damaged(f"gzip data is damaged: {exc}") from None
            if d.eof:
                rest = d.unused_data
                yield (base + len(data) - len(rest), rest if rest else fh.read(CHUNK))
                return
            base += len(data)
            data = fh.read(CHUNK)
            self.position = base + len(data)
            if not data:
                raise _Truncated()

    def _zstd_frame(self, fh, buf: bytes, start: int):
        import zstandard

        d = zstandard.ZstdDecompressor().decompressobj()
        base = start
        data = buf
        step = 128 * 1024
        while True:
            pos = 0
            while pos < len(data):
                part = data[pos:pos + step]
                try:
                    out = d.decompress(part)
                except zstandard.ZstdError as exc:
                    raise _Damaged(f"zstd data is damaged: {exc}") from None
                if out:
                    yield Piece(out, start)
                if d.eof:
                    used = pos + len(part) - len(d.unused_data)
                    rest = data[used:]
                    yield (base + used, rest if rest else fh.read(CHUNK))
                    return
                pos += len(part)
            base += len(data)
            data = fh.read(CHUNK)
            self.position = base + len(data)
            if not data:
                raise _Truncated()

    def _find_magic(self, fh, frm: int, magic: bytes) -> int:
        """Offset of the next plausible member / frame header at or after ``frm`` (or EOF)."""
        fh.seek(frm)
        pos = frm
        tail = b""
        while True:
            data = fh.read(CHUNK)
            if not data:
                return self.size
            hay = tail + data
            i = hay.find(magic)
            while i >= 0:
                cand = pos - len(tail) + i
                if magic != GZIP_MAGIC or self._plausible_gzip(fh, cand):
                    return cand
                i = hay.find(magic, i + 1)
            tail = hay[-(len(magic) - 1):]
            pos += len(data)

    @staticmethod
    def _plausible_gzip(fh, at: int) -> bool:
        here = fh.tell()
        fh.seek(at)
        head = fh.read(10)
        fh.seek(here)
        return len(head) == 10 and head[3] & 0xE0 == 0 and head[8] in (0, 2, 4)


class _Damaged(Exception):
    pass


class _Truncated(Exception):
    pass


def break_problem(inp: InputFile, br: Break) -> Problem:
    entry = error_entry(inp.display, br.kind, br.reason, action=QUARANTINED,
                        where={"offset": br.start, "length": br.end - br.start})
    return Problem(entry, ("range", br.start, br.end))


# --------------------------------------------------------------------------------------
# framing: JSON Lines
# --------------------------------------------------------------------------------------
def jsonl_items(inp: InputFile, stream: Stream, max_record: int) -> Iterator[Any]:
    """Lines of a JSON Lines stream as :class:`Rec` (line terminators included)."""
    line_no = 0
    offset = 0                    # decoded offset of the start of the pending line
    pending: list[bytes] = []
    pending_len = 0
    pending_member = 0
    streaming = False             # inside an over-long line being passed through

    def too_large(line: int, off: int, size: str) -> dict:
        return error_entry(inp.display, "record-too-large",
                           f"line of {size} bytes, larger than --max-record-bytes ({max_record}); passed through "
                           "uncleaned", action=PASSED_THROUGH, where={"line": line, "offset": off})

    for piece in stream:
        if isinstance(piece, Break) and piece.decoded:
            # the file ends inside a member whose decoded bytes were all passed on: the
            # complete lines are records like any other, only the line at the cut is lost
            member = {"member_offset": piece.start}
            if streaming:
                yield RawPiece(b"", True)
                streaming = False
                yield Problem(error_entry(inp.display, piece.kind, f"{piece.reason}; the over-long line before "
                                          "the cut (passed through, reported above) has no end", action=NOTHING,
                                          records=0, where={"offset": offset, **member}))
            elif pending:
                line_no += 1
                cut = b"".join(pending)
                yield Problem(error_entry(inp.display, piece.kind, f"{piece.reason}; the last line is incomplete "
                                          f"({len(cut)} bytes decoded before the cut, quarantined); the complete "
                                          "lines before it are kept", action=QUARANTINED,
                                          where={"line": line_no, "offset": offset, **member}), ("bytes", cut))
                offset += len(cut)
            else:
                yield Problem(error_entry(inp.display, piece.kind, f"{piece.reason}; every line decoded before the "
                                          "cut is complete and kept (the member's checksum is in the missing end)",
                                          action=NOTHING, records=0, where={"offset": offset, **member}))
            pending.clear()
            pending_len = 0
            continue
        if isinstance(piece, Break):
            if streaming:
                yield RawPiece(b"", True)
                streaming = False
            elif pending:
                line_no += 1
                cut = b"".join(pending)
                yield Problem(error_entry(inp.display, piece.kind, "line cut short by damaged compressed data "
                                          "that follows it", action=QUARANTINED,
                                          where={"line": line_no, "offset": offset}), ("bytes", cut))
                offset += len(cut)
            pending.clear()
            pending_len = 0
            yield break_problem(inp, piece)
            continue
        data = piece.data
        start = 0
        if streaming:
            nl = data.find(b"\n")
            if nl < 0:
                offset += len(data)
                yield RawPiece(data, False)
                continue
            offset += nl + 1
            yield RawPiece(data[:nl + 1], True)
            streaming = False
            start = nl + 1
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            if pending:
                raw = b"".join(pending) + data[start:nl + 1]
                member = pending_member
                pending.clear()
                pending_len = 0
            else:
                raw = data[start:nl + 1]
                member = piece.member
            line_no += 1
            if len(raw) > max_record:
                yield Passthrough(too_large(line_no, offset, str(len(raw))), raw, True)
            else:
                yield Rec(raw, line_no, offset, member)
            offset += len(raw)
            start = nl + 1
        if start < len(data):
            if not pending:
                pending_member = piece.member
            pending.append(data[start:] if start else data)
            pending_len += len(data) - start
            if pending_len > max_record:
                line_no += 1
                yield Passthrough(too_large(line_no, offset, f"more than {max_record}"), b"".join(pending), False)
                offset += pending_len
                pending.clear()
                pending_len = 0
                streaming = True
    if streaming:
        yield RawPiece(b"", True)
    elif pending:
        line_no += 1
        raw = b"".join(pending)
        if len(raw) > max_record:
            yield Passthrough(too_large(line_no, offset, str(len(raw))), raw, True)
        else:
            yield Rec(raw, line_no, offset, pending_member)


# --------------------------------------------------------------------------------------
# framing: WARC / WET
# --------------------------------------------------------------------------------------
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$")
_WARC_START = re.compile(rb"(?:^|\n)WARC/\d")
MAX_HEADER = 1 << 20


class _WarcFramer:
    """Cuts a decoded WARC stream into records (header block + content block + CRLF CRLF)."""

    def __init__(self, inp: InputFile, max_record: int):
        self.inp = inp
        self.max_record = max_record
        self.buf = bytearray()
        self.pos = 0                  # start of unconsumed data in buf
        self.off = 0                  # decoded stream offset of buf[pos]
        self.members: list[tuple[int, int]] = []   # (decoded offset, member offset) of pieces
        self.need = None              # length of the record at pos (headers + block) once parsed
        self.passing = 0              # bytes of an over-long record still to stream through

    # -- buffer ------------------------------------------------------------------
    def feed(self, data: bytes, member: int) -> None:
        if self.pos:
            del self.buf[:self.pos]
            self.pos = 0
        self.members = [m for m in self.members if m[0] >= self.off] or self.members[-1:]
        self.members.append((self.off + len(self.buf), member))
        self.buf += data

    def avail(self) -> int:
        return len(self.buf) - self.pos

    def consume(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        self.off += n
        return out

    def where(self, **extra) -> dict:
        member = None
        for o, m in self.members:
            if o <= self.off:
                member = m
            else:
                break
        w = {"offset": self.off}
        if member is not None and self.inp.compression:
            w["member_offset"] = member
        w.update(extra)
        return w

    def problem(self, kind: str, reason: str, n: int, **extra) -> Problem:
        where = self.where(**extra)
        junk = self.consume(n)
        return Problem(error_entry(self.inp.display, kind, reason, action=QUARANTINED, where=where), ("bytes", junk))

    # -- framing -----------------------------------------------------------------
    def records(self, final: bool = False, cut: Break | None = None) -> Iterator[Any]:
        """Complete records as :class:`Rec`; with ``final``, what remains is reported (as
        ``cut.kind`` when the file ends inside the compressed member ``cut``)."""
        buf = self.buf
        torn = cut.kind if cut is not None else "truncated-warc-record"
        why = f"{cut.reason}; " if cut is not None else ""
        while self.avail():
            p = self.pos
            if self.need is None:
                if not buf.startswith(b"WARC/", p):
                    n = 0
                    while p + n < len(buf) and buf[p + n] in b"\r\n":
                        n += 1                      # stray line breaks between records
                    if n:
                        self.consume(n)
                        continue
                    m = _WARC_START.search(buf, p + 1)
                    if m is None:
                        if not final and self.avail() < MAX_HEADER:
                            return                  # wait for more data
                        cut = self.avail() if final else self.avail() - 8
                    else:
                        cut = m.start() - p + (1 if buf[m.start()] == 10 else 0)
                    yield self.problem("malformed-warc", f"{cut} bytes that are not a WARC record (skipped to "
                                       "the next record)", cut)
                    continue
                end = buf.find(b"\r\n\r\n", p)
                if end < 0:
                    if final or self.avail() > MAX_HEADER:
                        yield self.problem(torn if final else "malformed-warc",
                                           f"{why}WARC header block without its end", self.avail())
                    return
                hdr = end + 4 - p
                m = _CONTENT_LENGTH.search(buf, p, end + 2)
                if m is None:
                    yield self.problem("malformed-warc", "WARC record without Content-Length", hdr)
                    continue
                self.need = hdr + int(m.group(1))
                if self.need + 4 > self.max_record:
                    yield from self._pass_through(hdr)
                    if self.passing:
                        return
                    continue
            if self.avail() < self.need:
                if final:
                    yield self.problem(torn, f"{why}the archive ends inside a record: "
                                       f"{self.avail()} of {self.need} bytes present", self.avail())
                    self.need = None
                return
            # the block is followed by CRLF CRLF; accept up to four CR/LF bytes
            tail = 0
            q = p + self.need
            while tail < 4 and q + tail < len(buf) and buf[q + tail] in b"\r\n":
                tail += 1
            if tail < 4 and q + tail >= len(buf) and not final:
                return                              # the trailer may still be arriving
            where = self.where()
            raw = self.consume(self.need + tail)
            self.need = None
            yield Rec(raw, None, where["offset"], where.get("member_offset"))

    def _pass_through(self, hdr: int) -> Iterator[Any]:
        total = self.need + 4                       # a standard record ends with CRLF CRLF
        p = self.pos
        block_head = bytes(self.buf[p + hdr:p + min(self.avail(), hdr + 65536)])
        headers = bytes(self.buf[p:p + hdr])
        entry = None
        if warc_text_type(headers, block_head):
            entry = error_entry(self.inp.display, "record-too-large",
                                f"record is {self.need} bytes, over --max-record-bytes ({self.max_record}); "
                                "passed through uncleaned", action=PASSED_THROUGH,
                                where=self.where(id=_header(headers, b"WARC-Record-ID")))
        head = self.consume(min(self.avail(), total))
        self.passing = total - len(head)
        self.need = None
        yield Passthrough(entry, head, self.passing == 0)

    def stream(self, data: bytes, member: int) -> Iterator[Any]:
        """Feed one decoded piece."""
        if self.passing:
            if len(data) < self.passing:
                self.passing -= len(data)
                self.off += len(data)
                yield RawPiece(data, False)
                return
            head, data = data[:self.passing], data[self.passing:]
            self.off += self.passing
            self.passing = 0
            yield RawPiece(head, True)
            if not data:
                return
        self.feed(data, member)
        yield from self.records()

    def damaged(self, br: Break) -> Iterator[Any]:
        if self.passing:
            self.off += self.passing
            self.passing = 0
            yield RawPiece(b"", True)
        elif self.avail() and bytes(self.buf[self.pos:]).strip(b"\r\n"):
            kind = "truncated-warc-record" if self.need is not None else "malformed-warc"
            yield self.problem(kind, "record cut short by damaged compressed data", self.avail())
        self.buf.clear()
        self.pos = 0
        self.need = None
        yield break_problem(self.inp, br)

    def truncated(self, br: Break) -> Iterator[Any]:
        """The file ends inside a member whose decoded bytes were all passed on: the
        complete records are kept, the record at the cut is quarantined as ``br.kind``."""
        if self.passing:
            lost = self.passing
            self.off += self.passing
            self.passing = 0
            yield RawPiece(b"", True)
            yield Problem(error_entry(self.inp.display, br.kind, f"{br.reason}; the over-long record before the "
                                      f"cut (passed through, reported above) lacks its last {lost} bytes",
                                      action=NOTHING, records=0,
                                      where={"offset": self.off, "member_offset": br.start}))
            return
        reported = False
        for item in self.records(final=True, cut=br):
            reported = reported or isinstance(item, Problem)
            yield item
        self.buf.clear()
        self.pos = 0
        self.need = None
        if not reported:
            yield Problem(error_entry(self.inp.display, br.kind, f"{br.reason}; every record decoded before the "
                                      "cut is complete and kept (the member's checksum is in the missing end)",
                                      action=NOTHING, records=0,
                                      where={"offset": self.off, "member_offset": br.start}))

    def end(self) -> Iterator[Any]:
        if self.passing:
            yield RawPiece(b"", True)
            yield Problem(error_entry(self.inp.display, "truncated-warc-record",
                                      f"the archive ends {self.passing} bytes before the end of a record that "
                                      "was passed through", action=NOTHING, records=0, where={"offset": self.off}))
            return
        yield from self.records(final=True)


def warc_items(inp: InputFile, stream: Stream, max_record: int) -> Iterator[Any]:
    """WARC records (header block, content block and trailing CRLFs) as :class:`Rec`."""
    framer = _WarcFramer(inp, max_record)
    for piece in stream:
        if isinstance(piece, Break):
            yield from (framer.truncated(piece) if piece.decoded else framer.damaged(piece))
        else:
            yield from framer.stream(piece.data, piece.member)
    yield from framer.end()


def _header(block: bytes, name: bytes) -> str | None:
    m = re.search(rb"(?im)^" + re.escape(name) + rb"[ \t]*:[ \t]*(.*?)[ \t]*\r?$", block)
    return m.group(1).decode("utf-8", "replace") if m else None


#: media types whose text is cleaned, and how the text is read
TEXT_TYPES = {"text/plain": "plain", "text/html": "html", "application/xhtml+xml": "html",
              "text/markdown": "markdown", "text/x-markdown": "markdown"}


def _media(content_type: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type value."""
    if not content_type:
        return None, None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"\'') or None
    return parts[0].lower(), charset


def warc_text_type(headers: bytes, block_head: bytes) -> str | None:
    """How the record's text is read ("plain", "html", "markdown") or None when it is not
    cleaned: conversion records (WET), and response records with a text media type."""
    wtype = (_header(headers, b"WARC-Type") or "").lower()
    if wtype == "conversion":
        media, _ = _media(_header(headers, b"Content-Type"))
        return TEXT_TYPES.get(media or "text/plain")
    if wtype == "response" and block_head.startswith(b"HTTP/"):
        end = block_head.find(b"\r\n\r\n")
        media, _ = _media(_header(block_head[:end if end >= 0 else len(block_head)], b"Content-Type"))
        return TEXT_TYPES.get(media or "")
    return None


@dataclass(slots=True)
class WarcRecord:
    """A WARC record split into its parts (headers parsed by warcio)."""

    headers: bytes                # WARC header block, through the blank line
    http: bytes                   # HTTP header block of a response, through the blank line (or b"")
    payload: bytes
    tail: bytes                   # the CRLF CRLF after the block
    warc_type: str
    record_id: str | None
    uri: str | None
    text_type: str | None         # "plain" / "html" / "markdown": the payload is cleaned
    charset: str
    skip_reason: str | None       # why a text record is passed through untouched


def parse_warc(raw: bytes) -> WarcRecord:
    """Split a framed record (see :class:`_WarcFramer`); raises ValueError when malformed."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeadersParser

    end = raw.find(b"\r\n\r\n")
    if end < 0:
        raise ValueError("no end of WARC headers")
    hlen = end + 4
    headers = raw[:hlen]
    rec = StatusAndHeadersParser(["WARC/1.0", "WARC/1.1", "WARC/0.17", "WARC/0.18"], verify=False) \
        .parse(BytesIO(headers))
    clen = int(rec.get_header("Content-Length") or 0)
    block = raw[hlen:hlen + clen]
    tail = raw[hlen + clen:]
    wtype = (rec.get_header("WARC-Type") or "").lower()
    http = b""
    payload = block
    media = charset = None
    skip = None
    if wtype == "response" and block.startswith(b"HTTP/"):
        hend = block.find(b"\r\n\r\n")
        if hend < 0:
            media = None
        else:
            http = block[:hend + 4]
            payload = block[hend + 4:]
            h = StatusAndHeadersParser([], verify=False).parse(BytesIO(http))
            media, charset = _media(h.get_header("Content-Type"))
            enc = (h.get_header("Content-Encoding") or "identity").strip().lower()
            te = (h.get_header("Transfer-Encoding") or "").strip().lower()
            if enc not in ("", "identity"):
                skip = f"payload is {enc}-encoded"
            elif "chunked" in te:
                skip = "payload uses chunked transfer encoding"
    elif wtype == "conversion":
        media, charset = _media(rec.get_header("Content-Type"))
        media = media or "text/plain"
    text_type = TEXT_TYPES.get(media or "") if wtype in ("response", "conversion") else None
    return WarcRecord(headers, http, payload, tail, wtype, rec.get_header("WARC-Record-ID"),
                      rec.get_header("WARC-Target-URI"), text_type, charset or "utf-8", skip)


# --------------------------------------------------------------------------------------
# text files
# --------------------------------------------------------------------------------------
def text_items(inp: InputFile, max_record: int, out_real: Path | None = None) -> Iterator[Any]:
    files = walk_sorted(inp.path, exclude=out_real) if inp.is_dir else iter([(inp.path, inp.path.name)])
    for path, rel in files:
        if inp.is_dir:
            kind = detect(path.name)
            if kind is None or kind[0] != "text":
                continue
        display = os.path.join(inp.display, rel) if inp.is_dir else inp.display
        try:
            size = path.stat().st_size
            if size == 0:
                yield CopyFile(path, rel, error_entry(display, "empty-file", "empty file (copied as is)",
                                                      action=COPIED, records=0), records=0)
                continue
            if size > max_record:
                yield CopyFile(path, rel, error_entry(
                    display, "record-too-large", f"file is {size} bytes, over --max-record-bytes ({max_record}); "
                    "copied uncleaned", action=COPIED))
                continue
            with open(path, "rb") as fh:
                raw = fh.read(max_record + 1)
        except OSError as exc:
            yield Problem(error_entry(display, "unreadable-file", f"cannot read: {exc.strerror or exc}",
                                      action=NOTHING))
            continue
        yield Rec(raw, name=rel)


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------
def parquet_items(inp: InputFile, shard_bytes: int, text_column: str) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(inp.path)
        schema = pf.schema_arrow
        meta = pf.metadata
    except Exception as exc:  # pyarrow raises several types for damaged files
        # (its rows cannot be counted: like any unreadable stretch, one errored record)
        yield CopyFile(inp.path, "", error_entry(inp.display, "unreadable-file",
                                                 f"not a readable Parquet file: {exc}", action=COPIED,
                                                 records=1), records=1)
        return
    rows = meta.num_rows
    if rows == 0:
        yield CopyFile(inp.path, "", error_entry(inp.display, "empty-file", "Parquet file without rows (copied)",
                                                 action=COPIED, records=0), records=0)
        return
    if text_column not in schema.names:
        yield CopyFile(inp.path, "", error_entry(
            inp.display, "missing-text-field", f"no column {text_column!r} (columns: {', '.join(schema.names)}); "
            "file copied uncleaned", action=COPIED, records=rows), records=rows)
        return
    typ = schema.field(text_column).type
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
        yield CopyFile(inp.path, "", error_entry(
            inp.display, "not-text", f"column {text_column!r} has type {typ}, not string; file copied uncleaned",
            action=COPIED, records=rows), records=rows)
        return
    total = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) or rows
    per_shard = max(1, int(shard_bytes * rows / total))
    first = 0
    try:
        for batch in pf.iter_batches(batch_size=per_shard, use_threads=False):
            yield Rows(batch, first)
            first += batch.num_rows
    except Exception as exc:
        yield Problem(error_entry(inp.display, "unreadable-file",
                                  f"Parquet data unreadable from row {first}: {exc}; the file is copied to "
                                  "quarantine", action=QUARANTINED, records=rows - first, where={"row": first}),
                      ("range", 0, inp.size))
