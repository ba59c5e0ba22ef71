"""Loading rules: metadata and examples from ``rules/**/*.toml``, behaviour from
the implementation each file names.

A rule file looks like this (see ``rules/README.md`` for every key)::

    code = "MT101"
    name = "glued-words"
    kind = "glued-words"                 # corpus kind it detects
    impl = "cleaner.rules.glued:GluedWords"
    summary = "Two words run together where a link lost its comma and space"
    fix = "safe"                         # strongest fix: safe | unsafe | display-only | none
    default = true
    explanation = '''...'''

    [options]                            # handed to the implementation
    ...

    [[wrong]]                            # must be flagged; `fixed` = text after the fix
    text = "..."
    fixed = "..."

    [[right]]                            # must stay silent
    text = "..."

``impl`` is ``module:Class`` (a :class:`~cleaner.rules.base.Rule` subclass) or
the name of a data-driven kind registered in :data:`KINDS`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from .paths import rules_dir
from .types import SEVERITIES, Applicability, Example, RuleMeta

#: data-driven rule kinds: name -> "module:factory"; a factory takes (meta, data, path)
KINDS: dict[str, str] = {
    "phrasebook": "cleaner.rules.phrasebook:Phrasebook",
}

#: a *pack* (``name.pack.toml``) is not a rule: it adds ``entries`` to the rule it
#: ``extends`` (built-in calque packs in ``rules/calques/``, or a user's own pack)
PACK_SUFFIX = ".pack.toml"

_CODE_PATTERN = r"^[A-Z]{2,4}[0-9]{3}$"
_KEYS = {"code", "name", "kind", "impl", "summary", "explanation", "fix", "default",
         "severity", "options", "wrong", "right", "entries", "language", "description"}


class RulePackError(Exception):
    """A rule data file is malformed: the message names the file, entry and problem."""


@dataclass(frozen=True)
class LoadedRule:
    meta: RuleMeta
    path: Path
    data: dict[str, Any]

    def instantiate(self):
        impl = self.data["impl"]
        target = KINDS.get(impl, impl)
        module_name, _, attr = target.partition(":")
        try:
            factory: Callable[..., Any] = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise RulePackError(f"{self.path}: rule {self.meta.code}: cannot load impl {impl!r}: {exc}") from None
        return factory(self.meta, self.data.get("options", {}), self.data, self.path)


def _err(path: Path, where: str, problem: str) -> RulePackError:
    return RulePackError(f"{path}: {where}: {problem}")


def _read_toml(path: Path, where: str) -> dict[str, Any]:
    """Parse a rule or pack file (through the start-up cache); errors name the file."""
    from .tomlcache import loads_file   # parsed tables cached across runs (start-up time)

    try:
        return loads_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise _err(path, where, f"cannot read: {exc}") from None
    except ValueError as exc:                # tomllib.TOMLDecodeError (imported only when needed)
        from .tomlcache import _tomllib

        if not isinstance(exc, _tomllib().TOMLDecodeError):
            raise
        raise _err(path, where, f"invalid TOML: {exc}") from None


def parse_rule_file(path: Path) -> LoadedRule:
    import re

    data = _read_toml(path, "file")
    code = data.get("code")
    where = f"rule {code}" if code else "rule"
    if not isinstance(code, str) or not re.match(_CODE_PATTERN, code):
        raise _err(path, where, f"'code' must look like MT101 (got {code!r})")
    unknown = set(data) - _KEYS
    if unknown:
        raise _err(path, where, f"unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(_KEYS))})")
    for key in ("name", "summary", "impl"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _err(path, where, f"'{key}' is required and must be a non-empty string")
    fix_value = data.get("fix", "none")
    try:
        fix = None if fix_value == "none" else Applicability.parse(fix_value)
    except (ValueError, AttributeError):
        raise _err(path, where, f"'fix' must be one of safe, unsafe, display-only, none (got {fix_value!r})") from None
    severity = data.get("severity", "warning")
    if severity not in SEVERITIES:
        raise _err(path, where, f"'severity' must be one of {', '.join(SEVERITIES)} (got {severity!r})")
    examples: list[Example] = []
    for i, ex in enumerate(data.get("wrong", [])):
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
            raise _err(path, f"{where} wrong example #{i + 1}", "needs a 'text' string")
        fixed = ex.get("fixed")
        if fixed is not None and not isinstance(fixed, str):
            raise _err(path, f"{where} wrong example #{i + 1}", "'fixed' must be a string")
        examples.append(Example(ex["text"], True, fixed))
    for i, ex in enumerate(data.get("right", [])):
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
            raise _err(path, f"{where} right example #{i + 1}", "needs a 'text' string")
        examples.append(Example(ex["text"], False, None))
    meta = RuleMeta(
        code=code, name=data["name"], summary=data["summary"].strip(),
        explanation=data.get("explanation", "").strip(), fix=fix,
        default=bool(data.get("default", True)), kind=data.get("kind", "other"),
        severity=severity, examples=tuple(examples), source=str(path),
    )
    return LoadedRule(meta, path, data)


def rule_files(extra: Iterable[Path] = ()) -> list[Path]:
    files = sorted(p for p in rules_dir().rglob("*.toml") if _is_rule_file(p))
    for p in extra:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.toml") if _is_rule_file(q)))
        elif not p.name.endswith(PACK_SUFFIX):
            files.append(p)
    return files


def pack_files(extra: Iterable[Path] = ()) -> list[Path]:
    """Pack files (``*.pack.toml``): built-in ones, then those under/among ``extra``."""
    files = sorted(p for p in rules_dir().rglob("*" + PACK_SUFFIX) if not p.name.startswith("_"))
    for p in extra:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*" + PACK_SUFFIX) if not q.name.startswith("_")))
        elif p.name.endswith(PACK_SUFFIX):
            files.append(p)
    return files


def _is_rule_file(path: Path) -> bool:
    # data files (phrasebooks, vocabularies) live under */data/ and are read by their rule
    return ("data" not in path.parts[-3:-1] and not path.name.startswith("_")
            and not path.name.endswith(PACK_SUFFIX))


@lru_cache(maxsize=8)
def _load(extra: tuple[Path, ...]) -> dict[str, LoadedRule]:
    rules: dict[str, LoadedRule] = {}
    for path in rule_files(extra):
        loaded = parse_rule_file(path)
        code = loaded.meta.code
        if code in rules:
            raise _err(path, f"rule {code}", f"code already defined in {rules[code].path}")
        rules[code] = loaded
    for path in pack_files(extra):
        _attach_pack(rules, path)
    return dict(sorted(rules.items()))


def _attach_pack(rules: dict[str, LoadedRule], path: Path) -> None:
    """Hand a pack's data to the rule it extends (as ``data["packs"]``); the rule's
    implementation validates the entries."""
    data = _read_toml(path, "pack")
    target = data.get("extends")
    if not isinstance(target, str) or target not in rules:
        raise _err(path, "pack", f"'extends' must name a known rule code (got {target!r})")
    loaded = rules[target]
    packs = tuple(loaded.data.get("packs", ())) + ((path, data),)
    rules[target] = LoadedRule(loaded.meta, loaded.path, {**loaded.data, "packs": packs})


def all_rules(extra: Iterable[Path] = ()) -> dict[str, LoadedRule]:
    """Every known rule by code (built-in plus ``extra`` user packs)."""
    return _load(tuple(Path(p) for p in extra))


@lru_cache(maxsize=8)
def _instances(codes: tuple[str, ...], extra: tuple[Path, ...]) -> tuple:
    loaded = _load(extra)
    return tuple(loaded[c].instantiate() for c in codes)


def instantiate(codes: Iterable[str], extra: Iterable[Path] = ()) -> tuple:
    """Rule objects for ``codes`` (cached: rules are stateless between documents)."""
    return _instances(tuple(codes), tuple(Path(p) for p in extra))
