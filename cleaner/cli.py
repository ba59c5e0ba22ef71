"""The ``mtclean`` command line (typer).  Exit codes:

* 0 — no findings (``fix``: none remain)
* 1 — findings (``fix``: some remain)
* 2 — usage, configuration or input error (message on stderr naming the file)

Everything heavy is imported inside the commands so start-up stays fast.
"""
from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Find and fix the damage machine translation and web scraping leave in English text.",
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        sys.stdout.write(f"mtclean {__version__}\n")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print mtclean's version and exit."),
) -> None:
    """Find and fix the damage machine translation and web scraping leave in English text."""


def _err(message: str) -> None:
    sys.stderr.write(f"mtclean: error: {message}\n")


def _codes(values: Optional[List[str]]) -> Optional[tuple[str, ...]]:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(c.strip().upper() for c in v.split(",") if c.strip())
    return tuple(out)


def _settings_for(select, ignore, extend_select, min_confidence, unsafe, config: Optional[str] = None):
    """A callable giving each file's Settings: its configuration file (found from
    the file's folder upward, or ``config``) with the command-line flags on top.
    Exits 2 with a message naming the file and key on any configuration error."""
    from .config import ConfigError, Overrides, Resolver

    if select is not None and not _codes(select):
        # (`--select "$CODES"` with CODES unset would otherwise check nothing and pass)
        _err("--select names no rule; give codes or prefixes (e.g. --select MT1), or ALL for every rule")
        raise typer.Exit(EXIT_ERROR)
    overrides = Overrides(select=_codes(select), extend_select=_codes(extend_select) or (),
                          ignore=_codes(ignore) or (), min_confidence=min_confidence,
                          unsafe_fixes=bool(unsafe) or None)
    try:
        resolver = Resolver(overrides, config_path=config)
        resolver.settings_for(".")          # validate the flags and the nearest configuration now
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    return resolver


def _files(settings_for, paths: Optional[List[str]], force_exclude: bool = False) -> list:
    """The files to process (config excludes applied), every configuration validated
    before anything is read or written."""
    from .config import ConfigError
    from .sources import expand

    paths = paths or ["."]
    try:
        files = list(settings_for.filter(expand(paths), paths, force_exclude))
        for p in files:
            if isinstance(p, str):
                settings_for(p)
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    return files


LT_HELP = ("Also check with the LanguageTool server at URL (e.g. http://127.0.0.1:8081), or 'local' to let "
           "language-tool-python run one; 'off' disables. Default: $MTCLEAN_LANGUAGETOOL, else the config.")
LT_REQUIRE_HELP = "Exit 2 when LanguageTool cannot be used (default: warn and report mtclean's findings)."


class _WithLanguageTool:
    """A settings-for callable (or resolver) whose Settings use another LanguageTool server."""

    def __init__(self, inner, url: Optional[str]):
        self._inner, self._url = inner, url

    def __call__(self, path: str):
        from dataclasses import replace

        get = self._inner if callable(self._inner) else self._inner.settings_for
        return replace(get(path), languagetool=self._url)

    def settings_for(self, path: str):
        return self(path)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def _with_languagetool(settings_for, option: Optional[str]):
    """``settings_for`` with the LanguageTool server of --languagetool, else
    $MTCLEAN_LANGUAGETOOL, else (unchanged) the configuration's ``languagetool``."""
    given = option if option is not None else os.environ.get("MTCLEAN_LANGUAGETOOL")   # = languagetool.ENV_URL
    if given is None:
        return settings_for               # (without importing cleaner.languagetool: start-up time)
    from .languagetool import ENV_URL, LOCAL, resolve_url

    url = resolve_url(given, environ={})
    if url is not None and url != LOCAL and not url.startswith(("http://", "https://")):
        where = "--languagetool" if option is not None else ENV_URL
        _err(f"{where}: expected a server URL such as http://127.0.0.1:8081, 'local' or 'off', got {given!r}")
        raise typer.Exit(EXIT_ERROR)
    return _WithLanguageTool(settings_for, url.rstrip("/") if url else None)


