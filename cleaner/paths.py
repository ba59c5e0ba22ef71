"""Where the declarative rule data lives.

In a wheel the top-level ``rules/`` directory is shipped as ``cleaner/_rules``;
in a source checkout (or an editable install) it is read from ``<repo>/rules``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("mtclean's rule data (rules/) is missing from this installation")
