"""The phrasebook rule kind (MT301/MT303 and user packs): matching, antipatterns,
templates, case, validation errors, user packs and the regex timeout."""
from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

import cleaner
from cleaner.engine import check
from cleaner.registry import RulePackError, all_rules
from cleaner.rules.phrasebook import anchors_of, fix_case, inflect, load_pack, verb_form
from cleaner.settings import Settings
from cleaner.types import Applicability

MT301 = Settings(select=("MT301",))
MT303 = Settings(select=("MT303",))


def found(text: str, settings: Settings = MT301):
    return [(text[f.start:f.end], f.fix.edits[0].replacement if f.fix else None, f.fix.applicability if f.fix else None)
            for f in check(text, settings) if f.rule in ("MT301", "MT303") or f.rule.startswith("US")]


def fixed(text: str, settings: Settings = MT301) -> str:
    return cleaner.fix(text, unsafe=True, settings=settings).text


# -- matching ---------------------------------------------------------------------------------

def test_seed_calque_and_acronym(seed_text):
    f301 = found(seed_text)
    assert ("second a chirp", "according to a tweet", Applicability.SAFE) in f301
    f303 = found(seed_text, MT303)
    assert ("A new start", "New START", Applicability.SAFE) in f303
    assert ("National Security Agency", "National Security Council", Applicability.UNSAFE) in f303
    assert len(f301) == 1 and len(f303) == 2


@pytest.mark.parametrize(("text", "want"), [
    ("Second a chirp from the mission, the talks ended.", "According to a tweet from the mission, the talks ended."),
    ("SECOND A CHIRP FROM THE MISSION", "ACCORDING TO A TWEET FROM THE MISSION"),
    ("In the frames of the programme, Russia paid.", "As part of the programme, Russia paid."),
])
def test_case_of_the_match_is_kept(text, want):
    assert fixed(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("The region realised the project in 2020.", "The region carried out the project in 2020."),
    ("The region realizes the project every year.", "The region carries out the project every year."),
    ("The region is realizing the project now.", "The region is carrying out the project now."),
    ("The region will realize the project soon.", "The region will carry out the project soon."),
    ("Tourists made a photo of the tower.", "Tourists took a photo of the tower."),
    ("Tourists have made a photo of the tower.", "Tourists have taken a photo of the tower."),
    ("She assisted to the ceremony in Rome.", "She attended the ceremony in Rome."),
    ("The ministry recommends to avoid the area.", "The ministry recommends avoiding the area."),
    ("The minister has reason about the deficit.", "The minister is right about the deficit."),
    ("They have reason about the deficit.", "They are right about the deficit."),
])
def test_templates_inflect_the_replacement(text, want):
    assert fixed(text) == want


def test_marker_group_reports_and_replaces_only_the_marker():
    text = "The visitors hit the transversal twice before the break, and the keeper saved a penalty."
    (span, rep, _), = found(text)
    assert span == "transversal" and rep == "crossbar"


@pytest.mark.parametrize("text", [
    "He provided an assist to the striker in the final minutes of the game.",      # unless_before
    "The most part of the year the shops are closed.",                              # requires_pivot
    "The engineers measured the load on the transversal beam of the bridge.",       # context
    "The rash was a clinical manifestation of the disease.",                        # negative lookahead
    "The soldiers returned to their billets after the match was sold out.",         # unless_context
    "It was a reunion of old friends.",                                             # lookahead list
    "“It is question of patience,” Marchand told reporters.",                       # quoted speech
    "The caption read 'second a chirp' in small letters.",                          # single quotes
])
def test_traps_stay_silent(text):
    assert not found(text)


def test_longest_entry_wins_at_one_position():
    (span, rep, _), = found("The entrainment staff had rested five regulars.")
    assert (span, rep) == ("entrainment", "coaching")


def test_overlapping_matches_are_reported_once():
    text = "Spanish banks granted 38,000 hypothecary loans and hypothecary credits in March."
    assert [f[0] for f in found(text)] == ["hypothecary", "hypothecary"]


def test_words_in_other_words_do_not_match():
    assert not found("The unsecond a chirpy bird sang.")
    assert not found("Fusionsof companies were many.")


