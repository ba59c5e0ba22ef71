"""The engine's central filter and the fixer: protection, refusal, conflicts,
fixpoint bound, applicability, coordinate mapping.

The rules here are real :class:`~cleaner.rules.base.Rule` subclasses that
deliberately misbehave (they read ``doc.text`` instead of ``doc.masked`` and
propose edits inside quotations); they are handed to the real engine and fixer
by replacing ``rules_for``, the one function that picks rules from settings.
"""
from __future__ import annotations

import re
from typing import Iterable

import pytest

import cleaner
import cleaner.engine
import cleaner.fixer
from cleaner.document import Document
from cleaner.engine import check_document, filter_findings
from cleaner.fixer import MAX_PASSES, apply_edits, map_position, select_fixes
from cleaner.protect import Region
from cleaner.rules.base import Context, Rule
from cleaner.types import Applicability, Edit, Finding, Fix, RuleMeta, Span

SAFE, UNSAFE, DISPLAY = Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY


def meta(code: str, fix: Applicability | None = SAFE) -> RuleMeta:
    return RuleMeta(code=code, name=f"test-{code.lower()}", summary="test rule", explanation="test rule", fix=fix)


class PatternRule(Rule):
    """Flags every match of ``pattern`` in the *unmasked* text and replaces it
    (``replacement`` may use groups).  ``fix_span`` can aim the edit elsewhere."""

    def __init__(self, code: str, pattern: str, replacement: str, app: Applicability = SAFE,
                 fix_group: int = 0, finding_group: int = 0):
        super().__init__(meta(code, app))
        self.pattern = re.compile(pattern)
        self.replacement = replacement
        self.app = app
        self.fix_group = fix_group
        self.finding_group = finding_group

    def check(self, doc: Document, ctx: Context) -> Iterable[Finding]:
        for m in self.pattern.finditer(doc.text):
            s, e = m.span(self.fix_group)
            fix = Fix((Edit.replace(s, e, m.expand(self.replacement)),), self.app, "test fix")
            fs, fe = m.span(self.finding_group)
            yield self.finding(fs, fe, f"matched {m.group()!r}", fix=fix)


class InsertAtEnd(Rule):
    """Never satisfied: always wants one more "!" at the end."""

    def __init__(self):
        super().__init__(meta("XX901"))

    def check(self, doc, ctx):
        n = len(doc.text)
        yield self.finding(max(0, n - 1), n, "more!", fix=Fix((Edit.insert(n, "!"),), SAFE))


class Unquote(Rule):
    """Removes a pair of curly quote marks (the marks are boundary, not speech)."""

    def __init__(self):
        super().__init__(meta("XX902"))

    def check(self, doc, ctx):
        for m in re.finditer(r"“[^”]*”", doc.text):
            edits = (Edit.delete(m.start(), m.start() + 1), Edit.delete(m.end() - 1, m.end()))
            yield self.finding(m.start(), m.start() + 1, "drop the quote marks", fix=Fix(edits, SAFE))


@pytest.fixture
def use_rules(monkeypatch):
    """Make the engine and the fixer run exactly ``rules``."""
    def install(*rules: Rule):
        monkeypatch.setattr(cleaner.fixer, "rules_for", lambda settings, ignore=(): tuple(rules))
        monkeypatch.setattr(cleaner.engine, "rules_for", lambda settings, ignore=(): tuple(rules))
    return install


# -- the engine's central filter ---------------------------------------------------------------

def test_engine_drops_findings_inside_quotes(use_rules):
    use_rules(PatternRule("XX101", r"\bbad\b", "good"))
    text = "A bad start, “a bad quote,” and a bad end."
    findings = cleaner.check(text)
    assert [text[f.start:f.end] for f in findings] == ["bad", "bad"]
    assert all(not (text.index("“") < f.start < text.index("”")) for f in findings)
    assert cleaner.fix(text).text == "A good start, “a bad quote,” and a good end."


