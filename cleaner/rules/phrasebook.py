"""Data-driven phrasebook rules: lexical calques, false friends, acronym calques.

A phrasebook rule (``impl = "phrasebook"``) reads *entries* — from its own rule
file and from every *pack* (``*.pack.toml``) that ``extends`` it — and reports
each match with the entry's replacement.  ``rules/calques/README.md`` and
``rules/README.md`` document the format; in short::

    extends = "MT301"             # pack header (a rule file has code/name/... instead)
    language = "it"               # default source language of the entries

    [[entries]]
    find = "second a chirp"       # a phrase (words; ' also matches ’) ...
    replace = ["according to a tweet"]
    fix = "safe"                  # safe | unsafe (default) | display-only | none
    note = "secondo un cinguettio"

    [[entries]]
    find = '(?P<m>hit) the transversal'   # ... or a regex (regex = true)
    regex = true
    ...

How matching works (Vale's substitution compiler, LanguageTool's antipatterns):

* every entry becomes a regex.  Vale merges a style's entries into one
  alternation and runs it over the text; measured here, a merged alternation of a
  few hundred case-insensitive patterns costs ~1 µs per character with the
  ``regex`` module (0.1 MB/s).  So each pack still has its merged alternation
  (:attr:`Pack.combined`: longest first, inner groups non-capturing; MT401 uses it
  to classify whole lines), but phrasebook matching goes through a cheaper
  prefilter: every entry gets *anchors*, literal words read off its parsed
  pattern (``make a photo`` → {photo, photos, ...}), all anchors of a rule are
  compiled into trie-shaped regexes run over a byte copy of the text (one pass,
  ~60 MB/s: :class:`AnchorIndex`), and an entry's own regex only runs in short
  windows around its anchors — or, for most entries, only where a match can
  start: at the anchor word, or a few literal words before it (:func:`_plan`).
  Named groups, a marker group ``m`` (report and replace only that part of a wider
  match) and templates all work;
* ``unless_before`` / ``unless_after`` cancel a match when the text just before /
  after it matches; ``context`` must be found (``unless_context`` must not be
  found) in the entry's ``scope`` (sentence, paragraph or document);
* ``requires_pivot`` entries only fire when the language the document's other
  calques lean to (:mod:`cleaner.rules.pivot`, the evidence behind MT310) is one
  of the entry's languages; entries of that language gain confidence;
* replacements keep the case of the matched text (codespell's ``fix_case``) and
  may use ``\\1`` / ``\\g<name>`` group references, ``{verb:carry out}`` (inflected
  like the first matched word: realised → carried out) and ``{ing:\\g<v>}``
  (recommends to use → recommends using).

Regexes of packs outside mtclean's own ``rules/`` run through
:mod:`cleaner.rules.userregex` with a timeout.  Acronym packs may also list
``[[orgs]]`` (English name, English acronym, foreign acronyms per language),
which become entries: ``European Space Agency (ASE)`` → ``(ESA)``.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..registry import RulePackError
from ..types import Applicability, Finding
from . import userregex
from .base import Context, Rule
from ..paths import cache_dir as _cache_dir

LANGUAGES = {"it": "Italian", "es": "Spanish", "fr": "French", "de": "German",
             "pt": "Portuguese", "ru": "Russian"}

ENTRY_KEYS = {"find", "regex", "replace", "fix", "note", "language", "unless_before", "unless_after",
              "context", "unless_context", "scope", "case_sensitive", "requires_pivot", "confidence",
              "example", "trap"}
ORG_KEYS = {"name", "aliases", "acronym", "foreign", "note", "bare"}
PACK_KEYS = {"extends", "language", "description", "entries", "orgs", "fix"}
SCOPES = ("sentence", "paragraph", "document")

# word boundaries that treat apostrophes and hyphens as word characters; the left one
# depends on how the pattern starts (one cheap check: an alternation of lookarounds in
# front of a pattern makes the regex engine ten times slower)
_LB_WORD = r"\b(?<!['’\-])"
_LB_OTHER = r"(?<![\w'’\-])"
_LEADING = _rx(r"(?:\(\?(?:<[=!](?:[^()\\]|\\.)*|[aiLmsux-]*:|P<\w+>|<\w+>)|\()*")


def _left(body: str) -> str:
    """The left word boundary for a pattern: ``\b`` when it can only start with a
    word character (the usual case: it is much faster), a lookbehind otherwise."""
    rest = body[_LEADING.match(body).end():]
    first = rest[:1]
    if first.isalnum() or rest.startswith(("\\w", "\\d", "\\p{L", "\\p{Lu", "\\p{N", "[A-Z", "[a-z", "[Tt", "[Oo")):
        return _LB_WORD
    return _LB_OTHER
_RB = r"(?:(?<=\w)(?![\w'’]|-\w)|(?<!\w))"

_BACKREF = _rx(r"(?<!\\)(?:\\\\)*\\(?:[1-9]|g<)|\(\?P=")
_DEFAULT_CONFIDENCE = {Applicability.SAFE: 0.92, Applicability.UNSAFE: 0.82, Applicability.DISPLAY_ONLY: 0.65}


# -- errors --------------------------------------------------------------------------------

def _where(path: Path, index: int | None, find: Any) -> str:
    if index is None:
        return f"{path}"
    return f"{path}: entry #{index + 1} (find {find!r})"


def _fail(path: Path, index: int | None, find: Any, problem: str) -> RulePackError:
    return RulePackError(f"{_where(path, index, find)}: {problem}")


# -- regex helpers -------------------------------------------------------------------------

def phrase_to_regex(phrase: str) -> str:
    """A phrase as a regex: words separated by flexible whitespace, ' matching ’."""
    out = []
    for ch in phrase.strip():
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(regex.escape(ch))
    return "".join(out)


