"""Output formats: concise, json-lines, sarif (validated against the official
SARIF 2.1.0 schema), github annotations, colour in text, --statistics,
--quiet, --output-file — and the JSON contract unchanged."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cleaner.output import FORMATS
from conftest import run_cli

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
DOC = ("# Report\n\n"
       "Russia threatened to use nuclear weaponsas did Putin earlier this year.\n"
       "“Inside quotes nothing weaponsas. is touched,” he said.\n"
       "They say the entire Western world order. is headed for collapse, 100% sure.\n")


@pytest.fixture()
def doc(tmp_path) -> Path:
    p = tmp_path / "docs" / "a b.md"
    p.parent.mkdir()
    p.write_text(DOC, encoding="utf-8")
    return p


def json_findings(path) -> list[dict]:
    return json.loads(run_cli("check", "-f", "json", str(path)).stdout)


def test_all_formats_registered():
    assert set(FORMATS) == {"text", "concise", "json", "json-lines", "sarif", "github", "diff"}


def test_json_contract_is_unchanged(doc):
    items = json_findings(doc)
    assert items, "the document has findings"
    keys = {"path", "rule", "name", "message", "severity", "confidence", "line", "column",
            "end_line", "end_column", "offset", "end_offset", "fix"}
    for d in items:
        assert keys <= set(d) <= keys | {"notes"}
        assert d["fix"] is None or set(d["fix"]) == {"applicability", "message", "edits"}


def test_concise(doc):
    r = run_cli("check", "-f", "concise", str(doc))
    lines = r.stdout.splitlines()
    items = json_findings(doc)
    assert len(lines) == len(items)
    for line, d in zip(lines, items):
        fixable = d["fix"] is not None and d["fix"]["applicability"] == "safe"
        assert line == f"{doc}:{d['line']}:{d['column']}: {d['rule']}{' [*]' if fixable else ''} {d['message']}"


def test_json_lines_equals_json(doc):
    r = run_cli("check", "-f", "json-lines", str(doc))
    assert [json.loads(x) for x in r.stdout.splitlines()] == json_findings(doc)
    assert r.returncode == 1


def test_sarif_validates_against_the_official_schema(doc, tmp_path):
    r = run_cli("check", "-f", "sarif", "docs/a b.md", "-", input="Nuclear weaponsas did it.\n", cwd=tmp_path)
    assert r.returncode == 1
    log = json.loads(r.stdout)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "mtclean"
    assert run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    items = json_findings(doc)
    assert len(results) == len(items) + 1
    rules = run["tool"]["driver"]["rules"]
    for res, d in zip(results, items):
        assert res["ruleId"] == d["rule"] and rules[res["ruleIndex"]]["id"] == d["rule"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "docs/a%20b.md", "uriBaseId": "%SRCROOT%"}
        region = loc["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == \
            (d["line"], d["column"], d["end_line"], d["end_column"])
        assert (region["charOffset"], region["charLength"]) == (d["offset"], d["end_offset"] - d["offset"])
        assert res["message"]["text"] == d["message"]
        if d["fix"]:
            reps = res["fixes"][0]["artifactChanges"][0]["replacements"]
            assert [r.get("insertedContent", {}).get("text", "") for r in reps] == \
                [e["replacement"] for e in d["fix"]["edits"]]
    assert results[-1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"
    # fingerprints are stable between runs
    again = json.loads(run_cli("check", "-f", "sarif", "docs/a b.md", cwd=tmp_path).stdout)
    assert [x["partialFingerprints"] for x in again["runs"][0]["results"]] == \
        [x["partialFingerprints"] for x in results[:-1]]


def test_sarif_without_findings_is_valid(tmp_path):
    p = tmp_path / "ok.md"
    p.write_text("All fine here.\n", encoding="utf-8")
    r = run_cli("check", "-f", "sarif", str(p))
    assert r.returncode == 0
    log = json.loads(r.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_marks_a_run_with_unreadable_files_unsuccessful(tmp_path):
    """Files that could not be checked are tool execution notifications, and the
    invocation is not successful: code scanning must not show the run as clean."""
    (tmp_path / "ok.md").write_text("All fine here.\n", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes(b"Caf\xe9 au lait.\n")
    r = run_cli("check", "-f", "sarif", "ok.md", "latin.txt", cwd=tmp_path)
    assert r.returncode == 2
    log = json.loads(r.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    inv = log["runs"][0]["invocations"]
    assert inv[0]["executionSuccessful"] is False
    assert [n["message"]["text"] for n in inv[0]["toolExecutionNotifications"]] == [
        line.removeprefix("mtclean: error: ") for line in r.stderr.splitlines()]
    ok = json.loads(run_cli("check", "-f", "sarif", "ok.md", cwd=tmp_path).stdout)
    assert ok["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_github_annotations(doc, tmp_path):
    r = run_cli("check", "-f", "github", "docs/a b.md", cwd=tmp_path)
    lines = r.stdout.splitlines()
    items = json_findings(doc)
    assert len(lines) == len(items)
    for line, d in zip(lines, items):
        assert line.startswith(f"::warning file=docs/a b.md,line={d['line']},col={d['column']},"
                               f"endLine={d['end_line']},endColumn={d['end_column']},title={d['rule']} {d['name']}::")
        assert "\n" not in line and d["message"].replace("%", "%25") in line


def test_github_escapes_properties_and_data():
    from cleaner.output.github import _data, _prop

    assert _data("100%\r\nnext") == "100%25%0D%0Anext"
    assert _prop("a:b,c") == "a%3Ab%2Cc"


def test_text_colour_only_when_asked(doc):
    plain = run_cli("check", str(doc)).stdout
    assert "\x1b[" not in plain
    coloured = run_cli("check", str(doc), env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    # NO_COLOR set (even empty) wins over FORCE_COLOR, as the convention says
    assert "\x1b[" not in coloured.stdout
    env = {"FORCE_COLOR": "1"}
    import os

    full = dict(os.environ)
    full.pop("NO_COLOR", None)
    full.update(env)
    import subprocess
    from conftest import MTCLEAN

    out = subprocess.run([*MTCLEAN, "check", str(doc)], capture_output=True, env=full).stdout.decode()
    assert "\x1b[" in out
    assert out.replace("\x1b[1m", "").replace("\x1b[31m", "").replace("\x1b[36m", "") \
        .replace("\x1b[32m", "").replace("\x1b[2m", "").replace("\x1b[0m", "") == plain


def test_statistics(doc):
    r = run_cli("check", "--statistics", str(doc))
    assert r.returncode == 1
    items = json_findings(doc)
    rows = [ln.split("\t") for ln in r.stdout.splitlines()]
    assert rows[-1] == [str(len(items)), "total"]
    counts = {row[1]: int(row[0]) for row in rows[:-1]}
    assert counts == {code: sum(1 for d in items if d["rule"] == code) for code in {d["rule"] for d in items}}
    data = json.loads(run_cli("check", "--statistics", "-f", "json", str(doc)).stdout)
    assert {d["code"]: d["count"] for d in data} == counts


def test_output_file_and_quiet(doc, tmp_path):
    out = tmp_path / "report.sarif"
    r = run_cli("check", "-q", "-f", "sarif", "-o", str(out), str(doc))
    assert (r.returncode, r.stdout, r.stderr) == (1, "", "")
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads(out.read_text(encoding="utf-8")))


def test_fix_quiet_show_remaining_and_exit_zero(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("Russia threatened to use nuclear weaponsas did Putin earlier this year.\n", encoding="utf-8")
    r = run_cli("fix", "-q", str(p))
    assert (r.returncode, r.stderr) == (0, "")
    assert "weapons, as" in p.read_text(encoding="utf-8")
    r = run_cli("fix", str(p))
    assert r.returncode == 0
