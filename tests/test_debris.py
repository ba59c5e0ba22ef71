"""MT402 mojibake (ftfy), MT403 HTML entities, MT404 stray HTML tags."""
from __future__ import annotations

import pytest

import cleaner
from cleaner.engine import check
from cleaner.settings import Settings
from cleaner.types import Applicability

MOJI = Settings(select=("MT402",))
ENT = Settings(select=("MT403",))
TAG = Settings(select=("MT404",))


def findings(text, settings, path="-"):
    return [(text[f.start:f.end], f.fix.edits[0].replacement if f.fix else None,
             f.fix.applicability if f.fix else None) for f in check(text, settings, path=path)]


def fixed(text, settings, unsafe=False):
    return cleaner.fix(text, unsafe=unsafe, settings=settings).text


# -- MT402 ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("They donâ€™t know.", "They don’t know."),
    ("It costs Â£5 â€” cheap.", "It costs £5 — cheap."),
    ("The cafÃ© in SÃ£o Paulo opened.", "The café in São Paulo opened."),
    ("Ð¼Ð¸Ñ€ means peace.", "мир means peace."),
])
def test_mojibake_repaired_safely(text, want):
    assert all(app == Applicability.SAFE for _, _, app in findings(text, MOJI))
    assert fixed(text, MOJI) == want


def test_mixed_line_is_unsafe():
    text = "Müller said they donâ€™t know."
    (span, rep, app), = findings(text, MOJI)
    assert (span, rep, app) == ("donâ€™t", "don’t", Applicability.UNSAFE)
    assert fixed(text, MOJI) == text
    assert fixed(text, MOJI, unsafe=True) == "Müller said they don’t know."


@pytest.mark.parametrize("text", [
    "The café’s naïve owner, Mr. Brontë, paid £5 — in cash — for the crème brûlée.",
    "Chișinău, Zaporizhzhia, Dnipro, São Paulo, Ærøskøbing, Þingvellir.",
    "Ça va? À bientôt, señor.",
])
def test_legitimate_accents_untouched(text):
    assert findings(text, MOJI) == []


def test_mojibake_in_quoted_speech_is_not_fixed():
    text = "He said: “We donâ€™t know.” And then he left."
    assert findings(text, MOJI) == []
    assert fixed(text, MOJI, unsafe=True) == text


# -- MT403 ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("Shares of AT&amp;T fell.", "Shares of AT&T fell."),
    ("Smith&#8217;s report", "Smith’s report"),
    ("Smith&#x2019;s report", "Smith’s report"),
    ("The road is 10&nbsp;km long.", "The road is 10 km long."),
    ("a &nbsp; gap", "a gap"),
    ("He said &quot;no&quot; twice.", "He said \"no\" twice."),
    ("Fish &amp;amp; chips", "Fish & chips"),
    ("zero&#8203;width", "zerowidth"),
    ("Tom &amp Jerry", "Tom & Jerry"),
])
def test_entities_decoded(text, want):
    assert fixed(text, ENT) == want


@pytest.mark.parametrize("text", [
    "In HTML you write &amp; to get an ampersand.",
    "R&D spending rose; &c. is old-fashioned; &foo; is no entity; AT&T is fine.",
    "See https://example.com/?a=1&amp;b=2 for details.",
])
def test_entities_left_alone(text):
    assert findings(text, ENT) == []


@pytest.mark.parametrize("path", ["notes.md", "page.html", "feed.xml"])
def test_markup_files_are_skipped(path):
    assert findings("AT&amp;T and <br> here", ENT, path=path) == []
    assert findings("AT&amp;T and <br> here", TAG, path=path) == []
    assert findings("AT&amp;T and <br> here", ENT, path="notes.txt")


# -- MT404 ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("Friday.<br>Her deputy", "Friday. Her deputy"),
    ("Friday.<br/>Her deputy", "Friday. Her deputy"),
    ("Prices rose in May.</p>", "Prices rose in May."),
    ("<p>Prices rose in May.</p>", "Prices rose in May."),
    ("rose <b>sharply</b> in May", "rose sharply in May"),
    ("rose <b> sharply", "rose sharply"),
    ("a <span class=x>b</span> c", "a b c"),
    ("end<!-- comment -->start", "endstart"),
    ("line one<br>\nline two", "line one\nline two"),
])
def test_tags_removed(text, want):
    assert fixed(text, TAG) == want


@pytest.mark.parametrize("text", [
    "Use the <br> tag for a line break.",
    "Write a < b > c in maths, and x<y.",
    "Write to <editor@example.com> or fill in <your name>.",
    "The `<br>` element breaks a line.",
    "I <3 this city.",
])
def test_tag_lookalikes_left_alone(text):
    assert findings(text, TAG) == []


def test_quoted_attribute_value_is_reported_without_fix():
    text = 'Prices rose <span class="highlight">sharply in May.'
    assert findings(text, TAG) == [("<span class=", None, None)]
    assert fixed(text, TAG, unsafe=True) == text