def neutralize_groups(pattern: str) -> str:
    """Make every capturing group of ``pattern`` non-capturing (for the merged
    alternation).  Back-references cannot survive that and are rejected."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1:i + 2]
            if not in_class and (nxt.isdigit() and nxt != "0" or nxt == "g"):
                raise ValueError("back-references (\\1, \\g<name>) are not supported in find patterns")
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if pattern[i:i + 1] == "^":
                out.append("^")
                i += 1
            if pattern[i:i + 1] == "]":
                out.append("]")
                i += 1
            continue
        if ch == "(":
            rest = pattern[i + 1:]
            if rest.startswith("?P<") or (rest.startswith("?<") and not rest.startswith(("?<=", "?<!"))):
                j = pattern.index(">", i)
                out.append("(?:")
                i = j + 1
                continue
            if rest.startswith("?P="):
                raise ValueError("back-references ((?P=name)) are not supported in find patterns")
            if not rest.startswith("?"):
                out.append("(?:")
                i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


class _Runner:
    """Runs a pack's regexes, with the user-regex timeout for packs from outside mtclean."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout

    def finditer(self, pattern, text, pos=0, endpos=None, overlapped=False):
        endpos = len(text) if endpos is None else endpos
        if self.timeout is None:
            return pattern.finditer(text, pos, endpos, overlapped=overlapped)
        return self._guarded(pattern, text, pos, endpos, overlapped)

    def _guarded(self, pattern, text, pos, endpos, overlapped):
        try:
            yield from pattern.finditer(text, pos, endpos, overlapped=overlapped, timeout=self.timeout)
        except TimeoutError:
            return

    def match(self, pattern, text, pos, endpos=None):
        endpos = len(text) if endpos is None else endpos
        try:
            return pattern.match(text, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            return None

    def fullmatch(self, pattern, text, pos=0, endpos=None):
        endpos = len(text) if endpos is None else endpos
        try:
            return pattern.fullmatch(text, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            return None

    def search(self, pattern, text, pos=0, endpos=None):
        endpos = len(text) if endpos is None else endpos
        try:
            return pattern.search(text, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            return None


# -- English morphology for replacement templates -------------------------------------------

_IRREGULAR = {
    # base: (3sg, past, past participle, -ing)
    "be": ("is", "was", "been", "being"), "have": ("has", "had", "had", "having"),
    "do": ("does", "did", "done", "doing"), "go": ("goes", "went", "gone", "going"),
    "take": ("takes", "took", "taken", "taking"), "make": ("makes", "made", "made", "making"),
    "give": ("gives", "gave", "given", "giving"), "hold": ("holds", "held", "held", "holding"),
    "come": ("comes", "came", "come", "coming"), "become": ("becomes", "became", "become", "becoming"),
    "get": ("gets", "got", "got", "getting"), "keep": ("keeps", "kept", "kept", "keeping"),
    "run": ("runs", "ran", "run", "running"), "put": ("puts", "put", "put", "putting"),
    "set": ("sets", "set", "set", "setting"), "lead": ("leads", "led", "led", "leading"),
    "meet": ("meets", "met", "met", "meeting"), "build": ("builds", "built", "built", "building"),
    "bring": ("brings", "brought", "brought", "bringing"), "win": ("wins", "won", "won", "winning"),
    "sell": ("sells", "sold", "sold", "selling"), "buy": ("buys", "bought", "bought", "buying"),
    "pay": ("pays", "paid", "paid", "paying"), "spend": ("spends", "spent", "spent", "spending"),
    "find": ("finds", "found", "found", "finding"), "think": ("thinks", "thought", "thought", "thinking"),
    "tell": ("tells", "told", "told", "telling"), "say": ("says", "said", "said", "saying"),
    "throw": ("throws", "threw", "thrown", "throwing"), "draw": ("draws", "drew", "drawn", "drawing"),
    "fall": ("falls", "fell", "fallen", "falling"), "rise": ("rises", "rose", "risen", "rising"),
    "begin": ("begins", "began", "begun", "beginning"), "write": ("writes", "wrote", "written", "writing"),
    "speak": ("speaks", "spoke", "spoken", "speaking"), "break": ("breaks", "broke", "broken", "breaking"),
    "choose": ("chooses", "chose", "chosen", "choosing"), "see": ("sees", "saw", "seen", "seeing"),
    "know": ("knows", "knew", "known", "knowing"), "show": ("shows", "showed", "shown", "showing"),
    "stand": ("stands", "stood", "stood", "standing"), "send": ("sends", "sent", "sent", "sending"),
    "leave": ("leaves", "left", "left", "leaving"), "lose": ("loses", "lost", "lost", "losing"),
    "cut": ("cuts", "cut", "cut", "cutting"), "hit": ("hits", "hit", "hit", "hitting"),
    "let": ("lets", "let", "let", "letting"), "strike": ("strikes", "struck", "struck", "striking"),
    "undertake": ("undertakes", "undertook", "undertaken", "undertaking"),
    "withdraw": ("withdraws", "withdrew", "withdrawn", "withdrawing"),
    "overcome": ("overcomes", "overcame", "overcome", "overcoming"),
    "grow": ("grows", "grew", "grown", "growing"), "drive": ("drives", "drove", "driven", "driving"),
    "eat": ("eats", "ate", "eaten", "eating"), "fight": ("fights", "fought", "fought", "fighting"),
    "hang": ("hangs", "hung", "hung", "hanging"), "seek": ("seeks", "sought", "sought", "seeking"),
    "teach": ("teaches", "taught", "taught", "teaching"), "catch": ("catches", "caught", "caught", "catching"),
    "shoot": ("shoots", "shot", "shot", "shooting"), "sit": ("sits", "sat", "sat", "sitting"),
    "lay": ("lays", "laid", "laid", "laying"), "deal": ("deals", "dealt", "dealt", "dealing"),
    "mean": ("means", "meant", "meant", "meaning"), "feel": ("feels", "felt", "felt", "feeling"),
}
_IRREGULAR_FORMS: dict[str, tuple[str, str]] = {}
for _base, _forms in _IRREGULAR.items():
    for _tag, _form in zip(("s", "past", "pp", "ing"), _forms):
        _IRREGULAR_FORMS.setdefault(_form, (_base, _tag))
_DOUBLE_FINAL = {"commit", "admit", "permit", "submit", "omit", "emit", "refer", "prefer", "transfer",
                 "occur", "recur", "control", "patrol", "regret", "compel", "expel", "propel", "equip",
                 "rebel", "begin", "forget", "upset", "abet", "acquit", "allot", "deter", "incur"}
_VOWELS = "aeiou"
_AUX_PP = {"have", "has", "had", "having", "’ve", "'ve", "be", "been", "being", "is", "are", "was", "were",
           "am", "get", "got", "gets", "getting", "’s", "'s"}


def _doubles(base: str) -> bool:
    if base in _DOUBLE_FINAL:
        return True
    if len(base) < 3 or base[-1] in "wxy" + _VOWELS:
        return False
    c1, v, c2 = base[-3], base[-2], base[-1]
    if c1 in _VOWELS or v not in _VOWELS or c2 in _VOWELS:
        return False
    # one syllable only: no other vowel group before
    return not any(ch in _VOWELS for ch in base[:-2])


def inflect(base: str, form: str) -> str:
    """``base`` verb in ``form`` (base, s, past, pp, ing)."""
    if form == "base":
        return base
    low = base.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low][("s", "past", "pp", "ing").index(form)]
    if form == "s":
        if low.endswith(("s", "x", "z", "ch", "sh", "o")):
            return base + "es"
        if low.endswith("y") and low[-2:-1] not in _VOWELS:
            return base[:-1] + "ies"
        return base + "s"
    if form in ("past", "pp"):
        if low.endswith("e"):
            return base + "d"
        if low.endswith("y") and low[-2:-1] not in _VOWELS:
            return base[:-1] + "ied"
        if _doubles(low):
            return base + base[-1] + "ed"
        return base + "ed"
    # -ing
    if low.endswith("ie"):
        return base[:-2] + "ying"
    if low.endswith(("ee", "ye", "oe")) or low == "be":
        return base + "ing"
    if low.endswith("e") and len(low) > 2:
        return base[:-1] + "ing"
    if _doubles(low):
        return base + base[-1] + "ing"
    return base + "ing"


def verb_form(word: str, previous: str = "") -> str:
    """The inflection of a matched verb form: base, s, past, pp or ing."""
    w = word.lower()
    prev = previous.lower()
    if w in _IRREGULAR_FORMS:
        base, tag = _IRREGULAR_FORMS[w]
        if w == base:
            return "base"
        if tag in ("past", "pp"):
            return "pp" if prev in _AUX_PP else "past"
        return tag
    if w.endswith("ing") and len(w) > 4:
        return "ing"
    if w.endswith("ed") and len(w) > 3:
        return "pp" if prev in _AUX_PP else "past"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return "s"
    return "base"


_MODALS = {"to", "will", "would", "can", "could", "may", "might", "must", "shall", "should", "not"}
_TEMPLATE = _rx(r"\{(verb|ing):([^{}]*)\}")
_WORD = _rx(r"[\w’'\-]+")


def fix_case(matched: str, replacement: str) -> str:
    """codespell's fix_case: keep the matched text's capitalisation."""
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters) and any(c.islower() for c in replacement):
        return replacement.upper()
    if matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# -- anchors: the cheap prefilter ----------------------------------------------------------
#
# Vale merges a style's substitutions into one alternation; with the ``regex`` module a
# few hundred case-insensitive alternatives cost ~1 µs per character, whatever the text.
# Instead, every entry gets *anchors* — literal words of which one must begin a word of
# any match (read off the parsed pattern: ``make a photo`` → {photo, photos, ...},
# ``European Space Agency (ASE)`` → {ase}) — and a document is indexed once by the
# first letters of its words.  An entry only runs around the places where one of its
# anchors occurs, so the phrasebook costs about one dictionary lookup per entry and
# a few short searches per document.

try:  # Python 3.11+
    from re import _parser as _sre_parse
    from re import _constants as _sre_c
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c
    import sre_parse as _sre_parse

_PREFIX = 4
_MIN_ANCHOR = 3
_TOO_COMMON = 6.6             # Zipf: "the", "and", "its"... are no use as anchors
import contextvars
_KEEP_CASE: contextvars.ContextVar[bool] = contextvars.ContextVar("phrasebook_keep_case", default=False)
_WORD_CHARS = _rx(r"\w")


def _sanitize(body: str) -> str:
    out = regex.sub(r"\\[pP]\{[^}]*\}", r"\\w", body)
    out = out.replace("(?-f)", "").replace("(?>", "(?:")
    out = regex.sub(r"\(\?[a-zA-Z]*-?[a-zA-Z]*:", "(?:", out)
    return out


def _ends_word(item) -> bool:
    """Whether a parsed item can only start after a word has ended."""
    if item is None:
        return False
    c = _sre_c
    op, av = item
    if op is c.LITERAL:
        return not _WORD_CHARS.match(chr(av))
    if op is c.AT:
        return av in (c.AT_BOUNDARY, c.AT_END, c.AT_END_STRING)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        lo, _hi, sub = av
        return lo >= 1 and len(sub) >= 1 and _ends_word(sub[0])
    if op is c.IN:
        return _is_space_item(op, av)
    return False


def _options(seq, word_start: bool, prefix: str = "", prefix_start: bool = False,
             tail_ends_word: bool = False) -> tuple[list[frozenset[str]], bool]:
    """Required anchor options of a parsed sequence — each option is a set of literal
    word beginnings, one of which every match contains — and whether the sequence
    ends at a word start (after whitespace).  ``prefix`` is a literal run that the
    sequence continues (``re`` factors common prefixes out of alternations);
    ``tail_ends_word``: what follows the sequence ends a word.  An anchor that is a
    whole word (followed by a space, a boundary...) ends in ``$``."""
    c = _sre_c
    options: list[frozenset[str]] = []
    cur: list[str] = list(prefix)
    cur_start = prefix_start if prefix else word_start
    at_word_start = word_start if not prefix else False
    items = list(seq)

    def flush(complete: bool):
        nonlocal cur
        if cur and cur_start and len(cur) >= _MIN_ANCHOR:
            options.append(frozenset(["".join(cur) + ("$" if complete else "")]))
        cur = []

    for i, (op, av) in enumerate(items):
        nxt = items[i + 1] if i + 1 < len(items) else None
        next_ends = _ends_word(nxt) if nxt is not None else tail_ends_word
        either_case = False
        if op is c.IN and av and all(o is c.LITERAL for o, _ in av) and len({chr(a).lower() for _, a in av}) == 1:
            op, av, either_case = c.LITERAL, av[0][1], True   # [Oo]ccidental: a letter in either case
        if op is c.LITERAL:
            ch = chr(av) if _KEEP_CASE.get() and not either_case else chr(av).lower()
            if _WORD_CHARS.match(ch):
                if not cur:
                    cur_start = at_word_start
                cur.append(ch)
                at_word_start = False
                if nxt is None and tail_ends_word:
                    flush(True)
                continue
            flush(True)
            at_word_start = ch.isspace() or ch in "(\"“‘[«/'’-"
            continue
        if op is c.BRANCH:
            union: set[str] = set()
            ok = True
            ends = True
            for branch in av[1]:
                inner, end = _options(branch, at_word_start, "".join(cur), cur_start, next_ends)
                ends = ends and end
                if not inner:
                    ok = False
                    continue
                union |= _best(inner)
            flush(False)
            if ok and union:
                options.append(frozenset(union))
            at_word_start = ends
            continue
        flush(op is c.AT and av == c.AT_BOUNDARY or _ends_word((op, av)))
        if op is c.SUBPATTERN:
            inner, at_word_start = _options(av[-1], at_word_start, tail_ends_word=next_ends)
            options.extend(inner)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, _hi, sub = av
            inner, end = _options(sub, at_word_start, tail_ends_word=next_ends)
            if lo >= 1:
                options.extend(inner)
                at_word_start = end
            else:
                at_word_start = at_word_start and end
        elif op is c.ASSERT:
            direction, sub = av
            if direction == 1:           # a lookahead is part of the text that follows
                inner, _ = _options(sub, at_word_start)
                options.extend(inner)
        elif op is c.AT:
            if av in (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING):
                at_word_start = True
        elif op is c.ASSERT_NOT:
            pass
        else:                             # a class, any character, a category...
            at_word_start = _is_space_item(op, av)
    flush(tail_ends_word)
    return options, at_word_start


def _is_space_item(op, av) -> bool:
    c = _sre_c
    if op is c.IN:
        return any(o is c.CATEGORY and a in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD) for o, a in av)
    return False


