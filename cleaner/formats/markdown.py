"""Markdown: which parts of a file are prose.

The file is parsed with markdown-it-py (CommonMark plus GFM tables).  Prose is
the inline text of paragraphs, headings, list items, blockquotes and table
cells; everything else is returned as :data:`~cleaner.protect.MARKUP` regions,
in offsets of the original file, so the engine never reports or edits it:

* fenced and indented code blocks, HTML blocks and front matter (YAML ``---`` /
  TOML ``+++`` at the top), whole;
* inside prose: code spans, inline HTML, autolinks, images, link syntax
  (``[`` and ``](url "title")`` / ``][ref]``), emphasis markers, backslash
  escapes and entity references;
* block syntax: heading ``#`` s, setext underlines, ``>`` markers, list markers,
  table pipes and delimiter rows, thematic breaks, link reference definitions.

Line breaks between prose lines are left unprotected so that sentence and
paragraph logic sees them as whitespace.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..protect import MARKUP, Region
from ..regexcache import compile_std as _rx_std   # compiled once per machine, not per run

_FRONT_MATTER = _rx_std(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n")
_CODE_CLOSE: dict[int, re.Pattern] = {}
_ESCAPED_PIPE = _rx_std(r"\\\|")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    # text_join would merge escapes and entities into plain text; we need their source
    md = MarkdownIt("commonmark").enable("table").disable("text_join")
    # we never render: skip URL normalisation (a third of the parse time on link-heavy
    # files), and treat every destination as a link, so that javascript:/data: URLs
    # are protected like any other
    md.normalizeLink = lambda url: url
    md.normalizeLinkText = lambda text: text
    md.validateLink = lambda url: True
    return md


def _line_starts(text: str) -> list[int]:
    from ..document import LineIndex

    return LineIndex(text).starts


def front_matter_end(text: str) -> int:
    """Offset just past a leading front-matter block (0 when there is none)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return 0
    fence = m.group(1)
    closers = ("---", "...") if fence == "---" else ("+++",)
    pos = m.end()
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        if text[pos:end].rstrip() in closers:
            return end
        pos = end
    return 0  # never closed: not front matter


def regions(text: str) -> list[Region]:
    """MARKUP regions of a Markdown document (everything that is not prose)."""
    starts = _line_starts(text)
    n_lines = len(starts)

    def line_span(i: int) -> tuple[int, int]:
        s = starts[i]
        e = starts[i + 1] - 1 if i + 1 < n_lines else len(text)
        if e > s and text[e - 1] == "\r":
            e -= 1
        return s, e

    def lines_offset(a: int, b: int) -> tuple[int, int]:
        return starts[a] if a < n_lines else len(text), starts[b] if b < n_lines else len(text)

    blocks: list[tuple[int, int]] = []       # protected whole
    inline: list[tuple[int, int]] = []       # protected whole (inside prose)
    prose: list[tuple[int, int]] = []        # carved-out prose

    fm = front_matter_end(text)
    src = text
    if fm:
        blocks.append((0, fm))
        src = "\n" * text.count("\n", 0, fm) + text[fm:]

    tokens = _parser().parse(src)
    row_cells: list[tuple[int, int]] = []    # source spans of the current table row's cells
    for i, tok in enumerate(tokens):
        t = tok.type
        if t in ("fence", "code_block", "html_block") and tok.map:
            a, b = lines_offset(*tok.map)
            blocks.append((a, b))
        elif t == "tr_open" and tok.map:
            row_cells = _table_cells(text, *line_span(tok.map[0]))
        elif t == "inline":
            parent = tokens[i - 1].type if i else ""
            if parent in ("th_open", "td_open"):
                if not row_cells:
                    continue
                cs, ce = row_cells.pop(0)
                pieces = [(0, cs, ce - cs)]
                content = text[cs:ce]
            elif tok.map:
                content = tok.content
                pieces = _locate_lines(text, content, tok.map[0], tok.map[1], line_span)
            else:
                continue
            if not pieces:
                continue
            protected = _inline_protected(tok.children or [], content)
            if parent in ("th_open", "td_open"):
                protected += [(m.start(), m.end()) for m in _ESCAPED_PIPE.finditer(content)]
            _carve(content, pieces, protected, prose, inline)
    return _assemble(text, blocks, inline, prose)


