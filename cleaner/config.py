"""Configuration files: ``[tool.mtclean]`` in ``pyproject.toml`` or ``.mtclean.toml``.

For each file checked, the nearest configuration is found by walking up from
the file's directory: in each directory ``.mtclean.toml`` (or ``mtclean.toml``)
wins over a ``pyproject.toml`` that has a ``[tool.mtclean]`` table; a
``pyproject.toml`` without one is skipped.  ``--config PATH`` uses one file for
everything.  Paths in a configuration file (``accept``, ``extend-rules``, globs)
are relative to the directory that holds it.

Every key is validated; a mistake is a :class:`ConfigError` whose message names
the file, the key, what is allowed and — for a typo — the closest valid name.
The CLI turns it into exit code 2.

Keys (``.mtclean.toml`` has them at the top level)::

    select = ["MT1", "MT2"]          # rule codes or prefixes; "ALL"; default: the default set
    extend-select = ["MT301"]
    ignore = ["MT102"]
    per-file-ignores = { "docs/legal/*" = ["MT3"] }
    unsafe-fixes = false
    min-confidence = 0.8
    exclude = ["vendor/**"]          # replaces the default excludes (none)
    extend-exclude = ["drafts/*"]
    extend-rules = ["house-rules/"]  # user rule packs: folders or .toml rule files
    accept = ["vocab.txt"]           # vocabulary files: one word per line, '#' comments
    protect = ['\\bACME-\\d+\\b']     # extra regexes whose matches are never edited
    dialect = "en-US"                # or "en-GB"
    languagetool = "http://localhost:8081"
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .settings import Settings

CONFIG_NAMES = (".mtclean.toml", "mtclean.toml")
DIALECTS = ("en-US", "en-GB")

#: key -> (human description of allowed values)
KEYS: dict[str, str] = {
    "select": "a list of rule codes or prefixes (e.g. [\"MT1\", \"MT201\"]) or \"ALL\"",
    "extend-select": "a list of rule codes or prefixes",
    "ignore": "a list of rule codes or prefixes",
    "per-file-ignores": "a table of glob = [rule codes]",
    "unsafe-fixes": "true or false",
    "min-confidence": "a number from 0 to 1",
    "exclude": "a list of glob patterns",
    "extend-exclude": "a list of glob patterns",
    "extend-rules": "a list of paths to rule packs (folders or .toml rule files)",
    "accept": "a list of paths to vocabulary files (one word per line, '#' comments)",
    "protect": "a list of regular expressions",
    "dialect": " or ".join(f'"{d}"' for d in DIALECTS),
    "languagetool": 'a LanguageTool server URL such as "http://localhost:8081", "local" or "off"',
}


class ConfigError(Exception):
    """A configuration mistake; the message names the file, the key and what is allowed."""


@dataclass
class ConfigFile:
    """One configuration file, validated."""

    path: Path                       # the file
    root: Path                       # the folder that relative paths and globs are resolved against
    table: dict[str, Any]            # the raw [tool.mtclean] table (or whole .mtclean.toml)
    settings: Settings               # the file's settings (before command-line overrides)
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.path} [tool.mtclean]" if self.path.name == "pyproject.toml" else str(self.path)


@dataclass
class Overrides:
    """Settings given on the command line; ``None`` means "not given"."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_confidence: float | None = None
    unsafe_fixes: bool | None = None
    languagetool: str | None = None
    dialect: str | None = None
    extend_exclude: tuple[str, ...] = ()

    def given(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.select is not None:
            out["select"] = self.select
        if self.extend_select:
            out["extend-select"] = self.extend_select
        if self.ignore:
            out["ignore"] = self.ignore
        if self.min_confidence is not None:
            out["min-confidence"] = self.min_confidence
        if self.unsafe_fixes:
            out["unsafe-fixes"] = True
        if self.languagetool is not None:
            out["languagetool"] = self.languagetool
        if self.dialect is not None:
            out["dialect"] = self.dialect
        if self.extend_exclude:
            out["extend-exclude"] = self.extend_exclude
        return out


# -- reading and validating ------------------------------------------------------

def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _where(path: Path, key: str) -> str:
    table = "[tool.mtclean] " if path.name == "pyproject.toml" else ""
    return f"{path}: {table}key {key!r}"


def _str_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{_where(path, key)}: expected {KEYS.get(key, 'a list of strings')}, got {value!r}")
    return tuple(value)


def _codes(path: Path | None, key: str, values: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """Upper-cased rule selectors, each checked against the known rules."""
    known = list(known)
    out = []
    for raw in values:
        code = raw.strip().upper()
        if not code:
            continue
        if code == "ALL" or code.startswith("LT") or any(k.startswith(code) for k in known):
            out.append(code)
            continue
        where = _where(path, key) if path else f"--{key}"
        raise ConfigError(f"{where}: unknown rule code or prefix {raw!r}{_suggest(code, known)} "
                          f"(allowed: ALL, LT, a prefix or code of: {', '.join(known)})")
    return tuple(out)


def check_dialect(value: Any, where: str) -> str:
    if isinstance(value, str):
        for d in DIALECTS:
            if value.replace("_", "-").lower() == d.lower():
                return d
    raise ConfigError(f"{where}: unknown dialect {value!r} (allowed: {KEYS['dialect']})"
                      + (_suggest(value, DIALECTS) if isinstance(value, str) else ""))


def check_languagetool(value: Any, where: str) -> str:
    if isinstance(value, str):
        v = value.strip()
        if v in ("local", "off") or (v.startswith(("http://", "https://")) and len(v) > len("https://")):
            return v.rstrip("/")
    raise ConfigError(f"{where}: expected {KEYS['languagetool']}, got {value!r}")


def check_confidence(value: Any, where: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 <= float(value) <= 1.0:
        return float(value)
    raise ConfigError(f"{where}: expected {KEYS['min-confidence']}, got {value!r}")


def read_vocabulary(path: Path) -> list[str]:
    """Words of a vocabulary file: one per line; blank lines and ``#`` comments ignored."""
    words = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                words.append(line)
    return words


def _load_toml(path: Path) -> dict[str, Any]:
    from .tomlcache import _tomllib, loads_file   # parsed tables cached across runs (start-up time)

    try:
        return loads_file(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise ConfigError(f"{path}: cannot read: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        if isinstance(exc, _tomllib().TOMLDecodeError):
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        raise


def table_of(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The mtclean table of a parsed file (None: a pyproject.toml without one)."""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("mtclean") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.mtclean] must be a table")
        return table
    if isinstance(data.get("tool"), dict) and "mtclean" in data["tool"] and len(data) == 1:
        return data["tool"]["mtclean"]       # a .mtclean.toml written like a pyproject
    return data


def parse_config(path: Path, table: dict[str, Any]) -> ConfigFile:
    """Validate ``table`` (read from ``path``) into a :class:`ConfigFile`."""
    from .registry import RulePackError, all_rules

    root = path.parent.resolve()
    for key in table:
        if key not in KEYS:
            hint = _suggest(key, KEYS) or _suggest(key.replace("_", "-"), KEYS)
            raise ConfigError(f"{_where(path, key)}: unknown key{hint} (allowed: {', '.join(KEYS)})")
    kw: dict[str, Any] = {}

    extend_rules: tuple[Path, ...] = ()
    if "extend-rules" in table:
        paths = []
        for p in _str_list(path, "extend-rules", table["extend-rules"]):
            full = (root / p).resolve()
            if not full.exists():
                raise ConfigError(f"{_where(path, 'extend-rules')}: {p!r} does not exist (looked in {full})")
            paths.append(full)
        extend_rules = tuple(paths)
        kw["extend_rules"] = extend_rules
    try:
        known = list(all_rules(extend_rules))
    except RulePackError as exc:
        raise ConfigError(f"{_where(path, 'extend-rules')}: {exc}") from None

    if "select" in table:
        kw["select"] = _codes(path, "select", _str_list(path, "select", table["select"]), known)
    if "extend-select" in table:
        kw["extend_select"] = _codes(path, "extend-select", _str_list(path, "extend-select", table["extend-select"]), known)
    if "ignore" in table:
        kw["ignore"] = _codes(path, "ignore", _str_list(path, "ignore", table["ignore"]), known)
    pfi: list[tuple[str, tuple[str, ...]]] = []
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path, 'per-file-ignores')}: expected {KEYS['per-file-ignores']}, got {value!r}")
        for glob, codes in value.items():
            pfi.append((glob, _codes(path, "per-file-ignores", _str_list(path, "per-file-ignores", codes), known)))
        kw["per_file_ignores"] = tuple(pfi)
    if "unsafe-fixes" in table:
        if not isinstance(table["unsafe-fixes"], bool):
            raise ConfigError(f"{_where(path, 'unsafe-fixes')}: expected true or false, got {table['unsafe-fixes']!r}")
        kw["unsafe_fixes"] = table["unsafe-fixes"]
    if "min-confidence" in table:
        kw["min_confidence"] = check_confidence(table["min-confidence"], _where(path, "min-confidence"))
    exclude: list[str] = []
    for key in ("exclude", "extend-exclude"):
        if key in table:
            exclude.extend(_str_list(path, key, table[key]))
    if "accept" in table:
        words: set[str] = set()
        for p in _str_list(path, "accept", table["accept"]):
            full = (root / p)
            try:
                words.update(read_vocabulary(full))
            except OSError as exc:
                raise ConfigError(f"{_where(path, 'accept')}: cannot read vocabulary file {p!r} "
                                  f"({full}): {exc.strerror or exc}") from None
            except UnicodeDecodeError:
                raise ConfigError(f"{_where(path, 'accept')}: vocabulary file {p!r} is not UTF-8") from None
        kw["accept"] = frozenset(words)
    if "protect" in table:
        from .rules.userregex import UserRegexError, compile_user_regex

        pats = _str_list(path, "protect", table["protect"])
        for p in pats:
            try:
                compile_user_regex(p, where="protect")
            except UserRegexError as exc:
                raise ConfigError(f"{_where(path, 'protect')}: {exc}") from None
        kw["protect"] = pats
    if "dialect" in table:
        kw["dialect"] = check_dialect(table["dialect"], _where(path, "dialect"))
    if "languagetool" in table:
        kw["languagetool"] = check_languagetool(table["languagetool"], _where(path, "languagetool"))
    settings = Settings(**kw)
    return ConfigFile(path=path, root=root, table=table, settings=settings,
                      exclude=tuple(exclude), per_file_ignores=tuple(pfi))


def load_config(path: str | Path) -> ConfigFile:
    """Read and validate one configuration file (``--config PATH``)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    data = _load_toml(path)
    table = table_of(path, data)
    if table is None:
        raise ConfigError(f"{path}: has no [tool.mtclean] table")
    return parse_config(path, table)


# -- discovery --------------------------------------------------------------------

class Resolver:
    """Finds and caches the configuration of each directory, and gives the
    :class:`Settings` of each file (configuration + command-line overrides)."""

    def __init__(self, overrides: Overrides | None = None, config_path: str | Path | None = None,
                 cwd: str | Path | None = None):
        self.overrides = overrides or Overrides()
        self.cwd = Path(cwd or os.getcwd()).resolve()
        self.fixed: ConfigFile | None = load_config(config_path) if config_path else None
        self._dirs: dict[Path, ConfigFile | None] = {}
        self._settings: dict[tuple[Path | None, tuple[str, ...]], Settings] = {}
        self._validated_overrides = False

    # the configuration that governs a path
    def config_for(self, path: str | Path) -> ConfigFile | None:
        if self.fixed is not None:
            return self.fixed
        p = Path(path)
        if str(p) == "-":
            d = self.cwd
        else:
            full = p if p.is_absolute() else self.cwd / p
            d = full if full.is_dir() else full.parent
        return self._find(Path(os.path.abspath(d)))

    def _find(self, d: Path) -> ConfigFile | None:
        if d in self._dirs:
            return self._dirs[d]
        found: ConfigFile | None = None
        located = False
        for name in CONFIG_NAMES + ("pyproject.toml",):
            candidate = d / name
            if candidate.is_file():
                data = _load_toml(candidate)
                table = table_of(candidate, data)
                if table is None:
                    continue
                found = parse_config(candidate, table)
                located = True
                break
        if not located:
            parent = d.parent
            found = self._find(parent) if parent != d else None
        self._dirs[d] = found
        return found

    def _check_overrides(self, extend_rules: tuple[Path, ...]) -> None:
        from .registry import RulePackError, all_rules

        o = self.overrides
        try:
            known = list(all_rules(extend_rules))
        except RulePackError as exc:
            raise ConfigError(str(exc)) from None
        if o.select is not None:
            o.select = _codes(None, "select", o.select, known)
        o.extend_select = _codes(None, "extend-select", o.extend_select, known)
        o.ignore = _codes(None, "ignore", o.ignore, known)
        if o.min_confidence is not None:
            o.min_confidence = check_confidence(o.min_confidence, "--min-confidence")
        if o.dialect is not None:
            o.dialect = check_dialect(o.dialect, "--dialect")
        if o.languagetool is not None:
            o.languagetool = check_languagetool(o.languagetool, "--languagetool")

    def base_settings(self, cfg: ConfigFile | None) -> Settings:
        """A configuration's settings with the command-line overrides applied."""
        s = cfg.settings if cfg else Settings()
        if not self._validated_overrides:
            self._check_overrides(s.extend_rules)
            self._validated_overrides = True
        o = self.overrides
        kw: dict[str, Any] = {}
        if o.select is not None:
            kw["select"] = o.select
        if o.extend_select:
            kw["extend_select"] = tuple(s.extend_select) + o.extend_select
        if o.ignore:
            kw["ignore"] = tuple(s.ignore) + o.ignore
        if o.min_confidence is not None:
            kw["min_confidence"] = o.min_confidence
        if o.unsafe_fixes:
            kw["unsafe_fixes"] = True
        if o.languagetool is not None:
            kw["languagetool"] = o.languagetool
        if o.dialect is not None:
            kw["dialect"] = o.dialect
        return replace(s, **kw) if kw else s

    def settings_for(self, path: str) -> Settings:
        """The :class:`Settings` for one file (per-file-ignores folded in)."""
        cfg = self.config_for(path)
        matched: tuple[str, ...] = ()
        if cfg is not None and cfg.per_file_ignores and path != "-":
            rel = _relative(path, cfg.root, self.cwd)
            for glob, codes in cfg.per_file_ignores:
                if rel is not None and match_glob(glob, rel):
                    matched += codes
        key = (cfg.path if cfg else None, matched)
        cached = self._settings.get(key)
        if cached is not None:
            return cached
        s = self.base_settings(cfg)
        if matched:
            s = replace(s, ignore=tuple(s.ignore) + _exact_codes(matched, s.extend_rules))
        self._settings[key] = s
        return s

    __call__ = settings_for

    def is_excluded(self, path: str) -> bool:
        cfg = self.config_for(path)
        patterns = (cfg.exclude if cfg else ()) + self.overrides.extend_exclude
        if not patterns or path == "-":
            return False
        root = cfg.root if cfg else self.cwd
        rel = _relative(path, root, self.cwd)
        if rel is None:
            return False
        return any(match_glob(p, rel) for p in patterns)

    def filter(self, paths: Iterable, explicit: Iterable[str], force_exclude: bool = False) -> Iterator:
        """Drop excluded files from ``paths`` (as produced by :func:`cleaner.sources.expand`).
        Files named explicitly are kept unless ``force_exclude``, like ruff."""
        explicit = {os.path.normpath(p) for p in explicit}
        for p in paths:
            if isinstance(p, str) and p != "-":
                if (force_exclude or os.path.normpath(p) not in explicit) and self.is_excluded(p):
                    continue
            yield p


def _exact_codes(selectors: Iterable[str], extend_rules) -> tuple[str, ...]:
    """Expand prefixes to exact codes so that a per-file ignore beats any select."""
    from .registry import all_rules

    known = list(all_rules(extend_rules))
    out: list[str] = []
    for s in selectors:
        if s == "ALL":
            out.extend(known)
            out.append("LT")
        elif s.startswith("LT"):
            out.append(s)
        else:
            out.extend(k for k in known if k.startswith(s))
    return tuple(dict.fromkeys(out))


def _relative(path: str, root: Path, cwd: Path) -> str | None:
    full = Path(path)
    if not full.is_absolute():
        full = cwd / full
    full = Path(os.path.abspath(full))
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return None


def match_glob(pattern: str, rel: str) -> bool:
    """Whether ``rel`` (a posix path relative to the configuration's folder) matches.

    A pattern with a ``/`` is matched against the whole relative path (``*``
    crosses folders; ``dir/`` and ``dir/**`` match everything below ``dir``);
    a pattern without one against every path component, so ``drafts`` or
    ``*.gen.md`` match at any depth."""
    import fnmatch

    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" in pattern.rstrip("/"):
        pat = pattern.lstrip("/")
        if pat.endswith("/"):
            pat += "**"
        if fnmatch.fnmatchcase(rel, pat):
            return True
        if pat.endswith("/**") and (rel == pat[:-3] or fnmatch.fnmatchcase(rel, pat[:-3] + "/*")):
            return True
        return False
    pat = pattern.rstrip("/")
    return any(fnmatch.fnmatchcase(part, pat) for part in rel.split("/"))


# -- `mtclean config` -----------------------------------------------------------------

_SETTING_KEYS = (
    ("select", "select"), ("extend-select", "extend_select"), ("ignore", "ignore"),
    ("per-file-ignores", "per_file_ignores"), ("unsafe-fixes", "unsafe_fixes"),
    ("min-confidence", "min_confidence"), ("exclude", None), ("extend-rules", "extend_rules"),
    ("accept", "accept"), ("protect", "protect"), ("dialect", "dialect"), ("languagetool", "languagetool"),
)


def describe(resolver: Resolver, path: str) -> dict[str, Any]:
    """The resolved settings for ``path`` and where each value came from."""
    cfg = resolver.config_for(path)
    settings = resolver.base_settings(cfg)
    given = resolver.overrides.given()
    table = cfg.table if cfg else {}
    out: dict[str, Any] = {"path": path, "config": str(cfg.path) if cfg else None, "settings": {}}
    for key, attr in _SETTING_KEYS:
        if attr is None:
            value: Any = list(cfg.exclude if cfg else ()) + list(resolver.overrides.extend_exclude)
            in_cfg = "exclude" in table or "extend-exclude" in table
            in_cli = "extend-exclude" in given
        else:
            value = getattr(settings, attr)
            in_cfg = key in table
            in_cli = key in given
        value = _jsonable(value)
        if key == "per-file-ignores":
            value = {g: list(c) for g, c in (cfg.per_file_ignores if cfg else ())}
        if in_cli and in_cfg and cfg and key in ("extend-select", "ignore", "exclude"):
            source = f"{cfg.label} + command line"
        else:
            source = "command line" if in_cli else (cfg.label if in_cfg and cfg else "default")
        if key == "accept" and cfg and in_cfg:
            value = {"files": list(_str_list(cfg.path, "accept", table["accept"])), "words": len(settings.accept)}
        out["settings"][key] = {"value": value, "source": source}
    out["enabled"] = list(resolver.settings_for(path).enabled_codes())
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (frozenset, set)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value


def render_description(d: dict[str, Any]) -> str:
    import json

    lines = [f"Settings for {d['path']}",
             f"Configuration file: {d['config'] or '(none found: defaults)'}", ""]
    width = max(len(k) for k in d["settings"])
    for key, item in d["settings"].items():
        value = json.dumps(item["value"], ensure_ascii=False)
        lines.append(f"{key:<{width}} = {value:<40} # {item['source']}")
    lines += ["", f"Rules enabled: {', '.join(d['enabled']) or '(none)'}"]
    return "\n".join(lines) + "\n"


def settings_for_callable(resolver: Resolver) -> Callable[[str], Settings]:
    return resolver.settings_for
