"""MT310 pivot-language hint: which language a text was round-tripped through.

Every phrasebook entry (MT301 calques, MT303 acronym calques, user packs) names the
source language(s) whose idiom it copies.  :func:`evidence` collects, once per
document, the matches of every phrasebook rule plus any signals other rules put in
``ctx.facts["pivot.signals"]`` (a list of ``(start, end, languages)``), scores the
languages and decides on a *pivot* when one clearly dominates.  The result is
cached in ``ctx.facts["pivot.evidence"]``; phrasebook rules use it to rank that
language's entries higher and to switch on ``requires_pivot`` entries, and MT310
reports it as a document-level note.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..types import Finding
from .base import Context, Rule
from .phrasebook import LANGUAGES, Phrasebook

FACT = "pivot.evidence"
SIGNALS_FACT = "pivot.signals"


@dataclass(frozen=True)
class Signal:
    start: int
    end: int
    languages: tuple[str, ...]
    label: str


@dataclass
class Evidence:
    #: the pivot language, when the evidence is strong enough to report (MT310)
    language: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    signals: list[Signal] = field(default_factory=list)
    #: the language the evidence leans to (a lower bar): ranks and switches on the
    #: ``requires_pivot`` entries of that language, without being reported
    leaning: str | None = None

    def for_language(self, lang: str) -> list[Signal]:
        return [s for s in self.signals if lang in s.languages]


def active_phrasebooks(ctx: Context) -> list[Phrasebook]:
    """The phrasebook rules running in this check, in code order (once per rule set)."""
    return list(ctx.for_rules("pivot.phrasebooks", _phrasebooks))


def _phrasebooks(rules: tuple) -> tuple[Phrasebook, ...]:
    return tuple(sorted((r for r in rules if isinstance(r, Phrasebook)), key=lambda r: r.meta.code))


def evidence(doc, ctx: Context, *, min_score: float = 2.0, margin: float = 1.5, lean_score: float = 1.0,
             sources: "Iterable[Phrasebook] | None" = None) -> Evidence:
    """Score the source languages of ``doc`` from the matches of ``sources`` (default:
    the phrasebook rules running in this check) and ``ctx.facts["pivot.signals"]``."""
    cached = ctx.facts.get(FACT)
    if cached is not None and cached[0] is doc:
        return _decide(cached[1], cached[2], min_score, margin, lean_score)
    raw: list[Signal] = []
    for rule in (active_phrasebooks(ctx) if sources is None else sources):
        for h in rule.hits(doc, ctx):
            langs = tuple(x for x in h.languages if x in LANGUAGES)
            if langs and not h.entry.requires_pivot:
                raw.append(Signal(h.start, h.end, langs, doc.text[h.start:h.end]))
    for start, end, langs in ctx.facts.get(SIGNALS_FACT, ()):
        langs = tuple(x for x in langs if x in LANGUAGES)
        if langs:
            raw.append(Signal(start, end, langs, doc.text[start:end]))
    # one signal per place: overlapping matches (two entries, two rules) count once
    raw.sort(key=lambda s: (s.start, -(s.end - s.start)))
    signals: list[Signal] = []
    for sig in raw:
        if signals and sig.start < signals[-1].end:
            continue
        signals.append(sig)
    scores: Counter[str] = Counter()
    for s in signals:
        for lang in s.languages:
            scores[lang] += 1.0 / len(s.languages)
    ctx.facts[FACT] = (doc, dict(scores), signals)
    return _decide(dict(scores), signals, min_score, margin, lean_score)


def _decide(scores: dict[str, float], signals: list[Signal], min_score: float, margin: float,
            lean_score: float) -> Evidence:
    language = leaning = None
    if scores:
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        best, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= margin * second:
            if top >= min_score:
                language = best
            if top >= min(lean_score, min_score):
                leaning = best
    return Evidence(language, scores, signals, leaning)


class PivotLanguage(Rule):
    """A document-level note naming the language whose calques dominate."""

    def __init__(self, meta, options=None, data=None, path=None):
        super().__init__(meta, options, data, path)
        self._builtin: tuple | None = None

    @property
    def _sources(self) -> tuple:
        """The built-in phrasebooks, for when MT310 runs without MT301/MT303 (loaded
        on first need: a normal run shares the phrasebooks it already has)."""
        if self._builtin is None:
            from ..registry import all_rules, instantiate

            codes = [c for c, r in all_rules().items() if r.data.get("impl") == "phrasebook"]
            self._builtin = tuple(sorted(instantiate(codes), key=lambda r: r.meta.code)) if codes else ()
        return self._builtin

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        opts = self.options
        sources = active_phrasebooks(ctx) or self._sources
        ev = evidence(doc, ctx, min_score=opts.get("min_score", 2.0), margin=opts.get("margin", 1.5),
                      sources=sources)
        if ev.language is None:
            return
        mine = ev.for_language(ev.language)
        first = mine[0]
        labels = []
        for s in mine:
            if s.label not in labels:
                labels.append(s.label)
        shown = ", ".join(f"“{x}”" for x in labels[:4]) + (", …" if len(labels) > 4 else "")
        name = LANGUAGES[ev.language]
        others = sorted(((v, k) for k, v in ev.scores.items() if k != ev.language), reverse=True)
        rest = "; " + ", ".join(f"{LANGUAGES[k]} {v:.1f}" for v, k in others[:2]) if others else ""
        yield self.finding(
            first.start, first.end,
            f"likely round-tripped through {name}: {len(mine)} signals ({shown}){rest}; "
            f"{name} calques are ranked higher in this document",
            confidence=min(0.95, 0.5 + 0.1 * len(mine)), severity="info")
