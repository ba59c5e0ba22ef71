"""Where the declarative rule data lives.

In a wheel the top-level ``rules/`` directory is shipped as ``cleaner/_rules``;
in a source checkout (or an editable install) it is read from ``<repo>/rules``.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("mtclean's rule data (rules/) is missing from this installation")


def cache_dir() -> Path:
    """Where mtclean keeps its start-up caches (lexicon, compiled regexes, parsed
    TOML, phrasebook anchors): ``$MTCLEAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtclean``,
    else ``~/.cache/mtclean``."""
    env = os.environ.get("MTCLEAN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mtclean"


def dump_marshal_atomic(path: str, obj: object, prefix: str) -> None:
    """Write ``obj`` with marshal to ``path`` through a temporary file and
    ``os.replace`` (start-up caches: a crash never leaves half a cache).  Raises
    OSError or ValueError like marshal and the file system do."""
    import marshal
    import tempfile

    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(obj, fh)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
