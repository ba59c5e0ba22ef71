"""Focused tests for the pronoun-calque rules (MT201 first person, MT202 resumptive
pronoun, MT203 according-to-pronoun): document voice, agreement of the fix,
the legitimate constructions they must leave alone, and quoted speech."""
from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_0d79818c9da73b44.txt"


def findings(text: str, code: str = "MT2"):
    return cleaner.check(text, Settings(select=(code,)))


def fixed(text: str, code: str = "MT2") -> str:
    return cleaner.fix(text, unsafe=True, settings=Settings(select=(code,), unsafe_fixes=True)).text


# -- MT201: first person, decided on document voice ---------------------------------------

NEWS = ("The talks resumed in Geneva on Monday. Officials said that the conditions for a "
        "ceasefire I am pretty much unchanged since March. The delegations will meet again.")


def test_first_person_calque_in_third_person_news():
    fs = findings(NEWS, "MT201")
    assert [NEWS[f.start:f.end] for f in fs] == ["I am"]
    assert fixed(NEWS, "MT201") == NEWS.replace("ceasefire I am", "ceasefire are")


def test_first_person_document_is_not_flagged():
    # the same sentence inside an op-ed written in the first person
    oped = ("I have covered these talks for ten years, and my view has not changed. " + NEWS +
            " I think we should be honest about it.")
    assert findings(oped, "MT201") == []


def test_first_person_inside_quotes_does_not_make_the_document_first_person():
    text = ("“I am tired, I am angry and I want my money back,” said one trader. "
            "Analysts said the company’s profits I have fallen sharply since March.")
    fs = findings(text, "MT201")
    assert [text[f.start:f.end] for f in fs] == ["I have"]
    assert "profits have fallen" in fixed(text, "MT201")


@pytest.mark.parametrize("text, want", [
    ("Officials said the results of the survey I am very encouraging.", "survey are very"),
    ("Officials said that the water level of the reservoir I am below the threshold.", "reservoir is below"),
    ("Aid workers said that the situation in the camps I was dramatic after the storm.", "camps was dramatic"),
    ("Aid workers said that conditions in the camps I was dramatic after the storm.", "camps were dramatic"),
    ("Analysts said the bank’s reserves I have fallen by a third.", "reserves have fallen"),
    ("Analysts said the bank’s capital I have fallen by a third.", "capital has fallen"),
])
def test_first_person_fix_agrees_with_the_subject(text, want):
    assert want in fixed(text, "MT201")


@pytest.mark.parametrize("text", [
    "The book I was reading on the train was a thriller.",
    "She is not the person I am today, he wrote to the court.",
    "The minister said the man I am referring to was never charged.",
    "Officials told the minister I was there, according to the report.",
])
def test_first_person_relative_clauses_are_left_alone(text):
    assert findings(text, "MT201") == []


# -- MT202: resumptive pronouns --------------------------------------------------------------

WRONG = [
    ("Central bank governor Ana Lima she said inflation would fall below 4 percent.",
     "Central bank governor Ana Lima said inflation would fall below 4 percent."),
    ("Airline pilots in Lisbon they walked out of talks on Tuesday evening.",
     "Airline pilots in Lisbon walked out of talks on Tuesday evening."),
    ("The coach, Marco Bianchi, he told reporters that the squad was tired.",
     "The coach, Marco Bianchi, told reporters that the squad was tired."),
    ("The reform, which it cuts pensions for new workers, passed the senate.",
     "The reform, which cuts pensions for new workers, passed the senate."),
    ("The striker, who he was signed from Porto in January, scored twice.",
     "The striker, who was signed from Porto in January, scored twice."),
    ("The ministry said that several hospitals they had postponed operations.",
     "The ministry said that several hospitals had postponed operations."),
    ("The opposition, whose leader in the regional parliament it has demanded new elections, walked out.",
     "The opposition, whose leader in the regional parliament has demanded new elections, walked out."),
    ("The new tariffs, they will apply to steel from next month.",
     "The new tariffs will apply to steel from next month."),
    ("Bayern’s sporting director, Max Eberl, he confirmed that the defender would stay.",
     "Bayern’s sporting director, Max Eberl, confirmed that the defender would stay."),
    ("Researchers at the University of Padua they found traces of the virus in wastewater.",
     "Researchers at the University of Padua found traces of the virus in wastewater."),
    ("The new hospital, which it will have 600 beds, opens next spring.",
     "The new hospital, which will have 600 beds, opens next spring."),
    ("Demonstrators they blocked the main road into the city for three hours.",
     "Demonstrators blocked the main road into the city for three hours."),
    ("The striker, a 24-year-old Brazilian, he signed a four-year contract.",
     "The striker, a 24-year-old Brazilian, signed a four-year contract."),
]


