"""User-supplied regular expressions, compiled with ``regex`` and always run with
a timeout so that a pathological pattern cannot hang a run."""
from __future__ import annotations

import regex

TIMEOUT = 1.0  # seconds per search


class UserRegexError(ValueError):
    pass


def compile_user_regex(pattern: str, *, where: str = "pattern", flags: int = 0) -> "regex.Pattern":
    try:
        from ..regexcache import compile as cached_compile   # persistent: start-up time

        return cached_compile(pattern, flags | regex.V1)
    except regex.error as exc:
        raise UserRegexError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None


class LazyPattern:
    """A regular expression compiled on first use.

    Built-in phrasebooks hold about two thousand patterns, and a document touches
    only the few whose anchor words occur in it: compiling them all at start-up cost
    more than checking a page.  Attribute access (``finditer``, ``groupindex``...)
    compiles the pattern; :meth:`validate` does so eagerly (user packs, data tests).
    ``on_error(message)`` turns a syntax error into the caller's exception type."""

    __slots__ = ("source", "flags", "where", "on_error", "_compiled")

    def __init__(self, source: str, flags: int = 0, *, where: str = "pattern", on_error=None):
        self.source = source
        self.flags = flags
        self.where = where
        self.on_error = on_error
        self._compiled = None

    def validate(self) -> "regex.Pattern":
        c = self._compiled
        if c is None:
            try:
                c = self._compiled = compile_user_regex(self.source, where=self.where, flags=self.flags)
            except UserRegexError as exc:
                if self.on_error is None:
                    raise
                raise self.on_error(str(exc)) from None
        return c

    def __getattr__(self, name: str):
        if name.startswith("__"):          # pickle and copy probe dunders on bare instances
            raise AttributeError(name)
        return getattr(self.validate(), name)

    # pickled as its source (the start-up cache of parsed packs): compiled again on first use
    def __getstate__(self):
        return (self.source, self.flags, self.where, self.on_error)

    def __setstate__(self, state) -> None:
        self.source, self.flags, self.where, self.on_error = state
        self._compiled = None


def finditer(pattern: "regex.Pattern", text: str, pos: int = 0, endpos: int | None = None):
    """Like ``pattern.finditer`` but gives up (yielding nothing more) after TIMEOUT."""
    try:
        yield from pattern.finditer(text, pos, len(text) if endpos is None else endpos, timeout=TIMEOUT)
    except TimeoutError:
        return
