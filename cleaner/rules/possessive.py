"""MT204 dropped possessive: ``Russians conditions for negotiations`` →
``Russia’s conditions``, ``The clubs president`` → ``The club’s president``,
``Brazils central bank`` → ``Brazil’s central bank``, ``teachers unions`` →
``teachers’ unions``.

Machine translation of a Romance ``le condizioni dei russi`` / ``las condiciones
de Rusia`` often comes out as a bare noun run; scrapers also strip apostrophes.
The fix follows the document's apostrophe style (curly ’ when the document uses
curly apostrophes, straight ' otherwise).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from ..regexcache import compile_std as _rx_std

from ..document import _TOKEN as _DOC_TOKEN
from ..types import Applicability, Finding
from . import data
from . import pronoun_grammar as g
from .base import Context, Rule

_CAND_CAP = _rx(r"(?<![\p{L}\p{N}’'\-])(\p{Lu}[\p{L}\-]*s)[ \t]+(\p{Ll}[\p{Ll}\-]*)(?![’'\p{L}])")
# Where _CAND_CAP may match: the `s` that ends a capitalised word before blanks and a
# lower-case letter, found from the `s` (a literal: ~1.5x faster than trying the word
# pattern at every character), the word's start captured; _CAND_CAP decides there.
_CAND_CAP_SCAN = _rx(r"s[ \t]+\p{Ll}(?<=(?<![\p{L}\p{N}’'\-])(\p{Lu}[\p{L}\-]*)s[ \t]+\p{Ll})")


_PEOPLE_SUFFIX = ("ers", "ors", "ists", "ians", "ants", "ees", "ents")
_PREV_WORD = _rx(r"([\p{L}\p{N}’']+)[ \t]*$")
_PREV_CHAR = _rx(r"[\p{L}\p{N}’']").match


def _prev_word(text: str, lo: int, end: int) -> str:
    """``_PREV_WORD.search(text, lo, end).group(1)``, or "": the run of letters, digits
    and apostrophes before the blanks before ``end`` (`$` also matches before a final
    newline), walked back instead of searched for from ``lo`` (~10x faster)."""
    if end > lo and text[end - 1] == "\n":
        end -= 1
    while end > lo and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > lo and _PREV_CHAR(text, start - 1):
        start -= 1
    return text[start:end]


@lru_cache(maxsize=1)
def _cand_low():
    # search on the second word (a possessed noun or an organisation): much faster
    # than trying a word-pair pattern at every position
    _, _, possessed, orgs, _, _ = _data()
    # longest first, then alphabetical: the same source every run (sets iterate in hash
    # order), so the persistent pattern cache finds it
    alts = "|".join(sorted((regex.escape(w) for w in possessed | orgs), key=lambda w: (-len(w), w)))
    return _rx(r"(?<=\p{Ll})s[ \t]+(" + alts + r")(?![’'\p{L}\-])")


@lru_cache(maxsize=1)
def _cand_low_scan():
    """Where `_cand_low` may match: an `s` before blanks and one of its words, as a
    trie for the standard library's `re` (~5x faster).  Zero-width after the `s`, so
    that no hit hides the next one; `_cand_low` decides at each."""
    from .phrasebook_anchors import _trie   # the phrasebooks' prefix tree (these words hold no "$")

    _, _, possessed, orgs, _, _ = _data()
    return _rx_std(r"s(?=[ \t]+" + _trie(sorted(possessed | orgs)) + ")")


def _candidates(text: str):
    """(start, end) of the first word and of the second of each candidate pair: a
    capitalised word first, then (`_cand_low`) a lower-case one.  The scans give every
    place where the patterns may match; the patterns decide there, and, as their
    ``finditer`` would, a match hides the places it covers (`teachers unions president`)."""
    exact = _CAND_CAP.match
    end = 0
    for h in _CAND_CAP_SCAN.finditer(text):
        start = h.start(1)
        if start >= end:
            m = exact(text, start)
            if m is not None:
                end = m.end()
                yield m.span(1) + m.span(2)
    exact = _cand_low().match
    end = 0
    for h in _cand_low_scan().finditer(text):
        if h.start() < end:
            continue
        m = exact(text, h.start())
        if m is None:
            continue
        end = m.end()
        e1 = m.start() + 1
        s1 = m.start()
        while s1 > 0 and (text[s1 - 1].isalpha() or text[s1 - 1] == "-"):
            s1 -= 1
        if s1 > 0 and text[s1 - 1] in "’'" or not text[s1].islower():
            continue
        yield (s1, e1) + m.span(1)


@lru_cache(maxsize=1)
def _data():
    d = data.load("demonyms")
    demonyms = {k: tuple(v) for k, v in d["demonyms"].items()}
    places = frozenset(d["places"])
    n = data.load("possessive_nouns")
    return (demonyms, places, frozenset(n["possessed"]), frozenset(n["organisations"]),
            frozenset(n["people"]), frozenset(n["verbs_s"]))


# `doc.standalone_names` / `standalone_words` tokenize the whole document (~50 ms a MB);
# a pair needs to know about one word, found where it occurs.  A token of the document
# (cleaner.document._TOKEN: runs of letters, marks and digits joined by ’ ' -) stands
# alone where the characters around it continue no token.
_TOKEN_CHAR = _rx(r"[\p{L}\p{M}\p{N}]").match


def _is_token(doc, ctx, word: str) -> bool:
    """``word in doc.standalone_words``."""
    if "token_counts" in doc.__dict__:          # built already (by another rule)
        return word in doc.token_counts
    seen = ctx.facts.get("poss.tokens")
    if seen is None:
        seen = ctx.facts["poss.tokens"] = {}
    found = seen.get(word)
    if found is None:
        found = seen[word] = _stands_alone(doc.masked, word)
    return found


def _is_name(doc, ctx, word: str) -> bool:
    """``word in doc.standalone_names`` (capitalised tokens)."""
    return word[:1].isupper() and _is_token(doc, ctx, word)


def _stands_alone(text: str, word: str) -> bool:
    if not _DOC_TOKEN.fullmatch(word):
        return False                    # never a whole token
    n = len(word)
    end = len(text)

    def joined(i: int, step: int) -> bool:
        # does the token run on across the character at `i` (a token character, or
        # ’ ' - with a token character beyond it)?
        if not 0 <= i < end:
            return False
        if _TOKEN_CHAR(text, i):
            return True
        j = i + step
        return text[i] in "’'-" and 0 <= j < end and _TOKEN_CHAR(text, j) is not None

    i = text.find(word)
    while i >= 0:
        if not joined(i - 1, -1) and not joined(i + n, 1):
            return True
        i = text.find(word, i + 1)
    return False


def _people_plural(low: str) -> bool:
    people = _data()[4]
    if low in people:
        return True
    return low.endswith(_PEOPLE_SUFFIX) and not low.endswith("ments")


class DroppedPossessive(Rule):
    """MT204."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        lex = ctx.lexicon
        S = g.sets()
        demonyms, places, possessed, orgs, _, verbs_s = _data()
        apo = None
        for s1, e1, s2, e2 in _candidates(text):
            w1, w2 = text[s1:e1], text[s2:e2]
            # (every test here skips the pair: the cheap ones first)
            if w2 in S.function or w2 in S.not_plural or w2 in verbs_s:
                continue
            if w1[0].isupper():
                if not (w1 in demonyms or w1[:-1] in places or w2 in possessed or w2 in orgs):
                    # then only `_place` can find something, and only for a rare word
                    # before a plural: test that before looking for the name
                    if lex.zipf(w1) >= 1.5 or not (g.is_plural(w2, lex) and lex.zipf(w2[:-1]) >= 3.0):
                        continue
                    if not _is_name(doc, ctx, w1[:-1]):
                        continue
            elif w2 not in possessed and w2 not in orgs:
                continue
            if g.is_adverb(w2, lex):
                continue
            l1 = w1.lower()
            prev = _prev_word(text, max(0, s1 - 40), s1).lower()
            result = None
            if w1[0].isupper():
                if w1 in demonyms:
                    result = self._demonym(w1, w2, prev, lex, demonyms)
                elif w1[:-1] in places or _is_name(doc, ctx, w1[:-1]):
                    result = self._place(w1, w2, prev, lex, places, doc, ctx)
                if result is None and (s1 == 0 or text[s1 - 2:s1].strip() in ("", ".", "!", "?")):
                    result = self._common(l1, w2, prev, lex, possessed, orgs, sentence_start=True)
                    if result is not None:
                        result = (w1[0] + result[0][1:], result[1], result[2])
            else:
                result = self._common(l1, w2, prev, lex, possessed, orgs, sentence_start=False)
            if result is None:
                continue
            repl, msg, conf = result
            if apo is None:
                apo = g.apostrophe(doc.text)
            repl = repl.replace("’", apo)
            fix = self.replace(s1, e1, repl, f"write “{repl}”", Applicability.UNSAFE)
            yield self.finding(s1, e2, msg, fix=fix, confidence=conf)

    # `Russians conditions` -> `Russia’s conditions`
    def _demonym(self, w1, w2, prev, lex, demonyms):
        S = g.sets()
        if prev in S.det or prev in S.num or prev[:1].isdigit():
            return None                 # `the Russians conditions` is rare and ambiguous; `three Americans goes`
        if not g.is_plural(w2, lex) or w2.endswith(("’s", "'s")):
            return None
        stem = w2[:-1]
        if lex.zipf(stem) < 3.0 and lex.zipf(w2[:-2]) < 3.0 and not (w2.endswith("ies") and lex.zipf(w2[:-3] + "y") >= 3.0):
            return None
        country, adjective = demonyms[w1]
        if _people_plural(w2):
            return (adjective, f"“{w1} {w2}”: a demonym run into a plural noun — “{adjective} {w2}”", 0.7)
        return (country + "’s", f"“{w1} {w2}”: a lost possessive — “{country}’s {w2}”", 0.8)

    # `Brazils central bank` -> `Brazil’s central bank`
    def _place(self, w1, w2, prev, lex, places, doc, ctx):
        name = w1[:-1]
        if prev in ("the", "two", "both", "three", "all"):
            return None                 # `the two Koreas`, `the Americas`
        if lex.zipf(w1) >= 2.5 or lex.zipf(w2) < 3.0:
            return None
        if name not in places and (lex.zipf(w1) >= 1.5 or not _is_token(doc, ctx, name)):
            return None
        if g.looks_past(w2) or w2 in g.sets().say:
            return None
        if name not in places:
            # a name the document uses (`Peskovs comments`): only before a plural or a possessed noun
            _, _, possessed, _, _, _ = _data()
            if not (w2 in possessed or (g.is_plural(w2, lex) and lex.zipf(w2[:-1]) >= 3.0)):
                return None
            if prev in g.sets().det or (prev and prev[0].islower() and lex.zipf(prev) > 0 and prev not in g.sets().function):
                return None             # `the female Brocklehursts`, `the van der Luydens`
        return (name + "’s", f"“{w1} {w2}”: a lost possessive — “{name}’s {w2}”", 0.8)

    # `The clubs president`, `their fathers death`, `teachers unions`
    def _common(self, l1, w2, prev, lex, possessed, orgs, sentence_start):
        if not g.is_plural(l1, lex) or l1.endswith(("ies", "sses", "ches", "shes", "xes")):
            return None
        stem = l1[:-1]
        if w2 in orgs and _people_plural(l1) and prev not in ("of",):
            # `teachers unions` -> `teachers’ unions` (plural possessor)
            if lex.zipf(stem) < 3.0:
                return None
            return (l1 + "’", f"“{l1} {w2}”: a lost plural possessive — “{l1}’ {w2}”", 0.65)
        if w2 in possessed and prev in ("the", "his", "her", "their", "its", "our", "my", "your"):
            zs, zp = lex.zipf(stem), lex.zipf(l1)
            if zs < 3.5 or zs - zp < 0.6:
                return None             # `the sports director`, `the arms dealer`: plural compounds
            return (stem + "’s", f"“{l1} {w2}”: a lost possessive — “{stem}’s {w2}”", 0.7)
        return None