@pytest.mark.parametrize("text, want", WRONG)
def test_resumptive_pronoun_is_removed(text, want):
    assert findings(text, "MT202"), text
    assert fixed(text, "MT202") == want


RIGHT = [
    "“Kremlin spokesman Dmitry Peskov he said it,” the senator joked.",
    "“We will not sign,” he said, and left the room.",
    "When Biden arrived, he said the talks were over.",
    "The minister said he would resign if the bill failed.",
    "Biden told Putin he would respond to any attack.",
    "On Monday he said the plan was dead; in Paris they met the president.",
    "The report, he said, was incomplete, and the plan, it seems, has failed.",
    "The player he signed in January has not played a minute.",
    "The houses they built in the 1960s are being demolished.",
    "The car, which she bought in 2010, broke down on the motorway.",
    "The town, which it once ruled, is now independent.",
    "The letter, which he said was a forgery, was handed to the police.",
    "The painting, which he called a masterpiece, was sold in 1990.",
    "The prize, which she was proud of, is worth a million dollars.",
    "A former journalist, she joined the party in 2004.",
    "Born in Naples, he moved to Rome when he was eighteen.",
    "The largest port in the region, it handles a third of all exports.",
    "Last year it grew by 4 percent, and next year it may shrink.",
    "Asked about the deal, she said it was premature.",
    "Mr. Speaker, it was a powerful moment last November.",
    "The economy, they argue, is recovering faster than expected.",
    "Smith, who they had hired in 2010, resigned on Friday.",
    "Thank God they were in twos.",
    "Let it be said of us that we did not fail.",
    "The real self of hers, which he had the faculty of drawing out, was little used.",
    "Armed merchantmen, which it would have the right to destroy without warning, sailed on.",
    "Police said they had arrested two men, and the company said it would cut 500 jobs.",
    "The government, which they accuse of corruption, denies it.",
    "Fans, who they said were drunk, were arrested.",
    "Johnson & Johnson, it said in a statement, will appeal.",
    "When the police arrived they found the house empty.",
    "The aid, which they say is insufficient, arrives next week.",
]


@pytest.mark.parametrize("text", RIGHT)
def test_legitimate_pronouns_are_left_alone(text):
    assert findings(text, "MT202") == [], text


# -- MT203 -----------------------------------------------------------------------------------

def test_according_to_pronoun_name_with_particles():
    text = "The statement was confirmed, according to her Ursula von der Leyen."
    assert fixed(text, "MT203") == "The statement was confirmed, according to Ursula von der Leyen."


def test_according_to_pronoun_name():
    text = "The plan was important, according to him Nicholas Lokker, a research assistant."
    assert fixed(text, "MT203") == "The plan was important, according to Nicholas Lokker, a research assistant."
    fs = findings(text, "MT203")
    assert fs and fs[0].fix.applicability == cleaner.Applicability.SAFE


@pytest.mark.parametrize("text", [
    "The plan would fail, according to him, and nobody disagreed.",
    "Nobody was hurt, according to her.",
    "According to him Russia would win the war.",
])
def test_according_to_pronoun_alone_is_fine(text):
    assert findings(text, "MT203") == []


# -- quoted speech and the seed article ---------------------------------------------------------

def test_quoted_speech_is_never_changed():
    text = ("“The referee he did not see nothing, but I am pretty much happy,” the coach said. "
            "Club president Aurelio Vitale he told reporters the finances were fine.")
    out = fixed(text)
    assert out.startswith("“The referee he did not see nothing, but I am pretty much happy,” the coach said.")
    assert "Aurelio Vitale told reporters" in out


def test_seed_article():
    text = SEED.read_text(encoding="utf-8")
    fs = findings(text)
    got = {(f.rule, text[f.start:f.end]) for f in fs}
    assert ("MT201", "I am") in got
    assert ("MT203", "him") in got
    assert ("MT204", "Russians conditions") in got
    spans = [text[max(0, f.start - 30):f.end + 15] for f in fs if f.rule == "MT202"]
    assert any("Peskov he" in s for s in spans)
    assert any("invasion it met" in s for s in spans)
    assert any("week, they were" in s for s in spans)
    assert len(fs) == 6, [(f.rule, text[f.start - 20:f.end + 10]) for f in fs]
    out = fixed(text)
    for needle in ("negotiations are pretty much", "Dmitry Peskov said Russia", "according to Nicholas Lokker",
                   "Russia’s conditions", "the invasion met with little success", "last week were cancelled",
                   "[Macron] he has been humiliated"):
        assert needle in out, needle
