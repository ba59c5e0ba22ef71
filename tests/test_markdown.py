"""Markdown: only prose is checked; code, URLs, HTML, front matter and Markdown
syntax never produce findings or edits; offsets refer to the original file and
fixes are written back into it with everything else byte-identical."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import cleaner
from cleaner.formats import format_of, regions_for
from cleaner.formats.markdown import front_matter_end, regions
from cleaner.protect import MARKUP, Protection
from conftest import run_cli

GLUED = "weaponsas"          # MT101 fires on it in prose ("nuclear weaponsas did")
SENTENCE = "Russia threatened to use nuclear weaponsas did Putin earlier this year."
FIXED_SENTENCE = "Russia threatened to use nuclear weapons, as did Putin earlier this year."


def masked(text: str) -> str:
    return Protection(regions(text)).mask(text, "#")


def md_findings(text: str) -> list:
    return cleaner.check(text, regions=regions_for("x.md", text), path="x.md")


def test_format_detection():
    assert format_of("a/b.md") == format_of("x.MARKDOWN") == "markdown"
    assert format_of("x.html") == format_of("x.htm") == "html"
    assert format_of("x.rst") == "rst"
    assert format_of("x.txt") == format_of("-") == "text"
    assert regions_for("x.txt", "`code` weaponsas") == []


@pytest.mark.parametrize("doc", [
    f"```\n{SENTENCE}\n```\n",
    f"~~~python\n{SENTENCE}\n~~~\n",
    f"Intro.\n\n    {SENTENCE}\n",                                   # indented code
    f"Use `{SENTENCE}` here.\n",                                      # inline code
    f"See [the report](https://example.com/{GLUED}/x) now.\n",       # link URL
    f"See [the report](javascript:void({GLUED})) now.\n",           # any scheme is a link
    f"See ![chart](img/{GLUED}.png \"nuclear {GLUED} did\") now.\n",  # image
    f"Mail <https://example.com/nuclear{GLUED}> now.\n",             # autolink
    f"<div>\n{SENTENCE}\n</div>\n",                                   # HTML block
    f"Text <span title=\"nuclear {GLUED} did\">ok</span> end.\n",    # inline HTML
    f"<!-- {SENTENCE} -->\n",                                          # comment
    f"---\ntitle: {SENTENCE}\n---\n\nBody.\n",                         # YAML front matter
    f"+++\ntitle = \"{SENTENCE}\"\n+++\n\nBody.\n",                    # TOML front matter
    f"See [ref][{GLUED}].\n\n[{GLUED}]: https://example.com/{GLUED} \"nuclear {GLUED} did\"\n",
])
def test_non_prose_is_never_checked(doc):
    assert [f for f in md_findings(doc) if f.rule == "MT101"] == []
    # every occurrence is inside a MARKUP region (not just silenced by luck)
    prot = Protection(regions(doc))
    at = [i for i in range(len(doc)) if doc.startswith(GLUED, i)]
    assert at and all(prot.contains(i) for i in at)


@pytest.mark.parametrize("doc, line", [
    (f"# {SENTENCE}\n", 1),
    (f"Title\n\n## {SENTENCE} ##\n", 3),
    (f"{SENTENCE}\n=====\n", 1),                    # setext heading
    (f"- first item\n- {SENTENCE}\n", 2),           # list item
    (f"1. first item\n2. {SENTENCE}\n", 2),
    (f"> {SENTENCE}\n", 1),                         # blockquote
    (f"> > {SENTENCE}\n", 1),
    (f"| a | b |\n|---|---|\n| x | {SENTENCE} |\n", 3),   # table cell
    (f"Some **bold** text. {SENTENCE}\n", 1),
    (f"A [link to {SENTENCE[:-1]}](http://example.com) here.\n", 1),   # link text is prose
])
def test_prose_is_checked_with_original_positions(doc, line, tmp_path):
    p = tmp_path / "doc.md"
    p.write_text(doc, encoding="utf-8")
    r = run_cli("check", "-f", "json", str(p))
    hits = [d for d in json.loads(r.stdout) if d["rule"] == "MT101"]
    assert len(hits) == 1, r.stdout
    d = hits[0]
    assert d["line"] == line
    assert doc[d["offset"]:d["end_offset"]] == GLUED
    lines = doc.split("\n")
    assert lines[d["line"] - 1][d["column"] - 1:d["end_column"] - 1] == GLUED


def test_fix_writes_back_into_the_file_untouched_elsewhere(tmp_path):
    doc = (f"---\ntitle: {SENTENCE}\n---\n\n# Report\n\n"
           f"> {SENTENCE}\n\n"
           f"```\n{SENTENCE}\n```\n\n"
           f"| col | `{GLUED}` |\n|:---|---:|\n| *x* | [report](http://e.com/{GLUED}) |\n\n"
           "The world order. is headed for collapse.  Trailing spaces  \r\n")
    p = tmp_path / "doc.md"
    p.write_bytes(doc.encode("utf-8"))
    r = run_cli("fix", str(p))
    assert r.returncode in (0, 1), r.stderr
    out = p.read_bytes().decode("utf-8")
    expected = (doc.replace(f"> {SENTENCE}", f"> {FIXED_SENTENCE}")
                .replace("The world order. is headed", "The world order is headed"))
    assert out == expected


def test_markdown_syntax_characters_cause_no_findings():
    doc = ("# Heading\n\n* star item\n+ plus item\n- dash item\n\n1) one\n2. two\n\n"
           "> quote\n>\n> more\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n***\n\n---\n\n"
           "Text with *emphasis*, __strong__, ~~strike~~ and `code`.\n"
           "A line with a hard break\\\nand another  \nline.\n\n"
           "A [link](http://x.com) and ![img](a.png) and [ref][r].\n\n[r]: http://x.com\n")
    assert md_findings(doc) == []


def test_syntax_is_markup_and_prose_is_not():
    doc = "## Heading\n\n> **Bold** and [text](http://x.com \"t\") `c` &amp; \\*\n- item\n"
    m = masked(doc)
    assert m.startswith("## Heading".replace("## ", "###"))          # '## ' markers masked
    assert "Heading" in m and "Bold" in m and "text" in m and "item" in m
    for syntax in ("**", "](http://x.com \"t\")", "`c`", "&amp;", "\\*", "> ", "- "):
        assert syntax not in m, syntax
    assert m.count("\n") == doc.count("\n")                         # line breaks stay visible


def test_front_matter_detection():
    assert front_matter_end("---\na: 1\n---\nbody") == len("---\na: 1\n---\n")
    assert front_matter_end("---\na: 1\n...\nbody") == len("---\na: 1\n...\n")
    assert front_matter_end("+++\na = 1\n+++\nbody") == len("+++\na = 1\n+++\n")
    assert front_matter_end("text\n---\n") == 0
    assert front_matter_end("---\nnever closed\n") == 0


def test_quoted_speech_in_markdown_is_untouched(tmp_path):
    doc = f"- “{SENTENCE}” he said.\n- {SENTENCE}\n"
    p = tmp_path / "q.md"
    p.write_text(doc, encoding="utf-8")
    run_cli("fix", str(p))
    assert p.read_text(encoding="utf-8") == f"- “{SENTENCE}” he said.\n- {FIXED_SENTENCE}\n"


def test_crlf_and_bom_documents(tmp_path):
    doc = f"# Title\r\n\r\n```\r\n{SENTENCE}\r\n```\r\n\r\n{SENTENCE}\r\n"
    p = tmp_path / "w.md"
    p.write_bytes(b"\xef\xbb\xbf" + doc.encode("utf-8"))
    r = run_cli("check", "-f", "json", str(p))
    assert [d["line"] for d in json.loads(r.stdout) if d["rule"] == "MT101"] == [7]
    run_cli("fix", str(p))
    expected = doc[:doc.rindex(SENTENCE)] + FIXED_SENTENCE + "\r\n"     # the code block's copy stays
    assert p.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_directory_recursion_includes_markup_formats(tmp_path):
    for name in ("a.md", "b.html", "c.htm", "d.rst", "e.txt", "f.py"):
        (tmp_path / name).write_text(SENTENCE + "\n", encoding="utf-8")
    r = run_cli("check", "-f", "json", str(tmp_path))
    assert sorted(Path(d["path"]).name for d in json.loads(r.stdout)) == ["a.md", "b.html", "c.htm", "d.rst", "e.txt"]


_md_chars = st.sampled_from(list("ab *_`#>|-[]()!<>\\&;\n\n  1.") + ["http://x.y", "```", "<b>", "</b>", "&amp;",
                                                                      "weaponsas", "“", "”", "---\n"])


@given(st.lists(_md_chars, max_size=60).map("".join))
def test_regions_are_sane_on_arbitrary_markdown(doc):
    rs = regions(doc)
    for r in rs:
        assert 0 <= r.start < r.end <= len(doc) and r.kind == MARKUP
    # fixing never changes anything the reader protected
    res = cleaner.fix(doc, True, regions=rs, path="x.md")
    prot = Protection(rs)
    for span in prot.spans:
        assert doc[span.start:span.end] in res.text
