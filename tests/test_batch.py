"""``mtclean batch``: formats in = formats out, text cleaned by the real engine, every
record accounted for, reports, exit codes, progress bar.

Every run goes through the real ``mtclean`` executable (``run_cli``) in a temporary
directory, and every expectation is computed independently with ``cleaner.fix`` /
``cleaner.check`` on the same texts.  Resume and Dask tests live in
``test_batch_resume.py`` and ``test_batch_dask.py``.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.textfile import decode

from conftest import MTCLEAN, run_cli

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------
def source_texts() -> list[str]:
    """Real prose with real machine-translation damage: the project's annotated corpus
    and the seed article's paragraphs."""
    texts = [json.loads(line)["text"] for line in (ROOT / "corpus" / "mtclean.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    seed = (ROOT / "seeds" / "000_0d79818c9da73b44.txt").read_text("utf-8")
    texts += [p for p in seed.split("\n\n") if p.strip()]
    return texts


_TEXTS: list[str] | None = None


def texts() -> list[str]:
    global _TEXTS
    if _TEXTS is None:
        _TEXTS = source_texts()
    return _TEXTS


def make_records(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    pool = texts()
    out = []
    for i in range(n):
        out.append({"id": f"doc-{i}", "meta": {"lang": "en", "n": i, "score": round(rng.random(), 3)},
                    "text": pool[rng.randrange(len(pool))]})
    return out


def compress(data: bytes, suffix: str) -> bytes:
    if suffix.endswith(".gz"):
        return gzip.compress(data, mtime=0)
    if suffix.endswith(".zst"):
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return data


def decompress(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        return gzip.decompress(data) if data else b""
    if path.name.endswith(".zst"):
        import zstandard

        return zstandard.ZstdDecompressor().decompressobj().decompress(data) if data else b""
    return data


def all_frames_zstd(data: bytes) -> bytes:
    import zstandard

    out = []
    while data:
        d = zstandard.ZstdDecompressor().decompressobj()
        out.append(d.decompress(data))
        data = d.unused_data
    return b"".join(out)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    raw = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    path.write_bytes(compress(raw, path.name))
    return path


def batch(*args: str, cwd: Path, timeout: float = 300, env: dict | None = None):
    return run_cli("batch", *args, cwd=cwd, timeout=timeout, env=env)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


# Other engineers change the rule set while this suite runs, so expectations are
# computed by a fresh process right after each batch run (the same code and rules the
# batch run saw), never by this long-lived test process.
_ENGINE = r"""
import json, sys
import cleaner
from cleaner.formats import regions_for
out = []
for it in json.load(sys.stdin):
    text = it["text"]
    regions = regions_for(it["path"], text) if it.get("path") else []
    if it.get("check"):
        out.append({"findings": [[f.rule, f.span.start, f.span.end, f.fix.applicability.label if f.fix else None]
                                 for f in cleaner.check(text, regions=regions)]})
    else:
        r = cleaner.fix(text, it.get("unsafe", False), regions=regions)
        out.append({"text": r.text, "applied": sorted(f.rule for f in r.applied),
                    "remaining": sorted(f.rule for f in r.remaining), "passes": r.passes})
json.dump(out, sys.stdout)
"""


def engine(items: list[dict], cwd: Path | None = None) -> list[dict]:
    """What the real engine does with each item ({"text", "path"?, "unsafe"?, "check"?}), in a fresh process."""
    proc = subprocess.run([sys.executable, "-c", _ENGINE], input=json.dumps(items).encode(), capture_output=True,
                          cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def fixed_all(texts: list[str], unsafe: bool = False, paths: list | None = None) -> list[str]:
    items = [{"text": t, "unsafe": unsafe, "path": (paths[i] if paths else None)} for i, t in enumerate(texts)]
    return [r["text"] for r in engine(items)]


def fixed(text: str, unsafe: bool = False, path: str | None = None) -> str:
    return fixed_all([text], unsafe, [path] if path else None)[0]


def assert_no_traceback(run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr


def assert_reconciles(summary: dict) -> None:
    r = summary["records"]
    assert r["in"] == r["out"] + r["errored"], r
    assert summary["reconciles"] is True


# --------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------
def _text_token(line: str, key: str = "text") -> tuple[int, int]:
    """Span of the JSON string value of top-level ``key`` (independent of the batch code)."""
    m = re.search(r'"%s"\s*:\s*"' % re.escape(key), line)
    assert m, line
    start = m.end() - 1
    _, end = json.decoder.scanstring(line, start + 1)
    return start, end


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst", ".jsonl"])
def test_jsonl_cleaned_like_the_engine_and_everything_else_kept(tmp_path, suffix):
    recs = make_records(120, seed=1)
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in recs]
    # formatting a re-serialiser would change: escapes, spacing, number spelling, CRLF, key order
    lines[3] = ('{ "text" : ' + json.dumps(recs[3]["text"], ensure_ascii=True) + ' ,  "id":"doc-3", '
                '"n": 1.0e5, "u": "\\u00e9t\\u00e9", "z": [1,2 ,3]}\r\n')
    lines[4] = lines[4].replace(", ", ",")
    lines[-1] = lines[-1].rstrip("\n")                       # no newline at the end of the file
    src = tmp_path / f"docs{suffix}"
    src.write_bytes(compress("".join(lines).encode("utf-8"), suffix))
    run = batch(str(src), "--out", "out", "--id-field", "id", "--shard-size", "16K", "--jobs", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert_no_traceback(run)
    out_path = tmp_path / "out" / src.name
    got = decompress(out_path) if suffix != ".jsonl.zst" else all_frames_zstd(out_path.read_bytes())
    out_lines = got.decode("utf-8").splitlines(keepends=True)
    assert len(out_lines) == len(lines)
    changed = 0
    wants = fixed_all([json.loads(x)["text"] for x in lines])
    for before, after, want in zip(lines, out_lines, wants):
        text = json.loads(before)["text"]
        if want == text:
            assert after == before                               # byte for byte
            continue
        changed += 1
        assert json.loads(after)["text"] == want
        s, e = _text_token(before)
        s2, e2 = _text_token(after)
        assert before[:s] == after[:s2] and before[e:] == after[e2:]   # only the text token differs
        obj_b, obj_a = json.loads(before), json.loads(after)
        obj_b["text"] = want
        assert obj_a == obj_b
    assert changed >= 10
    # the record written with \\u escapes keeps \\u escapes
    if wants[3] != recs[3]["text"]:
        assert out_lines[3].isascii()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["records"] == {"in": 120, "out": 120, "changed": changed, "errored": 0, "skipped": 0,
                                  "blank_lines": 0}
    assert summary["shards"]["total"] > 3
    assert summary["text_mb_per_s"] > 0
    assert "records: 120 in, 120 out" in run.stdout


def test_nested_text_field_and_findings_report(tmp_path):
    recs = [{"meta": {"id": i}, "doc": {"body": t, "title": "T"}} for i, t in enumerate(texts()[:40])]
    write_jsonl(tmp_path / "n.jsonl", recs)
    run = batch("n.jsonl", "--out", "out", "--text-field", "doc.body", "--id-field", "meta.id", "--jobs", "1",
                cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = [json.loads(x) for x in (tmp_path / "out" / "n.jsonl").read_text("utf-8").splitlines()]
    report = read_jsonl(tmp_path / "out" / "findings.jsonl")
    n_applied = 0
    results = engine([{"text": r["doc"]["body"]} for r in recs])
    for i, (r, o, res) in enumerate(zip(recs, out, results)):
        text = r["doc"]["body"]
        assert o["doc"]["body"] == res["text"] and o["doc"]["title"] == "T" and o["meta"] == r["meta"]
        mine = [f for f in report if f["id"] == i]
        assert all(f["line"] == i + 1 and f["file"] == "n.jsonl" for f in mine)
        applied = [f for f in mine if f["applied"]]
        n_applied += len(applied)
        assert sorted(f["rule"] for f in applied) == res["applied"]
        assert sorted(f["rule"] for f in mine if not f["applied"]) == res["remaining"]
        for f in mine:
            # spans are code-point offsets into the input record's text
            assert 0 <= f["start"] <= f["end"] <= len(text)
            if res["passes"] <= 1 and f["applied"]:
                assert text[f["start"]:f["end"]][:200] == f["text"]
        assert [(f["start"], f["end"]) for f in mine] == sorted((f["start"], f["end"]) for f in mine)
    assert n_applied > 5
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["findings"]["applied"] == n_applied
    assert sum(v["found"] for v in summary["findings"]["by_rule"].values()) == len(report)


def test_check_only_reports_and_writes_no_copies(tmp_path):
    recs = make_records(60, seed=2)
    write_jsonl(tmp_path / "a.jsonl.gz", recs)
    run = batch("a.jsonl.gz", "--out", "out", "--check-only", "--id-field", "id", cwd=tmp_path)
    assert run.returncode == 1, run.stderr                     # findings reported
    assert not (tmp_path / "out" / "a.jsonl.gz").exists()
    report = read_jsonl(tmp_path / "out" / "findings.jsonl")
    checked = engine([{"text": r["text"], "check": True} for r in recs])
    assert [[f["rule"], f["start"], f["end"], f["fix"]] for f in report] == \
        [f for c in checked for f in sorted(c["findings"], key=lambda x: (x[1], x[2], x[0]))]
    assert report
    assert not any(f["applied"] for f in report)
    for f in report:
        rec = recs[int(f["id"].split("-")[1])]
        assert rec["text"][f["start"]:f["end"]][:200] == f["text"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["mode"] == "check-only" and summary["records"]["changed"] == 0
    # a clean archive: exit 0
    write_jsonl(tmp_path / "clean.jsonl", [{"text": "The committee met on Tuesday."}] * 3)
    run = batch("clean.jsonl", "--out", "out2", "--check-only", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out2" / "findings.jsonl").read_bytes() == b""


def test_unsafe_fixes_only_with_the_flag(tmp_path):
    text = "He said he would leave. then he came back to the office."
    write_jsonl(tmp_path / "u.jsonl", [{"id": 1, "text": text}])
    run = batch("u.jsonl", "--out", "safe", "--id-field", "id", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    [checked] = engine([{"text": text, "check": True}])
    assert any(f[3] == "unsafe" for f in checked["findings"])
    assert json.loads((tmp_path / "safe" / "u.jsonl").read_text())["text"] == fixed(text) == text
    [f] = [f for f in read_jsonl(tmp_path / "safe" / "findings.jsonl") if f["rule"] == "MT102"]
    assert f["fix"] == "unsafe"
    assert f["applied"] is False and f["id"] == 1
    run = batch("u.jsonl", "--out", "unsafe", "--unsafe-fixes", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    got = json.loads((tmp_path / "unsafe" / "u.jsonl").read_text())["text"]
    assert got == fixed(text, unsafe=True) != text
    assert any(f["applied"] and f["fix"] == "unsafe" for f in read_jsonl(tmp_path / "unsafe" / "findings.jsonl"))


def test_local_output_does_not_depend_on_jobs_or_shard_placement(tmp_path):
    write_jsonl(tmp_path / "a.jsonl.gz", make_records(300, seed=3))
    outs = []
    for jobs in ("1", "2"):
        run = batch("a.jsonl.gz", "--out", f"o{jobs}", "--jobs", jobs, "--shard-size", "32K", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        outs.append([(tmp_path / f"o{jobs}" / n).read_bytes() for n in ("a.jsonl.gz", "findings.jsonl")])
    assert outs[0] == outs[1]


# --------------------------------------------------------------------------------------
# WARC / WET
# --------------------------------------------------------------------------------------
HTML_TEXT = texts  # (lazy)


def _warc(path: Path, gz: bool = True) -> dict:
    """A small crawl: warcinfo, request, HTML / plain / latin-1 responses, a gzip-encoded
    response, an image, a revisit and WET conversion records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pool = texts()
    html = ("<html><head><title>t</title><script>var a = foo. bar; // infrastructurekilling</script></head>"
            f'<body><div class="navigationmenu"><p>{pool[0]}</p><p>{pool[1]}</p></div></body></html>')
    plain = pool[2]
    latin = "Café society: " + pool[3].replace("’", "'").replace("“", '"').replace("”", '"').replace("€", "EUR")
    latin = latin.encode("latin-1", "replace").decode("latin-1")
    conv = [pool[4], pool[5], "A short clean line."]
    expected: dict[str, tuple] = {}
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test-crawler"}))
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        w.write_record(w.create_warc_record("http://example.org/", "request", http_headers=req))

        def response(uri, body: bytes, ctype: str, extra=()):
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra],
                                  protocol="HTTP/1.1")
            rec = w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=hh)
            w.write_record(rec)
            return rec.rec_headers.get_header("WARC-Record-ID")

        expected[response("http://example.org/a", html.encode(), "text/html; charset=utf-8")] = \
            (html, "x.html", "utf-8")
        expected[response("http://example.org/b", plain.encode(), "text/plain")] = (plain, None, "utf-8")
        expected[response("http://example.org/c", latin.encode("latin-1"), "text/plain; charset=iso-8859-1")] = \
            (latin, None, "latin-1")
        response("http://example.org/z", gzip.compress(plain.encode(), mtime=0), "text/html",
                 [("Content-Encoding", "gzip")])
        response("http://example.org/img.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")
        for i, t in enumerate(conv):
            rec = w.create_warc_record(f"http://example.org/{i}", "conversion", payload=io.BytesIO(t.encode()),
                                       warc_content_type="text/plain")
            w.write_record(rec)
            expected[rec.rec_headers.get_header("WARC-Record-ID")] = (t, None, "utf-8")
    return expected


def _expected_payloads(expected: dict[str, tuple]) -> dict[str, bytes]:
    keys = list(expected)
    got = fixed_all([expected[k][0] for k in keys], paths=[expected[k][1] for k in keys])
    return {k: g.encode(expected[k][2]) for k, g in zip(keys, got)}


def _records(path: Path) -> list[tuple[dict, bytes, bytes]]:
    """(WARC headers, HTTP headers as bytes, payload) of every record, digests verified."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    with open(path, "rb") as fh:
        for r in ArchiveIterator(fh, check_digests="raise"):
            http = r.http_headers.to_bytes() if r.http_headers else b""
            out.append((dict(r.rec_headers.headers), http, r.raw_stream.read()))
    return out


def _raw_records(path: Path) -> list[bytes]:
    """Each record's exact bytes in the decompressed archive."""
    from warcio.archiveiterator import ArchiveIterator

    data = decompress(path)
    out = []
    it = ArchiveIterator(io.BytesIO(data))
    for _ in it:
        it.read_to_end()
        out.append(data[it.get_record_offset():it.get_record_offset() + it.get_record_length()])
    return out


@pytest.mark.parametrize("gz", [True, False])
def test_warc_text_records_cleaned_others_untouched(tmp_path, gz):
    src = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    expected = _warc(src, gz)
    run = batch(src.name, "--out", "out", "--jobs", "2", "--shard-size", "2K", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out" / src.name
    expected = _expected_payloads(expected)
    before, after = _records(src), _records(out)               # warcio verifies every digest
    assert len(before) == len(after) == 10
    raw_b, raw_a = _raw_records(src), _raw_records(out)
    n_changed = 0
    for (hb, httpb, pb), (ha, httpa, pa_), rb, ra in zip(before, after, raw_b, raw_a):
        rid = hb["WARC-Record-ID"]
        assert ha["WARC-Record-ID"] == rid
        assert list(ha) == list(hb)                             # same headers, same order
        if rid in expected:
            assert pa_ == expected[rid]
        else:
            assert pa_ == pb
        if pa_ == pb:
            assert ra == rb                                     # unchanged records byte for byte
        else:
            n_changed += 1
            for k in hb:
                if k not in ("Content-Length", "WARC-Block-Digest", "WARC-Payload-Digest"):
                    assert ha[k] == hb[k]
            assert httpa.replace(b"Content-Length: %d" % len(pa_), b"") == \
                httpb.replace(b"Content-Length: %d" % len(pb), b"")
    assert n_changed >= 4
    if gz:   # one gzip member per record, like every WARC writer
        assert out.read_bytes().count(b"\x1f\x8b\x08") >= 10
    html_out = [p for h, _, p in after if h.get("WARC-Target-URI") == "http://example.org/a"][0].decode()
    assert 'class="navigationmenu"' in html_out and "foo. bar" in html_out and "infrastructurekilling" in html_out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["records"]["in"] == 10 and summary["records"]["skipped"] == 4   # warcinfo, request, gzip, png
    assert_reconciles(summary)


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------
def test_warc_record_in_a_legacy_charset_gets_only_the_fixes_it_can_hold(tmp_path):
    """MT403 would turn ``&#8217;`` into ’, which ISO-8859-1 cannot encode: that fix is
    not applied (its finding is reported, not applied); the record's other fixes are."""
    import io

    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    body = "We don&#8217;t know. The talks the the will continue. Café.".encode("latin-1")
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=ISO-8859-1"),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("http://a/lat", "response", payload=io.BytesIO(body), http_headers=http))
    (tmp_path / "lat.warc").write_bytes(buf.getvalue())
    run = batch("lat.warc", "--out", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert_no_traceback(run)
    with open(tmp_path / "out" / "lat.warc", "rb") as fh:
        payload = [rec.content_stream().read() for rec in ArchiveIterator(fh)]
    assert len(payload) == 1
    payload = payload[0]
    assert payload == "We don&#8217;t know. The talks the will continue. Café.".encode("latin-1")
    found = {f["rule"]: f["applied"] for f in read_jsonl(tmp_path / "out" / "findings.jsonl")}
    assert found == {"MT403": False, "MT106": True}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["findings"]["by_rule"]["MT403"] == {"found": 1, "applied": 0}
    assert summary["records"]["changed"] == 1 and summary["errors"] == 0
    assert_reconciles(summary)


def test_parquet_text_column_cleaned_schema_and_other_columns_kept(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    recs = make_records(200, seed=4)
    tx = [r["text"] for r in recs]
    tx[7] = None
    table = pa.table({"id": pa.array(range(200), pa.int64()), "text": pa.array(tx, pa.string()),
                      "score": pa.array([r["meta"]["score"] for r in recs], pa.float64()),
                      "tags": pa.array([["a", "b"] if i % 2 else [] for i in range(200)], pa.list_(pa.string()))})
    table = table.replace_schema_metadata({"source": "unit-test"})
    pq.write_table(table, tmp_path / "t.parquet", compression="zstd", row_group_size=64)
    run = batch("t.parquet", "--out", "out", "--text-column", "text", "--id-column", "id", "--shard-size", "40K",
                cwd=tmp_path)
    assert run.returncode == 3, run.stderr                     # the null text is reported
    assert_no_traceback(run)
    out = pq.read_table(tmp_path / "out" / "t.parquet")
    table = pq.read_table(tmp_path / "t.parquet")                  # the input as stored
    assert out.schema.equals(table.schema, check_metadata=True)
    assert out.column("id").equals(table.column("id")) and out.column("score").equals(table.column("score"))
    assert out.column("tags").to_pylist() == table.column("tags").to_pylist()
    got = out.column("text").to_pylist()
    assert got[7] is None
    want = fixed_all([t for t in tx if t is not None])
    assert got == want[:7] + [None] + want[7:]
    meta = pq.ParquetFile(tmp_path / "out" / "t.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    [err] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert err["row"] == 7 and err["id"] == 7 and err["kind"] == "missing-text-field"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["records"]["in"] == 200 and summary["records"]["errored"] == 1
    assert_reconciles(summary)


def test_unreadable_parquet_file_is_copied_and_counted_as_one_errored_record(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really parquet")
    run = batch("bad.parquet", "--out", "out", cwd=tmp_path)
    assert run.returncode == 3 and run.stderr
    assert_no_traceback(run)
    assert (tmp_path / "out" / "bad.parquet").read_bytes() == b"PAR1 not really parquet"
    [err] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert err["kind"] == "unreadable-file" and err["action"] == "copied" and err["records"] == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["records"]["in"], summary["records"]["errored"]) == (1, 1)
    assert_reconciles(summary)


@pytest.mark.parametrize("name, args", [("dump", ("--input-format", "jsonl")), ("mislabelled.jsonl", ())])
def test_compression_is_recognised_by_its_magic_bytes_when_the_name_does_not_say(tmp_path, name, args):
    import gzip

    raw = b"".join(json.dumps({"id": i, "text": "We said the the end."}).encode() + b"\n" for i in range(5))
    (tmp_path / name).write_bytes(gzip.compress(raw))
    run = batch(name, "--out", "out", *args, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = gzip.decompress((tmp_path / "out" / name).read_bytes())     # written back compressed, too
    assert [json.loads(x)["text"] for x in out.splitlines()] == ["We said the end."] * 5


def test_unterminated_json_string_is_reported_as_such(tmp_path):
    (tmp_path / "u.jsonl").write_bytes(b'{"text": "We said the the end.\n{"text": "fine"}\n')
    run = batch("u.jsonl", "--out", "out", cwd=tmp_path)
    assert run.returncode == 3
    [err] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert err["kind"] == "invalid-json" and "Unterminated string" in err["reason"], err


@pytest.mark.parametrize("column, values, want", [
    ("uid", "uuid-bytes", ["00000000000000000000000000000000", "00000000000000000000000000000001"]),
    ("name", "text-bytes", ["doc-a", "doc-b"]),
    ("price", "decimal", ["1.50", "2.25"]),
    ("ts", "timestamp", ["2024-01-01T00:00:00", "2024-01-02T00:00:00"]),
])
def test_parquet_ids_of_any_type_are_reported_as_json(tmp_path, column, values, want):
    """An id column of bytes, decimals or timestamps (not JSON types) is written in
    the reports as hex / text / ISO 8601; the job completes."""
    import datetime
    import decimal
    import uuid

    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {"uuid-bytes": pa.array([uuid.UUID(int=i).bytes for i in range(2)], pa.binary(16)),
            "text-bytes": pa.array([b"doc-a", b"doc-b"], pa.binary()),
            "decimal": pa.array([decimal.Decimal("1.50"), decimal.Decimal("2.25")], pa.decimal128(5, 2)),
            "timestamp": pa.array([datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 2)])}[values]
    pq.write_table(pa.table({column: data, "text": ["We said the the end.", None]}), tmp_path / "u.parquet")
    run = batch("u.parquet", "--out", "out", "--id-column", column, cwd=tmp_path)
    assert run.returncode == 3, run.stderr                    # the null text: completed with errors
    assert_no_traceback(run)
    [finding] = read_jsonl(tmp_path / "out" / "findings.jsonl")
    [err] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert (finding["id"], err["id"]) == (want[0], want[1])
    assert_reconciles(json.loads((tmp_path / "out" / "summary.json").read_text()))


# --------------------------------------------------------------------------------------
# directories of text files
# --------------------------------------------------------------------------------------
def test_text_directory_mirrored_with_encodings_and_markup_kept(tmp_path):
    pool = texts()
    d = tmp_path / "site"
    (d / "sub").mkdir(parents=True)
    (d / ".git").mkdir()
    (d / "a.txt").write_text(pool[0], "utf-8")
    (d / "b.md").write_text(f"# Title\n\n{pool[1]}\n\n```\nthe systemwhich. is code\n```\n", "utf-8")
    (d / "c.html").write_text(f'<p class="navigationmenu">{pool[2]}</p>', "utf-8")
    (d / "sub" / "d.txt").write_bytes(b"\xef\xbb\xbf" + pool[6].replace("\n", "\r\n").encode())
    (d / "notes.bin").write_bytes(b"\x00\x01")
    (d / ".git" / "x.txt").write_text(pool[0], "utf-8")
    run = batch("site", "--out", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    outd = tmp_path / "out" / "site"
    assert sorted(p.relative_to(outd).as_posix() for p in outd.rglob("*") if p.is_file()) == \
        ["a.txt", "b.md", "c.html", "sub/d.txt"]
    rels = ("a.txt", "b.md", "c.html", "sub/d.txt")
    srcs = [decode((d / rel).read_bytes(), rel) for rel in rels]
    for rel, src, want in zip(rels, srcs, fixed_all([s.text for s in srcs], paths=list(rels))):
        assert (outd / rel).read_bytes() == src.encode(want), rel
    assert (outd / "sub" / "d.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (outd / "sub" / "d.txt").read_bytes()
    assert "the systemwhich. is code" in (outd / "b.md").read_text()
    report = read_jsonl(tmp_path / "out" / "findings.jsonl")
    assert {f["file"] for f in report} <= {"site/a.txt", "site/b.md", "site/c.html", "site/sub/d.txt"}
    assert report


# --------------------------------------------------------------------------------------
# bad input never loses data
# --------------------------------------------------------------------------------------
def test_files_of_other_types_in_an_input_directory_are_accounted_for(tmp_path):
    d = tmp_path / "site"
    (d / "img").mkdir(parents=True)
    (d / "a.txt").write_text("We said the the end.\n")
    (d / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (d / "notes.docx").write_bytes(b"PK\x03\x04")
    run = batch("site", "--out", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["ignored_files"] == {"count": 2, "first": ["site/notes.docx", "site/img/logo.png"]}  # walk order
    assert "ignored: 2 file(s) of other types" in run.stdout


def test_bad_input_is_reported_and_never_lost(tmp_path):
    recs = make_records(30, seed=5)
    lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs]
    # 1. a multi-member gzip whose middle member is damaged
    members = [gzip.compress(b"".join(lines[i:i + 10]), mtime=0) for i in (0, 10, 20)]
    broken = bytearray(members[1])
    for k in range(12, 40):
        broken[k] ^= 0x5A
    (tmp_path / "members.jsonl.gz").write_bytes(members[0] + bytes(broken) + members[2])
    # 2. JSON Lines with every kind of bad record, and a 50 MB record
    big = b'{"id": "big", "text": "' + b"word " * (10 * 1024 * 1024) + b'"}\n'
    bad_lines = [lines[0], b"{not json at all\n", b'{"id": "no-text", "body": "x"}\n', b'{"id": "null", "text": null}\n',
                 b'{"id": "num", "text": 42}\n', b'{"id": "latin1", "text": "caf\xe9 au lait"}\n', b"\n", b"[1, 2]\n",
                 big, lines[1].rstrip(b"\n")]
    (tmp_path / "bad.jsonl").write_bytes(b"".join(bad_lines))
    # 3. an empty file
    (tmp_path / "empty.jsonl.gz").write_bytes(b"")
    # 4. truncated WARC records (plain and gzip)
    from warcio.warcwriter import WARCWriter

    def wet(gz: bool) -> bytes:
        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=gz)
        for i in range(3):
            w.write_record(w.create_warc_record(f"http://x/{i}", "conversion",
                                                payload=io.BytesIO(texts()[i].encode()),
                                                warc_content_type="text/plain"))
        return buf.getvalue()
    plain = wet(False)
    (tmp_path / "cut.warc").write_bytes(plain[:-200])
    gzw = wet(True)
    (tmp_path / "cut.warc.gz").write_bytes(gzw[:-60])
    # 5. a text file that is not UTF-8
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ok.txt").write_text(texts()[0], "utf-8")
    (tmp_path / "docs" / "latin1.txt").write_bytes("Caf\xe9 society is back.".encode("latin-1"))

    run = batch("members.jsonl.gz", "bad.jsonl", "empty.jsonl.gz", "cut.warc", "cut.warc.gz", "docs",
                "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert run.returncode == 3, run.stderr                     # completed with errors
    assert_no_traceback(run)
    assert "errors.jsonl" in run.stderr
    out = tmp_path / "out"
    errors = read_jsonl(out / "errors.jsonl")
    kinds = {(e["file"], e["kind"]) for e in errors}
    for want in [("members.jsonl.gz", "corrupt-gzip"), ("bad.jsonl", "invalid-json"),
                 ("bad.jsonl", "missing-text-field"), ("bad.jsonl", "not-text"), ("bad.jsonl", "not-utf8"),
                 ("bad.jsonl", "record-too-large"), ("empty.jsonl.gz", "empty-file"),
                 ("cut.warc", "truncated-warc-record"), ("cut.warc.gz", "truncated-gzip"),
                 (os.path.join("docs", "latin1.txt"), "not-utf8")]:
        assert want in kinds, (want, kinds)
    for e in errors:
        assert e["reason"] and e["action"] in ("passed-through", "quarantined", "copied", "none")
        if e["file"].endswith(".jsonl") or e["file"].endswith("jsonl.gz") and e["kind"] != "corrupt-gzip":
            assert "line" in e or e["kind"] == "empty-file"
        if "warc" in e["file"] or e["kind"] == "corrupt-gzip":
            assert "offset" in e
    by_line = {e.get("line"): e for e in errors if e["file"] == "bad.jsonl"}
    assert {k: by_line[k]["kind"] for k in (2, 3, 4, 5, 6, 8, 9)} == {
        2: "invalid-json", 3: "missing-text-field", 4: "missing-text-field", 5: "not-text", 6: "not-utf8",
        8: "invalid-json", 9: "record-too-large"}
    # the damaged gzip member is quarantined byte for byte; the records around it are cleaned
    [gz_err] = [e for e in errors if e["kind"] == "corrupt-gzip"]
    assert gz_err["offset"] == len(members[0]) and gz_err["length"] == len(broken)
    assert (out / gz_err["quarantine"]).read_bytes() == bytes(broken)
    got = gzip.decompress((out / "members.jsonl.gz").read_bytes()).splitlines(keepends=True)
    good = lines[:10] + lines[20:]
    assert [json.loads(x)["id"] for x in got] == [json.loads(x)["id"] for x in good]
    assert [json.loads(x)["text"] for x in got] == fixed_all([json.loads(x)["text"] for x in good])
    # every bad JSON Lines record is still in the output, unchanged and in place
    out_bad = (out / "bad.jsonl").read_bytes().splitlines(keepends=True)
    assert len(out_bad) == len(bad_lines)
    for b, a in zip(bad_lines[1:-1], out_bad[1:-1]):
        assert a == b
    assert [json.loads(out_bad[0])["text"], json.loads(out_bad[-1])["text"]] == \
        fixed_all([recs[0]["text"], recs[1]["text"]])
    want_warc = fixed_all(texts()[:2])
    # truncated WARC: the complete records are cleaned, the torn one quarantined
    from warcio.archiveiterator import ArchiveIterator

    for name in ("cut.warc", "cut.warc.gz"):
        with open(out / name, "rb") as fh:
            payloads = [r.content_stream().read().decode() for r in ArchiveIterator(fh, check_digests="raise")]
        assert payloads == want_warc, name
        assert any(e["file"] == name and e.get("quarantine") for e in errors)
    assert (out / "docs" / "latin1.txt").read_bytes() == (tmp_path / "docs" / "latin1.txt").read_bytes()
    assert (out / "empty.jsonl.gz").read_bytes() == b""
    summary = json.loads((out / "summary.json").read_text())
    assert_reconciles(summary)
    assert summary["errors"] == len(errors)
    # 20 + 1 unreadable member | 10 lines (1 blank is not a record) | 0 | 2 + 1 | 2 + torn | 2 text files
    r = summary["records"]
    assert r["errored"] == 1 + 7 + 1 + sum(1 for e in errors if e["file"] == "cut.warc.gz") + 1
    assert r["blank_lines"] == 1
    assert r["out"] == 20 + 2 + 2 + 2 + 1


def test_max_record_bytes_is_configurable(tmp_path):
    recs = [{"id": i, "text": t} for i, t in enumerate(texts()[:5])]
    write_jsonl(tmp_path / "a.jsonl", recs)
    limit = sorted(len(json.dumps(r, ensure_ascii=False).encode()) for r in recs)[2]
    run = batch("a.jsonl", "--out", "out", "--max-record-bytes", str(limit), cwd=tmp_path)
    assert run.returncode == 3
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert errors and all(e["kind"] == "record-too-large" for e in errors)
    assert len(errors) == sum(1 for r in recs if len(json.dumps(r, ensure_ascii=False).encode()) + 1 > limit)


# --------------------------------------------------------------------------------------
# exit codes and the command line
# --------------------------------------------------------------------------------------
def test_usage_errors_exit_2_without_traceback(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", make_records(3))
    (tmp_path / "x.csv").write_text("a,b\n")
    cases = [
        ("missing.jsonl", "--out", "o1"),
        ("x.csv", "--out", "o2"),
        ("a.jsonl", "--out", "o3", "--scheduler", "tcp://127.0.0.1:1"),
        ("a.jsonl", "--out", "o4", "--engine", "spark"),
        ("a.jsonl", "--out", "o5", "--shard-size", "lots"),
        ("a.jsonl", "--out", "o6", "--select", "MT999"),
        ("a.jsonl", "--out", "o7", "--check-only", "--unsafe-fixes"),
        ("a.jsonl",),
        ("a.jsonl", "--out", "x.csv"),                        # a file, not a directory
        ("a.jsonl", "--out", "x.csv/sub"),
        ("a.jsonl", "--out", "o9", "--select", ""),
    ]
    for args in cases:
        run = batch(*args, cwd=tmp_path)
        assert run.returncode == 2, (args, run.stderr)
        assert_no_traceback(run)
        assert run.stderr.strip(), args
    # a directory with something else in it is not overwritten by accident
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    run = batch("a.jsonl", "--out", "busy", cwd=tmp_path)
    assert run.returncode == 2 and "not empty" in run.stderr
    # a dask scheduler that is not there
    run = batch("a.jsonl", "--out", "o8", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path,
                env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert not (tmp_path / "o8").exists()                     # a job that never started leaves nothing
    assert run.returncode == 2 and "scheduler" in run.stderr, run.stderr
    assert_no_traceback(run)


def test_help_lists_batch_and_start_up_stays_lazy():
    run = run_cli("--help")
    assert "batch" in run.stdout
    code = ("import sys, cleaner.cli; bad = [m for m in ('cleaner.batch', 'pyarrow', 'dask', 'distributed', "
            "'warcio', 'tqdm', 'zstandard') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_progress_bar_only_on_a_terminal(tmp_path):
    write_jsonl(tmp_path / "a.jsonl.gz", make_records(200, seed=6))
    run = batch("a.jsonl.gz", "--out", "quiet", "--shard-size", "16K", "--quiet", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr == "" and run.stdout == ""              # nothing at all off a terminal
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))   # a 120x30 terminal
    proc = subprocess.Popen([*MTCLEAN, "batch", "a.jsonl.gz", "--out", "tty", "--shard-size", "16K", "--jobs", "1"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    proc.wait(timeout=120)
    os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "rec/s" in err and "MB/s text" in err and "mtclean batch" in err, err


def test_oversized_records_stream_through_compressed_outputs(tmp_path):
    """Records over --max-record-bytes are copied through piece by piece (never held
    whole): gzip JSON Lines, and WARC records of text and of other types."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pool = texts()
    recs = [{"id": i, "text": pool[i] * (8 if i % 3 == 0 else 1)} for i in range(12)]
    write_jsonl(tmp_path / "a.jsonl.gz", recs)
    with open(tmp_path / "w.warc.gz", "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i in range(6):
            body = (pool[i] * (10 if i % 2 else 1)).encode()
            w.write_record(w.create_warc_record(f"http://x/{i}", "conversion", payload=io.BytesIO(body),
                                                warc_content_type="text/plain"))
            blob = bytes(range(256)) * (40 if i % 2 else 1)
            hh = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"http://x/{i}.png", "response", payload=io.BytesIO(blob),
                                                http_headers=hh))
    limit = 4000
    run = batch("a.jsonl.gz", "w.warc.gz", "--out", "out", "--max-record-bytes", str(limit), "--shard-size", "3K",
                cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    assert_no_traceback(run)
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    lines_in = gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()).splitlines(keepends=True)
    lines_out = gzip.decompress((tmp_path / "out" / "a.jsonl.gz").read_bytes()).splitlines(keepends=True)
    big = {i for i, line in enumerate(lines_in) if len(line) > limit}
    assert big and {e["line"] - 1 for e in errors if e["file"] == "a.jsonl.gz"} == big
    want = fixed_all([recs[i]["text"] for i in range(12) if i not in big])
    small_out = [json.loads(lines_out[i])["text"] for i in range(12) if i not in big]
    assert small_out == want
    assert all(lines_out[i] == lines_in[i] for i in big)
    before, after = _records(tmp_path / "w.warc.gz"), _records(tmp_path / "out" / "w.warc.gz")
    assert [h["WARC-Record-ID"] for h, _, _ in after] == [h["WARC-Record-ID"] for h, _, _ in before]
    warc_errors = [e for e in errors if e["file"] == "w.warc.gz"]
    assert len(warc_errors) == 3 and all(e["kind"] == "record-too-large" and e["id"] for e in warc_errors)
    for (hb, _, pb), (ha, _, pa_) in zip(before, after):
        if hb["WARC-Type"] == "response" or len(pb) > limit:
            assert pa_ == pb
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert_reconciles(summary)
    assert summary["records"]["in"] == 12 + 12


def test_damaged_zstd_frame_is_skipped_and_quarantined(tmp_path):
    import zstandard

    recs = make_records(30, seed=8)
    lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs]
    # with a content checksum (the zstd command line's default): damage anywhere is detected
    frames = [zstandard.ZstdCompressor(level=3, write_checksum=True).compress(b"".join(lines[i:i + 10]))
              for i in (0, 10, 20)]
    broken = bytearray(frames[1])
    for k in range(len(broken) // 2, len(broken) // 2 + 16):
        broken[k] ^= 0xA5
    (tmp_path / "z.jsonl.zst").write_bytes(frames[0] + bytes(broken) + frames[2])
    run = batch("z.jsonl.zst", "--out", "out", cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    assert_no_traceback(run)
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    frame_err = [e for e in errors if e["kind"] == "corrupt-zstd"]
    assert len(frame_err) == 1 and frame_err[0]["offset"] == len(frames[0])
    assert (tmp_path / "out" / frame_err[0]["quarantine"]).read_bytes() == bytes(broken)
    got = all_frames_zstd((tmp_path / "out" / "z.jsonl.zst").read_bytes()).splitlines()

    # the damaged frame's records are held back until its checksum fails: none comes out
    assert [json.loads(x)["id"] for x in got] == [r["id"] for r in recs[:10] + recs[20:]]
    assert_reconciles(json.loads((tmp_path / "out" / "summary.json").read_text()))


def test_gzip_member_failing_its_crc_is_held_back_whole(tmp_path):
    recs = make_records(30, seed=9)
    lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs]
    members = [gzip.compress(b"".join(lines[i:i + 10]), mtime=0) for i in (0, 10, 20)]
    broken = bytearray(members[1])
    broken[-5] ^= 0x01                          # the CRC-32 at the end: every byte of data decodes
    (tmp_path / "c.jsonl.gz").write_bytes(members[0] + bytes(broken) + members[2])
    run = batch("c.jsonl.gz", "--out", "out", cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    [err] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert err["kind"] == "corrupt-gzip" and err["offset"] == len(members[0]) and "checksum" in err["reason"]
    got = gzip.decompress((tmp_path / "out" / "c.jsonl.gz").read_bytes()).splitlines()
    assert [json.loads(x)["id"] for x in got] == [r["id"] for r in recs[:10] + recs[20:]]


@pytest.mark.parametrize("line, new, want", [
    # an all-ASCII line (Python's json.dumps default) stays ASCII
    ('{"id":1,"text":"We don&#8217;t know."}', "We don’t know.", '{"id":1,"text":"We don\\u2019t know."}'),
    # raw UTF-8 elsewhere in the line: raw UTF-8
    ('{"text":"Caf\u00e9 the the end","x":"é"}', "Café the end", '{"text":"Café the end","x":"é"}'),
    # the old string escaped its non-ASCII: escaped, whatever the rest of the line
    ('{"text":"Caf\\u00e9 the the end","x":"é"}', "Café the end", '{"text":"Caf\\u00e9 the end","x":"é"}'),
    # Go's HTML-safe escapes and PHP's \/ are kept
    ('{"text":"Use \\u003cb\\u003e \\u0026 the the rest \\/ x"}', "Use <b> & the rest / x",
     '{"text":"Use \\u003cb\\u003e \\u0026 the rest \\/ x"}'),
])
def test_splice_json_keeps_the_escaping_style(line, new, want):
    from cleaner.batch.writers import splice_json

    got = splice_json(line, ["text"], new)
    assert got == want
    assert json.loads(got)["text"] == new
