"""The phrasebook's fast paths (byte scan for anchors, matches tried only where they
can start) give exactly what the plain scan and window search give.

The plain way is kept in the code (``AnchorIndex._candidates_scan``, and
``Phrasebook._entry_hits`` without a :class:`Scan`): it is what texts that the fast
paths cannot vouch for still take, and what these tests compare against."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, strategies as st

from cleaner.engine import build_document, make_context
from cleaner.registry import instantiate
from cleaner.rules import phrasebook as pb
from cleaner.rules import phrasebook_anchors as anchors
from cleaner.rules import phrasebook_plans as plans
from cleaner.settings import Settings
from corpus_texts import jsonl_texts

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings()


@pytest.fixture(scope="module")
def books():
    planned_after = pb._PLAN_AFTER
    pb._PLAN_AFTER = 1            # plan every entry at once (a CLI run waits for its third use)
    yield {r.meta.code: r for r in instantiate(["MT301", "MT303"])}
    pb._PLAN_AFTER = planned_after


def _examples(books) -> list[str]:
    out = []
    for rule in books.values():
        for e in rule.entries:
            out.extend(t for t in (e.example, e.trap) if t)
    return out


def _variants(t: str):
    """A text, and ways scraping and typing change it (case, spacing, accents)."""
    yield t
    yield t.upper()
    yield t.title()
    yield t.replace(" ", "  ")
    yield t.replace(" ", "\n")
    yield t.replace(" ", "\u00a0")
    yield "é" + t.replace(" ", " é", 1)
    yield t.replace(" ", "’", 1)


def _texts(books) -> list[str]:
    ex = _examples(books)
    docs = []
    for i in range(0, len(ex), 6):
        chunk = ex[i:i + 6]
        docs.append(" ".join(chunk))
        docs.append("\n\n".join(v for t in chunk for v in _variants(t)))
    docs.append((ROOT / "seeds" / "000_0d79818c9da73b44.txt").read_text("utf-8"))
    docs.extend(jsonl_texts(ROOT / "corpus" / "mtclean.jsonl", limit=80))
    return docs


def _plain_hits(rule, doc):
    """The hits as the plain scan and window search find them."""
    idx = rule._anchors
    low = doc.masked.lower()
    todo = [(e, None) for e in idx.unanchored] + idx._candidates_scan(low, doc.masked)
    hits = rule._entry_hits(todo, doc, None)
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    return [_key(h) for h in hits]


def _fast_hits(rule, doc):
    ctx = make_context(SETTINGS)
    ctx.facts = {}
    return [_key(h) for h in rule.hits(doc, ctx) if h.entry.index >= 0]    # (not permuted acronyms)


def _key(h):
    return (h.start, h.end, h.match_start, h.match_end, h.entry.source.name, h.entry.index, h.replacements)


def _same(rule, text: str) -> None:
    doc = build_document(text, SETTINGS)
    assert _fast_hits(rule, doc) == _plain_hits(rule, doc), text[:200]


def test_candidates_are_those_of_the_full_scan(books):
    texts = _texts(books) + [
        "Élysée said; the Elysée. réalisateur! votó such-and-such a such thing",   # non-ASCII anchors
        "İstanbul: a such",                                # lowering changes the length
        "café such, x²such, a suché, _such 9such such_ such9",
        "The Kelvin sign: Kommission, KOMMISSION",         # K (U+212A) lowers to ASCII
        "sexually transmitted infections (ITS) rose; Its price rose",
    ]
    for rule in books.values():
        rule.hits(build_document("warm up", SETTINGS), make_context(SETTINGS))
        idx = rule._anchors
        for text in texts:
            low = text.lower()
            fast = [(id(e), p) for e, p in idx.candidates(low, text)]
            plain = [(id(e), p) for e, p in idx._candidates_scan(low, text)]
            assert fast == plain, text[:200]


def test_hits_are_those_of_the_window_search(books):
    texts = _texts(books)
    n = 0
    for rule in books.values():
        for text in texts:
            _same(rule, text)
            n += 1
    assert n > 300


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 7),
                          st.sampled_from([" ", "  ", "\n", ", ", " (", ") ", "\u00a0", " — "])),
                min_size=1, max_size=6))
def test_hits_agree_on_mixed_examples(books, parts):
    examples = _examples(books)
    pieces = []
    for i, v, sep in parts:
        pieces.append(list(_variants(examples[i % len(examples)]))[v] + sep)
    text = "".join(pieces)
    for rule in books.values():
        _same(rule, text)


def test_texts_the_fast_paths_cannot_vouch_for_take_the_plain_way(books):
    for text in ("A ſuch thing and a such thing.", "x² a such thing", "İt was a such thing",
                 "a such thing\u0301", "A ıtem: a such thing"):
        doc = build_document(text, SETTINGS)
        scan = pb.Scan(doc.masked.lower(), doc.masked)
        assert not scan.safe
        for rule in books.values():
            _same(rule, text)
    assert pb.Scan("a such thing — “quoted” café", "a such thing — “quoted” café").safe


def test_safe_characters_read_alike_everywhere():
    """What the fast paths assume of :data:`_SAFE_CHARS`: ``re`` and ``regex`` agree
    on word characters, ``\\s`` is ``str.isspace``, lower case keeps one character
    (and a safe one), and ignoring case never makes one equal to an ASCII letter."""
    safe = re.compile(f"[{anchors._SAFE_CHARS}]")
    word = regex.compile(r"\w", regex.V1)
    space = regex.compile(r"\s", regex.V1)
    ascii_letters = [regex.compile("(?-f)" + regex.escape(chr(i)), regex.IGNORECASE | regex.V1)
                     for i in range(128) if chr(i).isalnum() or chr(i) == "_"]
    count = 0
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if not safe.fullmatch(c):
            continue
        count += 1
        assert (c.isalnum() or c == "_") == bool(word.match(c)), hex(cp)
        assert not space.match(c) or c.isspace(), hex(cp)
        assert len(c.lower()) == 1 and safe.fullmatch(c.lower()), hex(cp)
        if cp > 127:
            assert not any(p.fullmatch(c) for p in ascii_letters), hex(cp)
    assert count > 2000
    for odd in "ſıİ²\u0301\u200d":
        assert not safe.fullmatch(odd)


def test_plans(books):
    entries = {e.find: e for e in books["MT301"].entries + books["MT303"].entries}

    def plan(find):
        return plans._plan(next(e for f, e in entries.items() if f.startswith(find)))

    # matches start with the anchor word: tried only there
    assert plan("(?P<m>(?:count|counts|counted|counting)\\s+with)").before == ()
    # a literal word before it: walked back
    such = plan("(?<!such-and-)(?P<m>a\\s+such)")
    assert callable(such.before)
    low = "it was a  such thing; no such thing"
    assert sorted(set(such.before([low.index("such")], low))) == [low.index("a  such")]
    assert such.before([low.rindex("such")], low) == []
    # an acronym in capitals (searched in the text as it is): windows
    assert plan("AEA (bare").before is None
    # a string every match holds is looked for before the regex runs
    assert ("money",) in plan("(?P<m>citizen(?:s)?").needs


def test_walker_steps():
    steps = plans._steps(list(plans._sre_parse.parse(r"(?:the\s+)?(?:Spanish\s+)?")))
    walk = plans._walker(steps)
    low = "said the spanish executive"
    at = low.index("executive")
    assert sorted(set(walk([at], low))) == [low.index("the"), low.index("spanish"), at]


def test_boilerplate_split_classifies_alike(monkeypatch):
    """MT401 runs its floating entries (``[^\\n]{0,200}\\b(?:we use cookies...``) only
    on lines holding what they need: every line gets the entry it got before."""
    from cleaner.rules import boilerplate

    rule = instantiate(["MT401"])[0]
    monkeypatch.setattr(boilerplate, "_SPLIT_AFTER", 0)
    assert boilerplate._split(rule.packs[0]) is not None
    lines = []
    for e in rule.entries:
        lines.extend(t for t in (e.example, e.trap) if t)
    lines += [line.text for t in _texts(instantiate_books()) for line in boilerplate.content_lines(t)]
    lines += ["We use cookies to improve your experience. Accept all",
              "Support independent journalism: donate now", "Get it delivered straight to your inbox",
              "WE USE COOKIES", "Nous utilisons des cookies", "ſupport our journalism — donate today",
              "A sentence about news and readers that needs no help."]
    assert len(lines) > 200
    rule._splits.clear()
    split_on = [rule.classify(line) for line in lines]
    assert rule._splits
    monkeypatch.setattr(boilerplate, "_SPLIT_AFTER", 10**9)
    rule._splits.clear()
    split_off = [rule.classify(line) for line in lines]
    assert not rule._splits
    assert [e and e.find for e in split_on] == [e and e.find for e in split_off]
    assert any(split_on)


def instantiate_books():
    return {r.meta.code: r for r in instantiate(["MT301", "MT303"])}


def test_rules_pickle_after_use(books):
    """Batch workers get rules pickled: caches keyed by entry ids are left behind."""
    import pickle

    from cleaner.rules import boilerplate

    text = "They count with the support of a such group. Advertisement\n\nWe use cookies."
    doc = build_document(text, SETTINGS)
    for rule in (*books.values(), instantiate(["MT401"])[0]):
        before = [f.span for f in rule.check(doc, _ctx(rule))]
        copy = pickle.loads(pickle.dumps(rule))
        assert [f.span for f in copy.check(doc, _ctx(copy))] == before
        if isinstance(rule, pb.Phrasebook):
            assert copy._plans and _fast_hits(copy, doc) == _plain_hits(copy, doc)
        else:
            assert before and isinstance(copy, boilerplate.BoilerplateLines)
    assert list(books["MT301"].check(doc, _ctx(books["MT301"])))
    index = pb.AnchorIndex(books["MT301"].entries)            # warm memos, then pickled alone
    found = [(e.find, p) for e, p in index.candidates(text.lower(), text)]
    again = pickle.loads(pickle.dumps(index))
    assert [(e.find, p) for e, p in again.candidates(text.lower(), text)] == found and len(found) == 2


def _ctx(rule):
    ctx = make_context(SETTINGS)
    ctx.facts, ctx.rules = {}, (rule,)
    return ctx
