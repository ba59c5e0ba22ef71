"""Parsed TOML files, cached across runs (start-up time).

The rule registry reads every ``rules/**/*.toml`` file on each start; parsing
them with :mod:`tomllib` costs a few hundred microseconds each, which adds up
for a pre-commit hook.  :func:`load` keeps the parsed tables in one ``marshal``
file in the user cache directory, keyed by each file's resolved path, size and
modification time, so an unchanged file is never parsed twice.  Tables that
``marshal`` cannot store (TOML dates and times) are simply not cached.  The
cache is written atomically at exit when it changed; ``MTCLEAN_NO_TOML_CACHE=1``
turns it off.  Errors are exactly :mod:`tomllib`'s, because a file that fails
to parse is never cached.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any



def _tomllib():
    """The TOML parser, imported on a cache miss only (start-up time)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib

_FORMAT = 1
_lock = threading.Lock()
_store: dict | None = None
_dirty = False


def _enabled() -> bool:
    return not os.environ.get("MTCLEAN_NO_TOML_CACHE")


def _path() -> str:
    from .paths import cache_dir as _cache_dir

    v = sys.version_info
    return os.path.join(str(_cache_dir()), f"toml-v{_FORMAT}-py{v[0]}{v[1]}.marshal")


def _load_store() -> dict:
    global _store
    if _store is None:
        from .paths import load_marshal_dict

        _store = load_marshal_dict(_path(), _enabled())
    return _store


def loads_file(path: str | Path, text: str | None = None) -> dict[str, Any]:
    """Parse the TOML file at ``path`` (or its already-read ``text``), from the cache
    when the file is unchanged.  Raises ``OSError`` / ``UnicodeDecodeError`` /
    ``tomllib.TOMLDecodeError`` like reading and parsing it would."""
    global _dirty
    if not _enabled():
        return _tomllib().loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
    st = os.stat(path)
    key = os.path.abspath(path)
    stamp = (st.st_size, st.st_mtime_ns)
    with _lock:
        store = _load_store()
        hit = store.get(key)
    import marshal

    if hit is not None and hit[0] == stamp:
        try:
            return marshal.loads(hit[1])     # a fresh copy: callers may mutate it
        except (EOFError, ValueError, TypeError):
            pass
    data = _tomllib().loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return data                      # dates and times: not cached
    with _lock:
        store[key] = (stamp, blob)
        if not _dirty:
            import atexit

            atexit.register(save)
        _dirty = True
    return data


def save() -> None:
    global _dirty
    with _lock:
        if not _dirty or _store is None:
            return
        _dirty = False
        try:
            from .paths import dump_marshal_atomic

            for key in [k for k in _store if not os.path.exists(k)]:
                del _store[key]           # files that are gone (temporary folders, renamed rules)
            dump_marshal_atomic(_path(), _store, ".toml-")
        except (OSError, ValueError):
            pass