def _rarity(words: frozenset[str]) -> float:
    """Lower is better: how common the option's most common word is (Zipf scale).
    A word beginning (no ``$``) also stands for the longer words it starts, so an
    unknown stem such as ``presid`` counts as fairly common."""
    try:
        from ..lexicon import english

        lex = english()
    except Exception:  # pragma: no cover - no lexicon: prefer long, few words
        return 8 - min(len(w) for w in words) + 0.2 * len(words)
    worst = 0.0
    for w in words:
        whole = w.endswith("$")
        w = w.rstrip("$").lower()
        z = lex.zipf(w)
        if not whole:
            z = max(z, 6.2 - 0.35 * len(w))
        worst = max(worst, z)
    return worst + 0.2 * len(words) ** 0.5


def _best(options: list[frozenset[str]]) -> frozenset[str]:
    return min(options, key=_rarity)


def anchors_of(body: str, keep_case: bool = False) -> tuple[str, ...] | None:
    """Anchor words for a pattern, or None when it has no usable literal (or only
    very common ones, which would cost more than scanning the whole text).
    ``keep_case``: anchors keep the pattern's case (for case-sensitive entries)."""
    try:
        parsed = _sre_parse.parse(_sanitize(body))
    except Exception:
        return None
    token = _KEEP_CASE.set(keep_case and "(?i" not in body)
    try:
        options, _ = _options(list(parsed), True)
    finally:
        _KEEP_CASE.reset(token)
    if not options:
        return None
    best = _best(options)
    if _rarity(frozenset(w.lower() for w in best)) >= _TOO_COMMON:
        return None
    return tuple(sorted(best))


_PENDING = ("\x00pending",)
_ANCHOR_VERSION = "4"


def _fill_anchors(entries: list["Entry"]) -> None:
    """Compute the entries' anchors, through a small on-disk cache: parsing a few
    hundred patterns costs ~0.2 s, too much for every start of the CLI."""
    todo = [e for e in entries if e.anchors is _PENDING]
    if not todo:
        return
    import hashlib
    import json

    key = hashlib.sha1(("\x00".join([_ANCHOR_VERSION, *(e.body for e in todo)])).encode("utf-8")).hexdigest()
    path = _cache_dir() / f"anchors-{key[:24]}.json"
    cached = None
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(cached, list) or len(cached) != len(todo):
            cached = None
    except (OSError, ValueError):
        cached = None
    if cached is None:
        cached = [list(a) if (a := anchors_of(e.body, e.case_sensitive)) is not None else None for e in todo]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(cached), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass
    for e, a in zip(todo, cached):
        e.anchors = tuple(a) if a is not None else None




class AnchorIndex:
    """The anchors of a set of entries, compiled into trie-shaped regexes (the
    standard library's ``re``) that find every word beginning with one of them.
    An anchor ending in ``$`` must be the whole word.  Anchors with capitals of
    case-sensitive entries (acronyms) are searched in the original text.

    The texts themselves are scanned in byte copies (:class:`Scan`: every character
    but an ASCII letter, digit or ``_`` turned into a space, so ``" " + anchor``
    marks a word start): tries of the anchors' spellings flag the words worth a look,
    and each flagged word — a few dozen a page — goes whole through the tries above
    (memoised per word).  The result is what running those tries over the whole
    text gives, several times faster; a text whose lowered form changes length, or
    that holds a non-ASCII anchor, is scanned the old way (:meth:`_candidates_scan`)."""

    def __init__(self, entries: list["Entry"]):
        from ..regexcache import compile_std   # persistent: start-up time

        self.lower: dict[str, list[tuple[Entry, str]]] = {}
        self.exact: dict[str, list[tuple[Entry, str]]] = {}
        self.unanchored: list[Entry] = []
        for e in entries:
            if e.anchors is None:
                self.unanchored.append(e)
                continue
            for a in e.anchors:
                if e.case_sensitive and any(ch.isupper() for ch in a):
                    self.exact.setdefault(a, []).append((e, a))
                else:
                    self.lower.setdefault(a.lower(), []).append((e, a))
        self.lower_lengths = sorted({len(a.rstrip("$")) for a in self.lower})
        self.exact_lengths = sorted({len(a.rstrip("$")) for a in self.exact})
        self._memo: dict[int, dict[str, list]] = {}
        self.lower_re = compile_std(r"\b" + _cached_trie(self.lower)) if self.lower else None
        self.exact_re = compile_std(r"\b" + _cached_trie(self.exact)) if self.exact else None
        # the byte scans (see the class docstring): lower-case anchors after a space in
        # the lowered text; anchors with capitals in the text as it is, from their first
        # letter (mostly capitals: the scan skips to those)
        plain = {a.rstrip("$") for a in self.lower if a.isascii()}
        caps = {a.rstrip("$") for a in self.exact if a.isascii()}
        if len(caps) <= len(plain):          # a few: flagged by the lower-case scan too
            plain |= {a.lower() for a in caps}
            caps = set()
        self.odd_keys = tuple(sorted({a.rstrip("$").lower() for a in (*self.lower, *self.exact) if not a.isascii()}))
        self._odd_chars = "".join(sorted({ch for k in self.odd_keys for ch in k if not ch.isascii()}))
        self.flag_lower = (compile_std((" (?:" + _cached_trie(sorted(plain)) + r")\w*").encode("ascii"))
                           if plain else None)
        self.flag_exact = (compile_std(("(?:" + _cached_trie(sorted(caps)) + r")\w*").encode("ascii"))
                           if caps else None)
        self._words: dict[str, tuple] = {}     # whole word of the text -> its pairs (memo)

    def __getstate__(self):
        return {**self.__dict__, "_memo": {}, "_words": {}}     # (memos keyed by ids)

    def candidates(self, low: str, text: str, scan: "Scan | None" = None) -> list[tuple["Entry", list[int]]]:
        """Entries whose anchors begin a word of ``text`` (``low`` is it in lower
        case), with those positions.  ``scan``: the document's :class:`Scan`, when
        the caller has it."""
        if scan is None:
            scan = Scan(low, text)
        if scan.low_bytes is None or (self.odd_keys and not scan.ascii and self._has_odd_key(low)):
            return self._candidates_scan(low, text)
        out: dict[int, tuple[Entry, list[int]]] = {}
        words = self._words
        folded = self.flag_exact is None
        later = []          # exact-table pairs: the tries found those after all lower-case ones
        for p, e in _flagged(self.flag_lower, scan.low_bytes, low, True):
            if e < 0:
                pairs, exact = self._pairs_at(low, text, p)
            else:
                w = text[p:e]
                got = words.get(w)
                if got is None:
                    if len(words) > 50_000:
                        words.clear()
                    got = words[w] = self._word_pairs(w)
                pairs, exact = got
            for key, entry in pairs:
                got = out.get(key)
                if got is None:
                    out[key] = (entry, [p])
                else:
                    got[1].append(p)
            if exact and folded:
                later.append((p, exact))
        if not folded:
            for p, e in _flagged(self.flag_exact, scan.text_bytes, text, False):
                if e < 0:
                    exact = self._pairs_at(low, text, p)[1]
                else:
                    w = text[p:e]
                    got = words.get(w)
                    if got is None:
                        got = words[w] = self._word_pairs(w)
                    exact = got[1]
                if exact:
                    later.append((p, exact))
        for p, exact in later:
            for key, entry in exact:
                got = out.get(key)
                if got is None:
                    out[key] = (entry, [p])
                else:
                    got[1].append(p)
        return list(out.values())

    def _has_odd_key(self, low: str) -> bool:
        """Whether ``low`` holds an anchor that is not ASCII (``élysée``)."""
        return any(ch in low for ch in self._odd_chars) and any(k in low for k in self.odd_keys)

    def _word_pairs(self, w: str) -> tuple[tuple, tuple]:
        """(entry id, entry) pairs of the two tries for a whole word ``w`` of the text
        (ASCII, but for a Kelvin sign): what they match where it stands.  _case_ok
        holds for all of them (the tries matched these very characters)."""
        lower = exact = ()
        if self.lower_re is not None:
            lower = _keyed(self._pairs(self.lower_re.match(w.lower()), self.lower, self.lower_lengths))
        if self.exact_re is not None:
            exact = _keyed(self._pairs(self.exact_re.match(w), self.exact, self.exact_lengths))
        return lower, exact

    def _pairs_at(self, low: str, text: str, p: int) -> tuple[tuple, tuple]:
        """:meth:`_word_pairs` for the word at ``p`` that goes on with an accented letter."""
        lower = exact = ()
        if self.lower_re is not None:
            lower = _keyed(self._pairs(self.lower_re.match(low, p), self.lower, self.lower_lengths))
        if self.exact_re is not None:
            exact = _keyed(self._pairs(self.exact_re.match(text, p), self.exact, self.exact_lengths))
        return lower, exact

    def _candidates_scan(self, low: str, text: str) -> list[tuple["Entry", list[int]]]:
        """:meth:`candidates` by running the tries over the whole text."""
        out: dict[int, tuple[Entry, list[int]]] = {}
        for pattern, table, lengths, hay in ((self.lower_re, self.lower, self.lower_lengths, low),
                                              (self.exact_re, self.exact, self.exact_lengths, text)):
            if pattern is None:
                continue
            for m in pattern.finditer(hay):
                self._add(out, self._pairs(m, table, lengths), m.start(), text)
        return list(out.values())

    def _pairs(self, m, table, lengths) -> list:
        """(entry, anchor) pairs of a trie match ``m`` (memoised by matched word)."""
        if m is None:
            return []
        memo = self._memo.setdefault(id(table), {})
        w = m.group()
        pairs = memo.get(w)
        if pairs is None:
            pairs = memo[w] = self._anchors_in(w, table, lengths)
        return pairs

    @staticmethod
    def _add(out: dict, pairs: list, p: int, text: str) -> None:
        for e, a in pairs:
            if e.case_sensitive and not _case_ok(text, p, a.rstrip("$")):
                continue
            got = out.get(id(e))
            if got is None:
                out[id(e)] = (e, [p])
            else:
                got[1].append(p)

    @staticmethod
    def _anchors_in(w: str, table, lengths) -> list:
        """(entry, anchor) pairs whose anchor begins the matched word ``w``."""
        pairs = []
        for n in lengths:
            if n > len(w):
                break
            k = w[:n]
            for key in ((k, k + "$") if n == len(w) else (k,)):
                pairs.extend(table.get(key, ()))
        return pairs


