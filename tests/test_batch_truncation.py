"""``mtclean batch`` on compressed inputs that stop early or hold nothing.

* A file that ends inside a gzip member / zstd frame: every complete record decoded
  before the cut is cleaned and written like any other (whatever the member's size),
  only the incomplete record at the cut is quarantined (its decoded bytes) and
  reported; counts reconcile and the exit code is 3.
* A compressed output with nothing in it (an empty stream, every member lost) is a
  valid gzip / zstd file, not 0 bytes.

Real runs of the real executable, as in ``test_batch.py``; expectations come from
zlib / zstandard decoding the same truncated bytes and the engine on the same texts.
"""
from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from test_batch import (all_frames_zstd, assert_no_traceback, assert_reconciles, batch, fixed_all, make_records,
                        read_jsonl, texts)


def _lines(n: int, seed: int) -> tuple[list[dict], list[bytes]]:
    recs = make_records(n, seed=seed)
    return recs, [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs]


def _one_member(data: bytes, suffix: str) -> bytes:
    """``data`` as a single gzip member / zstd frame (with its content checksum)."""
    if suffix.endswith(".gz"):
        return gzip.compress(data, mtime=0)
    import zstandard

    return zstandard.ZstdCompressor(level=3, write_checksum=True).compress(data)


def _decode_prefix(cut: bytes, suffix: str) -> bytes:
    """What the library decodes from a truncated stream (no error for the missing end)."""
    if suffix.endswith(".gz"):
        return zlib.decompressobj(31).decompress(cut)
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj().decompress(cut)


