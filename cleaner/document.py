"""The document model: original text, protected regions, a masked view and
paragraph / sentence / token indexes, all in code-point offsets of the original.

Rules read ``doc.masked`` (protected code points replaced one-for-one by
``MASK``) so that offsets never shift and quoted speech can never be matched.
"""
from __future__ import annotations

import bisect
from collections import Counter
from typing import Iterable, NamedTuple

import regex
from .regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from .protect import Protection, Region, find_regions, paragraphs

MASK = "\ue000"

_TOKEN = _rx(r"[\p{L}\p{M}\p{N}]+(?:[’'\-][\p{L}\p{M}\p{N}]+)*")
_SENT_END = _rx(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[\p{Lu}\d])|\n")
_ABBREV_END = _rx(
    r"(?i)(?:\b(?:mr|mrs|ms|dr|prof|st|sr|jr|gen|col|lt|sgt|capt|gov|sen|rep|rev|no|vs|etc|inc|ltd|co|corp|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|fig|vol|approx|e\.g|i\.e|u\.s|u\.k|a\.m|p\.m)|\b\p{Lu})\.$"
)


class cached_property:
    """``functools.cached_property`` without its lock: computed on first access and
    stored in the instance ``__dict__`` under its own name, exactly like the standard
    one (later reads never reach this descriptor, and ``"tokens" in doc.__dict__``
    still tells whether a view is built).  Python 3.11's version takes an ``RLock``
    on every first access, about a microsecond per view per document (3.12 dropped
    it); two threads racing here would at worst compute the same value twice."""

    def __init__(self, func):
        self.func = func
        self.attrname = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.attrname = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        value = obj.__dict__[self.attrname] = self.func(obj)
        return value


class Token(NamedTuple):
    """A word of the masked text (a named tuple: documents have many of them)."""

    start: int
    end: int
    text: str


class LineIndex:
    """Line starts of a text: offsets to 1-based (line, column) in code points."""

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line ending."""
        starts = self.starts
        s = starts[line - 1]
        e = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[s:e].rstrip("\r")


class Document:
    """An immutable view of one text with its protected regions and indexes."""

    def __init__(self, text: str, *, extra_regions: Iterable[Region] = (),
                 protect_patterns: Iterable[regex.Pattern] = (), path: str = "-"):
        self.text = text
        self.path = path
        self.regions = find_regions(text, extra_regions, protect_patterns)
        self.protection = Protection(self.regions)

    # -- views ---------------------------------------------------------------
    @cached_property
    def masked(self) -> str:
        return self.protection.mask(self.text, MASK)

    def is_protected(self, pos: int) -> bool:
        return self.protection.contains(pos)

    # -- indexes -------------------------------------------------------------
    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        return paragraphs(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each sentence, from the masked text (quotes opaque)."""
        out: list[tuple[int, int]] = []
        text = self.masked
        for lo, hi in self.paragraphs:
            start = lo
            for m in _SENT_END.finditer(text, lo, hi):
                end = m.end()
                if m.group() != "\n" and _ABBREV_END.search(text, max(lo, end - 6), end):
                    continue
                if text[start:end].strip():
                    out.append(_strip(text, start, end))
                start = end
            if text[start:hi].strip():
                out.append(_strip(text, start, hi))
        return out

    @cached_property
    def tokens(self) -> list[Token]:
        """Word tokens of the masked text (nothing inside protected regions)."""
        return [Token(*m.span(), m.group()) for m in _TOKEN.finditer(self.masked)]

    @cached_property
    def lines(self) -> "LineIndex":
        return LineIndex(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``."""
        return self.lines.line_col(offset)

    def line_text(self, line: int) -> str:
        return self.lines.line_text(line)

    def sentence_at(self, offset: int) -> tuple[int, int]:
        sents = self.sentences
        i = bisect.bisect_right([s for s, _ in sents], offset) - 1
        return sents[i] if i >= 0 else (0, len(self.text))

    # -- document-level evidence ----------------------------------------------
    @cached_property
    def token_counts(self) -> "Counter[str]":
        """How often each token occurs (outside protected regions); no Token objects built."""
        return Counter(_TOKEN.findall(self.masked))

    @cached_property
    def standalone_words(self) -> frozenset[str]:
        """Every token seen standing alone in the document (outside protected regions)."""
        return frozenset(self.token_counts)

    @cached_property
    def standalone_names(self) -> frozenset[str]:
        """Capitalised tokens seen standing alone in the document: names it uses."""
        return frozenset(w for w in self.token_counts if w[:1].isupper())


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
