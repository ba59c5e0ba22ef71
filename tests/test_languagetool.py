"""LanguageTool backend.

Unit tests (offset mapping, paragraph splitting, batching, dedupe, selection, failure
handling) need no server.  Tests marked ``languagetool`` talk to a LIVE LanguageTool
server — no mock of its API — whose URL is in ``MTCLEAN_LT_URL`` (CI starts one with
``scripts/languagetool-server start``; locally they are skipped when it is unset)::

    scripts/languagetool-server start --port 8081
    MTCLEAN_LT_URL=http://127.0.0.1:8081 .venv/bin/python -m pytest tests/test_languagetool.py -q
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import languagetool as lt
from cleaner.document import Document
from cleaner.settings import Settings
from cleaner.types import Applicability, Edit, Finding, Span

from conftest import run_cli

LT_URL = os.environ.get("MTCLEAN_LT_URL", "").strip()
needs_server = pytest.mark.skipif(
    not LT_URL, reason="MTCLEAN_LT_URL is not set: start a server with `scripts/languagetool-server start` "
                       "and export MTCLEAN_LT_URL=http://127.0.0.1:8081 (CI does this)")

QUOTED = "“The deal is ready,” he said. He go to school every day, “he go to the market,” she added."


def doc_of(text: str) -> Document:
    return Document(text)


# --------------------------------------------------------------------------- offsets (no server)

def test_prose_only_protected_text_is_never_sent():
    text = ("Kirby said “we are ready to talk” on Friday. See https://example.org/secret-path or "
            "write to press@agency.gov, @SecretHandle #SecretTag.\n\nHe go home 😀 now.")
    piece = lt.build_piece(doc_of(text), 0, len(text))
    for secret in ("we are ready to talk", "secret-path", "press@agency", "SecretHandle", "SecretTag"):
        assert secret not in piece.text
    assert "“…”" in piece.text
    assert "😀" not in piece.text and lt.PLACEHOLDER_CHAR in piece.text   # non-BMP: one code unit


def test_offset_map_round_trips_every_prose_character():
    text = "A “quoted bit” then 😀 prose, a URL https://x.org/a and more prose.\n\nSecond “q” para."
    doc = doc_of(text)
    piece = lt.build_piece(doc, 0, len(text))
    for seg in piece.map.segments:
        if not seg.prose:
            continue
        for k in range(seg.sent_len):
            x = seg.sent_start + k
            o = piece.map.start(x)
            assert o == seg.orig_start + k
            if ord(text[o]) < 0x10000:
                assert piece.text[x] == text[o]
            span = piece.map.span(x, x + 1)
            assert (span.start, span.end) == (o, o + 1)


def test_span_touching_a_placeholder_covers_the_protected_region():
    text = "He said “he go there” and left."
    doc = doc_of(text)
    piece = lt.build_piece(doc, 0, len(text))
    q = piece.text.index("…")
    span = piece.map.span(q, q + 1)
    region = doc.protection.spans[0]
    assert (span.start, span.end) == (region.start, region.end)
    assert doc.protection.overlaps(span)
    # a span running across the placeholder covers it too
    span = piece.map.span(q - 2, q + 3)
    assert span.start < region.start and span.end > region.end


def test_empty_placeholder_markup_region():
    from cleaner.protect import Region

    text = "The <b>big</b> news is here."
    doc = Document(text, extra_regions=[Region(4, 7, "markup"), Region(10, 14, "markup")])
    piece = lt.build_piece(doc, 0, len(text))
    assert piece.text == "The big news is here."
    i = piece.text.index("big")
    assert piece.map.span(i, i + 3) == Span(7, 10)
    # a match spanning a removed tag maps over it (and so touches protected text)
    s = piece.map.span(piece.text.index("The"), piece.text.index("news"))
    assert s.start == 0 and s.end >= 14


@given(st.lists(st.sampled_from(["word ", "“quote” ", "he go ", "https://a.io/x ", "😀 ", "\n\n", "x. ", "@h "]),
                max_size=40))
def test_offset_map_property(parts):
    text = "".join(parts)
    doc = doc_of(text)
    for lo, hi in lt.split_ranges(doc, 50):
        piece = lt.build_piece(doc, lo, hi)
        assert len(piece.text) == piece.map.length
        for seg in piece.map.segments:
            if seg.prose:
                sent = piece.text[seg.sent_start:seg.sent_start + seg.sent_len]
                orig = text[seg.orig_start:seg.orig_end]
                assert len(sent) == len(orig)
                assert all(a == b or (ord(b) >= 0x10000 and a == lt.PLACEHOLDER_CHAR) for a, b in zip(sent, orig))
            else:
                assert doc.protection.overlaps(Span(seg.orig_start, seg.orig_end))
        prev = lo
        for x in range(len(piece.text) + 1):
            o = piece.map.start(x)
            assert lo <= o <= hi and o >= prev
            prev = o


# --------------------------------------------------------------------------- splitting and batching

def _paras(n: int, body: str = "He go to school every day. It rains.") -> str:
    return "\n\n".join(f"{i}. {body}" for i in range(n))


def test_split_at_paragraph_boundaries_within_limit():
    text = _paras(30)
    doc = doc_of(text)
    ranges = lt.split_ranges(doc, 200)
    assert len(ranges) > 1
    para_starts = {s for s, _ in doc.paragraphs}
    para_ends = {e for _, e in doc.paragraphs}
    for lo, hi in ranges:
        assert hi - lo <= 200
        assert lo in para_starts and hi in para_ends
    assert ranges == sorted(ranges)
    covered = "".join(text[lo:hi] for lo, hi in ranges)
    assert covered.replace("\n", "") == text.replace("\n", "")


def test_long_paragraph_split_at_sentence_ends():
    sentence = "The minister said the talks would resume next week. "
    text = sentence * 40
    doc = doc_of(text.strip())
    ranges = lt.split_ranges(doc, 300)
    assert len(ranges) > 5
    for lo, hi in ranges:
        assert hi - lo <= 300
        assert doc.text[lo:hi].rstrip().endswith(".")


def test_very_long_unbroken_paragraph_is_still_cut():
    text = "word " * 2000
    ranges = lt.split_ranges(doc_of(text), 1000)
    assert all(hi - lo <= 1000 for lo, hi in ranges) and len(ranges) >= 10


def test_pack_respects_request_size_and_order():
    docs = [doc_of(_paras(3)) for _ in range(10)]
    pieces = lt.pieces_for(docs, 150)
    batches = lt.pack(pieces, 400)
    assert [p for b in batches for p in b] == [p for p in pieces if p.text.strip()]
    for b in batches:
        assert len(lt.SEPARATOR.join(p.text for p in b)) <= 400 or len(b) == 1


# --------------------------------------------------------------------------- dedupe, selection

def _f(rule: str, s: int, e: int) -> Finding:
    return Finding(rule, "x", Span(s, e), "m")


def test_merge_reports_each_span_once_with_a_note():
    mt = [_f("MT101", 10, 20), _f("MT102", 40, 42)]
    ltf = [_f("LT:MORFOLOGIK_RULE_EN_US", 12, 18), _f("LT:HE_VERB_AGR", 30, 32), _f("LT:UPPERCASE_SENTENCE_START", 41, 45)]
    out = lt.merge(mt, ltf)
    assert [f.rule for f in out] == ["MT101", "LT:HE_VERB_AGR", "MT102"]
    assert out[0].notes == ("also LanguageTool MORFOLOGIK_RULE_EN_US",)
    assert out[2].notes == ("also LanguageTool UPPERCASE_SENTENCE_START",)


def test_merge_keeps_adjacent_but_distinct_spans():
    out = lt.merge([_f("MT101", 10, 20)], [_f("LT:X", 20, 25), _f("LT:Y", 5, 10)])
    assert {f.rule for f in out} == {"MT101", "LT:X", "LT:Y"}


_spans = st.builds(lambda s, n: Span(s, s + n), st.integers(0, 60), st.integers(0, 6))


@given(st.lists(_spans, max_size=8), st.lists(_spans, max_size=8))
def test_merge_property(mt_spans, lt_spans):
    mt = [Finding("MT101", "x", s, "m") for s in mt_spans]
    ltf = [Finding("LT:X", "x", s, "m") for s in lt_spans]
    out = lt.merge(mt, ltf)
    kept = [f.span for f in out if f.rule == "LT:X"]
    assert sorted(kept) == sorted(s for s in lt_spans if not any(lt._same_text(m, s) for m in mt_spans))
    assert sorted(f.span for f in out if f.rule == "MT101") == sorted(mt_spans)
    for f in out:
        if f.rule == "MT101":
            assert bool(f.notes) == any(lt._same_text(f.span, s) for s in lt_spans)


def test_selection_semantics():
    s = Settings()
    assert lt.code_enabled("LT:HE_VERB_AGR", s)
    assert not lt.code_enabled("LT:HE_VERB_AGR", replace(s, ignore=("LT",)))
    assert not lt.enabled_at_all(replace(s, ignore=("LT",)))
    assert not lt.code_enabled("LT:HE_VERB_AGR", replace(s, select=("MT1",)))
    assert lt.code_enabled("LT:HE_VERB_AGR", replace(s, select=("MT1", "LT")))
    assert lt.code_enabled("LT:HE_VERB_AGR", replace(s, select=("MT1",), extend_select=("LT:HE",)))
    # a more specific select beats a less specific ignore
    assert lt.code_enabled("LT:HE_VERB_AGR", replace(s, select=("LT:HE_VERB_AGR",), ignore=("LT",)))
    assert not lt.code_enabled("LT:HE_VERB_AGR", replace(s, ignore=("LT:HE_VERB_AGR",)))


def test_default_off_list_is_documented_and_user_changeable():
    policy = lt.load_policy()
    assert "MORFOLOGIK_RULE_EN_US" in policy.disabled
    assert all(reason.strip() for reason in policy.disabled.values())
    assert all(reason.strip() for reason in policy.disabled_categories.values())
    req = lt.request_rules(Settings())
    assert "MORFOLOGIK_RULE_EN_US" in req.disabled and "EN_COMPOUNDS_" in req.disabled_prefixes
    assert req.drops("EN_COMPOUNDS_NATURAL_BORN")
    on = lt.request_rules(Settings(extend_select=("LT:MORFOLOGIK_RULE_EN_US", "LT:EN_COMPOUNDS_NATURAL_BORN")))
    assert "MORFOLOGIK_RULE_EN_US" not in on.disabled and "MORFOLOGIK_RULE_EN_US" in on.enabled
    assert not on.drops("EN_COMPOUNDS_NATURAL_BORN")
    off = lt.request_rules(Settings(ignore=("LT:HE_VERB_AGR",)))
    assert "HE_VERB_AGR" in off.disabled


def test_own_rule_list_file(tmp_path, monkeypatch):
    f = tmp_path / "lt.toml"
    f.write_text('[disabled]\nHE_VERB_AGR = "house style"\n', encoding="utf-8")
    monkeypatch.setenv(lt.ENV_RULES, str(f))
    req = lt.request_rules(Settings())
    assert req.disabled == {"HE_VERB_AGR"}


def test_resolve_url_precedence():
    env = {lt.ENV_URL: "http://env:1"}
    assert lt.resolve_url("http://cli:1", "http://cfg:1", env) == "http://cli:1"
    assert lt.resolve_url(None, "http://cfg:1", env) == "http://env:1"
    assert lt.resolve_url(None, "http://cfg:1", {}) == "http://cfg:1"
    assert lt.resolve_url("off", "http://cfg:1", env) is None
    assert lt.resolve_url(None, None, {}) is None


def test_match_becomes_finding_with_unsafe_or_display_only_fix():
    class M:  # the attributes language-tool-python's Match carries
        rule_id, message, category = "HE_VERB_AGR", "Agreement error.", "GRAMMAR"
        rule_issue_type, replacements = "grammar", ["goes", "went"]

    f = lt.match_finding(M, Span(3, 5))
    assert f.rule == "LT:HE_VERB_AGR" and f.message == "Agreement error." and f.name == "lt-grammar"
    assert f.fix.applicability == Applicability.UNSAFE and f.fix.edits == (Edit(Span(3, 5), "goes"),)
    M.rule_issue_type, M.replacements = "misspelling", ["a", "b", "c"]
    assert lt.match_finding(M, Span(3, 5)).fix.applicability == Applicability.DISPLAY_ONLY
    M.replacements = ["Davis County"]          # a single spelling suggestion is still display-only
    assert lt.match_finding(M, Span(3, 5)).fix.applicability == Applicability.DISPLAY_ONLY
    M.rule_issue_type = "style"
    assert lt.match_finding(M, Span(3, 5)).fix.applicability == Applicability.UNSAFE


# --------------------------------------------------------------------------- failure (no server)

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_warns_once_and_keeps_exit_code(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Reports said the figures were wrong.regionsincluding the north.\n", encoding="utf-8")
    b.write_text("A clean sentence.\n", encoding="utf-8")
    url = f"http://127.0.0.1:{_free_port()}"
    plain = run_cli("check", "--format", "json", str(a), str(b))
    r = run_cli("check", "--format", "json", "--languagetool", url, str(a), str(b))
    assert r.returncode == plain.returncode
    assert json.loads(r.stdout) == json.loads(plain.stdout)
    warnings = [line for line in r.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and url in warnings[0] and "2 file(s)" in warnings[0]
    req = run_cli("check", "--format", "json", "--languagetool", url, "--require-languagetool", str(a))
    assert req.returncode == 2 and url in req.stderr
    env = run_cli("check", str(b), env={lt.ENV_URL: url})
    assert env.returncode == 0 and "warning" in env.stderr


def test_require_without_any_server_is_an_error(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("A clean sentence.\n", encoding="utf-8")
    r = run_cli("check", "--require-languagetool", str(a), env={lt.ENV_URL: "off"})
    assert r.returncode == 2 and "no LanguageTool server is configured" in r.stderr


def test_bad_url_is_a_usage_error(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("A clean sentence.\n", encoding="utf-8")
    r = run_cli("check", "--languagetool", "ftp://nowhere", str(a))
    assert r.returncode == 2 and "--languagetool" in r.stderr


def test_slow_server_times_out_with_one_warning(tmp_path):
    """A server that accepts connections and never answers (loopback only)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    port = srv.getsockname()[1]
    conns = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        a = tmp_path / "a.txt"
        a.write_text("A clean sentence.\n", encoding="utf-8")
        start = time.monotonic()
        r = run_cli("check", "--languagetool", f"http://127.0.0.1:{port}", str(a),
                    env={lt.ENV_TIMEOUT: "1"}, timeout=60)
        elapsed = time.monotonic() - start
        assert r.returncode == 0
        assert r.stderr.count("warning") == 1 and "timed out" in r.stderr
        assert elapsed < 20
    finally:
        stop.set()
        t.join(2)
        for c in conns:
            c.close()
        srv.close()


