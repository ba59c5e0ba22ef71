"""Output formats.  Each module has ``render(reports, options) -> str``."""
from __future__ import annotations

import importlib

FORMATS = {
    "text": "cleaner.output.text",
    "concise": "cleaner.output.concise",
    "json": "cleaner.output.json_format",
    "json-lines": "cleaner.output.json_lines",
    "sarif": "cleaner.output.sarif",
    "github": "cleaner.output.github",
    "diff": "cleaner.output.diff",
}


def render(fmt: str, reports, **options) -> str:
    return importlib.import_module(FORMATS[fmt]).render(reports, **options)
