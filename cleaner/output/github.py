"""``--format github``: GitHub Actions workflow commands, which the runner turns
into annotations on the pull request's changed lines::

    ::warning file=docs/a.md,line=3,col=5,endLine=3,endColumn=14,title=MT101 glued-words::message
"""
from __future__ import annotations

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(reports, **_options) -> str:
    out: list[str] = []
    for r in reports:
        path = "stdin" if r.path == "-" else r.path
        for f in r.findings:
            line, col = r.line_col(f.span.start)
            end_line, end_col = r.line_col(f.span.end)
            level = _LEVELS.get(f.severity, "warning")
            message = f.message
            if f.fix is not None and f.fix.message:
                message += f" (fix: {f.fix.message})"
            out.append(f"::{level} file={_prop(path)},line={line},col={col},endLine={end_line},"
                       f"endColumn={end_col},title={_prop(f'{f.rule} {f.name}')}::{_data(message)}")
    return "\n".join(out) + ("\n" if out else "")
