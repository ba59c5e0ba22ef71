"""MT107 glued sentences and headlines (camel-case joins)."""
from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.engine import check
from cleaner.rules import data
from cleaner.settings import Settings

CLEAN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "clean"


def findings(text: str, settings: Settings | None = None):
    return [f for f in check(text, settings or Settings(select=("MT107",))) if f.rule == "MT107"]


def fixed(text: str, unsafe: bool = True) -> str:
    return cleaner.fix(text, unsafe=unsafe, settings=Settings(select=("MT107",))).text


@pytest.mark.parametrize(("text", "expected"), [
    ("He needs to rest moreZidane says so.", "He needs to rest more Zidane says so."),
    ("Moved to Sungai Buloh PrisonVisiting Turkish envoy", "Moved to Sungai Buloh Prison Visiting Turkish envoy"),
    ("New museum draws controversyThe Edit: what to watch", "New museum draws controversy. The Edit: what to watch"),
    ("He returned to theUnited States.", "He returned to the United States."),
    ("Son of Martin Luther KingThe family moved north.", "Son of Martin Luther King. The family moved north."),
    ("Breaking newsEU leaders agree on a cap", "Breaking news EU leaders agree on a cap"),
])
def test_fixes(text, expected):
    assert fixed(text) == expected


@pytest.mark.parametrize("word", [
    "iPhone", "YouTube", "PayPal", "MacArthur", "McDonald", "AmeriCorps", "arXiv", "JavaScript",
    "LinkedIn", "iOS", "eBay", "WhatsApp", "GitHub", "PlayStation", "DeSantis", "LaGuardia",
    "McKinsey", "BlackRock", "PowerPoint", "SpaceX", "FedEx", "KitKat", "HarperCollins",
    "MythBusters", "GlaxoSmithKline", "DiCaprio", "LeBron", "ArianeGroup", "UpGuard", "EastMed",
    "TechCrunch", "DreamWorks", "WordPress", "macOS", "webOS", "mRNA", "kWh", "toString",
    "useState", "onClick", "getElementById", "camelCase", "McCarthyism", "iPhones", "YouTubers",
])
def test_real_camel_case_names_are_left_alone(word):
    text = f"The report mentioned {word} twice in passing, then moved on."
    assert not findings(text), word


def test_names_the_document_repeats_are_left_alone():
    text = "TrailBlazer sales rose. The new TrailBlazer model sold out."
    assert not findings(text)


def test_document_names_count_as_words():
    text = "Vojislav Koštunica won. Serbia's PresidentVojislav Koštunica met the envoy."
    assert fixed(text) == "Vojislav Koštunica won. Serbia's President Vojislav Koštunica met the envoy."
    # without the standalone use the right half is an unknown word: no evidence
    assert not findings("Serbia's PresidentVojislav Koštunica met the envoy.")


def test_user_accept_vocabulary():
    text = "We met at the new CloudBasting office in Dublin."
    text2 = "Sales of the plan rose fasterThe board met."
    assert findings(text2)
    accepted = Settings(select=("MT107",), accept=frozenset({"fasterThe"}))
    assert not findings(text2, accepted)
    assert not findings(text)


def test_code_context_is_left_alone():
    for text in ("Call obj.toString() or self.userName = x.", "See path/toFile and @someHandle and #hashTag.",
                 "The C_maxValue and the anti-EU vote; the 3rdParty lib."):
        assert not findings(text), text


def test_fix_safety():
    (f,) = findings("He returned to theUnited States.")
    assert f.fix.applicability.label == "safe"
    (g,) = findings("He needs to rest moreZidane says so.")
    assert g.fix.applicability.label == "unsafe"


def test_quoted_speech_is_protected():
    text = "“We draw controversyThe Edit,” she said."
    assert not findings(text)
    assert fixed(text) == text


def test_accept_vocabulary_is_well_formed():
    vocab = data.load("camel_case_accept")
    for key in ("accept", "name_prefixes", "lowercase_prefixes", "code_prefixes", "starters", "particles",
                "acronym_suffixes"):
        assert vocab[key], key
        assert len(set(vocab[key])) == len(vocab[key]) or key == "accept", f"duplicates in {key}"
    # every accepted word really has an inner capital (otherwise it belongs to MT101's accept list)
    for w in vocab["accept"]:
        assert any(a.islower() and b.isupper() for a, b in zip(w, w[1:])), w
    assert set(vocab["particles"]) - set(vocab["starters"]) <= {"Up", "Out", "Off", "Down"}


@pytest.mark.skipif(not (CLEAN / "wiki.txt").exists(), reason="shared clean corpus not available")
def test_clean_wikipedia_camel_case_names():
    """Wikipedia biographies keep their camel-case names (MacDonald, McCarthy, DuPont,
    PlayStation, YouTube...) as traps: MT107 stays silent on the first megabyte."""
    text = (CLEAN / "wiki.txt").read_text(encoding="utf-8")[:1_000_000]
    hits = []
    for i in range(0, len(text), 20000):
        chunk = text[i:i + 20000]
        hits += [chunk[f.start:f.end] for f in findings(chunk)]
    assert hits == []


# -- round trip: a scraped list of headlines loses its line breaks ------------------------------

HEADLINES = [
    "Zidane accepts need to rest more",
    "The Edit: what to watch this weekend",
    "Visiting delegation meets the finance minister",
    "Floods force thousands from their homes",
    "Madrid fans protest over ticket prices",
    "This is why inflation is still so high",
    "Scientists find water on a distant planet",
    "Opinion: the case for a four-day week",
]


def _glued_cases():
    for a, b in zip(HEADLINES, HEADLINES[1:]):
        yield pytest.param(a, b, id=f"{a.split()[-1]}{b.split()[0]}")


@pytest.mark.parametrize(("first", "second"), list(_glued_cases()))
def test_round_trip_glued_headlines(first, second):
    text = first + second
    found = findings(text)
    assert found, text
    assert text[found[0].start:found[0].end] == first.split()[-1] + second.split()[0].rstrip(":")
    out = fixed(text)
    assert out in (first + " " + second, first + ". " + second)
    assert not findings(out)
