"""reStructuredText: a line-based reader for the parts of a file that are prose.

docutils is not a dependency (it is slow to import and would reformat), so this
reader recognises the constructs that matter with regular expressions and
returns everything that is not prose as :data:`~cleaner.protect.MARKUP`:

* literal blocks (after ``::``), doctest blocks, comments, hyperlink targets and
  directives with their options and bodies — except the bodies of admonitions
  and other prose directives (``note``, ``warning``, ``topic``...), which are prose;
* section adornments, transitions, simple- and grid-table borders and cell bars;
* inline literals, roles, substitution and footnote references, the URL part
  of hyperlink references, emphasis markers, list and field markers.
"""
from __future__ import annotations

import re

from ..protect import MARKUP, Region

_PROSE_DIRECTIVES = frozenset({
    "note", "warning", "tip", "important", "caution", "attention", "danger", "error", "hint",
    "admonition", "topic", "sidebar", "epigraph", "highlights", "pull-quote", "rubric", "seealso",
    "versionadded", "versionchanged", "deprecated", "container", "compound",
})
_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{3,}\s*$")
_TABLE_BORDER = re.compile(r"^\s*(?:\+[-=+]+\+|=+(?:\s+=+)+)\s*$")
_EXPLICIT = re.compile(r"^(\s*)\.\.(?:\s|$)")
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:.+-]+)::")
_FIELD = re.compile(r"^(\s*):[^:\n]+:(?=\s|$)")
_BULLET = re.compile(r"^(\s*)(?:[-*+•‣⁃]|\d+[.)]|#[.)]|\(?[a-zA-Z0-9#]\)|[a-zA-Z][.)]|\|)(?=\s)")
_QUOTED_LITERAL = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_DOCTEST = re.compile(r"^\s*>>>")
_INLINE = re.compile(
    r"``.+?``"                                      # inline literal
    r"|:[\w.+-]+:`[^`]*`"                           # :role:`text`
    r"|`[^`]*`:[\w.+-]+:"                           # `text`:role:
    r"|\|[^|\s](?:[^|]*[^|\s])?\|_{0,2}"            # |substitution|
    r"|\[(?:\d+|#[\w-]*|\*|[\w.-]+)\]_"            # footnote / citation reference
    r"|\s?<[^<>\s][^<>]*>`__?"                      # the <url>`_ of `text <url>`_
    r"|`__?(?!\w)"                                   # closing `_ of `text`_
    r"|(?<![\w`])`(?=[^`\s])"                        # opening backtick of a reference
    r"|(?<=\w)__?(?![\w])"                           # word_ reference marker
    r"|\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"   # emphasis markers
)


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line.rstrip("\r\n"))
        out.append((pos, end))
        pos += len(line)
    return out


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" \t"))


def regions(text: str) -> list[Region]:
    lines = _lines(text)
    out: list[Region] = []
    n = len(lines)

    def body_end(i: int, indent: int) -> int:
        """First line after the indented block that starts after line ``i``."""
        j = i + 1
        last = i
        while j < n:
            s, e = lines[j]
            line = text[s:e]
            if line.strip():
                if _indent(line) <= indent:
                    break
                last = j
            j += 1
        return last + 1

    def protect_lines(a: int, b: int) -> None:
        if a < b:
            out.append(Region(lines[a][0], lines[b - 1][1], MARKUP))

    i = 0
    literal_next = False
    literal_indent = 0
    while i < n:
        s, e = lines[i]
        line = text[s:e]
        if not line.strip():
            i += 1
            continue
        ind = _indent(line)
        if literal_next:
            literal_next = False
            if ind > literal_indent:
                end = body_end(i - 1, literal_indent)
                protect_lines(i, end)
                i = end
                continue
            if ind == literal_indent and line.lstrip()[:1] in _QUOTED_LITERAL:
                end = _para_end(text, lines, i)
                protect_lines(i, end)
                i = end
                continue
        d = _DIRECTIVE.match(line)
        if d:
            name = d.group(2).lower()
            end = body_end(i, ind)
            if name in _PROSE_DIRECTIVES:
                out.append(Region(s, e, MARKUP))
                j = i + 1
                while j < end and _FIELD.match(text[lines[j][0]:lines[j][1]]):
                    out.append(Region(lines[j][0], lines[j][1], MARKUP))
                    j += 1
                i += 1 if j == i + 1 else j - i
                continue
            protect_lines(i, end)
            i = end
            continue
        if _EXPLICIT.match(line):                  # comments, targets, footnotes
            end = body_end(i, ind)
            protect_lines(i, end)
            i = end
            continue
        if _DOCTEST.match(line):
            end = _para_end(text, lines, i)
            protect_lines(i, end)
            i = end
            continue
        if _ADORNMENT.match(line) or _TABLE_BORDER.match(line):
            out.append(Region(s, e, MARKUP))
            i += 1
            continue
        # an ordinary prose line
        m = _BULLET.match(line) or _FIELD.match(line)
        if m:
            out.append(Region(s + len(m.group(1)), s + m.end(), MARKUP))
        stripped = line.rstrip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:   # grid table row
            for k, ch in enumerate(line):
                if ch == "|":
                    out.append(Region(s + k, s + k + 1, MARKUP))
        for m in _INLINE.finditer(text, s, e):
            out.append(Region(m.start(), m.end(), MARKUP))
        if stripped.endswith("::"):
            literal_next = True
            literal_indent = _para_indent(text, lines, i)
            if stripped == "::" or stripped.endswith(" ::"):
                out.append(Region(s + len(stripped) - 2, s + len(stripped), MARKUP))
            else:
                out.append(Region(s + len(stripped) - 1, s + len(stripped), MARKUP))
        i += 1
    out.sort(key=lambda r: (r.start, r.end))
    return out


def _para_end(text: str, lines, i: int) -> int:
    j = i
    while j < len(lines) and text[lines[j][0]:lines[j][1]].strip():
        j += 1
    return j


def _para_indent(text: str, lines, i: int) -> int:
    """Indentation of the paragraph that line ``i`` ends (its first line's)."""
    j = i
    while j > 0 and text[lines[j - 1][0]:lines[j - 1][1]].strip():
        j -= 1
    return _indent(text[lines[j][0]:lines[j][1]])
