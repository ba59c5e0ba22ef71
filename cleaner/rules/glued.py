"""MT101 glued words: ``infrastructurekilling`` → ``infrastructure, killing``."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import regex

from ..types import Applicability, Finding
from . import data
from .base import Context, Rule

# lowercase word, or a capitalised one; inner capitals (iPhone, McDonald) are not ours
_CANDIDATE = regex.compile(r"\p{Lu}?\p{Ll}+")


class GluedWords(Rule):
    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        opts = self.options
        min_len = opts.get("min_length", 6)
        max_len = opts.get("max_length", 40)
        min_r = opts.get("min_right_zipf", 3.0)
        min_l = opts.get("min_left_zipf", 3.0)
        lex = ctx.lexicon
        comma_words = data.word_set("clause_openers", "comma")
        plain_words = data.word_set("clause_openers", "plain")
        masked = doc.masked
        counts = Counter(t.text for t in doc.tokens)
        names = doc.standalone_names
        for tok in doc.tokens:
            word = tok.text
            n = len(word)
            if n < min_len or n > max_len or not _CANDIDATE.fullmatch(word):
                continue
            # attached to something that is not prose: code, paths, handles...
            before = masked[tok.start - 1] if tok.start else " "
            after = masked[tok.end] if tok.end < len(masked) else " "
            if before in "_/\\@#.$=<>*`" or after in "_/\\@=<>*`(" or (after == "." and tok.end + 1 < len(masked) and masked[tok.end + 1].isalnum()):
                continue
            if counts[word] > 1 or word in ctx.accept or word.lower() in ctx.accept or lex.zipf(word) > 0:
                continue
            best = None
            for i in range(2, n - 1):
                left, right = word[:i], word[i:]
                zr = lex.zipf(right)
                if zr < min_r or (len(right) < 3 and right not in comma_words and right not in plain_words):
                    continue
                zl = lex.zipf(left)
                if left[0].isupper() and left in names:
                    zl = max(zl, min_l + 0.5)
                if zl < min_l or (len(left) < 3 and left.lower() not in plain_words):
                    continue
                opener = right in comma_words or right in plain_words or (right.endswith("ing") and zr >= 3.5)
                score = min(zl, zr) + (1.5 if opener else 0.0)
                if best is None or score > best[0]:
                    best = (score, i, zl, zr, opener)
            if best is None:
                continue
            score, i, zl, zr, opener = best
            left, right = word[:i], word[i:]
            if not opener and min(zl, zr) < 4.0:
                continue                    # two plain nouns: more likely a compound we do not know
            comma = right in comma_words and not (right in ("who", "which", "whom", "whose") and left.islower() and right == "who")
            if right == "as" and left.islower() and not left.endswith("s"):
                comma = False
            joiner = ", " if comma else " "
            confident = opener and min(zl, zr) >= 3.0
            app = Applicability.SAFE if confident else Applicability.UNSAFE
            fix = self.replace(tok.start, tok.end, left + joiner + right,
                               f"split into “{left}{joiner}{right}”", app)
            yield self.finding(tok.start, tok.end,
                               f"“{word}” looks like “{left}” and “{right}” run together",
                               fix=fix, confidence=0.95 if confident else 0.75)
