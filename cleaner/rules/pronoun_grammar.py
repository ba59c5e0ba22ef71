"""A little shallow grammar for the pronoun-calque and possessive rules.

No tagger: closed word classes come from ``rules/data/pronoun_grammar.toml``,
content words are judged by their shape and by wordfreq.  Everything here works
on ``doc.masked`` (quoted speech is a run of ``MASK`` characters, one token of
kind ``"q"``) and on one sentence at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..document import MASK
from . import data

# words (with inner apostrophes/hyphens/abbreviation dots), numbers, masked quotes, punctuation
_TOKEN = _rx(
    r"\p{L}(?:\.\p{L})+\.?"                                   # U.S., e.g.
    r"|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|Capt|Lt|Sgt|Rev|Gov|Sen|Rep|No|Mt|Ft|Ave|vs|etc)\.(?=\s)"
    r"|[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:[’'\-][\p{L}\p{M}\p{N}]+)*(?:(?<=s)[’'](?![\p{L}]))?"
    r"|\p{N}[\p{N}.,:/\-–]*\p{N}%?|\p{N}%?"
    r"|" + MASK + r"+"
    r"|[^\s\p{L}\p{N}" + MASK + r"]"
)


class Tok:
    """One token of the masked text: ``kind`` is "w" word, "n" number, "q" quoted
    speech, "p" punctuation; ``low`` and ``cap`` are precomputed.  A token carries no
    offset: one object stands for every occurrence of its text (see :func:`tokenize`),
    so compare tokens by their index in a list, never by identity."""

    __slots__ = ("text", "kind", "low", "cap")

    def __init__(self, text: str):
        c = text[0]
        if c == MASK:
            kind = "q"
        elif c.isalpha():
            kind = "w"
        elif c.isdigit():
            kind = "n"
        else:
            kind = "p"
        self.text = text
        self.kind = kind
        self.low = text.lower()
        self.cap = kind == "w" and c.isupper()

    def __repr__(self) -> str:
        return f"Tok({self.text!r})"


class _TokMemo(dict):
    """Token text -> Tok, built on first sight (bounded: cleared when large)."""

    def __missing__(self, text: str) -> Tok:
        if len(self) >= 50_000:
            self.clear()
        t = self[text] = Tok(text)
        return t


_TOKS = _TokMemo()


def tokenize(text: str, start: int, end: int) -> list[Tok]:
    """The tokens of ``text[start:end]``.  All at C level (the regex, then one memo
    lookup per token): the pronoun rules tokenize windows around every candidate.
    Plain ASCII words between spaces are the tokens as they are (the pattern takes a
    run of letters whole), which saves the regex for about half the windows."""
    part = text[start:end]
    if part.isascii():
        words = part.split(" ")
        if "".join(words).isalpha():
            return list(map(_TOKS.__getitem__, filter(None, words)))
    return list(map(_TOKS.__getitem__, _TOKEN.findall(text, start, end)))


# -- partial windows --------------------------------------------------------------------------
# The regex costs ~0.5 µs a token, so the pronoun rules first tokenize only the ends of
# the windows next to a pronoun.  The tokens left out are stood for by EDGE: reading any
# attribute of it raises Short, and the caller starts again on the whole windows.  The
# rules read their token lists only through token attributes (an index is compared with
# the length only to read the token at it), so a run that never raises Short saw exactly
# what a run on the whole windows would have seen.
#
# A part of a window is cut just after a space: no token holds a space (nor looks past
# one) and every other character starts a token, so tokenizing the part gives exactly
# the first (or last) tokens of the whole window.

class Short(Exception):
    """A partial window was too short for the question asked."""


class _Edge:
    __slots__ = ()

    def __getattr__(self, name: str):
        raise Short(name)

    def __repr__(self) -> str:
        return "EDGE"


EDGE = _Edge()


def tokenize_head(text: str, start: int, end: int, chars: int) -> list[Tok]:
    """The tokens of the first ``chars`` or so characters of ``text[start:end]``, then
    EDGE (the whole window when it is short)."""
    if end - start > chars:
        sp = text.find(" ", start + chars, end)
        if sp >= 0:
            out = tokenize(text, start, sp + 1)
            out.append(EDGE)
            return out
    return tokenize(text, start, end)


def first_tokens(text: str, start: int, end: int) -> list[Tok]:
    """The first two tokens of ``text[start:end]`` (fewer when there are fewer), then
    EDGE when more may follow.  Plain ASCII words followed by a space are tokens as they
    are (the pattern takes a run of letters whole), so the regex runs only for the rest."""
    out = []
    i = start
    while len(out) < 2:
        while i < end and text[i] == " ":
            i += 1
        j = text.find(" ", i, end)
        w = text[i:j]
        if j < 0 or not (w.isascii() and w.isalpha()):
            # (exact: `i` is the start or follows a blank)
            return out + tokenize_head(text, i, end, 12) if i < end else out
        out.append(_TOKS[w])
        i = j + 1
    out.append(EDGE)
    return out


def tokenize_tail(text: str, start: int, end: int, chars: int, min_tokens: int = 3) -> list[Tok]:
    """EDGE, then the tokens of the last ``chars`` or so characters of ``text[start:end]``
    (the whole window when it is short or the tail has fewer than ``min_tokens`` tokens)."""
    if end - start > chars:
        sp = text.find(" ", end - chars, end)
        if sp >= 0:
            out = tokenize(text, sp + 1, end)
            if len(out) >= min_tokens:
                out.insert(0, EDGE)
                return out
    return tokenize(text, start, end)


class _Sets:
    """The closed classes, loaded once."""

    def __init__(self) -> None:
        g = data.load("pronoun_grammar")
        s = lambda key: frozenset(w.lower() for w in g[key])  # noqa: E731
        self.det = s("determiners")
        self.num = s("numbers")
        self.objpron = s("object_pronouns")
        self.subjpron = s("subject_pronouns")
        self.prep = s("prepositions")
        self.sub = s("subordinators")
        self.coord = s("coordinators")
        self.aux = s("auxiliaries")
        self.be = s("be_forms")
        self.adv = s("adverbs")
        self.time = s("time_nouns")
        self.say = s("saying_verbs")
        self.complement = s("complement_verbs")
        self.irregular = s("irregular_past")
        self.collective = s("collective")
        self.not_plural = s("not_plural")
        self.intransitive = s("intransitive")
        self.imperatives = s("imperatives")
        self.function = (self.det | self.num | self.objpron | self.subjpron | self.prep | self.sub
                         | self.coord | self.aux | self.adv
                         | frozenset({"who", "whom", "which", "what", "to", "not", "there", "here"}))


@lru_cache(maxsize=1)
def sets() -> _Sets:
    return _Sets()


# -- word shapes ----------------------------------------------------------------------------

def is_adverb(low: str, lex) -> bool:
    S = sets()
    if low in S.adv:
        return True
    if low.endswith("ly") and len(low) > 4:
        stem = low[:-2]
        if low.endswith("ily"):
            return lex.zipf(stem[:-1] + "y") >= 2.0 or lex.zipf(stem) >= 2.0
        if low.endswith(("ally", "ently", "antly", "ously", "ively", "ably", "ibly", "fully", "lessly")):
            return True
        return lex.zipf(stem) >= 2.0 or lex.zipf(stem + "e") >= 2.0
    return False


def is_plural(low: str, lex=None) -> bool:
    """A regular plural noun form (``conditions``, ``finances``, ``police`` excluded)."""
    S = sets()
    if low in S.not_plural or len(low) < 3 or not low.endswith("s"):
        return False
    if low.endswith(("ss", "us", "is", "’s", "'s", "ous")):
        return False
    if lex is not None:
        stem = low[:-1]
        if lex.zipf(stem) < 2.0 and lex.zipf(low[:-2]) < 2.0 and not (low.endswith("ies") and lex.zipf(low[:-3] + "y") >= 2.0):
            return lex.zipf(low) >= 2.0 and low not in ("this", "thus")
    return True


def looks_past(low: str) -> bool:
    """A past-tense or participle form: -ed, or a common irregular one."""
    return (low.endswith("ed") and len(low) > 4) or low in sets().irregular


def is_participle(low: str) -> bool:
    return looks_past(low) or (low.endswith("en") and len(low) > 4 and low not in ("often", "even", "citizen", "women", "children", "between", "seven", "eleven", "heaven", "garden", "burden", "golden", "sudden", "listen", "open", "kitchen"))


def is_content(tok: Tok, lex) -> bool:
    """A word that can be part of a noun phrase (noun, adjective, name)."""
    if tok.kind == "n":
        return True
    if tok.kind != "w":
        return False
    low = tok.low
    S = sets()
    if low in S.function or low in ("who", "whom", "which"):
        return False
    if is_adverb(low, lex):
        return False
    return True


def finite_start(toks: Sequence[Tok], i: int, lex) -> int | None:
    """Index of the first word of a verb group at ``toks[i]`` (after a subject
    pronoun): an auxiliary, a past form, a saying verb or an -s verb, optionally after
    adverbs.  None when what follows cannot be a finite verb."""
    S = sets()
    j = i
    while j < len(toks) and toks[j].kind == "w" and is_adverb(toks[j].low, lex) and toks[j].low not in S.aux:
        j += 1
    if j >= len(toks) or toks[j].kind != "w" or not toks[j].text[:1].islower():
        return None
    low = toks[j].low
    if low in S.function and low not in S.aux:
        return None
    return j


@dataclass(slots=True)
class VerbGroup:
    aux: list[str]
    verb: str | None           # main verb (None: only auxiliaries, e.g. copula)
    verb_i: int                # index of the main verb or last auxiliary
    next_i: int                # index of the token after the verb group (and particle)
    particle: bool = False


_PARTICLES = frozenset({"over", "up", "out", "off", "down", "back", "away"})


def verb_group(toks: Sequence[Tok], i: int, lex) -> VerbGroup | None:
    """Parse aux* adv* verb (particle) from ``toks[i]``."""
    S = sets()
    j = finite_start(toks, i, lex)
    if j is None:
        return None
    aux: list[str] = []
    n = len(toks)
    while j < n and toks[j].kind == "w":
        low = toks[j].low
        if low in S.aux:
            if aux and low not in ("be", "been", "being", "have"):
                break
            aux.append(low)
            j += 1
        elif low == "not" or (is_adverb(low, lex) and low not in _PARTICLES):
            j += 1
        else:
            break
    if j < n and toks[j].kind == "w" and toks[j].text[:1].islower() and toks[j].low not in S.function and toks[j].low != "to":
        verb = toks[j].low
        k = j + 1
        particle = False
        if k < n and toks[k].low in _PARTICLES:
            particle = True
            k += 1
        return VerbGroup(aux, verb, j, k, particle)
    if aux:
        if aux[-1] in ("have", "has", "had") and object_filled(toks, j, lex) and not infinitive_ahead(toks, j) \
                and not _ing_ahead(toks, j):
            # `have` as the main verb: `which it will have 600 beds`
            return VerbGroup(aux[:-1], aux[-1], j - 1, j)
        return VerbGroup(aux, None, j - 1, j)
    return None


def _ing_ahead(toks: Sequence[Tok], k: int, limit: int = 6) -> bool:
    for t in toks[k:k + limit]:
        if t.kind in ("p", "q"):
            return False
        if t.low.endswith("ing") and len(t.low) > 5:
            return True
    return False


def object_filled(toks: Sequence[Tok], k: int, lex) -> bool:
    """Whether ``toks[k]`` opens a noun phrase that is a complete object: a determiner
    or a number, not a time adverbial (``that very moment``) and not the subject of
    an embedded clause (``knew the ship must pass``)."""
    if k >= len(toks):
        return False
    t = toks[k]
    S = sets()
    low = t.low
    if t.kind == "n" or low in S.num:
        pass
    elif t.kind == "w" and low in S.det and low not in ("what", "which", "whose", "such", "more", "less", "much", "that", "this", "these", "those", "all", "both", "either", "neither", "no", "any"):
        pass
    else:
        return False
    j = k + 1
    n = len(toks)
    seen = 0
    while j < n and seen < 4 and toks[j].kind in ("w", "n") and toks[j].low not in S.prep \
            and toks[j].low not in S.aux and toks[j].low not in S.coord and toks[j].low not in S.sub:
        if toks[j].low in S.time and toks[j].low not in ("earlier", "later", "ago", "now", "then", "today", "half", "second"):
            return False
        if looks_past(toks[j].low) and seen:
            return False
        j += 1
        seen += 1
    if j < n and toks[j].kind == "w" and toks[j].low in S.aux:
        return False
    return True


def stranded(toks: Sequence[Tok], k: int) -> bool:
    """Whether the clause from ``toks[k]`` ends in a preposition (``which he was
    interested in,``): the relative pronoun is its object, nothing is repeated."""
    S = sets()
    last = None
    for t in toks[k:k + 25]:
        if t.kind in ("p", "q"):
            break
        last = t
    if last is None:
        return False
    return last.low in S.prep and last.low not in ("including", "following", "given", "according")


def infinitive_or_that_ahead(toks: Sequence[Tok], k: int, limit: int = 8) -> bool:
    """Whether ``to``/``that``/``for`` follows within the clause (extraposed ``it``:
    ``which it would require great virtue to withstand``)."""
    for t in toks[k:k + limit]:
        if t.kind in ("p", "q"):
            return False
        if t.low in ("to", "that", "for"):
            return True
    return False


def infinitive_ahead(toks: Sequence[Tok], k: int, limit: int = 12) -> bool:
    """Whether a ``to`` + verb follows within the clause (a gap may sit in it:
    ``which she walked about the lawn to enjoy``)."""
    S = sets()
    end = min(len(toks), k + limit)
    for j in range(k, end):
        t = toks[j]
        if t.kind in ("p", "q"):
            return False
        if t.low == "to" and j + 1 < len(toks):
            nx = toks[j + 1]
            if nx.kind == "w" and not nx.cap and nx.low not in S.det and nx.low not in S.num:
                return True
    return False


def apostrophe(doc_text: str) -> str:
    """The document's apostrophe: curly when it uses curly ones, else straight."""
    curly = doc_text.count("’")
    straight = doc_text.count("'")
    return "’" if curly >= straight and curly else "'"
