"""Parsed built-in phrasebook packs, cached across runs (start-up time).

Validating a pack's entries — building each entry's regex source, checking its
keys, finding its anchor words — costs about 0.1 ms per entry: a tenth of a
second for the built-in phrasebooks, on every run of a pre-commit hook.  The
result does not change until the pack or the code that reads it changes, so
:func:`cached` keeps each parsed pack as a pickle in ``<cache dir>/packs/``,
named by a hash of everything it was built from: the pack's path, its parsed
TOML data, and the size and modification time of the modules that define the
data model (this file, ``rules/phrasebook.py``, ``rules/phrasebook_anchors.py``
for anchors and tries, ``rules/userregex.py``, ``types.py``) — a changed pack or
a new mtclean misses the cache and builds afresh.  Patterns are pickled as their
source and compiled on first use, as usual.

Only built-in packs are cached (user packs are validated eagerly on every run,
so their errors are reported where they are).  The cache is a pure optimisation:
any problem reading or writing it falls back to building the pack.
``MTCLEAN_CACHE_DIR`` moves it; ``MTCLEAN_NO_PACK_CACHE=1`` turns it off.
"""
from __future__ import annotations

import os
from typing import Any, Callable, TypeVar

T = TypeVar("T")
_FORMAT = 1
_MAX_FILES = 400
_stamp: tuple | None = None


def _code_stamp() -> tuple:
    """Size and mtime of the modules whose classes a cached pack holds."""
    global _stamp
    if _stamp is None:
        here = os.path.dirname(os.path.abspath(__file__))
        parts: list = [_FORMAT]
        for rel in ("packcache.py", "types.py", os.path.join("rules", "phrasebook.py"),
                    os.path.join("rules", "phrasebook_anchors.py"), os.path.join("rules", "userregex.py")):
            try:
                st = os.stat(os.path.join(here, rel))
                parts.append((rel, st.st_size, st.st_mtime_ns))
            except OSError:
                parts.append((rel, None))
        _stamp = tuple(parts)
    return _stamp


def _key(ident: tuple, data: Any) -> str | None:
    import marshal
    import sys

    try:
        from _blake2 import blake2b     # what hashlib.blake2b is, without loading OpenSSL (3 ms)
    except ImportError:                 # pragma: no cover - a Python built without it
        from hashlib import blake2b

    try:
        blob = marshal.dumps((ident, data, _code_stamp(), sys.version_info[:2]))
    except ValueError:          # TOML dates and times: not cached
        return None
    return blake2b(blob, digest_size=16).hexdigest()


def cached(ident: tuple, data: Any, build: Callable[[], T]) -> T:
    """``build()``, or the object it built last time from the same ``ident`` and
    ``data`` (both marshal-able, e.g. a path and a parsed TOML table)."""
    if os.environ.get("MTCLEAN_NO_PACK_CACHE"):
        return build()
    key = _key(ident, data)
    if key is None:
        return build()
    import pickle

    from .paths import cache_dir

    path = os.path.join(str(cache_dir()), "packs", f"{key}.pickle")
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:           # missing, truncated, written by other code: build it
        pass
    obj = build()
    try:
        from .paths import prune_cache, write_cache_atomic

        write_cache_atomic(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), ".pack-")
        prune_cache(os.path.dirname(path), "", ".pickle", _MAX_FILES)
    except Exception:           # unpicklable (never for built-in packs) or read-only cache
        pass
    return obj
