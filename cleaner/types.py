"""Core value types: spans, edits, fixes, findings, rule metadata and fix results.

All offsets are code-point offsets into the *original* text of a document.
These types are small and frozen so that findings can be shared between
threads, pickled to Dask workers and compared in tests.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Applicability(enum.IntEnum):
    """How safe a fix is, ordered like ruff's: display-only < unsafe < safe."""

    DISPLAY_ONLY = 0
    UNSAFE = 1
    SAFE = 2

    @property
    def label(self) -> str:
        return _APPLICABILITY_LABELS[self]

    @classmethod
    def parse(cls, value: "str | Applicability") -> "Applicability":
        if isinstance(value, Applicability):
            return value
        try:
            return _APPLICABILITY_BY_LABEL[value.strip().lower()]
        except KeyError:
            allowed = ", ".join(_APPLICABILITY_BY_LABEL)
            raise ValueError(f"unknown fix applicability {value!r} (allowed: {allowed})") from None


_APPLICABILITY_LABELS = {
    Applicability.DISPLAY_ONLY: "display-only",
    Applicability.UNSAFE: "unsafe",
    Applicability.SAFE: "safe",
}
_APPLICABILITY_BY_LABEL = {v: k for k, v in _APPLICABILITY_LABELS.items()}

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open range ``[start, end)`` of code points in the original text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span {self.start}..{self.end}")

    def overlaps(self, other: "Span") -> bool:
        """True when the spans share at least one code point (or an empty span lies strictly inside)."""
        if self.start == self.end:
            return other.start < self.start < other.end
        if other.start == other.end:
            return self.start < other.start < self.end
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[span.start:span.end]`` with ``replacement``."""

    span: Span
    replacement: str

    @classmethod
    def replace(cls, start: int, end: int, replacement: str) -> "Edit":
        return cls(Span(start, end), replacement)

    @classmethod
    def insert(cls, at: int, text: str) -> "Edit":
        return cls(Span(at, at), text)

    @classmethod
    def delete(cls, start: int, end: int) -> "Edit":
        return cls(Span(start, end), "")


@dataclass(frozen=True, slots=True)
class Fix:
    """A set of non-overlapping edits that together repair one finding."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    message: str = ""

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.edits, key=lambda e: (e.span.start, e.span.end)))
        for a, b in zip(ordered, ordered[1:]):
            if a.span.end > b.span.start:
                raise ValueError("edits of one fix must not overlap")
        object.__setattr__(self, "edits", ordered)

    @classmethod
    def single(cls, start: int, end: int, replacement: str,
               applicability: Applicability = Applicability.SAFE, message: str = "") -> "Fix":
        return cls((Edit.replace(start, end, replacement),), applicability, message)

    @property
    def span(self) -> Span:
        return Span(self.edits[0].span.start, self.edits[-1].span.end)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one rule."""

    rule: str
    name: str
    span: Span
    message: str
    severity: str = "warning"
    confidence: float = 0.9
    fix: Fix | None = None
    #: free-form notes (e.g. a LanguageTool rule id flagging the same span)
    notes: tuple[str, ...] = ()

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    def with_fix(self, fix: Fix | None) -> "Finding":
        return Finding(self.rule, self.name, self.span, self.message, self.severity,
                       self.confidence, fix, self.notes)

    def with_notes(self, *notes: str) -> "Finding":
        return Finding(self.rule, self.name, self.span, self.message, self.severity,
                       self.confidence, self.fix, self.notes + tuple(notes))


@dataclass(frozen=True, slots=True)
class Example:
    """A rule example: ``text`` that must be flagged (with ``fixed`` the text after
    applying the rule's fix, or ``None`` when the rule proposes no edit) or, when
    ``bad`` is false, text that must stay silent."""

    text: str
    bad: bool
    fixed: str | None = None


@dataclass(frozen=True, slots=True)
class RuleMeta:
    code: str
    name: str
    summary: str
    explanation: str
    #: the strongest applicability this rule's fixes can have (None: never fixes)
    fix: Applicability | None
    default: bool = True
    #: corpus kind (FORMAT.md) the rule detects, e.g. "glued-words"
    kind: str = "other"
    severity: str = "warning"
    examples: tuple[Example, ...] = ()
    #: where the rule is defined (module or data file), for `mtclean rule`
    source: str = ""


@dataclass(slots=True)
class FixResult:
    """Outcome of :func:`cleaner.fix`.

    ``text`` is the fixed text, ``applied`` the findings whose fixes were applied
    (spans relative to the text of the pass that applied them), ``remaining`` the
    findings left in the final text, ``edits`` the applied edits mapped back to
    original-text coordinates, and ``refused`` fixes the fixer rejected because
    they would have changed protected text.
    """

    text: str
    applied: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)
    passes: int = 0
    converged: bool = True

    @property
    def changed(self) -> bool:
        return bool(self.applied)
