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
  ~60 MB/s: :class:`~cleaner.rules.phrasebook_anchors.AnchorIndex`), and an
  entry's own regex only runs in short windows around its anchors — or, for most
  entries, only where a match can start: at the anchor word, or a few literal
  words before it (:func:`~cleaner.rules.phrasebook_plans._plan`).
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

This module holds what a reader of the rule needs first: the rule
(:class:`Phrasebook`), the data model (:class:`Entry`, :class:`Pack`,
:class:`Hit`), loading and validation of packs and orgs (:func:`load_pack`), and
the rendering of replacements (:func:`render`).  The fast matching machinery
lives in :mod:`cleaner.rules.phrasebook_anchors` (anchor words, the byte-copy
scan: which entries may match where) and :mod:`cleaner.rules.phrasebook_plans`
(windows and match plans: where their regexes are tried).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..registry import RulePackError
from ..types import Applicability, Finding
from . import userregex
from .base import Context, Rule
# the fast matching machinery, in modules of its own (anchors_of, AnchorIndex, Scan,
# lowered, scan_of and safe_text re-exported here); match plans are imported on first
# need (:meth:`Phrasebook._entry_hits`), a one-page check has none
from .phrasebook_anchors import (_AHEAD, _BACK, _MIN_ANCHOR, _PENDING, AnchorIndex, Scan,  # noqa: F401
                                 _fill_anchors, _windows_at, anchors_of, lowered, safe_text, scan_of)

if TYPE_CHECKING:
    from .phrasebook_plans import _Plan

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

_PLAN_AFTER = 3        # an entry is planned when it is a candidate for the third time


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
        :func:`_plan_of` allows, tried only where a match can start."""
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
                        plan = plans[id(entry)] = _plan_of(entry, pack)
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
                    if plan.needs and not plan.holds_needs(low, lo, hi):
                        continue                  # a string every match has is not here
                    if plan.before is not None and at is not None:
                        matches = plan.matches_at(entry.pattern, text, low, lo, hi, at)
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


def _plan_of(entry: Entry, pack: Pack) -> "_Plan":
    """What the rule may assume about the matches of ``entry`` (nothing for a user
    pack's, run with a timeout): :mod:`cleaner.rules.phrasebook_plans`, imported here."""
    from .phrasebook_plans import _NO_PLAN, _plan

    return _plan(entry) if pack.runner.timeout is None else _NO_PLAN


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
