"""Protected regions: text no rule may ever change.

This is the one place where quoted speech, URLs, e-mail addresses, @handles and
#hashtags are found.  The engine drops every edit that overlaps a protected
region and the fixer re-verifies that each protected substring is byte-identical
after fixing, so individual rules never have to remember any of this.

Quoted speech
-------------
* curly “ ” pairs; straight " pairs (within a paragraph); « » and » «; „ “ / „ ”;
* single ‘ ’ (and straight ' ') pairs when the closing mark is found in the same
  paragraph — nested inside double quotes they are covered by the outer quote;
* an opening mark with no closing mark runs to the end of its paragraph, which
  also covers multi-paragraph quotations that reopen every paragraph;
* apostrophes (’80s, rock ’n’ roll, Fritz’, ’til, don’t) are not quote marks.

The protected span of a quotation is its *content*: the opening and closing marks
and any whitespace just inside them are the boundary, not speech, so spacing
damage such as ``troops ”.`` can still be repaired.
"""
from __future__ import annotations

import bisect
import re as _re
from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable

import regex
from .regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from .regexcache import compile_std as _rx_std

from .types import Span

QUOTE = "quote"
URL = "url"
EMAIL = "email"
HANDLE = "handle"
HASHTAG = "hashtag"
MARKUP = "markup"      # code, front matter, HTML tags... (set by format readers)
USER = "user"          # matches of user `protect` patterns


@dataclass(frozen=True, slots=True)
class Region:
    start: int
    end: int
    kind: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


_PARA_BREAK = _rx(r"\n[ \t\r\f\v]*\n")

