"""MT101 glued words: ``infrastructurekilling`` → ``infrastructure, killing``.

When a scraper flattens a hyperlink it drops the comma and space on one side of
the link text.  The junction it leaves is characteristic: the second half is a
closed-class word (and, but, which, who, although, the, a...) or a participle
(killing), and the first half is a common word or a name the document uses.  Two
content words run together (``workbasket``, ``horsedealer``) are far more often a
real compound the lexicon lacks, so they are left alone.
"""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..document import MASK
from ..types import Applicability, Finding
from . import data
from .base import Context, Rule

# Name or word in lowercase after an optional capital ("Macronwho"), or an
# acronym glued to a lowercase word ("ECBwhich").  Inner capitals (iPhone,
# McDonald, WhatsApp) belong to MT107.
# found directly in the text, as whole tokens (a token is a run of
# letters, marks and digits, joined by ’ ' or - into one: those are never candidates)
_TOKEN_CHARS = r"[\p{L}\p{M}\p{N}]"
_CORE = r"\p{Lu}?\p{Ll}{4,}|\p{Lu}{2,6}\p{Ll}{2,}"
_CANDIDATE_WORD = _rx(
    rf"(?<!{_TOKEN_CHARS}|{_TOKEN_CHARS}[’'\-])(?:{_CORE})"
    rf"(?!{_TOKEN_CHARS}|[’'\-]{_TOKEN_CHARS})")
_CANDIDATE_SHAPE = _rx(_CORE)          # the same word on its own (use fullmatch)
_NOT_PROSE_BEFORE = set("_/\\@#$=<>*`~^|")
_NOT_PROSE_AFTER = set("_/\\@=<>*`(~^|")
_PREFIXES = ("over", "under", "out", "up", "down", "re", "un", "mis", "fore", "counter",
             "back", "off", "in", "with", "be", "cross", "inter", "self", "after", "by", "super",
             "paper", "fellow", "hand", "head", "house", "home", "town", "water", "fire", "wood")


# a whole token starts / ends here (as ``Document`` tokenises): see token_positions
_TOKEN_START = _rx(rf"(?<!{_TOKEN_CHARS}|{_TOKEN_CHARS}[’'\-])")
_TOKEN_END = _rx(rf"(?!{_TOKEN_CHARS}|[’'\-]{_TOKEN_CHARS})")


def token_positions(text: str, s: str) -> list[int]:
    """Where ``s`` (letters only) stands as a whole token of ``text``.

    ``Document`` tokens are letter runs joined by ’ ' or -, so a run of letters is a
    whole token exactly where the candidate pattern's look-arounds hold: the length
    of this list is ``doc.token_counts[s]``, found without tokenising the document
    (which costs more than this whole rule).  A search of the whole text: for a few
    words only (see DocTokens).
    """
    out = []
    n = len(s)
    i = text.find(s)
    while i >= 0:
        if _TOKEN_START.match(text, i) and _TOKEN_END.match(text, i + n):
            out.append(i)
        i = text.find(s, i + 1)
    return out


class DocTokens:
    """``doc.token_counts[w]`` (``count``) and ``w in doc.standalone_names`` (``in``)
    for words of letters only.  The first few words are searched for; past ``FEW``
    the document is tokenised once (a long text full of rare words would otherwise
    be searched once per word)."""

    FEW = 32

    def __init__(self, doc):
        self.doc = doc
        self.text = doc.masked
        self.asked = 0
        self.names: dict[str, bool] = {}

    def count(self, w: str) -> int:
        if self.asked < self.FEW:
            self.asked += 1
            return len(token_positions(self.text, w))
        return self.doc.token_counts[w]

    def __contains__(self, w: str) -> bool:
        found = self.names.get(w)
        if found is None:          # standalone_names: the capitalised keys of token_counts
            found = self.names[w] = w[:1].isupper() and self.count(w) > 0
        return found


class _ChunkMemo:
    """Per process and (lexicon, min_length, max_length): which chunks of text (cut
    at whitespace and _NEUTRAL characters) may hold a word ``_candidates`` keeps
    (``live``: chunk -> those words) and which hold none (``dull``: nearly all).
    A candidate never spans such a cut and its look-arounds stop at it, so this
    depends on the chunk alone, never on the document around it.

    ``dull`` also holds the candidate words already dropped: a candidate word is a
    chunk whose only candidate is itself, so both meanings agree."""

    MAX = 100_000                      # entries kept before starting afresh (memory)

    def __init__(self) -> None:
        self.dull: set[str] = set()
        self.live: dict[str, tuple[str, ...]] = {}