def _keyed(pairs: list) -> tuple:
    return tuple((id(e), e) for e, _a in pairs)


def _is_word(ch: str) -> bool:
    """``\\w`` of the standard library's ``re``."""
    return ch.isalnum() or ch == "_"


def _flagged(pattern, data: bytes, hay: str, spaced: bool) -> list[tuple[int, int]]:
    """Word starts ``p`` in ``hay`` where ``pattern`` matches its byte copy ``data``
    (``data[i + 1]`` stands for ``hay[i]``), with the end of the word, or -1 when an
    accented letter continues it.  ``spaced``: the pattern starts with the space
    before the word (else it starts with the word, wherever that is)."""
    if pattern is None:
        return []
    if hay.isascii():                   # (what the bytes show is the text)
        if spaced:
            return [(m.start(), m.end() - 1) for m in pattern.finditer(data)]
        return [(m.start() - 1, m.end() - 1) for m in pattern.finditer(data) if data[m.start() - 1] == 32]
    out = []
    n = len(hay)
    for m in pattern.finditer(data):
        p = m.start() if spaced else m.start() - 1
        if not spaced and data[p] != 32:
            continue                    # inside a word
        if p and not hay[p - 1].isascii() and _is_word(hay[p - 1]):
            continue                    # an accented letter before it: not a word start
        e = m.end() - 1
        if e < n and not hay[e].isascii() and _is_word(hay[e]):
            e = -1
        out.append((p, e))
    return out


# the byte copies scanned for anchors: ASCII letters, digits and "_" stay, everything
# else — punctuation, spaces, any non-ASCII character — becomes a space
_LOW_TABLE = bytes(b + 32 if 65 <= b <= 90 else b if (48 <= b <= 57 or 97 <= b <= 122 or b == 95) else 32
                   for b in range(256))
_CASE_TABLE = bytes(b if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 95) else 32
                    for b in range(256))


class Scan:
    """A document's texts for the anchor scan, shared by the phrasebook rules:
    ``low`` (the masked text in lower case) and its byte copy, one byte per
    character behind a space (None when lowering changed the length — ``İ`` —
    so that positions in ``low`` are not those of the text); the byte copy of the
    text itself is made on first use."""

    __slots__ = ("low", "text", "low_bytes", "_text_bytes", "ascii", "_safe")

    def __init__(self, low: str, text: str):
        self.low = low
        self.text = text
        self.ascii = low.isascii()
        self.low_bytes = (b" " + low.encode("ascii", "replace").translate(_LOW_TABLE)
                          if len(low) == len(text) else None)
        self._text_bytes = None
        self._safe = None

    @property
    def text_bytes(self) -> bytes:
        if self._text_bytes is None:
            self._text_bytes = b" " + self.text.encode("ascii", "replace").translate(_CASE_TABLE)
        return self._text_bytes

    @property
    def safe(self) -> bool:
        """Whether the cheap path around anchors (:func:`_plan`) holds for this text."""
        if self._safe is None:
            self._safe = self.low_bytes is not None and safe_text(self.text)
        return self._safe


# -- where an entry's matches can start: the cheap path around anchors -----------------------
#
# An entry's regex normally runs over a window of ~450 characters around its anchors.
# Most entries say more: every match *starts* with the anchor word (``(?:put|placed|
# set)\s+...``), or a few literal words before it (``(?:the|an?)\s+(?:case|affair)``).
# For those, :func:`_plan` keeps the items before the anchor word, and the rule walks
# them back from each anchor position (:func:`_walker`) to the few places a match
# can start, where ``pattern.match`` is tried — what the window search would have
# found there, in the same order, without scanning the window.  The other entries
# still search windows, skipped when a literal word that every match contains is not
# in the window.  Both rest on facts about the document checked once
# (:meth:`Scan.safe`): lowering keeps its length, and no character is one that the
# ``regex`` module reads differently from ``str`` methods (word characters, case).

_MAX_STARTS = 12       # more possible starts than this for an anchor: search the window
_PLAN_AFTER = 3        # an entry is planned when it is a candidate for the third time
# characters whose word-ness and case agree between ``str``, ``re`` and ``regex``, and
# whose lower case is one too (tests/test_speed_phrasebook.py checks every one); a text
# with anything else — ``ſ``, ``ı``, ``²``, combining marks... — goes the plain way
_SAFE_CHARS = ("\\u0000-\\u007f\\u00a0-\\u00b1\\u00b4-\\u00b8\\u00ba-\\u00bb\\u00bf-\\u012f\\u0132-\\u017e"
               "\\u0180-\\u0239\\u023b-\\u023d\\u023f-\\u02af\\u0370-\\u0482\\u048a-\\u04ff\\u1e00-\\u1eff"
               "\\u2000-\\u200b\\u200e-\\u203e\\u2041-\\u2053\\u2055-\\u206f\\u20a0-\\u20cf\\u2100-\\u2129"
               "\\u212b-\\u214f\\u2190-\\u22ff\\u2500-\\u25ff\\ue000\\ufeff")
_odd_re = None
# regex syntax that the standard library's parser reads differently, or not at all
# (nested sets and set operations, fuzzy counts, flags, recursion...; after _sanitize)
_UNPLANNED = _rx(r"\[\[|\[:|--|&&|\|\||~~|\{[a-z]|\(\?(?![:=!#]|<[=!]|P<)")


class _Plan:
    """``before``: walks back over what a match has before its anchor word
    (:func:`_walker`; ``()``: matches start with it), or None: search windows.
    ``needs``: literal string groups (ASCII, lower case), one of each in every match."""

    __slots__ = ("before", "needs")

    def __init__(self, before, needs: tuple[tuple[str, ...], ...]):
        self.before = before
        self.needs = needs


_NO_PLAN = _Plan(None, ())


def _parsed(entry: "Entry") -> list | None:
    """The entry's pattern parsed by the standard library (None: it cannot be)."""
    source = getattr(entry.pattern, "source", None)      # a LazyPattern's, uncompiled
    if not isinstance(source, str):
        return None
    source = _sanitize(source)
    if _UNPLANNED.search(source):
        return None
    try:
        return list(_sre_parse.parse(source))
    except Exception:
        return None


def literal_needs(entry: "Entry", parsed: list | None = None) -> list[tuple[str, ...]] | None:
    """Groups of strings (ASCII, lower case) such that every match of ``entry`` (and
    what its lookaheads see) holds one of each group; None when its pattern cannot
    be read.  A text with only :func:`safe_text` characters lacking a group in its
    lower case has no match."""
    if parsed is None:
        parsed = _parsed(entry)
        if parsed is None:
            return None
    out: list[tuple[str, ...]] = []
    for group in _runs(parsed):
        if all(s.isascii() and (len(s) > 1 or not _is_word(s)) for s in group) and group not in out:
            out.append(group)
    return out


def safe_text(text: str) -> bool:
    """Whether every character of ``text`` is one of :data:`_SAFE_CHARS`."""
    global _odd_re
    if text.isascii():
        return True
    if _odd_re is None:
        from ..regexcache import compile_std

        _odd_re = compile_std(f"[^{_SAFE_CHARS}]")
    return _odd_re.search(text) is None


def _plan(entry: "Entry") -> _Plan:
    """What :class:`Phrasebook` may assume about the matches of ``entry``."""
    parsed = _parsed(entry)
    if parsed is None:
        return _NO_PLAN
    anchors = entry.anchors or ()
    mine = {a.rstrip("$").lower() for a in anchors}
    needs = []
    for group in literal_needs(entry, parsed):   # (the anchors' own group is in every window)
        if len(group) <= 4 and set(group) != mine:
            needs.append(group)
    # a few tests at most, the likely rarest first: few strings, long ones
    needs = tuple(sorted(needs, key=lambda g: (len(g), -min(map(len, g))))[:2])
    before = None
    if anchors and all(a.isascii() and a == a.lower() for a in anchors):
        items = _flat(parsed)
        for j in range(len(items)):
            lead = _lead(items[j:], False)
            if lead is None or not all(_begins(s, ends, anchors) for s, ends in lead):
                continue
            if j and not _ends_apart(items[:j]):
                continue                 # the anchor word might not start a word
            steps = _steps(items[:j])
            if steps is not None:
                before = _walker(steps) if steps else ()
                break
    return _Plan(before, needs)


