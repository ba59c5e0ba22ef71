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

from ..types import Applicability, Finding
from . import data
from . import pronoun_grammar as g
from .base import Context, Rule

_CAND_CAP = _rx(r"(?<![\p{L}\p{N}’'\-])(\p{Lu}[\p{L}\-]*s)[ \t]+(\p{Ll}[\p{Ll}\-]*)(?![’'\p{L}])")


_PEOPLE_SUFFIX = ("ers", "ors", "ists", "ians", "ants", "ees", "ents")
_PREV_WORD = _rx(r"([\p{L}\p{N}’']+)[ \t]*$")


@lru_cache(maxsize=1)
def _cand_low():
    # search on the second word (a possessed noun or an organisation): much faster
    # than trying a word-pair pattern at every position
    _, _, possessed, orgs, _, _ = _data()
    # longest first, then alphabetical: the same source every run (sets iterate in hash
    # order), so the persistent pattern cache finds it
    alts = "|".join(sorted((regex.escape(w) for w in possessed | orgs), key=lambda w: (-len(w), w)))
    return _rx(r"(?<=\p{Ll})s[ \t]+(" + alts + r")(?![’'\p{L}\-])")


class _Pair:
    __slots__ = ("s1", "e1", "s2", "e2", "w1", "w2")

    def __init__(self, s1, e1, s2, e2, text):
        self.s1, self.e1, self.s2, self.e2 = s1, e1, s2, e2
        self.w1, self.w2 = text[s1:e1], text[s2:e2]


def _candidates(text: str):
    for m in _CAND_CAP.finditer(text):
        yield _Pair(m.start(1), m.end(1), m.start(2), m.end(2), text)
    for m in _cand_low().finditer(text):
        e1 = m.start() + 1
        s1 = m.start()
        while s1 > 0 and (text[s1 - 1].isalpha() or text[s1 - 1] == "-"):
            s1 -= 1
        if s1 > 0 and text[s1 - 1] in "’'" or not text[s1].islower():
            continue
        yield _Pair(s1, e1, m.start(1), m.end(1), text)


@lru_cache(maxsize=1)
def _data():
    d = data.load("demonyms")
    demonyms = {k: tuple(v) for k, v in d["demonyms"].items()}
    places = frozenset(d["places"])
    n = data.load("possessive_nouns")
    return (demonyms, places, frozenset(n["possessed"]), frozenset(n["organisations"]),
            frozenset(n["people"]), frozenset(n["verbs_s"]))


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
        names = None
        apo = None
        for m in _candidates(text):
            w1, w2 = m.w1, m.w2
            if w1[0].isupper():
                if not (w1 in demonyms or w1[:-1] in places or w2 in possessed or w2 in orgs):
                    if names is None:
                        names = doc.standalone_names
                    if w1[:-1] not in names:
                        continue
            elif w2 not in possessed and w2 not in orgs:
                continue
            l1 = w1.lower()
            if w2 in S.function or w2 in S.not_plural or w2 in verbs_s or g.is_adverb(w2, lex):
                continue
            pm = _PREV_WORD.search(text, max(0, m.s1 - 40), m.s1)
            prev = pm.group(1).lower() if pm else ""
            result = None
            if w1[0].isupper():
                if w1 in demonyms:
                    result = self._demonym(w1, w2, prev, lex, demonyms)
                elif w1[:-1] in places or w1[:-1] in doc.standalone_names:
                    result = self._place(w1, w2, prev, lex, places, doc)
                if result is None and (m.s1 == 0 or text[m.s1 - 2:m.s1].strip() in ("", ".", "!", "?")):
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
            fix = self.replace(m.s1, m.e1, repl, f"write “{repl}”", Applicability.UNSAFE)
            yield self.finding(m.s1, m.e2, msg, fix=fix, confidence=conf)

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
    def _place(self, w1, w2, prev, lex, places, doc):
        name = w1[:-1]
        if prev in ("the", "two", "both", "three", "all"):
            return None                 # `the two Koreas`, `the Americas`
        if lex.zipf(w1) >= 2.5 or lex.zipf(w2) < 3.0:
            return None
        if name not in places and (lex.zipf(w1) >= 1.5 or name not in doc.standalone_words):
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
