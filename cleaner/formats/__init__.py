"""Readers for document formats: what part of a file is prose.

``regions_for(path, text)`` returns extra protected regions (code blocks, markup,
front matter...) for the file type; plain text has none.  Offsets always refer to
the original file, so findings and fixes map straight back into it.
"""
from __future__ import annotations

from ..protect import Region


def regions_for(path: str, text: str) -> list[Region]:
    return []