def _runs(items: list) -> list[tuple[str, ...]]:
    """Groups of literal strings (lower case), a string of each group in every match
    (or in what its lookaheads see)."""
    c = _sre_c
    out: list[tuple[str, ...]] = []
    cur: list[str] = []

    def flush():
        if cur:
            out.append(("".join(cur),))
            cur.clear()

    for op, av in items:
        ch = _letter(op, av)
        if ch is not None:
            cur.append(ch)
            continue
        flush()
        if op is c.SUBPATTERN:
            out.extend(_runs(list(av[-1])))
        elif op is c.BRANCH:
            best = []
            for branch in av[1]:
                groups = _runs(list(branch))
                if not groups:
                    break
                best.append(max(groups, key=lambda g: min(map(len, g))))
            else:
                out.append(tuple(sorted({s for g in best for s in g})))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            out.extend(_runs(list(av[2])))
        elif op is c.ASSERT and av[0] == 1:
            out.extend(_runs(list(av[1])))
    flush()
    return out


def _flat(items: list) -> list:
    """A parsed sequence with its groups opened (their items in line)."""
    out = []
    for op, av in items:
        if op is _sre_c.SUBPATTERN:
            out.extend(_flat(list(av[-1])))
        else:
            out.append((op, av))
    return out


def _letter(op, av) -> str | None:
    """The character (lower case) that a parsed item matches, if just one."""
    c = _sre_c
    if op is c.LITERAL:
        return chr(av).lower()
    if op is c.IN and av and all(o is c.LITERAL for o, _ in av) and len({chr(a).lower() for _, a in av}) == 1:
        return chr(av[0][1]).lower()
    return None


def _zero_width(op) -> bool:
    c = _sre_c
    return op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT


def _lead(items: list, tail_ends: bool) -> list[tuple[str, bool]] | None:
    """The literal runs (lower case) that every match of ``items`` starts with, each
    with whether a word ends right after it; None when that is not known."""
    c = _sre_c
    i = 0
    while i < len(items) and _zero_width(items[i][0]):
        i += 1
    if i == len(items):
        return None
    op, av = items[i]
    if _letter(op, av) is not None:
        run = []
        k = i
        while k < len(items) and (ch := _letter(*items[k])) is not None:
            run.append(ch)
            k += 1
        head = "".join(run)
        if k < len(items) and items[k][0] in (c.BRANCH, c.SUBPATTERN):
            rest = _lead(items[k:], tail_ends)        # "renounc" + (?:e|es|ed|ing)
            if rest is not None:
                return [(head + s, ends) for s, ends in rest]
        ends = _ends_word(items[k]) if k < len(items) else tail_ends
        return [(head, ends)]
    if op is c.SUBPATTERN:
        return _lead(list(av[-1]) + items[i + 1:], tail_ends)
    if op is c.BRANCH:
        out: list[tuple[str, bool]] = []
        for branch in av[1]:
            got = _lead(list(branch) + items[i + 1:], tail_ends)
            if got is None:
                return None
            out.extend(got)
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        lo, hi, sub = av
        return _lead(list(sub) + items[i + 1:], tail_ends) if hi == 1 else _lead(list(sub), False)
    return None


def _begins(s: str, ends: bool, anchors) -> bool:
    """Whether a match starting with ``s`` starts with one of ``anchors`` as the
    anchor index finds them (``$``: the whole word)."""
    if not s or not s.isascii():
        return False
    for a in anchors:
        if a.endswith("$"):
            a = a[:-1]
            if s.startswith(a) and ((len(s) > len(a) and not _is_word(s[len(a)])) or (len(s) == len(a) and ends)):
                return True
        elif s.startswith(a):
            return True
    return False


def _ends_apart(items: list) -> bool:
    """Whether every way of matching ``items`` ends with a non-word character (or
    matches nothing)."""
    for op, av in reversed(items):
        ends, empty = _tail(op, av)
        if not ends:
            return False
        if not empty:
            return True
    return True


def _tail(op, av) -> tuple[bool, bool]:
    """(ends with a non-word character when it matches something, may match nothing)."""
    c = _sre_c
    if _zero_width(op):
        return True, True
    if op is c.LITERAL:
        return not _is_word(chr(av)), False
    if op is c.IN:
        ok = all((o is c.LITERAL and not _is_word(chr(a))) or (o is c.CATEGORY and a in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD))
                 for o, a in av)
        return ok, False
    if op is c.SUBPATTERN:
        return _seq_tail(list(av[-1]))
    if op is c.BRANCH:
        tails = [_seq_tail(list(b)) for b in av[1]]
        return all(t[0] for t in tails), any(t[1] for t in tails)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        ends, empty = _seq_tail(list(av[2]))
        return ends, empty or av[0] == 0
    return False, False


def _seq_tail(items: list) -> tuple[bool, bool]:
    for op, av in reversed(items):
        ends, empty = _tail(op, av)
        if not ends:
            return False, False
        if not empty:
            return True, False
    return True, True


def _steps(items: list) -> tuple | None:
    """``items`` as steps for :func:`_walker`: ("lit", text), ("chr", test),
    ("alt", branches), ("rep", min, max, steps); zero-width items are left out (the
    walk finds a superset of the possible starts).  None: an item it cannot walk."""
    c = _sre_c
    out: list = []
    run: list[str] = []

    def flush():
        if run:
            out.append(("lit", "".join(run)))
            run.clear()

    for op, av in items:
        ch = _letter(op, av)
        if ch is not None and ch.isascii():
            run.append(ch)
            continue
        flush()
        if ch is not None or op is c.ANY or op is c.NOT_LITERAL:
            out.append(("chr", None))
        elif _zero_width(op):
            continue
        elif op is c.IN:
            out.append(("chr", _char_test(av)))
        elif op is c.SUBPATTERN:
            sub = _steps(list(av[-1]))
            if sub is None:
                return None
            out.extend(sub)
        elif op is c.BRANCH:
            subs = [_steps(list(b)) for b in av[1]]
            if any(s is None for s in subs):
                return None
            out.append(("alt", tuple(subs)))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            sub = _steps(list(av[2]))
            if sub is None:
                return None
            out.append(("rep", av[0], av[1], sub))
        else:
            return None
    flush()
    return tuple(out)


def _char_test(av) -> Any:
    """A test for one character of a class: a set of (lower-case, ASCII) letters,
    "space", or None (any character)."""
    c = _sre_c
    if av and all(o is c.LITERAL for o, _ in av):
        chars = frozenset(chr(a).lower() for _, a in av)
        return chars if all(ch.isascii() for ch in chars) else None
    if av and all(o is c.CATEGORY and a is c.CATEGORY_SPACE for o, a in av):
        return "space"
    return None


def _walker(steps: tuple):
    """A function ``walk(ends, low)``: the positions from which ``steps`` can match
    up to one of the positions ``ends`` in ``low`` (a superset, as a list that may
    repeat itself), or None when there are more than :data:`_MAX_STARTS`."""
    parts = [_step_walker(s) for s in reversed(steps)]

    def walk(ends: list, low: str):
        for part in parts:
            if not ends:
                return ends
            ends = part(ends, low)
            if ends is None or len(ends) > _MAX_STARTS:
                return None
        return ends

    return walk


def _step_walker(step):
    kind = step[0]
    if kind == "lit":
        s = step[1]
        k = len(s)
        return lambda ends, low: [q - k for q in ends if q >= k and low.startswith(s, q - k)]
    if kind == "chr":
        test = _char_fn(step[1])
        return lambda ends, low: [q - 1 for q in ends if q > 0 and test(low[q - 1])]
    if kind == "alt":
        branches = step[1]
        if all(len(b) == 1 and b[0][0] == "lit" for b in branches):      # (?:the|an?)
            words = [(b[0][1], len(b[0][1])) for b in branches]
            return lambda ends, low: [q - k for q in ends for s, k in words if q >= k and low.startswith(s, q - k)]
        walks = [_walker(b) for b in branches]

        def alt(ends, low):
            out = []
            for walk in walks:
                got = walk(ends, low)
                if got is None:
                    return None
                out.extend(got)
            return out
        return alt
    _, lo, hi, sub = step
    if len(sub) == 1 and sub[0][0] == "chr":                              # \s+, \d{2}
        test = _char_fn(sub[0][1])

        def run(ends, low):
            out = []
            for q in ends:
                if lo == 0:
                    out.append(q)
                k, count = q, 0
                while count < hi and k > 0 and test(low[k - 1]):
                    k -= 1
                    count += 1
                    if count >= lo:
                        out.append(k)
                    if len(out) > _MAX_STARTS:
                        return None
            return out
        return run
    walk = _walker(sub)

    def rep(ends, low):
        found = set(ends) if lo == 0 else set()
        cur, k = ends, 0
        while cur and k < hi:
            cur = walk(cur, low)
            if cur is None:
                return None
            k += 1
            if k >= lo:
                cur = [q for q in set(cur) if q not in found]
                found.update(cur)
            if len(found) > _MAX_STARTS:
                return None
        return list(found)
    return rep


def _char_fn(test):
    if test is None:
        return lambda ch: True
    if test == "space":
        return str.isspace
    return test.__contains__


def _case_ok(text: str, pos: int, anchor: str) -> bool:
    """``anchor`` at ``pos``: its capitals exactly, its small letters in either case."""
    seg = text[pos:pos + len(anchor)]
    if len(seg) != len(anchor):
        return False
    return all(c == a if a.isupper() else c.lower() == a for c, a in zip(seg, anchor))


def _cached_trie(keys) -> str:
    """:func:`_trie`, through the start-up cache (building it costs milliseconds)."""
    from ..packcache import cached

    ordered = sorted(keys)
    return cached(("anchor-trie",), ordered, lambda: _trie(ordered))


