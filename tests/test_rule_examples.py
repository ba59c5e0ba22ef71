"""Every rule's own examples, run as tests — for every rule the registry loads.

A rule file ships ``[[wrong]]`` examples (text that must be flagged, with the
text after its fix) and ``[[right]]`` examples (text that must stay silent).
This module turns them into tests automatically, so a rule added later is
covered the moment its data file exists:

* each wrong example gets ≥1 finding of its rule, and applying that rule's
  fixes (whatever their applicability) gives exactly ``fixed``;
* applying a fix does not make the same rule fire again at the repaired spot
  (LanguageTool's self-check), and ``fixed`` is silent for the rule;
* each right example gets no finding of its rule;
* a quote-wrapped copy of each wrong example gets no finding and no fix;
* data lint: codes unique and well-formed, ≥1 wrong and ≥1 right example per
  rule, no ``fixed`` equal to its ``text``, fixes never stronger than declared.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import cleaner
from cleaner.engine import check
from cleaner.fixer import apply_edits, map_position, select_fixes
from cleaner.registry import all_rules, parse_rule_file, rule_files
from cleaner.settings import Settings
from cleaner.types import Applicability, Example, Finding

RULES = all_rules()
CODE_RE = re.compile(r"^MT[1-9][0-9]{2}$")
MAX_PASSES = 10


def _settings(code: str) -> Settings:
    return Settings(select=(code,))


def _findings(text: str, code: str) -> list[Finding]:
    return [f for f in check(text, _settings(code)) if f.rule == code]


def _examples(bad: bool) -> list:
    params = []
    for code, loaded in RULES.items():
        n = 0
        for ex in loaded.meta.examples:
            if ex.bad is bad:
                n += 1
                params.append(pytest.param(code, ex, id=f"{code}-{'wrong' if bad else 'right'}{n}"))
    return params


WRONG = _examples(True)
RIGHT = _examples(False)
WRONG_WITH_FIX = [p for p in WRONG if p.values[1].fixed is not None]


def apply_rule_fixes(text: str, code: str) -> str:
    """The text after applying ``code``'s fixes, ignoring their applicability.

    One pass applies every fix edit of the rule directly (``apply_edits``); when
    fixes overlap, the fixer's own deterministic choice is used and the rule is
    run again on the result, as ``fix(..., unsafe=True)`` does — up to a bound."""
    for _ in range(MAX_PASSES):
        findings = _findings(text, code)
        chosen = select_fixes(findings, Applicability.DISPLAY_ONLY)
        if not chosen:
            return text
        edits = sorted({e for f in chosen for e in f.fix.edits}, key=lambda e: (e.span.start, e.span.end))
        text = apply_edits(text, edits)
    raise AssertionError(f"{code}: fixes did not converge within {MAX_PASSES} passes")


# -- data lint -------------------------------------------------------------------------------

def test_registry_loads_rules():
    assert RULES, "the registry loaded no rules"
    assert {"MT101", "MT102"} <= set(RULES)


def test_rule_codes_unique_and_well_formed():
    seen: dict[str, Path] = {}
    for path in rule_files():
        code = parse_rule_file(path).meta.code
        assert CODE_RE.match(code), f"{path}: code {code!r} does not look like MT101"
        assert code not in seen, f"{code} defined in both {seen[code]} and {path}"
        seen[code] = path
    assert set(seen) == set(RULES)


def test_rule_names_unique():
    names = [r.meta.name for r in RULES.values()]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"rule names used twice: {sorted(dupes)}"
    for code, r in RULES.items():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", r.meta.name), f"{code}: name {r.meta.name!r} is not kebab-case"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_wrong_and_right_examples(code):
    examples = RULES[code].meta.examples
    assert any(e.bad for e in examples), f"{code} has no [[wrong]] example"
    assert any(not e.bad for e in examples), f"{code} has no [[right]] example"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata_complete(code):
    meta = RULES[code].meta
    assert meta.summary and meta.explanation, f"{code}: summary and explanation are required"
    for ex in meta.examples:
        assert ex.text.strip(), f"{code}: empty example text"
        assert ex.fixed != ex.text, f"{code}: example's 'fixed' equals its 'text': {ex.text!r}"
        if meta.fix is None:
            assert ex.fixed is None, f"{code} declares fix = 'none' but an example has 'fixed'"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_examples_unique(code):
    texts = [e.text for e in RULES[code].meta.examples]
    assert len(texts) == len(set(texts)), f"{code}: duplicate example texts"


# -- wrong examples --------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "example"), WRONG)
def test_wrong_example_is_flagged(code: str, example: Example):
    findings = _findings(example.text, code)
    assert findings, f"{code} did not flag its wrong example {example.text!r}"
    declared = RULES[code].meta.fix
    for f in findings:
        assert 0 <= f.span.start <= f.span.end <= len(example.text)
        assert f.name == RULES[code].meta.name
        if f.fix is not None:
            assert declared is not None, f"{code} declares fix = 'none' but proposed a fix"
            assert f.fix.applicability <= declared, (
                f"{code} proposed a {f.fix.applicability.label} fix but declares {declared.label}")


@pytest.mark.parametrize(("code", "example"), WRONG_WITH_FIX)
def test_wrong_example_fix_gives_fixed(code: str, example: Example):
    assert apply_rule_fixes(example.text, code) == example.fixed


@pytest.mark.parametrize(("code", "example"), WRONG_WITH_FIX)
def test_wrong_example_through_public_fix(code: str, example: Example):
    """``cleaner.fix(..., unsafe=True)`` agrees whenever every fix is applicable."""
    findings = _findings(example.text, code)
    if any(f.fix is not None and f.fix.applicability == Applicability.DISPLAY_ONLY for f in findings):
        pytest.skip("display-only fixes are never applied by `fix`; covered by the test above")
    result = cleaner.fix(example.text, unsafe=True, settings=_settings(code))
    assert result.text == example.fixed
    assert result.converged


@pytest.mark.parametrize(("code", "example"), [p for p in WRONG if p.values[1].fixed is None])
def test_wrong_example_without_fixed_has_no_edit(code: str, example: Example):
    findings = _findings(example.text, code)
    assert findings
    assert apply_rule_fixes(example.text, code) == example.text, (
        f"{code}: example has no 'fixed' but the rule edits it")


@pytest.mark.parametrize(("code", "example"), WRONG_WITH_FIX)
def test_fix_does_not_retrigger_rule(code: str, example: Example):
    """Applying one finding's fix alone must not make the same rule fire at that spot."""
    text = example.text
    for f in _findings(text, code):
        if f.fix is None:
            continue
        edits = list(f.fix.edits)
        after = apply_edits(text, edits)
        start = map_position(f.fix.span.start, edits, right=True)
        end = max(start, map_position(f.fix.span.end, edits))
        again = [g for g in _findings(after, code) if g.span.start <= end and start <= g.span.end]
        assert not again, (f"{code}: its fix {after[max(0, start - 20):end + 20]!r} is flagged again: "
                           f"{[g.message for g in again]}")
    assert not _findings(example.fixed, code), f"{code} flags its own fixed text {example.fixed!r}"


