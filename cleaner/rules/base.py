"""The rule interface.

A rule is an object with ``meta`` (a :class:`~cleaner.types.RuleMeta`, read from
its data file in ``rules/``) and ``check(doc, ctx)`` yielding findings.  Rules
read ``doc.masked`` and never need to think about quoted speech: the engine
drops findings inside protected regions and fixes that would edit them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

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
            from ..lexicon import english

            self._lexicon = english()
        return self._lexicon


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
