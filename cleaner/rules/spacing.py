"""Punctuation spacing: MT103 space before punctuation, MT104 missing space after
punctuation, MT105 repeated spaces inside a sentence.

Each rule is one compiled-regex pass over ``doc.masked`` (quoted speech, URLs,
e-mail addresses, handles and hashtags are U+E000 there, so none of it can
match) followed by cheap local checks of the few candidates.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from ..regexcache import compile_std as _rx_std

from ..document import MASK
from ..protect import QUOTE
from ..types import Applicability, Finding
from . import data
from .base import Context, Rule

# -- byte copies for the scans ----------------------------------------------------------
#
# The patterns below start a match at every character (the regex module: 40-120
# MB/s); their matches are rare and start at a few kinds of places.  Those places
# are found in a byte copy of the masked text, one byte per character (C-speed
# searches for two-byte strings), and each is checked with the pattern itself.


def encode_masked(text: str) -> bytes | None:
    """A masked text one byte per character: latin-1, "?" for any other character,
    \\x00 for protected ones; None when the text holds a real \\x00."""
    return None if "\x00" in text else text.replace(MASK, "\x00").encode("latin-1", "replace")


def masked_bytes(doc) -> bytes | None:
    """``encode_masked(doc.masked)``, once per document (the scans of MT103-MT108)."""
    cache = doc.__dict__
    b = cache.get("_mt10x_masked_bytes", False)
    if b is False:
        b = cache["_mt10x_masked_bytes"] = encode_masked(doc.masked)
    return b


def _classes() -> bytes:
    """A bytes.translate table: a space or tab becomes " ", one of , . ; : ! "M",
    a letter or "?" (an ASCII "?" or any character beyond latin-1, which may be a
    letter) "L", anything else "x"."""
    out = bytearray(b"x" * 256)
    for c in range(256):
        ch = chr(c)
        if ch in " \t":
            out[c] = ord(" ")
        elif ch in ",.;:!":
            out[c] = ord("M")
        elif ch.isalpha() or ch == "?":
            out[c] = ord("L")
    return bytes(out)


_CLASSES = _classes()


def _class_bytes(doc) -> bytes | None:
    cache = doc.__dict__
    b = cache.get("_mt10x_class_bytes", False)
    if b is False:
        b = masked_bytes(doc)
        b = cache["_mt10x_class_bytes"] = None if b is None else b.translate(_CLASSES)
    return b


def _positions(pattern, b: bytes, shift: int = 0) -> list[int]:
    return [m.start() + shift for m in pattern.finditer(b)]


def _char_positions(text: str, ch: str) -> list[int]:
    out = []
    i = text.find(ch)
    while i >= 0:
        out.append(i)
        i = text.find(ch, i + 1)
    return out


# -- MT103 space before punctuation ------------------------------------------------------

# a word (or a closing bracket or quote) + spaces + one mark; not after protected
# text, since "see https://example.com ." keeps the link clickable on purpose
_SPACE_BEFORE = _rx(r"(?<=[\p{L}\p{M}\p{N}%)\]”’\"'])([ \t]+)([,.;:!?])")
_SPACE_MARK = _rx_std(rb" M")


def _space_before_matches(doc):
    """_SPACE_BEFORE.finditer(doc.masked) (~45 MB/s): its matches are whitespace
    runs ending at a mark, found from the marks after a space or tab."""
    text = doc.masked
    b = _class_bytes(doc)
    if b is None:
        yield from _SPACE_BEFORE.finditer(text)
        return
    # (bytes.count skips along on its own: twice as fast as a regex scan that stops
    # at every space, and most texts have no " M" at all)
    marks = _positions(_SPACE_MARK, b, 1) if b.count(b" M") else []
    marks += [i for i in _char_positions(text, "?") if i and text[i - 1] in " \t"]
    for i in sorted(marks):
        s = i
        while s and text[s - 1] in " \t":
            s -= 1
        m = _SPACE_BEFORE.match(text, s)
        if m:
            yield m


_CLOSERS = "”’\""
_OPEN_FOR = {"“": "”", "‘": "’", '"': '"', "‟": "”"}


class SpaceBeforePunctuation(Rule):
    """MT103: ``troops .`` / ``draw , losing`` / ``troops ”.``"""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        n = len(text)
        for m in _space_before_matches(doc):
            ws_start, mark_pos = m.start(1), m.start(2)
            mark = m.group(2)
            after = text[mark_pos + 1] if mark_pos + 1 < n else "\n"
            before = text[ws_start - 1]
            replacement = mark
            if mark == ",":
                if after.isdigit() and before.isdigit():
                    continue                                   # 1 ,000 / x ,2: not prose
                if after.isalpha():
                    replacement = ", "                         # draw ,losing -> draw, losing
                elif not (after.isspace() or after in _CLOSERS):
                    continue
            elif mark == ".":
                if after == "." or _spaced_ellipsis(text, mark_pos):
                    continue                                   # ellipsis " ..." / ". . ."
                if after.isupper():
                    w = _WORD_AFTER.match(text, mark_pos + 1)
                    if not w or w.group() not in _starters():
                        continue                               # .NET, .Net
                    replacement = ". "                         # collapsed .The talks
                elif not (after.isspace() or after in _CLOSERS or after in ")]"):
                    continue                                   # .com, .5, .txt
                if after.isspace() and not _sentence_goes_on_properly(text, mark_pos + 1):
                    continue                                   # "git add . to stage"
                if before.isdigit() and _next_nonspace(text, mark_pos + 1).isdigit():
                    continue                                   # 3 . 5
            elif mark in ":;":
                if not after.isspace():
                    continue                                   # :) ;) :30 :-(
                if mark == ":" and before.isdigit() and _next_nonspace(text, mark_pos + 1).isdigit():
                    continue                                   # score 3 : 1, ratio
                if mark == ":" and _ternary(text, mark_pos):
                    continue
            else:  # ! ?
                if not (after.isspace() or after in _CLOSERS):
                    continue                                   # (born 1520 ?), [portrait of ?]
                if after.isspace() and not _sentence_goes_on_properly(text, mark_pos + 1):
                    continue                                   # "the prefix ! marks": a symbol
                if mark == "?" and _ternary(text, mark_pos):
                    continue
            if _line_is_marker(text, ws_start):
                continue                                       # "1 ." list marker, lone symbol
            if m.end(1) - ws_start > 1 or "\t" in m.group(1):
                continue                                       # aligned columns, ASCII diagrams
            if mark == ":" and _label_line(text, ws_start) and _next_nonspace(text, mark_pos + 1) not in "“\"‘«":
                continue                                       # "name : str" definition lists
            if _code_line(text, ws_start):
                continue                                       # shell, doctest, requirements
            fix = self.replace(ws_start, mark_pos + 1, replacement,
                               f"remove the space before “{mark}”", Applicability.SAFE)
            yield self.finding(ws_start, mark_pos + 1, f"space before “{mark}”", fix=fix, confidence=0.95)
        yield from self._quote_spacing(doc)

    def _quote_spacing(self, doc) -> Iterable[Finding]:
        """Whitespace between quoted words and their closing mark (``troops ”``), or
        after an opening curly mark (``“ Hello``).  The quote content is protected;
        the whitespace just inside the marks is not (see ``protect``)."""
        text = doc.text
        n = len(text)
        for r in doc.regions:
            if r.kind != QUOTE:
                continue
            # the opening mark: whitespace then the mark, just before the content
            o = r.start - 1
            while o >= 0 and text[o] in " \t":
                o -= 1
            if o < 0 or text[o] not in _OPEN_FOR:
                continue
            opener = text[o]
            closer_ch = _OPEN_FOR[opener]
            c = r.end
            while c < n and text[c] in " \t":
                c += 1
            closed = c < n and text[c] == closer_ch
            open_gap = r.start - o - 1
            close_gap = c - r.end if closed else 0
            if opener == '"':
                # straight marks: direction is only known from the pairing; only the
                # asymmetry "Hello " with a closer followed by a space or punctuation
                if not closed or open_gap or not close_gap:
                    continue
                nxt = text[c + 1] if c + 1 < n else " "
                if not (nxt.isspace() or nxt in ".,;:!?)"):
                    continue                          # "'DEAR, "--was: an opening mark
            if close_gap and closed and not _quote_char(text[r.end - 1]) and not _ellipsis_end(text, r.end):
                nxt = text[c + 1] if c + 1 < n else " "
                if not nxt.isalnum():
                    fix = self.replace(r.end, c, "", f"remove the space before “{closer_ch}”",
                                       Applicability.SAFE)
                    yield self.finding(r.end, c + 1, f"space before the closing “{closer_ch}”",
                                       fix=fix, confidence=0.9)
            if open_gap and opener in "“‘‟" and not _quote_char(text[r.start]):
                prev = text[o - 1] if o > 0 else " "
                if not prev.isalnum():
                    fix = self.replace(o + 1, r.start, "", f"remove the space after “{opener}”",
                                       Applicability.SAFE)
                    yield self.finding(o, r.start, f"space after the opening “{opener}”",
                                       fix=fix, confidence=0.9)


@lru_cache(maxsize=1)
def _starters() -> frozenset[str]:
    return frozenset(data.load("camel_case_accept")["starters"])


def _quote_char(ch: str) -> bool:
    # nested marks are legitimately separated by a (thin) space: “ ‘Look,’ ”
    return ch in "“”‘’\"'«»„‚"


def _lower_word(word: str) -> bool:
    return word.isalpha() and word.islower()


def _token_len(text: str, pos: int) -> int:
    m = _RUN.match(text, pos)
    return len(m.group()) if m else 0


def _ellipsis_end(text: str, end: int) -> bool:
    """Quoted words ending in an ellipsis: a space before the closing mark is usual."""
    return text[end - 1] == "…" or text[max(0, end - 3):end] == "..."


def _spaced_ellipsis(text: str, pos: int) -> bool:
    """``. . .`` (the first dot of a spaced ellipsis)."""
    return regex.match(r"\.[ \t]?\.", text[pos:pos + 4]) is not None


def _next_nonspace(text: str, pos: int) -> str:
    n = len(text)
    while pos < n and text[pos] in " \t":
        pos += 1
    return text[pos] if pos < n else ""


def _sentence_goes_on_properly(text: str, pos: int) -> bool:
    """After ``word . `` the next word should start a sentence: a capital, digit,
    quote or bracket, or the line ends."""
    ch = _next_nonspace(text, pos)
    if not ch or ch in "\n\r" or ch == MASK:
        return True
    return ch.isupper() or ch.isdigit() or ch in "“‘\"'([—–"


_CODE_SIGNS = _rx_std(
    r"==|!=|>=|<=|=>|->|::|>>>|\(\)|[{}|\\]| = |(?:^|\s)--?[a-zA-Z][\w-]*(?=\s|$)|^\s*[$#>] |^[ \t]{2,}|^\t|^\s*//")


def _line_of(text: str, pos: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, (len(text) if hi < 0 else hi)


def code_line(text: str, pos: int) -> bool:
    """Public alias for the other rule modules."""
    return _code_line(text, pos)


def _code_line(text: str, pos: int) -> bool:
    """The line looks like code, a command or preformatted output, not prose:
    operators (``==``, ``->``, ``::``), a shell/doctest prompt, braces, ``()``,
    or indentation.  (Inline `code` in Markdown is protected by the format reader.)"""
    lo, hi = _line_of(text, pos)
    return _CODE_SIGNS.search(text[lo:hi]) is not None


def _label_line(text: str, pos: int) -> bool:
    """``label : value`` at the start of a line (a definition list, a form):
    at most two words, after an optional bullet, before the colon."""
    lo, hi = _line_of(text, pos)
    raw = text[lo:pos].strip()
    head = raw.lstrip("*-•·").strip()
    return len(head.split()) <= 2 and (hi - lo <= 60 or head != raw)


def _ternary(text: str, pos: int) -> bool:
    """``a ? b : c`` on one line: code, not prose."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    line = text[lo:hi if hi >= 0 else len(text)]
    return regex.search(r"\S \? \S[^?:\n]{0,40} : \S", line) is not None


