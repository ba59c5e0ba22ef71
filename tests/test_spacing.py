"""MT103 space before punctuation, MT104 missing space after punctuation, MT105
repeated spaces: what they catch, what they leave alone, and what their fixes do."""
from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.engine import check
from cleaner.settings import Settings

SPACING = ("MT103", "MT104", "MT105")
CLEAN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "clean"


def findings(text: str, *codes: str):
    return [f for f in check(text, Settings(select=codes or SPACING)) if f.rule in (codes or SPACING)]


def fixed(text: str, *codes: str, unsafe: bool = True) -> str:
    return cleaner.fix(text, unsafe=unsafe, settings=Settings(select=codes or SPACING)).text


# -- MT103 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("It rained under heavy clouds .", "It rained under heavy clouds."),
    ("The match was a draw , losing them the lead.", "The match was a draw, losing them the lead."),
    ("It was exposed ; critics said so.", "It was exposed; critics said so."),
    ("The target is 2030 , two years late.", "The target is 2030, two years late."),
    ("The league was won by Kanté .", "The league was won by Kanté."),
    ("It fell on the 9th .", "It fell on the 9th."),
    ("Really ? Yes !", "Really? Yes!"),
    ("Organisers said : “It was a success.”", "Organisers said: “It was a success.”"),
    ("Officials said : the minister will resign after the budget vote next month.",
     "Officials said: the minister will resign after the budget vote next month."),
    ("A draw ,losing the lead.", "A draw, losing the lead."),
])
def test_mt103_fixes(text, expected):
    assert fixed(text, "MT103") == expected


def test_mt103_seed_closing_quote(seed_text):
    found = findings(seed_text)
    assert [seed_text[f.start:f.end] for f in found] == [" ”"]
    out = fixed(seed_text)
    assert "withdraw his troops”." in out
    assert out.replace("troops”.", "troops ”.") == seed_text


@pytest.mark.parametrize("text", [
    "Well ... I suppose. He paused . . . then went on.",
    "It runs on .NET; see .com domains, a .5 ratio and a .txt file.",
    "Thanks :) see you ;) sad :( ok :-) lol :D",
    "The final score was 3 : 1.",
    "Run git add . to stage it.",
    "Why ?! Nobody knew. Or what? ! in some styles.",
    "The period 1990 – 2000 – a decade.",
    "He wrote “ ‘Look,’ he said, ‘now.’ ” in the memo.",
    "French « comme ça » spacing.",
    "See https://example.com/page . It loads.",
    "x > 0 ? x : y is the code.",
    "1 . First\n2 . Second",
    "x = 1   .\ny = 22  .\nTwo  spaces and a tab\t.",
    "The command prefix ! marks a failure and the prefix ? an optional step.",
    "$ pip install .\n$ find . -name '*.py'",
    "Parameters\n----------\ndesc  : str, optional\nPrefix for the bar.\n* total : int",
    "Chapter 3 : The Return",
    "tomli >= 1.1.0 ; python_version < 3.11",
    "    >>> raise Exception('time !')\n    Exception: time !",
])
def test_mt103_leaves_alone(text):
    assert not findings(text, "MT103")


def test_mt103_never_inside_quotes():
    text = "“Vraiment ? C’est fini !” she said, “ce n’est pas possible .”"
    assert not findings(text, "MT103")
    assert fixed(text, "MT103") == text


def test_mt103_straight_quote_only_when_direction_is_clear():
    # a lone space before a straight closer that ends the quote
    assert fixed('He called it "a disgrace ". Then left.', "MT103") == 'He called it "a disgrace". Then left.'
    # spaces on both sides: the direction is unknown, leave it
    assert not findings('He called it " a disgrace ". Then left.', "MT103")


# -- MT104 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Nobody expected the war.The talks collapsed.", "Nobody expected the war. The talks collapsed."),
    ("He said,adding nothing.", "He said, adding nothing."),
    ("A deal;the rest is history.", "A deal; the rest is history."),
    ("Why?The answer is simple.", "Why? The answer is simple."),
    ("Note:This expires.", "Note: This expires."),
    ("It ended in the 1940s.In January it began.", "It ended in the 1940s. In January it began."),
    ("It cost $4.8 million).Marx was buried.", "It cost $4.8 million). Marx was buried."),
    ("“No,”he said.", "“No,” he said."),
    ("He said,“We will win.”", "He said, “We will win.”"),
    ('He wrote,"I am here."She left.', 'He wrote, "I am here." She left.'),
])
def test_mt104_fixes(text, expected):
    assert fixed(text, "MT104") == expected


@pytest.mark.parametrize("text", [
    "Growth was 3.5 percent at 10:30 a.m. and 1,000 units.",
    "Go to Vox.com, open file.txt, use Node.js or ASP.NET.",
    "A Ph.D. from the U.S.Army or e.g.The list.",
    "Use Console.WriteLine or set color:red;font-size:12px.",
    "Points a,b on the plane x,y; 1,2-dichloroethane.",
    "Matthew 5:3 and key:value, re:Invent, Category:People.",
    "See 1.First, v2.Beta and J.Smith.",
    "AT&T;then &amp;the entity.",
    "Wait...The rest followed.",
    "It ended in 1948.In January it began.",      # bare year: usually a lost paragraph break
    "Oh, the nation?the blood; a he!p advert.",
    "Email john.Smith@example.com or see www.example.org/A.Page.",
])
def test_mt104_leaves_alone(text):
    assert not findings(text, "MT104")


