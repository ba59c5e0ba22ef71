"""English word frequencies, from the maintained ``wordfreq`` package.

``wordfreq`` takes ~0.2 s to load its table, too slow for a pre-commit hook, so
the first use writes a cache to the user cache directory, keyed by the wordfreq
and cache-format versions: an open-addressing hash table (CRC-32, linear
probing) that later runs ``mmap`` and query in place.  Opening it costs well
under a millisecond whatever the vocabulary size, and a lookup touches one or
two slots, so nothing is parsed at start-up.  Set ``MTCLEAN_CACHE_DIR`` to move it.

Cache layout (native byte order; the cache never leaves the machine)::

    b"MTLX" | u32 format | u32 n_slots (a power of two) | u32 n_words
    u32 slot[n_slots]            # 0 = empty, else the file offset of an entry
    entry: u8 zipf*10 | u8 len | utf-8 bytes
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zlib import crc32 as _crc32
from .paths import cache_dir as _cache_dir

_FORMAT = 3
_MIN_ZIPF = 1.0
_MAGIC = b"MTLX"
_HEADER = 16




def _wordfreq_version() -> str:
    # importlib.metadata costs ~30 ms to import: look for the dist-info folder first
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob("wordfreq-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len("wordfreq-"):-len(".dist-info")]
    from importlib.metadata import version

    return version("wordfreq")


def _build_entries() -> dict[str, int]:
    """word -> Zipf frequency * 10 (rounded), for words at or above _MIN_ZIPF."""
    import math

    import wordfreq

    out: dict[str, int] = {}
    for word, freq in wordfreq.get_frequency_dict("en", "large").items():
        if not freq or " " in word:
            continue
        z = int(round(math.log10(freq * 1e9) * 10))
        if z >= _MIN_ZIPF * 10 and len(word.encode("utf-8")) < 256:
            out[word] = min(z, 255)
    return out


def build_table(entries: dict[str, int]) -> bytes:
    """Serialise ``entries`` (word -> Zipf*10) in the cache layout."""
    import struct
    from array import array

    n_slots = 1
    while n_slots < 2 * len(entries) + 2:
        n_slots *= 2
    mask = n_slots - 1
    slots = array("I", bytes(4 * n_slots))
    blob = bytearray()
    base = _HEADER + 4 * n_slots
    for word, z in entries.items():
        data = word.encode("utf-8")
        i = _crc32(data) & mask
        while slots[i]:
            i = (i + 1) & mask
        slots[i] = base + len(blob)
        blob += bytes((z, len(data))) + data
    return struct.pack("=4sIII", _MAGIC, _FORMAT, n_slots, len(entries)) + slots.tobytes() + bytes(blob)


class MappedTable:
    """A read-only word -> Zipf mapping over a memory-mapped cache file (or bytes)."""

    def __init__(self, data) -> None:
        import struct

        magic, fmt, n_slots, n_words = struct.unpack_from("=4sIII", data, 0)
        if magic != _MAGIC or fmt != _FORMAT or len(data) < _HEADER + 4 * n_slots:
            raise ValueError("not an mtclean lexicon cache of this format")
        self._data = data
        self._slots = memoryview(data)[_HEADER:_HEADER + 4 * n_slots].cast("I")
        self._mask = n_slots - 1
        self._len = n_words

    def get(self, word: str, default=None):
        try:
            b = word.encode("utf-8")
        except UnicodeEncodeError:
            return default
        n = len(b)
        data, slots, mask = self._data, self._slots, self._mask
        i = _crc32(b) & mask
        while True:
            off = slots[i]
            if not off:
                return default
            if data[off + 1] == n and data[off + 2:off + 2 + n] == b:
                return data[off] / 10
            i = (i + 1) & mask

    def __getitem__(self, word: str) -> float:
        z = self.get(word)
        if z is None:
            raise KeyError(word)
        return z

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __len__(self) -> int:
        return self._len


def _open_mapped(path: Path) -> MappedTable:
    import mmap

    with open(path, "rb") as fh:
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    return MappedTable(mm)


def _load_table() -> MappedTable:
    path = _cache_dir() / f"lexicon-en-v{_FORMAT}-wordfreq{_wordfreq_version()}.bin"
    try:
        return _open_mapped(path)
    except (OSError, ValueError):
        pass
    data = build_table(_build_entries())
    try:
        from .paths import write_cache_atomic

        write_cache_atomic(str(path), data, ".lexicon-")
        return _open_mapped(path)
    except (OSError, ValueError):
        return MappedTable(data)  # a read-only home is fine: we just rebuild next time


class Lexicon:
    """Zipf frequencies of English words (0.0 for unknown words)."""

    #: memoised lookups kept per process (words follow Zipf's law: a small memo catches most)
    MEMO_SIZE = 50_000

    def __init__(self, table: "dict[str, float] | MappedTable | None" = None):
        self._table = table if table is not None else _load_table()
        self._memo: dict[str, float] = {}

    def zipf(self, word: str) -> float:
        z = self._memo.get(word)
        if z is not None:
            return z
        t = self._table
        z = t.get(word)
        if z is None:
            z = t.get(word.lower().replace("’", "'"), 0.0)
        memo = self._memo
        if len(memo) >= self.MEMO_SIZE:
            memo.clear()
        memo[word] = z
        return z

    def __contains__(self, word: str) -> bool:
        return self.zipf(word) > 0.0


@lru_cache(maxsize=1)
def english() -> Lexicon:
    return Lexicon()
