"""A persistent cache of compiled ``regex`` patterns, for start-up time.

The ``regex`` module parses and optimises every pattern in Python, which costs
milliseconds per pattern — hundreds of milliseconds for a rule set with long
phrase alternations, on every run of a pre-commit hook.  A compiled pattern
pickles as the arguments of its C-level constructor (``Pattern._pickled_data``:
the compiled code, group tables and flags), so this module keeps those in a
``marshal`` file in the user cache directory and rebuilds patterns from them
directly: compiling a cached pattern costs microseconds.

The cache is keyed by the ``regex`` version and the Python version, holds only
patterns without named lists, is written atomically at exit when it changed,
and is a pure optimisation: any problem reading or using it falls back to
``regex.compile``.  ``MTCLEAN_CACHE_DIR`` moves it (as for the lexicon);
``MTCLEAN_NO_REGEX_CACHE=1`` turns it off.
"""
from __future__ import annotations

import os
import sys
import threading

import regex

_MAX_ENTRIES = 3000
_lock = threading.Lock()
_store: dict | None = None
_used: set = set()
_dirty = False


def _path() -> str:
    from .paths import cache_dir as _cache_dir

    v = sys.version_info
    return os.path.join(str(_cache_dir()), f"regex-{regex.__version__}-py{v[0]}{v[1]}.marshal")


def _load() -> dict:
    global _store
    if _store is None:
        store: dict = {}
        if not os.environ.get("MTCLEAN_NO_REGEX_CACHE"):
            try:
                import marshal

                with open(_path(), "rb") as fh:
                    data = marshal.load(fh)
                if isinstance(data, dict):
                    store = data
            except (OSError, EOFError, ValueError, TypeError):
                pass
        _store = store
    return _store


def compile(pattern: str, flags: int = 0) -> "regex.Pattern":
    """``regex.compile(pattern, flags)``, from the persistent cache when possible."""
    global _dirty
    key = (pattern, int(flags))        # RegexFlag members do not marshal
    with _lock:
        store = _load()
        data = store.get(key)
    if data is not None:
        try:
            from regex import _regex

            compiled = _regex.compile(*data)
            _used.add(key)
            return compiled
        except Exception:  # a stale or foreign entry: compile afresh
            pass
    compiled = regex.compile(pattern, flags)
    if os.environ.get("MTCLEAN_NO_REGEX_CACHE"):
        return compiled
    try:
        data = compiled._pickled_data
    except AttributeError:  # pragma: no cover - another regex implementation
        return compiled
    data = tuple(int(x) if isinstance(x, int) and type(x) is not int else x for x in data)
    if not data[5]:                                   # no named lists
        with _lock:
            store[key] = data
            _used.add(key)
            if not _dirty:
                import atexit

                atexit.register(save)
            _dirty = True
    return compiled


def save() -> None:
    """Write the cache if it changed (registered with atexit on the first miss)."""
    global _dirty
    with _lock:
        if not _dirty or _store is None:
            return
        _dirty = False
        if len(_store) > _MAX_ENTRIES:            # keep what this run used
            for key in [k for k in _store if k not in _used]:
                del _store[key]
        try:
            from .paths import dump_marshal_atomic

            dump_marshal_atomic(_path(), _store, ".regex-")
        except (OSError, ValueError):
            pass   # read-only cache directory, or an entry marshal cannot write: compile again next time
