"""Inline suppressions: disable/enable ranges, ignore-next-line, codes and
prefixes, no fixes inside suppressed ranges, and MT900 unused-suppression."""
from __future__ import annotations

import json

import pytest

import cleaner
from cleaner.formats import regions_for
from cleaner.settings import Settings
from cleaner.suppress import parse
from conftest import run_cli

GLUED = "Russia threatened to use nuclear weaponsas did Putin earlier this year."
STRAY = "They say the entire Western world order. is headed for collapse."


def rules(text: str, path: str = "x.md", **kw) -> list[tuple[int, str]]:
    fs = cleaner.check(text, kw.pop("settings", None), regions=regions_for(path, text), path=path, **kw)
    return [(text.count("\n", 0, f.span.start) + 1, f.rule) for f in fs]


def test_disable_enable_range_for_one_code():
    doc = f"{GLUED}\n\n<!-- mtclean-disable MT101 -->\n{GLUED.replace('weaponsas', 'missilesas')}\n{STRAY}\n" \
          f"<!-- mtclean-enable MT101 -->\n\n{GLUED.replace('weaponsas', 'bombsas')}\n"
    got = rules(doc)
    assert (1, "MT101") in got and (8, "MT101") in got
    assert (4, "MT101") not in got
    assert (5, "MT102") in got          # another rule is not suppressed


def test_bare_disable_suppresses_everything_until_bare_enable():
    doc = f"<!-- mtclean-disable -->\n{GLUED}\n{STRAY}\n<!-- mtclean-enable -->\n{STRAY.replace('order', 'plan')}\n"
    assert rules(doc) == [(5, "MT102")]


def test_disable_runs_to_the_end_without_enable_and_accepts_prefixes_and_commas():
    doc = f"{STRAY}\n<!-- mtclean-disable MT1, MT2 -->\n{GLUED}\n\n{STRAY.replace('order', 'plan')}\n"
    assert rules(doc) == [(1, "MT102")]


def test_ignore_next_line_skips_blank_lines_and_only_that_line():
    doc = f"<!-- mtclean-ignore-next-line -->\n\n{GLUED}\n{STRAY}\n"
    assert rules(doc) == [(4, "MT102")]
    doc = f"<!-- mtclean-ignore-next-line MT102 -->\n{GLUED} {STRAY}\n"
    assert rules(doc) == [(2, "MT101")]


def test_suppressed_findings_are_not_fixed():
    doc = f"<!-- mtclean-disable MT101 -->\n{GLUED}\n<!-- mtclean-enable -->\n{STRAY}\n"
    res = cleaner.fix(doc, True, regions=regions_for("x.md", doc), path="x.md")
    assert GLUED in res.text
    assert "order is headed" in res.text


def test_works_in_plain_text_html_and_rst(tmp_path):
    cases = {
        "a.txt": f"<!-- mtclean-disable MT101 -->\n{GLUED}\n",
        "b.html": f"<!-- mtclean-disable MT101 -->\n<p>{GLUED}</p>\n",
        "c.rst": f".. mtclean-disable MT101\n\n{GLUED}\n",
        "d.md": f"<!-- mtclean-ignore-next-line MT101 -->\n{GLUED}\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert rules(text, name) == [], name
        (tmp_path / ("x" + name)).write_text(text.split("\n", 1)[1], encoding="utf-8")
    r = run_cli("check", "-f", "json", str(tmp_path))
    assert sorted(d["path"].rsplit("/", 1)[1] for d in json.loads(r.stdout)) == sorted("x" + n for n in cases)


def test_a_directive_inside_quoted_speech_is_not_a_directive():
    doc = f"He wrote “<!-- mtclean-disable --> is how you hide things” in the memo.\n{GLUED}\n"
    assert rules(doc, "x.txt") == [(2, "MT101")]


def test_parse_records_ranges():
    text = "a\n<!-- mtclean-disable MT101 mt102 -->\nb\n<!-- mtclean-enable mt102 -->\nc\n"
    directives, ranges = parse(text)
    assert [d.kind for d in directives] == ["disable", "enable"]
    assert directives[0].codes == ("MT101", "MT102")
    by_code = {r.code: r for r in ranges}
    assert by_code["MT102"].end == text.index("<!-- mtclean-enable")
    assert by_code["MT101"].end == len(text)


# -- MT900 unused-suppression ------------------------------------------------------------

def mt900(text: str, select=("MT101", "MT102", "MT900"), path="x.md") -> list[str]:
    fs = cleaner.check(text, Settings(select=select), regions=regions_for(path, text), path=path)
    return [f.message for f in fs if f.rule == "MT900"]


def test_unused_suppression_is_reported_only_when_selected():
    doc = "<!-- mtclean-disable MT101 -->\nA clean sentence about the budget.\n<!-- mtclean-enable -->\n"
    assert mt900(doc) == ["unused suppression: no MT101 finding here"]
    assert mt900(doc, select=("MT101",)) == []
    assert run_cli("check", "--extend-select", "MT900", "-", input=doc).returncode == 1
    assert run_cli("check", "-", input=doc).returncode == 0          # MT900 is off by default


def test_used_suppressions_are_not_reported():
    doc = f"<!-- mtclean-disable MT101 -->\n{GLUED}\n<!-- mtclean-enable -->\n" \
          f"<!-- mtclean-ignore-next-line -->\n{STRAY}\n"
    assert mt900(doc) == []


@pytest.mark.parametrize("directive, message", [
    ("<!-- mtclean-disable MT999 -->", "unknown rule code 'MT999' in mtclean-disable"),
    ("<!-- mtclean-disable MT102 -->", "unused suppression: MT102 is not enabled"),
    ("<!-- mtclean-ignore-next-line -->", "unused mtclean-ignore-next-line: it suppresses no finding"),
])
def test_unused_suppression_messages(directive, message):
    doc = f"{directive}\nA clean sentence about the budget.\n"
    assert mt900(doc, select=("MT101", "MT900")) == [message]


def test_partly_used_directive_reports_the_unused_code():
    doc = f"<!-- mtclean-disable MT101 MT102 -->\n{GLUED}\n"
    assert mt900(doc) == ["unused suppression: no MT102 finding here"]


def test_directive_comments_are_never_findings_themselves():
    """In plain text an HTML comment is debris to other rules — but not our own directives."""
    doc = f"<!-- mtclean-disable MT101 -->\n{GLUED}\n<!-- mtclean-enable -->\nA <!-- stray --> comment.\n"
    fs = cleaner.check(doc, Settings(select=("ALL",)), path="x.txt")
    for f in fs:
        assert "mtclean-" not in doc[f.span.start:f.span.end], f
    res = cleaner.fix(doc, True, Settings(select=("ALL",)), path="x.txt")
    assert "<!-- mtclean-disable MT101 -->" in res.text and "<!-- mtclean-enable -->" in res.text
