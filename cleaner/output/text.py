"""``--format text`` (default): ``path:line:col: CODE message``, the source line
with a caret under the finding, and the proposed fix."""
from __future__ import annotations

_WINDOW = 60


def _cells(ch: str) -> int:
    """Terminal columns ``ch`` takes: 2 for East Asian wide and full-width
    characters, 0 for combining marks and zero-width characters, else 1."""
    if ch.isascii():
        return 1
    import unicodedata

    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _caret_line(excerpt: str, caret: int, width: int) -> tuple[str, str]:
    """(padding, carets) that put the carets under ``excerpt[caret:caret + width]``
    on a terminal: tabs in the padding are copied (the terminal expands them the
    same way), wide characters count double, combining marks not at all."""
    pad = "".join("\t" if ch == "\t" else " " * _cells(ch) for ch in excerpt[:caret])
    under = excerpt[caret:caret + width]
    n = sum(4 if ch == "\t" else _cells(ch) for ch in under)
    return pad, "^" * max(1, n)


def _excerpt(line: str, col: int, width: int) -> tuple[str, int]:
    """A window of ``line`` around column ``col`` (1-based); returns (text, caret column 0-based)."""
    start = max(0, col - 1 - _WINDOW)
    end = min(len(line), col - 1 + max(width, 1) + _WINDOW)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(line) else ""
    return prefix + line[start:end] + suffix, col - 1 - start + len(prefix)


def render(reports, *, color: bool = False, show_source: bool = True, **_options) -> str:
    bold, red, cyan, green, dim, reset = (("\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[32m", "\x1b[2m", "\x1b[0m")
                                          if color else ("",) * 6)
    out: list[str] = []
    for r in reports:
        for f in r.findings:
            line, col = r.line_col(f.span.start)
            end_line, end_col = r.line_col(f.span.end)
            out.append(f"{bold}{r.path}:{line}:{col}:{reset} {red}{f.rule}{reset} {f.message}")
            if show_source:
                src = r.line_text(line)
                width = (end_col - col) if end_line == line else len(src) - col + 1
                excerpt, caret = _excerpt(src, col, width)
                out.append(f"  {dim}|{reset} {excerpt}")
                pad, carets = _caret_line(excerpt, caret, max(1, min(width, len(excerpt) - caret)))
                out.append(f"  {dim}|{reset} {pad}{cyan}{carets}{reset}")
            if f.fix is not None:
                fixed = _fixed_excerpt(r.text, f)
                out.append(f"  {green}= fix ({f.fix.applicability.label}){reset}: {f.fix.message or 'apply'}"
                           + (f" → {fixed}" if fixed else ""))
            for note in f.notes:
                out.append(f"  {dim}= note: {note}{reset}")
    return "\n".join(out) + ("\n" if out else "")


def _fixed_excerpt(text: str, f) -> str:
    from ..fixer import apply_edits

    s = max(0, f.fix.span.start - 25)
    e = min(len(text), f.fix.span.end + 25)
    shifted = [type(ed)(type(ed.span)(ed.span.start - s, ed.span.end - s), ed.replacement) for ed in f.fix.edits]
    snippet = apply_edits(text[s:e], shifted).replace("\n", " ")
    return ("…" if s else "") + snippet + ("…" if e < len(text) else "")
