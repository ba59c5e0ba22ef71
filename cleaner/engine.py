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
    findings = filter_findings(doc, raw, settings.min_confidence)
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


def check(text: str, settings: Settings | None = None, *, regions: Iterable[Region] = (),
          path: str = "-", ignore: Iterable[str] = ()) -> list[Finding]:
    """Findings for ``text`` under ``settings`` (default rules when None)."""
    settings = settings or DEFAULT
    doc = build_document(text, settings, regions=regions, path=path)
    return check_document(doc, rules_for(settings, ignore), make_context(settings), settings)
