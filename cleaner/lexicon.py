"""English word frequencies, from the maintained ``wordfreq`` package.

``wordfreq`` takes ~0.2 s to load its table, too slow for a pre-commit hook, so
the first use writes a compact cache (one line per Zipf bucket) to the user
cache directory, keyed by the wordfreq and cache-format versions.  Later runs
load that in a few tens of milliseconds.  Set ``MTCLEAN_CACHE_DIR`` to move it.
"""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

_FORMAT = 2
_MIN_ZIPF = 1.0


def _cache_dir() -> Path:
    env = os.environ.get("MTCLEAN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mtclean"


def _wordfreq_version() -> str:
    from importlib.metadata import version

    return version("wordfreq")


def _build_lines() -> list[str]:
    import math

    import wordfreq

    buckets: dict[int, list[str]] = {}
    for word, freq in wordfreq.get_frequency_dict("en", "large").items():
        if not freq or " " in word:
            continue
        z = int(round(math.log10(freq * 1e9) * 10))
        if z >= _MIN_ZIPF * 10:
            buckets.setdefault(z, []).append(word)
    return [f"{z} {' '.join(ws)}" for z, ws in sorted(buckets.items())]


def _load_table() -> dict[str, float]:
    path = _cache_dir() / f"lexicon-en-v{_FORMAT}-wordfreq{_wordfreq_version()}.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = _build_lines()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home is fine: we just rebuild next time
    table: dict[str, float] = {}
    for line in lines:
        z, _, words = line.partition(" ")
        table.update(dict.fromkeys(words.split(), int(z) / 10))
    return table


class Lexicon:
    """Zipf frequencies of English words (0.0 for unknown words)."""

    def __init__(self, table: dict[str, float] | None = None):
        self._table = table if table is not None else _load_table()

    def zipf(self, word: str) -> float:
        t = self._table
        z = t.get(word)
        if z is None:
            z = t.get(word.lower().replace("’", "'"), 0.0)
        return z

    def __contains__(self, word: str) -> bool:
        return self.zipf(word) > 0.0


@lru_cache(maxsize=1)
def english() -> Lexicon:
    return Lexicon()
