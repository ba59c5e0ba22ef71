"""Turning command-line paths into the files to check."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from .textfile import InputError

#: file types checked when a directory is given
DEFAULT_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".rst")
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}


def expand(paths: Iterable[str], extensions: Iterable[str] = DEFAULT_EXTENSIONS) -> Iterator[str | InputError]:
    """Yield each file to check (as a display path) or an InputError for a bad argument.

    Files named explicitly are always checked, whatever their extension;
    directories are walked for files with ``extensions``, in sorted order."""
    exts = tuple(extensions)
    seen: set[str] = set()

    def first_time(f: str) -> bool:
        # a file named twice (``dir dir/a.txt``, ``a.txt ./a.txt``) is processed once
        key = os.path.normcase(os.path.realpath(f))
        if key in seen:
            return False
        seen.add(key)
        return True

    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for f in sorted(files):
                    if f.lower().endswith(exts) and not f.startswith("."):
                        full = os.path.join(root, f)
                        if first_time(full):
                            yield full
        elif path.exists():
            if first_time(p):
                yield p
        else:
            yield InputError(f"{p}: no such file or directory")
