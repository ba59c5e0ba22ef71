"""Where a phrasebook entry can match: anchor words, and the scan that finds them.

The cheap prefilter of :mod:`cleaner.rules.phrasebook`, apart from the rule
because its reader needs only what it gives.  Every entry gets *anchors* —
literal words of which one must begin a word of any match, read off its parsed
pattern (:func:`anchors_of`; cached on disk by :func:`_fill_anchors`).  A rule's
anchors are compiled into trie-shaped regexes (:class:`AnchorIndex`) that flag
words in byte copies of the document (:class:`Scan`, shared by the phrasebook
rules through :func:`scan_of`): the result is, per entry, the positions where its
own regex is worth trying, searched in windows around them (:func:`_windows_at`)
unless :mod:`cleaner.rules.phrasebook_plans` narrows them further.
"""
from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

import regex

from ..paths import cache_dir as _cache_dir
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

if TYPE_CHECKING:
    from .phrasebook import Entry


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
#: anchor files kept in the cache folder (one per set of pattern bodies: built-in
#: packs of each mtclean version, and each project's own packs)
_MAX_ANCHOR_FILES = 200


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
            from ..paths import prune_cache, write_cache_atomic

            write_cache_atomic(str(path), json.dumps(cached).encode("utf-8"), ".anchors-")
            prune_cache(str(path.parent), "anchors-", ".json", _MAX_ANCHOR_FILES)
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
                    got = self._memo_word(w)
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
                        got = self._memo_word(w)
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

    def _memo_word(self, w: str) -> tuple[tuple, tuple]:
        """:meth:`_word_pairs` of ``w``, remembered in ``_words`` (emptied past 50,000
        words, so a long run's memory stays bounded)."""
        if len(self._words) > 50_000:
            self._words.clear()
        got = self._words[w] = self._word_pairs(w)
        return got

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
        """Whether the cheap path around anchors (:func:`~cleaner.rules.phrasebook_plans._plan`)
        holds for this text."""
        if self._safe is None:
            self._safe = self.low_bytes is not None and safe_text(self.text)
        return self._safe


# -- characters that the cheap paths can trust ------------------------------------------
#
# (:attr:`Scan.safe`, and :func:`~cleaner.rules.phrasebook_plans.literal_needs` users
# such as MT401: a text of these characters lowers and reads alike everywhere)

# characters whose word-ness and case agree between ``str``, ``re`` and ``regex``, and
# whose lower case is one too (tests/test_speed_phrasebook.py checks every one); a text
# with anything else — ``ſ``, ``ı``, ``²``, combining marks... — goes the plain way
_SAFE_CHARS = ("\\u0000-\\u007f\\u00a0-\\u00b1\\u00b4-\\u00b8\\u00ba-\\u00bb\\u00bf-\\u012f\\u0132-\\u017e"
               "\\u0180-\\u0239\\u023b-\\u023d\\u023f-\\u02af\\u0370-\\u0482\\u048a-\\u04ff\\u1e00-\\u1eff"
               "\\u2000-\\u200b\\u200e-\\u203e\\u2041-\\u2053\\u2055-\\u206f\\u20a0-\\u20cf\\u2100-\\u2129"
               "\\u212b-\\u214f\\u2190-\\u22ff\\u2500-\\u25ff\\ue000\\ufeff")
_odd_re = None


def safe_text(text: str) -> bool:
    """Whether every character of ``text`` is one of :data:`_SAFE_CHARS`."""
    global _odd_re
    if text.isascii():
        return True
    if _odd_re is None:
        from ..regexcache import compile_std

        _odd_re = compile_std(f"[^{_SAFE_CHARS}]")
    return _odd_re.search(text) is None


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


# -- windows around anchors: where an entry's regex is searched ----------------------------

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
