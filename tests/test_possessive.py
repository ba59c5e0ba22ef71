"""Focused tests for MT204 (dropped possessive): the four shapes it repairs, the
document's apostrophe style, the compounds it must leave alone, and its data."""
from __future__ import annotations

import pytest

import cleaner
from cleaner.rules import data
from cleaner.settings import Settings


def findings(text: str):
    return cleaner.check(text, Settings(select=("MT204",)))


def fixed(text: str) -> str:
    return cleaner.fix(text, unsafe=True, settings=Settings(select=("MT204",), unsafe_fixes=True)).text


@pytest.mark.parametrize("text, want", [
    ("Greeks demands for debt relief were rejected.", "Greece's demands"),
    ("The deal ignores Ukrainians losses in the east.", "Ukraine's losses"),
    ("Chinas exports fell in May.", "China's exports"),
    ("Shares rose after Germanys factory orders beat forecasts.", "Germany's factory"),
    ("The squad rallied after the clubs owner sold his stake.", "the club's owner"),
    ("She inherited the farm after her husbands death.", "her husband's death"),
    ("The nurses union called a strike.", "The nurses' union"),
    ("Workers rights groups protested outside parliament.", "Workers' rights"),
    ("Mexicans voters turned out in large numbers.", "Mexican voters"),
])
def test_lost_possessive_is_restored(text, want):
    assert findings(text), text
    assert want in fixed(text)


def test_apostrophe_follows_the_document():
    curly = "It isn’t over. Russians conditions for talks haven’t changed."
    straight = "It isn't over. Russians conditions for talks haven't changed."
    assert "Russia’s conditions" in fixed(curly)
    assert "Russia's conditions" in fixed(straight)


def test_fix_is_unsafe_only():
    fs = findings("Russians conditions for talks are harsh.")
    assert fs and all(f.fix.applicability == cleaner.Applicability.UNSAFE for f in fs)
    # safe fixing leaves the text alone
    assert cleaner.fix("Russians conditions for talks are harsh.", unsafe=False,
                       settings=Settings(select=("MT204",))).text == "Russians conditions for talks are harsh."


@pytest.mark.parametrize("text", [
    "Sports fans and arms dealers met years ago.",
    "The sales manager read the jobs report at the news agency.",
    "Americans want lower prices and Russians fear mobilisation.",
    "One in every three Americans goes without cover.",
    "The two Koreas and the Americas sent delegations.",
    "Italians perhaps care more about football; Russians always less.",
    "The club's president spoke about Russia's conditions.",
    "Farmers markets and savings accounts are popular.",
    "The National Farmers Union met the Teachers Union.",
    "“Russians conditions are clear,” the minister said.",
])
def test_compounds_and_correct_text_are_left_alone(text):
    assert findings(text) == [], text


def test_demonym_data_is_well_formed():
    d = data.load("demonyms")
    assert len(d["demonyms"]) > 80
    for plural, (country, adjective) in d["demonyms"].items():
        assert plural[0].isupper() and plural.endswith("s"), plural
        assert country[0].isupper() and adjective[0].isupper(), plural
    assert "Russia" in d["places"] and "Brazil" in d["places"]
