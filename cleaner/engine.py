"""The rule engine: build the document, run the enabled rules, and filter their
findings centrally — protected regions, confidence, duplicates.

This is where quoted speech is enforced: any finding inside a protected region is
dropped, and any fix with an edit touching protected text loses its fix.  No rule
and no setting can switch that off.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from .document import Document
from .protect import Region
from .rules.base import Context
from .settings import DEFAULT, Settings
from .types import Finding


def make_context(settings: Settings) -> Context:
    return Context(dialect=settings.dialect, accept=settings.accept)


_RULES_CACHE: dict = {}


def rules_for(settings: Settings, ignore_extra: Iterable[str] = ()) -> tuple:
    # Cached per (settings, ignore): resolving the enabled codes costs as much as
    # checking a short text, and the registry's rules are loaded once per process anyway.
    ignore = tuple(ignore_extra)
    key: tuple | None = (settings, ignore)
    try:
        return _RULES_CACHE[key]
    except KeyError:
        pass
    except TypeError:                      # unhashable settings: no caching
        key = None
    from .registry import instantiate

    codes = [c for c in settings.enabled_codes(ignore) if not c.startswith("LT")]
    rules = instantiate(codes, settings.extend_rules)
    if key is not None and len(_RULES_CACHE) < 256:
        _RULES_CACHE[key] = rules
    return rules


def filter_findings(doc: Document, findings: Iterable[Finding], min_confidence: float = 0.0) -> list[Finding]:
    """Drop findings in protected text, strip fixes that would edit it, dedupe, sort."""
    prot = doc.protection
    seen: set[tuple] = set()
    out: list[Finding] = []
    for f in findings:
        if f.confidence < min_confidence:
            continue
        if prot.overlaps(f.span):
            continue
        if f.fix is not None and any(prot.overlaps(e.span) for e in f.fix.edits):
            f = f.with_fix(None)
        key = (f.rule, f.span.start, f.span.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    out.sort(key=lambda f: (f.span.start, f.span.end, f.rule))
    return out


def check_document(doc: Document, rules: Sequence, ctx: Context, settings: Settings = DEFAULT) -> list[Finding]:
    raw: list[Finding] = []
    ctx.facts = {}
    ctx.rules = tuple(rules)
    for rule in rules:
        raw.extend(rule.check(doc, ctx))
    # (most texts have no finding at all: filtering nothing gives nothing)
    findings = filter_findings(doc, raw, settings.min_confidence) if raw else []
    if "mtclean-" in doc.text:      # inline suppressions (cleaner.suppress); cheap test first
        from .suppress import apply

        findings = apply(doc, findings, rules)
    return findings


_PROTECT_CACHE: dict = {}


def _protect_patterns(settings: Settings) -> tuple:
    """``settings.protect_patterns()``, compiled once per settings (not once per document)."""
    try:
        return _PROTECT_CACHE[settings]
    except KeyError:
        patterns = settings.protect_patterns()
        if len(_PROTECT_CACHE) < 256:
            _PROTECT_CACHE[settings] = patterns
        return patterns
    except TypeError:                      # unhashable settings
        return settings.protect_patterns()


def build_document(text: str, settings: Settings = DEFAULT, *, regions: Iterable[Region] = (),
                   path: str = "-") -> Document:
    return Document(text, extra_regions=regions, protect_patterns=_protect_patterns(settings), path=path)


#: texts longer than this are checked in paragraph-aligned segments, so memory stays
#: bounded on huge files (quotations never cross a paragraph, so protection is the
#: same; document-level evidence such as voice is then judged per segment)
SEGMENT_CHARS = 2_000_000


def segments(text: str, size: int = SEGMENT_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text`` of at most about ``size`` code points, cut
    at paragraph breaks (a paragraph longer than ``size`` stays whole).  One piece
    when the text is small or carries inline suppressions (their ranges may span)."""
    if len(text) <= size or "mtclean-" in text:
        return [(0, len(text))]
    from .protect import _PARA_BREAK

    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        cut = None
        for m in _PARA_BREAK.finditer(text, start + size // 2, start + size):
            cut = m.end()
        if cut is None:
            m = _PARA_BREAK.search(text, start + size)
            if m is None:
                break
            cut = m.end()
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def shift_finding(f: Finding, delta: int) -> Finding:
    """``f`` with its span and fix edits moved by ``delta`` code points."""
    from .types import Edit, Fix, Span

    fix = None
    if f.fix is not None:
        fix = Fix(tuple(Edit(Span(e.span.start + delta, e.span.end + delta), e.replacement) for e in f.fix.edits),
                  f.fix.applicability, f.fix.message)
    return Finding(f.rule, f.name, Span(f.span.start + delta, f.span.end + delta), f.message, f.severity,
                   f.confidence, fix, f.notes)


def clip_regions(regions: Sequence[Region], start: int, end: int) -> list[Region]:
    """The parts of ``regions`` inside ``[start, end)``, in that piece's coordinates."""
    return [Region(max(r.start, start) - start, min(r.end, end) - start, r.kind)
            for r in regions if r.start < end and r.end > start]


def check(text: str, settings: Settings | None = None, *, regions: Iterable[Region] = (),
          path: str = "-", ignore: Iterable[str] = ()) -> list[Finding]:
    """Findings for ``text`` under ``settings`` (default rules when None)."""
    settings = settings or DEFAULT
    rules = rules_for(settings, ignore)
    pieces = segments(text)
    if len(pieces) == 1:
        doc = build_document(text, settings, regions=regions, path=path)
        return check_document(doc, rules, make_context(settings), settings)
    regions = list(regions)
    out: list[Finding] = []
    for start, end in pieces:
        doc = build_document(text[start:end], settings, regions=clip_regions(regions, start, end), path=path)
        out.extend(shift_finding(f, start) for f in check_document(doc, rules, make_context(settings), settings))
    return out
