"""Duplicated words and duplicated teasers.

* MT106 ``the the previous`` → ``the previous``: one regex pass with a
  case-insensitive back-reference, then vocabulary checks that keep the
  legitimate doubles (``that that``, ``had had``, ``give her her book``, ``bye bye``,
  ``Sirhan Sirhan``).
* MT108 ``X accepts need to rest moreX accepts need to rest more``: a headline
  teaser repeated immediately (glued or after one space), left by scrapers that
  flatten a link's title and its text.
"""
from __future__ import annotations

import re
from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..document import MASK
from ..types import Applicability, Finding
from . import data
from .base import Context, Rule
from .spacing import code_line

# -- MT106 duplicated word ------------------------------------------------------------------

# (the stdlib engine is 2x faster here; separators and the characters around the
# pair are checked in Python: lookarounds and alternations cost 3x the throughput)
_DOUBLE = re.compile(r"(?i)\b([^\W\d_]+)(\s+)(\1)\b")
_NOT_BEFORE = set("’'-_.@#/&")
_NOT_AFTER = set("’'-_")
_PREV_WORDS = _rx(r"[\p{L}’']+")
_SENTENCE_START = _rx(r"(?:^|[.!?…][\"”’)\]]*[ \t]+|\n[ \t]*)$")


class DuplicatedWord(Rule):
    """MT106: ``the the`` → ``the``."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        never = data.word_set("duplicated_words", "never")
        unsafe = data.word_set("duplicated_words", "unsafe")
        legit = data.word_set("duplicated_words", "legit")
        cleft = data.word_set("duplicated_words", "cleft_context")
        determiners = data.word_set("duplicated_words", "determiners")
        to_prep = data.word_set("duplicated_words", "to_preposition")
        lex = ctx.lexicon
        n = len(text)
        for m in _DOUBLE.finditer(text):
            if (m.start() and text[m.start() - 1] in _NOT_BEFORE) or (m.end() < n and text[m.end()] in _NOT_AFTER):
                continue                                    # we’re re-filing, one one-hundredth
            if m.end() + 1 < n and text[m.end()] in ".:/" and text[m.end() + 1].isalnum():
                continue                                    # example example.cpp
            first, sep, second = m.group(1), m.group(2), m.group(3)
            if sep.count("\n") > 1 or (sep != " " and sep.strip(" \t\n")):
                continue                                    # a paragraph break, odd whitespace
            low = first.lower()
            if f"{first} {second}" in ctx.accept or f"{low} {low}" in ctx.accept:
                continue                                    # (a user may accept "Mahi Mahi", "bora bora")
            particle_before_name = False
            if low in legit:
                # "rushed in in such a multitude" is English; "in in December" is not
                if low not in ("in", "on", "by") or not regex.match(r"[ \t]+(?:\p{Lu}|\d)", text[m.end():m.end() + 3]):
                    continue
                particle_before_name = True
            if first != second:
                # "The the" at a sentence start is a duplicate; "the The Times",
                # "first First Lady", "Sirhan Sirhan" are not
                if not (first[0].isupper() and first[1:] == second[1:] and second[0].islower()
                        and _SENTENCE_START.search(text, max(0, m.start() - 4), m.start())):
                    continue
            elif first[0].isupper() and first != "I":
                continue                                    # Walla Walla, Duran Duran, Late Late
            # a third copy: reduplication or a chant (day day day), not a typo
            nxt = regex.match(r"[ \t]+(\p{L}+)", text[m.end():m.end() + 40])
            if nxt and nxt.group(1).lower() == low:
                continue
            prev = _PREV_WORDS.findall(text, max(0, m.start() - 80), m.start())
            if prev and prev[-1].lower() == low:
                continue
            if code_line(text, m.start()):
                continue                                    # code, commands, preformatted output
            if "\n" in sep and low not in never:
                continue                                    # verse and headings: only sure cases
            if particle_before_name:
                app, conf = Applicability.UNSAFE, 0.7
            elif low in never:
                app, conf = Applicability.SAFE, 0.95
            elif low in unsafe:
                app, conf = Applicability.UNSAFE, 0.85
                if low in ("is", "was", "are", "were", "have", "has") and any(
                        w.lower() in cleft for w in prev[-6:]):
                    continue                                # what it is is, the thing is is
                if low in ("will", "can", "may", "might", "must", "shall") and prev and (
                        prev[-1].lower() in determiners or prev[-1].endswith(("’s", "'s"))):
                    continue                                # the will will be read
                if low == "to" and prev and prev[-1].lower() in to_prep and not regex.match(
                        r"\s+(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your|some|any|every|each|no)\b",
                        text[m.end():m.end() + 12], regex.IGNORECASE):
                    continue                                # resorted to to keep (but: forward to to the)
                if low == "at" and regex.match(r"[ \t]+(?:least|most|best|worst|first|last|once|all|times|home)\b",
                                               text[m.end():m.end() + 12]):
                    continue                                # look at at least
            else:
                # a content word: flagged when it is a real, common word in lowercase
                if not first.islower() or len(first) < 4 or lex.zipf(low) < 3.0:
                    continue
                if prev and prev[-1].lower() in ("and", "nor", "or", "but", "not", "be", "is", "was"):
                    continue                                # "nor poverty poverty" (rhetoric)
                app, conf = Applicability.UNSAFE, 0.75
            if "\n" in sep:
                # keep the line break: drop the first copy and the spaces before it
                s = m.start()
                while s > 0 and text[s - 1] in " \t":
                    s -= 1
                e = m.end(1)
            else:
                s, e = m.end(1), m.end(3)
            fix = self.replace(s, e, "", f"delete the repeated “{second}”", app)
            yield self.finding(m.start(), m.end(), f"repeated word “{first} {second}”",
                               fix=fix, confidence=conf)


# -- MT108 duplicated teaser ------------------------------------------------------------------

# where a repeated copy may start: a capital after a space, or glued to the end
# of the previous copy (a lowercase letter, digit or closing punctuation)
_COPY_START = _rx(r"(?<=[ \t\p{Ll}\p{N}.!?%)])\p{Lu}")
_FIRST_WORD = _rx(r"\p{Lu}[\p{L}\p{M}\p{N}’'\-]*")
_MAX_TEASER = 240


def find_teasers(text: str) -> list[tuple[int, int, int, int]]:
    """(first_start, first_end, copy_start, copy_end) of each capitalised run of
    words repeated immediately (glued, or after one space or tab)."""
    out: list[tuple[int, int, int, int]] = []
    n = len(text)
    last_end = -1
    for m in _COPY_START.finditer(text):
        p = m.start()
        if p < last_end:
            continue
        w = _FIRST_WORD.match(text, p)
        first = w.group()
        lo = max(0, p - _MAX_TEASER - 1, last_end)
        q = text.rfind(first, lo, p - 14)
        while q >= 0:
            if q == 0 or not text[q - 1].isalpha() or text[q - 1].islower():
                sep = 1 if text[p - 1] in " \t" else 0
                seg = text[q:p - sep]
                e = p + len(seg)
                if (text.startswith(seg, p)
                        and (e >= n or not text[e].isalnum() or (text[e].isupper() and text[e - 1].islower()))
                        and "\n" not in seg and MASK not in seg and _teaser_like(seg, sep)):
                    out.append((q, p - sep, p - sep, e))
                    last_end = e
                    break
            q = text.rfind(first, lo, q)
    return out


def _teaser_like(seg: str, sep: int) -> bool:
    words = seg.split()
    if len(words) < 3 or len(seg) < 15:
        return False
    if sep and (seg[-1] in ".!?" or len(words) < 4):
        return False        # "Thank you very much. Thank you very much." is rhetoric
    return seg[-1].isalnum() or seg[-1] in ".!?%)"


def teaser_positions(doc) -> frozenset[int]:
    """Start offsets of duplicated copies (cached per document for MT107)."""
    cache = doc.__dict__.get("_mt108_teasers")
    if cache is None:
        cache = find_teasers(doc.masked)
        doc.__dict__["_mt108_teasers"] = cache
    return frozenset(c + (1 if c < len(doc.masked) and doc.masked[c] in " \t" else 0)
                     for _, _, c, _ in cache)


class DuplicatedTeaser(Rule):
    """MT108: a headline teaser repeated immediately (``...rest moreX accepts...``)."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        teaser_positions(doc)
        for s1, e1, s2, e2 in doc.__dict__["_mt108_teasers"]:
            seg = doc.masked[s1:e1]
            fix = self.replace(e1, e2, "", "delete the repeated teaser", Applicability.UNSAFE)
            yield self.finding(s2, e2, f"teaser repeated: “{_short(seg)}”", fix=fix, confidence=0.85)


def _short(s: str, n: int = 50) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"
