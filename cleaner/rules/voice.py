"""Document voice: is the prose outside quotes written in the first person?

Computed once per document (``ctx.facts``) from ``doc.masked``, so first-person
pronouns inside quoted speech never count.  An op-ed, a blog post, a speech or a
first-person novel uses ``I``/``me``/``my`` throughout; a news report or a
third-person story outside its dialogue almost never does — and there a stray
``I am`` between a subject and its complement is a translation calque.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

_FIRST = _rx(r"(?<![\p{L}\p{N}’'])(?:I|me|my|mine|myself|I’m|I'm|I’ve|I've|I’d|I'd|I’ll|I'll)(?![\p{L}\p{N}])")
_FIRST_PLURAL = _rx(r"(?<![\p{L}\p{N}’'])(?:[Ww]e|us|[Oo]ur|ours|ourselves)(?![\p{L}\p{N}’'])")
_WORD = _rx(r"\p{L}+")


@dataclass(frozen=True, slots=True)
class Voice:
    words: int
    first_singular: int            # I / me / my ... outside quotes
    first_plural: int              # we / us / our ... outside quotes
    first_singular_at: tuple[int, ...]

    def first_person_besides(self, positions: set[int]) -> int:
        """First-person singular pronouns outside quotes other than those at ``positions``."""
        return sum(1 for p in self.first_singular_at if p not in positions)


def voice(doc, ctx) -> Voice:
    v = ctx.facts.get("voice")
    if v is None:
        text = doc.masked
        at = tuple(m.start() for m in _FIRST.finditer(text))
        v = Voice(len(_WORD.findall(text)), len(at), len(_FIRST_PLURAL.findall(text)), at)
        ctx.facts["voice"] = v
    return v
