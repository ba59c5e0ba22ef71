"""MT401 boilerplate lines: which lines, and how their removal keeps the rest intact."""
from __future__ import annotations

import textwrap

import pytest

import cleaner
from cleaner.engine import check
from cleaner.rules.boilerplate import content_lines, removal_span
from cleaner.settings import Settings

S = Settings(select=("MT401",))


def flagged(text: str) -> list[str]:
    return [text[f.start:f.end] for f in check(text, S)]


def fixed(text: str) -> str:
    return cleaner.fix(text, unsafe=True, settings=S).text


def test_seed_caption_and_credit(seed_text):
    assert flagged(seed_text) == ["President Biden welcomes French President Macron to the White House",
                                  "Photo by Drew Angerer/Getty Images"]
    out = fixed(seed_text)
    assert out.endswith("“This is really more indicative of where we are now than something Biden said.”")
    assert out == seed_text[:seed_text.index("\n\nPresident Biden welcomes")]


@pytest.mark.parametrize("line", [
    "Photo by Drew Angerer/Getty Images", "Photo: ESA/ATG medialab", "Image: Roscosmos press service",
    "(Photo: AP)", "REUTERS/Kevin Lamarque", "AFP via Getty Images", "Credit: Evan Vucci/AP",
    "Read more: The ten films to watch this autumn", "READ MORE: Five things to know", "Read more »",
    "See also: How the deal was done", "Advertisement", "ADVERTISEMENT", "Story continues below advertisement",
    "More stories", "ICYMI", "Related articles", "RELATED: The budget in numbers", "Most read",
    "Share this article", "Share on Facebook", "Facebook Twitter Email", "Tweet", "Copy link", "12 comments",
    "Follow us on Twitter and Instagram", "Sign up for our daily newsletter", "Subscribe now",
    "Get our best stories delivered to your inbox",
    "We use cookies to improve your experience on our site. By continuing to browse you accept our cookie policy.",
    "Accept all cookies",
    "Your support helps us keep our journalism free for everyone. Please donate today.",
    "Support independent journalism: become a member",
    "Published: June 12, 2024 at 10:15 a.m. ET", "Updated 3 hours ago",
    "This article was originally published on The Conversation.",
    "Reporting by Andrew Osborn; Editing by Mark Heinrich", "Topics: Ukraine, Russia, NATO",
    "© 2024 Guardian News & Media Limited", "Listen to this article", "5 min read", "1 of 12",
])
def test_boilerplate_lines(line):
    text = f"The talks ended without a deal.\n\n{line}\n\nBoth sides will meet again in May."
    assert flagged(text) == [line]


@pytest.mark.parametrize("line", [
    "Share prices rose sharply after the announcement.",
    "Read more about the plan on the ministry's website, she said.",
    "More stories of abuse emerged from the camps, the report said.",
    "Photographers waited outside the court for hours.",
    "Advertisement spending fell by 10 percent last year.",
    "Reuters reported that the talks had stalled.",
    "Reporting by local journalists exposed the scandal.",
    "Your support helps us build a stronger economy, the president told the crowd.",
    "Millions of people signed up for the new health insurance plans.",
    "Copyright law protects the work of authors for their lifetime.",
    "Sources said the talks would resume on Monday.",
    "Comments made by the minister caused a storm.",
    "Biden’s comments point towards solidarity with the West",
])
def test_prose_lines_are_left_alone(line):
    text = f"The talks ended without a deal.\n\n{line}\n\nBoth sides will meet again in May."
    assert flagged(text) == []


@pytest.mark.parametrize(("text", "want"), [
    ("Para one.\n\nAdvertisement\n\nPara two.", "Para one.\n\nPara two."),
    ("Para one.\n\nRead more: X\n", "Para one.\n"),
    ("Para one.\n\nRead more: X", "Para one."),
    ("Advertisement\n\nPara one.", "Para one."),
    ("Para one.\nAdvertisement\n\nPara two.", "Para one.\n\nPara two."),
    ("Para one.\n\nAdvertisement\nPara two.", "Para one.\n\nPara two."),
    ("Para one.\r\n\r\nAdvertisement\r\n\r\nPara two.\r\n", "Para one.\r\n\r\nPara two.\r\n"),
    ("Para one.\n\nAdvertisement\n\nMore stories\n\nPara two.", "Para one.\n\nPara two."),
    ("Para one.\n\nA caption describing the scene\n\nPhoto: AFP\n", "Para one.\n"),
    ("Para one.\n\n   Advertisement   \n\nPara two.", "Para one.\n\nPara two."),
])
def test_removal_keeps_the_rest(text, want):
    assert fixed(text) == want


def test_removal_spans_do_not_overlap():
    text = "Body text here.\n\nA short caption\n\nPhoto by A/AFP\n\nShare this article"
    lines = content_lines(text)
    spans = [removal_span(text, lines, i, i + 1 < len(lines)) for i in (1, 2, 3)]
    for (a, b), (c, d) in zip(spans, spans[1:]):
        assert b <= c
    assert fixed(text) == "Body text here."


def test_captions():
    # the first line of a document is its title, not a caption
    assert flagged("Biden meets Macron\n\nPhoto: AP\n\nThe two leaders met.") == ["Photo: AP"]
    long = " ".join(["word"] * 45) + "."
    assert flagged(f"Intro.\n\n{long}\n\nPhoto: AP") == ["Photo: AP"]
    assert flagged("Intro.\n\nRescuers search the rubble in Magnitogorsk on Monday\n\nPhoto: AP") == [
        "Rescuers search the rubble in Magnitogorsk on Monday", "Photo: AP"]
    # a sentence is prose, even a short one right before a credit: it stays
    text = "Intro.\n\nResidents staged a protest in front of the town hall.\n\nPhoto: Andrea Merola/ANSA"
    assert flagged(text) == ["Photo: Andrea Merola/ANSA"]
    assert fixed(text) == "Intro.\n\nResidents staged a protest in front of the town hall."
    # only before a photo credit
    assert flagged("Intro.\n\nA short line\n\nRead more: X") == ["Read more: X"]


def test_quoted_line_is_protected():
    assert flagged("Intro.\n\n“Advertisement”\n\nEnd.") == []


def test_fix_is_unsafe_only():
    text = "Para one.\n\nAdvertisement\n\nPara two."
    assert cleaner.fix(text, settings=S).text == text
    assert all(f.fix.applicability.label == "unsafe" for f in check(text, S))


def test_user_pack_adds_patterns(tmp_path):
    (tmp_path / "site.pack.toml").write_text(textwrap.dedent('''
        extends = "MT401"
        [[entries]]
        find = 'Lesen Sie auch:[^\\n]{0,120}'
        regex = true
        note = "read-more link: German teaser"
        '''), encoding="utf-8")
    settings = Settings(select=("MT401",), extend_rules=(tmp_path,))
    text = "Intro.\n\nLesen Sie auch: Die Bahn streikt\n\nEnd."
    assert [text[f.start:f.end] for f in check(text, settings)] == ["Lesen Sie auch: Die Bahn streikt"]
    assert flagged(text) == []


def test_very_long_lines_are_never_boilerplate():
    line = "We use cookies. " + "This is a long paragraph of prose about the budget. " * 15
    assert flagged(f"Intro.\n\n{line}\n\nEnd.") == []
