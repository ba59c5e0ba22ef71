"""Protected regions: quoted speech in every form, apostrophes that are not
quotes, URLs, e-mail addresses, @handles and #hashtags (cleaner.protect)."""
from __future__ import annotations

import pytest

import cleaner
from cleaner.protect import (EMAIL, HANDLE, HASHTAG, QUOTE, URL, Protection, Region, find_regions,
                             paragraphs, quote_spans)
from cleaner.types import Span


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quote_spans(text)]


def regions(text: str, kind: str | None = None) -> list[str]:
    return [text[r.start:r.end] for r in find_regions(text) if kind is None or r.kind == kind]


# -- quotation forms -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("He said “hello world” and left.", ["hello world"], id="curly"),
    pytest.param('He said "hello world" and left.', ["hello world"], id="straight"),
    pytest.param("“Outer ‘inner’ outer,” he said.", ["Outer ‘inner’ outer,"], id="nested-single-in-curly"),
    pytest.param('"Outer \'inner\' outer," he said.', ["Outer 'inner' outer,"], id="nested-straight"),
    pytest.param("Ils ont dit « bonjour » hier.", ["bonjour"], id="guillemets"),
    pytest.param("Ils ont dit «bonjour» hier.", ["bonjour"], id="guillemets-tight"),
    pytest.param("» German reverse « style.", ["German reverse"], id="guillemets-reversed"),
    pytest.param("Er sagte „hallo“ gestern.", ["hallo"], id="low-high"),
    pytest.param("Er sagte „hallo” gestern.", ["hallo"], id="low-high-right"),
    pytest.param("She said ‘hi there’ today.", ["hi there"], id="single-curly"),
    pytest.param("She said 'hi there' today.", ["hi there"], id="single-straight"),
    pytest.param("”Scraped opening closer” style.", ["Scraped opening closer"], id="closer-used-as-opener"),
    pytest.param("“Hello,” he said. “Goodbye.”", ["Hello,", "Goodbye."], id="two-quotes"),
    pytest.param('"A" and "B" and "C" too', ["A", "B", "C"], id="straight-pairs-in-order"),
    pytest.param("Quote: “a\nb” across a line break", ["a\nb"], id="line-break-inside"),
])
def test_quote_forms(text, expected):
    assert quoted(text) == expected


def test_unclosed_quote_runs_to_paragraph_end():
    text = "He said “unclosed quote runs\nto the end of the paragraph.\n\nNext paragraph is narrative."
    assert quoted(text) == ["unclosed quote runs\nto the end of the paragraph."]
    assert not any("Next paragraph" in q for q in quoted(text))


def test_unclosed_straight_quote_runs_to_paragraph_end():
    text = 'He said "no closing mark here.\n\nNew "x" paragraph.'
    assert quoted(text) == ["no closing mark here.", "x"]


@pytest.mark.parametrize("opening", ["“", '"', "«", "„"])
def test_multi_paragraph_quotation_reopens_each_paragraph(opening):
    closing = {"“": "”", '"': '"', "«": "»", "„": "“"}[opening]
    text = (f"{opening}First paragraph of the speech.\n\n"
            f"{opening}Second paragraph of the speech.\n\n"
            f"{opening}Third paragraph.{closing} Then the narrative resumes.")
    assert quoted(text) == ["First paragraph of the speech.", "Second paragraph of the speech.", "Third paragraph."]


def test_paragraphs_split_on_blank_lines_with_whitespace():
    text = "one\n\ntwo\n \t\nthree"
    assert [text[s:e] for s, e in paragraphs(text)] == ["one", "two", "three"]


def test_paragraphs_of_crlf_text():
    text = "one\r\n\r\ntwo"
    assert [text[s:e].strip() for s, e in paragraphs(text)] == ["one", "two"]


def test_crlf_quote_closes_at_paragraph():
    text = "He said “open\r\n\r\nNarrative goes on here."
    spans = quoted(text)
    assert len(spans) == 1 and "Narrative" not in spans[0]


# -- boundary whitespace ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "content"), [
    ("“ spaced content ” after.", "spaced content"),
    ("He urged Putin to withdraw his troops ”.", None),
    ("“Scholz condemned the strikes. He urged Putin to withdraw his troops ”.", "Scholz condemned the strikes. He urged Putin to withdraw his troops"),
    ("« bonjour »", "bonjour"),
    ('" padded "', "padded"),
])
def test_whitespace_inside_quote_marks_is_not_protected(text, content):
    spans = quote_spans(text)
    if content is None:
        assert not any(text[s:e].endswith(" ") for s, e in spans)
        return
    assert [text[s:e] for s, e in spans] == [content]
    s, e = spans[0]
    assert not text[s].isspace() and not text[e - 1].isspace()
    prot = Protection(find_regions(text))
    # the whitespace right after the opening and before the closing mark is free
    assert not prot.contains(s - 1) and not prot.contains(e)


def test_empty_quotes_protect_nothing():
    assert quote_spans("“”empty “ ” quotes and \"\" too") == []


# -- apostrophes are not quotes --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "In the ’80s we played rock ’n’ roll at Fritz’ bar ’til dawn, don’t ask.",
    "In the '80s we played rock 'n' roll at Fritz' bar 'til dawn, don't ask.",
    "Rock 'n roll isn't dead, y'all.",
    "’Tis the season; ’twas fine; give ’em hell, ’cause we can.",
    "The boys’ toys and the cats’ bowls, James’ car.",
    "It’s the 1990s’ legacy and rock ’n’ roll’s heyday.",
])
def test_apostrophes_are_not_quotes(text):
    assert quote_spans(text) == []