def test_local_without_installation_says_what_to_do(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("A clean sentence.\n", encoding="utf-8")
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "MTCLEAN_LT_CACHE": str(tmp_path / "none"),
           "LTP_PATH": str(tmp_path / "ltp")}
    r = run_cli("check", "--languagetool", "local", str(a), env=env)
    assert r.returncode == 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "scripts/languagetool-server fetch" in lines[0]


# --------------------------------------------------------------------------- live server

def _check_json(*args: str, text: str | None = None, path: Path | None = None, env=None) -> list[dict]:
    target = [str(path)] if path else ["-"]
    r = run_cli("check", "--format", "json", "--languagetool", LT_URL, "--require-languagetool", *args, *target,
                input=text, env=env)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


@pytest.mark.languagetool
@needs_server
def test_live_grammar_error_outside_quotes_with_exact_offsets():
    text = "Our correspondent reports.\n\nYesterday he go to the market with his brother."
    found = [f for f in _check_json(text=text) if f["rule"].startswith("LT:")]
    agr = [f for f in found if f["rule"] == "LT:HE_VERB_AGR"]
    assert len(agr) == 1
    f = agr[0]
    start = text.index("he go") + 3
    assert (f["offset"], f["end_offset"]) == (start, start + 2)
    assert (f["line"], f["column"]) == (3, text.split("\n")[2].index("go") + 1)
    assert f["fix"]["applicability"] == "unsafe" and f["fix"]["edits"][0]["replacement"] in ("goes", "went")
    assert f["message"]