def _line_is_marker(text: str, ws_start: int) -> bool:
    """The mark follows a lone list marker or symbol at the start of a line (``1 .``, ``a )``)."""
    lo = text.rfind("\n", 0, ws_start) + 1
    return ws_start - lo <= 2 and text[lo:ws_start].strip().isalnum()


# -- MT104 missing space after punctuation -----------------------------------------------

# word + mark + word, with no space: war.The, said,adding, however;the, Note:This,
# what?The, said.”The / said,”he, said,“We
_MISSING_AFTER = _rx(
    r"(?<=[\p{L}\p{M}\p{N}%)\]])([.,;:!?])(?=[\p{L}])"
    r"|(?<=[.,;:!?…" + MASK + r"])(”)(?=\p{L})"
    r"|(?<=[\p{Ll},:;])(“)(?=[\p{L}" + MASK + r"])"
)
_MARK_LETTER = _rx_std(rb"ML")
# characters beyond latin-1 that are no letter (any other may be one: the regex
# module's Unicode tables are newer than Python's)
_NOT_LETTERS = frozenset("”’“‘—–…\u2009\u200b" + MASK)


def _letter_like(ch: str) -> bool:
    """False when ``ch`` is surely no \\p{L}."""
    return ch.isalpha() if ch <= "\xff" else ch not in _NOT_LETTERS


