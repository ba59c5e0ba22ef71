"""``--format concise``: one line per finding, ``path:line:col: CODE [*] message``
(``[*]`` marks findings ``mtclean fix`` repairs by default), for editors, grep and
terminals too narrow for the full text output."""
from __future__ import annotations

from ..types import Applicability


def render(reports, *, color: bool = False, **_options) -> str:
    bold, red, green, reset = ("\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[0m") if color else ("",) * 4
    out: list[str] = []
    for r in reports:
        for f in r.findings:
            line, col = r.line_col(f.span.start)
            fixable = f.fix is not None and f.fix.applicability >= Applicability.SAFE
            mark = f" {green}[*]{reset}" if fixable else ""
            out.append(f"{bold}{r.path}:{line}:{col}:{reset} {red}{f.rule}{reset}{mark} {f.message}")
    return "\n".join(out) + ("\n" if out else "")
