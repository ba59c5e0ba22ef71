"""``mtclean eval CORPUS.jsonl...``: score mtclean on annotated corpora.

Exit codes: 0 — scored and every given threshold met; 1 — a threshold not met
(or, with ``--lint``, the corpus breaks a FORMAT.md writing rule); 2 — usage
error or a malformed corpus (the message names the file and line).
"""
from __future__ import annotations

import sys
from typing import List, Optional

import typer


def eval_cmd(
    corpus: List[str] = typer.Argument(..., help="Annotated corpus files (JSON Lines, FORMAT.md)."),
    by: Optional[str] = typer.Option(None, "--by", help="Break the figures down by 'kind' or 'rule'."),
    format: str = typer.Option("text", "--format", "-f", help="Output format: text or json."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="List misses, false findings, bad fixes and quote violations per item."),
    min_detect_f05: Optional[float] = typer.Option(None, help="Fail (exit 1) when detection F0.5 is lower."),
    min_fix_f05: Optional[float] = typer.Option(None, help="Fail when correction F0.5 is lower."),
    min_detect_precision: Optional[float] = typer.Option(None, help="Fail when detection precision is lower."),
    min_detect_recall: Optional[float] = typer.Option(None, help="Fail when detection recall is lower."),
    max_quote_violations: Optional[int] = typer.Option(None, help="Fail when there are more quote violations."),
    max_false_findings: Optional[int] = typer.Option(None, help="Fail when there are more false findings."),
    max_wrong_edits: Optional[int] = typer.Option(None, help="Fail when there are more wrong edits."),
    select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable (replaces the default set)."),
    extend_select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable in addition."),
    ignore: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to disable."),
    config: Optional[str] = typer.Option(None, "--config", help="Use this configuration file (default: the one "
                                         "`mtclean check` would find for the first corpus file)."),
    lint: bool = typer.Option(False, "--lint", help="Only check the corpus against FORMAT.md's writing rules."),
    output_file: Optional[str] = typer.Option(None, "--output-file", "-o", help="Write the report to a file."),
) -> None:
    """Score detection and correction on annotated corpora (FORMAT.md)."""
    from . import gcpause

    gcpause.resume()                # a long run: the collector back on from the start
    from .cli import EXIT_ERROR, EXIT_FINDINGS, _emit, _err, _settings_for
    from .evaluate import (CorpusError, Thresholds, check_thresholds, evaluate, lint_item, load_corpus,
                           render_json, render_text)

    if format not in ("text", "json"):
        _err(f"unknown format {format!r} (allowed: text, json)")
        raise typer.Exit(EXIT_ERROR)
    if by is not None and by not in ("kind", "rule"):
        _err(f"unknown breakdown {by!r} (allowed: kind, rule)")
        raise typer.Exit(EXIT_ERROR)
    try:
        items = load_corpus(corpus)
    except CorpusError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if lint:
        problems = [f"{it.where}: {it.id}: {p}" for it in items for p in lint_item(it)]
        ids = [it.id for it in items]
        problems += [f"duplicate item id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
        _emit("".join(p + "\n" for p in problems) or f"{len(items)} items, no problems\n", output_file)
        raise typer.Exit(EXIT_FINDINGS if problems else 0)
    settings = _settings_for(select, ignore, extend_select, None, False, config)(corpus[0])
    report = evaluate(items, settings=settings)
    failures = check_thresholds(report, Thresholds(
        min_detect_f05=min_detect_f05, min_fix_f05=min_fix_f05, min_detect_p=min_detect_precision,
        min_detect_r=min_detect_recall, max_quote_violations=max_quote_violations,
        max_false_findings=max_false_findings, max_wrong_edits=max_wrong_edits))
    if format == "json":
        out = render_json(report, by, failures)
    else:
        out = render_text(report, by, verbose, failures)
    _emit(out, output_file)
    if failures:
        sys.stderr.write(f"mtclean: eval: {len(failures)} threshold(s) not met\n")
        raise typer.Exit(EXIT_FINDINGS)
