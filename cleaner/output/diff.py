"""``--format diff`` / ``fix --diff``: a unified diff of the proposed fixes (difflib)."""
from __future__ import annotations

import difflib


def file_diff(path: str, before: str, after: str) -> str:
    if before == after:
        return ""
    name = "stdin" if path == "-" else path
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{name}", tofile=f"b/{name}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def render(reports, **_options) -> str:
    return "".join(file_diff(r.path, r.text, r.fixed if r.fixed is not None else r.text) for r in reports)