@pytest.mark.languagetool
@needs_server
def test_live_same_error_inside_quoted_speech_is_not_reported():
    text = "“Yesterday he go to the market with his brother,” the witness told reporters."
    assert not [f for f in _check_json(text=text) if f["rule"].startswith("LT:")]
    both = "“Yesterday he go to the market,” she said. Yesterday he go to the market too."
    found = [f for f in _check_json(text=both) if f["rule"] == "LT:HE_VERB_AGR"]
    assert [f["offset"] for f in found] == [both.rindex("go to")]


@pytest.mark.languagetool
@needs_server
def test_live_offsets_after_astral_characters_and_crlf():
    text = "Fans cheered 😀😀 loudly.\r\n\r\nThen he go home 🎉. Later he go out again."
    found = [f for f in _check_json(text=text) if f["rule"] == "LT:HE_VERB_AGR"]
    starts = [i for i in range(len(text)) if text.startswith("go ", i) and text[i - 3:i] == "he "]
    assert [f["offset"] for f in found] == starts


@pytest.mark.languagetool
@needs_server
def test_live_split_document_keeps_offsets():
    body = "Officials said the plan was sound. Yesterday he go to the ministry."
    text = "\n\n".join(f"Paragraph {i}. {body}" for i in range(60))
    settings = Settings(select=("LT",), languagetool=LT_URL)
    doc = Document(text)
    client = lt.client_for(LT_URL, "en-US", settings)
    small = lt.check_documents([doc], client, max_chars=500)
    big = lt.check_documents([doc], client, max_chars=100_000)
    assert small.problem is None and big.problem is None and small.requests > 5
    key = lambda fs: sorted((f.rule, f.span.start, f.span.end) for f in fs if f.rule == "LT:HE_VERB_AGR")
    assert key(small.findings[0]) == key(big.findings[0])
    assert len(key(small.findings[0])) == 60
    for f in small.findings[0]:
        if f.rule == "LT:HE_VERB_AGR":
            assert text[f.span.start:f.span.end] == "go"


