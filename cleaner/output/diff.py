"""``--format diff`` / ``fix --diff``: a unified diff of the proposed fixes (difflib)."""
from __future__ import annotations

import difflib


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` and ``git apply`` see them: cut after each ``\n`` only (a
    lone ``\r``, form feed or U+2028 stays inside its line, as in the reports'
    line numbers)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def file_diff(path: str, before: str, after: str, bom: str = "") -> str:
    """A unified diff from ``before`` to ``after``; ``bom``: the byte-order mark the
    file starts with (as text, ``"\ufeff"``), so that the first line of the diff is
    the file's first line byte for byte and the diff applies."""
    if before == after:
        return ""
    name = "stdin" if path == "-" else path
    lines = difflib.unified_diff(_lines(bom + before), _lines(bom + after),
                                 fromfile=f"a/{name}", tofile=f"b/{name}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def render(reports, **_options) -> str:
    return "".join(file_diff(r.path, r.text, r.fixed if r.fixed is not None else r.text, r.bom) for r in reports)
