"""MT101 glued words: ``infrastructurekilling`` → ``infrastructure, killing``.

When a scraper flattens a hyperlink it drops the comma and space on one side of
the link text.  The junction it leaves is characteristic: the second half is a
closed-class word (and, but, which, who, although, the, a...) or a participle
(killing), and the first half is a common word or a name the document uses.  Two
content words run together (``workbasket``, ``horsedealer``) are far more often a
real compound the lexicon lacks, so they are left alone.
"""
from __future__ import annotations

from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..types import Applicability, Finding
from . import data
from .base import Context, Rule

# Name or word in lowercase after an optional capital ("Macronwho"), or an
# acronym glued to a lowercase word ("ECBwhich").  Inner capitals (iPhone,
# McDonald, WhatsApp) belong to MT107.
# found directly in the text, as whole tokens (a token is a run of
# letters, marks and digits, joined by ’ ' or - into one: those are never candidates)
_TOKEN_CHARS = r"[\p{L}\p{M}\p{N}]"
_CANDIDATE_WORD = _rx(
    rf"(?<!{_TOKEN_CHARS}|{_TOKEN_CHARS}[’'\-])(?:\p{{Lu}}?\p{{Ll}}{{4,}}|\p{{Lu}}{{2,6}}\p{{Ll}}{{2,}})"
    rf"(?!{_TOKEN_CHARS}|[’'\-]{_TOKEN_CHARS})")
_NOT_PROSE_BEFORE = set("_/\\@#$=<>*`~^|")
_NOT_PROSE_AFTER = set("_/\\@=<>*`(~^|")
_PREFIXES = ("over", "under", "out", "up", "down", "re", "un", "mis", "fore", "counter",
             "back", "off", "in", "with", "be", "cross", "inter", "self", "after", "by", "super",
             "paper", "fellow", "hand", "head", "house", "home", "town", "water", "fire", "wood")


class GluedWords(Rule):
    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        opts = self.options
        min_len = opts.get("min_length", 5)
        max_len = opts.get("max_length", 40)
        min_l = opts.get("min_left_zipf", 2.0)
        lex = ctx.lexicon
        comma_words = data.word_set("clause_openers", "comma")
        plain_words = data.word_set("clause_openers", "plain")
        appositive = data.word_set("clause_openers", "appositive")
        weak = data.word_set("clause_openers", "weak")
        weak_names = data.word_set("clause_openers", "weak_after_names")
        function = data.word_set("clause_openers", "function_words")
        closed = comma_words | plain_words | appositive
        max_right = max(map(len, closed))
        masked = doc.masked
        counts = doc.token_counts
        for m in _CANDIDATE_WORD.finditer(masked):
            word = m.group()
            n = len(word)
            if n < min_len or n > max_len:
                continue
            start, end = m.span()
            before = masked[start - 1] if start else " "
            after = masked[end] if end < len(masked) else " "
            if before in _NOT_PROSE_BEFORE or after in _NOT_PROSE_AFTER or (
                    after in ".:" and end + 1 < len(masked) and masked[end + 1].isalnum()):
                continue                      # code, paths, file names, handles
            if counts[word] > 1 or word in ctx.accept or word.lower() in ctx.accept or lex.zipf(word) > 0:
                continue
            split = self._split(word, lex, doc.standalone_names, closed, weak, weak_names, max_right, min_l)
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
