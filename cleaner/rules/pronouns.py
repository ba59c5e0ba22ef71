"""Pronoun calques left by translation from pro-drop languages.

* MT201 first-person calque: ``conditions for negotiations I am pretty much as
  they were`` (Italian *sono* = "I am" / "they are") → ``are``;
* MT202 resumptive pronoun: a subject pronoun repeated after its own subject —
  ``Kremlin spokesman Dmitry Peskov he said``, ``The text, which it must now pass``,
  ``The clubs president, Aurelio Vitale, he told reporters``;
* MT203 ``according to him Nicholas Lokker`` → ``according to Nicholas Lokker``.

Every rule reads ``doc.masked``; quoted speech is opaque to them.  The shallow
grammar they share (closed word classes, noun-phrase walk, verb group) is in
:mod:`cleaner.rules.pronoun_grammar`.

Speed (MT202 sees a pronoun every ~500 characters): a plain scan finds the pronouns
and a prefilter on the word before drops most; the rest is first tested on the few
tokens next to the pronoun (`pronoun_grammar.EDGE` stands for those left out and
makes the test start again on the whole windows when read), with the sentence bounds
looked for near the pronoun rather than the document's sentence list built; results
are memoised by window text for the second check of a fixed document.  Everything
gives the same findings as the plain loop (tests/test_speed_pronouns.py).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from ..regexcache import compile_std as _rx_std

from ..document import _ABBREV_END, _SENT_END, MASK
from ..types import Applicability, Finding
from . import pronoun_grammar as g
from .base import Context, Rule
from .pronoun_grammar import Tok
from .voice import voice


# -- shared helpers --------------------------------------------------------------------------

def _sentence(doc, ctx: Context, pos: int) -> tuple[int, int]:
    """The sentence around ``pos``: the last of ``doc.sentences`` that starts at or
    before it."""
    facts = ctx.facts
    starts = facts.get("pron.starts")
    if starts is None:
        sents = doc.sentences
        starts = [s for s, _ in sents]
        facts["pron.starts"] = starts
        facts["pron.sents"] = sents
    sents = facts["pron.sents"]
    i = bisect.bisect_right(starts, pos) - 1
    if i < 0:
        return 0, len(doc.masked)
    return sents[i]


def _paragraph(doc, ctx: Context, pos: int):
    """(lo, hi) of the paragraph around ``pos`` (a letter or digit) for `_window_start`
    and `_window_end`, or None: ask ``doc.sentences`` (when they are built already)."""
    facts = ctx.facts
    if "pron.starts" in facts or "sentences" in doc.__dict__:
        return None
    paras = facts.get("pron.paras")
    if paras is None:
        paras = facts["pron.paras"] = (doc.paragraphs, [lo for lo, _ in doc.paragraphs])
    k = bisect.bisect_right(paras[1], pos) - 1
    if k >= 0 and pos < paras[0][k][1] and not doc.masked[pos].isspace():
        return paras[0][k]
    return None


def _window_lo(doc, ctx: Context, pos: int, limit: int) -> int:
    """``max(s0, limit)`` for the sentence ``(s0, s1)`` around ``pos`` (a letter or digit).
    Unless the document's sentences are built already, only the sentence boundaries
    between ``limit`` and ``pos`` are looked for: the document's sentences cost ~12 ms
    a MB (tests/test_speed_pronouns.py checks that the two agree)."""
    para = _paragraph(doc, ctx, pos)
    if para is None:
        return max(_sentence(doc, ctx, pos)[0], limit)
    return _window_start(doc.masked, para[0], para[1], pos, limit)


def _window_hi(doc, ctx: Context, pos: int, limit: int) -> int:
    """``min(s1, limit)`` for the sentence ``(s0, s1)`` around ``pos``, like `_window_lo`."""
    para = _paragraph(doc, ctx, pos)
    if para is None:
        return min(_sentence(doc, ctx, pos)[1], limit)
    return _window_end(doc.masked, para[0], para[1], pos, limit)


# `Document.sentences` cuts a paragraph ``lo:hi`` at the end of each _SENT_END match
# (scanning from ``lo``) that is not an abbreviation's period, and strips the pieces.
# A match is a lone newline or a run of .!?… with closing quotes or brackets: it starts
# where its run starts (a run that does not match from its start matches nowhere) and
# holds no blank, so a scan from just after a blank finds the same matches after it.


def _boundary_ok(text: str, lo: int, m) -> bool:
    end = m.end()
    return m.group() == "\n" or not _ABBREV_END.search(text, max(lo, end - 6), end)


_ENDER_BACK = _rx(r"(?r)[.!?…\n]")     # the last ender in a range
_ENDER = _rx_std(r"[.!?…\n]")


def _last_boundary(text: str, lo: int, hi: int, floor: int, pos: int) -> int:
    """The end of the last sentence boundary in ``floor:pos`` (``floor`` is ``lo`` or
    just after a blank), or -1."""
    while True:
        e = _ENDER_BACK.search(text, floor, pos)
        if e is None:
            return -1
        c = e.start()
        if text[c] == "\n":
            return c + 1
        while c > floor and text[c - 1] in ".!?…":
            c -= 1                      # the start of the run
        m = _SENT_END.match(text, c, hi)
        if m is not None and _boundary_ok(text, lo, m):
            return m.end()
        pos = c


def _first_boundary(text: str, lo: int, hi: int, pos: int, ceil: int) -> int:
    """The end of the first sentence boundary after ``pos`` (a letter or digit, or a
    blank) whose run starts before ``ceil``, or -1."""
    while True:
        e = _ENDER.search(text, pos, ceil)
        if e is None:
            return -1
        c = e.start()
        if text[c] == "\n":
            return c + 1
        m = _SENT_END.match(text, c, hi)
        if m is not None and _boundary_ok(text, lo, m):
            return m.end()
        pos = c + 1
        while pos < hi and text[pos] in ".!?…":
            pos += 1                    # past the run


def _window_start(text: str, lo: int, hi: int, pos: int, limit: int) -> int:
    """max(start of the sentence around ``pos``, ``limit``)."""
    floor = lo
    if limit > lo:
        sp = text.rfind(" ", lo, limit)
        if sp >= 0:
            floor = sp + 1
    b0 = _last_boundary(text, lo, hi, floor, pos)
    if b0 < 0:
        if floor > lo and text[floor:limit + 1].strip():
            return limit                # the sentence starts at or before `limit`
        b0 = max(lo, _last_boundary(text, lo, hi, lo, floor))
    while text[b0].isspace():           # (`pos` is not)
        b0 += 1
    return max(b0, limit)


def _window_end(text: str, lo: int, hi: int, pos: int, limit: int) -> int:
    """min(end of the sentence around ``pos``, ``limit``)."""
    ceil = hi
    if limit < hi:
        sp = text.find(" ", limit, hi)
        if sp >= 0:
            ceil = sp
    b1 = _first_boundary(text, lo, hi, pos, ceil)
    if b1 < 0:
        if ceil < hi and text[limit:ceil].strip():
            return limit                # the sentence ends after `limit`
        b1 = _first_boundary(text, lo, hi, ceil, hi)
        if b1 < 0:
            b1 = hi
    while text[b1 - 1].isspace():       # (`pos` is not)
        b1 -= 1
    return min(b1, limit)


@dataclass(slots=True)
class NounPhrase:
    start: int             # index of the first token
    boundary: str          # start | punct | comma | sub | coord
    has_and: bool
    subject_head: Tok      # last word before the first preposition (the head noun)
    tokens: list[Tok]
    name_headed: bool      # the phrase ends in a name that is its head (no preposition before it)


_PURE_SUB = frozenset({"that", "where", "whereby", "wherein", "whose", "when", "whenever", "because",
                       "while", "whilst", "although", "though", "if", "unless", "whereas", "whether", "lest"})
# subordinators after which a subject noun phrase and a repeated pronoun are a calque
# (`that farmers they had demanded`, `where hospitals they have opened`); after
# `when`/`if`/`while` a comma-less clause boundary is common (`When the wind changes they ...`)
_RELATIVE_SUB = frozenset({"that", "where", "whereby", "wherein", "whose"})
_NAME_PARTICLES = frozenset({"de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le", "du",
                             "dos", "das", "bin", "al", "el", "y"})
_NEVER_IN_NP = frozenset({"who", "whom", "which", "to", "not", "what", "whatever", "how", "however",
                          "whoever", "whichever", "than", "there", "here"})
# verbs of reporting that take an object, not a bare clause: `praised the police they ...`
_NOT_CLAUSE_SAY = frozenset({"praised", "welcomed", "urged", "criticised", "criticized", "thanked", "called",
                             "asked", "described", "warned", "warns", "assured", "assures", "promised",
                             "promises", "reported", "reports", "denied", "denies"})
_PERSON_WORDS = frozenset({"man", "woman", "boy", "girl", "father", "mother", "son", "daughter", "player",
                           "coach", "official", "spokesman", "spokeswoman", "minister", "director", "veteran",
                           "widow", "teenager", "pensioner", "doctor", "nurse", "lawyer", "mayor"})
_PLURAL_WORDS = frozenset({"people", "police", "children", "men", "women", "staff", "media", "clergy", "cattle"})


def _first_token_ok(t: Tok, nxt: Tok | None, lex) -> bool:
    """Whether ``t`` can open a subject noun phrase."""
    S = g.sets()
    low = t.low
    if t.kind == "q" or t.kind == "p":
        return False
    if t.kind == "n":
        return True
    if low in S.prep or low in S.sub or low in S.coord or low in S.subjpron or low in S.objpron:
        return False
    if low in S.imperatives or low in _NEVER_IN_NP or low in ("it", "such", "so"):
        return False
    if g.is_adverb(low, lex) or low in S.aux:
        return False
    if low.endswith("ing") and low not in S.det and lex.zipf(low) < 5.5:
        return False
    if g.looks_past(low) or (low.endswith("en") and len(low) > 4 and low not in ("citizen", "women", "children", "kitchen", "garden")):
        # `Scheduled talks on ...` (an adjective) vs `Born in Ohio`, `Asked about it`
        if nxt is None or nxt.kind != "w" or nxt.low in S.prep or nxt.low in S.det or not g.is_content(nxt, lex):
            return False
    return True


def _is_name_tok(t: Tok) -> bool:
    if not (t.kind == "w" and t.cap and t.low not in g.sets().function):
        return False
    if "-" in t.text and any(part[:1].islower() for part in t.text.split("-")[1:]):
        return False                    # `By-and-by`, `To-day`
    return True


def noun_phrase_back(toks: Sequence[Tok], h: int, lex) -> NounPhrase | None:
    """Walk back from ``toks[h]`` (the last word of a noun phrase) to the start of its
    clause.  Returns None when the words before are not a subject noun phrase at
    the start of a clause (a verb or a preposition governs it, it is an adverbial of
    time, or it is quoted)."""
    S = g.sets()
    i = h
    has_and = False
    boundary = "start"
    while i > 0:
        t = toks[i - 1]
        if t.kind == "q":
            return None
        if t.kind == "p":
            if t.text == ",":
                boundary = "comma"
            elif t.text in ";:(—–" or (t.text == "-" and i >= 2 and toks[i - 2].text == "-"):
                boundary = "punct"
            elif t.text in "’'&":
                i -= 1
                continue
            else:
                return None
            break
        low = t.low
        if low == "that":
            nx = toks[i]
            if nx.low in S.det or nx.low in S.num or nx.kind == "n" or nx.cap or g.is_plural(nx.low, lex):
                boundary = "sub"
                break
        if low in _NEVER_IN_NP or low in S.aux or low in S.subjpron or low in S.objpron:
            return None
        if t.kind == "n" or low in S.num:
            i -= 1
            continue
        if low in S.det:
            # a determiner right after a content word starts an object: `told the police`
            if i >= 2:
                pv = toks[i - 2]
                if pv.kind == "w" and pv.low in S.say and pv.low not in S.complement \
                        and pv.low not in _NOT_CLAUSE_SAY and not pv.cap:
                    i -= 1              # `said the police they ...`: a complement clause without `that`
                    boundary = "sub"
                    break
                if pv.kind == "w" and g.is_content(pv, lex) and pv.low != "such":
                    return None
            i -= 1
            continue
        if low in ("and", "or", "&"):
            has_and = has_and or low == "and"
            i -= 1
            continue
        if low == "but":
            boundary = "coord"
            break
        if low == "yet":
            return None
        if low == "as" and i >= 2 and toks[i - 2].low == "such":
            i -= 2
            continue
        if low in _PURE_SUB:
            if low not in _RELATIVE_SUB:
                return None
            boundary = "sub"
            break
        if low in S.prep:
            i -= 1                      # inside the NP (`residents of`), checked at the start
            continue
        if low in _NAME_PARTICLES and i < len(toks) and toks[i].cap:
            i -= 1
            continue
        if low in S.time or low in S.say or g.is_adverb(low, lex):
            return None
        if not t.cap and (g.looks_past(low) or low.endswith("ing")):
            prev = toks[i - 2] if i >= 2 else None
            if prev is None or not (prev.low in S.det or prev.kind == "n"):
                return None
        i -= 1
    np_toks = list(toks[i:h + 1])
    if not _first_token_ok(np_toks[0], np_toks[1] if len(np_toks) > 1 else None, lex):
        return None
    if any(t.low in S.time for t in np_toks):
        return None
    hd = np_toks[0]
    for k, t in enumerate(np_toks):
        if t.kind == "w" and (t.low in S.prep or t.low in ("and", "or")) and k:
            break
        if t.kind in ("w", "n"):
            hd = t
    # is the phrase headed by the name it ends with?
    k = len(np_toks) - 1
    while k > 0 and (_is_name_tok(np_toks[k - 1]) or np_toks[k - 1].low in _NAME_PARTICLES):
        k -= 1
    run = [t for t in np_toks[k:] if _is_name_tok(t)]
    name_headed = False
    if run and _is_name_tok(np_toks[-1]) and not np_toks[-1].low.endswith(("’s", "'s", "s’", "s'")):
        toks_before = np_toks[:k]
        inner_prep = False
        for j, t in enumerate(toks_before):
            if t.kind == "w" and t.low in S.prep and not (t.low == "as" and j and toks_before[j - 1].low == "such"):
                inner_prep = True
        sentence_initial_only = (k == 0 and i == 0 and len(run) == 1)
        single = run[0]
        acronym = single.text.isupper() and len(single.text) >= 2
        single_common = len(run) == 1 and not acronym and \
            lex.zipf(single.low) >= (3.3 if sentence_initial_only else 4.0)
        name_headed = not inner_prep and not single_common
    return NounPhrase(i, boundary, has_and, hd, np_toks, name_headed)


# partitives take their number from the noun after "of": "most of the blazes are"
_PARTITIVE = frozenset({"most", "some", "all", "half", "none", "any", "rest", "majority", "lot", "lots",
                        "plenty", "part", "percent", "per cent", "third", "quarter", "bulk", "remainder"})


def _plural_np(np: NounPhrase, lex) -> bool:
    S = g.sets()
    if np.has_and:
        return True
    low = np.subject_head.low
    if low in _PARTITIVE:
        words = [t for t in np.tokens if t.kind == "w"]
        lows = [t.low for t in words]
        if "of" in lows and lows.index("of") < len(lows) - 1:
            last = lows[-1]
            return g.is_plural(last, lex) or last in S.collective or last in _PLURAL_WORDS
    return g.is_plural(low, lex) or low in S.collective or low in _PLURAL_WORDS


def _later_finite_verb(toks: Sequence[Tok], k: int, lex) -> bool:
    """Whether another finite verb follows in the same sentence (then ``N PRON V`` was
    a zero relative clause: ``the man he met was tall``, ``the opening he was
    looking for, had not appeared``)."""
    S = g.sets()
    n = len(toks)
    j = k
    while j < n:
        t = toks[j]
        if t.kind == "q":
            return False
        if t.kind == "p":
            if t.text == ",":
                # `the securities they offer for loans, though satisfactory, are no longer ...`
                for k2 in range(j + 1, min(n, j + 10)):
                    if toks[k2].text == "," or k2 == j + 1:
                        c = k2 + 1 if toks[k2].text == "," else k2
                        if c < n:
                            nx = toks[c]
                            if nx.kind == "w" and (nx.low in S.aux or (g.looks_past(nx.low) and not nx.cap)):
                                return True
                    if toks[k2].kind in ("p", "q") and toks[k2].text != ",":
                        break
            return False
        low = t.low
        if low == "to" and j + 1 < n and toks[j + 1].kind == "w" and toks[j + 1].low in S.aux:
            j += 1                      # `the man I am referring to was never charged`
            continue
        if low in ("and", "but", "or", "to", "who", "which", "that") or low in S.sub or low in S.subjpron:
            return False
        if low in S.aux:
            return True
        if not t.cap and g.looks_past(low):
            prev = toks[j - 1].low if j else ""
            nxt = toks[j + 1].low if j + 1 < n else ""
            if prev not in S.det and prev not in S.aux and nxt != "by":
                return True
        j += 1
    return False


class _Evidence:
    """What the verb group after a pronoun tells about the clause it opens."""

    def __init__(self, toks: Sequence[Tok], i: int, lex, pron: str):
        S = g.sets()
        self.toks = toks
        self.vg = vg = g.verb_group(toks, i, lex)
        self.ok = vg is not None
        self.filled = self.passive = self.saying = self.copula = self.content = self.intrans = False
        self.parenthetical = self.contraction = False
        self._stranded: bool | None = None
        self.obj_any = False            # any noun phrase after the verb, even of a complement verb
        if vg is None:
            return
        self.contraction = any("’" in a or "'" in a for a in vg.aux)
        n = len(toks)
        nxt = toks[vg.next_i] if vg.next_i < n else None
        nlow = nxt.low if nxt is not None else ""
        end = nxt is None or nxt.kind in ("p", "q")
        # `..., he said,` / `..., it is true, ...` / `..., it will be seen, ...`
        k = vg.next_i
        if k < n and toks[k].kind == "p" and toks[k].text in ",)—–;:":
            self.parenthetical = True
        elif k + 1 < n and toks[k + 1].kind == "p" and toks[k + 1].text in ",)—–" and toks[k].kind == "w" \
                and toks[k].low not in S.det:
            self.parenthetical = True
        verb = vg.verb
        if verb is not None and verb in S.say and end:
            self.parenthetical = True
        if verb is not None:
            compl = verb in S.complement
            if verb in S.say and (not compl or verb in ("told", "tells", "tell")) and not end and not vg.particle:
                if nlow == "that" or nxt.kind == "n" or nlow in S.num or \
                        (nlow in S.det and nlow not in _DET_ADVERBS) or \
                        (nxt.kind == "w" and nxt.cap and nlow not in S.function) or \
                        (nxt.kind == "w" and g.is_content(nxt, lex) and nlow not in S.aux and not g.looks_past(nlow)):
                    self.saying = True
            if any(a in S.be for a in vg.aux) and g.is_participle(verb) and nlow not in ("to", "not", "that") \
                    and not (nlow == "by" and verb in S.complement) \
                    and nlow not in S.aux and not (nlow in S.prep and vg.next_i + 1 < n and toks[vg.next_i + 1].low.endswith("ing")):
                self.passive = True
            if vg.particle:
                if g.object_filled(toks, vg.next_i, lex) and \
                        (toks[vg.next_i - 1].low != "over" or verb in ("take", "takes", "took", "taken", "taking")):
                    self.filled = True
            elif not compl and g.object_filled(toks, vg.next_i, lex):
                self.filled = True
            # `who he had never gone beyond the third round`, `walked out of the chamber`
            if verb in S.intransitive and nlow in S.prep and vg.next_i + 1 < n:
                ap = toks[vg.next_i + 1]
                if g.object_filled(toks, vg.next_i + 1, lex) or ap.kind == "n" or \
                        (ap.kind == "w" and (g.is_content(ap, lex) or ap.low in S.det)):
                    self.intrans = not g.infinitive_ahead(toks, vg.next_i + 1)
            if not compl and not end and nxt.kind == "w" and g.is_content(nxt, lex) and nlow not in S.aux \
                    and not g.looks_past(nlow) and not nxt.cap:
                self.content = True
            if compl and not end and (g.object_filled(toks, vg.next_i, lex) or (
                    nxt.kind == "w" and g.is_content(nxt, lex) and nlow not in S.aux and not g.looks_past(nlow))):
                self.obj_any = True
            if pron == "it" and (verb in ("require", "requires", "required", "take", "takes", "took", "cost",
                                          "costs", "need", "needs", "needed")
                                 and g.infinitive_or_that_ahead(toks, vg.next_i)):
                self.filled = self.content = False
        elif vg.aux and vg.aux[-1] in S.be and not end:
            # copula: `which it is about twice the size`, `he is in good condition`
            if nlow not in S.aux and nlow not in ("to", "that", "not", "what", "how") and not g.looks_past(nlow):
                self.copula = True
            if pron == "it" and g.infinitive_or_that_ahead(toks, vg.next_i):
                self.copula = False

    @property
    def stranded(self) -> bool:
        """The clause ends in a preposition (``which he was interested in``); computed on
        first use: it reads up to 25 tokens, and most candidates never ask."""
        if self._stranded is None:
            self._stranded = self.vg is not None and g.stranded(self.toks, self.vg.next_i)
        return self._stranded

    @property
    def strong(self) -> bool:
        return self.filled or self.passive or self.saying or self.intrans

    @property
    def any(self) -> bool:
        return self.strong or self.copula or self.content


_DISLOCATED = ("the", "its", "their", "his", "her", "our")


def _comma_verb_ok(ev: _Evidence) -> bool:
    """After `NP, inserted phrase,` the pronoun opens a clause with a finite verb."""
    vg = ev.vg
    return bool(ev.any or vg.aux or (vg.verb is not None and (g.looks_past(vg.verb) or vg.verb.endswith("s"))))


_DET_ADVERBS = frozenset({"what", "which", "whose", "such", "much", "more", "less", "most", "all", "both",
                          "either", "neither", "any", "no", "enough", "many", "few"})

_PRON_RE = _rx(r"(?<![\p{L}\p{N}’'\-])(he|she|it|they)[ \t]+(?=\p{Ll})")
# The candidates the rule looks at have a blank before the pronoun (see the prefilter),
# so a plain scan for ` he ` (stdlib `re`: ~300 MB/s) finds them all; _PRON_RE, matched
# at each hit, decides exactly as before.
_PRON_SCAN = _rx_std(r" (?:he|she|it|they)(?= )")
_PRON_SCAN_TAB = _rx_std(r"[ \t](?:he|she|it|they)(?=[ \t])")
_PRONOUNS = {"h": "he", "s": "she", "i": "it", "t": "they"}    # by their first letter


@lru_cache(maxsize=1)
def _skip_words() -> frozenset[str]:
    """Function and time words as written (lower case, capitalised, upper case) after
    which the prefilter skips a pronoun; but `who` and `which`.  Such a word, found
    between a space and the blanks before the pronoun, is the word the prefilter's walk
    back finds (its letters, ’ ' - are what the walk takes)."""
    from ..packcache import cached      # building it costs ~3 ms of a CLI run's start-up

    S = g.sets()
    skip = (S.function | S.time) - {"who", "which"}
    # keyed by the words and by the builder's own code (it is not in packcache's stamps)
    return cached(("pronoun-skip-words", _written_forms.__code__), sorted(skip), lambda: _written_forms(skip))


def _written_forms(skip: frozenset[str]) -> frozenset[str]:
    return frozenset(v for w in skip for v in (w, w.capitalize(), w.upper())
                     if v.lower() in skip and all(c.isalnum() or c in "’'-" for c in v))


# where `_comma_case` stops walking back: `;`, `:`, a dash or quoted speech
_CLAUSE_MARK = _rx(r"(?r)[;:—–" + MASK + "]")    # (?r): the last one in a range


def _last_mark(text: str, lo: int, hi: int) -> int:
    """The offset of the last `;`, `:`, dash or quote in ``lo:hi``, or -1."""
    m = _CLAUSE_MARK.search(text, lo, hi)
    return -1 if m is None else m.start()


def _evidence(after, pron, lex):
    """The evidence of the tokens after the pronoun, None when it rules the pronoun
    out (no verb, parenthetical, a contraction)."""
    ev = _Evidence(after, 0, lex, pron)
    if not ev.ok or ev.parenthetical or ev.contraction:
        return None
    return ev


def _clear(text: str, orig: str, a: int, c: int) -> bool:
    """No sentence boundary ends and no paragraph starts within ``a + 1 .. c``: no
    sentence ender (.!?… or a newline, which `Document.sentences` needs) in ``a:c``,
    and no newline in the original text there (protected text is masked).  For an
    ``a`` that no sentence-end match can cover: just after a blank, or at a comma or
    a `;`, `:`, dash or quote."""
    return _ENDER.search(text, a, c) is None and orig.find("\n", a, c) < 0


class _NeedAfter(Exception):
    """The words after the pronoun are needed."""


class _Later:
    """Stands for the tokens and evidence after the pronoun before they are built."""
    __slots__ = ()

    def __getattr__(self, name):
        raise _NeedAfter

    def __getitem__(self, i):
        raise _NeedAfter

    def __len__(self):
        raise _NeedAfter


_LATER = _Later()


# Results per window text, so that the second check of a fixed document (`fix`) costs
# little for unchanged sentences: (windows' text, pronoun offsets, lexicon) -> finding
# recipe (offsets from the window start).
_MEMO: dict = {}
_MEMO_SIZE = 4096
_MISS = object()


def _remember(key, value) -> None:
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = value


def _relative(recipe, base: int):
    if recipe is None:
        return None
    start, message, conf, comma = recipe
    return start - base, message, conf, None if comma is None else comma - base


class ResumptivePronoun(Rule):
    """MT202."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        lex = ctx.lexicon
        S = g.sets()
        function, time, say = S.function, S.time, S.say
        skip = _skip_words()
        match = _PRON_RE.match
        scan = _PRON_SCAN_TAB if "\t" in text else _PRON_SCAN
        for h in scan.finditer(text):
            p = h.start() + 1
            pron = _PRONOUNS[text[p]]
            # cheap prefilter: a word or a comma just before (text[p - 1] is a blank)
            b = p - 2
            while b >= 0 and text[b] in " \t":
                b -= 1
            if b < 0:
                continue
            c = text[b]
            if c != ",":
                if not c.isalnum():
                    continue
                # the word before: letters, digits and ’ ' - back from `b`
                sp = text.rfind(" ", b - 40 if b > 40 else 0, b)
                prev = text[sp + 1:b + 1]
                if prev in skip:
                    continue            # `that he`, `of it`, `and they` (most pronouns)
                spaced = sp >= 0 and prev.isalnum()     # (then `prev` is the last token)
                if not spaced:
                    w0 = b
                    while w0 > 0 and (text[w0 - 1].isalnum() or text[w0 - 1] in "’'-"):
                        w0 -= 1
                    prev = text[w0:b + 1]
                lw = prev.lower()
                if lw in ("who", "which"):
                    if spaced:
                        # `_relative_case` needs a comma token before `who`/`which`
                        while sp > 0 and text[sp] in " \t\n":
                            sp -= 1
                        if text[sp] != "," and not text[sp].isspace():
                            continue
                elif lw in function or lw in time:
                    continue            # `that he`, `of it`, `and they`
                elif prev[0].islower():
                    if lw in say or g.looks_past(lw) or lw.endswith("ing"):
                        continue        # `said he`, `made it`, `leaving it`
                    # after a common noun only `they` (plural) and `it` (with an object)
                    # can repeat a subject, unless a `whose` clause is open
                    if text.rfind("whose", max(0, p - 250), p) < 0:
                        if pron in ("he", "she"):
                            continue
            m = match(text, p)
            if m is None:
                continue                # no lower-case word after the blanks
            pend = m.end()
            base, recipe = self._decide(doc, ctx, text, b, p, pend, pron, lex, S)
            if recipe is not None:
                start, message, conf, comma = recipe
                if comma is not None:
                    fix = self.replace(base + comma, p + len(pron), "", f"delete “, {pron}”", Applicability.UNSAFE)
                else:
                    fix = self.replace(p, pend, "", f"delete “{pron}”", Applicability.UNSAFE)
                yield self.finding(base + start, p + len(pron), message, fix=fix, confidence=conf)

    def _decide(self, doc, ctx, text, b, p, pend, pron, lex, S):
        """(base, recipe): the finding for the pronoun at ``p`` as (start, message,
        confidence, comma start or None), offsets from ``base``; recipe None: none.

        The rule's windows are the sentence around the pronoun, 300 characters before
        it and 150 after.  The words just before the pronoun reject most candidates:
        they are tested first, with the sentence start looked for only when those words
        may cross it (`_clear`).  The rest is decided on the windows, memoised by their
        text (and tokenized at their ends first)."""
        lo_limit = max(0, p - 300)
        first_test = self._comma_words_reject if text[b] == "," else self._words_before_reject
        rejected, ws = first_test(doc, ctx, text, b, p, pend, pron, lo_limit, lex, S)
        if rejected:
            return 0, None
        if ws < 0:
            ws = _window_lo(doc, ctx, p, lo_limit)
            if ws > p or b < ws:
                return 0, None
        we = _window_hi(doc, ctx, p, min(len(text), pend + 150))
        key = (text[ws:we], p - ws, pend - ws, lex)
        recipe = _MEMO.get(key, _MISS)
        if recipe is _MISS:
            try:
                recipe = self._candidate(text, ws, b, p, pend, we, pron, lex, S, partial=True)
            except g.Short:
                recipe = self._candidate(text, ws, b, p, pend, we, pron, lex, S, partial=False)
            recipe = _relative(recipe, ws)
            _remember(key, recipe)
        return ws, recipe

    def _comma_words_reject(self, doc, ctx, text, b, p, pend, pron, lo_limit, lex, S):
        """(rejected, window start or -1) for a comma before the pronoun: `_comma_case`
        walks back to the last `;`, `:`, dash or quote before the comma, else to the
        window start, and the words after that (and after the last comma) often reject."""
        ws = -1
        x = _last_mark(text, lo_limit, b)
        try:
            if self._last_segment_rejects(text, doc.text, lo_limit, x, b, p, pron, lex, S):
                return True, ws
        except g.Short:
            pass
        if x >= 0 and _clear(text, doc.text, x, p):
            floor = lo_limit            # the same last mark as from the window start
        else:
            floor = ws = _window_lo(doc, ctx, p, lo_limit)
            if b < ws:
                return True, ws         # (only blanks before the pronoun)
        try:
            return self._comma_precheck(text, floor, b, pron, lex, S) is None, ws
        except g.Short:
            return False, ws            # (a first word of 12 characters or more)

    def _words_before_reject(self, doc, ctx, text, b, p, pend, pron, lo_limit, lex, S):
        """(rejected, window start or -1): whether `_judge` rejects the pronoun on the
        words before it alone (`_LATER` stands for those after it): on the last 60
        characters or so when no sentence starts there (`_clear`), else on the end of
        the window (the window start found)."""
        orig = doc.text
        ws = -1
        t0 = text.find(" ", max(0, p - 60), p) + 1
        before = None
        if t0 > 0 and _clear(text, orig, t0, p):
            before = g.tokenize(text, t0, p)
            if len(before) >= 3:
                before.insert(0, g.EDGE)    # the sentence goes on before `t0`
            else:
                before = None
        if before is None:
            ws = _window_lo(doc, ctx, p, lo_limit)
            if b < ws:
                return True, ws             # (only blanks before the pronoun)
            before = g.tokenize_tail(text, ws, p, 60)
        try:
            return self._judge(before, _LATER, _LATER, pron, p, pend, b + 1 - len(before[-1].text), lex, S) is None, ws
        except (_NeedAfter, g.Short):
            return False, ws

    def _candidate(self, text, ws, b, p, pend, we, pron, lex, S, partial):
        """The finding for the pronoun at ``p`` as (start, message, confidence, comma
        start or None), or None, from the windows ``ws:p`` and ``pend:we``.
        ``partial``: tokenize only their ends next to the pronoun (raises ``g.Short``
        when the rule reads past them) and test the words before the pronoun first, as
        far as they decide alone (every test rejects, so their order does not change
        the result)."""
        if not partial:
            after = g.tokenize(text, pend, we)
            ev = _Evidence(after, 0, lex, pron)
            if not ev.ok or ev.parenthetical or ev.contraction:
                return None
            before = g.tokenize(text, ws, p)
        elif text[b] == ",":
            begin = self._comma_precheck(text, ws, b, pron, lex, S)
            if begin is None:
                return None
            after = g.tokenize_head(text, pend, we, 40)
            ev = _evidence(after, pron, lex)
            if ev is None or not _comma_verb_ok(ev):
                return None
            before = g.tokenize(text, begin, p)
            if begin > ws:
                before.insert(0, g.EDGE)
        else:
            before = g.tokenize_tail(text, ws, p, 60)
            after = g.tokenize_head(text, pend, we, 40)
            ev = _evidence(after, pron, lex)
            if ev is None:
                return None
        # the last token before the pronoun ends at `b`
        return self._judge(before, after, ev, pron, p, pend, b + 1 - len(before[-1].text), lex, S)

    def _last_segment_rejects(self, text, orig, lo_limit, x, b, p, pron, lex, S) -> bool:
        """Whether `_comma_case` fails on the comma segments before the comma at ``b``,
        told without the sentence start (``x``: the last `;`, `:`, dash or quote after
        ``lo_limit``).  `he`/`she` need two segments (another comma), and every segment
        after the first must be an inserted phrase (`_insertion` tests its first word)."""
        if x >= 0 and text[x] in ":–" and not text[x + 1].isspace():
            return False                # (maybe inside a number: where the walk stops is open)
        c2 = text.rfind(",", lo_limit, b)
        if c2 < x or c2 < 0:
            return pron in ("he", "she")    # one segment
        if text[c2 + 1] != " " or text.find("(", max(lo_limit, x + 1), b) >= 0:
            return False                # (a comma in a number; brackets group segments)
        if pron not in ("he", "she") and not _clear(text, orig, c2, p):
            return False                # is the comma in the sentence?
        seg = g.first_tokens(text, c2 + 1, b)
        if not seg:
            return True                 # an empty segment
        t0 = seg[0]
        # (no quote in it: `x` is the last mark, and quotes are marks)
        return t0.kind != "n" and not self._insertion([t0], lex, S)

    def _comma_precheck(self, text, ws, b, pron, lex, S):
        """For a comma at ``b`` before the pronoun: None when `_comma_case` fails on the
        first words of its first segment, else the offset to tokenize the words before
        the pronoun from (``ws``, the window start, or a later token start).

        `_comma_case` walks back from the comma to quoted speech (no finding), to a `;`,
        `:` or dash (its segments start after it) or to the window start."""
        x = _last_mark(text, ws, b)
        if x < 0:
            r = begin = ws
        elif text[x] == MASK:
            return None
        elif text[x] in ";—" or text[x + 1].isspace():
            r, begin = x + 1, x         # the mark is a token (a `:` or `–` may be in a number)
        else:
            sp = text.rfind(" ", ws, x)
            return ws if sp < 0 else sp + 1
        head = g.first_tokens(text, r, b)
        if not head:
            return None                 # an empty segment
        f0 = head[0]
        if f0.kind in ("p", "q"):
            return None                 # an empty segment, or no noun phrase
        f1 = head[1] if len(head) > 1 else None
        if f1 is not None and f1.text == ",":
            f1 = None                   # a one-word segment
        # the first tests of `_pure_np` on the first segment
        if not _first_token_ok(f0, f1, lex) or f0.low in ("a", "an"):
            return None
        if f1 is not None and f1.kind == "w" and f1.low in S.prep and not g.is_plural(f0.low, lex) \
                and not _is_name_tok(f0):
            return None
        if text.find(",", r, b) < 0:
            # no other comma: one segment, a bare left dislocation (`the new rules, they`)
            if pron in ("he", "she") or (f0.low not in _DISLOCATED and not g.looks_past(f0.low)):
                return None
        return begin

    # ------------------------------------------------------------------------------------
    def _judge(self, before, after, ev, pron, p, pend, lstart, lex, S):
        """``lstart``: the offset of the last token of ``before``."""
        last = before[-1]
        if last.kind == "p" and last.text == ",":
            return self._comma_case(before, after, pron, p, pend, ev, lstart, lex, S)
        if last.kind not in ("w", "n"):
            return None
        low = last.low
        if low in ("who", "which"):
            return self._relative_case(before, pron, p, pend, ev, lstart, lex, S)
        whose = self._whose_case(before, pron, p, pend, ev, lex, S)
        if whose is not None:
            return whose if whose is not False else None
        return self._np_case(before, after, pron, p, pend, ev, lex, S)

    def _delete_pron(self, p: int, pend: int, pron: str, message: str, conf: float,
                     start: int | None = None, comma: int | None = None):
        """The finding to make (``check`` builds it): start, message, confidence and the
        start of the comma deleted with the pronoun."""
        return (p if start is None else start, message, conf, comma)

    # `, who she said the text would`, `, which it owns the company`
    def _relative_case(self, before, pron, p, pend, ev, lstart, lex, S):
        if len(before) < 3 or before[-2].text != ",":
            return None
        rel = before[-1].low
        ante = before[-3]
        if rel == "who" and pron == "it":
            return None
        if ante.kind == "w":
            al = ante.low
            plural = g.is_plural(al, lex) or al in _PLURAL_WORDS
            if rel == "which" and pron == "it" and plural:
                return None
            if rel == "which" and pron == "they" and not (plural or al in S.collective):
                return None
            if pron in ("he", "she") and plural and not ante.cap:
                return None
        if ev.stranded:
            return None
        plural_object = ev.content and ev.vg is not None and ev.vg.next_i < len(ev.toks) and \
            g.is_plural(ev.toks[ev.vg.next_i].low, lex) and not g.infinitive_ahead(ev.toks, ev.vg.next_i)
        if not (ev.strong or ev.copula or plural_object):
            return None
        conf = 0.85 if ev.strong else 0.7
        return self._delete_pron(p, pend, pron,
                                 f"“{pron}” repeats the subject of the relative clause “{rel}”: delete it",
                                 conf, start=lstart)

    # `whose decision to try ... it met with little success`
    def _whose_case(self, before, pron, p, pend, ev, lex, S):
        """A finding, None (not this case) or False (this case, but legitimate)."""
        j = len(before) - 1
        while j >= 0 and len(before) - j <= 25:
            t = before[j]
            if t.kind in ("p", "q"):
                if t.text in "()":
                    j -= 1
                    continue
                return None
            if t.low == "whose":
                break
            if t.low in ("who", "which", "that") or t.low in S.aux or t.low in S.subjpron or t.low in _PURE_SUB:
                return None
            j -= 1
        else:
            return None
        if j < 0 or j + 1 >= len(before) or before[j].low != "whose":
            return None
        if j >= 1 and before[j - 1].kind == "w" and before[j - 1].low in S.prep:
            return False                # `in whose hands it was`
        last = before[-1]
        if not last.cap and (g.looks_past(last.low) or last.low in S.say or last.low.endswith("ing")):
            return False                # `whose aspect rendered it delightful`
        noun = before[j + 1]
        if noun.kind != "w" or noun.low in S.function:
            return False
        span = len(before) - (j + 1)    # words from the noun to the pronoun
        plural = g.is_plural(noun.low, lex)
        if (pron == "it" and plural) or (pron == "they" and not plural) or pron in ("he", "she"):
            return False
        if ev.stranded or not (span >= 3 or ev.strong):
            return False
        return self._delete_pron(p, pend, pron,
                                 f"“{pron}” repeats “whose {noun.text} …”, the subject of the relative clause: delete it",
                                 0.8)

    # `Kremlin spokesman Dmitry Peskov he said`, `The police they detained 23 people`
    def _np_case(self, before, after, pron, p, pend, ev, lex, S):
        h = len(before) - 1
        last = before[h]
        if not g.is_content(last, lex) or last.low in S.time or last.low in S.imperatives:
            return None
        if not last.cap and (g.looks_past(last.low) or last.low in S.say or last.low.endswith("ing")):
            if h == 0 or before[h - 1].low not in S.det:
                return None
        np = noun_phrase_back(before, h, lex)
        if np is None:
            return None
        if len(np.tokens) == 1 and not np.name_headed and np.boundary in ("start", "punct", "comma"):
            # `Doubtless it will`, `Let it be`, `Teeth he accounted`; but `Demonstrators they blocked the road`
            if not (pron == "they" and g.is_plural(last.low, lex) and ev.strong and not last.low.endswith("ly")):
                return None
        if np.name_headed:
            if pron == "they" and not np.has_and:
                return None
            if pron == "it" and np.has_and:
                return None
            if not (ev.any or ev.intrans):
                return None
            if len(np.tokens) == 1 and np.boundary in ("start", "punct") and (pron == "it" or not (ev.saying or ev.strong)):
                return None             # `Oliphant he met oftener` (a fronted object), `To-day it has`
            conf = 0.85 if (ev.saying or ev.strong) else 0.75
            return self._delete_pron(p, pend, pron,
                                     f"“{pron}” repeats the subject “{last.text}”: delete it", conf)
        # a common noun: `the man he met` is a zero relative clause, so ask for more
        plural = _plural_np(np, lex)
        if pron == "they":
            if not plural:
                return None
            if not (ev.any or ev.obj_any or np.boundary == "sub"):
                return None
            if np.boundary == "comma" and not (ev.strong or ev.content):
                return None
        elif pron == "it":
            # `said that 14 municipalities it had restricted the use of water`
            if not (np.boundary == "sub" and ev.filled):
                return None
        else:
            return None
        if ev.stranded or _later_finite_verb(after, ev.vg.next_i, lex):
            return None
        conf = 0.8 if ev.strong else 0.7
        return self._delete_pron(p, pend, pron,
                                 f"“{pron}” repeats the subject “{last.text}”: delete it", conf)

    # `The clubs president, Aurelio Vitale, he told`, `the new rules, they will take effect`
    def _comma_case(self, before, after, pron, p, pend, ev, lstart, lex, S):
        if not _comma_verb_ok(ev):
            return None                 # (tested first: it needs no tokens before the pronoun)
        start = 0
        for k in range(len(before) - 1, -1, -1):
            t = before[k]
            if t.kind == "q":
                return None
            if t.kind == "p" and t.text in ";:—–":
                start = k + 1
                break
        segs: list[list[Tok]] = [[]]
        depth = 0
        for t in before[start:-1]:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            if t.text == "," and depth == 0:
                segs.append([])
            else:
                segs[-1].append(t)
        if any(not s for s in segs):
            return None
        first = segs[0]
        if not self._pure_np(first, lex, S):
            return None
        for seg in segs[1:]:
            if not self._insertion(seg, lex, S):
                return None
        head = None
        for k, t in enumerate(first):
            if t.kind == "w" and (t.low in S.prep or t.low in ("and", "or")) and k:
                break
            if t.kind in ("w", "n"):
                head = t
        if head is None:
            return None
        hl = head.low
        has_and = any(t.low == "and" for t in first)
        plural = has_and or g.is_plural(hl, lex) or hl in _PLURAL_WORDS
        if pron == "they" and not (plural or hl in S.collective):
            return None
        if pron != "they" and plural:
            return None
        if len(segs) == 1:
            # `the new rules, they will`: the bare left dislocation; only a definite
            # noun phrase (not a name: `Mr. Speaker, it was`) and never he/she
            # (`The son of a farmer, he grew up`)
            if pron in ("he", "she"):
                return None
            f0 = first[0].low
            if f0 not in _DISLOCATED and not g.looks_past(f0):
                return None
            if all(_is_name_tok(t) or t.low in ("the",) for t in first):
                return None
            return self._delete_pron(p, pend, pron,
                                     f"“{pron}” repeats the subject “{' '.join(t.text for t in first[-3:])}”: delete it",
                                     0.75, comma=lstart)
        if pron in ("he", "she"):
            # the inserted phrase must name or describe a person: `Aurelio Vitale`, `a 58-year-old man`
            if not any(self._personal(seg, lex) for seg in segs[1:]):
                return None
        return self._delete_pron(p, pend, pron,
                                 f"“{pron}” repeats the subject “{head.text}” after the inserted phrase: delete it",
                                 0.85)

    @staticmethod
    def _personal(seg: Sequence[Tok], lex) -> bool:
        """An inserted phrase that names or describes a person: `Aurelio Vitale`,
        `38`, `a 24-year-old Brazilian`, `a 58-year-old man`."""
        for t in seg:
            if t.kind == "n" or _is_name_tok(t):
                return True
            if t.low in _PERSON_WORDS:
                return True
        return False

    def _pure_np(self, seg: Sequence[Tok], lex, S) -> bool:
        """The first comma segment is a subject noun phrase: no verb, not an adverbial."""
        if not _first_token_ok(seg[0], seg[1] if len(seg) > 1 else None, lex):
            return False
        l0 = seg[0].low
        if l0 in ("a", "an"):
            return False                # `A keen sportsman, he ...`
        if len(seg) > 1 and seg[1].kind == "w" and seg[1].low in S.prep and not g.is_plural(l0, lex) \
                and not _is_name_tok(seg[0]):
            return False                # `Destitute of support, it ...`, `Mindful of this, it ...`
        if len(seg) == 1 and seg[0].cap and lex.zipf(l0) >= 3.3:
            return False
        if any(t.low in S.time for t in seg[:4]):
            return False
        last = seg[-1]
        if last.kind == "w" and (last.low in S.prep or last.low in S.function):
            return False
        for k, t in enumerate(seg):
            if t.kind == "q":
                return False
            if t.kind == "p" and t.text not in "()’'-&.":
                return False
            low = t.low
            if low in S.aux or low in S.subjpron or low in S.objpron or low in _NEVER_IN_NP or low in ("that", "whose", "whom"):
                return False
            if low in S.sub and low not in S.prep:
                return False
            if t.kind == "w" and not t.cap and g.is_adverb(low, lex) and low not in S.prep:
                return False
            if low.endswith("est") and len(low) > 5 and k > 0 and seg[k - 1].low == "the":
                return False            # `The largest city in the state, it ...`
            if k <= 2 and low in ("first", "last", "only", "one", "former", "son", "daughter", "native", "member", "veteran"):
                return False
            if k > 0 and low in S.det and seg[k - 1].kind == "w" and g.is_content(seg[k - 1], lex):
                return False            # a verb and its object: `This slows our growth`
            if k > 0 and not t.cap and (low in S.say or (g.looks_past(low) and seg[k - 1].low not in S.det
                                                          and seg[k - 1].kind != "n"
                                                          and (k + 1 >= len(seg) or seg[k + 1].low in S.prep or seg[k + 1].low in S.det))):
                return False
        return True

    def _insertion(self, seg: Sequence[Tok], lex, S) -> bool:
        """An appositive or a non-restrictive relative clause between commas."""
        t0 = seg[0]
        l0 = t0.low
        if any(t.kind == "q" for t in seg):
            return False
        if t0.kind == "n":
            return len(seg) <= 3
        if l0 in ("who", "which", "whose", "where"):
            return True
        if l0 in S.det and l0 not in ("that", "this", "these", "those", "all", "both", "no", "any", "each", "every"):
            return True
        if t0.cap and l0 not in S.function and not g.is_adverb(l0, lex):
            return True
        return False


# -- MT201 ------------------------------------------------------------------------------------

_I_RE = _rx(r"(?<=[\p{L}\p{N}][ \t]{1,3})I[ \t]+(am|was|have|had)(?![\p{L}’'])|(?<=[\p{L}\p{N}][ \t]{1,3})I(’m|'m)(?![\p{L}])")

_REPL = {"am": ("is", "are"), "’m": ("is", "are"), "'m": ("is", "are"), "was": ("was", "were"),
         "have": ("has", "have"), "had": ("had", "had")}


class FirstPersonCalque(Rule):
    """MT201."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        cands = list(_I_RE.finditer(text))
        if not cands:
            return
        v = voice(doc, ctx)
        max_other = int(self.options.get("max_other_first_person", 1))
        max_cands = int(self.options.get("max_calques", 3))
        own = {m.start() for m in cands}
        if v.first_person_besides(own) > max_other or len(cands) > max_cands:
            return
        lex = ctx.lexicon
        S = g.sets()
        for m in cands:
            p = m.start()
            before = g.tokenize(text, _window_lo(doc, ctx, p, max(0, p - 400)), p)
            if not before:
                continue
            last = before[-1]
            if last.kind != "w" or not g.is_content(last, lex):
                continue
            if g.looks_past(last.low) or last.low in S.say or last.low in S.time or last.low.endswith("ing"):
                continue
            np = noun_phrase_back(before, len(before) - 1, lex)
            if np is None or (len(np.tokens) == 1 and np.boundary in ("start", "punct") and not np.name_headed):
                continue
            after = g.tokenize(text, m.end(), _window_hi(doc, ctx, p, min(len(text), m.end() + 160)))
            if not after or after[0].kind != "w":
                continue
            nl = after[0].low
            if nl in S.det or nl in S.subjpron or nl in S.objpron or nl in ("to", "that", "not", "so", "now", "today", "there", "here") \
                    or after[0].cap or nl in S.time:
                continue
            if _later_finite_verb(after, 1, lex) or g.stranded(after, 0):
                continue                # `the group I am moving towards is ...`: a relative clause
            verb = m.group(1) or m.group(2)
            sg, pl = _REPL[verb]
            repl = pl if _plural_np(np, lex) else sg
            head = np.subject_head.text
            yield self.finding(
                p, m.end(),
                f"first person “{m.group()}” in third-person prose: the subject is “{head}” — “{repl}”",
                fix=self.replace(p, m.end(), repl, f"replace with “{repl}”"),
                confidence=0.85)


# -- MT203 ------------------------------------------------------------------------------------

_ACC_RE = _rx(r"\b([Aa]ccording[ \t]+to)[ \t]+(him|her|them)[ \t]+(?=\p{Lu})")
_NAME_RUN = _rx(
    r"\p{Lu}[\p{L}\p{M}’'\-]*\.?(?:[ \t]+(?:(?:de|da|di|del|van|von|der|den|la|le|du|bin|al)[ \t]+)*\p{Lu}[\p{L}\p{M}’'\-]*\.?)*")


class AccordingToPronoun(Rule):
    """MT203."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        for m in _ACC_RE.finditer(text):
            nm = _NAME_RUN.match(text, m.end())
            if not nm:
                continue
            name = nm.group()
            rest = text[nm.end():nm.end() + 3].lstrip(" \t")
            nxt = rest[:1]
            # `according to him Nicholas Lokker, a research assistant` (the name closes the
            # phrase) but not `according to him Russia would win` (a clause follows)
            if nxt and nxt not in ",.;:)—–\n!?":
                continue
            if name in ("I",):
                continue
            start = m.start(2)
            fix = self.replace(start, m.end(), "", f"delete “{m.group(2)}”")
            yield self.finding(start, m.end(2),
                               f"“according to {m.group(2)} {name}”: the pronoun doubles the name — “according to {name}”",
                               fix=fix, confidence=0.9)