def _cut_inside_a_line(whole: bytes, suffix: str) -> tuple[bytes, bytes]:
    """(truncated stream, what it decodes to) with the cut inside a line of the decoded
    data (zstd decodes whole blocks of up to 128 KB, so a cut can decode to nothing)."""
    for tenths in range(5, 10):
        cut = whole[:len(whole) * tenths // 10]
        decoded = _decode_prefix(cut, suffix)
        if decoded and not decoded.endswith(b"\n"):
            return cut, decoded
    raise AssertionError("no cut inside a line")


def _decode_output(path: Path) -> bytes:
    data = path.read_bytes()
    assert data, f"{path.name}: 0-byte compressed output"
    if path.name.endswith(".gz"):
        return gzip.decompress(data)
    return all_frames_zstd(data)


def _valid_compressed(path: Path) -> None:
    """The output passes the real tools' integrity test (falling back to the libraries)."""
    tool = "gzip" if path.name.endswith(".gz") else "zstd"
    if shutil.which(tool):
        run = subprocess.run([tool, "-t", str(path)], capture_output=True)
        assert run.returncode == 0, (tool, run.stderr)
    _decode_output(path)


def _kind(suffix: str) -> str:
    return "truncated-gzip" if suffix.endswith(".gz") else "truncated-zstd"


def _summary(out: Path) -> dict:
    s = json.loads((out / "summary.json").read_text())
    assert_reconciles(s)
    return s


# --------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_truncated_single_member_keeps_the_complete_lines(tmp_path, suffix):
    recs, lines = _lines(1500, seed=21)
    raw = b"".join(lines)
    whole = _one_member(raw, suffix)
    cut, decoded = _cut_inside_a_line(whole, suffix)
    assert raw.startswith(decoded) and len(decoded) < len(raw)
    n = decoded.count(b"\n")
    tail = decoded[decoded.rfind(b"\n") + 1:]
    assert n > 50 and tail
    name = f"t{suffix}"
    (tmp_path / name).write_bytes(cut)

    run = batch(name, "--out", "out", cwd=tmp_path)
    assert run.returncode == 3, run.stderr                      # completed, with an input problem
    assert_no_traceback(run)
    out = tmp_path / "out"
    got = _decode_output(out / name).splitlines(keepends=True)
    assert len(got) == n
    assert [json.loads(x)["id"] for x in got] == [r["id"] for r in recs[:n]]
    assert [json.loads(x)["text"] for x in got] == fixed_all([r["text"] for r in recs[:n]])
    assert [json.loads(x)["meta"] for x in got] == [r["meta"] for r in recs[:n]]
    assert any(a != b for a, b in zip(got, lines))              # they were cleaned, not copied
    [err] = read_jsonl(out / "errors.jsonl")
    assert err["file"] == name and err["kind"] == _kind(suffix) and err["action"] == "quarantined"
    assert err["line"] == n + 1 and err["offset"] == len(decoded) - len(tail) and err["member_offset"] == 0
    assert err["records"] == 1 and "ends inside" in err["reason"]
    assert (out / err["quarantine"]).read_bytes() == tail       # only the incomplete line
    assert [p.name for p in (out / "quarantine").iterdir()] == [Path(err["quarantine"]).name]
    r = _summary(out)["records"]
    assert (r["in"], r["out"], r["errored"]) == (n + 1, n, 1)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_file_ending_in_the_checksum_keeps_every_line(tmp_path, suffix):
    """Cut inside the gzip trailer / zstd checksum: all data decoded, nothing incomplete."""
    recs, lines = _lines(40, seed=22)
    whole = _one_member(b"".join(lines), suffix)
    name = f"c{suffix}"
    (tmp_path / name).write_bytes(whole[:-3])
    run = batch(name, "--out", "out", cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    out = tmp_path / "out"
    got = _decode_output(out / name).splitlines()
    assert [json.loads(x)["text"] for x in got] == fixed_all([r["text"] for r in recs])
    [err] = read_jsonl(out / "errors.jsonl")
    assert err["kind"] == _kind(suffix) and err["action"] == "none" and err["records"] == 0
    assert err["offset"] == len(b"".join(lines)) and "quarantine" not in err
    assert not (out / "quarantine").exists()
    r = _summary(out)["records"]
    assert (r["in"], r["out"], r["errored"]) == (40, 40, 0)


def test_truncated_last_member_of_several(tmp_path):
    recs, lines = _lines(60, seed=23)
    members = [gzip.compress(b"".join(lines[i:i + 20]), mtime=0) for i in (0, 20, 40)]
    cut = members[2][:len(members[2]) * 2 // 3]
    decoded = _decode_prefix(cut, ".gz")
    n = 40 + decoded.count(b"\n")
    assert n < 60 and not decoded.endswith(b"\n")
    (tmp_path / "m.jsonl.gz").write_bytes(members[0] + members[1] + cut)
    run = batch("m.jsonl.gz", "--out", "out", "--shard-size", "8K", "--jobs", "2", cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    out = tmp_path / "out"
    got = _decode_output(out / "m.jsonl.gz").splitlines()
    assert [json.loads(x)["text"] for x in got] == fixed_all([r["text"] for r in recs[:n]])
    [err] = read_jsonl(out / "errors.jsonl")
    assert err["kind"] == "truncated-gzip" and err["member_offset"] == len(members[0]) + len(members[1])
    assert err["line"] == n + 1
    assert (out / err["quarantine"]).read_bytes() == decoded[decoded.rfind(b"\n") + 1:]
    r = _summary(out)["records"]
    assert (r["in"], r["out"], r["errored"]) == (n + 1, n, 1)


def test_truncation_handling_does_not_depend_on_the_member_size(tmp_path, monkeypatch):
    """A member is held back up to HOLD_BACK bytes (to quarantine it whole if its
    checksum fails); a truncated one gives the same records whether it was held or not."""
    from cleaner.batch import readers

    _, lines = _lines(300, seed=24)
    whole = _one_member(b"".join(lines), ".gz")
    path = tmp_path / "h.jsonl.gz"
    path.write_bytes(whole[:len(whole) // 2])
    inp = readers.discover([str(path)], tmp_path / "out")[0]

    def items() -> list:
        got = []
        for it in readers.jsonl_items(inp, readers.Stream(path, "gzip"), 1 << 20):
            got.append((type(it).__name__, it.raw if isinstance(it, readers.Rec) else it.entry))
        return got

    held = items()
    monkeypatch.setattr(readers, "HOLD_BACK", 4096)             # smaller than the decoded member
    streamed = items()
    assert held == streamed
    assert sum(1 for k, _ in held if k == "Rec") > 100 and held[-1][0] == "Problem"


# --------------------------------------------------------------------------------------
# WARC
# --------------------------------------------------------------------------------------
def test_truncated_single_member_warc_gz_keeps_the_complete_records(tmp_path):
    """A whole WARC file gzipped as one member (not one member per record)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    pool = texts()
    bodies = [pool[i % len(pool)] * 3 for i in range(12)]
    records = []
    for i, body in enumerate(bodies):
        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=False)
        w.write_record(w.create_warc_record(f"http://x/{i}", "conversion", payload=io.BytesIO(body.encode()),
                                            warc_content_type="text/plain"))
        records.append(buf.getvalue())
    plain = b"".join(records)
    gz = gzip.compress(plain, mtime=0)
    cut = gz[:len(gz) * 2 // 3]
    decoded = _decode_prefix(cut, ".gz")
    ends = [sum(len(r) for r in records[:k + 1]) for k in range(len(records))]
    k = sum(1 for e in ends if e <= len(decoded))               # complete records before the cut
    assert 3 <= k < len(records) and ends[k - 1] < len(decoded)
    (tmp_path / "one.warc.gz").write_bytes(cut)

    run = batch("one.warc.gz", "--out", "out", cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    assert_no_traceback(run)
    out = tmp_path / "out"
    with open(out / "one.warc.gz", "rb") as fh:
        got = [r.content_stream().read().decode() for r in ArchiveIterator(fh, check_digests="raise")]
    assert got == fixed_all(bodies[:k])
    [err] = read_jsonl(out / "errors.jsonl")
    assert err["kind"] == "truncated-gzip" and err["action"] == "quarantined" and err["records"] == 1
    assert err["offset"] == ends[k - 1] and err["member_offset"] == 0
    assert (out / err["quarantine"]).read_bytes() == decoded[ends[k - 1]:]
    r = _summary(out)["records"]
    assert (r["in"], r["out"], r["errored"]) == (k + 1, k, 1)


# --------------------------------------------------------------------------------------
# nothing comes out: still a valid compressed file
# --------------------------------------------------------------------------------------
def _empty(suffix: str) -> bytes:
    return _one_member(b"", suffix)


def _crc_broken(suffix: str) -> bytes:
    _, lines = _lines(10, seed=25)
    member = bytearray(gzip.compress(b"".join(lines), mtime=0))
    member[-5] ^= 0x01                                          # the CRC-32: the data decodes, then fails
    return bytes(member)


@pytest.mark.parametrize("suffix,make,code", [
    (".jsonl.gz", _empty, 0),
    (".jsonl.zst", _empty, 0),
    (".warc.gz", _empty, 0),
    (".jsonl.gz", _crc_broken, 3),                               # the only member is quarantined
])
def test_compressed_output_with_nothing_in_it_is_valid(tmp_path, suffix, make, code):
    name = f"e{suffix}"
    (tmp_path / name).write_bytes(make(suffix))
    run = batch(name, "--out", "out", cwd=tmp_path)
    assert run.returncode == code, run.stderr
    _valid_compressed(tmp_path / "out" / name)
    assert _decode_output(tmp_path / "out" / name) == b""
    _summary(tmp_path / "out")


def test_truncated_output_does_not_depend_on_jobs_or_shards(tmp_path):
    _, lines = _lines(400, seed=26)
    whole = _one_member(b"".join(lines), ".zst")
    (tmp_path / "d.jsonl.zst").write_bytes(whole[:len(whole) * 3 // 4])
    runs = []
    for out, extra in (("a", ("--jobs", "1")), ("b", ("--jobs", "2", "--shard-size", "8K"))):
        run = batch("d.jsonl.zst", "--out", out, *extra, cwd=tmp_path)
        assert run.returncode == 3, run.stderr
        runs.append([(tmp_path / out / f).read_bytes() for f in ("d.jsonl.zst", "errors.jsonl")])
    assert _decode_output(tmp_path / "a" / "d.jsonl.zst") == _decode_output(tmp_path / "b" / "d.jsonl.zst")
    assert runs[0][1] == runs[1][1]