def _warn(messages) -> None:
    for m in messages:
        sys.stderr.write(f"mtclean: warning: {m}\n")


def _check_output_file(output_file: Optional[str]) -> None:
    """Refuse an --output-file that cannot be written before any work is done."""
    if not output_file:
        return
    parent = os.path.dirname(os.path.abspath(output_file))
    if os.path.isdir(output_file):
        _err(f"{output_file}: is a directory (--output-file needs a file name)")
    elif not os.path.isdir(parent):
        _err(f"{output_file}: directory {os.path.dirname(output_file) or '.'} does not exist")
    elif not os.access(parent, os.W_OK):
        _err(f"{output_file}: permission denied (cannot write in {os.path.dirname(output_file) or '.'})")
    else:
        return
    raise typer.Exit(EXIT_ERROR)


def _emit(text: str, output_file: Optional[str]) -> None:
    if output_file:
        from .textfile import write_atomic

        try:
            write_atomic(output_file, text.encode("utf-8"))
        except OSError as exc:
            _err(f"{output_file}: cannot write the report: {exc.strerror or exc}")
            raise typer.Exit(EXIT_ERROR)
    elif text:
        sys.stdout.write(text)
        sys.stdout.flush()


def _use_color() -> bool:
    if "NO_COLOR" in os.environ:
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE", "0") != "0":
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


CONFIG_HELP = "Use this configuration file instead of discovering .mtclean.toml / pyproject.toml [tool.mtclean]."
FORCE_EXCLUDE_HELP = "Apply configured excludes to files named on the command line too (for pre-commit)."


def _summary(reports) -> None:
    """One line on stderr: how many findings, how many `mtclean fix` would repair."""
    from .types import Applicability

    findings = [f for r in reports for f in r.findings]
    if not findings:
        return
    files = sum(1 for r in reports if r.findings)
    fixable = sum(1 for f in findings if f.fix is not None and f.fix.applicability >= Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == Applicability.UNSAFE)
    line = f"mtclean: found {len(findings)} finding(s) in {files} file(s)"
    if fixable:
        line += f"; {fixable} fixable with `mtclean fix`"
    if unsafe:
        line += f" ({unsafe} more with `--unsafe-fixes`)"
    sys.stderr.write(line + "\n")


FORMAT_HELP = "Output format: text, concise, json, json-lines, sarif, github or diff."
#: what --statistics can print (a table, or its rows as JSON)
STATISTICS_FORMATS = ("text", "json", "json-lines")
MAX_BYTES_HELP = "Refuse files larger than this many bytes (at least 1)."