def _trie(keys) -> str:
    import re

    root: dict = {}
    for k in keys:
        node = root
        for ch in k:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [(r"\b" if ch == "$" else re.escape(ch)) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def lowered(doc, ctx) -> str:
    """The masked text of ``doc`` in lower case (shared by the phrasebook rules)."""
    return scan_of(doc, ctx).low


def scan_of(doc, ctx) -> Scan:
    """The document's :class:`Scan`, shared by the phrasebook rules."""
    cached = ctx.facts.get("phrasebook.scan")
    if cached is not None and cached[0] is doc:
        return cached[1]
    scan = Scan(doc.masked.lower(), doc.masked)
    ctx.facts["phrasebook.scan"] = (doc, scan)
    return scan


# -- data model ------------------------------------------------------------------------------

@dataclass(eq=False)
class Entry:
    index: int
    source: Path
    find: str
    is_regex: bool
    pattern: Any                       # compiled full regex (with groups)
    body: str                          # the regex text without boundaries
    replace: tuple[str, ...]
    fix: Applicability | None
    note: str
    languages: tuple[str, ...]
    unless_before: Any = None
    unless_after: Any = None
    context: Any = None
    unless_context: Any = None
    scope: str = "sentence"
    case_sensitive: bool = False
    requires_pivot: bool = False
    confidence: float = 0.8
    example: str | None = None
    trap: str | None = None
    org: str | None = None             # acronym entries: the English acronym
    #: literal words one of which starts a word of every match (None: no usable anchor)
    anchors: tuple[str, ...] | None = None

    @property
    def label(self) -> str:
        return f"{self.source.name} #{self.index + 1} ({self.find!r})"


@dataclass(eq=False)
class Pack:
    path: Path
    language: tuple[str, ...]
    entries: list[Entry]
    runner: _Runner
    user: bool = False
    _combined: Any = None

    def __getstate__(self):
        return {**self.__dict__, "_combined": None}     # the merged regex is rebuilt on use

    @property
    def combined(self):
        """The merged alternation of the pack's entries (compiled on first use)."""
        if self._combined is None and self.entries:
            self._combined = merged_alternation(self.entries)
        return self._combined

    def validate(self) -> None:
        """Compile every pattern now, raising RulePackError for a bad one (named by
        file, entry and problem).  User packs are validated as they load; the
        built-in ones by the data tests."""
        for e in self.entries:
            for key in ("pattern", "unless_before", "unless_after", "context", "unless_context"):
                pat = getattr(e, key, None)
                if isinstance(pat, userregex.LazyPattern):
                    pat.validate()


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    start: int            # reported span (the marker group, or the whole match)
    end: int
    match_start: int
    match_end: int
    replacements: tuple[str, ...]
    pack: Pack

    @property
    def replacement(self) -> str | None:
        return self.replacements[0] if self.replacements else None

    @property
    def languages(self) -> tuple[str, ...]:
        return self.entry.languages


def _languages(value: Any, path: Path, index: int | None, find: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    vals = [value] if isinstance(value, str) else value
    if not isinstance(vals, list) or not all(isinstance(v, str) and v for v in vals):
        raise _fail(path, index, find, "'language' must be a language code or a list of codes")
    return tuple(v.lower() for v in vals)


def _compile(source: str, flags: int, path: Path, index: int | None, find: Any, key: str):
    """A pattern compiled on first use (see :class:`~cleaner.rules.userregex.LazyPattern`);
    :meth:`Pack.validate` compiles them all, which load_pack does for user packs."""
    # simple case folding: regex's V1 full case folding (ß = ss) makes matching ~5x slower
    return userregex.LazyPattern("(?-f)" + source, flags, where=key,
                                 on_error=functools.partial(_fail, path, index, find))


def _str_list(value: Any, path: Path, index: int, find: Any, key: str) -> tuple[str, ...]:
    vals = [value] if isinstance(value, str) else value
    if not isinstance(vals, list) or not all(isinstance(v, str) for v in vals):
        raise _fail(path, index, find, f"'{key}' must be a string or a list of strings")
    return tuple(vals)


def _opt_regex(raw: dict, key: str, flags: int, path: Path, index: int, find: Any):
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, index, find, f"'{key}' must be a non-empty regex string")
    if key == "unless_before":
        source = rf"(?:{value})[\s\"“‘'(\[]*\Z"
    elif key == "unless_after":
        source = rf"[\s,;:]*(?:{value})"
    else:
        source = value
    return _compile(source, flags, path, index, find, key)


def parse_entry(raw: Any, index: int, path: Path, pack_language: tuple[str, ...],
                pack_fix: Applicability | None) -> Entry:
    find = raw.get("find") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise _fail(path, index, None, "an entry must be a table")
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise _fail(path, index, find, f"unknown key(s) {', '.join(sorted(unknown))} "
                                       f"(allowed: {', '.join(sorted(ENTRY_KEYS))})")
    if not isinstance(find, str) or not find.strip():
        raise _fail(path, index, find, "'find' is required and must be a non-empty string")
    is_regex = raw.get("regex", False)
    if not isinstance(is_regex, bool):
        raise _fail(path, index, find, "'regex' must be true or false")
    replace = _str_list(raw.get("replace", []), path, index, find, "replace")
    fix_value = raw.get("fix", "unsafe" if replace else "none")
    try:
        fix = None if fix_value == "none" else Applicability.parse(fix_value)
    except (ValueError, AttributeError):
        raise _fail(path, index, find, f"'fix' must be one of safe, unsafe, display-only, none (got {fix_value!r})") from None
    if fix is not None and not replace:
        raise _fail(path, index, find, f"'fix' is {fix_value!r} but the entry has no 'replace'")
    if pack_fix is not None and fix is not None:
        fix = min(fix, pack_fix)
    case_sensitive = raw.get("case_sensitive", False)
    requires_pivot = raw.get("requires_pivot", False)
    for key, val in (("case_sensitive", case_sensitive), ("requires_pivot", requires_pivot)):
        if not isinstance(val, bool):
            raise _fail(path, index, find, f"'{key}' must be true or false")
    scope = raw.get("scope", "sentence")
    if scope not in SCOPES:
        raise _fail(path, index, find, f"'scope' must be one of {', '.join(SCOPES)} (got {scope!r})")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise _fail(path, index, find, "'note' must be a string")
    languages = _languages(raw.get("language"), path, index, find) or pack_language
    for lang in languages:
        if lang not in LANGUAGES and lang != "any":
            raise _fail(path, index, find, f"unknown language {lang!r} (known: {', '.join(LANGUAGES)}, any)")
    confidence = raw.get("confidence", _DEFAULT_CONFIDENCE.get(fix, 0.65) if fix is not None else 0.65)
    if not isinstance(confidence, (int, float)) or not 0 < confidence <= 1:
        raise _fail(path, index, find, "'confidence' must be a number in (0, 1]")
    for key in ("example", "trap"):
        if key in raw and not isinstance(raw[key], str):
            raise _fail(path, index, find, f"'{key}' must be a string")
    flags = 0 if case_sensitive else regex.IGNORECASE
    body = find if is_regex else phrase_to_regex(find)
    if _BACKREF.search(body):
        raise _fail(path, index, find, "back-references (\\1, \\g<name>, (?P=name)) are not supported in find patterns")
    pattern = _compile(_left(body) + f"(?:{body})" + _RB, flags, path, index, find, "find")
    for r in replace:
        if pattern.fullmatch(r) is not None and not is_regex and r.lower() == find.lower():
            raise _fail(path, index, find, "an entry must not correct to itself")
    if is_regex and "m" in pattern.groupindex and not replace and fix is not None:
        raise _fail(path, index, find, "marker entries need a 'replace'")
    return Entry(
        index=index, source=path, find=find, is_regex=is_regex, pattern=pattern, body=body,
        replace=replace, fix=fix, note=note, languages=languages,
        unless_before=_opt_regex(raw, "unless_before", flags, path, index, find),
        unless_after=_opt_regex(raw, "unless_after", flags, path, index, find),
        context=_opt_regex(raw, "context", regex.IGNORECASE, path, index, find),
        unless_context=_opt_regex(raw, "unless_context", regex.IGNORECASE, path, index, find),
        scope=scope, case_sensitive=case_sensitive, requires_pivot=requires_pivot,
        confidence=float(confidence), example=raw.get("example"), trap=raw.get("trap"),
        anchors=_PENDING,
    )


def _org_entries(raw: Any, index: int, path: Path, start: int) -> list[Entry]:
    """``[[orgs]]``: an English name, its acronym and foreign acronyms by language."""
    name = raw.get("name") if isinstance(raw, dict) else None
    where_find = f"org {name!r}"
    if not isinstance(raw, dict):
        raise _fail(path, index, None, "an org must be a table")
    unknown = set(raw) - ORG_KEYS
    if unknown:
        raise _fail(path, index, where_find, f"unknown key(s) {', '.join(sorted(unknown))} "
                                             f"(allowed: {', '.join(sorted(ORG_KEYS))})")
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, index, where_find, "'name' is required")
    acronym = raw.get("acronym")
    if not isinstance(acronym, str) or not acronym.strip():
        raise _fail(path, index, where_find, "'acronym' is required")
    aliases = _str_list(raw.get("aliases", []), path, index, where_find, "aliases")
    foreign = raw.get("foreign", {})
    if not isinstance(foreign, dict) or not foreign:
        raise _fail(path, index, where_find, "'foreign' must be a table of language = acronym(s)")
    by_acronym: dict[str, list[str]] = {}
    for lang, acrs in foreign.items():
        if lang not in LANGUAGES:
            raise _fail(path, index, where_find, f"unknown language {lang!r} in 'foreign'")
        for a in _str_list(acrs, path, index, where_find, f"foreign.{lang}"):
            if a == acronym:
                raise _fail(path, index, where_find, f"foreign acronym {a!r} ({lang}) equals the English one")
            by_acronym.setdefault(a, []).append(lang)
    names = "|".join(phrase_to_regex(n) for n in sorted((name, *aliases), key=len, reverse=True))
    bare = raw.get("bare", True)
    if not isinstance(bare, bool):
        raise _fail(path, index, where_find, "'bare' must be true or false")
    entries = []
    note = raw.get("note", "") or f"the English acronym of {name} is {acronym}"
    name_re = _compile(rf"\b(?:{names})\b", regex.IGNORECASE, path, index, where_find, "name")
    for acr, langs in sorted(by_acronym.items()):
        acr_re = regex.escape(acr)
        body = rf"(?i:(?:the\s+)?(?:{names}))\s*\((?P<m>{acr_re})\)"
        find = f"{name} ({acr})"
        pattern = _compile(_left(body) + f"(?:{body})" + _RB, 0, path, index, find, "org")
        entries.append(Entry(
            index=start + len(entries), source=path, find=find, is_regex=True, pattern=pattern, body=body,
            replace=(acronym,), fix=Applicability.SAFE, note=note, languages=tuple(langs),
            case_sensitive=True, confidence=0.95, org=acronym,
            example=f"The {name} ({acr}) said on Monday.",
            anchors=_acronym_anchor(acr) or _PENDING,
        ))
        if bare and len(acr) >= 3:
            # the foreign acronym on its own, in a document that names the organisation
            body = rf"(?<![\w\-./(]){acr_re}(?![\w\-)])"
            entries.append(Entry(
                index=start + len(entries), source=path, find=f"{acr} (bare, {acronym})", is_regex=True,
                pattern=_compile(body, 0, path, index, acr, "org"), body=body,
                replace=(acronym,), fix=Applicability.UNSAFE, note=note, languages=tuple(langs),
                context=name_re, scope="document", case_sensitive=True, confidence=0.78, org=acronym,
                example=f"The {name} met on Monday. The {acr} said prices would rise.",
                anchors=_acronym_anchor(acr),
            ))
    return entries


