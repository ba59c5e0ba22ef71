"""HTML: only text nodes are prose.

Parsed with the standard library's :class:`html.parser.HTMLParser`, which
reports the source position of every tag, comment and text node.  Every byte
that is not a text node is a :data:`~cleaner.protect.MARKUP` region: tags and
their attributes, comments, doctype and processing instructions, entity and
character references (left exactly as written), and the whole content of
elements that are not prose — ``script``, ``style``, ``code``, ``pre``,
``kbd``, ``samp``, ``tt``, ``var``, ``textarea``, ``template``, ``svg``,
``math``.  Fixes land only in text nodes, so the rest of the file is written
back byte for byte.
"""
from __future__ import annotations

from ..protect import MARKUP, Region

#: elements whose whole content is never checked
SKIP_ELEMENTS = frozenset({"script", "style", "code", "pre", "kbd", "samp", "tt", "var", "textarea",
                           "template", "svg", "math", "noscript", "iframe", "object"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


def _line_starts(text: str) -> list[int]:
    from ..document import LineIndex

    return LineIndex(text).starts


def text_nodes(text: str) -> list[tuple[int, int]]:
    """(start, end) of every prose text node, in source order."""
    from html.parser import HTMLParser

    starts = _line_starts(text)
    nodes: list[tuple[int, int]] = []

    class _Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.skip: list[str] = []

        def _offset(self) -> int:
            line, col = self.getpos()
            return starts[line - 1] + col

        def handle_starttag(self, tag, attrs):
            if tag in SKIP_ELEMENTS and not self.get_starttag_text().rstrip().endswith("/>"):
                self.skip.append(tag)

        def handle_endtag(self, tag):
            if tag in self.skip:
                while self.skip:
                    if self.skip.pop() == tag:
                        break

        def handle_data(self, data):
            if not self.skip and data:
                start = self._offset()
                nodes.append((start, start + len(data)))

    parser = _Parser()
    parser.feed(text)
    parser.close()
    return nodes


def regions(text: str) -> list[Region]:
    """MARKUP regions of an HTML document: everything outside prose text nodes."""
    out: list[Region] = []
    pos = 0
    for start, end in text_nodes(text):
        if start < pos:         # never overlap (defensive: the parser reports in order)
            start = pos
        if start > pos:
            out.append(Region(pos, start, MARKUP))
        pos = max(pos, end)
    if pos < len(text):
        out.append(Region(pos, len(text), MARKUP))
    return out
