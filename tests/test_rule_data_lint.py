"""Lint the rule *data* itself (codespell's test_dictionary, LanguageTool's
PatternRuleTest): every pack validates, codes are unique, no entry corrects to
itself or twice, every entry's example fires exactly that entry and its fix does
not fire the rule again, traps stay silent, and ambiguous entries are never safe.

The checkers are also run on deliberately bad data, so they cannot pass vacuously.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleaner.engine import build_document
from cleaner.lexicon import english
from cleaner.paths import rules_dir
from cleaner.registry import all_rules, instantiate, pack_files, parse_rule_file, rule_files
from cleaner.rules.base import Context
from cleaner.rules.boilerplate import BoilerplateLines
from cleaner.rules.phrasebook import LANGUAGES, Entry, Phrasebook, load_pack
from cleaner.types import Applicability

RULES = all_rules()
MINE = sorted(c for c in RULES if c.startswith(("MT3", "MT4")))
PHRASEBOOK_CODES = sorted(c for c, r in RULES.items() if r.data.get("impl") == "phrasebook")
PACKS = pack_files()


# one instance per rule for the whole module: entries are compared by identity, and the
# registry's instance cache may hand out fresh objects once other tests have filled it
_INSTANCES: dict[str, Phrasebook] = {}


def _phrasebook(code: str) -> Phrasebook:
    if code not in _INSTANCES:
        _INSTANCES[code] = instantiate([code])[0]
    return _INSTANCES[code]


def _entries() -> list[tuple[str, Entry]]:
    out = []
    for code in PHRASEBOOK_CODES:
        for e in _phrasebook(code).entries:
            out.append((code, e))
    return out


ENTRIES = _entries()
ENTRY_IDS = [f"{code}-{e.source.stem}-{e.index + 1}" for code, e in ENTRIES]


def _hits(rule: Phrasebook, text: str, entry: Entry | None = None):
    doc = build_document(text)
    hits = rule.hits(doc, Context())
    return [h for h in hits if entry is None or h.entry is entry]


def example_problems(rule: Phrasebook, entry: Entry) -> list[str]:
    """Everything wrong with one entry's example and trap (empty: fine)."""
    problems = []
    text = entry.example
    if text is None and not entry.is_regex and entry.org is None:
        text = f"They said that {entry.find} on Monday."
    if text is None:
        return [f"{entry.label}: a regex entry needs an 'example'"]
    hits = _hits(rule, text, entry)
    if not hits:
        return [f"{entry.label}: does not flag its example {text!r}"]
    h = hits[0]
    matched = text[h.start:h.end]
    if h.replacement is not None:
        if h.replacement == matched:
            problems.append(f"{entry.label}: corrects {matched!r} to itself")
        fixed = text[:h.start] + h.replacement + text[h.end:]
        end = h.start + len(h.replacement)
        again = [g for g in _hits(rule, fixed) if g.start <= end and h.start <= g.end]
        if again:
            problems.append(f"{entry.label}: its fix {fixed!r} is flagged again by "
                            f"{', '.join(g.entry.label for g in again)}")
    if entry.trap is not None and _hits(rule, entry.trap, entry):
        problems.append(f"{entry.label}: flags its trap {entry.trap!r}")
    return problems


# -- packs and codes -------------------------------------------------------------------------

def test_built_in_packs_exist_for_every_language():
    names = {p.name for p in PACKS}
    for lang in LANGUAGES:
        assert f"{lang}.pack.toml" in names, f"no calque pack for {LANGUAGES[lang]}"
    assert "organisations.pack.toml" in names and "lines.pack.toml" in names


@pytest.mark.parametrize("path", PACKS, ids=[p.name for p in PACKS])
def test_every_pack_validates(path: Path):
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data.get("extends") in RULES, f"{path}: extends an unknown rule"
    pack = load_pack(path, data)
    assert pack.entries, f"{path}: an empty pack"
    pack.validate()                           # every entry's patterns compile (lazy at run time)
    assert pack.combined is not None          # the merged alternation compiles


@pytest.mark.parametrize("code", MINE)
def test_rule_has_wrong_and_right_examples(code):
    ex = RULES[code].meta.examples
    assert any(e.bad for e in ex) and any(not e.bad for e in ex), f"{code} needs [[wrong]] and [[right]]"


def test_codes_unique_and_in_range():
    seen = {}
    for path in rule_files():
        code = parse_rule_file(path).meta.code
        assert code not in seen, f"{code} in {seen.get(code)} and {path}"
        seen[code] = path
    assert {"MT301", "MT303", "MT310", "MT401", "MT402", "MT403", "MT404"} <= set(seen)
    for code in MINE:
        assert RULES[code].path.parent == rules_dir() / "core"
        assert RULES[code].path.name.startswith(code + "-")


def test_entries_per_language():
    counts = {lang: 0 for lang in LANGUAGES}
    for code, e in ENTRIES:
        if code != "MT301":
            continue
        for lang in e.languages:
            counts[lang] += 1
    for lang, n in counts.items():
        assert n >= 25, f"only {n} MT301 entries for {LANGUAGES[lang]}"


def test_no_duplicate_find_in_a_rule():
    for code in PHRASEBOOK_CODES:
        seen: dict[tuple, str] = {}
        for e in _phrasebook(code).entries:
            key = (e.body if e.case_sensitive else e.body.lower(), e.context.pattern if e.context else None)
            assert key not in seen, f"{code}: {e.label} duplicates {seen[key]}"
            seen[key] = e.label


