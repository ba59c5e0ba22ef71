"""Checking and fixing files for the CLI: one place that reads, runs and writes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import gcpause
from .report import FileReport
from .settings import Settings
from .textfile import DEFAULT_MAX_BYTES, InputError, TextFile, read, write_atomic


@dataclass
class RunResult:
    reports: list[FileReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # printed, exit code unaffected
    #: ``fix -``: standard input that could not be processed (binary, not UTF-8, too
    #: large), to be written back unchanged: a filter that fails must not eat the text
    passthrough: bytes | None = None


SettingsFor = Callable[[str], Settings]
#: a file this long (code points) takes long enough that start-up time does not matter
_LARGE = 200_000


def _load(path: str, max_bytes: int) -> TextFile:
    return read(path, max_bytes)


def check_files(paths: Iterable[str | InputError], settings_for: SettingsFor, *,
                max_bytes: int = DEFAULT_MAX_BYTES, with_fixes: bool = False, unsafe: bool = False,
                require_languagetool: bool = False) -> RunResult:
    from .engine import check
    from .fixer import fix
    from .formats import regions_for

    result = RunResult()
    lt = _lt_session(require_languagetool) if require_languagetool else None
    for p in paths:
        if isinstance(p, InputError):
            result.errors.append(str(p))
            continue
        try:
            tf = _load(p, max_bytes)
        except InputError as exc:
            result.errors.append(str(exc))
            continue
        if len(tf.text) > _LARGE:
            gcpause.resume()        # start-up time no longer matters: the collector back on
        settings = settings_for(p)
        regions = regions_for(p, tf.text)
        findings = check(tf.text, settings, regions=regions, path=p)
        report = FileReport(p, tf.text, findings, bom=_bom_text(tf))
        if with_fixes:
            report.fixed = fix(tf.text, unsafe, settings, regions=regions, path=p).text
        result.reports.append(report)
        gcpause.resume()            # start-up is over (the rules are loaded): the collector back on
        if settings.languagetool:
            lt = lt or _lt_session(require_languagetool)
            lt.add(report, regions, settings)
    if lt is not None:
        lt.finish_check(result)
    return result


def _bom_text(tf: TextFile) -> str:
    """The UTF-8 byte-order mark as text when ``tf`` starts with one: diffs show it,
    so that they apply to the file (a UTF-16 file is not patchable text anyway)."""
    return "\ufeff" if tf.bom == b"\xef\xbb\xbf" else ""


def _lt_session(require: bool):
    """LanguageTool's session for a run, created (and its module imported) only when
    ``--require-languagetool`` is given or a file's settings name a server: a run
    without LanguageTool does not pay for importing it."""
    from .languagetool import Session

    return Session(require)


def fix_files(paths: Iterable[str | InputError], settings_for: SettingsFor, *, unsafe: bool,
              write: bool, max_bytes: int = DEFAULT_MAX_BYTES,
              require_languagetool: bool = False) -> tuple[RunResult, dict[str, TextFile]]:
    """Fix each file; returns the run (reports hold *remaining* findings) and the
    originals.  With ``write`` the fixed files are replaced atomically."""
    from .fixer import fix
    from .formats import regions_for

    result = RunResult()
    lt = _lt_session(require_languagetool) if require_languagetool else None
    originals: dict[str, TextFile] = {}
    for p in paths:
        if isinstance(p, InputError):
            result.errors.append(str(p))
            continue
        try:
            tf = _load(p, max_bytes)
        except InputError as exc:
            result.errors.append(str(exc))
            if p == "-" and exc.data is not None:
                result.passthrough = exc.data
            continue
        originals[p] = tf
        if len(tf.text) > _LARGE:
            gcpause.resume()        # start-up time no longer matters: the collector back on
        settings = settings_for(p)
        res = fix(tf.text, unsafe, settings, regions=regions_for(p, tf.text), path=p)
        if settings.languagetool:
            lt = lt or _lt_session(require_languagetool)
            lt.amend_fix(res, settings, regions_for=lambda t, p=p: regions_for(p, t), path=p, unsafe=unsafe)
        report = FileReport(p, res.text, res.remaining, fixed=res.text, bom=_bom_text(tf))
        report.original = tf.text  # type: ignore[attr-defined]
        report.applied = res.applied  # type: ignore[attr-defined]
        result.reports.append(report)
        gcpause.resume()            # start-up is over (the rules are loaded): the collector back on
        if write and p != "-" and res.text != tf.text:
            try:
                write_atomic(p, tf.encode(res.text))
                result.written.append(p)
            except OSError as exc:
                result.errors.append(f"{p}: cannot write: {exc.strerror or exc}")
    if lt is not None:
        lt.finish(result)
    return result, originals