# -- units --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("base", "form", "want"), [
    ("carry", "past", "carried"), ("carry", "s", "carries"), ("carry", "ing", "carrying"),
    ("take", "pp", "taken"), ("take", "ing", "taking"), ("stop", "past", "stopped"),
    ("visit", "past", "visited"), ("use", "ing", "using"), ("see", "ing", "seeing"),
    ("tie", "ing", "tying"), ("commit", "ing", "committing"), ("pass", "s", "passes"),
])
def test_inflect(base, form, want):
    assert inflect(base, form) == want


@pytest.mark.parametrize(("word", "prev", "want"), [
    ("realised", "", "past"), ("realised", "has", "pp"), ("made", "", "past"), ("made", "had", "pp"),
    ("makes", "", "s"), ("making", "", "ing"), ("make", "", "base"), ("process", "", "base"),
])
def test_verb_form(word, prev, want):
    assert verb_form(word, prev) == want


def test_fix_case():
    assert fix_case("In the frames", "as part") == "As part"
    assert fix_case("IN THE FRAMES", "as part") == "AS PART"
    assert fix_case("the frames", "as part") == "as part"
    assert fix_case("OMS", "WHO") == "WHO"


@pytest.mark.parametrize(("body", "want"), [
    ("second\\s+a\\s+chirp", ("chirp",)),
    ("(?P<m>(?:make|makes|made))\\s+a\\s+(?:photo|selfie)", ("photo", "selfie")),
    ("(?P<m>in\\s+the\\s+ambit)\\s+of\\b", ("ambit$",)),       # "$": the whole word
    ("\\((?P<m>ASE)\\)", ("ase$",)),
    ("(?P<m>\\ba\\s+)(?=\\d)", None),
])
def test_anchors(body, want):
    assert anchors_of(body) == want


# -- validation -----------------------------------------------------------------------------------

