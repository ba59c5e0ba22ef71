"""The fast paths of MT101 (chunk memo, word filters first) and MT107 (token search
instead of tokenising the document) give exactly what the plain per-match loop gave."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from cleaner.document import Document
from cleaner.engine import make_context, rules_for
from cleaner.rules import glued
from cleaner.rules.glued import _CANDIDATE_WORD, _NOT_PROSE_AFTER, _NOT_PROSE_BEFORE, DocTokens, token_positions
from cleaner.settings import Settings
from cleaner.types import Applicability

from corpus_texts import annotated_texts  # noqa: E402  (tests/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "Officials met Macronwho said the pricesand wages rose.",
    "Macronwho spoke; later Macronwho left.",               # repeated: a name the document uses
    "Macron spoke. Then Macronwho left.",                     # the left half stands alone
    "the x-Macronwho and Macronwho’s and Macronwho-x and ’Macronwho.",
    "see /usr/Macronwho or Macronwho.txt or @Macronwho or Macronwho(1) or a_Macronwho",
    "ECBwhich raised rates; NATOand the infrastructurekilling thousands.",
    "He lived in Spainin 1990 and visited Telescopea twice. Chișinăuwhere it rained.",
    "café\u0301Macronwho 2Macronwho Macronwho2 Macronwho\u0301 MACRONwho",
    "Macronwho\nMacronwho\tMacronwho\u00a0Macronwho\u2003x",
    "tengewhich theywere thepeople peoplewho Parisas citiesas",
    "«Londonwhere» (Berlinwhich) [Romeand] Madridbut, Lisbonwhile.",
    "ABCDEFGHwhich McDonaldwhich iPhonewhich ECBwhich, ECBwhich2 and Zürichwhere",   # not candidates
]


def _many_rare_words(n: int) -> str:
    """More rare words than DocTokens.FEW (the one-pass path), some repeated or glued."""
    rng = random.Random(n)
    syll = ["zor", "bla", "quen", "thi", "vex", "mur", "dra", "pol", "kin", "ta"]
    words = ["".join(rng.choice(syll) for _ in range(3)) + rng.choice(["a", "ing", "in", "as", "and", "which"])
             for _ in range(n)]
    words = [w.capitalize() if i % 3 == 0 else w for i, w in enumerate(words)]
    return " ".join(words + words[:5] + ["Macronwho said the pricesand the infrastructurekilling."])


def _texts() -> list[str]:
    out = list(TRICKY) + [_many_rare_words(80), _many_rare_words(20)]
    out += annotated_texts()
    return out


def _reference_mt101(rule, doc, ctx):
    """The plain loop MT101 had before its fast path (every match, Document indexes)."""
    opts = rule.options
    min_len, max_len, min_l = opts.get("min_length", 5), opts.get("max_length", 40), opts.get("min_left_zipf", 2.0)
    lex = ctx.lexicon
    comma_words, appositive, closed, weak, weak_names, function, max_right, _ = glued._vocab()
    masked, counts = doc.masked, doc.token_counts
    out = []
    for m in _CANDIDATE_WORD.finditer(masked):
        word = m.group()
        if len(word) < min_len or len(word) > max_len:
            continue
        start, end = m.span()
        before = masked[start - 1] if start else " "
        after = masked[end] if end < len(masked) else " "
        if before in _NOT_PROSE_BEFORE or after in _NOT_PROSE_AFTER or (
                after in ".:" and end + 1 < len(masked) and masked[end + 1].isalnum()):
            continue
        if counts[word] > 1 or word in ctx.accept or word.lower() in ctx.accept or lex.zipf(word) > 0:
            continue
        split = rule._split(word, lex, doc.standalone_names, closed, weak, weak_names, max_right, min_l)
        if split is None:
            continue
        left, right, zl, confident = split
        if right in appositive:
            comma = left.lower() not in function
        elif right == "who":
            comma = left[0].isupper()
        elif right == "as":
            comma = left.endswith("s") or left[0].isupper()
        else:
            comma = right in comma_words or right.endswith("ing")
        joiner = ", " if comma else " "
        app = Applicability.SAFE if confident else Applicability.UNSAFE
        fix = rule.replace(start, end, left + joiner + right, f"split into “{left}{joiner}{right}”", app)
        out.append(rule.finding(start, end, f"“{word}” looks like “{left}” and “{right}” run together",
                                fix=fix, confidence=0.95 if confident else 0.8))
    return out


@pytest.mark.parametrize("accept", [(), ("Macronwho", "pricesand")])
@pytest.mark.parametrize("options", [{}, {"min_length": 7, "max_length": 12}])
def test_mt101_same_as_plain_loop(accept, options):
    settings = Settings(select=("MT101",), accept=frozenset(accept))
    rule = next(r for r in rules_for(settings) if r.meta.code == "MT101")
    rule = type(rule)(rule.meta, {**rule.options, **options}, rule.data, rule.path)
    ctx = make_context(settings)
    glued._MEMOS.clear()
    texts = _texts()
    seen = 0
    for rep in range(2):                       # a cold memo, then a warm one
        for text in texts:
            doc = Document(text)
            got = list(rule.check(doc, ctx))
            assert got == _reference_mt101(rule, Document(text), ctx), text
            seen += len(got)
    assert seen > 0


def test_mt101_leaves_document_indexes_alone():
    doc = Document("Officials met Macronwho and the pricesand wages rose, an infrastructurekilling.")
    settings = Settings(select=("MT101",))
    rule = next(r for r in rules_for(settings) if r.meta.code == "MT101")
    assert len(list(rule.check(doc, make_context(settings)))) == 3
    assert "token_counts" not in doc.__dict__ and "standalone_names" not in doc.__dict__


def test_token_positions_count_tokens_as_document_does():
    rng = random.Random(3)
    alphabet = "ab’'-. \n\u0301é2Ab"
    texts = _texts()[:200] + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
                              for _ in range(3000)]
    checked = 0
    for text in texts:
        doc = Document(text)
        masked, counts = doc.masked, doc.token_counts
        searched, tokenised = DocTokens(doc), DocTokens(doc)
        searched.FEW, tokenised.FEW = 10**9, 0
        words = set(counts)
        for _ in range(5):                     # letter runs that are not always tokens
            i = rng.randrange(len(masked))
            words.add(masked[i:i + rng.randrange(1, 8)])
        for w in words:
            if w and w.isalpha():
                assert len(token_positions(masked, w)) == counts[w], (text, w)
                assert searched.count(w) == tokenised.count(w) == counts[w], (text, w)
                assert (w in searched) == (w in tokenised) == (w in doc.standalone_names), (text, w)
                checked += 1
    assert checked > 1000


def test_mt107_join_scan_finds_every_lowercase_capital_pair():
    import regex

    from cleaner.rules.glued_sentence import _JOIN, _JOIN_ASCII

    pair = regex.compile(r"\p{Ll}\p{Lu}")
    rng = random.Random(5)
    alphabet = "aZbY \n.-’éÉßẞǅΣσ\ue000"
    texts = _texts() + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30))) for _ in range(3000)]
    joins = 0
    for text in texts:
        expected = [m.start() + 1 for m in pair.finditer(text)]
        assert [m.start() for m in _JOIN.finditer(text)] == expected, text
        if text.isascii():
            assert [m.start() for m in _JOIN_ASCII.finditer(text)] == expected, text
        joins += len(expected)
    assert joins > 100
