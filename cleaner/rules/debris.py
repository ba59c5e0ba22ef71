"""Encoding and markup debris from scraping.

* MT402 mojibake: ``donâ€™t`` → ``don’t``, repaired by **ftfy**
  (``fix_encoding_and_explain``); safe only when ftfy's plan is a plain
  re-encode/decode and the result no longer looks like mojibake.
* MT403 html-entity: ``&amp;``, ``&nbsp;``, ``&#8217;`` left in plain text,
  decoded with the standard library's :func:`html.unescape`.
* MT404 stray-html-tag: ``<br>``, ``</p>``, ``<span class="x">`` left in plain
  text.

Markup files (Markdown, HTML, XML) are left to their format readers: these rules
only look at plain text, and not at text that is *about* markup (a paragraph that
mentions HTML, tags or entities, or a tag written in backticks).
"""
from __future__ import annotations

import difflib
import html
from typing import Iterable

import regex
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..types import Applicability, Finding
from .base import Context, Rule

MARKUP_SUFFIXES = (".md", ".markdown", ".mdx", ".html", ".htm", ".xhtml", ".xml", ".svg", ".rst",
                   ".tex", ".jsx", ".tsx", ".vue")

_DISCUSSION = _rx(
    r"(?i)\b(?:html|xhtml|xml|markup|tags?|elements?|attributes?|entit(?:y|ies)|escaped?|escaping|"
    r"character\s+references?|ampersand|css|javascript|browser|web\s+page\s+source|source\s+code|angle\s+brackets?)\b")


def _is_markup_file(doc) -> bool:
    path = str(getattr(doc, "path", "-") or "-").lower()
    return path.endswith(MARKUP_SUFFIXES)


def _paragraph(doc, offset: int) -> tuple[int, int]:
    for lo, hi in doc.paragraphs:
        if lo <= offset <= hi:
            return lo, hi
    return 0, len(doc.text)


def _discusses_markup(doc, offset: int, cache: dict) -> bool:
    lo, hi = _paragraph(doc, offset)
    if lo not in cache:
        cache[lo] = bool(_DISCUSSION.search(doc.masked, lo, hi))
    return cache[lo]


# -- MT402 mojibake ------------------------------------------------------------------------

# a UTF-8 lead byte read as Latin-1/Windows-1252, followed by a continuation byte
_MOJIBAKE_HINT = _rx(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
    "\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]")
_CERTAIN_STEPS = {("encode", "sloppy-windows-1252"), ("encode", "windows-1252"), ("encode", "latin-1"),
                  ("encode", "sloppy-windows-1250"), ("encode", "windows-1250"), ("encode", "iso-8859-2"),
                  ("decode", "utf-8"), ("decode", "utf-8-variants"), ("transcode", "restore_byte_a0"),
                  ("transcode", "replace_lossy_sequences")}


class Mojibake(Rule):
    """Text decoded with the wrong character set, repaired by ftfy."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.text
        if not _MOJIBAKE_HINT.search(text):
            return
        import ftfy
        from ftfy.badness import is_bad

        done_until = -1
        for hint in _MOJIBAKE_HINT.finditer(text):
            if hint.start() < done_until:
                continue
            lo = text.rfind("\n", 0, hint.start()) + 1
            hi = text.find("\n", hint.end())
            hi = len(text) if hi < 0 else hi
            done_until = hi
            line = text[lo:hi]
            fixed, plan = ftfy.fix_encoding_and_explain(line)
            if fixed == line:
                continue
            steps = {(step[0], step[1]) for step in plan or ()}
            certain = bool(steps) and steps <= _CERTAIN_STEPS and not is_bad(fixed)
            app = Applicability.SAFE if certain else Applicability.UNSAFE
            how = " then ".join(f"{a} {p}" for a, p in (plan or ()))
            for s, e, rep in _regions(line, fixed):
                bad = line[s:e]
                fix = self.replace(lo + s, lo + e, rep, f"replace with “{rep}”", app)
                yield self.finding(lo + s, lo + e,
                                   f"mojibake “{bad}”: text decoded with the wrong character set; "
                                   f"ftfy repairs it as “{rep}” ({how})",
                                   fix=fix, confidence=0.97 if certain else 0.8)


def _regions(a: str, b: str, gap: int = 3) -> list[tuple[int, int, str]]:
    """Changed regions of ``a`` → ``b`` (character diff), merged across short gaps
    and widened to whole words so each finding reads naturally."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]
    merged: list[list[int]] = []
    for i1, i2, j1, j2 in ops:
        if merged and i1 - merged[-1][1] <= gap:
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in merged:
        # widen to word boundaries (same amount on both sides: the context is unchanged)
        left = 0
        while i1 - left > 0 and j1 - left > 0 and a[i1 - left - 1].isalnum() and a[i1 - left - 1] == b[j1 - left - 1]:
            left += 1
        right = 0
        while (i2 + right < len(a) and j2 + right < len(b) and a[i2 + right].isalnum()
               and a[i2 + right] == b[j2 + right]):
            right += 1
        out.append((i1 - left, i2 + right, b[j1 - left:j2 + right]))
    return out