_MEMOS: dict[tuple, _ChunkMemo] = {}
# common characters that are neither token characters nor joiners: as neutral to
# _CANDIDATE_WORD as a space, so the text is cut at them too, and "rose," "rose."
# "(rose" share the chunk "rose" (and masked quotations leave no chunk at all)
_NEUTRAL = (",", ".", ";", ":", "(", ")", '"', "!", "?", "“", "”", MASK)


@lru_cache(maxsize=1)
def _vocab():
    comma_words = data.word_set("clause_openers", "comma")
    plain_words = data.word_set("clause_openers", "plain")
    appositive = data.word_set("clause_openers", "appositive")
    closed = comma_words | plain_words | appositive
    # _split finds nothing in a word that ends neither in a closed-class word (step 1)
    # nor in "ing" (step 2): those endings (the shortest suffice), by last letter
    ends = closed | {"ing"}
    by_last: dict[str, tuple[str, ...]] = {}
    for w in sorted(w for w in ends if not any(v != w and w.endswith(v) for v in ends)):
        by_last[w[-1]] = by_last.get(w[-1], ()) + (w,)
    return (comma_words, appositive, closed, data.word_set("clause_openers", "weak"),
            data.word_set("clause_openers", "weak_after_names"),
            data.word_set("clause_openers", "function_words"), max(map(len, closed)), by_last)


def _candidates(masked: str, lex, min_len: int, max_len: int) -> set[str]:
    """A superset of the distinct candidate words of ``masked`` that pass every
    test that depends on the word alone: a length in range, unknown to the lexicon
    (``lex.zipf(w) == 0``), and an ending ``_split`` can use.  (The caller checks
    that each word really stands as a token in ``masked``.)

    Cutting the text into chunks and a set difference with the memo run in C; the
    regex and the lexicon only see the chunks this process has not met before.
    """
    key = (lex, min_len, max_len)
    memo = _MEMOS.get(key)
    if memo is None:
        if len(_MEMOS) >= 8:
            _MEMOS.clear()
        memo = _MEMOS[key] = _ChunkMemo()
    dull, live = memo.dull, memo.live
    chunks = masked
    for c in _NEUTRAL:                 # (str.replace runs at memory speed)
        chunks = chunks.replace(c, " ")
    rest = set(chunks.split()) - dull
    words: set[str] = set()
    if not rest:
        return words
    new = rest.difference(live)        # (a dict is searched in C too)
    if len(new) < len(rest):
        for c in rest - new:
            words.update(live[c])
    if not new:
        return words
    if len(dull) + len(live) > memo.MAX:
        dull.clear()
        live.clear()
    # a chunk of ASCII letters is its own only possible candidate (its shape is checked
    # below); the regex finds the candidates of the others, in one call over them all
    # ("\n" is as neutral as the whitespace it replaces)
    plain = set(filter(str.isalpha, filter(str.isascii, new)))
    new = list(new - plain)
    joined = "\n".join(new)
    found = (set(_CANDIDATE_WORD.findall(joined)) | plain) - dull
    ends = _vocab()[-1]
    kept = [w for w in found if w.endswith(ends.get(w[-1], ()))
            and min_len <= len(w) <= max_len and not lex.zipf(w) > 0 and _CANDIDATE_SHAPE.fullmatch(w)]
    dull.update(found)                 # (the plain chunks among them)
    dull.update(new)
    dull.difference_update(kept)
    for w in kept:
        if w in plain:
            live[w] = (w,)
    if kept:                           # the other chunks these words are in, by offset in `joined`
        starts = list(accumulate(map(add, map(len, new), repeat(1)), initial=0))
        where: dict[int, set[str]] = {}
        for w in kept:
            i = joined.find(w)
            while i >= 0:              # (may also hit inside a longer word: harmless)
                where.setdefault(bisect_right(starts, i) - 1, set()).add(w)
                i = joined.find(w, i + 1)
        for i, ws in where.items():
            dull.discard(new[i])
            live[new[i]] = tuple(ws)
        words.update(kept)
    return words


