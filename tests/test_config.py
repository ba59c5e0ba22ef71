"""Configuration: discovery, every key, validation messages, the CLI flags on top,
and ``mtclean config``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.config import ConfigError, Overrides, Resolver, load_config, match_glob, read_vocabulary
from conftest import run_cli

GLUED = "Russia threatened to use nuclear weaponsas did Putin earlier this year.\n"
STRAY = "They say the entire Western world order. is headed for collapse.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rules_of(run) -> list[str]:
    return [d["rule"] for d in json.loads(run.stdout)]


# -- discovery ---------------------------------------------------------------------------------

def test_pyproject_tool_table_is_found_from_a_nested_file(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.mtclean]\nignore = ["MT101"]\n')
    f = write(tmp_path / "a" / "b" / "doc.md", GLUED + STRAY)
    r = run_cli("check", "-f", "json", str(f))
    assert rules_of(r) == ["MT102"]


def test_pyproject_without_table_is_skipped_for_a_higher_config(tmp_path):
    write(tmp_path / ".mtclean.toml", 'ignore = ["MT102"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    f = write(tmp_path / "sub" / "doc.txt", GLUED + STRAY)
    assert rules_of(run_cli("check", "-f", "json", str(f))) == ["MT101"]


def test_nearest_config_wins_and_mtclean_toml_beats_pyproject(tmp_path):
    write(tmp_path / ".mtclean.toml", 'ignore = ["MT101"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[tool.mtclean]\nignore = ["MT101"]\n')
    write(tmp_path / "sub" / ".mtclean.toml", 'ignore = ["MT102"]\n')
    top = write(tmp_path / "top.txt", GLUED + STRAY)
    sub = write(tmp_path / "sub" / "doc.txt", GLUED + STRAY)
    r = run_cli("check", "-f", "json", str(tmp_path))
    got = {(Path(d["path"]).name, d["rule"]) for d in json.loads(r.stdout)}
    assert got == {(top.name, "MT102"), (sub.name, "MT101")}


def test_config_flag_overrides_discovery(tmp_path):
    write(tmp_path / ".mtclean.toml", 'ignore = ["MT101"]\n')
    other = write(tmp_path / "elsewhere" / "custom.toml", 'ignore = ["MT102"]\n')
    f = write(tmp_path / "doc.txt", GLUED + STRAY)
    assert rules_of(run_cli("check", "-f", "json", "--config", str(other), str(f))) == ["MT101"]
    pyproject = write(tmp_path / "elsewhere" / "pyproject.toml", '[tool.mtclean]\nselect = ["MT102"]\n')
    assert rules_of(run_cli("check", "-f", "json", "--config", str(pyproject), str(f))) == ["MT102"]


def test_config_flag_missing_file_or_table(tmp_path):
    r = run_cli("check", "--config", str(tmp_path / "nope.toml"), str(tmp_path))
    assert r.returncode == 2 and "nope.toml" in r.stderr and "not found" in r.stderr
    p = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    r = run_cli("check", "--config", str(p), str(tmp_path))
    assert r.returncode == 2 and "no [tool.mtclean] table" in r.stderr


# -- keys ------------------------------------------------------------------------------------------

def test_select_extend_select_and_cli_precedence(tmp_path):
    write(tmp_path / ".mtclean.toml", 'select = ["MT102"]\n')
    f = write(tmp_path / "doc.txt", GLUED + STRAY)
    assert rules_of(run_cli("check", "-f", "json", str(f))) == ["MT102"]
    # --select replaces the configured select; --extend-select / --ignore add to it
    assert rules_of(run_cli("check", "-f", "json", "--select", "MT101", str(f))) == ["MT101"]
    assert sorted(rules_of(run_cli("check", "-f", "json", "--extend-select", "MT101", str(f)))) == ["MT101", "MT102"]
    assert rules_of(run_cli("check", "-f", "json", "--ignore", "MT102", str(f))) == []


def test_per_file_ignores_beat_a_more_specific_select(tmp_path):
    write(tmp_path / ".mtclean.toml",
          'select = ["MT101", "MT102"]\n[per-file-ignores]\n"legal/*" = ["MT1"]\n"*.gen.md" = ["MT102"]\n')
    a = write(tmp_path / "legal" / "terms.txt", GLUED + STRAY)
    b = write(tmp_path / "docs" / "x.gen.md", GLUED + STRAY)
    c = write(tmp_path / "docs" / "y.md", GLUED + STRAY)
    r = run_cli("check", "-f", "json", str(tmp_path))
    got = sorted((Path(d["path"]).name, d["rule"]) for d in json.loads(r.stdout))
    assert got == [(b.name, "MT101"), (c.name, "MT101"), (c.name, "MT102")]
    assert a.name not in r.stdout


def test_min_confidence_and_cli_override(tmp_path):
    write(tmp_path / ".mtclean.toml", "min-confidence = 1.0\n")
    f = write(tmp_path / "doc.txt", GLUED)
    assert rules_of(run_cli("check", "-f", "json", str(f))) == []
    assert rules_of(run_cli("check", "-f", "json", "--min-confidence", "0", str(f))) == ["MT101"]


def test_unsafe_fixes_key_applies_unsafe_fixes(tmp_path):
    # "he" after a stray period could start a sentence: that fix is unsafe
    text = "The minister resigned on Monday. he said nothing more.\n"
    f = write(tmp_path / "doc.txt", text)
    before = run_cli("check", "-f", "json", str(f))
    unsafe = [d for d in json.loads(before.stdout) if d["fix"] and d["fix"]["applicability"] == "unsafe"]
    if not unsafe:
        pytest.skip("no rule proposes an unsafe fix for this text any more")
    run_cli("fix", str(f))
    assert f.read_text(encoding="utf-8") == text            # safe-only by default
    write(tmp_path / ".mtclean.toml", "unsafe-fixes = true\n")
    run_cli("fix", str(f))
    assert f.read_text(encoding="utf-8") != text


def test_exclude_and_extend_exclude_and_force_exclude(tmp_path):
    write(tmp_path / ".mtclean.toml", 'exclude = ["drafts/"]\nextend-exclude = ["*.gen.md"]\n')
    write(tmp_path / "drafts" / "a.md", GLUED)
    write(tmp_path / "b.gen.md", GLUED)
    kept = write(tmp_path / "c.md", GLUED)
    r = run_cli("check", "-f", "json", str(tmp_path))
    assert [Path(d["path"]).name for d in json.loads(r.stdout)] == [kept.name]
    # a file named explicitly is checked, unless --force-exclude (what pre-commit passes)
    named = str(tmp_path / "drafts" / "a.md")
    assert rules_of(run_cli("check", "-f", "json", named)) == ["MT101"]
    r = run_cli("check", "-f", "json", "--force-exclude", named)
    assert (r.returncode, json.loads(r.stdout)) == (0, [])


def test_accept_vocabulary_files(tmp_path):
    vocab = write(tmp_path / "vocab" / "house.txt", "# our product names\nweaponsas   # a comment after the word\n\n")
    assert read_vocabulary(vocab) == ["weaponsas"]
    f = write(tmp_path / "doc.txt", GLUED)
    assert rules_of(run_cli("check", "-f", "json", str(f))) == ["MT101"]
    write(tmp_path / ".mtclean.toml", 'accept = ["vocab/house.txt"]\n')
    assert rules_of(run_cli("check", "-f", "json", str(f))) == []


def test_protect_patterns_are_never_edited(tmp_path):
    f = write(tmp_path / "doc.txt", GLUED)
    write(tmp_path / ".mtclean.toml", "protect = ['nuclear \\w+']\n")
    r = run_cli("check", "-f", "json", str(f))
    assert rules_of(r) == []
    run_cli("fix", str(f))
    assert f.read_text(encoding="utf-8") == GLUED


def test_extend_rules_loads_a_user_rule_pack(tmp_path):
    pack = tmp_path / "house"
    write(pack / "HS101-house.toml", (Path(__file__).parent.parent / "rules" / "core" / "MT102-stray-period.toml")
          .read_text(encoding="utf-8").replace('code = "MT102"', 'code = "HS101"', 1)
          .replace('name = "stray-period"', 'name = "house-stray-period"', 1))
    write(tmp_path / ".mtclean.toml", 'extend-rules = ["house"]\nselect = ["HS1"]\n')
    f = write(tmp_path / "doc.txt", STRAY)
    assert rules_of(run_cli("check", "-f", "json", str(f))) == ["HS101"]


def test_dialect_and_languagetool_reach_settings(tmp_path):
    cfg = write(tmp_path / ".mtclean.toml", 'dialect = "en_gb"\nlanguagetool = "http://127.0.0.1:8081/"\n')
    s = Resolver(cwd=tmp_path)(str(tmp_path / "x.md"))
    assert s.dialect == "en-GB" and s.languagetool == "http://127.0.0.1:8081"
    assert load_config(cfg).settings.dialect == "en-GB"


# -- validation: file, key, allowed values, suggestion; exit 2 ---------------------------------------

@pytest.mark.parametrize("body, needles", [
    ('dialcet = "en-GB"\n', ["key 'dialcet'", "unknown key", "did you mean 'dialect'", "allowed:", "extend-select"]),
    ('extend_select = ["MT1"]\n', ["key 'extend_select'", "did you mean 'extend-select'"]),
    ('dialect = "en-AU"\n', ["key 'dialect'", "unknown dialect 'en-AU'", '"en-US" or "en-GB"']),
    ('select = ["MT10X"]\n', ["key 'select'", "unknown rule code or prefix 'MT10X'", "did you mean", "MT101"]),
    ('ignore = ["XX"]\n', ["key 'ignore'", "unknown rule code or prefix 'XX'"]),
    ('min-confidence = 2\n', ["key 'min-confidence'", "a number from 0 to 1", "got 2"]),
    ('min-confidence = "high"\n', ["key 'min-confidence'", "got 'high'"]),
    ('unsafe-fixes = "yes"\n', ["key 'unsafe-fixes'", "true or false"]),
    ('accept = ["missing.txt"]\n', ["key 'accept'", "missing.txt"]),
    ('protect = ["(unclosed"]\n', ["key 'protect'", "invalid regular expression"]),
    ('languagetool = 8081\n', ["key 'languagetool'", "LanguageTool server URL"]),
    ('per-file-ignores = ["docs"]\n', ["key 'per-file-ignores'", "a table of glob"]),
    ('per-file-ignores = { "docs/*" = ["MT99"] }\n', ["key 'per-file-ignores'", "'MT99'"]),
    ('select = "MT1\n', ["invalid TOML"]),
    ('extend-rules = ["nowhere"]\n', ["key 'extend-rules'", "does not exist"]),
])
def test_config_errors_name_file_key_allowed_values(tmp_path, body, needles):
    cfg = write(tmp_path / ".mtclean.toml", body)
    f = write(tmp_path / "doc.md", "Fine text.\n")
    r = run_cli("check", str(f))
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert str(cfg) in r.stderr
    for n in needles:
        assert n in r.stderr, (n, r.stderr)
    assert "Traceback" not in r.stderr


def test_pyproject_errors_name_the_table(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.mtclean]\nselct = ["MT1"]\n')
    r = run_cli("check", str(write(tmp_path / "a.md", "Fine.\n")))
    assert r.returncode == 2
    assert "pyproject.toml: [tool.mtclean] key 'selct'" in r.stderr and "did you mean 'select'" in r.stderr


def test_a_bad_config_in_a_subfolder_stops_before_any_write(tmp_path):
    good = write(tmp_path / "a.txt", GLUED)
    write(tmp_path / "z" / ".mtclean.toml", 'nonsense = 1\n')
    write(tmp_path / "z" / "b.txt", GLUED)
    r = run_cli("fix", str(tmp_path))
    assert r.returncode == 2 and "nonsense" in r.stderr
    assert good.read_text(encoding="utf-8") == GLUED


def test_cli_flag_errors(tmp_path):
    f = write(tmp_path / "a.md", "Fine.\n")
    r = run_cli("check", "--select", "MT10X", str(f))
    assert r.returncode == 2 and "--select" in r.stderr and "did you mean" in r.stderr
    r = run_cli("check", "--min-confidence", "3", str(f))
    assert r.returncode == 2 and "--min-confidence" in r.stderr


def test_resolver_api_errors_are_config_errors(tmp_path):
    with pytest.raises(ConfigError):
        Resolver(Overrides(select=("NOPE",)), cwd=tmp_path)(str(tmp_path / "a.md"))


# -- globs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, path, expected", [
    ("drafts", "drafts/a.md", True),
    ("drafts", "x/drafts/a.md", True),
    ("drafts/", "drafts/a.md", True),
    ("*.gen.md", "docs/x.gen.md", True),
    ("docs/*.md", "docs/a.md", True),
    ("docs/**", "docs/deep/a.md", True),
    ("docs/**/*.md", "docs/deep/a.md", True),
    ("/docs/*", "docs/a.md", True),
    ("docs/*.md", "other/docs/a.md", False),
    ("drafts", "drafts.md", False),
])
def test_match_glob(pattern, path, expected):
    assert match_glob(pattern, path) is expected


# -- mtclean config ------------------------------------------------------------------------------------

def test_config_command_shows_values_and_sources(tmp_path):
    write(tmp_path / "words.txt", "alpha\nbeta\n")
    cfg = write(tmp_path / "pyproject.toml",
                '[tool.mtclean]\nselect = ["MT1"]\nignore = ["MT102"]\naccept = ["words.txt"]\ndialect = "en-GB"\n')
    r = run_cli("config", "--ignore", "MT103", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = {ln.split("=")[0].strip(): ln for ln in r.stdout.splitlines() if "=" in ln and "#" in ln}
    assert f"# {cfg} [tool.mtclean]" in lines["select"] and '["MT1"]' in lines["select"]
    assert "command line" in lines["ignore"] and "MT103" in lines["ignore"] and "MT102" in lines["ignore"]
    assert "# default" in lines["min-confidence"]
    assert '"en-GB"' in lines["dialect"]
    d = json.loads(run_cli("config", "-f", "json", cwd=tmp_path).stdout)
    assert d["config"] == str(cfg)
    assert d["settings"]["accept"]["value"] == {"files": ["words.txt"], "words": 2}
    assert d["settings"]["unsafe-fixes"] == {"value": False, "source": "default"}
    assert "MT101" in d["enabled"] and "MT102" not in d["enabled"]


def test_config_command_without_any_file(tmp_path):
    r = run_cli("config", str(tmp_path))
    assert r.returncode == 0 and "(none found: defaults)" in r.stdout
