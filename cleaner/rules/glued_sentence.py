"""MT107 glued sentences and headlines: ``rest moreZidane``, ``Sungai Buloh
PrisonVisiting Turkish``, ``draws controversyThe Edit``.

A scraper that flattens a list of links (or a teaser and its headline) drops the
line break between them, leaving a lowercase letter run straight into a capital.
Real camel-case names do the same (iPhone, YouTube, MacArthur), so a join is only
reported on evidence:

* the whole word is unknown: not in the lexicon (wordfreq knows YouTube, PayPal,
  LinkedIn, McDonald...), not in the accept vocabulary, not used twice in the
  document, not a Mc/Mac/De/La... name;
* both halves are words: the left half a common word (or a name the document uses
  on its own), the right half a common capitalised word, a name the document uses
  on its own, or a sentence opener (The, This, He, According...);
* for a capitalised left half (``PrisonVisiting``), stronger evidence still: a
  sentence opener that is not also a compound ending (LinkedIn, AddOn), or two long
  common words.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..types import Applicability, Finding
from . import data
from .base import Context, Rule
from .duplicates import teaser_positions
from .glued import DocTokens
from .spacing import code_line

# a capital after a lowercase letter; the word around it is found in Python (a regex
# matching the whole word is 6x slower).  Scanning for the capital and looking back
# is 3x faster than scanning for the pair ``\p{Ll}\p{Lu}`` (lowercase letters are
# everywhere, capitals are not), and finds the same joins: a letter is never both.
_JOIN = _rx(r"(?<=\p{Ll})\p{Lu}")
# the same in a text whose letters are all ASCII (3x faster again)
_JOIN_ASCII = _rx(r"(?<=[a-z])[A-Z]")
_LETTERS_BEFORE = _rx(r"[\p{L}\p{M}\p{N}]*$")
_LETTERS_AFTER = _rx(r"[\p{L}\p{M}\p{N}]*")
_HUMP = _rx(r"(?<=\p{Ll})(?=\p{Lu})")
_NOT_PROSE_BEFORE = set("_/\\@#$=<>*`~^|.:+-'’&")
_NOT_PROSE_AFTER = set("_/\\@=<>*`(~^|[{+-'’&")
_ACRONYM = _rx(r"\p{Lu}{2,6}")                      # (regex.fullmatch would compile them per process)
_CAPITALISED = _rx(r"\p{Lu}[\p{Ll}\p{M}]+")
_FUNCTION_LEFT = frozenset("the of in on at to by for from with and or but a an".split())


@lru_cache(maxsize=1)
def _vocab():
    d = data.load("camel_case_accept")
    accept = frozenset(w.lower() for w in d["accept"])
    return (accept, frozenset(d["name_prefixes"]), frozenset(d["lowercase_prefixes"]),
            frozenset(d["code_prefixes"]), frozenset(d["starters"]), frozenset(d["particles"]),
            frozenset(d["acronym_suffixes"]))


def _accepted(word: str, accept: frozenset[str], user: frozenset[str]) -> bool:
    low = word.lower()
    for w in (low, low[:-1] if low.endswith("s") else None, low[:-2] if low.endswith(("’s", "'s")) else None):
        if w and (w in accept or w in user):
            return True
    return word in user


class GluedSentence(Rule):
    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        # (masking only replaces characters by MASK: an ASCII text has ASCII letters only)
        join = _JOIN_ASCII if doc.text.isascii() else _JOIN
        first = join.search(text)
        if first is None:
            return                                        # most documents: nothing to set up
        n = len(text)
        accept, name_prefixes, low_prefixes, code_prefixes, starters, particles, tech_suffixes = _vocab()
        user = None
        lex = ctx.lexicon
        opts = self.options
        min_zipf = opts.get("min_zipf", 3.0)
        long_zipf = opts.get("long_zipf", 3.5)
        names = None
        teasers = None
        done = -1
        for j in join.finditer(text, first.start()):    # (it looks behind `pos`)
            low = j.start() - 1                           # the lowercase letter
            if low < done:
                continue
            s = _LETTERS_BEFORE.search(text, max(0, low - 60), low + 1).start()
            e = _LETTERS_AFTER.match(text, j.end()).end()
            done = e
            word = text[s:e]
            if not word.isalpha():
                continue                                  # 3rdParty, mp3Player
            before = text[s - 1] if s else " "
            after = text[e] if e < n else " "
            if before in _NOT_PROSE_BEFORE or after in _NOT_PROSE_AFTER:
                continue                                  # code, paths, handles, hyphenated names
            if after in ".:" and e + 1 < n and text[e + 1].isalnum():
                continue                                  # Foo.Bar, file names
            humps = [h.start() for h in _HUMP.finditer(word)]
            if len(humps) != 1:
                continue                                  # GlaxoSmithKline, getElementById
            i = humps[0]
            left, right = word[:i], word[i:]
            if user is None:
                user = frozenset(w.lower() for w in ctx.accept) | ctx.accept
            if _accepted(word, accept, user) or lex.zipf(word) > 0 or lex.zipf(word.rstrip("s")) > 0:
                continue
            if left in name_prefixes or left.lower() in low_prefixes:
                continue                                  # McKinsey, DeSantis, iPhone, macOS
            if names is None:                             # `in`: doc.standalone_names
                names = DocTokens(doc)
            if names.count(word) > 1:                     # doc.token_counts[word]
                continue                                  # a name the document repeats
            # the right half: a capitalised word (or the pronoun I), or an acronym
            if _ACRONYM.fullmatch(right):
                # newsEU leaders: a common lowercase word, then an acronym the document
                # uses on its own or a very common one; never OS/TV/ID... (webOS, fireTV)
                if (left[0].islower() and len(left) >= 4 and lex.zipf(left) >= long_zipf
                        and right not in tech_suffixes
                        and (right in names or lex.zipf(right) >= 4.0)
                        and not (left in code_prefixes or left.lower() in low_prefixes)
                        and not code_line(text, s)):
                    if teasers is None:
                        teasers = teaser_positions(doc)
                    if s + i not in teasers:
                        fix = self.replace(s + i, s + i, " ", f"split into “{left} {right}”", Applicability.UNSAFE)
                        yield self.finding(s, e, f"“{word}”: “{left}” and “{right}” run together",
                                           fix=fix, confidence=0.75)
                continue
            if not (_CAPITALISED.fullmatch(right) or right in ("I", "A")):
                continue                                  # SpaceX, RepresentUS, macOSX
            starter = right in starters
            zr = lex.zipf(right)
            right_known = zr >= min_zipf or right in names
            zl = lex.zipf(left)
            left_name = left[0].isupper() and left in names
            left_lower = left[0].islower()
            if left_lower:
                if len(left) < 3 or left in code_prefixes:
                    continue                              # toString, onClick, useState
                if not (zl >= min_zipf or _known_form(lex, left, min_zipf)):
                    continue
                if not (starter or right == "I" or right_known or (zl >= 5.0 and len(right) >= 4)):
                    continue                              # "moreZidane": a very common word, then a name
            else:
                if len(left) < 3 or not (zl >= min_zipf or left_name):
                    continue
                if f"{left} {right}" in doc.text:
                    continue                              # BethGriggs beside "Beth Griggs": a handle
                if starter and right not in particles:
                    pass                                  # KingThe, CreatorHe
                elif right == "I" and len(left) >= 4 and zl >= long_zipf:
                    pass
                elif len(left) >= 4 and zl >= long_zipf and (
                        (_participle(lex, right) and zr >= min_zipf)
                        or (len(right) >= 4 and right in names and zr < long_zipf)):
                    pass                                  # PrisonVisiting, PresidentVojislav
                else:
                    continue                              # ArianeGroup, PowerPoint-like compounds
            if code_line(text, s):
                continue                                  # code, commands, preformatted output
            if teasers is None:
                teasers = teaser_positions(doc)
            if s + i in teasers:
                continue                                  # MT108 removes the whole repeated teaser
            if starter and right not in ("I",) and left.lower() not in _FUNCTION_LEFT:
                joiner = ". "
                msg = f"“{word}”: two sentences or headlines run together"
            else:
                joiner = " "
                msg = f"“{word}”: “{left}” and “{right}” run together"
            safe = left_lower and left in _FUNCTION_LEFT and right_known and not starter
            app = Applicability.SAFE if safe else Applicability.UNSAFE
            fix = self.replace(s + i, s + i, joiner, f"split into “{left}{joiner}{right}”", app)
            yield self.finding(s, e, msg, fix=fix, confidence=0.9 if (starter or safe) else 0.75)


def _participle(lex, word: str) -> bool:
    """``Visiting``, ``Making``, ``Running`` — not ``String``, ``Thing``, ``Spring``."""
    low = word.lower()
    if not low.endswith("ing") or len(low) < 6:
        return False
    stem = low[:-3]
    candidates = [stem, stem + "e"]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        candidates.append(stem[:-1])
    return any(lex.zipf(c) >= 3.0 for c in candidates if len(c) >= 3)


def _known_form(lex, word: str, floor: float) -> bool:
    """A lowercase word with an inflection the lexicon lists under its base (rare)."""
    for suffix in ("s", "es", "ed", "ing"):
        if word.endswith(suffix) and lex.zipf(word[: -len(suffix)]) >= floor + 0.5:
            return True
    return False
