"""The fixer: apply fixes deterministically, repeat to a fixpoint, and prove that
protected text came through byte-identical.

Conflicts are resolved like ruff's ``apply_fixes``: fixes are sorted by where they
start (then end, then rule code); a fix that starts before or exactly where the
previously applied one ended waits for the next pass; identical edits are applied
once.  After each pass the text is checked again, up to ``max_passes`` times.
Every protected substring of the original text is tracked through every edit and
must be unchanged afterwards; a fix that would break that is refused.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

from .engine import build_document, check_document, make_context, rules_for, segments
from .protect import Region
from .settings import DEFAULT, Settings
from .types import Applicability, Edit, Finding, FixResult, Span

MAX_PASSES = 10


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply sorted, non-overlapping edits (original coordinates) to ``text``."""
    out: list[str] = []
    pos = 0
    for e in edits:
        out.append(text[pos:e.span.start])
        out.append(e.replacement)
        pos = e.span.end
    out.append(text[pos:])
    return "".join(out)


def map_position(pos: int, edits: Sequence[Edit], *, right: bool = False) -> int:
    """Where ``pos`` of the old text lands in the new text after sorted ``edits``.

    A position inside a replaced range goes to the start of the replacement (or its
    end when ``right``); text inserted exactly at ``pos`` lands before it when
    ``right`` and after it otherwise."""
    delta = 0
    for e in edits:
        s, t = e.span.start, e.span.end
        if t < pos or (t == pos and (s < t or right)):
            delta += len(e.replacement) - (t - s)
        elif s < pos < t:
            return s + delta + (len(e.replacement) if right else 0)
        else:
            break
    return pos + delta


def _map_back(span: Span, history: list[list[Edit]]) -> Span:
    """Map a span of the text after ``history`` back to original coordinates."""
    start, end = span.start, span.end
    for edits in reversed(history):
        start = _back(start, edits, left=True)
        end = _back(end, edits, left=False)
    return Span(start, max(start, end))


def _back(pos: int, edits: Sequence[Edit], *, left: bool) -> int:
    delta = 0
    for e in edits:
        s, t = e.span.start, e.span.end
        ns = s + delta
        nt = ns + len(e.replacement)
        if pos <= ns:
            break
        if pos < nt:
            return s if left else t
        delta += len(e.replacement) - (t - s)
    return pos - delta


def select_fixes(findings: Iterable[Finding], minimum: Applicability) -> list[Finding]:
    """Deterministic, non-overlapping choice of fixes to apply in one pass."""
    if not findings:                      # (most texts: nothing to choose from)
        return []
    candidates = [f for f in findings if f.fix is not None and f.fix.applicability >= minimum]
    candidates.sort(key=lambda f: (f.fix.span.start, f.fix.span.end, -f.fix.applicability, f.rule, f.span.start))
    chosen: list[Finding] = []
    last_end = -1
    applied_edits: set[tuple[int, int, str]] = set()
    for f in candidates:
        span = f.fix.span
        keys = {(e.span.start, e.span.end, e.replacement) for e in f.fix.edits}
        if keys <= applied_edits:
            continue                      # identical edit already applied
        if chosen and span.start <= last_end:
            continue                      # overlaps or touches: next pass
        chosen.append(f)
        applied_edits |= keys
        last_end = span.end
    return chosen


def _protected_intact(text: str, tracked: list[tuple[int, int, str]]) -> bool:
    return all(text[s:e] == sub for s, e, sub in tracked)


def _track(tracked: list[tuple[int, int, str]], edits: Sequence[Edit]) -> list[tuple[int, int, str]]:
    return [(map_position(s, edits, right=True), map_position(e, edits), sub) for s, e, sub in tracked]


