"""Run settings: which rules are on, fix safety, confidence floor, extra protection.

Configuration files (``[tool.mtclean]`` / ``.mtclean.toml``) are turned into a
:class:`Settings` by :mod:`cleaner.config`; the engine only ever sees this.
Rule selectors work like ruff's: ``ALL``, a prefix (``MT1``, ``MT10``) or an
exact code (``MT101``); LanguageTool findings are selected as ``LT``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None          # None: the default rule set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    min_confidence: float = 0.0
    extend_rules: tuple[Path, ...] = ()
    accept: frozenset[str] = frozenset()
    protect: tuple[str, ...] = ()                  # extra regexes never edited
    dialect: str = "en-US"
    languagetool: str | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def enabled_codes(self, ignore_extra: Iterable[str] = ()) -> tuple[str, ...]:
        from .registry import all_rules

        rules = all_rules(self.extend_rules)
        if self.select is None:
            chosen = {c for c, r in rules.items() if r.meta.default}
        else:
            chosen = {c for c in rules if _matches(c, self.select)}
        chosen |= {c for c in rules if _matches(c, self.extend_select)}
        ignore = tuple(self.ignore) + tuple(ignore_extra)
        chosen = {c for c in chosen if not _matches(c, ignore) or _more_specific(c, self.select, ignore)}
        return tuple(sorted(chosen))

    def protect_patterns(self):
        from .rules.userregex import compile_user_regex

        return tuple(compile_user_regex(p, where="protect") for p in self.protect)


def _matches(code: str, selectors: Iterable[str] | None) -> bool:
    if not selectors:
        return False
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _more_specific(code: str, select: Iterable[str] | None, ignore: Iterable[str]) -> bool:
    """ruff semantics: a more specific select beats a less specific ignore."""
    best_sel = max((len(s) for s in (select or ()) if s != "ALL" and code.startswith(s)), default=-1)
    best_ign = max((len(s) if s != "ALL" else 0 for s in ignore if s == "ALL" or code.startswith(s)), default=-1)
    return best_sel > best_ign


DEFAULT = Settings()