class GluedWords(Rule):
    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        opts = self.options
        min_len = opts.get("min_length", 5)
        max_len = opts.get("max_length", 40)
        min_l = opts.get("min_left_zipf", 2.0)
        lex = ctx.lexicon
        masked = doc.masked
        # the tests that depend on the word alone first (length, lexicon, ending), in
        # bulk and memoised; the rare survivors (names, rare words, glued words) are
        # then checked one by one, in the same way as ever
        words = _candidates(masked, lex, min_len, max_len)
        if not words:
            return
        accept = ctx.accept
        words = {w for w in words if w not in accept and w.lower() not in accept}
        # where each word stands as a token (so as a candidate), if only once: more
        # often, doc.token_counts[word] > 1, a word the document repeats (or 0: a word
        # only seen inside a longer one)
        if len(words) <= DocTokens.FEW:
            once = []
            for word in words:
                where = token_positions(masked, word)
                if len(where) == 1:
                    once.append((where[0], word))
            names = DocTokens(doc)
        else:                                 # many rare words: one pass over the text
            counts = doc.token_counts
            once = [(m.start(), m.group()) for m in _CANDIDATE_WORD.finditer(masked)
                    if m.group() in words and counts[m.group()] == 1]
            names = doc.standalone_names
        once.sort()                           # report in text order
        comma_words, appositive, closed, weak, weak_names, function, max_right, _ = _vocab()
        for start, word in once:
            end = start + len(word)
            before = masked[start - 1] if start else " "
            after = masked[end] if end < len(masked) else " "
            if before in _NOT_PROSE_BEFORE or after in _NOT_PROSE_AFTER or (
                    after in ".:" and end + 1 < len(masked) and masked[end + 1].isalnum()):
                continue                      # code, paths, file names, handles
            split = self._split(word, lex, names, closed, weak, weak_names, max_right, min_l)
            if split is None:
                continue
            left, right, zl, confident = split
            if right in appositive:
                comma = left.lower() not in function
            elif right == "who":
                comma = left[0].isupper()     # "Macron, who" but "people who"
            elif right == "as":
                comma = left.endswith("s") or left[0].isupper()
            else:
                comma = right in comma_words or right.endswith("ing")
            joiner = ", " if comma else " "
            app = Applicability.SAFE if confident else Applicability.UNSAFE
            fix = self.replace(start, end, left + joiner + right,
                               f"split into “{left}{joiner}{right}”", app)
            yield self.finding(start, end,
                               f"“{word}” looks like “{left}” and “{right}” run together",
                               fix=fix, confidence=0.95 if confident else 0.8)

    @staticmethod
    def _split(word, lex, names, closed, weak, weak_names, max_right, min_l):
        """Best (left, right, left_zipf, confident) split, or None."""
        n = len(word)
        # 1. a closed-class word glued on: "Macronwho", "pricesand", "Telescopea"
        for k in range(min(max_right, n - 2), 0, -1):
            left, right = word[:n - k], word[n - k:]
            if right not in closed or (right.endswith("ing") and left.lower() in _PREFIXES):
                continue
            zl = lex.zipf(left)
            is_name = left[0].isupper() and left in names
            if left.isupper() and len(left) >= 2:          # ECBwhich
                if right in weak or k < 3:
                    continue
                return left, right, 3.0, False
            if right in weak:
                # "a", "in", "as" end many real words and names: demand a frequent
                # lowercase first half, or a well-known name for "in"/"as" ("Spainin")
                if len(left) < 4:
                    continue
                if left.islower() and zl >= 3.5:
                    return left, right, zl, True
                if right in weak_names and left[0].isupper() and (is_name or zl >= 4.0):
                    return left, right, zl, True
                continue
            if len(left) < 3 and not (left in ("in", "on", "up", "at") and right in ("and", "but")):
                continue
            if zl >= min_l or is_name or (len(left) >= 6 and zl >= 1.0):
                return left, right, max(zl, 3.0), True
            if k >= 5 and len(left) >= 4:
                # a long clause opener after an unknown word or name: "tengewhich", "Chișinăuwhere"
                return left, right, zl, False
                # 2. a participle glued on: "infrastructurekilling"
        if word.islower() and word.endswith("ing") and not any(
                word.startswith(p) and lex.zipf(word[len(p):]) >= 2.0 for p in _PREFIXES):
            best = None
            for i in range(6, n - 5):
                left, right = word[:i], word[i:]
                zl, zr = lex.zipf(left), lex.zipf(right)
                if zl >= 4.0 and zr >= 3.5 and (best is None or min(zl, zr) > best[2]):
                    best = (left, right, min(zl, zr), True)
            return best
        return None