def _acronym_anchor(acr: str) -> tuple[str, ...] | None:
    first = regex.match(r"\w+", acr)
    if not first or len(first.group()) < _MIN_ANCHOR:
        return None
    return (first.group() + ("$" if first.group() == acr else ""),)


# the head noun an institution's name ends with (for translated acronyms in general)
_INSTITUTION_HEADS = frozenset("""
organization organisation agency bank fund institute institution observatory office council
commission court station programme program union authority service centre center committee
association federation society foundation ministry board survey laboratory university school
academy network telescope treaty policy area zone community conference forum corporation company
tribunal secretariat parliament assembly police guard directorate administration inspectorate
""".split())
# national bodies keep their own acronyms in English (Mexico's INE, the Italian Space
# Agency's ASI); only supranational names have an English acronym to restore
_SUPRANATIONAL = frozenset("European International World Global Royal Transatlantic Euro-Mediterranean "
                           "Inter-American Pan-American Intergovernmental".split())

_MINOR = frozenset("of for the and on in at to de del des du la le di da do dos das von der und".split())
_ACRONYM_IN_PARENS = _rx(r"\((\p{Lu}{3,6})\)")
def _name_before(text: str, pos: int, limit: int = 12) -> list[str]:
    """The words of the capitalised name (with *of*, *for*, *the*...) that ends
    right before ``pos``, read backwards from there."""
    words: list[str] = []
    i = pos
    while len(words) < limit:
        j = i
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        if j == i and words:
            break                                  # words are separated by spaces
        k = j
        while k > 0 and (text[k - 1].isalpha() or (text[k - 1] == "-" and k > 1 and text[k - 2].isalpha())):
            k -= 1
        if k == j:
            break
        w = text[k:j]
        if not (w[0].isupper() or w in _MINOR):
            break
        words.append(w)
        i = k
    while words and words[-1] in _MINOR:           # a name does not start with "of", "the"
        words.pop()
    words.reverse()
    return words


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _MINOR)


def load_pack(path: Path, data: dict, *, user: bool = False, is_rule: bool = False) -> Pack:
    """Validate one pack (or a phrasebook rule file's own entries) and compile it.
    Built-in packs come from the start-up cache (:mod:`cleaner.packcache`) when
    neither they nor this code changed since they were last parsed."""
    path = Path(path)
    if user:
        return _load_pack(path, data, user=user, is_rule=is_rule)
    from ..packcache import cached

    return cached(("pack", str(path), is_rule), data,
                  lambda: _load_pack(path, data, user=user, is_rule=is_rule))


def _load_pack(path: Path, data: dict, *, user: bool, is_rule: bool) -> Pack:
    if not is_rule:
        unknown = set(data) - PACK_KEYS
        if unknown:
            raise _fail(path, None, None, f"pack: unknown key(s) {', '.join(sorted(unknown))} "
                                          f"(allowed: {', '.join(sorted(PACK_KEYS))})")
    language = _languages(data.get("language"), path, None, None)
    pack_fix = None
    if "fix" in data and not is_rule:
        try:
            pack_fix = Applicability.parse(data["fix"])
        except (ValueError, AttributeError):
            raise _fail(path, None, None, f"pack: 'fix' must be safe, unsafe or display-only (got {data['fix']!r})") from None
    raw_entries = data.get("entries", [])
    if not isinstance(raw_entries, list):
        raise _fail(path, None, None, "'entries' must be an array of tables ([[entries]])")
    entries = [parse_entry(raw, i, path, language, pack_fix) for i, raw in enumerate(raw_entries)]
    orgs = data.get("orgs", [])
    if not isinstance(orgs, list):
        raise _fail(path, None, None, "'orgs' must be an array of tables ([[orgs]])")
    for i, raw in enumerate(orgs):
        entries.extend(_org_entries(raw, i, path, len(entries)))
    seen: dict[tuple[str, bool], Entry] = {}
    for e in entries:
        key = (e.find if e.case_sensitive else e.find.lower(), e.is_regex)
        if key in seen:
            raise _fail(path, e.index, e.find, f"duplicate 'find' (also entry #{seen[key].index + 1})")
        seen[key] = e
    _fill_anchors(entries)
    pack = Pack(path, language, entries, _Runner(userregex.TIMEOUT if user else None), user)
    if user:
        pack.validate()
    return pack


def merged_alternation(entries: list[Entry]):
    """All entries as one alternation (Vale's substitution compiler: longest first,
    inner groups non-capturing), for classifying short strings such as lines.  The
    source is built through the start-up cache (rewriting the groups costs ms)."""
    from ..packcache import cached

    bodies = [(e.body, e.case_sensitive) for e in entries]
    source = cached(("merged-alternation",), bodies, lambda: _merged_source(bodies))
    return userregex.compile_user_regex(source, where="pack")


def _merged_source(bodies: list[tuple[str, bool]]) -> str:
    ordered = sorted(bodies, key=lambda b: len(b[0]), reverse=True)
    groups: dict[str, list[str]] = {}
    for body, case_sensitive in ordered:
        flag = "(?-i:" if case_sensitive else "(?i:"
        groups.setdefault(_left(body), []).append(flag + neutralize_groups(body) + ")")
    source = "|".join(left + "(?:" + "|".join(parts) + ")" for left, parts in groups.items())
    return "(?-f)" + f"(?:{source})" + _RB


# -- the rule ------------------------------------------------------------------------------