@pytest.mark.parametrize("protected", [
    "“bad”", "https://bad.example.com/bad", "@bad", "#bad", "bad@example.com",
])
def test_engine_drops_findings_in_every_protected_kind(use_rules, protected):
    use_rules(PatternRule("XX101", r"bad", "good"))
    text = f"Look: {protected} here."
    assert cleaner.check(text) == []
    assert cleaner.fix(text, unsafe=True).text == text


def test_engine_strips_fix_that_reaches_into_protection(use_rules):
    # the finding is on "said", outside; its fix rewrites the quoted word after it
    use_rules(PatternRule("XX102", r"(said) “(\w+)", r"\2", fix_group=2, finding_group=1))
    text = "He said “hello” twice."
    [f] = cleaner.check(text)
    assert text[f.start:f.end] == "said"
    assert f.fix is None
    assert cleaner.fix(text, unsafe=True).text == text


def test_engine_allows_edits_at_the_quote_boundary(use_rules):
    # whitespace between the last quoted word and its closing mark is not speech
    use_rules(PatternRule("XX103", r"troop(s)( )”", "", fix_group=1, finding_group=2))
    text = "“He urged Putin to withdraw his troops ”."
    [f] = cleaner.check(text)
    assert text[f.start:f.end] == " " and f.fix is None      # deleting the "s" would edit speech
    use_rules(PatternRule("XX103", r"(troops)( )”", "", fix_group=2, finding_group=2))
    [f] = cleaner.check(text)
    assert f.fix is not None
    assert cleaner.fix(text).text == "“He urged Putin to withdraw his troops”."


def test_filter_findings_dedupes_and_sorts():
    doc = Document("one two three")
    f1 = Finding("XX1", "a", Span(4, 7), "m")
    f2 = Finding("XX1", "a", Span(0, 3), "m")
    f3 = Finding("XX1", "a", Span(4, 7), "duplicate")
    low = Finding("XX2", "b", Span(8, 13), "m", confidence=0.1)
    out = filter_findings(doc, [f1, f2, f3, low], min_confidence=0.5)
    assert [(f.rule, f.start) for f in out] == [("XX1", 0), ("XX1", 4)]


# -- the fixer's own re-verification -----------------------------------------------------------

def test_fixer_refuses_fix_that_changes_text_protected_in_the_original(use_rules):
    """Pass 1 removes the quote marks (allowed: marks are not speech).  In pass 2 the
    former speech is no longer a quotation, so the engine lets the rule edit it —
    the fixer must notice the original protected text would change and refuse."""
    bad_word = PatternRule("XX104", r"\bbad\b", "good")
    use_rules(Unquote(), bad_word)
    text = "He said “bad idea” today, a bad one."
    result = cleaner.fix(text, unsafe=True)
    assert "bad idea" in result.text
    assert result.text == "He said bad idea today, a good one."
    assert [f.rule for f in result.refused] == ["XX104"]
    assert result.refused[0].fix.edits[0].replacement == "good"


def test_fixer_refuses_only_the_offender_in_a_pass(use_rules):
    use_rules(Unquote(), PatternRule("XX104", r"\bbad\b", "good"), PatternRule("XX105", r"\bugly\b", "fine"))
    text = "He said “bad idea” today, an ugly one."
    result = cleaner.fix(text, unsafe=True)
    assert result.text == "He said bad idea today, an fine one."
    assert {f.rule for f in result.refused} == {"XX104"}


def test_extra_regions_are_protected_and_tracked(use_rules):
    use_rules(PatternRule("XX106", r"\bbad\b", "much better"))
    text = "bad CODE bad here bad"
    region = Region(text.index("CODE"), text.index("CODE") + len("CODE bad"), "markup")
    result = cleaner.fix(text, regions=[region])
    assert result.text == "much better CODE bad here much better"


# -- conflicts ---------------------------------------------------------------------------------

