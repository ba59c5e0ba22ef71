"""The fast paths of MT102-MT108 (byte scans and candidate searches instead of a
regex attempt at every character) give exactly what the plain loops gave.

Each fast path is compared with the pattern it stands for, run the plain way, on
the corpus, on hand-made traps and on random texts built from the characters that
matter (case partners beyond latin-1, protected text glued to words, "??", tabs,
line breaks, letters the regex module knows and Python does not...)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.document import MASK, Document
from cleaner.engine import make_context, rules_for
from cleaner.protect import Region
from cleaner.rules import duplicates as dup
from cleaner.rules import spacing, stray_period
from cleaner.settings import Settings

from corpus_texts import annotated_texts  # noqa: E402  (tests/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(select=("MT102", "MT103", "MT104", "MT105", "MT106", "MT108"))
RULES = {r.meta.code: r for r in rules_for(SETTINGS)}
CTX = make_context(SETTINGS)

TRAPS = [
    "They face a a confidence vote. It beat the the record. The the minister resigned.",
    "Paris in the\nthe spring; in in December; a\n\na break; the\tthe tab; the  the.",
    "He said that that was it. İs is, is İs, Kilo kilo, kilo \u212ailo, Ÿes ÿes, ẞ ß, Å å, \u212b \u00e5.",
    "the the\u00a0the the\u2009the the\u3000the; café café; Café café; naïve naïve; Łódź łódź.",
    "—the the, “the the”, ’the the, 'the the, -the the, (the the), [in in] ¿the the? ²the the.",
    "a—łódź łódź; ab——the the; x\u2014\u2014élan élan; “—Ωmega ωmega”; 日本語日本語 the the.",
    "the the the; in in in in; that that that that; to to to the.",
    "’the the the end, 'a a a day, x-of of of them, @the the the.",          # the pair finditer skips
    "\x00the the\x00 and café\x00café; ſ s; ſo so.",
    "x.the the; 1.5 5; e.g. the; U.S. army; it’s s s; one one-hundredth.",
    "Tom Brady accepts need to rest moreTom Brady accepts need to rest more. Next.",
    "Tom Brady accepts need to rest more Tom Brady accepts need to rest more",
    "Tom Brady accepts need to rest more\tTom Brady accepts need to rest more!",
    "ÉLAN vital goes on and on and onÉLAN vital goes on and on and on.",
    "Łódź has a long history hereŁódź has a long history here, they say.",
    "“Tom Brady accepts need to rest more”Tom Brady accepts need to rest more",
    "Short oneShort one. ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP.",
    ("Officials said on Monday that the long awaited plan for the northern railway line would be put to a "
     "vote in the regional assembly before the summer recess, despite objections from farmers and two of "
     "the smaller parties in tow") * 2 + ".",                               # a teaser of 225 characters
    "troops . draw , losing ; however :the end !and ? yes\t.\t, x  ,y",
    "war.The said,adding however;the Note:This what?The said.”The said,”he said,“We x.Ωmega",
    "the  report, and  (1)  You.  Next  sentence  here;  ok\u00a0 x  “quote”  y",
    "world order. is headed. and so. ěh. \u1c8aa.\tnext. Ωmega",
]


def _corpus() -> list[str]:
    out = list(TRAPS)
    out += annotated_texts()
    return out


# -- the plain loops ------------------------------------------------------------------------

def _plain_mt106(doc) -> list:
    rule, text = RULES["MT106"], doc.masked
    vocab = dup._vocabulary()
    return [f for m in dup._DOUBLE.finditer(text) if (f := rule._judge(m, text, CTX, vocab))]


def _spans(matches) -> list:
    return [(m.span(), m.groups()) for m in matches]


def _same_as_plain(doc) -> None:
    text = doc.masked
    assert list(RULES["MT106"].check(doc, CTX)) == _plain_mt106(doc)
    assert dup.find_teasers(text) == dup.find_teasers(text, None)
    assert dup.find_teasers(text, spacing.masked_bytes(doc)) == dup.find_teasers(text, None)
    assert _spans(spacing._space_before_matches(doc)) == _spans(spacing._SPACE_BEFORE.finditer(text))
    assert _spans(spacing._missing_after_matches(doc)) == _spans(spacing._MISSING_AFTER.finditer(text))
    assert _spans(spacing._repeated_matches(text)) == _spans(spacing._REPEATED.finditer(text))
    fast = (stray_period._PATTERN.match(text, h.start()) for h in stray_period._PERIOD_BEFORE_LOWER.finditer(text))
    assert _spans(m for m in fast if m) == _spans(stray_period._PATTERN.finditer(text))


def _doc(text: str, regions=()) -> Document:
    return Document(text, extra_regions=regions)


@pytest.mark.parametrize("text", _corpus())
def test_fast_paths_on_corpus(text):
    _same_as_plain(_doc(text))


def test_fast_paths_with_words_glued_to_protected_text():
    text = "See CODEthe the report and café café andCODE the the and CODEIn in March."
    regions = [Region(i, i + 4, "markup") for i in range(len(text)) if text.startswith("CODE", i)]
    doc = _doc(text, regions)
    assert dup._double_starts(doc) is None            # "the the" glued after protected text
    _same_as_plain(doc)
    assert [f.span.start for f in RULES["MT106"].check(doc, CTX)][0] == text.index("the the")


# -- random texts ---------------------------------------------------------------------------

WORDS = ["the", "The", "THE", "in", "In", "a", "I", "i", "that", "to", "was", "is", "İs", "kilo", "\u212ailo",
         "café", "Café", "naïve", "Łódź", "łódź", "ÿes", "Ÿes", "ß", "ẞ", "å", "\u212b", "Ωmega", "ωmega",
         "ſo", "so", "x²", "²", "ab_c", "1st", "42", "research", "Research", "consolidated", "\u1c8aa",
         "日本", "more", "Tom", "Brady", "accepts", "need", "rest", "e.g", "U.S", "dog"]
GLUE = [" ", " ", " ", "  ", "\t", "\n", "\n\n", " \n ", "\r\n", "\u00a0", "\u2009", ", ", ". ", ".", ",", ";",
        ":", "!", "?", " .", " ,", " ?", "—", "’", "'", "-", "(", ")", "“", "”", '"', "\x00", "…", "%", "",
        "?”", "??", " “", "” ", MASK]


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        w = rng.choice(WORDS)
        parts.append(w)
        if rng.random() < 0.3:
            parts += [rng.choice(GLUE), w]          # a double
        if rng.random() < 0.05 and len(parts) > 4:  # a teaser-like repeat of what came before
            k = rng.randint(1, min(12, len(parts)))
            parts += [rng.choice(["", " ", "\t"])] + parts[-k:]
        parts.append(rng.choice(GLUE))
    return "".join(parts)


def _random_regions(rng: random.Random, text: str) -> list[Region]:
    out = []
    for _ in range(rng.randint(0, 3)):
        if len(text) > 2:
            s = rng.randrange(len(text) - 1)
            out.append(Region(s, rng.randint(s + 1, min(len(text), s + 8)), "markup"))
    return out


def test_fast_paths_on_random_texts():
    rng = random.Random(20261125)
    for _ in range(3000):
        text = _random_text(rng)
        _same_as_plain(_doc(text, _random_regions(rng, text)))


@given(st.lists(st.sampled_from(list("aAtTeEhH iI.,;:!?\t\n’'“”—-()İK\u212aÿŸßẞåÅΩω²日_0")
                                + [" the", " The", " in", "Tom ", MASK, "\x00", "\u00a0"]), max_size=80))
def test_fast_paths_on_generated_texts(pieces):
    _same_as_plain(_doc("".join(pieces)))


# -- the pieces the scans rely on -----------------------------------------------------------

def test_case_partners_are_all_the_characters_lowered_into_latin1():
    import _sre

    beyond = {chr(c) for c in range(0x100, 0x110000) if _sre.unicode_tolower(c) < 0x100}
    assert beyond == set(dup._CASE_PARTNERS)
    assert all(_sre.unicode_tolower(c) < 0x100 for c in range(0x100))


def test_double_table_classes_as_re_does():
    import re

    for c in range(256):
        ch = chr(c)
        b = dup._DOUBLE_TABLE[c]
        if re.match(r"[^\W\d_]", ch):
            assert b == ord(ch.lower()) and re.match(dup._RUN, bytes([b])), ch
        elif re.match(r"\w", ch):
            assert b == ord("0"), ch
        else:
            assert not re.match(dup._WORD, bytes([b])), ch


def test_reverse_word_before_searches_match_forward_ones():
    import regex

    rng = random.Random(7)
    alphabet = "ab.&1 \n-é’'Ω²X,\u0301"
    for pattern in (stray_period._WORD_BEFORE, spacing._WORD_BEFORE):
        forward = regex.compile(pattern.pattern.replace("(?r)", ""))
        for _ in range(20000):
            s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
            end = rng.randint(0, len(s))
            lo = rng.randint(0, end)
            a, b = forward.search(s, lo, end), pattern.search(s, lo, end)
            assert (a and a.span()) == (b and b.span()), (s, lo, end)


def test_prose_takes_the_fast_paths():
    """Plain prose is decided by the scans (the plain loops never run)."""
    text = ("The minister said on Monday that the talks would go on. Officials, who asked not to be "
            "named, said the “final text” was ready; the vote is due in March.\n\nNobody objected.")
    doc = _doc(text)
    assert dup._double_starts(doc) == []
    assert not dup._may_repeat(spacing.masked_bytes(doc))
    assert spacing.masked_bytes(doc) is not None
