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


def finditer(pattern: "regex.Pattern", text: str, pos: int = 0, endpos: int | None = None):
    """Like ``pattern.finditer`` but gives up (yielding nothing more) after TIMEOUT."""
    try:
        yield from pattern.finditer(text, pos, len(text) if endpos is None else endpos, timeout=TIMEOUT)
    except TimeoutError:
        return