def test_overlapping_fixes_resolved_deterministically(use_rules):
    a = PatternRule("XX201", r"abc", "X")
    b = PatternRule("XX202", r"bcd", "Y")
    use_rules(a, b)
    r1 = cleaner.fix("abcd abcd")
    use_rules(b, a)
    r2 = cleaner.fix("abcd abcd")
    assert r1.text == r2.text == "Xd Xd"
    assert [(f.rule, f.start) for f in r1.applied] == [(f.rule, f.start) for f in r2.applied]


def test_touching_fixes_wait_for_the_next_pass(use_rules):
    use_rules(PatternRule("XX201", r"abc", "X"), PatternRule("XX202", r"de", "Y"))
    result = cleaner.fix("abcde")
    assert result.text == "XY"
    assert result.passes == 2
    assert result.converged
    # edits are reported in coordinates of the original text
    assert result.edits == [Edit.replace(0, 3, "X"), Edit.replace(3, 5, "Y")]
    assert apply_edits("abcde", result.edits) == "XY"


def test_identical_edits_from_two_rules_applied_once(use_rules):
    use_rules(PatternRule("XX201", r"teh", "the"), PatternRule("XX202", r"teh", "the"))
    result = cleaner.fix("teh end")
    assert result.text == "the end"
    assert result.passes == 1


def test_safer_fix_wins_at_the_same_span(use_rules):
    use_rules(PatternRule("XX201", r"colour", "color", UNSAFE), PatternRule("XX202", r"colour", "hue", SAFE))
    assert cleaner.fix("the colour", unsafe=True).text == "the hue"


def test_select_fixes_order_is_independent_of_input_order():
    def f(rule, s, e, rep, app=SAFE):
        return Finding(rule, "n", Span(s, e), "m", fix=Fix.single(s, e, rep, app))
    findings = [f("B", 0, 3, "x"), f("A", 0, 3, "y"), f("C", 2, 5, "z"), f("D", 6, 8, "w"), f("E", 5, 6, "v")]
    chosen = select_fixes(findings, UNSAFE)
    assert [c.rule for c in chosen] == [c.rule for c in select_fixes(list(reversed(findings)), UNSAFE)]
    assert [c.rule for c in chosen] == ["A", "E"]   # A wins by code; C overlaps A; D touches E
    assert select_fixes(findings, SAFE) == chosen


# -- applicability -----------------------------------------------------------------------------

def test_applicability_levels(use_rules):
    use_rules(PatternRule("XX301", r"aa", "A", SAFE), PatternRule("XX302", r"bb", "B", UNSAFE),
              PatternRule("XX303", r"cc", "C", DISPLAY))
    assert cleaner.fix("aa bb cc").text == "A bb cc"
    assert cleaner.fix("aa bb cc", unsafe=True).text == "A B cc"
    remaining = cleaner.fix("aa bb cc", unsafe=True).remaining
    assert [f.rule for f in remaining] == ["XX303"]


def test_settings_unsafe_fixes_flag(use_rules):
    from cleaner.settings import Settings

    use_rules(PatternRule("XX302", r"bb", "B", UNSAFE))
    assert cleaner.fix("bb", settings=Settings(unsafe_fixes=True)).text == "B"


# -- fixpoint ----------------------------------------------------------------------------------

def test_fixpoint_is_bounded(use_rules):
    use_rules(InsertAtEnd())
    result = cleaner.fix("go", max_passes=3)
    assert result.text == "go!!!"
    assert result.passes == 3
    assert not result.converged
    result = cleaner.fix("go")
    assert result.passes == MAX_PASSES and result.text == "go" + "!" * MAX_PASSES


def test_fixpoint_reached_reports_converged(use_rules):
    # each pass can only fix one of the nested pairs: "((x))" -> "(x)" -> "x"
    use_rules(PatternRule("XX401", r"\((\w+)\)", r"\1"))
    result = cleaner.fix("a ((x)) b")
    assert result.text == "a x b"
    assert result.passes == 2 and result.converged
    assert result.remaining == []