class Phrasebook(Rule):
    """A rule whose behaviour is its entries (see the module docstring)."""

    def __init__(self, meta, options=None, data=None, path=None):
        super().__init__(meta, options, data, path)
        from ..paths import rules_dir

        builtin = rules_dir().resolve()
        data = data or {}
        self.packs: list[Pack] = []
        own = {k: data[k] for k in ("entries", "orgs", "language") if k in data}
        if own.get("entries") or own.get("orgs"):
            rule_path = Path(path) if path else Path(meta.source or "<rule>")
            self.packs.append(load_pack(rule_path, own, user=not _inside(rule_path, builtin), is_rule=True))
        for pack_path, pack_data in data.get("packs", ()):
            self.packs.append(load_pack(pack_path, pack_data, user=not _inside(Path(pack_path), builtin)))
        self._key = ("phrasebook.hits", meta.code)
        self._anchors: AnchorIndex | None = None
        self._pack_of: dict[int, Pack] = {}
        self._plans: dict[int, _Plan] = {}          # per entry, made when it pays (see _entry_hits)
        self._uses: dict[int, int] = {}
        self._permuted: Entry | None = None
        if self.options.get("permuted_acronyms"):
            self._permuted = Entry(
                index=-1, source=Path(meta.source or "<rule>"), find="<permuted acronym>", is_regex=True,
                pattern=_ACRONYM_IN_PARENS, body=_ACRONYM_IN_PARENS.pattern, replace=(), fix=Applicability.UNSAFE,
                note="Romance languages put the noun first, so their acronyms reorder the English initials "
                     "(Organisation de coopération et de développement économiques: OCDE for OECD)",
                languages=("fr", "it", "es", "pt"), case_sensitive=True, confidence=0.75, org="reordered")

    @property
    def entries(self) -> list[Entry]:
        return [e for p in self.packs for e in p.entries]

    def __getstate__(self):
        # (batch workers) the index, plans and their keys (ids of entries) are rebuilt
        return {**self.__dict__, "_anchors": None, "_pack_of": {}, "_plans": {}, "_uses": {}}

    # -- matching --------------------------------------------------------------------------
    def hits(self, doc, ctx: Context) -> list[Hit]:
        """Every confirmed match in ``doc`` (cached per document in ``ctx.facts``)."""
        cached = ctx.facts.get(self._key)
        if cached is not None and cached[0] is doc:
            return cached[1]
        found: list[Hit] = []
        if self._anchors is None:
            self._anchors = AnchorIndex(self.entries)
            self._pack_of = {id(e): p for p in self.packs for e in p.entries}
        scan = scan_of(doc, ctx)
        todo = [(e, None) for e in self._anchors.unanchored] + self._anchors.candidates(scan.low, doc.masked, scan)
        found.extend(self._entry_hits(todo, doc, scan))
        if self._permuted is not None:
            found.extend(self._permuted_hits(doc))
        found.sort(key=lambda h: (h.start, -(h.end - h.start)))
        ctx.facts[self._key] = (doc, found)
        return found

    def _entry_hits(self, todo, doc, scan: Scan | None = None) -> list[Hit]:
        """Confirmed matches of the candidate entries, each searched only in windows
        around its anchors (or over the whole text when it has none) — or, when its
        :func:`_plan` allows, tried only where a match can start."""
        text = doc.masked
        n = len(text)
        low = scan.low if scan is not None and scan.safe else None      # None: no plans
        plans = self._plans
        pack_of = self._pack_of
        out: list[Hit] = []
        for entry, positions in todo:
            pack = pack_of[id(entry)]
            plan = None
            if low is not None:
                plan = plans.get(id(entry))
                if plan is None:
                    # planned on its third use: parsing a pattern costs more than a window
                    # search, a one-page check would not make up for it (start-up time)
                    uses = self._uses[id(entry)] = self._uses.get(id(entry), 0) + 1
                    if uses >= _PLAN_AFTER:
                        plan = plans[id(entry)] = _plan(entry) if pack.runner.timeout is None else _NO_PLAN
            if positions is None:
                spans = ((0, n, None),)
            elif len(positions) == 1:
                p = positions[0]
                spans = ((p - _BACK if p > _BACK else 0, p + _AHEAD if p + _AHEAD < n else n, positions),)
            else:
                spans = _windows_at(positions, n)
            seen: set[int] = set()
            for lo, hi, at in spans:
                matches = None
                if plan is not None:
                    if plan.needs and not _has_needs(low, lo, hi, plan.needs):
                        continue                  # a string every match has is not here
                    if plan.before is not None and at is not None:
                        matches = _matches_at(entry.pattern, plan.before, text, low, lo, hi, at)
                        if not matches:
                            if matches is not None:
                                continue
                if matches is None:
                    matches = pack.runner.finditer(entry.pattern, text, lo, hi)
                for m in matches:
                    if m.start() in seen or m.end() <= m.start():
                        continue
                    seen.add(m.start())
                    hit = self._confirm(entry, m, doc, pack)
                    if hit is not None:
                        out.append(hit)
        return out

    def _permuted_hits(self, doc) -> Iterator[Hit]:
        """``European Gravitational Observatory (OGE)``: an acronym in parentheses that
        reorders the initials of the institution named just before it."""
        text = doc.masked
        if "(" not in text:
            return
        for paren in _ACRONYM_IN_PARENS.finditer(text):
            acr = paren.group(1)
            words = _name_before(text, paren.start())
            if len(words) < 2 or words[-1].lower() not in _INSTITUTION_HEADS:
                continue
            if not any(w in _SUPRANATIONAL for w in words):
                continue
            best = None
            for i in range(len(words)):
                if words[i].lower() in _MINOR:
                    continue
                ini = _initials(words[i:]).upper()
                if ini == acr:
                    best = None
                    break
                if (best is None and len(ini) == len(acr) and sorted(ini) == sorted(acr)
                        and any(w in _SUPRANATIONAL for w in words[i:])):
                    best = ini
            if best is None:
                continue
            yield Hit(self._permuted, paren.start(1), paren.end(1), paren.start(), paren.end(), (best,), None)

    def _confirm(self, entry: Entry, m, doc, pack: Pack) -> Hit | None:
        text = doc.masked
        run = pack.runner
        s, e = m.start(), m.end()
        if entry.unless_before is not None and run.search(entry.unless_before, text, max(0, s - 120), s):
            return None
        if entry.unless_after is not None and run.match(entry.unless_after, text, e):
            return None
        if entry.context is not None or entry.unless_context is not None:
            lo, hi = _scope(doc, s, entry.scope)
            if entry.context is not None and not run.search(entry.context, doc.text, lo, hi):
                return None
            if entry.unless_context is not None and run.search(entry.unless_context, doc.text, lo, hi):
                return None
        if "m" in entry.pattern.groupindex and m.start("m") >= 0:
            ms, me = m.start("m"), m.end("m")
        else:
            ms, me = s, e
        reps = tuple(render(r, m, text, ms, me, case_sensitive=entry.case_sensitive) for r in entry.replace)
        if reps and reps[0] == text[ms:me]:
            return None
        return Hit(entry, ms, me, s, e, reps, pack)

    # -- reporting -------------------------------------------------------------------------
    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        from .pivot import evidence

        hits = self.hits(doc, ctx)
        if not hits:
            return
        ev = evidence(doc, ctx)
        pivot = ev.leaning
        last_end = -1
        for h in hits:
            entry = h.entry
            if entry.requires_pivot and (pivot is None or pivot not in entry.languages):
                continue
            if h.start < last_end:
                continue
            last_end = h.end
            conf = entry.confidence
            if pivot is not None and pivot in entry.languages:
                conf = min(0.99, conf + 0.08)
            matched = doc.text[h.start:h.end]
            message = self._message(entry, matched, h, doc)
            fix = None
            if h.replacement is not None and entry.fix is not None:
                fix = self.replace(h.start, h.end, h.replacement, f"replace with “{h.replacement}”", entry.fix)
            yield self.finding(h.start, h.end, message, fix=fix, confidence=round(conf, 3))

    def _message(self, entry: Entry, matched: str, h: Hit, doc) -> str:
        langs = [LANGUAGES[x] for x in entry.languages if x in LANGUAGES]
        origin = (" (" + "/".join(langs) + ")") if langs else ""
        if entry.org:
            head = f"“{matched}” is a translated acronym{origin}: the English acronym is “{h.replacement}”"
        elif h.replacement is not None:
            head = f"“{matched}” looks like a calque{origin}: “{h.replacement}”"
            alts = [a for a in h.replacements[1:] if a and a != h.replacement]
            if alts:
                head += " (or " + ", ".join(f"“{a}”" for a in alts) + ")"
        else:
            head = f"“{matched}” looks like a calque{origin}"
        return head + (f" — {entry.note}" if entry.note else "")


def render(template: str, m, text: str, ms: int, me: int, *, case_sensitive: bool = False) -> str:
    """Expand a replacement template against match ``m`` (marker span ``ms:me``)."""
    out = template
    if m is not None and ("\\" in out):
        try:
            out = m.expand(out)
        except (regex.error, IndexError):
            pass
    if "{" in out:
        first = _WORD.search(text, ms, me)
        prev_word = ""
        if first is not None:
            before = text[max(0, first.start() - 40):first.start()]
            words = _WORD.findall(before)
            prev_word = words[-1] if words else ""
        form = verb_form(first.group(), prev_word) if first is not None else "base"

        def sub(t):
            kind, arg = t.group(1), t.group(2)
            head, _, rest = arg.partition(" ")
            if kind == "verb" and head == "be" and form == "base":
                word = "be" if prev_word.lower() in _MODALS else ("am" if prev_word == "I" else "are")
            elif kind == "verb":
                word = inflect(head, form)
            else:
                word = inflect(head, "ing")
            return word + (" " + rest if rest else "")

        out = _TEMPLATE.sub(sub, out)
    if not case_sensitive:
        out = fix_case(text[ms:me], out)
    return out


_BACK, _AHEAD = 150, 300


def _windows_at(positions: list[int], n: int) -> list[tuple[int, int, list[int]]]:
    """Merged text windows around anchor positions, each with the positions it was
    made from."""
    out: list[list] = []
    for p in sorted(positions):
        lo, hi = max(0, p - _BACK), min(n, p + _AHEAD)
        if out and lo <= out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], hi)
            last[2].append(p)
        else:
            out.append([lo, hi, [p]])
    return [(lo, hi, at) for lo, hi, at in out]


def _has_needs(low: str, lo: int, hi: int, needs) -> bool:
    """Whether ``low[lo:hi]`` holds a word of each group of ``needs``."""
    for group in needs:
        for w in group:
            if low.find(w, lo, hi) >= 0:
                break
        else:
            return False
    return True


def _matches_at(pattern, before: tuple, text: str, low: str, lo: int, hi: int, at: list[int]):
    """The matches that ``pattern.finditer(text, lo, hi)`` gives, tried only where
    they can start: at the anchor positions ``at``, walked back over ``before`` (see
    :func:`_plan`).  None when there are too many places to try."""
    compiled = pattern.validate() if isinstance(pattern, userregex.LazyPattern) else pattern
    if before:
        starts = before(at, low)
        if starts is None:
            return None
        if len(starts) > 1:
            starts = sorted(set(starts))
    elif len(at) == 1:
        starts = at
    else:
        starts = sorted(set(at))
    if len(starts) == 1:              # the usual case
        s = starts[0]
        if s < lo:
            return ()
        m = compiled.match(text, s, hi)
        if m is None:
            return ()
        return (m,) if m.end() > s else None
    out = []
    pos = lo
    for s in starts:
        if s < pos:
            continue
        m = compiled.match(text, s, hi)
        if m is None:
            continue
        if m.end() <= s:
            return None                  # an empty match: leave it to the window search
        out.append(m)
        pos = m.end()
    return out


def _scope(doc, offset: int, scope: str) -> tuple[int, int]:
    if scope == "document":
        return 0, len(doc.text)
    if scope == "paragraph":
        for lo, hi in doc.paragraphs:
            if lo <= offset <= hi:
                return lo, hi
        return 0, len(doc.text)
    lo, hi = doc.sentence_at(offset)
    return lo, max(hi, offset)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False
