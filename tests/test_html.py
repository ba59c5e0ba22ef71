"""HTML: only text nodes are checked; tags, attributes, comments, entities and
script/style/code/pre content are never checked or edited, and fixes are
written back without reformatting anything else."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

import cleaner
from cleaner.formats.html import regions, text_nodes
from cleaner.protect import Protection
from conftest import run_cli

SENTENCE = "Russia threatened to use nuclear weaponsas did Putin earlier this year."
FIXED = "Russia threatened to use nuclear weapons, as did Putin earlier this year."
GLUED = "weaponsas"


def html_findings(doc: str):
    return [f for f in cleaner.check(doc, regions=regions(doc), path="x.html") if f.rule == "MT101"]


@pytest.mark.parametrize("doc", [
    f"<script>var s = '{SENTENCE}';</script>",
    f"<style>/* {SENTENCE} */</style>",
    f"<p>Run <code>{SENTENCE}</code> now.</p>",
    f"<pre>\n{SENTENCE}\n</pre>",
    f"<pre><span>{SENTENCE}</span></pre>",
    f"<p title=\"{SENTENCE}\">Fine.</p>",
    f"<img alt=\"{SENTENCE}\" src=\"a.png\">",
    f"<!-- {SENTENCE} -->",
    f"<textarea>{SENTENCE}</textarea>",
    f"<kbd>{SENTENCE}</kbd> and <samp>{SENTENCE}</samp>",
])
def test_non_text_is_never_checked(doc):
    assert html_findings(doc) == []
    prot = Protection(regions(doc))
    at = [i for i in range(len(doc)) if doc.startswith(GLUED, i)]
    assert at and all(prot.contains(i) for i in at)


@pytest.mark.parametrize("doc", [
    f"<p>{SENTENCE}</p>",
    f"<html><head><title>{SENTENCE}</title></head></html>",
    f"<ul>\n  <li>{SENTENCE}</li>\n</ul>",
    f"<div><p class=\"lead\">Intro.</p><p>{SENTENCE}</p></div>",
    "<p>Russia <b>threatened</b> to use <i>nuclear</i> weaponsas did Putin earlier this year.</p>",
])
def test_text_nodes_are_checked_at_original_offsets(doc):
    hits = html_findings(doc)
    assert len(hits) == 1
    assert doc[hits[0].span.start:hits[0].span.end] == GLUED


def test_fix_writes_back_without_reformatting(tmp_path):
    doc = ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n  <meta charset=\"utf-8\">\n"
           f"  <script>\n    const s = \"{SENTENCE}\";\n  </script>\n</head>\n<body>\n"
           f"  <p   class=lead  >{SENTENCE} &mdash; &#8220;ok&#8221;</p>\n"
           f"  <pre>{SENTENCE}</pre>\n  <P>The world order. is headed for collapse.</P>\n"
           "  <br/><img src=x.png alt='a  b'>\n</body>\n</html>\n")
    p = tmp_path / "page.html"
    p.write_text(doc, encoding="utf-8")
    r = run_cli("check", "-f", "json", str(p))
    found = json.loads(r.stdout)
    assert {d["rule"] for d in found} >= {"MT101", "MT102"}
    for d in found:
        assert d["line"] in (10, 12), d              # only the two prose paragraphs
    run_cli("fix", str(p))
    expected = doc.replace(f"lead  >{SENTENCE}", f"lead  >{FIXED}").replace("order. is", "order is")
    assert p.read_text(encoding="utf-8") == expected


def test_entities_stay_as_written():
    doc = "<p>Tom &amp; Jerry&nbsp;&nbsp;met &#x2014; twice.</p>"
    prot = Protection(regions(doc))
    for ent in ("&amp;", "&nbsp;", "&#x2014;"):
        i = doc.index(ent)
        assert all(prot.contains(k) for k in range(i, i + len(ent)))
    res = cleaner.fix(doc, True, regions=regions(doc), path="x.html")
    for ent in ("&amp;", "&nbsp;&nbsp;", "&#x2014;"):
        assert ent in res.text


def test_text_nodes_follow_source_positions_across_lines():
    doc = "<div>\n  <p>one</p>\n\t<p>two &lt; three</p>\n</div>"
    got = [doc[a:b] for a, b in text_nodes(doc)]
    assert "one" in got and "two " in got and " three" in got
    assert all("<" not in t for t in got)


def test_unclosed_skip_element_protects_to_the_end():
    doc = f"<p>ok</p><pre>{SENTENCE}"
    assert html_findings(doc) == []


@given(st.lists(st.sampled_from(["<p>", "</p>", "<pre>", "</pre>", "<b>", "</b>", "&amp;", "<!--", "-->",
                                 "a", " ", "\n", "weaponsas", "<", ">", "\"", "'", "=", "x"]), max_size=40).map("".join))
def test_regions_never_overlap_and_cover_the_rest(doc):
    rs = regions(doc)
    pos = 0
    for r in rs:
        assert pos <= r.start < r.end <= len(doc)
        pos = r.end
    nodes = text_nodes(doc)
    covered = sum(r.end - r.start for r in rs) + sum(b - a for a, b in nodes)
    assert covered == len(doc)