_URL = _rx(
    r"""(?ix)
    (?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"“”«»]+
    | \b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+
      (?:com|org|net|gov|edu|mil|int|io|co|uk|de|fr|it|es|ru|eu|info|biz|ly|me|tv|us|ca|au|ua|pt|br|nl|ch|ai|app|dev)
      \b(?:/[^\s<>"“”«»]*)?
    """
)
_URL_TRAILING = ".,;:!?)]}'\"’”»"
_EMAIL = _rx(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b")
_HANDLE = _rx(r"(?<![\w@.])@\w{1,40}")
_HASHTAG = _rx(r"(?<![\w#&])#\w*[^\W\d_]\w*")

# double-quote style opening marks and the closers that end them
_DOUBLE_OPEN = {"“": "”", "«": "»", "„": "“”", "»": "«", "‟": "”"}
_WORDCHAR = _rx(r"\w")
_ELISION = _rx(r"(?i)(?:til|tis|twas|em|cause|cos)\b|n[’']?(?!\w)")


def _is_word(ch: str) -> bool:
    if ch.isascii():        # (and ""): \w of ASCII is [0-9A-Za-z_], without a regex call
        return ch.isalnum() or ch == "_"
    return bool(_WORDCHAR.match(ch))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph; paragraphs are separated by blank lines."""
    out = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _content(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Strip whitespace just inside the quote marks; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _single_quote_open(text: str, i: int, lo: int) -> bool:
    """Whether a ‘ or ' at i opens a quotation (rather than being an apostrophe)."""
    prev = text[i - 1] if i > lo else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if _is_word(prev) or not nxt or nxt.isspace():
        return False
    # ’80s, ’til, ’em, 'n' — elisions, not quotes
    if nxt.isdigit():
        return False
    if _ELISION.match(text, i + 1):
        return False
    return True


def _single_quote_close(text: str, j: int, hi: int) -> bool:
    prev = text[j - 1] if j > 0 else ""
    nxt = text[j + 1] if j + 1 < hi else ""
    if not prev or prev.isspace():
        return False
    if _is_word(nxt):          # don’t, rock ’n’ roll
        return False
    return True


# Every character the scan below acts on; all others are skipped in one regex search
# instead of one Python step each (keep in sync with the tests in _quotes_in_paragraph).
_QUOTE_CHARS = _rx_std("[" + _re.escape("".join(sorted(set(_DOUBLE_OPEN) | set("\"”‘'")))) + "]")
_SINGLE_STOP = {c: _rx_std("[" + _re.escape(c + "“\"«„") + "]") for c in "’'"}


def _first(text: str, chars: str, start: int, hi: int) -> int:
    """Index of the first of ``chars`` in ``text[start:hi]``, or ``hi``."""
    best = hi
    for c in chars:
        k = text.find(c, start, best)
        if k >= 0:
            best = k
    return best


def _quotes_in_paragraph(text: str, lo: int, hi: int) -> Iterable[tuple[int, int]]:
    i = lo
    search = _QUOTE_CHARS.search
    while i < hi:
        m = search(text, i, hi)
        if m is None:
            break
        i = m.start()
        ch = text[i]
        if ch in _DOUBLE_OPEN or ch == '"' or (ch == "”" and _opens_like_quote(text, i, lo, hi)):
            closers = _DOUBLE_OPEN.get(ch, '"' if ch == '"' else "”")
            j = _first(text, closers, i + 1, hi)
            span = _content(text, i + 1, j)
            if span:
                yield span
            i = j + 1
            continue
        if ch in "‘'" and _single_quote_open(text, i, lo):
            closer = "’" if ch == "‘" else "'"
            stop = _SINGLE_STOP[closer].search
            j = i + 1
            found = -1
            while j < hi:
                m = stop(text, j, hi)
                if m is None:
                    break
                j = m.start()
                if text[j] == closer and _single_quote_close(text, j, hi):
                    found = j
                    break
                if text[j] in "“\"«„":   # a double quote starts: the single mark was not a quote
                    break
                j += 1
            if found >= 0:
                span = _content(text, i + 1, found)
                if span:
                    yield span
                i = found + 1
                continue
        i += 1


def _opens_like_quote(text: str, i: int, lo: int, hi: int) -> bool:
    """A ” used as an opening mark (common in scraped text): at paragraph start or
    after whitespace, followed by a letter, with another ” later in the paragraph."""
    prev = text[i - 1] if i > lo else ""
    nxt = text[i + 1] if i + 1 < hi else ""
    return (not prev or prev.isspace()) and nxt.isalpha() and text.find("”", i + 1, hi) >= 0


def quote_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for lo, hi in paragraphs(text):
        spans.extend(_quotes_in_paragraph(text, lo, hi))
    return spans


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _URL_TRAILING:
        # keep a closing paren that balances one inside the URL
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


_SPACE = _rx(r"\s")
_SPACE_BACK = _rx(r"(?r)\s")      # searches backwards: the last whitespace before a point


# Every match of _URL contains "://", "www." (any case) or a dot and a listed domain:
# most texts contain none, and these scans are many times faster than _URL's.  Each
# begins with a literal, which lets the standard library's engine skip ahead (one
# case-insensitive alternation of all three scanned at ~60 MB/s, a third of the cost
# of setting up a document).
_HINT_TLD = _rx_std(
    r"\.(?:com|org|net|gov|edu|mil|int|io|co|uk|de|fr|it|es|ru|eu|info|biz|ly|me|tv|us|ca|au|ua|pt"
    r"|br|nl|ch|ai|app|dev)", _re.IGNORECASE)
_HINT_WWW = _rx_std(r"[wW][wW][wW]\.")


def _url_hints(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL hint, in text order."""
    hints = [m.span() for m in _HINT_TLD.finditer(text)]
    more = False
    if "://" in text:
        pos = text.find("://")
        while pos >= 0:
            hints.append((pos, pos + 3))
            pos = text.find("://", pos + 1)
        more = True
    if "w." in text or "W." in text:              # in every "www."
        hints.extend(m.span() for m in _HINT_WWW.finditer(text))
        more = True
    if more:
        hints.sort()
    return hints


def _url_matches(text: str):
    """``_URL`` matches, searched only in the whitespace-free runs that contain a URL
    hint (a URL never contains whitespace): the bare-domain branch is otherwise tried
    at every word of the text."""
    last_run = -1
    for s, e in _url_hints(text):
        back = _SPACE_BACK.search(text, 0, s)
        lo = back.end() if back else 0
        if lo <= last_run:
            continue                      # this run was searched already
        m = _SPACE.search(text, e)
        hi = m.start() if m else len(text)
        last_run = hi
        yield from _URL.finditer(text, lo, hi)


def find_regions(text: str, extra: Iterable[Region] = (), patterns: Iterable[regex.Pattern] = ()) -> list[Region]:
    """All protected regions of ``text``, sorted by start (possibly overlapping)."""
    regions: list[Region] = [Region(s, e, QUOTE) for s, e in quote_spans(text)]
    has_at = "@" in text          # cheap tests first: most prose has no e-mail, handle or tag
    for m in _EMAIL.finditer(text) if has_at else ():
        regions.append(Region(m.start(), m.end(), EMAIL))
    for m in _url_matches(text):
        end = _trim_url(text, m.start(), m.end())
        if end > m.start():
            regions.append(Region(m.start(), end, URL))
    for m in _HANDLE.finditer(text) if has_at else ():
        regions.append(Region(m.start(), m.end(), HANDLE))
    for m in _HASHTAG.finditer(text) if "#" in text else ():
        regions.append(Region(m.start(), m.end(), HASHTAG))
    if patterns:
        from .rules.userregex import finditer
    for pat in patterns:
        for m in finditer(pat, text):
            if m.end() > m.start():
                regions.append(Region(m.start(), m.end(), USER))
    regions.extend(extra)
    regions.sort(key=_START_END)
    return regions


#: sort key of regions, ``(start, end)`` (attrgetter: the same tuples as a lambda, made in C)
_START_END = attrgetter("start", "end")


class Protection:
    """Sorted, merged protected spans with fast overlap queries."""

    def __init__(self, regions: Iterable[Region]):
        self.regions = sorted(regions, key=_START_END)
        merged: list[list[int]] = []
        for r in self.regions:
            if r.start == r.end:
                continue
            if merged and r.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], r.end)
            else:
                merged.append([r.start, r.end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    @property
    def spans(self) -> list[Span]:
        return [Span(s, e) for s, e in zip(self._starts, self._ends)]

    def pairs(self) -> list[tuple[int, int]]:
        """:attr:`spans` as ``(start, end)`` pairs (no Span objects made)."""
        return list(zip(self._starts, self._ends))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def overlaps(self, span: Span) -> bool:
        """True when ``span`` touches protected content.  An empty span (an
        insertion) overlaps only when it lies strictly inside a region."""
        i = bisect.bisect_right(self._starts, span.start) - 1
        if span.start == span.end:
            return i >= 0 and self._starts[i] < span.start < self._ends[i]
        if i >= 0 and self._ends[i] > span.start:
            return True
        j = i + 1
        return j < len(self._starts) and self._starts[j] < span.end

    def contains(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]

    def mask(self, text: str, char: str = "\ue000") -> str:
        """``text`` with every protected code point replaced one-for-one by ``char``."""
        if not self._starts:
            return text
        parts = []
        pos = 0
        for s, e in zip(self._starts, self._ends):
            parts.append(text[pos:s])
            parts.append(char * (e - s))
            pos = e
        parts.append(text[pos:])
        return "".join(parts)
