"""``--format sarif``: a SARIF 2.1.0 log, as GitHub code scanning and other
static-analysis dashboards read it.

One run; ``tool.driver.rules`` describes every rule that has a finding (name,
summary, explanation, default level); each result carries its rule, level,
message, a region with 1-based line/column in Unicode code points (declared in
``run.columnKind``), the character offsets, a stable partial fingerprint and —
when the finding has a fix — the fix as SARIF ``fixes``.  Paths are given
relative to the working directory (``%SRCROOT%``) when they are inside it.
The output is validated against the official schema in the test suite.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import quote

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mtclean/"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> tuple[str, bool]:
    """(uri, relative to %SRCROOT%)."""
    if path == "-":
        return "stdin", False
    p = Path(path)
    full = p if p.is_absolute() else Path(os.getcwd()) / p
    full = Path(os.path.abspath(full))
    try:
        rel = full.relative_to(Path(os.getcwd()).resolve())
        return quote(rel.as_posix()), True
    except ValueError:
        return full.as_uri(), False


def _region(report, start: int, end: int) -> dict:
    line, col = report.line_col(start)
    end_line, end_col = report.line_col(end)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col,
            "charOffset": start, "charLength": end - start}


def _rule_descriptor(code: str, meta) -> dict:
    d: dict = {"id": code, "name": meta.name if meta else code}
    if meta is not None:
        d["shortDescription"] = {"text": meta.summary}
        if meta.explanation:
            d["fullDescription"] = {"text": _first_paragraph(meta.explanation) or meta.summary}
            d["help"] = {"text": meta.explanation, "markdown": meta.explanation}
        d["defaultConfiguration"] = {"level": _LEVELS.get(meta.severity, "warning"), "enabled": bool(meta.default)}
        d["properties"] = {"fix": meta.fix.label if meta.fix is not None else "none", "kind": meta.kind}
    return d


def _first_paragraph(markdown: str) -> str:
    for para in markdown.strip().split("\n\n"):
        text = " ".join(ln.strip() for ln in para.splitlines() if not ln.lstrip().startswith("#")).strip()
        if text:
            return text
    return ""


def _fingerprint(report, f, seen: dict) -> str:
    line, _ = report.line_col(f.span.start)
    key = f"{f.rule}\0{report.text[f.span.start:f.span.end]}\0{report.line_text(line).strip()}"
    n = seen.get(key, 0)
    seen[key] = n + 1
    return hashlib.sha256(f"{key}\0{n}".encode("utf-8")).hexdigest()[:32]


def build(reports, errors=()) -> dict:
    from .. import __version__

    try:
        from ..registry import all_rules

        metas = {code: r.meta for code, r in all_rules().items()}
    except Exception:  # a broken rule pack must not stop the report
        metas = {}
    rule_index: dict[str, int] = {}
    rules: list[dict] = []
    results: list[dict] = []
    for report in reports:
        uri, relative = _uri(report.path)
        location_base = {"uri": uri}
        if relative:
            location_base["uriBaseId"] = "%SRCROOT%"
        seen: dict = {}
        for f in report.findings:
            if f.rule not in rule_index:
                rule_index[f.rule] = len(rules)
                rules.append(_rule_descriptor(f.rule, metas.get(f.rule)))
            result: dict = {
                "ruleId": f.rule,
                "ruleIndex": rule_index[f.rule],
                "level": _LEVELS.get(f.severity, "warning"),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": dict(location_base),
                    "region": _region(report, f.span.start, f.span.end),
                }}],
                "partialFingerprints": {"mtclean/v1": _fingerprint(report, f, seen)},
                "properties": {"confidence": round(f.confidence, 3), "name": f.name},
            }
            if f.notes:
                result["properties"]["notes"] = list(f.notes)
            if f.fix is not None:
                result["fixes"] = [{
                    "description": {"text": f.fix.message or "apply the fix"},
                    "artifactChanges": [{
                        "artifactLocation": dict(location_base),
                        "replacements": [{
                            "deletedRegion": _region(report, e.span.start, e.span.end),
                            **({"insertedContent": {"text": e.replacement}} if e.replacement else {}),
                        } for e in f.fix.edits],
                    }],
                    "properties": {"applicability": f.fix.applicability.label},
                }]
            results.append(result)
    run: dict = {
        "tool": {"driver": {
            "name": "mtclean",
            "semanticVersion": __version__,
            "version": __version__,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    # files that could not be checked (binary, not UTF-8, missing): a code-scanning
    # service must not show the run as clean
    run["invocations"] = [{
        "executionSuccessful": not errors,
        "toolExecutionNotifications": [{"level": "error", "message": {"text": e}} for e in errors],
    }]
    cwd = Path(os.getcwd()).resolve().as_uri()
    run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": cwd.rstrip("/") + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(reports, errors=(), **_options) -> str:
    return json.dumps(build(reports, errors), ensure_ascii=False, indent=2) + "\n"