@app.command()
def check(
    paths: List[str] = typer.Argument(None, help="Files or directories to check ('-' for stdin). Default: '.'"),
    format: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable (replaces the default set)."),
    extend_select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable in addition."),
    ignore: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to disable."),
    min_confidence: Optional[float] = typer.Option(None, help="Hide findings below this confidence (0-1)."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="Include unsafe fixes in --format diff."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    output_file: Optional[str] = typer.Option(None, "--output-file", "-o", help="Write the report to a file."),
    max_bytes: int = typer.Option(256 * 1024 * 1024, min=1, help=MAX_BYTES_HELP),
    languagetool: Optional[str] = typer.Option(None, "--languagetool", metavar="URL", help=LT_HELP),
    require_languagetool: bool = typer.Option(False, "--require-languagetool", help=LT_REQUIRE_HELP),
    config: Optional[str] = typer.Option(None, "--config", help=CONFIG_HELP),
    statistics: bool = typer.Option(False, "--statistics", help="Print the number of findings per rule instead of "
                                    "each finding (--format text, json or json-lines)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print the findings only: no summary line."),
    force_exclude: bool = typer.Option(False, "--force-exclude", help=FORCE_EXCLUDE_HELP),
) -> None:
    """Report findings (exit 1 when there are any)."""
    from .output import FORMATS, render
    from .run import check_files
    from .sources import expand

    if format not in FORMATS:
        _err(f"unknown format {format!r} (allowed: {', '.join(FORMATS)})")
        raise typer.Exit(EXIT_ERROR)
    if statistics and format not in STATISTICS_FORMATS:
        _err(f"--statistics prints {', '.join(STATISTICS_FORMATS)}, not {format!r}")
        raise typer.Exit(EXIT_ERROR)
    _check_output_file(output_file)
    settings_for = _settings_for(select, ignore, extend_select, min_confidence, unsafe_fixes, config)
    files = _files(settings_for, paths, force_exclude)
    settings_for = _with_languagetool(settings_for, languagetool)
    result = check_files(files, settings_for, max_bytes=max_bytes,
                         with_fixes=(format == "diff"), unsafe=unsafe_fixes,
                         require_languagetool=require_languagetool)
    if statistics:
        from .output.statistics import render as render_statistics

        _emit(render_statistics(result.reports, format), output_file)
    else:
        _emit(render(format, result.reports, color=_use_color() and not output_file, errors=result.errors),
              output_file)
    if not quiet and format in ("text", "concise") and sys.stderr.isatty():
        _summary(result.reports)
    _warn(result.warnings)
    for e in result.errors:
        _err(e)
    if result.errors:
        raise typer.Exit(EXIT_ERROR)
    found = any(r.findings for r in result.reports)
    raise typer.Exit(EXIT_FINDINGS if found and not exit_zero else EXIT_CLEAN)


@app.command()
def fix(
    paths: List[str] = typer.Argument(None, help="Files or directories to fix in place ('-': stdin to stdout)."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="Also apply unsafe fixes."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff instead of writing files."),
    select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable."),
    extend_select: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to enable in addition."),
    ignore: Optional[List[str]] = typer.Option(None, help="Rule codes or prefixes to disable."),
    min_confidence: Optional[float] = typer.Option(None, help="Ignore findings below this confidence."),
    max_bytes: int = typer.Option(256 * 1024 * 1024, min=1, help=MAX_BYTES_HELP),
    languagetool: Optional[str] = typer.Option(None, "--languagetool", metavar="URL", help=LT_HELP),
    require_languagetool: bool = typer.Option(False, "--require-languagetool", help=LT_REQUIRE_HELP),
    config: Optional[str] = typer.Option(None, "--config", help=CONFIG_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print the summary of what was fixed."),
    force_exclude: bool = typer.Option(False, "--force-exclude", help=FORCE_EXCLUDE_HELP),
    show_remaining: bool = typer.Option(False, "--show-remaining",
                                        help="List the findings that remain after fixing (on stderr)."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when findings remain."),
) -> None:
    """Apply safe fixes in place (exit 0 when no findings remain, 1 otherwise)."""
    from .output.diff import file_diff
    from .run import fix_files
    from .sources import expand

    settings_for = _settings_for(select, ignore, extend_select, min_confidence, unsafe_fixes, config)
    files = _files(settings_for, paths, force_exclude)
    settings_for = _with_languagetool(settings_for, languagetool)
    result, originals = fix_files(files, settings_for, unsafe=unsafe_fixes,
                                  write=not diff, max_bytes=max_bytes,
                                  require_languagetool=require_languagetool)
    _warn(result.warnings)
    for r in result.reports:
        if diff:
            sys.stdout.write(file_diff(r.path, originals[r.path].text, r.text, r.bom))
        elif r.path == "-":
            sys.stdout.buffer.write(originals["-"].encode(r.text))
    if result.passthrough is not None and not diff:
        # standard input refused (binary, not UTF-8, too large): written back as it
        # came, with whatever was left unread, so a pipeline keeps its text (exit 2 says so)
        import shutil

        sys.stdout.flush()
        sys.stdout.buffer.write(result.passthrough)
        shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)
    sys.stdout.flush()
    n_applied = sum(len(getattr(r, "applied", [])) for r in result.reports)
    if not diff and result.written and not quiet:
        sys.stderr.write(f"mtclean: fixed {n_applied} finding(s) in {len(result.written)} file(s)\n")
    if show_remaining and any(r.findings for r in result.reports):
        from .output import render

        sys.stderr.write(render("concise", result.reports, color=False))
    for e in result.errors:
        _err(e)
    if result.errors:
        raise typer.Exit(EXIT_ERROR)
    remaining = any(r.findings for r in result.reports)
    raise typer.Exit(EXIT_FINDINGS if remaining and not exit_zero else EXIT_CLEAN)


@app.command("rules")
def rules_cmd(
    format: str = typer.Option("text", "--format", "-f", help="text or json"),
) -> None:
    """List every rule: code, name, the safest fix it can make, default on/off."""
    import json

    from .registry import RulePackError, all_rules

    if format not in ("text", "json"):
        _err(f"unknown format {format!r} (allowed: text, json)")
        raise typer.Exit(EXIT_ERROR)
    try:
        rules = all_rules()
    except RulePackError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    rows = [(m.code, m.name, m.fix.label if m.fix is not None else "none", "on" if m.default else "off", m.summary)
            for m in (r.meta for r in rules.values())]
    if format == "json":
        sys.stdout.write(json.dumps([dict(zip(("code", "name", "fix", "default", "summary"), r)) for r in rows],
                                    ensure_ascii=False, indent=2) + "\n")
        return
    # MAX-FIX is the safest applicability the rule's fixes can have: many of its findings
    # may carry an unsafe or display-only fix (`mtclean rule CODE` says which)
    wide = max([4, *(len(r[1]) for r in rows)])
    sys.stdout.write(f"{'CODE':<7} {'NAME':<{wide}} {'MAX-FIX':<13} {'DEFAULT':<8} SUMMARY\n")
    for code, name, fixa, default, summary in rows:
        sys.stdout.write(f"{code:<7} {name:<{wide}} {fixa:<13} {default:<8} {summary}\n")


@app.command("rule")
def rule_cmd(code: str = typer.Argument(..., help="A rule code, e.g. MT101")) -> None:
    """Explain one rule, with its examples."""
    from .registry import RulePackError, all_rules

    try:
        rules = all_rules()
    except RulePackError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    code = code.upper()
    if code == "LT" or code.startswith("LT:"):
        from .languagetool import describe_rule

        sys.stdout.write(describe_rule(code))
        return
    if code not in rules:
        import difflib

        close = difflib.get_close_matches(code, list(rules), n=1)
        _err(f"unknown rule {code!r}" + (f" (did you mean {close[0]}?)" if close else "") + "; `mtclean rules` lists them")
        raise typer.Exit(EXIT_ERROR)
    m = rules[code].meta
    out = [f"# {m.code} {m.name}", "", m.summary, "",
           f"Fix: {m.fix.label if m.fix is not None else 'none'}    Default: {'on' if m.default else 'off'}"
           f"    Kind: {m.kind}", ""]
    if m.explanation:
        out += [m.explanation, ""]
    bad = [e for e in m.examples if e.bad]
    good = [e for e in m.examples if not e.bad]
    if bad:
        out.append("## Flagged")
        for e in bad:
            out.append(f"  ✗ {e.text}")
            if e.fixed is not None:
                out.append(f"  → {e.fixed}")
        out.append("")
    if good:
        out.append("## Left alone")
        out += [f"  ✓ {e.text}" for e in good]
        out.append("")
    out.append(f"Defined in {os.path.relpath(m.source) if m.source else '?'}")
    sys.stdout.write("\n".join(out) + "\n")


from .cli_eval import eval_cmd  # noqa: E402  (cheap: its heavy imports are inside the command)
app.command("eval")(eval_cmd)
from .cli_config import config_cmd  # noqa: E402
app.command("config")(config_cmd)
from .cli_batch import batch_cmd  # noqa: E402  (cheap: cleaner.batch is imported inside the command)
app.command("batch")(batch_cmd)


def main() -> None:
    """Console entry point: never a traceback for expected failures."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("mtclean: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            os._exit(0)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last resort
        if os.environ.get("MTCLEAN_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set MTCLEAN_DEBUG=1 for a traceback, "
             "and please report it)")
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
