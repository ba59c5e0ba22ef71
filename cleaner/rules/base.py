"""The rule interface.

A rule is an object with ``meta`` (a :class:`~cleaner.types.RuleMeta`, read from
its data file in ``rules/``) and ``check(doc, ctx)`` yielding findings.  Rules
read ``doc.masked`` and never need to think about quoted speech: the engine
drops findings inside protected regions and fixes that would edit them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..types import Applicability, Edit, Finding, Fix, RuleMeta, Span

if TYPE_CHECKING:
    from ..document import Document
    from ..lexicon import Lexicon


@dataclass
class Context:
    """Run-wide settings and shared resources handed to every rule."""

    dialect: str = "en-US"
    accept: frozenset[str] = frozenset()
    #: document-level facts computed once per document and shared between rules
    facts: dict[str, Any] = field(default_factory=dict)
    #: the rules running in this check (set by the engine), for rules that read others
    rules: tuple = ()
    _lexicon: "Lexicon | None" = None

    @property
    def lexicon(self) -> "Lexicon":
        if self._lexicon is None:
            self._lexicon = _english()()
        return self._lexicon

    def for_rules(self, key: str, make: Callable[[tuple], Any]) -> Any:
        """``make(self.rules)``, computed once per rule set instead of once per document:
        for facts that depend on which rules run and on nothing else (``key`` names
        the fact).  A new ``rules`` tuple gets new facts, so it is always exact."""
        rules = self.rules
        entry = _PER_RULES.get(id(rules))
        if entry is None or entry[0] is not rules:
            if len(_PER_RULES) >= 64:
                _PER_RULES.clear()
            entry = _PER_RULES[id(rules)] = (rules, {})      # (holding rules keeps its id unique)
        memo = entry[1]
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = make(rules)
            return value


#: Context.for_rules: id of a rules tuple -> (that tuple, its facts)
_PER_RULES: dict[int, tuple[tuple, dict[str, Any]]] = {}


_ENGLISH = None


def _english():
    """``cleaner.lexicon.english``, imported on first need (start-up time) and then
    kept: a context is made per check, and an import statement per context and rule
    cost about a microsecond a document."""
    global _ENGLISH
    if _ENGLISH is None:
        from ..lexicon import english

        _ENGLISH = english
    return _ENGLISH


class Rule:
    """Base class for rules implemented in Python."""

    meta: RuleMeta

    def __init__(self, meta: RuleMeta, options: dict[str, Any] | None = None,
                 data: dict[str, Any] | None = None, path: Any = None):
        self.meta = meta
        self.options = options or {}
        self.data = data or {}
        self.path = path

    @property
    def code(self) -> str:
        return self.meta.code

    def check(self, doc: "Document", ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    # -- helpers for subclasses ---------------------------------------------------
    def finding(self, start: int, end: int, message: str, *, fix: Fix | None = None,
                confidence: float = 0.9, severity: str | None = None) -> Finding:
        return Finding(self.meta.code, self.meta.name, Span(start, end), message,
                       severity or self.meta.severity, confidence, fix)

    def replace(self, start: int, end: int, replacement: str, message: str = "",
                applicability: Applicability | None = None) -> Fix:
        """A one-edit fix, capped at the rule's declared fix safety."""
        app = applicability if applicability is not None else (self.meta.fix or Applicability.DISPLAY_ONLY)
        if self.meta.fix is not None:
            app = min(app, self.meta.fix)
        return Fix((Edit.replace(start, end, replacement),), Applicability(app), message)