def _pack(tmp_path: Path, text: str, name: str = "mine.pack.toml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def _load(path: Path):
    import tomllib

    return load_pack(path, tomllib.loads(path.read_text(encoding="utf-8")), user=True)


@pytest.mark.parametrize(("entry", "problem"), [
    ('replace = ["x"]\n', "'find' is required"),
    ('find = "the mister"\nreplace = ["coach"]\nsafety = "safe"\n', "unknown key(s) safety"),
    ('find = "(a"\nregex = true\nreplace = ["x"]\n', "invalid regular expression"),
    ('find = "the mister"\nreplace = ["coach"]\nfix = "maybe"\n', "'fix' must be one of"),
    ('find = "the mister"\nreplace = ["the mister"]\n', "must not correct to itself"),
    ('find = "(a)\\\\1"\nregex = true\nreplace = ["x"]\n', "back-references"),
    ('find = "the mister"\nreplace = ["coach"]\nlanguage = "xx"\n', "unknown language 'xx'"),
    ('find = "the mister"\nreplace = ["coach"]\nscope = "chapter"\n', "'scope' must be one of"),
    ('find = "the mister"\nfix = "safe"\n', "has no 'replace'"),
    ('find = "the mister"\nreplace = ["coach"]\nunless_before = "(b"\n', "invalid regular expression"),
])
def test_malformed_entry_names_file_entry_and_problem(tmp_path, entry, problem):
    path = _pack(tmp_path, 'extends = "MT301"\nlanguage = "it"\n\n[[entries]]\nfind = "in the ambit of"\n'
                           'replace = ["as part of"]\n\n[[entries]]\n' + entry)
    with pytest.raises(RulePackError) as exc:
        _load(path)
    msg = str(exc.value)
    assert str(path) in msg and "entry #2" in msg and problem in msg


def test_duplicate_find_is_an_error(tmp_path):
    path = _pack(tmp_path, '''
        extends = "MT301"
        [[entries]]
        find = "the mister"
        replace = ["the coach"]
        [[entries]]
        find = "The Mister"
        replace = ["the coach"]
        ''')
    with pytest.raises(RulePackError, match=r"entry #2 \(find 'The Mister'\): duplicate 'find'"):
        _load(path)


def test_invalid_toml_and_unknown_target_through_the_registry(tmp_path):
    bad = _pack(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path, "extends = \n")
    with pytest.raises(RulePackError, match="invalid TOML"):
        all_rules([bad])
    other = tmp_path / "b"
    other.mkdir()
    _pack(other, 'extends = "MT999"\n[[entries]]\nfind = "x y"\nreplace = ["z"]\n')
    with pytest.raises(RulePackError, match="'extends' must name a known rule code"):
        all_rules([other])


def test_malformed_user_pack_is_a_cli_error(tmp_path, cli):
    (tmp_path / "house").mkdir()
    _pack(tmp_path / "house", 'extends = "MT301"\n[[entries]]\nfind = "x y"\nreplace = ["z"]\nfix = "always"\n')
    (tmp_path / ".mtclean.toml").write_text('extend-rules = ["house"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("Some text.\n", encoding="utf-8")
    r = cli("check", "a.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert "mine.pack.toml" in r.stderr and "entry #1" in r.stderr and "'fix'" in r.stderr


# -- user packs ------------------------------------------------------------------------------

def test_user_pack_extends_mt301(tmp_path):
    _pack(tmp_path, '''
        extends = "MT301"
        language = "it"
        [[entries]]
        find = "the mister"
        replace = ["the coach"]
        note = "Italian football slang"
        ''')
    settings = Settings(select=("MT301",), extend_rules=(tmp_path,))
    text = "After the match the mister praised the players."
    assert [(t, r) for t, r, _ in found(text, settings)] == [("the mister", "the coach")]
    assert not found(text)                       # built-in only: silent


def test_user_rule_with_its_own_code(tmp_path):
    rule = tmp_path / "US001-house.toml"
    rule.write_text(textwrap.dedent('''
        code = "US001"
        name = "house-style"
        impl = "phrasebook"
        summary = "House style"
        fix = "unsafe"
        language = "es"
        [[entries]]
        find = "the patronal"
        replace = ["the employers"]
        note = "house style"
        [[wrong]]
        text = "The patronal agreed."
        [[right]]
        text = "The employers agreed."
        '''), encoding="utf-8")
    settings = Settings(select=("US001",), extend_rules=(rule,))
    fs = check("The unions and the patronal signed.", settings)
    assert [(f.rule, f.fix.edits[0].replacement) for f in fs] == [("US001", "the employers")]


def test_catastrophic_user_regex_cannot_hang_a_run(tmp_path):
    _pack(tmp_path, '''
        extends = "MT301"
        language = "it"
        [[entries]]
        find = '(?:a|aa)+$'
        regex = true
        replace = ["b"]
        note = "catastrophic backtracking"
        [[entries]]
        find = "the mister"
        replace = ["the coach"]
        note = "still works"
        ''')
    settings = Settings(select=("MT301",), extend_rules=(tmp_path,))
    text = "After the match the mister spoke. " + "a" * 60 + "!"
    t0 = time.perf_counter()
    got = found(text, settings)
    assert time.perf_counter() - t0 < 10
    assert ("the mister", "the coach", Applicability.UNSAFE) in got


def test_pack_fix_cap(tmp_path):
    path = _pack(tmp_path, '''
        extends = "MT301"
        fix = "display-only"
        [[entries]]
        find = "in the ambit of"
        replace = ["as part of"]
        fix = "safe"
        ''')
    assert _load(path).entries[0].fix == Applicability.DISPLAY_ONLY


def test_fix_never_stronger_than_the_rule(tmp_path):
    for f in check("The crew worked in the frames of a joint programme. They are in the frames of it.", MT301):
        assert f.fix is None or f.fix.applicability <= all_rules()["MT301"].meta.fix


def test_anchor_index_finds_words_and_whole_words():
    from cleaner.rules.phrasebook import AnchorIndex

    rule = __import__("cleaner.registry", fromlist=["instantiate"]).instantiate(["MT301"])[0]
    accord = next(e for e in rule.entries if "of\\s+accord" in e.find)
    assert accord.anchors == ("accord$",)
    idx = AnchorIndex([accord])
    text = "According to the minister, the parties are of accord."
    (entry, positions), = idx.candidates(text.lower(), text)
    assert entry is accord and positions == [text.index("accord.")]
    assert idx.candidates("according to plan", "according to plan") == []


def test_case_sensitive_anchors_need_their_capitals():
    from cleaner.rules.phrasebook import AnchorIndex

    rule = __import__("cleaner.registry", fromlist=["instantiate"]).instantiate(["MT303"])[0]
    its = [e for e in rule.entries if e.find.endswith("(ITS)")]
    idx = AnchorIndex(its)
    text = "Its price rose; its sales too."
    assert idx.candidates(text.lower(), text) == []
    text = "sexually transmitted infections (ITS) rose"
    assert idx.candidates(text.lower(), text)