@pytest.mark.languagetool
@needs_server
def test_live_batching_several_files_maps_to_the_right_file(tmp_path):
    paths = []
    for i in range(6):
        p = tmp_path / f"f{i}.txt"
        p.write_text(("A clean line.\n\n" * i) + "Yesterday he go to the market.\n", encoding="utf-8")
        paths.append(p)
    r = run_cli("check", "--format", "json", "--languagetool", LT_URL, "--require-languagetool", *map(str, paths))
    found = [f for f in json.loads(r.stdout) if f["rule"] == "LT:HE_VERB_AGR"]
    assert len(found) == 6
    for f in found:
        text = Path(f["path"]).read_text(encoding="utf-8")
        assert text[f["offset"]:f["end_offset"]] == "go"


@pytest.mark.languagetool
@needs_server
def test_live_seed_article_mtclean_plus_languagetool_without_duplicates(seed_path, seed_text):
    plain = json.loads(run_cli("check", "--format", "json", str(seed_path)).stdout)
    doc = Document(seed_text)
    # journalism defaults, then with LanguageTool's spelling rule back on (many more matches)
    for extra in ((), ("--extend-select", "LT:MORFOLOGIK_RULE_EN_US")):
        merged = _check_json(*extra, path=seed_path)
        mt = [f for f in merged if not f["rule"].startswith("LT:")]
        ltf = [f for f in merged if f["rule"].startswith("LT:")]
        notes = [n for f in mt for n in f.get("notes", []) if n.startswith("also LanguageTool ")]
        assert ltf or notes, "LanguageTool contributed nothing on the seed article"
        # mtclean's own findings are all still there (possibly with a LanguageTool note)
        assert [(f["rule"], f["offset"], f["end_offset"]) for f in mt] == \
               [(f["rule"], f["offset"], f["end_offset"]) for f in plain]
        # no LanguageTool finding for a span mtclean already reports
        for a in ltf:
            for b in mt:
                assert not (a["offset"] < b["end_offset"] and b["offset"] < a["end_offset"]), (a, b)
        spans = [(f["offset"], f["end_offset"], f["rule"]) for f in merged]
        assert len(spans) == len(set(spans))
        # nothing inside quoted speech
        for f in ltf:
            assert not doc.protection.overlaps(Span(f["offset"], f["end_offset"])), f
        if extra:
            assert [f for f in ltf if f["rule"] == "LT:MORFOLOGIK_RULE_EN_US"] and notes
        else:
            # the default-off list is honoured (names are not flagged as misspellings)
            assert not [f for f in ltf if f["rule"].startswith("LT:MORFOLOGIK")]


