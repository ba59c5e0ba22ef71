"""The CLI contract other tools rely on, run through the real ``mtclean`` executable:
exit codes, error messages, the JSON fields, text and diff output, stdin, fix,
``rules`` / ``rule``, directory recursion — and the seed article end to end."""
from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from cleaner.protect import quote_spans
from cleaner.registry import all_rules

from conftest import SEED, run_cli

DAMAGED = "The entire Western world order. is headed for collapse."
REPAIRED = "The entire Western world order is headed for collapse."
UNSAFE_ONLY = "He left the room. he said nothing."        # "he" may be a lost capital: unsafe fix
UNSAFE_FIXED = "He left the room he said nothing."

FINDING_SCHEMA = {
    "type": "object",
    "required": ["path", "rule", "name", "message", "severity", "confidence", "line", "column",
                 "end_line", "end_column", "offset", "end_offset", "fix"],
    "properties": {
        "path": {"type": "string"},
        "rule": {"type": "string", "pattern": r"^(MT[0-9]{3}|LT:.+)$"},
        "name": {"type": "string", "minLength": 1},
        "message": {"type": "string", "minLength": 1},
        "severity": {"enum": ["error", "warning", "info"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "end_line": {"type": "integer", "minimum": 1},
        "end_column": {"type": "integer", "minimum": 1},
        "offset": {"type": "integer", "minimum": 0},
        "end_offset": {"type": "integer", "minimum": 0},
        "fix": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["applicability", "message", "edits"],
                    "additionalProperties": False,
                    "properties": {
                        "applicability": {"enum": ["safe", "unsafe", "display-only"]},
                        "message": {"type": "string"},
                        "edits": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "required": ["offset", "end_offset", "replacement"],
                                "additionalProperties": False,
                                "properties": {
                                    "offset": {"type": "integer", "minimum": 0},
                                    "end_offset": {"type": "integer", "minimum": 0},
                                    "replacement": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            ]
        },
        # optional extra: other tools flagging the same span
        "notes": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": False,
}
OUTPUT_SCHEMA = {"type": "array", "items": FINDING_SCHEMA}


def check_json(*args: str, input: str | bytes | None = None) -> tuple[int, list[dict]]:
    r = run_cli("check", "--format", "json", *args, input=input)
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, OUTPUT_SCHEMA)
    return r.returncode, data


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8", newline="")
    return p


# -- exit codes --------------------------------------------------------------------------------

def test_exit_0_when_clean(tmp_path):
    p = write(tmp_path, "clean.txt", "A perfectly ordinary sentence.\n")
    r = run_cli("check", str(p))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_exit_1_when_findings(tmp_path):
    p = write(tmp_path, "bad.txt", DAMAGED + "\n")
    r = run_cli("check", str(p))
    assert r.returncode == 1
    assert r.stderr == ""


def test_exit_zero_flag(tmp_path):
    p = write(tmp_path, "bad.txt", DAMAGED + "\n")
    assert run_cli("check", "--exit-zero", str(p)).returncode == 0


@pytest.mark.parametrize(("args", "needle"), [
    (["check", "--format", "bogus", "-"], "unknown format 'bogus'"),
    (["check", "--select", "XX9", "-"], "unknown rule code or prefix 'XX9'"),
    (["check", "--ignore", "MT10X", "-"], "unknown rule code or prefix 'MT10X'"),
    (["rule", "MT999"], "unknown rule 'MT999'"),
    (["check", "--no-such-option"], "No such option"),
    (["frobnicate"], "No such command"),
])
def test_exit_2_on_usage_errors(args, needle):
    r = run_cli(*args, input="text")
    assert r.returncode == 2
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def _error_case(tmp_path: Path, kind: str) -> Path:
    if kind == "missing":
        return tmp_path / "missing.txt"
    p = tmp_path / f"{kind}.txt"
    p.write_bytes({"binary": b"GIF89a\x00\x01\x00\x00binary", "latin1": b"caf\xe9 au lait\n",
                   "truncated": "ok 😀".encode("utf-8")[:-1]}[kind])
    return p


@pytest.mark.parametrize(("kind", "problem"), [
    ("missing", "no such file or directory"),
    ("binary", "binary"),
    ("latin1", "not valid UTF-8"),
    ("truncated", "not valid UTF-8"),
])
@pytest.mark.parametrize("command", ["check", "fix"])
def test_input_errors_exit_2_name_the_file_without_traceback(tmp_path, kind, problem, command):
    p = _error_case(tmp_path, kind)
    before = p.read_bytes() if p.exists() else None
    r = run_cli(command, str(p))
    assert r.returncode == 2
    assert f"{p}: " in r.stderr and problem in r.stderr
    assert r.stderr.startswith("mtclean: error: ")
    assert "Traceback" not in r.stderr
    if before is not None:
        assert p.read_bytes() == before


def test_input_error_does_not_hide_other_files(tmp_path):
    good = write(tmp_path, "good.txt", DAMAGED + "\n")
    r = run_cli("check", "--format", "json", str(tmp_path / "missing.txt"), str(good))
    assert r.returncode == 2
    assert "missing.txt: no such file" in r.stderr
    assert [f["path"] for f in json.loads(r.stdout)] == [str(good)]


# -- JSON contract -----------------------------------------------------------------------------

def test_json_fields_and_code_point_offsets(tmp_path):
    prefix = "Café 😀 naïve — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\r\nÉmoji 👍🏽 line: "
    text = prefix + DAMAGED + "\n"
    p = write(tmp_path, "uni.txt", text)
    code, data = check_json(str(p))
    assert code == 1
    [f] = [f for f in data if f["rule"] == "MT102"]
    dot = text.index("order.") + len("order")
    assert f["path"] == str(p)
    assert f["name"] == "stray-period"
    assert f["severity"] in ("error", "warning", "info")
    assert f["offset"] == dot                        # code points, not bytes or UTF-16 units
    assert text[f["offset"]:f["end_offset"]] == ". is"
    assert (f["line"], f["end_line"]) == (2, 2)
    line_start = text.index("Émoji")
    assert f["column"] == dot - line_start + 1
    assert f["end_column"] == f["end_offset"] - line_start + 1
    assert f["fix"] == {"applicability": "safe", "message": f["fix"]["message"],
                        "edits": [{"offset": dot, "end_offset": dot + 1, "replacement": ""}]}


def test_json_empty_array_when_clean(tmp_path):
    clean = write(tmp_path, "clean.txt", "Nothing here.\n")
    code, data = check_json(str(clean))
    assert (code, data) == (0, [])


def test_json_edits_apply_to_file_text(tmp_path):
    text = "Ünïcödé 😀. Macron met Biden. Macronwho kept the line, the order. is gone.\n"
    p = write(tmp_path, "f.txt", text)
    _, data = check_json("--select", "MT101,MT102", str(p))
    assert {f["rule"] for f in data} == {"MT101", "MT102"}
    for f in data:
        edits = f["fix"]["edits"]
        out, pos = [], 0
        for e in edits:
            out.append(text[pos:e["offset"]] + e["replacement"])
            pos = e["end_offset"]
        fixed = "".join(out) + text[pos:]
        assert fixed != text
    macron = next(f for f in data if f["rule"] == "MT101")
    assert text[macron["offset"]:macron["end_offset"]] == "Macronwho"
    assert macron["fix"]["edits"][0]["replacement"] == "Macron, who"


def test_json_stdin_path_is_dash():
    code, data = check_json("-", input="Éé 😀 " + DAMAGED)
    assert code == 1
    assert {f["path"] for f in data} == {"-"}
    f = next(f for f in data if f["rule"] == "MT102")
    assert f["offset"] == len("Éé 😀 ") + DAMAGED.index(".")


# -- text and diff formats -----------------------------------------------------------------------

def test_text_format(tmp_path):
    p = write(tmp_path, "t.txt", "First line.\n😀 " + DAMAGED + "\n")
    r = run_cli("check", "--select", "MT102", str(p))
    lines = r.stdout.splitlines()
    col = ("😀 " + DAMAGED).index(".") + 1
    assert lines[0] == f"{p}:2:{col}: MT102 " + lines[0].split(" MT102 ", 1)[1]
    assert lines[1].endswith("😀 " + DAMAGED)
    caret = lines[2].index("^")
    # the caret points at the stray period on a terminal, where 😀 takes two columns
    assert caret == lines[1].index(".") + 1
    assert lines[3].lstrip().startswith("= fix (safe)")
    assert "order is headed" in lines[3]


@pytest.mark.parametrize("args", [["check", "--format", "diff"], ["fix", "--diff"]])
def test_diff_format(tmp_path, args):
    p = write(tmp_path, "d.txt", "Intro.\n" + DAMAGED + "\nOutro.\n")
    r = run_cli(*args, "--select", "MT102", str(p))
    assert r.stdout.startswith(f"--- a/{p}\n+++ b/{p}\n@@ ")
    assert f"\n-{DAMAGED}\n+{REPAIRED}\n" in r.stdout
    # it is a real unified diff: applying it gives the fixed text
    before = p.read_text(encoding="utf-8")
    expected = list(difflib.unified_diff(before.splitlines(True), before.replace(DAMAGED, REPAIRED).splitlines(True),
                                         fromfile=f"a/{p}", tofile=f"b/{p}"))
    assert r.stdout == "".join(expected)
    assert p.read_text(encoding="utf-8") == before      # nothing written


def test_diff_marks_missing_final_newline(tmp_path):
    p = write(tmp_path, "d.txt", DAMAGED)
    r = run_cli("check", "--format", "diff", str(p))
    assert "\\ No newline at end of file" in r.stdout


def test_diff_respects_unsafe_fixes(tmp_path):
    p = write(tmp_path, "u.txt", UNSAFE_ONLY + "\n")
    safe = run_cli("check", "--format", "diff", "--select", "MT102", str(p))
    unsafe = run_cli("check", "--format", "diff", "--select", "MT102", "--unsafe-fixes", str(p))
    assert safe.returncode == unsafe.returncode == 1
    assert safe.stdout == ""
    assert f"+{UNSAFE_FIXED}" in unsafe.stdout


# -- fix ---------------------------------------------------------------------------------------

def test_fix_unsafe_fixes_flag(tmp_path):
    p = write(tmp_path, "u.txt", UNSAFE_ONLY + "\n")
    r = run_cli("fix", "--select", "MT102", str(p))
    assert r.returncode == 1                          # the unsafe finding remains
    assert p.read_text(encoding="utf-8") == UNSAFE_ONLY + "\n"
    r = run_cli("fix", "--select", "MT102", "--unsafe-fixes", str(p))
    assert r.returncode == 0
    assert p.read_text(encoding="utf-8") == UNSAFE_FIXED + "\n"


def test_fix_stdin_writes_stdout():
    r = run_cli("fix", "-", input=DAMAGED + "\n")
    assert (r.returncode, r.stdout) == (0, REPAIRED + "\n")
    r = run_cli("fix", "--select", "MT102", "-", input=UNSAFE_ONLY)
    assert (r.returncode, r.stdout) == (1, UNSAFE_ONLY)
    r = run_cli("fix", "--select", "MT102", "--unsafe-fixes", "-", input=UNSAFE_ONLY)
    assert (r.returncode, r.stdout) == (0, UNSAFE_FIXED)


def test_fix_directory(tmp_path):
    a = write(tmp_path, "a.txt", DAMAGED + "\n")
    b = write(tmp_path, "sub/b.md", "# Title\n\n" + DAMAGED + "\n")
    other = write(tmp_path, "sub/c.py", "# " + DAMAGED + "\n")
    r = run_cli("fix", "--select", "MT102", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert a.read_text(encoding="utf-8") == REPAIRED + "\n"
    assert b.read_text(encoding="utf-8") == "# Title\n\n" + REPAIRED + "\n"
    assert other.read_text(encoding="utf-8") == "# " + DAMAGED + "\n"


# -- sources -----------------------------------------------------------------------------------

def test_directory_recursion_into_txt_and_md(tmp_path):
    for name in ["a.txt", "sub/b.md", "sub/deeper/c.TXT", "skip.py", "skip.csv", "sub/.hidden.txt",
                 ".git/x.txt", ".venv/y.md", "node_modules/z.txt"]:
        write(tmp_path, name, DAMAGED + "\n")
    _, data = check_json(str(tmp_path))
    paths = sorted({Path(f["path"]).relative_to(tmp_path).as_posix() for f in data})
    assert paths == ["a.txt", "sub/b.md", "sub/deeper/c.TXT"]


def test_explicit_file_checked_whatever_its_extension(tmp_path):
    p = write(tmp_path, "notes.log", DAMAGED + "\n")
    _, data = check_json(str(p))
    assert data and data[0]["path"] == str(p)


def test_default_path_is_current_directory(tmp_path):
    write(tmp_path, "here.txt", DAMAGED + "\n")
    r = run_cli("check", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    assert {Path(f["path"]).name for f in json.loads(r.stdout)} == {"here.txt"}


def test_markdown_file_checked(tmp_path):
    p = write(tmp_path, "doc.md", "# Heading\n\nSome *emphasis*. " + DAMAGED + "\n")
    _, data = check_json("--select", "MT102", str(p))
    [f] = data
    assert p.read_text(encoding="utf-8")[f["offset"]:f["end_offset"]] == ". is"


# -- rules / rule ------------------------------------------------------------------------------

def test_rules_lists_every_rule():
    r = run_cli("rules")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split()[:4] == ["CODE", "NAME", "MAX-FIX", "DEFAULT"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    registry = all_rules()
    assert set(rows) == set(registry)
    for code, loaded in registry.items():
        m = loaded.meta
        assert rows[code][1] == m.name
        assert rows[code][2] == (m.fix.label if m.fix is not None else "none")
        assert rows[code][3] == ("on" if m.default else "off")


def test_rules_json():
    r = run_cli("rules", "--format", "json")
    data = json.loads(r.stdout)
    assert {d["code"] for d in data} == set(all_rules())
    mt101 = next(d for d in data if d["code"] == "MT101")
    assert mt101 == {"code": "MT101", "name": "glued-words", "fix": "safe", "default": "on",
                     "summary": all_rules()["MT101"].meta.summary}


@pytest.mark.parametrize("code", ["MT101", "mt101", "MT102"])
def test_rule_explains_with_examples(code):
    r = run_cli("rule", code)
    assert r.returncode == 0
    meta = all_rules()[code.upper()].meta
    assert r.stdout.startswith(f"# {meta.code} {meta.name}\n")
    assert meta.summary in r.stdout
    assert "Fix: safe" in r.stdout and "Default: on" in r.stdout
    for ex in meta.examples:
        assert ex.text in r.stdout
        if ex.fixed:
            assert f"→ {ex.fixed}" in r.stdout
    assert "## Flagged" in r.stdout and "## Left alone" in r.stdout
    assert "Defined in" in r.stdout


def test_rule_suggests_close_code():
    r = run_cli("rule", "MT110")
    assert r.returncode == 2 and "MT1" in r.stderr


# -- the seed article --------------------------------------------------------------------------

SEED_GLUED = {
    "infrastructurekilling": "infrastructure, killing",
    "Macronwho": "Macron, who",
    "Reutersalthough": "Reuters, although",
    "weaponsas": "weapons, as",
}
SEED_PERIODS = {
    "order. is": ("order", " is"),
    "year. according": ("year", ", according"),
    "soon. with": ("soon", " with"),
}


@pytest.fixture(scope="module")
def seed_findings() -> list[dict]:
    _, data = check_json("--select", "MT101,MT102", str(SEED))
    return data


def test_seed_glued_words_found_with_right_fix(seed_findings, seed_text):
    glued = {seed_text[f["offset"]:f["end_offset"]]: f for f in seed_findings if f["rule"] == "MT101"}
    assert set(glued) == set(SEED_GLUED), sorted(glued)
    for word, replacement in SEED_GLUED.items():
        f = glued[word]
        assert f["fix"]["applicability"] == "safe"
        [edit] = f["fix"]["edits"]
        assert (edit["offset"], edit["end_offset"], edit["replacement"]) == (f["offset"], f["end_offset"], replacement)


def test_seed_stray_periods_found_with_right_fix(seed_findings, seed_text):
    periods = [f for f in seed_findings if f["rule"] == "MT102"]
    found = {}
    for f in periods:
        snippet = seed_text[f["offset"] - 10:f["end_offset"]]
        key = next((k for k in SEED_PERIODS if snippet.endswith(k)), snippet)
        found[key] = f
    assert set(found) == set(SEED_PERIODS), sorted(found)
    for key, (word, after) in SEED_PERIODS.items():
        f = found[key]
        [edit] = f["fix"]["edits"]
        assert seed_text[edit["offset"]:edit["end_offset"]] == "."
        assert f["fix"]["applicability"] == "safe"
        fixed = seed_text[:edit["offset"]] + edit["replacement"] + seed_text[edit["end_offset"]:]
        assert word + after in fixed[edit["offset"] - len(word):edit["offset"] + len(after) + 1]


def test_seed_nothing_found_inside_quotes(seed_text):
    _, data = check_json(str(SEED))          # every default rule, not just MT101/MT102
    for f in data:
        for s, e in quote_spans(seed_text):
            assert not (f["offset"] < e and s < f["end_offset"]), (
                f"{f['rule']} flagged quoted speech: {seed_text[f['offset']:f['end_offset']]!r}")


def test_seed_fix_unsafe_changes_nothing_inside_quotes(tmp_path, seed_text):
    p = tmp_path / SEED.name
    shutil.copyfile(SEED, p)
    r = run_cli("fix", "--unsafe-fixes", str(p))
    assert r.returncode in (0, 1), r.stderr
    fixed = p.read_text(encoding="utf-8")
    assert fixed != seed_text
    for word, replacement in SEED_GLUED.items():
        assert word not in fixed and replacement in fixed
    for key, (word, after) in SEED_PERIODS.items():
        assert key not in fixed and word + after in fixed
    # every quotation survives verbatim and in order
    pos = 0
    for s, e in quote_spans(seed_text):
        i = fixed.find(seed_text[s:e], pos)
        assert i >= 0, f"quotation changed: {seed_text[s:e][:60]!r}"
        pos = i + (e - s)
    # and every change lies outside quotations
    spans = quote_spans(seed_text)
    matcher = difflib.SequenceMatcher(None, seed_text, fixed, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            assert not any(s < i2 and i1 < e if i1 < i2 else s < i1 < e for s, e in spans), (
                f"change inside a quotation near {seed_text[max(0, i1 - 30):i2 + 30]!r}")
