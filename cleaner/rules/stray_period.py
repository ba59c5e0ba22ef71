"""MT102 stray period: ``world order. is headed`` → ``world order is headed``."""
from __future__ import annotations

from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from ..regexcache import compile_std as _rx_std

from ..types import Applicability, Finding
from . import data
from .base import Context, Rule

_PATTERN = _rx(r"(?<=[\p{L}\p{N}\)\]%])\.([ \t]+)(\p{Ll}[\p{L}’'\-]*)")
# _PATTERN starts a match at every character; its matches start at a period
# followed by spaces and what may be a lower-case letter (any character beyond
# ASCII may be one: the regex module's Unicode tables are newer than Python's)
_PERIOD_BEFORE_LOWER = _rx_std(r"\.(?=[ \t]+[a-z\x80-\U0010ffff])")
# (?r): searched from the end, the same match as a forward search, without a try
# at every character of the window
_WORD_BEFORE = _rx(r"(?r)[\p{L}\p{N}.&]+$")
# next words that may legitimately begin a sentence whose capital was lost
_SENTENCE_STARTERS = frozenset(
    "he she it they we i you the a an this that these those there here then so but and "
    "yet however his her its their our my your one some many most all no".split()
)


class StrayPeriod(Rule):
    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        abbrevs = data.word_set("abbreviations", "abbreviations")
        comma_words = data.word_set("clause_openers", "comma")
        for hit in _PERIOD_BEFORE_LOWER.finditer(text):
            m = _PATTERN.match(text, hit.start())
            if m is None:
                continue
            dot = m.start()
            nxt = m.group(2)
            if any(c.isupper() for c in nxt[1:]):          # eBay, iPhone
                continue
            wb = _WORD_BEFORE.search(text, max(0, dot - 40), dot)
            if not wb:
                continue
            prev = wb.group()
            bare = prev.strip(".").lower()
            if "." in prev or (len(bare) <= 1 and not bare.isdigit()) or bare in abbrevs:
                continue                                   # U.S., a.m., initials, etc.
            line_start = text.rfind("\n", 0, dot) + 1
            if (bare.isdigit() or _roman(bare)) and not text[line_start:wb.start()].strip():
                continue                                   # list markers: "1. item", "iv. item"
            if _roman(bare) and (len(bare) <= 2 or prev.isupper()):
                continue                                   # "Louis XVI. of France", "ii. the"
            lex = ctx.lexicon
            joined = lex.zipf(prev + nxt)
            if joined >= 3.0 and joined >= min(lex.zipf(prev), lex.zipf(nxt)) - 1.0:
                continue                                   # a word split by OCR: "con. trolled", "Ger. man"
            if dot >= 2 and text[dot - 1] == "." :
                continue                                   # ellipsis
            lower = nxt.lower()
            comma = (lower in comma_words and lower not in ("as", "while")) or (
                lower.endswith("ing") and len(lower) > 5 and ctx.lexicon.zipf(lower) >= 3.0)
            ambiguous = lower in _SENTENCE_STARTERS
            app = Applicability.UNSAFE if ambiguous else Applicability.SAFE
            if comma:
                fix = self.replace(dot, dot + 1, ",", "replace the period with a comma", app)
            else:
                fix = self.replace(dot, dot + 1, "", "delete the period", app)
            yield self.finding(dot, m.end(2),
                               f"stray period before lowercase “{nxt}”: the sentence goes on",
                               fix=fix, confidence=0.8 if ambiguous else 0.95)


def _roman(s: str) -> bool:
    return bool(s) and all(c in "ivxlcdm" for c in s) and len(s) <= 4
