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
from functools import lru_cache
from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from ..regexcache import compile_std as _rx_std

from ..document import MASK
from ..types import Applicability, Finding
from . import data
from .base import Context, Rule
from .spacing import code_line, encode_masked, masked_bytes

# -- MT106 duplicated word ------------------------------------------------------------------

# (the stdlib engine is 2x faster here; separators and the characters around the
# pair are checked in Python: lookarounds and alternations cost 3x the throughput)
_DOUBLE = _rx_std(r"(?i)\b([^\W\d_]+)(\s+)(\1)\b")
_NOT_BEFORE = set("’'-_.@#/&")
_NOT_AFTER = set("’'-_")
_PREV_WORDS = _rx(r"[\p{L}’']+")
_SENTENCE_START = _rx(r"(?:^|[.!?…][\"”’)\]]*[ \t]+|\n[ \t]*)$")


class DuplicatedWord(Rule):
    """MT106: ``the the`` → ``the``."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        vocab = _vocabulary()
        # _DOUBLE tries every word start (~25 MB/s); a byte scan finds the few places
        # where a reported pair can start instead (see _double_starts)
        starts = _double_starts(doc)
        if starts is not None:
            found = []
            for q in starts:
                m = _DOUBLE.match(text, q)
                finding = self._judge(m, text, ctx, vocab) if m else None
                if finding is not None:
                    if _swallowed(text, q):
                        break                               # "in in in": as finditer pairs them
                    found.append(finding)
            else:
                yield from found
                return
        for m in _DOUBLE.finditer(text):
            finding = self._judge(m, text, ctx, vocab)
            if finding is not None:
                yield finding

    def _judge(self, m, text: str, ctx: Context, vocab) -> Finding | None:
        """The finding for one match of _DOUBLE, or None (it depends on nothing else)."""
        never, unsafe, legit, cleft, determiners, to_prep = vocab
        lex = ctx.lexicon
        n = len(text)
        if (m.start() and text[m.start() - 1] in _NOT_BEFORE) or (m.end() < n and text[m.end()] in _NOT_AFTER):
            return None                                     # we’re re-filing, one one-hundredth
        if m.end() + 1 < n and text[m.end()] in ".:/" and text[m.end() + 1].isalnum():
            return None                                     # example example.cpp
        first, sep, second = m.group(1), m.group(2), m.group(3)
        if sep.count("\n") > 1 or (sep != " " and sep.strip(" \t\n")):
            return None                                     # a paragraph break, odd whitespace
        low = first.lower()
        if f"{first} {second}" in ctx.accept or f"{low} {low}" in ctx.accept:
            return None                                     # (a user may accept "Mahi Mahi", "bora bora")
        particle_before_name = False
        if low in legit:
            # "rushed in in such a multitude" is English; "in in December" is not
            if low not in ("in", "on", "by") or not regex.match(r"[ \t]+(?:\p{Lu}|\d)", text[m.end():m.end() + 3]):
                return None
            particle_before_name = True
        if first != second:
            # "The the" at a sentence start is a duplicate; "the The Times",
            # "first First Lady", "Sirhan Sirhan" are not
            if not (first[0].isupper() and first[1:] == second[1:] and second[0].islower()
                    and _SENTENCE_START.search(text, max(0, m.start() - 4), m.start())):
                return None
        elif first[0].isupper() and first != "I":
            return None                                     # Walla Walla, Duran Duran, Late Late
        # a third copy: reduplication or a chant (day day day), not a typo
        nxt = regex.match(r"[ \t]+(\p{L}+)", text[m.end():m.end() + 40])
        if nxt and nxt.group(1).lower() == low:
            return None
        prev = _PREV_WORDS.findall(text, max(0, m.start() - 80), m.start())
        if prev and prev[-1].lower() == low:
            return None
        if code_line(text, m.start()):
            return None                                     # code, commands, preformatted output
        if "\n" in sep and low not in never:
            return None                                     # verse and headings: only sure cases
        if particle_before_name:
            app, conf = Applicability.UNSAFE, 0.7
        elif low in never:
            app, conf = Applicability.SAFE, 0.95
        elif low in unsafe:
            app, conf = Applicability.UNSAFE, 0.85
            if low in ("is", "was", "are", "were", "have", "has") and any(
                    w.lower() in cleft for w in prev[-6:]):
                return None                                 # what it is is, the thing is is
            if low in ("will", "can", "may", "might", "must", "shall") and prev and (
                    prev[-1].lower() in determiners or prev[-1].endswith(("’s", "'s"))):
                return None                                 # the will will be read
            if low == "to" and prev and prev[-1].lower() in to_prep and not regex.match(
                    r"\s+(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your|some|any|every|each|no)\b",
                    text[m.end():m.end() + 12], regex.IGNORECASE):
                return None                                 # resorted to to keep (but: forward to to the)
            if low == "at" and regex.match(r"[ \t]+(?:least|most|best|worst|first|last|once|all|times|home)\b",
                                           text[m.end():m.end() + 12]):
                return None                                 # look at at least
        else:
            # a content word: flagged when it is a real, common word in lowercase
            if not first.islower() or len(first) < 4 or lex.zipf(low) < 3.0:
                return None
            if prev and prev[-1].lower() in ("and", "nor", "or", "but", "not", "be", "is", "was"):
                return None                                 # "nor poverty poverty" (rhetoric)
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
        return self.finding(m.start(), m.end(), f"repeated word “{first} {second}”",
                            fix=fix, confidence=conf)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], ...]:
    return tuple(data.word_set("duplicated_words", k) for k in
                 ("never", "unsafe", "legit", "cleft_context", "determiners", "to_preposition"))


# -- MT106 byte scan ------------------------------------------------------------------------
#
# The masked text is copied one byte per character (spacing.masked_bytes: latin-1,
# "?" for any other character, \x00 for protected ones) and classed by one
# bytes.translate: letters lower-cased (what the case-blind back-reference
# compares), digits and "_" as "0", protected characters and those _judge rejects
# before a first word as \x02, whitespace and any other character as " ".  A space
# then a letter run that comes again after spaces marks where _DOUBLE may match a
# reportable pair (and a few places where it does not: "no, no"): one attempt per
# word instead of one per character.  "?" is both a letter and a boundary: a scan
# anchored on it finds the words it precedes, and "??" is left to the full pass;
# a word glued after protected text is left to it too.


def _double_table() -> tuple[bytes, bytes, bytes]:
    table = bytearray(256)
    letters = bytearray()
    for c in range(256):
        ch = chr(c)
        if ch.isalnum() and not ch.isdecimal():     # [^\W\d_] (as re defines it)
            table[c] = ord(ch.lower())
            letters.append(ord(ch.lower()))
        elif ch.isalnum() or ch == "_":             # \w
            table[c] = ord("0")
        else:
            table[c] = 2 if ch in _NOT_BEFORE or c == 0 else ord(" ")    # (\x00: protected)
    table[ord("?")] = ord("?")             # an ASCII "?" or any character beyond latin-1
    letters = bytes(sorted(set(letters)))
    return bytes(table), b"[" + re.escape(letters + b"?") + b"]", b"[" + re.escape(letters + b"0") + b"]"


_DOUBLE_TABLE, _RUN, _WORD = _double_table()
# a word, spaces, the same word: a letter, then up to a space ([^ ] is the fastest
# loop; a first word is followed by spaces anyway)
_PAIR = b"(" + _RUN + b"[^ ]*+) ++\\1(?!" + _WORD + b")"
_PAIR_AFTER = (_rx_std(b" " + _PAIR), _rx_std(b"\\?(?:\\?|" + _PAIR + b")"))   # (no group 1: "??")
_PAIR_AT_START = _rx_std(_PAIR)
# characters beyond latin-1 whose lower case is in it: "?" in the copy, a letter in
# its partner ("İs is" matches the case-blind back-reference)
_CASE_PARTNERS = ("\u0130", "\u0178", "\u1e9e", "\u212a", "\u212b")


def _double_starts(doc) -> list[int] | None:
    """Offsets where _DOUBLE may match a pair that _judge reports (a superset,
    sorted), or None when the scan cannot tell (the full pass decides)."""
    text = doc.masked
    if any(ch in text for ch in _CASE_PARTNERS):
        return None
    n = len(text)
    for r in doc.regions:                   # a word glued after protected text
        if r.start < r.end < n and text[r.end].isalnum():
            return None
    b = masked_bytes(doc)
    if b is None:
        return None
    b = b.translate(_DOUBLE_TABLE)
    starts = [0] if _PAIR_AT_START.match(b) else []
    for pattern in _PAIR_AFTER:
        m = pattern.search(b)
        while m:
            if m.start(1) < 0:              # "??": letters and boundaries mixed
                return None
            starts.append(m.start(1))
            m = pattern.search(b, m.start() + 1)
    return sorted(starts)


def _swallowed(text: str, q: int) -> bool:
    """Whether the word before ``q`` and the one at ``q`` match _DOUBLE too (then
    finditer may never try ``q``)."""
    j = q
    while j and text[j - 1].isspace():
        j -= 1
    k = j
    while k and text[k - 1].isalnum() and not text[k - 1].isdecimal():   # [^\W\d_]
        k -= 1
    m = _DOUBLE.match(text, k) if k < j < q else None
    return m is not None and m.end() > q


# -- MT108 duplicated teaser ------------------------------------------------------------------

# where a repeated copy may start: a capital after a space, or glued to the end
# of the previous copy (a lowercase letter, digit or closing punctuation)
_COPY_START = _rx(r"(?<=[ \t\p{Ll}\p{N}.!?%)])\p{Lu}")
_FIRST_WORD = _rx(r"\p{Lu}[\p{L}\p{M}\p{N}’'\-]*")
_MAX_TEASER = 240


# A teaser is a run of 15 to 240 characters (no line break, no protected text)
# that starts with a capital and comes again at once (after a space or tab, or
# none).  In a byte copy with every capital as "U" and protected characters as
# line breaks, _REPEAT_15 finds a capital whose next 14 characters come again after
# a capital at most 241 characters on (one attempt per capital, in C; the match
# ends 14 bytes after the farthest such capital), then bytes comparisons tell
# whether the whole run repeats there; only then does the scan below run.
_REPEAT_15 = _rx_std(rb"U(.{14}).{0,226}U\1")         # (no group after .{0,226}: it
#                                                       would cost a jump per byte)
_TEASER_TABLE = bytes(ord("U") if chr(c).isupper() or c == ord("?") else 10 if c == 0 else c for c in range(256))


def _may_repeat(encoded: bytes | None) -> bool:
    """False when the text has no teaser (``encoded``: see spacing.encode_masked)."""
    if encoded is None:
        return True
    b = encoded.translate(_TEASER_TABLE)
    m = _REPEAT_15.search(b)
    while m:
        q = m.start()
        while m:
            p = m.end() - 15
            if b[q:p] == b[p:p + p - q] or (b[p - 1] in b" \t" and b[q:p - 1] == b[p:p + p - 1 - q]):
                return True
            m = _REPEAT_15.match(b, q, p + 14)      # a nearer capital
        m = _REPEAT_15.search(b, q + 1)
    return False


def find_teasers(text: str, encoded: bytes | None = b"") -> list[tuple[int, int, int, int]]:
    """(first_start, first_end, copy_start, copy_end) of each capitalised run of
    words repeated immediately (glued, or after one space or tab).  ``encoded``:
    the text as spacing.encode_masked gives it, when the caller has it."""
    if not _may_repeat(encode_masked(text) if encoded == b"" else encoded):
        return []
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
        cache = find_teasers(doc.masked, masked_bytes(doc))
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
