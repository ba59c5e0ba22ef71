"""``--format json``: the stable contract other tools (score.py, editors) rely on.

An array; each finding is::

    {"path", "rule", "name", "message", "severity", "confidence",
     "line", "column", "end_line", "end_column",      # 1-based, code points
     "offset", "end_offset",                          # 0-based code points
     "fix": null | {"applicability", "message",
                    "edits": [{"offset", "end_offset", "replacement"}]}}
"""
from __future__ import annotations

import json


def finding_dict(report, f) -> dict:
    line, col = report.line_col(f.span.start)
    end_line, end_col = report.line_col(f.span.end)
    fix = None
    if f.fix is not None:
        fix = {
            "applicability": f.fix.applicability.label,
            "message": f.fix.message,
            "edits": [{"offset": e.span.start, "end_offset": e.span.end, "replacement": e.replacement}
                      for e in f.fix.edits],
        }
    d = {
        "path": report.path, "rule": f.rule, "name": f.name, "message": f.message,
        "severity": f.severity, "confidence": round(f.confidence, 3),
        "line": line, "column": col, "end_line": end_line, "end_column": end_col,
        "offset": f.span.start, "end_offset": f.span.end, "fix": fix,
    }
    if f.notes:
        d["notes"] = list(f.notes)
    return d


def render(reports, **_options) -> str:
    items = [finding_dict(r, f) for r in reports for f in r.findings]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
