"""The document model: masked view, paragraphs, sentences, tokens, names, lines."""
from __future__ import annotations

import pytest

from cleaner.document import MASK, Document
from cleaner.protect import Region

TEXT = ("First para. Mr. Smith went to the U.S. in 2020. He said “Stop. Now.” and left!\n\n"
        "Second para? Yes... fine.\nNew line here")


def test_masked_view_is_one_for_one():
    doc = Document(TEXT)
    assert len(doc.masked) == len(doc.text)
    start = TEXT.index("Stop")
    end = TEXT.index("”")
    assert doc.masked[start:end] == MASK * (end - start)
    # everything else, including the quote marks themselves, is unchanged
    assert doc.masked[:start] == TEXT[:start] and doc.masked[end:] == TEXT[end:]


def test_masked_covers_urls_handles_and_extra_regions():
    text = "See https://example.com/x and @someone, then the code block."
    extra = [Region(text.index("code"), text.index("code") + 4, "markup")]
    doc = Document(text, extra_regions=extra)
    for piece in ("https://example.com/x", "@someone", "code"):
        i = text.index(piece)
        assert doc.masked[i:i + len(piece)] == MASK * len(piece)
        assert doc.is_protected(i) and doc.is_protected(i + len(piece) - 1)
    assert not doc.is_protected(0)


def test_paragraphs_have_offsets_into_original():
    doc = Document(TEXT)
    assert [TEXT[s:e] for s, e in doc.paragraphs] == TEXT.split("\n\n")


def test_sentences_skip_abbreviations_and_treat_quotes_as_opaque():
    doc = Document(TEXT)
    assert [TEXT[s:e] for s, e in doc.sentences] == [
        "First para.",
        "Mr. Smith went to the U.S. in 2020.",
        "He said “Stop. Now.” and left!",
        "Second para?",
        "Yes... fine.",
        "New line here",
    ]


def test_sentence_at():
    doc = Document(TEXT)
    i = TEXT.index("Smith")
    s, e = doc.sentence_at(i)
    assert TEXT[s:e].startswith("Mr. Smith")
    assert doc.sentence_at(0) == doc.sentences[0]


def test_tokens_are_outside_protection_with_true_offsets():
    doc = Document(TEXT)
    words = [t.text for t in doc.tokens]
    assert "Stop" not in words and "Now" not in words
    assert words[:4] == ["First", "para", "Mr", "Smith"]
    for t in doc.tokens:
        assert TEXT[t.start:t.end] == t.text


@pytest.mark.parametrize(("text", "token"), [
    ("rock-solid", "rock-solid"),
    ("don’t", "don’t"),
    ("can't", "can't"),
    ("café", "café"),
    ("e\u0301tude", "e\u0301tude"),       # combining accent stays in the token
    ("2020s", "2020s"),
])
def test_token_shapes(text, token):
    assert [t.text for t in Document(f"A {text} here").tokens] == ["A", token, "here"]


def test_standalone_names_are_capitalised_tokens_outside_quotes():
    doc = Document("Macron met Biden. “Putin said no,” said Macron's aide.")
    assert {"Macron", "Biden"} <= doc.standalone_names
    assert "Putin" not in doc.standalone_names
    assert "met" not in doc.standalone_names and "met" in doc.standalone_words


def test_line_col_counts_code_points():
    text = "é😀 x\nsecond line\r\nthird"
    doc = Document(text)
    assert doc.line_col(0) == (1, 1)
    assert doc.line_col(text.index("x")) == (1, 4)          # é and 😀 are one column each
    assert doc.line_col(text.index("second")) == (2, 1)
    assert doc.line_col(text.index("third")) == (3, 1)
    assert doc.line_col(len(text)) == (3, 6)
    assert doc.line_text(2) == "second line"                # \r stripped
    assert doc.line_text(3) == "third"


def test_empty_document():
    doc = Document("")
    assert doc.masked == "" and doc.tokens == [] and doc.sentences == []
    assert doc.paragraphs == [(0, 0)]
    assert doc.line_col(0) == (1, 1)