def _locate_lines(text: str, content: str, first: int, last: int, line_span) -> list[tuple[int, int, int]]:
    """Map each line of an inline token's content to the source:
    ``(content_offset, source_offset, length)`` per located line."""
    out: list[tuple[int, int, int]] = []
    coff = 0
    line = first
    for piece in content.split("\n"):
        length = len(piece)
        found = False
        core = piece.rstrip()
        while line < last and core:
            s, e = line_span(line)
            src_line = text[s:e]
            stripped = src_line.rstrip()
            if stripped.endswith(core):
                pos = len(stripped) - len(core)
            else:
                pos = src_line.find(core)
            line += 1
            if pos >= 0:
                out.append((coff, s + pos, len(core)))
                found = True
                break
        if not found and not core:
            line += 1
        coff += length + 1
    return out


def _carve(content: str, pieces, protected: list[tuple[int, int]], prose: list, inline: list) -> None:
    """Map content-coordinate protected spans and the prose between them to the source."""

    def to_source(pos: int, right: bool) -> int | None:
        for coff, soff, length in pieces:
            if coff <= pos <= coff + length:
                return soff + (pos - coff)
        if right:   # a position on an unlocated line or past the end: clamp backwards
            prev = [p for p in pieces if p[0] <= pos]
            if prev:
                coff, soff, length = prev[-1]
                return soff + length
        return None

    for a, b in protected:
        sa, sb = to_source(a, False), to_source(b, True)
        if sa is None:
            nxt = [p for p in pieces if p[0] >= a]
            if not nxt:
                continue
            sa = nxt[0][1]
        if sb is None or sb < sa:
            continue
        inline.append((sa, sb))
    for coff, soff, length in pieces:
        prose.append((soff, soff + length))