# -- every entry -----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "entry"), ENTRIES, ids=ENTRY_IDS)
def test_entry_example_and_trap(code: str, entry: Entry):
    assert not example_problems(_phrasebook(code), entry)


@pytest.mark.parametrize(("code", "entry"), ENTRIES, ids=ENTRY_IDS)
def test_entry_metadata(code: str, entry: Entry):
    assert entry.note or entry.org, f"{entry.label}: say where the calque comes from ('note')"
    assert entry.languages, f"{entry.label}: no source language"
    assert all(lang in LANGUAGES for lang in entry.languages), entry.label
    if entry.fix is not None:
        assert entry.replace, f"{entry.label}: a fix needs a replacement"
        assert entry.fix <= RULES[code].meta.fix, f"{entry.label}: stronger fix than its rule declares"
    for r in entry.replace:
        assert r.strip() or entry.find.startswith("(?P<m>\\ba"), f"{entry.label}: empty replacement"


LEX = english()


@pytest.mark.parametrize(("code", "entry"), [(c, e) for c, e in ENTRIES if e.fix == Applicability.SAFE],
                         ids=[i for (c, e), i in zip(ENTRIES, ENTRY_IDS) if e.fix == Applicability.SAFE])
def test_ambiguous_entries_are_never_safe(code: str, entry: Entry):
    """A safe fix on a single, common English word needs a condition that pins the
    foreign sense down (context, antipattern or lookaround in the pattern)."""
    if entry.requires_pivot:
        pytest.fail(f"{entry.label}: an entry that needs the pivot language is ambiguous: not safe")
    text = entry.example or f"They said that {entry.find} on Monday."
    h = _hits(_phrasebook(code), text, entry)[0]
    marked = text[h.start:h.end]
    single_common_word = re.fullmatch(r"[A-Za-z]+", marked) and LEX.zipf(marked.lower()) >= 3.0
    if single_common_word:
        conditioned = (entry.context or entry.unless_before or entry.unless_after
                       or "(?=" in entry.body or "(?<" in entry.body or h.match_end - h.match_start > len(marked))
        assert conditioned, f"{entry.label}: safe fix of the common word {marked!r} without any condition"


# -- boilerplate patterns ----------------------------------------------------------------------

def _boilerplate() -> BoilerplateLines:
    return instantiate(["MT401"])[0]


BP = _boilerplate().entries


@pytest.mark.parametrize("entry", BP, ids=[f"MT401-{e.index + 1}" for e in BP])
def test_boilerplate_entry_examples(entry: Entry):
    rule = _boilerplate()
    assert entry.example, f"{entry.label}: needs an example line"
    assert rule.classify(entry.example) is not None, f"{entry.label}: example {entry.example!r} not flagged"
    assert entry.pattern.fullmatch(entry.example), f"{entry.label}: its own pattern misses {entry.example!r}"
    if entry.trap:
        assert rule.classify(entry.trap) is None, f"{entry.label}: trap {entry.trap!r} flagged"
    assert entry.note and ":" in entry.note, f"{entry.label}: note must start with a label ('photo credit: ...')"


# -- the checkers catch bad data ------------------------------------------------------------------

def _bad_pack(tmp_path: Path, entry_toml: str) -> Path:
    p = tmp_path / "bad.pack.toml"
    p.write_text('extends = "MT301"\nlanguage = "it"\n\n[[entries]]\n' + entry_toml, encoding="utf-8")
    return p


def _load(path: Path) -> Phrasebook:
    import tomllib

    from cleaner.registry import RulePackError

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        return load_pack(path, data, user=True)
    except RulePackError as exc:
        return exc


def test_checker_catches_self_correction(tmp_path):
    err = _load(_bad_pack(tmp_path, 'find = "in the frame of"\nreplace = ["in the frame of"]\nnote = "x"\n'))
    assert "itself" in str(err)


def _grafted(tmp_path: Path, entry_toml: str) -> tuple[Phrasebook, Entry]:
    """A copy of MT301 whose only pack is one bad entry, and that entry."""
    pack = _load(_bad_pack(tmp_path, entry_toml))
    rule = _phrasebook("MT301")
    copy = Phrasebook(rule.meta, rule.options, {}, rule.path)
    copy.packs = [pack]
    return copy, pack.entries[0]


@pytest.mark.parametrize(("entry_toml", "problem"), [
    ('find = "second a chirp"\nreplace = ["x"]\nnote = "x"\nexample = "Nothing to see here."\n', "does not flag"),
    ('find = "big deal"\nreplace = ["big big deal"]\nnote = "x"\nexample = "It was a big deal."\n', "flagged again"),
    ('find = "frame of"\nreplace = ["framework of"]\nnote = "x"\nexample = "the frame of it"\n'
     'trap = "the frame of the door"\n', "trap"),
])
def test_checker_catches_bad_examples(tmp_path, entry_toml, problem):
    rule, entry = _grafted(tmp_path, entry_toml)
    assert any(problem in p for p in example_problems(rule, entry))


@pytest.mark.parametrize("code", PHRASEBOOK_CODES)
def test_entries_have_anchors(code):
    """An entry without anchors runs over the whole text of every document: keep
    them rare (the phrasebook's speed depends on it)."""
    from cleaner.rules.phrasebook import AnchorIndex

    unanchored = AnchorIndex(_phrasebook(code).entries).unanchored
    assert len(unanchored) <= 3, [e.label for e in unanchored]