# -- MT403 HTML entities ---------------------------------------------------------------

_ENTITY = _rx(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|&(?:amp|nbsp|quot|lt|gt|apos)(?![A-Za-z0-9;])")
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


class HtmlEntity(Rule):
    """``&amp;``, ``&nbsp;``, ``&#8217;`` left in plain text."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        if "&" not in text or _is_markup_file(doc):
            return
        cache: dict = {}
        for m in _ENTITY.finditer(text):
            ent = m.group()
            value = html.unescape(ent)
            if value == ent:
                continue                         # unknown name: not an entity
            if _discusses_markup(doc, m.start(), cache):
                continue
            s, e = m.start(), m.end()
            before = text[s - 1] if s else "\n"
            after = text[e] if e < len(text) else "\n"
            if value == "\u00a0" or value.isspace():
                value = " "
                if before == " " and after == " ":
                    s -= 1                       # "a &nbsp; b" → "a b"
                if before.isspace() or after.isspace():
                    value = ""                   # a space is there already
            elif value in _INVISIBLE:
                value = ""
            shown = value if value.strip() else ("a space" if value else "nothing")
            fix = self.replace(s, e, value, f"replace with {shown!r}" if value.strip() else f"replace with {shown}",
                               Applicability.SAFE)
            yield self.finding(m.start(), e, f"HTML entity “{ent}” in plain text: it stands for {shown!r}"
                               if value.strip() else f"HTML entity “{ent}” in plain text: it stands for {shown}",
                               fix=fix, confidence=0.95)


# -- MT404 stray tags ----------------------------------------------------------------------

_BLOCK = ("p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|tbody|thead|blockquote|figure|figcaption|section|article|"
          "header|footer|aside|nav|hr|dl|dt|dd|pre|main|center|iframe|noscript|form|caption")
_INLINE = ("span|a|b|i|em|strong|u|s|strike|del|ins|font|sup|sub|small|big|mark|abbr|cite|time|label|img|"
           "picture|source|video|audio|button|input|wbr|code|kbd|var|q|tt|bdi|bdo|data|meta|link")
_TAG = _rx(
    rf"<!--.*?-->|</?(?P<name>{_BLOCK}|{_INLINE})(?=[\s/>])(?:\s+[a-zA-Z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=`]+))?)*\s*/?>",
    regex.IGNORECASE | regex.DOTALL)
_BLOCK_NAMES = frozenset(_BLOCK.replace("h[1-6]", "h1|h2|h3|h4|h5|h6").split("|"))


class StrayHtmlTag(Rule):
    """HTML tags left in plain text by a scraper."""

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.masked
        if "<" not in text or _is_markup_file(doc):
            return
        cache: dict = {}
        for m in _TAG.finditer(text):
            s, e = m.start(), m.end()
            if (s and text[s - 1] == "`") or (e < len(text) and text[e] == "`"):
                continue                         # written as code
            if _discusses_markup(doc, s, cache):
                continue
            name = (m.group("name") or "").lower()
            before = text[s - 1] if s else "\n"
            after = text[e] if e < len(text) else "\n"
            rep = ""
            if name in _BLOCK_NAMES and not before.isspace() and not after.isspace():
                rep = " "                        # "end.<br>Next" → "end. Next"
            elif before == " " and after == " ":
                s -= 1                           # "a <b> b" → "a b"
            tag = doc.text[m.start():m.end()]
            fix = self.replace(s, e, rep, "remove the tag", Applicability.SAFE)
            # a quoted attribute value looks like quoted speech to the protection layer:
            # report the tag up to its first quote (the fix is then withheld centrally)
            q = min((i for i in (tag.find('"'), tag.find("'")) if i > 0), default=len(tag))
            yield self.finding(m.start(), m.start() + q, f"stray HTML {'comment' if tag.startswith('<!--') else 'tag'} "
                               f"“{_short(tag)}” in plain text", fix=fix, confidence=0.9)


def _short(s: str, n: int = 40) -> str:
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[:n - 1] + "…"
