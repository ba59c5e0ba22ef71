"""Differential tests for the engine's fast paths: each against the plain code it
replaces (no timing here; the speed is measured by bench/ and scripts/)."""
from __future__ import annotations

import functools

import pytest

from cleaner.document import Document
from cleaner.engine import make_context, rules_for
from cleaner.rules.base import Context
from cleaner.rules.phrasebook import Phrasebook
from cleaner.rules.pivot import active_phrasebooks
from cleaner.settings import DEFAULT, Settings

from corpus_texts import annotated_texts

TEXTS = [
    "", "Hello world.", "One.\n\nTwo “quoted speech” here.\n\nThree 'x' and www.example.com/a.",
    "He said \u201chello\u201d and left.  Then  he came back.Again", *annotated_texts()[:200],
]

VIEWS = ("masked", "paragraphs", "sentences", "tokens", "token_counts", "standalone_words",
         "standalone_names", "lines")


class _PlainDocument(Document):
    """Document with the standard library's cached_property on every view."""


for _name in VIEWS:
    setattr(_PlainDocument, _name, functools.cached_property(getattr(Document, _name).func))
    getattr(_PlainDocument, _name).__set_name__(_PlainDocument, _name)


@pytest.mark.parametrize("text", TEXTS[:4])
def test_views_are_cached_in_the_instance_dict(text):
    doc = Document(text)
    for name in VIEWS:
        assert name not in doc.__dict__           # rules test this to know what is built
        value = getattr(doc, name)
        assert doc.__dict__[name] is value
        assert getattr(doc, name) is value


def test_views_equal_the_standard_cached_property():
    for text in TEXTS:
        fast, plain = Document(text), _PlainDocument(text)
        for name in VIEWS:
            got, want = getattr(fast, name), getattr(plain, name)
            assert (got.starts if name == "lines" else got) == (want.starts if name == "lines" else want), name


def test_for_rules_computes_once_per_rule_tuple():
    calls = []
    ctx = Context()
    ctx.rules = rules_for(DEFAULT)

    def make(rules):
        calls.append(rules)
        return len(rules)

    assert ctx.for_rules("test.len", make) == len(ctx.rules)
    ctx2 = Context()
    ctx2.rules = ctx.rules
    assert ctx2.for_rules("test.len", make) == len(ctx.rules)
    assert len(calls) == 1
    ctx2.rules = tuple(list(ctx.rules)[:3])           # another rule set: computed again
    assert ctx2.for_rules("test.len", make) == 3
    assert len(calls) == 2


@pytest.mark.parametrize("select", [None, ("MT301",), ("MT303", "MT301", "MT310"), ("MT101",)])
def test_active_phrasebooks_equals_the_plain_sort(select):
    settings = Settings(select=select) if select else DEFAULT
    ctx = make_context(settings)
    for rules in (rules_for(settings), tuple(reversed(rules_for(settings)))):
        ctx.rules = rules
        want = sorted((r for r in rules if isinstance(r, Phrasebook)), key=lambda r: r.meta.code)
        assert active_phrasebooks(ctx) == want
        assert active_phrasebooks(ctx) == want            # the memo
        active_phrasebooks(ctx).clear()                    # a caller's copy: the memo is untouched
        assert active_phrasebooks(ctx) == want



def test_protection_pairs_equal_spans():
    from cleaner.document import Document

    seen = 0
    for text in TEXTS:
        prot = Document(text).protection
        assert prot.pairs() == [(s.start, s.end) for s in prot.spans]
        seen += bool(prot)
    assert seen                            # some of the texts have protected regions


def test_is_word_ascii_fast_path_equals_the_regex():
    from cleaner.protect import _WORDCHAR, _is_word

    assert not _is_word("")
    for i in range(0x110000):
        if 0xD800 <= i < 0xE000:
            continue                       # lone surrogates: not text
        ch = chr(i)
        assert _is_word(ch) == bool(_WORDCHAR.match(ch)), hex(i)


def test_region_sort_key_equals_the_plain_one():
    from cleaner.protect import _START_END, Region, find_regions

    regions = [Region(s, e, k) for s, e, k in [(5, 9, "quote"), (5, 7, "url"), (0, 3, "user"), (5, 7, "email")]]
    assert sorted(regions, key=_START_END) == sorted(regions, key=lambda r: (r.start, r.end))
    for text in TEXTS:
        found = find_regions(text)
        assert found == sorted(found, key=lambda r: (r.start, r.end))