def test_mt104_abbreviation_and_class_member_fixes_are_unsafe():
    for text in ("The tour ended in St.Petersburg.", "Call String.Format here."):
        (f,) = findings(text, "MT104")
        assert f.fix is not None and f.fix.applicability.label == "unsafe"
        assert fixed(text, "MT104", unsafe=False) == text
    (f,) = findings("The war.The end.", "MT104")
    assert f.fix.applicability.label == "safe"


# -- MT105 ------------------------------------------------------------------------------------

def test_mt105_collapses_doubled_space_between_words():
    assert fixed("The  report said   so, and  more.", "MT105") == "The report said so, and more."


@pytest.mark.parametrize("text", [
    "It ended.  A new round starts.  Nobody cares?  Yes!  Note:  see below.",
    "    indented  code  line\n    more",
    "Name    Age  City\nAnna    34   Rome",
    "Item one  10\nItem two  20",
    "Far     apart words, an alignment gap.",
    "He said “it is over.”  Then he left (for good.)  Nobody followed.",
    "To  illustrate the  program's simplicity,  the following  lines  have been\ntaken from the manual.",
    "(1)  You may copy it.\n\n(a)  First point.\n\n2.  Second point.",
    "Certificate data as of: Thu Nov  3 19:04:19 2011",
    "Use `count  code  name` as the format.",
    "f\\F6o \\2665  b\\E5r",
])
def test_mt105_leaves_alone(text):
    assert not findings(text, "MT105")


def test_mt105_quoted_speech_untouched():
    text = "He said “I  never  said  that” and  left."
    out = fixed(text, "MT105")
    assert out == "He said “I  never  said  that” and left."


# -- all three together --------------------------------------------------------------------------

def test_combined_fix_converges_and_keeps_quotes():
    text = ("The deal collapsed .The talks , which began in May,ended  badly ; "
            "“nothing , nothing at all ,” he said ,adding that it was over .")
    result = cleaner.fix(text, unsafe=True, settings=Settings(select=SPACING))
    assert result.converged
    assert "“nothing , nothing at all ,”" in result.text
    assert result.text == ("The deal collapsed. The talks, which began in May, ended badly; "
                           "“nothing , nothing at all ,” he said, adding that it was over.")


@pytest.mark.skipif(not (CLEAN / "books.txt").exists(), reason="shared clean corpus not available")
def test_clean_novels_stay_quiet():
    """Two megabytes of published novels (curly and straight quotes, dialogue,
    ellipses, dashes): no spacing finding at all."""
    text = (CLEAN / "books.txt").read_text(encoding="utf-8")[:2_000_000]
    n = 0
    for i in range(0, len(text), 20000):
        n += len(findings(text[i:i + 20000]))
    assert n == 0


# -- round trip: damage clean sentences, the rules must find and undo it -----------------------

ROUND_TRIP = [
    "The minister, who took office in March, resigned on Friday.",
    "Officials met in Brussels; no agreement was reached.",
    "Prices rose sharply last year, according to the statistics office.",
    "The bridge, which was built in 1932, will be closed for repairs.",
    "Farmers protested outside parliament: the new rules were unfair, they said.",
    "The team lost the final, despite a strong start to the season.",
    "Exports fell in the third quarter, while imports rose slightly.",
    "The talks ended without a deal, leaving the plant's future uncertain.",
    "Scientists warned that the glacier is melting faster than expected.",
    "Why did the court rule against the company? Nobody could say.",
]


def _space_before_cases():
    for s in ROUND_TRIP:
        for i, ch in enumerate(s):
            if ch in ",.;:?" and s[i - 1].isalnum():
                yield pytest.param(s, s[:i] + " " + s[i:], id=f"{s[:12]}-{i}")


def _missing_after_cases():
    for a, b in zip(ROUND_TRIP, ROUND_TRIP[1:]):
        text = a + " " + b
        yield pytest.param(text, a + b, id=f"join-{a[:10]}")
    for s in ROUND_TRIP:
        for i, ch in enumerate(s):
            if ch in ",;:" and s[i + 1:i + 2] == " " and s[i - 1].isalpha() and s[i + 2:i + 3].isalpha():
                yield pytest.param(s, s[:i + 1] + s[i + 2:], id=f"{s[:12]}-{i}")


def _double_space_cases():
    for s in ROUND_TRIP:
        for i, ch in enumerate(s):
            if ch == " " and s[i - 1].isalpha() and s[i + 1].isalpha():
                yield pytest.param(s, s[:i] + "  " + s[i:], id=f"{s[:12]}-{i}")


@pytest.mark.parametrize("sentence", ROUND_TRIP)
def test_round_trip_sentences_are_clean(sentence):
    assert not findings(sentence)


@pytest.mark.parametrize(("original", "damaged"), list(_space_before_cases()))
def test_round_trip_space_before(original, damaged):
    assert findings(damaged, "MT103")
    assert fixed(damaged, "MT103") == original


@pytest.mark.parametrize(("original", "damaged"), list(_missing_after_cases()))
def test_round_trip_missing_space_after(original, damaged):
    assert findings(damaged, "MT104")
    assert fixed(damaged, "MT104") == original


@pytest.mark.parametrize(("original", "damaged"), list(_double_space_cases()))
def test_round_trip_double_space(original, damaged):
    assert findings(damaged, "MT105")
    assert fixed(damaged, "MT105") == original