def test_apostrophes_do_not_break_later_quotes():
    text = "In the ’80s, Fritz’ band played rock ’n’ roll. ‘Never again,’ he said, ’til dawn."
    assert quoted(text) == ["Never again,"]


def test_apostrophes_do_not_break_later_straight_quotes():
    text = "In the '80s Fritz' band played rock 'n' roll. 'Never again,' he said, 'til dawn."
    assert quoted(text) == ["Never again,"]


def test_possessive_plural_does_not_close_single_quote_early():
    text = "She said ‘the boys’ game is over’ and left."
    # the ’ of boys’ is followed by a space, so it can close; the important part is that
    # nothing outside the quotation is protected and the opening word is protected
    spans = quoted(text)
    assert spans and spans[0].startswith("the boys")
    assert "and left" not in "".join(spans)


def test_contraction_inside_quote_keeps_quote_whole():
    assert quoted("He said ‘don’t go’ quietly.") == ["don’t go"]


# -- URLs, e-mails, handles, hashtags ------------------------------------------------------------

@pytest.mark.parametrize(("text", "url"), [
    ("See https://example.com/a_b?x=1. Next.", "https://example.com/a_b?x=1"),
    ("See http://x.com/path_(a) now", "http://x.com/path_(a)"),
    ("(see http://x.com/b).", "http://x.com/b"),
    ("Visit www.foo.org/path) today", "www.foo.org/path"),
    ("Read bbc.co.uk, then", "bbc.co.uk"),
    ("Go to ftp://files.example.net/pub/file.txt", "ftp://files.example.net/pub/file.txt"),
    ("“quoted” https://t.co/AbC123", "https://t.co/AbC123"),
])
def test_urls(text, url):
    assert url in regions(text, URL)


@pytest.mark.parametrize(("text", "email"), [
    ("Mail john.doe@example.org, please", "john.doe@example.org"),
    ("email: a.b-c+d@sub.example.co.uk.", "a.b-c+d@sub.example.co.uk"),
])
def test_emails(text, email):
    assert regions(text, EMAIL) == [email]


def test_handles_and_hashtags():
    text = "not@handle ping @start and @reuters_news; #1 #tag1 C# &#39; #hash_tag #infrastructurekilling"
    assert regions(text, HANDLE) == ["@start", "@reuters_news"]
    assert regions(text, HASHTAG) == ["#tag1", "#hash_tag", "#infrastructurekilling"]


def test_protected_tokens_are_not_fixed():
    text = ("Follow #infrastructurekilling and @Macronwho or https://example.com/weaponsas "
            "or mail regionsincluding@example.com today.")
    assert cleaner.check(text) == []
    assert cleaner.fix(text, unsafe=True).text == text


def test_find_regions_sorted_and_includes_extra():
    text = "“Quote” then https://a.com and code"
    extra = [Region(text.index("code"), len(text), "markup")]
    found = find_regions(text, extra)
    assert [(r.start, r.end) for r in found] == sorted((r.start, r.end) for r in found)
    assert any(r.kind == "markup" and text[r.start:r.end] == "code" for r in found)
    assert any(r.kind == QUOTE for r in found)


def test_user_protect_patterns():
    from cleaner.rules.userregex import compile_user_regex

    text = "The product FooBarwhich ships today."
    found = find_regions(text, patterns=[compile_user_regex(r"FooBar\w*")])
    assert [text[r.start:r.end] for r in found if r.kind == "user"] == ["FooBarwhich"]


# -- Protection ------------------------------------------------------------------------------

def test_protection_merges_overlapping_regions():
    p = Protection([Region(5, 10, QUOTE), Region(8, 12, URL), Region(20, 25, HANDLE), Region(25, 27, HASHTAG),
                    Region(30, 30, QUOTE)])
    assert p.spans == [Span(5, 12), Span(20, 27)]
    assert bool(p) and not Protection([])


@pytest.mark.parametrize(("span", "overlaps"), [
    (Span(5, 5), False),     # insertion at the start of a region: outside
    (Span(6, 6), True),      # insertion strictly inside
    (Span(12, 12), False),   # insertion at the end: outside
    (Span(0, 5), False),     # touching from the left
    (Span(12, 20), False),   # between two regions
    (Span(0, 6), True),
    (Span(11, 13), True),
    (Span(4, 30), True),     # covering a region
    (Span(19, 21), True),
    (Span(24, 40), True),
    (Span(25, 40), False),
])
def test_protection_overlaps(span, overlaps):
    p = Protection([Region(5, 12, QUOTE), Region(20, 25, URL)])
    assert p.overlaps(span) is overlaps


def test_protection_contains_and_mask():
    p = Protection([Region(2, 4, QUOTE)])
    assert [p.contains(i) for i in range(6)] == [False, False, True, True, False, False]
    assert p.mask("abcdef", "#") == "ab##ef"
    assert Protection([]).mask("abc") == "abc"


# -- the URL scan is restricted to runs holding a URL hint: same matches as a full scan --

from hypothesis import given, strategies as st  # noqa: E402

_URL_ALPHABET = st.sampled_from(list("abcwW.:/-_?=()\"“” \n\t\u00a0éſ\u212a") +
                                ["www.", "WWW.", "wWw.", "http://", ".com", ".COM", ".Org", ".io", ".info", "https://"])


@given(st.lists(_URL_ALPHABET, max_size=40).map("".join))
def test_url_scan_by_hint_equals_full_scan(text):
    from cleaner import protect

    assert [m.span() for m in protect._url_matches(text)] == [m.span() for m in protect._URL.finditer(text)]
