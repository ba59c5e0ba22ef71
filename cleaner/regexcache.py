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

The standard library's ``re`` is cached the same way by :func:`compile_std` (its
parser and compiler are pure Python too): the compiled code of a pattern goes to
``_sre.compile`` directly.  Entries are stored as marshalled bytes, unpacked only
when used, so loading a large cache costs a fraction of a millisecond.
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
    return os.path.join(str(_cache_dir()), f"regex-{regex.__version__}-py{v[0]}{v[1]}-v2.marshal")


def _load() -> dict:
    global _store
    if _store is None:
        from .paths import load_marshal_dict

        _store = load_marshal_dict(_path(), not os.environ.get("MTCLEAN_NO_REGEX_CACHE"))
    return _store


def compile(pattern: str, flags: int = 0) -> "regex.Pattern":
    """``regex.compile(pattern, flags)``, from the persistent cache when possible."""
    key = (pattern, int(flags))        # RegexFlag members do not marshal
    data = _get(key)
    if data is not None:
        try:
            from regex import _regex

            return _regex.compile(*data)
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
        _put(key, data)
    return compiled


def compile_std(pattern: str, flags: int = 0) -> "re.Pattern":
    """``re.compile(pattern, flags)`` (the standard library's engine), from the
    persistent cache when possible."""
    import re

    key = ("re", pattern, int(flags))
    data = _get(key)
    if data is not None:
        try:
            import _sre

            return _sre.compile(pattern, *data)
        except Exception:  # a stale or foreign entry: compile afresh
            pass
    if os.environ.get("MTCLEAN_NO_REGEX_CACHE"):
        return re.compile(pattern, flags)
    try:
        # what re._compiler.compile does, keeping the code it passes to _sre.compile
        from re import _compiler, _parser

        p = _parser.parse(pattern, flags)
        code = _compiler._code(p, flags)
        groupindex = p.state.groupdict
        indexgroup = [None] * p.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        code = [int(op) for op in code]            # opcodes are int subclasses that marshal refuses
        data = (int(flags | p.state.flags), code, p.state.groups - 1, dict(groupindex), tuple(indexgroup))
        import _sre

        compiled = _sre.compile(pattern, *data)
    except Exception:  # another Python's internals: the public way, uncached
        return re.compile(pattern, flags)
    _put(key, data)
    return compiled


def _get(key):
    with _lock:
        blob = _load().get(key)
        if blob is None:
            return None
        _used.add(key)
    try:
        import marshal

        return marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None


def _put(key, data) -> None:
    global _dirty
    import marshal

    try:
        blob = marshal.dumps(data)
    except ValueError:
        return
    with _lock:
        _load()[key] = blob
        _used.add(key)
        if not _dirty:
            import atexit

            atexit.register(save)
        _dirty = True


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