def _missing_after_matches(doc):
    """_MISSING_AFTER.finditer(doc.masked) (~120 MB/s): each match is one mark or
    curly quotation mark, found from the marks and quotation marks next to what may
    be a letter (what each alternative of the pattern needs, checked loosely)."""
    text = doc.masked
    b = _class_bytes(doc)
    if b is None:
        yield from _MISSING_AFTER.finditer(text)
        return
    n = len(text)
    spots = [i for i in _positions(_MARK_LETTER, b) + _char_positions(text, "?") + _char_positions(text, "”")
             if i + 1 < n and _letter_like(text[i + 1])]
    spots += [i for i in _char_positions(text, "“") if i and i + 1 < n
              and (text[i - 1] in ",:;" or (text[i - 1].islower() if text[i - 1] <= "\xff" else True))
              and (text[i + 1] == MASK or _letter_like(text[i + 1]))]
    for i in sorted(spots):
        m = _MISSING_AFTER.match(text, i)
        if m:
            yield m


_RUN = _rx(r"\S+")
_JOINT = _rx(r"(?<=[\p{L}\p{M}\p{N}%)\]])[.,;:!?](?=[\p{L}\p{M}\p{N}])")
_CODE_CHARS = set("{}=<>/\\_@#$&|*^~`+")
_WORD_BEFORE = _rx(r"(?r)[\p{L}\p{M}\p{N}'’]+$")      # (?r): the same match, found from the end
_WORD_AFTER = _rx(r"[\p{L}\p{M}][\p{L}\p{M}'’]*")
# A bare year is left out on purpose: "in 1973.In February" is far more often a
# paragraph break lost by a text dump than scraping damage an editor must fix
# (it was 243 of 428 findings on 6 million words of clean prose).
_LEFT_SHAPE = _rx(r"[\p{L}\p{M}][\p{L}\p{M}'’]+|\d+(?:s|st|nd|rd|th)|\d{1,3}(?:,\d{3})+")
_NAMESPACES = frozenset("category file image template user talk wikipedia help portal special "
                        "module draft media mediawiki project".split())
