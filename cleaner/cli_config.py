"""``mtclean config [PATH]``: the settings that apply to PATH and where each came from."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer


def config_cmd(
    path: str = typer.Argument(".", help="A file or folder; its configuration is found from there upward."),
    config: Optional[str] = typer.Option(None, "--config", help="Use this configuration file instead of discovery."),
    select: Optional[List[str]] = typer.Option(None, help="As for `check`: shown with its source."),
    extend_select: Optional[List[str]] = typer.Option(None, help="As for `check`."),
    ignore: Optional[List[str]] = typer.Option(None, help="As for `check`."),
    min_confidence: Optional[float] = typer.Option(None, help="As for `check`."),
    format: str = typer.Option("text", "--format", "-f", help="text or json"),
) -> None:
    """Show the resolved settings for PATH and where each value came from."""
    import json

    from .cli import EXIT_ERROR, _err, _settings_for
    from .config import ConfigError, describe, render_description

    if format not in ("text", "json"):
        _err(f"unknown format {format!r} (allowed: text, json)")
        raise typer.Exit(EXIT_ERROR)
    resolver = _settings_for(select, ignore, extend_select, min_confidence, False, config)
    try:
        d = describe(resolver, path)
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if format == "json":
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_description(d))
