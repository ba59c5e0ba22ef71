"""Readers for document formats: what part of a file is prose.

``regions_for(path, text)`` returns extra protected regions (code blocks, markup,
front matter...) for the file type; plain text has none.  Offsets always refer to
the original file, so findings and fixes map straight back into it.
"""
from __future__ import annotations

import os

from ..protect import Region

#: file extension -> reader module (each has ``regions(text) -> list[Region]``)
READERS = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown", ".mdx": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rst": "rst", ".rest": "rst",
}


def format_of(path: str) -> str:
    """``markdown``, ``html``, ``rst`` or ``text`` for a file path."""
    return READERS.get(os.path.splitext(path)[1].lower(), "text")


def regions_for(path: str, text: str) -> list[Region]:
    fmt = format_of(path)
    if fmt == "text":
        return []
    import importlib

    return importlib.import_module(f"{__name__}.{fmt}").regions(text)