def _table_cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Source spans (trimmed) of the cells of a pipe-table row."""
    cells: list[tuple[int, int]] = []
    line = text[s:e]
    bounds = [-1]
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "|":
            bounds.append(i)
        i += 1
    bounds.append(len(line))
    for a, b in zip(bounds, bounds[1:]):
        seg = line[a + 1:b]
        if not seg.strip():
            if (a == -1 or b == len(line)):
                continue        # outside the leading / trailing pipe
        lead = len(seg) - len(seg.lstrip())
        core = seg.strip()
        cells.append((s + a + 1 + lead, s + a + 1 + lead + len(core)))
    return cells


def _close_code(marker: str) -> re.Pattern:
    n = len(marker)
    pat = _CODE_CLOSE.get(n)
    if pat is None:
        pat = _CODE_CLOSE[n] = re.compile(r"(?<!`)`{%d}(?!`)" % n)
    return pat


def _bracket_end(content: str, i: int) -> int:
    """Index just past the ``]`` that closes the ``[`` at ``i`` (or -1)."""
    depth = 0
    j = i
    while j < len(content):
        ch = content[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "`":                      # brackets inside code spans do not count
            run = len(content) - len(content[j:].lstrip("`"))
            m = _close_code("`" * run).search(content, j + run)
            j = m.end() if m else j + run
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _link_tail_end(content: str, j: int) -> int:
    """``j`` is just past a link's closing ``]``: skip ``(dest "title")`` or ``[ref]``."""
    if j < len(content) and content[j] == "(":
        depth = 0
        k = j
        quote = ""
        while k < len(content):
            ch = content[k]
            if ch == "\\":
                k += 2
                continue
            if quote:
                if ch == quote:
                    quote = ""
            elif ch == "<" and not content[j + 1:k].strip():
                close = content.find(">", k)     # <destination with spaces>
                if close > 0:
                    k = close
            elif ch in "\"'" and content[k - 1].isspace():
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return j
    if j < len(content) and content[j] == "[":
        close = content.find("]", j)
        if close >= 0:
            return close + 1
    return j


def _inline_protected(children, content: str) -> list[tuple[int, int]]:
    """Spans of ``content`` (an inline token's source text) that are markup, found by
    walking markdown-it's inline tokens in order and locating each in the text."""
    out: list[tuple[int, int]] = []
    cur = 0
    in_autolink = False

    def mark(i: int, j: int) -> None:
        if 0 <= i < j:
            out.append((i, j))

    for tok in children:
        t = tok.type
        if in_autolink:
            if t == "link_close":
                in_autolink = False
            continue
        if t == "text":
            c = tok.content
            if c:
                if content.startswith(c, cur):
                    cur += len(c)
                else:
                    i = content.find(c, cur)
                    if i >= 0:
                        cur = i + len(c)
        elif t == "text_special":
            m = tok.markup or tok.content
            i = content.find(m, cur)
            if i >= 0:
                mark(i, i + len(m))
                cur = i + len(m)
        elif t in ("softbreak", "hardbreak"):
            i = content.find("\n", cur)
            if i < 0:
                continue
            if t == "hardbreak" and i > 0 and content[i - 1] == "\\":
                mark(i - 1, i)
            cur = i + 1
            while cur < len(content) and content[cur] in " \t":
                cur += 1
        elif t == "code_inline":
            m = tok.markup or "`"
            i = content.find(m, cur)
            if i < 0:
                continue
            close = _close_code(m).search(content, i + len(m))
            end = close.end() if close else i + len(m)
            mark(i, end)
            cur = end
        elif t == "link_open":
            if tok.markup == "autolink":
                i = content.find("<", cur)
                j = content.find(">", i + 1) if i >= 0 else -1
                if i >= 0 and j > i:
                    mark(i, j + 1)
                    cur = j + 1
                in_autolink = True
            elif tok.markup == "linkify":
                continue
            else:
                i = content.find("[", cur)
                if i >= 0:
                    mark(i, i + 1)
                    cur = i + 1
        elif t == "link_close":
            i = content.find("]", cur)
            if i >= 0:
                end = _link_tail_end(content, i + 1)
                mark(i, end)
                cur = end
        elif t == "image":
            i = content.find("![", cur)
            if i < 0:
                continue
            close = _bracket_end(content, i + 1)
            end = _link_tail_end(content, close) if close > 0 else i + 2
            mark(i, end)
            cur = end
        elif t == "html_inline":
            c = tok.content
            i = content.find(c, cur)
            if i >= 0:
                mark(i, i + len(c))
                cur = i + len(c)
        elif t.endswith(("_open", "_close")) and tok.markup:
            m = tok.markup
            i = content.find(m, cur)
            if i >= 0:
                mark(i, i + len(m))
                cur = i + len(m)
    return out


def _assemble(text: str, blocks, inline, prose) -> list[Region]:
    """MARKUP = blocks + inline markup + every non-newline character outside prose."""
    covered = sorted(blocks + inline + prose)
    out = [Region(a, b, MARKUP) for a, b in blocks + inline if b > a]
    pos = 0
    for a, b in covered + [(len(text), len(text))]:
        if a > pos:
            _structural(text, pos, a, out)
        pos = max(pos, b)
    out.sort(key=lambda r: (r.start, r.end))
    return out


def _structural(text: str, a: int, b: int, out: list[Region]) -> None:
    """Protect a gap between prose pieces, except its line breaks."""
    start = a
    for k in range(a, b):
        if text[k] in "\r\n":
            if k > start:
                out.append(Region(start, k, MARKUP))
            start = k + 1
    if b > start:
        out.append(Region(start, b, MARKUP))