@pytest.mark.languagetool
@needs_server
def test_live_dedupe_notes_languagetool_on_mtclean_finding():
    text = "The talks ended last week. according to Reuters the talks will resume."
    merged = _check_json(text=text)
    mt = [f for f in merged if not f["rule"].startswith("LT:")]
    if not any(f["offset"] <= text.index("according") <= f["end_offset"] for f in mt):
        pytest.skip("no mtclean rule flags this stray period yet")
    assert any("also LanguageTool UPPERCASE_SENTENCE_START" in f.get("notes", []) for f in mt)
    assert not [f for f in merged if f["rule"] == "LT:UPPERCASE_SENTENCE_START"]


@pytest.mark.languagetool
@needs_server
def test_live_selection_and_default_off_list():
    text = "The minster of finanse spoke. Yesterday he go to the market."
    default = {f["rule"] for f in _check_json(text=text)}
    assert "LT:HE_VERB_AGR" in default and "LT:MORFOLOGIK_RULE_EN_US" not in default
    spelled = {f["rule"] for f in _check_json("--extend-select", "LT:MORFOLOGIK_RULE_EN_US", text=text)}
    assert "LT:MORFOLOGIK_RULE_EN_US" in spelled
    assert not {r for r in (f["rule"] for f in _check_json("--ignore", "LT", text=text)) if r.startswith("LT:")}
    only = {f["rule"] for f in _check_json("--select", "LT:HE_VERB_AGR", text=text)}
    assert only == {"LT:HE_VERB_AGR"}