# -- right examples --------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "example"), RIGHT)
def test_right_example_is_silent(code: str, example: Example):
    findings = _findings(example.text, code)
    assert not findings, (f"{code} flagged its right example {example.text!r}: "
                          + "; ".join(f"{example.text[f.start:f.end]!r}: {f.message}" for f in findings))


# -- quote-wrapped copies of wrong examples --------------------------------------------------

QUOTE_STYLES = {
    "curly": ("“", "”"),
    "straight": ('"', '"'),
    "guillemets": ("«", "»"),
    "low-high": ("„", "“"),
}


def quote_wrap(text: str, opening: str, closing: str) -> str:
    """Quote ``text`` as speech; a multi-paragraph example reopens each paragraph
    and closes only at the end, as English typography does."""
    paras = re.split(r"(\n[ \t]*\n)", text)
    out = []
    for i, part in enumerate(paras):
        out.append(opening + part if i % 2 == 0 else part)
    return "".join(out) + closing


def _wrapped_params():
    params = []
    for p in WRONG:
        code, ex = p.values
        marks = set("“”\"«»„")
        for style, (o, c) in QUOTE_STYLES.items():
            if marks & set(ex.text):
                continue       # the example has its own quote marks: wrapping would nest the same marks
            params.append(pytest.param(code, ex, style, id=f"{p.id}-{style}"))
    return params


WRAPPED = _wrapped_params()


def test_every_wrong_example_gets_a_quote_wrapped_copy():
    covered = {(p.values[0], p.values[1].text) for p in WRAPPED}
    missing = [(p.values[0], p.values[1].text) for p in WRONG if (p.values[0], p.values[1].text) not in covered]
    assert len(missing) <= len(WRONG) // 4, f"too many wrong examples cannot be quote-wrapped: {missing}"


@pytest.mark.parametrize(("code", "example", "style"), WRAPPED)
def test_quote_wrapped_wrong_example_is_left_alone(code: str, example: Example, style: str):
    opening, closing = QUOTE_STYLES[style]
    wrapped = quote_wrap(example.text, opening, closing)
    findings = _findings(wrapped, code)
    assert not findings, (f"{code} flagged quoted speech {wrapped!r}: "
                          + "; ".join(f"{wrapped[f.start:f.end]!r}" for f in findings))
    assert cleaner.fix(wrapped, unsafe=True, settings=_settings(code)).text == wrapped
    # and with every rule on, the quoted words themselves come through untouched
    fixed = cleaner.fix(wrapped, unsafe=True, settings=Settings(select=("ALL",))).text
    for para in re.split(r"\n[ \t]*\n", example.text):
        assert para.strip() in fixed


@pytest.mark.parametrize(("code", "example"), [pytest.param(*p.values, id=p.id) for p in WRONG])
def test_wrong_example_in_narrative_beside_quote_still_flagged(code: str, example: Example):
    """Quoting something else in the same document must not hide the narrative error."""
    text = "“Nothing to see here,” she said.\n\n" + example.text
    assert _findings(text, code), f"{code} stopped flagging {example.text!r} after an unrelated quotation"
