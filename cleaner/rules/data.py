"""Read the shared vocabularies in ``rules/data/`` (cached)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..paths import rules_dir


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    from ..tomlcache import loads_file   # parsed tables cached across runs (start-up time)

    return loads_file(rules_dir() / "data" / f"{name}.toml")


@lru_cache(maxsize=None)
def word_set(name: str, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in load(name)[key])