@pytest.mark.languagetool
@needs_server
def test_live_fix_applies_languagetool_suggestions_only_with_unsafe_fixes(tmp_path):
    p = tmp_path / "a.txt"
    text = "“Yesterday he go to the market,” she said. Yesterday he go to the market too.\n"
    p.write_text(text, encoding="utf-8")
    r = run_cli("fix", "--languagetool", LT_URL, "--require-languagetool", str(p))
    assert r.returncode == 1 and p.read_text(encoding="utf-8") == text     # LT fixes are never safe
    r = run_cli("fix", "--unsafe-fixes", "--languagetool", LT_URL, "--require-languagetool", str(p))
    out = p.read_text(encoding="utf-8")
    assert out.startswith("“Yesterday he go to the market,” she said.")   # quoted speech untouched
    assert "Yesterday he goes to the market too." in out or "Yesterday he went to the market too." in out


@pytest.mark.languagetool
@pytest.mark.slow
@needs_server
def test_live_local_mode_uses_the_fetched_installation(tmp_path):
    if lt.local_installation() is None:
        pytest.skip("no local LanguageTool installation (run scripts/languagetool-server fetch)")
    text = "Yesterday he go to the market.\n"
    r = run_cli("check", "--format", "json", "--languagetool", "local", "--require-languagetool", "-",
                input=text, timeout=180)
    assert r.returncode == 1, r.stderr
    found = [f for f in json.loads(r.stdout) if f["rule"] == "LT:HE_VERB_AGR"]
    assert [f["offset"] for f in found] == [text.index("go ")]