def test_no_findings_means_zero_passes(use_rules):
    use_rules(PatternRule("XX401", r"zzz", "y"))
    result = cleaner.fix("nothing here")
    assert result.text == "nothing here" and result.passes == 0 and not result.changed


# -- apply_edits / map_position ----------------------------------------------------------------

def test_apply_edits():
    text = "0123456789"
    assert apply_edits(text, []) == text
    assert apply_edits(text, [Edit.insert(0, "<"), Edit.insert(10, ">")]) == "<0123456789>"
    assert apply_edits(text, [Edit.delete(2, 4), Edit.replace(5, 6, "five")]) == "014five6789"


EDITS = [Edit.replace(2, 4, "XYZ"), Edit.insert(6, "ab"), Edit.delete(8, 9)]   # "0123456789" -> "01XYZ45ab679"


@pytest.mark.parametrize(("pos", "right", "expected"), [
    (0, False, 0),
    (2, False, 2),      # start of a replaced range: before the replacement
    (2, True, 2),
    (3, False, 2),      # inside a replaced range: start of replacement...
    (3, True, 5),       # ...or its end
    (4, False, 5),      # end of replaced range: after the replacement
    (5, False, 6),
    (6, False, 7),      # insertion exactly at pos: pos stays before it...
    (6, True, 9),       # ...or moves past it when right
    (8, False, 11),     # start of a deletion
    (9, False, 11),     # end of a deletion
    (10, False, 12),
])
def test_map_position(pos, right, expected):
    assert apply_edits("0123456789", EDITS) == "01XYZ45ab679"
    assert map_position(pos, EDITS, right=right) == expected


def test_map_position_insertion_side():
    edits = [Edit.insert(3, "++")]
    assert map_position(3, edits) == 3            # pos stays before the inserted text
    assert map_position(3, edits, right=True) == 5
    assert map_position(3, []) == 3


def test_map_position_keeps_following_text_aligned():
    text = "0123456789"
    new = apply_edits(text, EDITS)
    for pos in (0, 1, 5, 7, 9, 10):
        # characters outside edits keep their identity after mapping
        if pos < len(text):
            assert new[map_position(pos, EDITS, right=True)] == text[pos]


# -- value types -------------------------------------------------------------------------------

def test_fix_rejects_overlapping_edits_and_sorts():
    with pytest.raises(ValueError):
        Fix((Edit.replace(0, 3, "a"), Edit.replace(2, 4, "b")), SAFE)
    f = Fix((Edit.replace(5, 6, "b"), Edit.replace(0, 1, "a")), SAFE)
    assert [e.span.start for e in f.edits] == [0, 5] and f.span == Span(0, 6)


def test_span_validation_and_overlap():
    with pytest.raises(ValueError):
        Span(3, 2)
    with pytest.raises(ValueError):
        Span(-1, 2)
    assert Span(0, 3).overlaps(Span(2, 5)) and not Span(0, 2).overlaps(Span(2, 5))
    assert Span(3, 3).overlaps(Span(2, 5)) and not Span(2, 2).overlaps(Span(2, 5))


def test_applicability_parse_and_labels():
    assert Applicability.parse("Display-Only") is DISPLAY
    assert [a.label for a in Applicability] == ["display-only", "unsafe", "safe"]
    with pytest.raises(ValueError):
        Applicability.parse("maybe")


def test_keep_edit_leaves_refused_fixes_unapplied():
    """``keep_edit`` (batch: a legacy charset) refuses some edits: those fixes are not
    applied and their findings remain; the others are applied as usual."""
    from cleaner.fixer import fix

    text = "We don&#8217;t know. The talks the the will continue."
    everything = fix(text)
    assert sorted(f.rule for f in everything.applied) == ["MT106", "MT403"]
    latin = fix(text, keep_edit=lambda e: all(ord(c) < 256 for c in e.replacement))
    assert latin.text == "We don&#8217;t know. The talks the will continue."
    assert [f.rule for f in latin.applied] == ["MT106"]
    assert [f.rule for f in latin.remaining] == ["MT403"] and latin.converged
