"""MT106 duplicated word and MT108 duplicated teaser."""
from __future__ import annotations

import pytest

import cleaner
from cleaner.engine import check
from cleaner.rules.duplicates import find_teasers
from cleaner.settings import Settings


def findings(text: str, code: str):
    return [f for f in check(text, Settings(select=(code,))) if f.rule == code]


def fixed(text: str, code: str, unsafe: bool = True) -> str:
    return cleaner.fix(text, unsafe=unsafe, settings=Settings(select=(code,))).text


# -- MT106 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("They face a a confidence vote.", "They face a confidence vote."),
    ("It beat the the previous record.", "It beat the previous record."),
    ("The bank is expected to to cut rates.", "The bank is expected to cut rates."),
    ("The the minister resigned.", "The minister resigned."),
    ("He has supported rights and and inclusion.", "He has supported rights and inclusion."),
    ("He arrived at at about eight.", "He arrived at about eight."),
    ("Another man, who was was arrested, was freed.", "Another man, who was arrested, was freed."),
    ("It had successfully consolidated consolidated power.", "It had successfully consolidated power."),
    ("Paris in the\nthe spring.", "Paris in\nthe spring."),
    ("He looks forward to to the next season.", "He looks forward to the next season."),
    ("Rates may rise again in in December.", "Rates may rise again in December."),
    ("The vote is on on Monday, by by 2030 at the latest.", "The vote is on Monday, by 2030 at the latest."),
])
def test_mt106_fixes(text, expected):
    assert fixed(text, "MT106") == expected


@pytest.mark.parametrize("text", [
    "He said that that was it; she had had enough.",
    "Give her her book. I told you you were late. It cost her her life.",
    "He took the letters in in the morning and dealt with with care; he slipped in in safety.",
    "What they do do is wrong.",
    "What it is is a scandal; the thing is is that nobody cares; all he was was tired.",
    "The will will be read; the can can hold it; look at at least three.",
    "Expedients were resorted to to keep them amused.",
    "Bye bye, very very slowly, no no, ha ha, there there, a long long time ago.",
    "Sirhan Sirhan, Duran Duran, Walla Walla, Pago Pago and The Late Late Show.",
    "They read the The Times; the first First Lady; Please Please Me.",
    "Solitude will not be solitude, nor poverty poverty, nor weakness weakness.",
    "The bird sang day day day; one one-hundredth; we’re re-filing; it’s s s.",
    "A thousand thousand souls; the troglodytes troglodytes wren.",
    "The\n\nthe end of one paragraph and the start of another.",
    "    return return_value  # the the indented code line",
    "if (x == y) { the the }",
])
def test_mt106_leaves_alone(text):
    assert not findings(text, "MT106")


def test_mt106_safety_by_vocabulary():
    (f,) = findings("It beat the the record.", "MT106")
    assert f.fix.applicability.label == "safe"
    (g,) = findings("He wanted to to go.", "MT106")
    assert g.fix.applicability.label == "unsafe"
    assert fixed("He wanted to to go.", "MT106", unsafe=False) == "He wanted to to go."


def test_mt106_user_accept_vocabulary():
    text = "We ate tuna tuna on the beach."
    assert findings(text, "MT106")
    accepted = Settings(select=("MT106",), accept=frozenset({"tuna tuna"}))
    assert not [f for f in check(text, accepted) if f.rule == "MT106"]


def test_mt106_dialogue_is_protected():
    text = "“I I don’t know,” he stammered. “The the thing is gone.”"
    assert not findings(text, "MT106")
    assert fixed(text, "MT106") == text


# -- MT108 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Zidane accepts need to rest moreZidane accepts need to rest more",
     "Zidane accepts need to rest more"),
    ("Latest: Ukraine strikes back at Kherson bridge Ukraine strikes back at Kherson bridge. More.",
     "Latest: Ukraine strikes back at Kherson bridge. More."),
    ("Fed raises rates again.Fed raises rates again. Markets fell.",
     "Fed raises rates again. Markets fell."),
])
def test_mt108_fixes(text, expected):
    assert fixed(text, "MT108") == expected


@pytest.mark.parametrize("text", [
    "Thank you very much. Thank you very much. God bless.",
    "Four more years! Four more years!",
    "And miles to go before I sleep\nAnd miles to go before I sleep",
    "New York, New York; Tora Tora Tora; Sing Sing prison.",
    "The report said the report said nothing new.",
    "He said “Make America great again Make America great again” twice.",
])
def test_mt108_leaves_alone(text):
    assert not findings(text, "MT108")


def test_mt108_with_mt107_removes_teaser_then_splits_next_headline():
    text = "Zidane accepts need to rest moreZidane accepts need to rest moreReal Madrid beat Getafe"
    out = cleaner.fix(text, unsafe=True, settings=Settings(select=("MT107", "MT108"))).text
    assert out == "Zidane accepts need to rest more Real Madrid beat Getafe"


def test_find_teasers_offsets():
    text = "Read: Big win for Leeds todayBig win for Leeds today"
    ((s1, e1, s2, e2),) = find_teasers(text)
    assert text[s1:e1] == text[s2:e2] == "Big win for Leeds today"
    assert e1 == s2


def test_find_teasers_is_linear_enough():
    """No back-tracking blow-up on long capitalised runs without a repeat."""
    import time

    text = ("Alpha Beta Gamma Delta Epsilon Zeta Eta Theta " * 2000)[:60000]
    t = time.perf_counter()
    find_teasers(text.replace(" ", "x "))
    assert time.perf_counter() - t < 2.0


# -- round trip: double a word of a clean sentence; MT106 must find it and undo it -----------

ROUND_TRIP = [
    "The minister, who took office in March, resigned on Friday.",
    "Prices rose sharply last year, according to the statistics office.",
    "The bridge, which was built in 1932, will be closed for repairs.",
    "The team lost the final, despite a strong start to the season.",
    "Scientists warned that the glacier is melting faster than expected.",
    "The plan would cut emissions by half over the next decade.",
    "The agency said the vaccine was safe and effective for older adults.",
    "Investors remained cautious ahead of the central bank meeting.",
]
DOUBLED = {"the", "a", "an", "of", "to", "and", "for", "was", "is", "will", "be"}


def _doubled_cases():
    import re

    for s in ROUND_TRIP:
        for m in re.finditer(r"[A-Za-z]+", s):
            if m.group().lower() in DOUBLED and s[m.end():m.end() + 1] == " ":
                yield pytest.param(s, s[:m.end()] + " " + m.group().lower() + s[m.end():],
                                   id=f"{s[:10]}-{m.group()}-{m.start()}")


@pytest.mark.parametrize("sentence", ROUND_TRIP)
def test_round_trip_sentences_are_clean(sentence):
    assert not findings(sentence, "MT106")


@pytest.mark.parametrize(("original", "damaged"), list(_doubled_cases()))
def test_round_trip_doubled_word(original, damaged):
    assert findings(damaged, "MT106")
    assert fixed(damaged, "MT106") == original