def test_fix_with_unreachable_server_still_fixes(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("The deal was signed.Macronwho kept talking.\n", encoding="utf-8")
    q = tmp_path / "b.txt"
    q.write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    plain = run_cli("fix", str(q))
    r = run_cli("fix", "--languagetool", f"http://127.0.0.1:{_free_port()}", str(p))
    assert r.returncode == plain.returncode
    assert p.read_text(encoding="utf-8") == q.read_text(encoding="utf-8")
    assert r.stderr.count("mtclean: warning:") == 1


@pytest.mark.languagetool
@needs_server
def test_live_config_key_and_environment_precedence(tmp_path):
    (tmp_path / ".mtclean.toml").write_text(f'languagetool = "{LT_URL}"\n', encoding="utf-8")
    a = tmp_path / "a.txt"
    a.write_text("Yesterday he go to the market.\n", encoding="utf-8")
    rules = lambda r: {f["rule"] for f in json.loads(r.stdout)}
    r = run_cli("check", "--format", "json", "a.txt", cwd=tmp_path)
    assert "LT:HE_VERB_AGR" in rules(r)                                        # from the configuration
    r = run_cli("check", "--format", "json", "a.txt", cwd=tmp_path, env={lt.ENV_URL: "off"})
    assert not {x for x in rules(r) if x.startswith("LT:")}                    # environment beats config
    r = run_cli("check", "--format", "json", "--languagetool", LT_URL, "a.txt", cwd=tmp_path,
                env={lt.ENV_URL: "off"})
    assert "LT:HE_VERB_AGR" in rules(r)                                        # option beats environment


@pytest.mark.languagetool
@needs_server
def test_live_quoted_speech_never_reaches_the_server(tmp_path):
    """A recording proxy between mtclean and the real server sees every request body."""
    import http.server
    import urllib.parse
    import urllib.request

    bodies: list[str] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def _forward(self, data=None):
            req = urllib.request.Request(LT_URL.rstrip("/") + self.path, data=data, method=self.command)
            if data is not None:
                req.add_header("Content-Type", self.headers.get("Content-Type", "application/x-www-form-urlencoded"))
            with urllib.request.urlopen(req, timeout=60) as resp:
                payload = resp.read()
                self.send_response(resp.status)
                self.send_header("Content-Type", resp.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        def do_GET(self):
            bodies.append(urllib.parse.unquote_plus(self.path))
            self._forward()

        def do_POST(self):
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            bodies.append(urllib.parse.unquote_plus(data.decode("utf-8")))
            self._forward(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        p = tmp_path / "a.txt"
        p.write_text("“Secret words he go say,” the minister told https://secret.example.org/path.\n\n"
                     "Yesterday he go to the market, @secrethandle wrote.\n", encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_address[1]}"
        r = run_cli("check", "--format", "json", "--languagetool", url, "--require-languagetool", str(p))
        assert r.returncode == 1, r.stderr
        assert any(f["rule"] == "LT:HE_VERB_AGR" for f in json.loads(r.stdout))
        sent = "\n".join(bodies)
        assert "Yesterday he go to the market" in sent
        for secret in ("Secret words", "secret.example", "secrethandle"):
            assert secret not in sent
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.languagetool
@needs_server
def test_live_accepted_vocabulary_is_not_a_misspelling(tmp_path):
    (tmp_path / "vocab.txt").write_text("Zinichev\n", encoding="utf-8")
    (tmp_path / ".mtclean.toml").write_text('accept = ["vocab.txt"]\n', encoding="utf-8")
    a = tmp_path / "a.txt"
    a.write_text("Minister Zinichev and Minister Klimovski spoke.\n", encoding="utf-8")
    r = run_cli("check", "--format", "json", "--languagetool", LT_URL, "--require-languagetool",
                "--extend-select", "LT:MORFOLOGIK_RULE_EN_US", "a.txt", cwd=tmp_path)
    flagged = {a.read_text(encoding="utf-8")[f["offset"]:f["end_offset"]] for f in json.loads(r.stdout)
               if f["rule"] == "LT:MORFOLOGIK_RULE_EN_US"}
    assert "Klimovski" in flagged and "Zinichev" not in flagged


def test_rule_command_explains_languagetool_rules():
    r = run_cli("rule", "LT")
    assert r.returncode == 0 and "MORFOLOGIK_RULE_EN_US" in r.stdout and "STYLE" in r.stdout
    r = run_cli("rule", "lt:morfologik_rule_en_us")
    assert r.returncode == 0 and "Default: off" in r.stdout and "--extend-select LT:MORFOLOGIK_RULE_EN_US" in r.stdout
    r = run_cli("rule", "LT:HE_VERB_AGR")
    assert r.returncode == 0 and "Default: on" in r.stdout and "--ignore LT:HE_VERB_AGR" in r.stdout


_FRAGMENTS = ["Yesterday he go to the market. ", "“he go there,” ", "She said “we go”. ", "😀 ", "\r\n", "\n\n",
              "https://example.org/he-go ", "@hego ", "#hego ", "The talks ended. according to officials ",
              "an European ", "It was a honour. ", "‘he go’ ", "Ünïcödé café ", "\t"]


@pytest.mark.languagetool
@needs_server
@settings(max_examples=15)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=25))
def test_live_invariants_on_generated_text(parts):
    text = "".join(parts)
    s = Settings(select=("LT",), languagetool=LT_URL)
    doc = Document(text)
    found = lt.check_text(text, s)
    for f in found:
        assert f.rule.startswith("LT:")
        assert 0 <= f.start <= f.end <= len(text)
        assert not doc.protection.overlaps(f.span), (f, text[f.start:f.end])
        if f.rule == "LT:HE_VERB_AGR":
            assert text[f.start:f.end] == "go"
        if f.fix is not None:
            assert all(not doc.protection.overlaps(e.span) for e in f.fix.edits)