_TLDS = frozenset("com org net gov edu io co uk de fr it es ru eu info biz ly me tv us ca au ua "
                  "pt br nl ch ai app dev js py txt html htm pdf doc docx xls csv jpg png gif "
                  "exe zip md php asp aspx xml json yaml yml".split())
_FUNCTION_AFTER_COLON = frozenset("the a an this these those that it he she they we i you there "
                                  "his her their our its".split())
_FILE_STEMS = frozenset("readme license licence changes changelog news install todo copying authors "
                        "notice contributing history credits thanks makefile dockerfile".split())
_TRAILING_OK = set(".,;:!?”’\"')]…")
_LEADING_OK = set("([“‘\"'")


class MissingSpaceAfterPunctuation(Rule):
    """MT104: ``war.The`` / ``said,adding`` / ``however;the``."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        n = len(text)
        abbrevs = data.word_set("abbreviations", "abbreviations")
        starters = _starters()
        for m in _missing_after_matches(doc):
            pos = m.start()
            mark = m.group()
            if mark in "”“":
                f = self._quote(text, pos, mark)
                if f:
                    yield f
                continue
            # the whole non-space run must be word + one mark + word (+ closing marks)
            lo = pos
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
            hi = pos + 1
            while hi < n and not text[hi].isspace():
                hi += 1
            run = text[lo:hi]
            if MASK in run or any(ch in _CODE_CHARS for ch in run):
                continue                                     # URLs, code, markup, entities
            if len(_JOINT.findall(run)) != 1:
                continue                                     # e.g.The, U.S.Army, a,b,c, 1.2.3
            j = pos
            while j > lo and text[j - 1] in ")]%":
                j -= 1
            wb = _WORD_BEFORE.search(text, lo, j)
            wa = _WORD_AFTER.match(text, pos + 1, hi)
            if not wb or not wa or any(ch not in _LEADING_OK for ch in text[lo:wb.start()]):
                continue
            left, right = wb.group(), wa.group()
            if any(ch not in _TRAILING_OK for ch in text[wa.end():hi]):
                continue                                     # more glued on: code-like
            if not _LEFT_SHAPE.fullmatch(left):
                continue                                     # a,b  x:y  v2.Beta  1.First (list)
            if len(right) < 2 and right not in ("I", "A"):
                continue
            if any(c.isupper() for c in right[1:]) or (left[0].islower() and any(c.isupper() for c in left)):
                continue                                     # Console.WriteLine, iPhone.Pro
            low_left, low_right = left.lower(), right.lower()
            cap_right = right[0].isupper()
            confident = True
            if mark == ".":
                if not cap_right:
                    continue                                 # file.txt, Node.js: not ours
                if low_right in _TLDS:
                    continue                                 # Booking.Com
                if low_left in abbrevs or (left[0].isupper() and len(left) <= 3):
                    confident = False                        # St.Petersburg: a space, but check
                elif right not in starters and text[pos - 1].isalpha():
                    if left.islower() and (len(right) <= 3 or ctx.lexicon.zipf(right) < 3.0):
                        continue                             # math.Sqrt, tkinter.Tk, syntax.Expr
                    if left.isupper() and low_left in _FILE_STEMS:
                        continue                             # README.Debian, CHANGES.Md
                    confident = False                        # String.Format, pathlib.Path may be code
            elif mark in "!?":
                if not cap_right:
                    continue                                 # he!p (OCR), nation?the (lost dash)
            elif mark == "," and not cap_right and _lower_word(left) and (
                    ctx.lexicon.zipf(left) < 2.5 or ctx.lexicon.zipf(right) < 2.5):
                continue                                     # keyword lists: markdown,commonmark
            elif mark == ":":
                if len(left) < 3 or (low_left in _NAMESPACES and left[0].isupper()):
                    continue                                 # re:Invent, Category:People
                if not cap_right and low_right not in _FUNCTION_AFTER_COLON:
                    continue                                 # key:value, re:Invent
            if _code_line(text, pos):
                continue
            fix = self.replace(pos + 1, pos + 1, " ", f"add a space after “{mark}”",
                               Applicability.SAFE if confident else Applicability.UNSAFE)
            yield self.finding(wb.start(), wa.end(), f"no space after “{mark}”: “{left}{mark}{right}”",
                               fix=fix, confidence=0.9 if confident else 0.75)

        yield from self._straight_quotes(doc)

    def _straight_quotes(self, doc) -> Iterable[Finding]:
        """``said,"We`` / ``here."She``: straight marks glued to the narrative,
        where the engine's quote pairing tells which mark opens and which closes."""
        text = doc.text
        n = len(text)
        for r in doc.regions:
            if r.kind != QUOTE or r.start < 2 or text[r.start - 1] != '"':
                continue
            o = r.start - 1
            if text[o - 1] in ",:" and not _code_line(text, o):     # (JSON, code comments)
                fix = self.replace(o, o, " ", "add a space before the opening quotation mark", Applicability.SAFE)
                yield self.finding(o - 1, o + 1, "no space before the opening quotation mark", fix=fix,
                                   confidence=0.85)
            c = r.end
            if (c + 1 < n and text[c] == '"' and text[c + 1].isalpha() and text[c - 1] in ".,!?"
                    and not _ellipsis_end(text, c) and not doc.is_protected(c + 1)
                    and '"' not in text[c + 1:c + 1 + _token_len(text, c + 1)]
                    and not _code_line(text, c)):
                fix = self.replace(c + 1, c + 1, " ", "add a space after the closing quotation mark",
                                   Applicability.SAFE)
                yield self.finding(c, c + 2, "no space after the closing quotation mark", fix=fix,
                                   confidence=0.85)

    def _quote(self, text: str, pos: int, mark: str):
        if mark == "”":
            # said.”The / said,”he — a closing mark glued to the next word
            msg, at, span = "no space after the closing quotation mark", pos + 1, (pos, pos + 2)
        else:
            # said,“We / said“We — an opening mark glued to the word before
            msg, at, span = "no space before the opening quotation mark", pos, (pos - 1, pos + 1)
            prev = _WORD_BEFORE.search(text, max(0, pos - 40), pos)
            if text[pos - 1].isalpha() and (not prev or len(prev.group()) < 2):
                return None
        if _code_line(text, pos):
            return None
        fix = self.replace(at, at, " ", msg.replace("no space", "add a space"), Applicability.SAFE)
        return self.finding(span[0], span[1], msg, fix=fix, confidence=0.85)


