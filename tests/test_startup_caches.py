"""The start-up caches (compiled regexes, parsed TOML, parsed phrasebook packs,
lexicon table) are pure
optimisations: same results as without them, invalidated when their source
changes, and harmless when corrupt."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import regex

from cleaner import lexicon, packcache, regexcache, tomlcache

ROOT = Path(__file__).resolve().parent.parent


def run_py(code: str, cache: Path, **env) -> str:
    e = dict(os.environ, MTCLEAN_CACHE_DIR=str(cache), **env)
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=e, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


REGEX_PROBE = """
    from cleaner.regexcache import compile
    import regex
    p = compile(r"(?i:(?P<v>assist(?:s|ed)?)\\s+(?:to|at))\\s+the\\b", regex.V1)
    m = p.search("They ASSISTED to the meeting")
    print(m.span(), m.group("v"), p.groupindex["v"], p.flags & regex.V1 != 0)
"""


def test_regex_cache_gives_identical_patterns_across_processes(tmp_path):
    first = run_py(REGEX_PROBE, tmp_path)
    files = list(tmp_path.glob("regex-*.marshal"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    second = run_py(REGEX_PROBE, tmp_path)
    assert first == second == "(5, 20) ASSISTED 1 True\n"
    files[0].write_bytes(b"\x00garbage")                   # corrupt: falls back, rewrites
    assert run_py(REGEX_PROBE, tmp_path) == first
    assert run_py(REGEX_PROBE, tmp_path, MTCLEAN_NO_REGEX_CACHE="1") == first


def test_regex_cache_in_process_matches_regex(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regexcache, "_store", None)
    pat = r"\b(\w+)\s+\1\b"
    a = regexcache.compile(pat, regex.I)
    b = regexcache.compile(pat, regex.I)        # from the store this time
    assert a.pattern == b.pattern == pat
    assert b.findall("the The cat sat sat") == regex.compile(pat, regex.I).findall("the The cat sat sat")
    monkeypatch.setattr(regexcache, "_dirty", False)


def test_toml_cache_follows_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tomlcache, "_store", None)
    f = tmp_path / "r.toml"
    f.write_text('code = "MT101"\nlist = [1, 2]\n', encoding="utf-8")
    a = tomlcache.loads_file(f)
    a["list"].append(3)                                     # callers may mutate their copy
    assert tomlcache.loads_file(f) == {"code": "MT101", "list": [1, 2]}
    f.write_text('code = "MT102"\n', encoding="utf-8")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10_000_000))
    assert tomlcache.loads_file(f) == {"code": "MT102"}
    f.write_text('code = \n', encoding="utf-8")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 20_000_000))
    import tomllib

    with pytest.raises(tomllib.TOMLDecodeError):
        tomlcache.loads_file(f)
    d = tmp_path / "d.toml"
    d.write_text("when = 1979-05-27\n", encoding="utf-8")  # dates cannot be marshalled: still parsed
    assert str(tomlcache.loads_file(d)["when"]) == "1979-05-27"
    monkeypatch.setattr(tomlcache, "_dirty", False)


def test_rule_registry_is_the_same_with_and_without_caches(tmp_path):
    probe = """
        from cleaner.registry import all_rules
        import cleaner
        rules = all_rules()
        print(sorted(rules), [(f.rule, f.span.start, f.fix and f.fix.edits)
                              for f in cleaner.check(open("seeds/000_0d79818c9da73b44.txt").read())])
    """
    cold = run_py(probe, tmp_path, MTCLEAN_NO_TOML_CACHE="1", MTCLEAN_NO_REGEX_CACHE="1",
                  MTCLEAN_NO_PACK_CACHE="1")
    assert not (tmp_path / "packs").exists()
    assert run_py(probe, tmp_path) == cold
    assert len(list((tmp_path / "packs").glob("*.pickle"))) >= 5   # built-in packs, anchor tries
    assert run_py(probe, tmp_path) == cold               # warm caches
    for f in (tmp_path / "packs").glob("*.pickle"):       # corrupt: built again, same result
        f.write_bytes(b"\x80\x05garbage")
    assert run_py(probe, tmp_path) == cold


STD_PATTERNS = [
    (r"\b(?:ab(?:c|d)?|x(?:yz)?\b)", 0),
    (r"(?P<word>\w+)\s+(?P=word)", 0),
    (r"^\s*#+ (.*)$", 8),                                 # re.MULTILINE
    (r"caf\u00e9|ÉTÉ", 2),                                  # re.IGNORECASE, non-ASCII
]


@pytest.mark.parametrize("pattern,flags", STD_PATTERNS)
def test_stdlib_regex_cache_matches_re(monkeypatch, tmp_path, pattern, flags):
    import re

    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regexcache, "_store", None)
    text = "abd xyz the the café été\n## Heading\nabc"
    want = re.compile(pattern, flags)
    first = regexcache.compile_std(pattern, flags)
    again = regexcache.compile_std(pattern, flags)           # built from the stored code
    for p in (first, again):
        assert isinstance(p, re.Pattern)
        assert (p.pattern, p.flags, p.groups, p.groupindex) == (want.pattern, want.flags, want.groups, want.groupindex)
        assert [m.span() for m in p.finditer(text)] == [m.span() for m in want.finditer(text)]
    monkeypatch.setattr(regexcache, "_dirty", False)


def test_pack_cache_builds_again_when_the_data_changes(monkeypatch, tmp_path):
    from cleaner.rules.phrasebook import load_pack

    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    path = tmp_path / "demo.pack.toml"
    data = {"extends": "MT301", "language": "it",
            "entries": [{"find": "make a question", "replace": ["ask a question"], "note": "fare una domanda"}]}
    a = load_pack(path, data)
    assert len(list((tmp_path / "packs").glob("*.pickle"))) == 1
    b = load_pack(path, data)                               # from the cache: an equal, separate object
    assert b is not a and b.entries[0].find == a.entries[0].find == "make a question"
    assert b.entries[0].anchors == a.entries[0].anchors
    assert b.entries[0].pattern.search("Can I make a question?").group() == "make a question"
    data["entries"][0]["find"] = "do a question"
    c = load_pack(path, data)                               # changed data: a new entry, not the cached one
    assert c.entries[0].find == "do a question" and len(list((tmp_path / "packs").glob("*.pickle"))) == 2
    user = load_pack(path, data, user=True)                 # user packs are never cached
    assert user.entries[0].find == "do a question" and len(list((tmp_path / "packs").glob("*.pickle"))) == 2


def test_pack_cache_keeps_error_reporting_of_bad_patterns(monkeypatch, tmp_path):
    """A pattern restored from the cache still names its file and entry when it fails to compile."""
    import pickle

    from cleaner.registry import RulePackError
    from cleaner.rules.phrasebook import load_pack

    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    data = {"entries": [{"find": "make a question", "replace": ["ask a question"], "unless_after": "(unclosed"}]}
    pack = load_pack(tmp_path / "bad.pack.toml", data)       # built-in packs compile lazily
    restored = pickle.loads(pickle.dumps(pack))
    with pytest.raises(RulePackError, match=r"bad\.pack\.toml: entry #1 \(find 'make a question'\)"):
        restored.entries[0].unless_after.search("text")


def test_pack_cache_is_only_an_optimisation(monkeypatch, tmp_path):
    calls = []

    def build():
        calls.append(1)
        return {"built": len(calls)}

    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    assert packcache.cached(("t",), [1, 2], build) == {"built": 1}
    assert packcache.cached(("t",), [1, 2], build) == {"built": 1} and len(calls) == 1
    assert packcache.cached(("t",), [1, 3], build) == {"built": 2}
    import datetime

    assert packcache.cached(("t",), [datetime.date(2020, 1, 1)], build) == {"built": 3}   # not marshal-able
    monkeypatch.setenv("MTCLEAN_NO_PACK_CACHE", "1")
    assert packcache.cached(("t",), [1, 2], build) == {"built": 4}
    monkeypatch.delenv("MTCLEAN_NO_PACK_CACHE")
    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a directory")          # unwritable cache: still built
    assert packcache.cached(("t",), [9], build) == {"built": 5}


def test_lexicon_table_round_trip():
    entries = {"the": 77, "infrastructure": 45, "naïve": 30, "don't": 62}
    table = lexicon.MappedTable(lexicon.build_table(entries))
    assert len(table) == 4
    for w, z in entries.items():
        assert table.get(w) == z / 10 and w in table
    assert table.get("absent") is None and "absent" not in table and table.get("\ud800") is None
    lex = lexicon.Lexicon(table)
    assert lex.zipf("Don’t".lower().replace("’", "'")) == 6.2 and lex.zipf("nothing") == 0.0


def test_pack_cache_stays_small(monkeypatch, tmp_path):
    """Entries are content-addressed; past the limit the older half is removed."""
    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(packcache, "_MAX_FILES", 6)
    for i in range(20):
        assert packcache.cached(("t",), [i], lambda i=i: i * 2) == i * 2
        assert len(list((tmp_path / "packs").glob("*.pickle"))) <= 6
    assert packcache.cached(("t",), [19], lambda: "rebuilt") == 38      # the newest survive


def test_anchor_cache_stays_small(monkeypatch, tmp_path):
    """Anchor files are keyed by their patterns (each version's packs, each project's
    own packs): past the limit the older half goes, other cache files stay."""
    from cleaner.rules import phrasebook_anchors
    from cleaner.rules.phrasebook import load_pack

    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(phrasebook_anchors, "_MAX_ANCHOR_FILES", 4)
    (tmp_path / "keep-me.json").write_text("{}")
    for i in range(12):
        data = {"extends": "MT301", "language": "it",
                "entries": [{"find": f"make a question{i}", "replace": ["ask a question"], "note": "x"}]}
        pack = load_pack(tmp_path / f"p{i}.pack.toml", data)
        assert pack.entries[0].anchors                            # anchors computed (and cached)
        assert len(list(tmp_path.glob("anchors-*.json"))) <= 4
    assert 2 <= len(list(tmp_path.glob("anchors-*.json"))) and (tmp_path / "keep-me.json").exists()


def test_collector_paused_only_during_cli_start_up(tmp_path):
    """The console script pauses the cyclic GC while it starts; the run turns it back
    on after the first file (before it, for a large one); library calls never pause it."""
    import gc

    from cleaner import gcpause
    from cleaner.run import check_files
    from cleaner.settings import DEFAULT

    assert gc.isenabled()
    import cleaner

    cleaner.check("The order. is headed for collapse.")
    assert gc.isenabled()
    page = tmp_path / "page.txt"
    page.write_text("The Western world order. is headed for collapse.\n", encoding="utf-8")
    try:
        gcpause.pause()
        assert not gc.isenabled()
        result = check_files([str(page)], lambda p: DEFAULT)
        assert gc.isenabled() and [f.rule for f in result.reports[0].findings] == ["MT102"]
        gcpause.resume()                                   # idempotent
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_console_script_module_runs(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Peace talks stalled according to Reutersalthough both sides met.\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "cleaner", "check", str(page)], capture_output=True, text=True,
                       cwd=ROOT, env=dict(os.environ, MTCLEAN_CACHE_DIR=str(tmp_path / "cache")))
    assert r.returncode == 1 and "MT101" in r.stdout, r.stderr
