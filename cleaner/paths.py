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


def write_cache_atomic(path: str, blob: bytes, prefix: str) -> None:
    """Write a start-up cache file through a temporary file and ``os.replace``
    (a crash never leaves half a cache).  Raises OSError like the file system."""
    import tempfile

    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def prune_cache(folder: str, prefix: str, suffix: str, limit: int) -> None:
    """Keep a cache folder small: its files are content-addressed, so every change to
    the rule data or to mtclean adds new ones.  Past ``limit`` files named
    ``prefix*suffix`` the older half goes (a removed file that is still in use is
    simply built again, once)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(suffix)]
    except OSError:
        return
    if len(names) <= limit:
        return
    paths = []
    for n in names:
        try:
            paths.append((os.stat(os.path.join(folder, n)).st_mtime_ns, os.path.join(folder, n)))
        except OSError:
            pass
    paths.sort()
    for _mtime, p in paths[: len(paths) // 2]:
        try:
            os.unlink(p)
        except OSError:
            pass


def dump_marshal_atomic(path: str, obj: object, prefix: str) -> None:
    """``obj`` with marshal, written by :func:`write_cache_atomic`.  Raises OSError
    or ValueError like marshal and the file system do."""
    import marshal

    write_cache_atomic(path, marshal.dumps(obj), prefix)


def load_marshal_dict(path: str, enabled: bool = True) -> dict:
    """The dict a start-up cache file holds; an empty one when ``enabled`` is false
    or the file is missing, unreadable or not a marshalled dict (caches are only
    an optimisation)."""
    if not enabled:
        return {}
    try:
        import marshal

        with open(path, "rb") as fh:
            data = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}