def fix(text: str, unsafe: bool = False, settings: Settings | None = None, *,
        regions: Iterable[Region] = (), path: str = "-", max_passes: int = MAX_PASSES,
        ignore: Iterable[str] = (), keep_edit: Callable[[Edit], bool] | None = None) -> FixResult:
    """Apply safe fixes (and unsafe ones when ``unsafe``) to ``text``.

    ``keep_edit``: when given, a fix with an edit it refuses is not applied (its
    finding remains), e.g. a replacement that the file's encoding cannot hold."""
    settings = settings or DEFAULT
    pieces = segments(text)
    if len(pieces) > 1:          # a huge file: fix paragraph-aligned pieces one by one
        return _fix_pieces(text, pieces, unsafe, settings, list(regions), path, max_passes, ignore, keep_edit)
    minimum = Applicability.UNSAFE if (unsafe or settings.unsafe_fixes) else Applicability.SAFE
    rules = rules_for(settings, ignore)
    ctx = make_context(settings)
    regions = list(regions)
    doc = build_document(text, settings, regions=regions, path=path)
    tracked = [(s, e, text[s:e]) for s, e in doc.protection.pairs()]
    result = FixResult(text=text)
    history: list[list[Edit]] = []
    current = text
    findings = check_document(doc, rules, ctx, settings)
    for _ in range(max_passes):
        chosen = select_fixes(_allowed(findings, keep_edit), minimum)
        if not chosen:
            break
        edits = sorted((e for f in chosen for e in f.fix.edits), key=lambda e: (e.span.start, e.span.end))
        edits = _dedupe(edits)
        new = apply_edits(current, edits)
        new_tracked = _track(tracked, edits)
        if not _protected_intact(new, new_tracked):
            chosen, edits, new, new_tracked = _without_offenders(current, chosen, tracked, result)
            if not chosen:
                break
        result.applied.extend(chosen)
        for e in edits:
            result.edits.append(Edit(_map_back(e.span, history), e.replacement))
        history.append(edits)
        tracked = new_tracked
        regions = [Region(map_position(r.start, edits, right=True), map_position(r.end, edits), r.kind)
                   for r in regions]
        current = new
        result.passes += 1
        doc = build_document(current, settings, regions=regions, path=path)
        findings = check_document(doc, rules, ctx, settings)
    else:
        result.converged = not select_fixes(_allowed(findings, keep_edit), minimum)
    result.text = current
    result.remaining = findings
    return result


def _allowed(findings: list[Finding], keep_edit: Callable[[Edit], bool] | None) -> list[Finding]:
    """The findings whose fixes ``keep_edit`` accepts (all of them without one)."""
    if keep_edit is None:
        return findings
    return [f for f in findings if f.fix is None or all(keep_edit(e) for e in f.fix.edits)]


def _dedupe(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in edits:
        if out and out[-1] == e:
            continue
        out.append(e)
    return out


def _without_offenders(current: str, chosen: list[Finding], tracked, result: FixResult):
    """Re-apply the pass one fix at a time, refusing each that breaks protected text."""
    kept: list[Finding] = []
    for f in chosen:
        edits = list(f.fix.edits)
        if _protected_intact(apply_edits(current, edits), _track(tracked, edits)):
            kept.append(f)
        else:
            result.refused.append(f)
    edits = _dedupe(sorted((e for f in kept for e in f.fix.edits), key=lambda e: (e.span.start, e.span.end)))
    new = apply_edits(current, edits)
    new_tracked = _track(tracked, edits)
    if not _protected_intact(new, new_tracked):  # pragma: no cover - defensive
        result.refused.extend(kept)
        return [], [], current, tracked
    return kept, edits, new, new_tracked


def _fix_pieces(text, pieces, unsafe, settings, regions, path, max_passes, ignore, keep_edit=None) -> FixResult:
    from .engine import clip_regions, shift_finding

    result = FixResult(text=text)
    parts: list[str] = []
    out_pos = 0
    for start, end in pieces:
        r = fix(text[start:end], unsafe, settings, regions=clip_regions(regions, start, end), path=path,
                max_passes=max_passes, ignore=ignore, keep_edit=keep_edit)
        parts.append(r.text)
        result.applied.extend(shift_finding(f, out_pos) for f in r.applied)
        result.remaining.extend(shift_finding(f, out_pos) for f in r.remaining)
        result.refused.extend(shift_finding(f, out_pos) for f in r.refused)
        result.edits.extend(Edit(Span(e.span.start + start, e.span.end + start), e.replacement) for e in r.edits)
        result.passes = max(result.passes, r.passes)
        result.converged = result.converged and r.converged
        out_pos += len(r.text)
    result.text = "".join(parts)
    return result