# -- MT105 repeated spaces ------------------------------------------------------------------

# two or more spaces between two words (or after a comma/semicolon) on one line
_REPEATED = _rx(r"(?<=[\p{L}\p{M}\p{N},;%)\]”’])( {2,})(?=[\p{L}\p{N}(“‘])")
_SPACES = _rx_std(r" +")
_RUNS = _rx(r"\S {2,}\S|\t")
_LIST_MARKER = _rx(r"[ \t]*(?:\(?[\p{L}\p{N}]{1,3}[.)]|[*•·-])[ \t]+$")
_PADDED_NUMBER = _rx(r"\d\b(?![.,]\d)")


class RepeatedSpaces(Rule):
    """MT105: ``the  report`` — a doubled space between words inside a sentence."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        orig = doc.text
        max_run = self.options.get("max_run", 3)
        for m in _repeated_matches(text):
            s, e = m.span(1)
            if e - s > max_run:
                continue                                     # column alignment
            j = s - 1
            while j > 0 and orig[j] in "”’\"')]":
                j -= 1
            if j < s - 1 and orig[j] in ".!?…:":
                continue                                     # said.”  Next: two spaces after a sentence
            lo = text.rfind("\n", 0, s) + 1
            hi = text.find("\n", e)
            hi = len(text) if hi < 0 else hi
            if text[lo:lo + 1] in (" ", "\t"):
                continue                                     # indented: verse, code, preformatted
            if any(_RUNS.search(text, a, b) for a, b in _neighbour_lines(text, lo, hi)):
                continue                                     # a table or aligned columns
            if hi - lo <= 100 and len(_RUNS.findall(text, lo, hi)) >= 3 and any(
                    text[a:b].strip() for a, b in _neighbour_lines(text, lo, hi)):
                continue                                     # a justified (typeset) hard-wrapped line
            if _LIST_MARKER.match(text, lo, e) or _PADDED_NUMBER.match(text, e):
                continue                                     # "(1)  You may", "Thu Nov  3 19:04"
            if text.count("`", lo, s) % 2 or _code_line(text, s):
                continue                                     # inline code, commands
            fix = self.replace(s, e, " ", "collapse to one space", Applicability.SAFE)
            yield self.finding(s, e, "repeated space inside a sentence", fix=fix, confidence=0.9)


def _repeated_matches(text: str):
    """_REPEATED.finditer(text) (a match at every character, ~80 MB/s), found from
    the runs of two spaces or more instead."""
    i = text.find("  ")
    while i >= 0:
        m = _REPEATED.match(text, i)
        if m:
            yield m
        i = text.find("  ", _SPACES.match(text, i).end())


def _neighbour_lines(text: str, lo: int, hi: int):
    if lo > 0:
        p = text.rfind("\n", 0, lo - 1) + 1
        yield p, lo - 1
    if hi < len(text):
        q = text.find("\n", hi + 1)
        yield hi + 1, (len(text) if q < 0 else q)
