"""Inline suppressions, applied centrally by the engine (rules never see them).

In Markdown, HTML and plain text::

    <!-- mtclean-disable MT101 MT102 -->   ... findings of these rules are dropped ...
    <!-- mtclean-enable MT101 -->          re-enables MT101 (a bare ``mtclean-enable`` ends every disable)
    <!-- mtclean-disable -->               every rule, until ``<!-- mtclean-enable -->`` or the end
    <!-- mtclean-ignore-next-line -->      the next non-blank line (optionally: codes)

and in reStructuredText the same words as comments: ``.. mtclean-disable MT101``.
Codes may be prefixes (``MT1``) and may be separated by spaces or commas.

A finding is suppressed when it *starts* inside a suppressed range.  Because
the engine applies this before fixing, suppressed findings are never fixed.
Findings on a directive comment itself (e.g. "stray HTML comment" in a plain
text file) are dropped too.  A directive inside quoted speech is not a directive.

Rule MT900 (``unused-suppression``, off by default) reports directives that
suppressed nothing, and codes in them that name no rule — like ruff's RUF100.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .rules.base import Rule
from .types import Finding, Span

UNUSED_CODE = "MT900"
ALL = "*"

_DIRECTIVE = re.compile(
    r"<!--\s*mtclean-(disable-next-line|ignore-next-line|disable|enable)\b(?P<a>[^>]*?)\s*-->"
    r"|^[ \t]*\.\.[ \t]+mtclean-(disable-next-line|ignore-next-line|disable|enable)\b(?P<b>[^\n]*)$",
    re.MULTILINE,
)
_SPLIT = re.compile(r"[\s,]+")


@dataclass
class Directive:
    kind: str                  # disable | enable | ignore-next-line
    codes: tuple[str, ...]     # () = every rule
    start: int                 # offsets of the comment itself
    end: int
    used: set[str] = field(default_factory=set)


@dataclass
class Range:
    code: str                  # a code / prefix, or ALL
    start: int
    end: int
    directive: Directive


def parse(text: str, skip: Sequence[Span] = ()) -> tuple[list[Directive], list[Range]]:
    """The directives of ``text`` and the ranges they suppress.  Directives that
    start inside one of the ``skip`` spans (quoted speech) are ignored."""
    directives: list[Directive] = []
    ranges: list[Range] = []
    open_: dict[str, Range] = {}
    for m in _DIRECTIVE.finditer(text):
        if any(s.start <= m.start() < s.end for s in skip):
            continue
        kind = m.group(1) or m.group(3)
        if kind == "disable-next-line":
            kind = "ignore-next-line"
        args = (m.group("a") if m.group(1) else m.group("b")) or ""
        codes = tuple(c.upper() for c in _SPLIT.split(args.strip()) if c)
        d = Directive(kind, codes, m.start(), m.end())
        directives.append(d)
        if kind == "disable":
            for code in codes or (ALL,):
                if code not in open_:
                    r = Range(code, m.end(), len(text), d)
                    open_[code] = r
                    ranges.append(r)
        elif kind == "enable":
            for code in (codes or tuple(open_)):
                r = open_.pop(code, None)
                if r is not None:
                    r.end = m.start()
        else:
            start, end = _next_line(text, m.end())
            for code in codes or (ALL,):
                ranges.append(Range(code, start, end, d))
    return directives, ranges


def _next_line(text: str, pos: int) -> tuple[int, int]:
    """The next non-blank line after the line containing ``pos``."""
    nl = text.find("\n", pos)
    if nl < 0:
        return len(text), len(text)
    start = nl + 1
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            return start, end
        start = end + 1
    return len(text), len(text)


def _matches(rule: str, code: str) -> bool:
    return code == ALL or rule == code or rule.startswith(code)


def apply(doc, findings: Iterable[Finding], rules: Sequence = ()) -> list[Finding]:
    """Drop suppressed findings; add MT900 findings when that rule is among ``rules``."""
    findings = list(findings)
    from .protect import QUOTE

    quotes = [r.span for r in doc.regions if r.kind == QUOTE]
    directives, ranges = parse(doc.text, quotes)
    if not directives:
        return findings
    kept: list[Finding] = []
    for f in findings:
        # a directive is not prose: no rule reports (or "fixes") the comment itself
        if any(f.span.start < d.end and d.start < max(f.span.end, f.span.start + 1) for d in directives):
            continue
        suppressed = False
        for r in ranges:
            if r.start <= f.span.start < r.end and _matches(f.rule, r.code):
                r.directive.used.add(r.code)
                suppressed = True
        if not suppressed:
            kept.append(f)
    reporter = next((r for r in rules if getattr(r, "code", None) == UNUSED_CODE), None)
    if reporter is not None:
        kept.extend(_unused(directives, reporter, [getattr(r, "code", "") for r in rules]))
        kept.sort(key=lambda f: (f.span.start, f.span.end, f.rule))
    return kept


def _unused(directives: list[Directive], reporter: Rule, enabled: list[str]) -> list[Finding]:
    from .registry import all_rules

    known = list(all_rules())
    out: list[Finding] = []
    for d in directives:
        if d.kind == "enable":
            continue
        codes = d.codes or (ALL,)
        for code in codes:
            if code in d.used:
                continue
            if code != ALL and not code.startswith("LT") and not any(k.startswith(code) for k in known):
                msg = f"unknown rule code {code!r} in mtclean-{d.kind}"
            elif code != ALL and not code.startswith("LT") and not any(c.startswith(code) for c in enabled):
                msg = f"unused suppression: {code} is not enabled"
            elif code == ALL:
                msg = f"unused mtclean-{d.kind}: it suppresses no finding"
            else:
                msg = f"unused suppression: no {code} finding here"
            out.append(reporter.finding(d.start, d.end, msg, confidence=1.0))
    return out


class UnusedSuppression(Rule):
    """MT900: its findings are produced by :func:`apply`, after every other rule ran."""

    def check(self, doc, ctx):
        return ()
