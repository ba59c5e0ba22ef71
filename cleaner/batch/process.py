"""One task = one shard: decode its records, clean their text, encode the output.

This is the only code that runs on workers (local processes or Dask workers).  It
is a pure function of the task: the same shard always gives the same bytes, which
is what makes resumed and distributed runs identical to a plain local run.

A record that cannot be processed (invalid JSON, no text field, bytes that do not
decode, even an exception inside the cleaner) is written to the output unchanged,
at its place, and reported in the shard's errors; it never fails the shard.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..settings import Settings
from . import writers
from .errors import PASSED_THROUGH, error_entry, position_key

SNIPPET = 200                     # characters of the flagged text kept in the findings report


@dataclass(frozen=True)
class TaskOptions:
    """Job-wide options every shard task carries (small, picklable)."""

    check_only: bool = False
    unsafe: bool = False
    settings: Settings = field(default_factory=Settings)
    text_field: str = "text"
    id_field: str | None = None
    text_column: str = "text"
    id_column: str | None = None
    max_record: int = 16 << 20


@dataclass
class ShardTask:
    key: str                      # "<input index>-<shard number>", also the part file name
    fmt: str                      # jsonl | warc | parquet | text
    file: str                     # the input as reports name it
    out_compression: str | None
    opts: TaskOptions
    records: list = field(default_factory=list)      # readers.Rec
    rows: Any = None                                  # readers.Rows (Parquet)
    problems: list = field(default_factory=list)     # errors found by the reader (dicts)
    input_bytes: int = 0          # compressed input bytes this shard covers (progress)
    engine: str = ""              # the driver's engine fingerprint (checked on workers)
    is_dir: bool = False          # text: ``file`` is a directory and records are named by relative path


@dataclass
class ShardResult:
    key: str
    data: bytes | None            # the output part (stream formats), already compressed
    files: list | None            # text inputs: [(relative path, bytes)]
    findings: bytes               # findings report lines (JSON Lines)
    errors: list                  # errors.jsonl entries, in input order
    stats: dict
    engine: str


def new_stats() -> dict:
    return {"records_in": 0, "records_out": 0, "changed": 0, "errored": 0, "skipped": 0, "blank_lines": 0,
            "text_bytes": 0, "findings": 0, "applied": 0, "by_rule": {}}


def add_stats(total: dict, part: dict) -> None:
    for k, v in part.items():
        if k == "by_rule":
            for code, (found, applied) in v.items():
                cur = total["by_rule"].setdefault(code, [0, 0])
                cur[0] += found
                cur[1] += applied
        else:
            total[k] = total.get(k, 0) + v


# --------------------------------------------------------------------------------------
# the engine, once per process
# --------------------------------------------------------------------------------------
_ENGINE_IDS: dict = {}


#: engine modules whose code decides the output (besides the rules' own modules)
_CORE = ("cleaner.engine", "cleaner.fixer", "cleaner.document", "cleaner.protect", "cleaner.lexicon",
         "cleaner.rules.base", "cleaner.rules.data", "cleaner.formats", "cleaner.formats.html",
         "cleaner.formats.markdown")


def _source(module: str) -> bytes:
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        with open(spec.origin, "rb") as fh:      # type: ignore[union-attr, arg-type]
            return fh.read()
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return b""


def engine_id(settings: Settings) -> str:
    """Fingerprint of what decides the output: the version, the engine's code, the
    enabled rules (their definitions and modules) and the rule data files.  Workers
    must match the driver, and ``--resume`` must find the same as the first run."""
    try:
        return _ENGINE_IDS[settings]
    except KeyError:
        pass
    except TypeError:                           # unhashable settings: computed every time
        return _engine_id(settings)
    _ENGINE_IDS[settings] = _engine_id(settings)
    return _ENGINE_IDS[settings]


def _engine_id(settings: Settings) -> str:
    from .. import __version__
    from ..paths import rules_dir
    from ..registry import KINDS, all_rules

    h = hashlib.sha256(__version__.encode())
    rules = all_rules(settings.extend_rules)
    modules = set(_CORE)
    for code in settings.enabled_codes():
        h.update(code.encode())
        loaded = rules.get(code)
        if loaded is None:
            continue
        impl = str(loaded.data.get("impl", ""))
        modules.add(KINDS.get(impl, impl).partition(":")[0])
        try:
            h.update(loaded.path.read_bytes())
        except OSError:
            pass
    for module in sorted(m for m in modules if m):
        h.update(module.encode() + b"\0" + _source(module))
    data_dirs = [rules_dir(), *settings.extend_rules]
    for d in data_dirs:
        d = Path(d)
        for p in sorted(d.rglob("*")) if d.is_dir() else [d]:
            if p.is_file() and p.suffix in (".toml", ".txt", ".json"):
                h.update(p.name.encode() + b"\0" + p.read_bytes())
    h.update(repr((settings.min_confidence, settings.accept and sorted(settings.accept), settings.protect,
                   settings.dialect)).encode())
    return h.hexdigest()[:16]


class EngineMismatch(Exception):
    pass


def _regions(kind: str | None, path: str, text: str) -> list:
    """Extra protected regions from the format readers (markup, code, front matter)."""
    if kind in (None, "plain"):
        hint = path
    else:
        hint = "record.html" if kind == "html" else "record.md"
    from ..formats import regions_for

    return list(regions_for(hint, text))


class _Cleaner:
    """Cleans texts for one shard and writes their findings report lines."""

    def __init__(self, opts: TaskOptions, file: str, stats: dict):
        self.opts = opts
        self.file = file
        self.stats = stats
        self.lines: list[str] = []

    def clean(self, text: str, where: dict, regions: list, path: str, charset: str | None = None) -> str:
        mark = len(self.lines)
        new = self._clean(text, where, regions, path, charset)
        if len(self.lines) - mark > 1:            # one record's findings in text order
            self.lines[mark:] = sorted(self.lines[mark:], key=lambda r: r[0])
        return new

    def _clean(self, text: str, where: dict, regions: list, path: str, charset: str | None = None) -> str:
        opts = self.opts
        st = self.stats
        st["text_bytes"] += len(text.encode("utf-8", "surrogatepass"))
        by_rule = st["by_rule"]
        if opts.check_only:
            from ..engine import check

            found = check(text, opts.settings, regions=regions, path=path)
            for f in found:
                self._report(text, where, f, f.span.start, f.span.end, False)
                by_rule.setdefault(f.rule, [0, 0])[0] += 1
            st["findings"] += len(found)
            return text
        from ..fixer import fix

        r = fix(text, opts.unsafe, opts.settings, regions=regions, path=path, keep_edit=_encodable_in(charset))
        edits = r.edits
        exact = sum(len(f.fix.edits) for f in r.applied) == len(edits)
        i = 0
        for f in r.applied:
            delta = 0
            if exact:
                delta = edits[i].span.start - f.fix.edits[0].span.start
                i += len(f.fix.edits)
            s = min(max(0, f.span.start + delta), len(text))
            self._report(text, where, f, s, min(max(s, f.span.end + delta), len(text)), True)
            by_rule.setdefault(f.rule, [0, 0])
            by_rule[f.rule][0] += 1
            by_rule[f.rule][1] += 1
        back = sorted(edits, key=lambda e: (e.span.start, e.span.end)) if edits else ()
        for f in r.remaining:
            s = _to_input(f.span.start, back)
            self._report(text, where, f, s, max(s, _to_input(f.span.end, back)), False)
            by_rule.setdefault(f.rule, [0, 0])[0] += 1
        st["findings"] += len(r.applied) + len(r.remaining)
        st["applied"] += len(r.applied)
        return r.text

    def unapply(self, mark: int) -> None:
        """The record whose report lines start at ``mark`` was written back uncleaned
        after all: its findings become not applied, and the counts follow."""
        by_rule = self.stats["by_rule"]
        for i in range(mark, len(self.lines)):
            key, line = self.lines[i]
            row = json.loads(line)
            if row.get("applied"):
                row["applied"] = False
                by_rule[row["rule"]][1] -= 1
                self.stats["applied"] -= 1
                self.lines[i] = (key, json.dumps(row, ensure_ascii=False, default=str))

    def _report(self, text: str, where: dict, f, start: int, end: int, applied: bool) -> None:
        row = {"file": self.file}
        row.update(where)
        row.update(rule=f.rule, name=f.name, start=start, end=end, text=text[start:end][:SNIPPET],
                   message=f.message, fix=f.fix.applicability.label if f.fix is not None else None,
                   applied=applied)
        self.lines.append(((start, end, f.rule), json.dumps(row, ensure_ascii=False, default=str)))


def _encodable_in(charset: str | None):
    """For a record in a legacy charset (a WARC page in ISO-8859-1): accept only the
    edits whose replacement that charset can hold (``&#8217;`` → ``’`` cannot be
    written back into Latin-1: that finding stays, not applied).  None for UTF-8."""
    if charset is None or charset.lower().replace("_", "-") in ("utf-8", "utf8"):
        return None

    def keep(edit) -> bool:
        try:
            edit.replacement.encode(charset)
            return True
        except (UnicodeEncodeError, LookupError):
            return False

    return keep


def _to_input(pos: int, edits) -> int:
    """Map an offset of the fixed text back to the input text."""
    delta = 0
    for e in edits:
        s = e.span.start + delta
        if pos < s:
            break
        n = len(e.replacement)
        if pos < s + n:
            return e.span.start
        delta += n - (e.span.end - e.span.start)
    return max(0, pos - delta)


# --------------------------------------------------------------------------------------
# per format
# --------------------------------------------------------------------------------------
def run_shard(task: ShardTask) -> ShardResult:
    """Process one shard (the function every worker runs)."""
    me = engine_id(task.opts.settings)
    if task.engine and task.engine != me:
        raise EngineMismatch(f"a worker's mtclean and rule set ({me}) differ from the driver's ({task.engine}): "
                             "install the same mtclean version and rules on every worker, and do not change "
                             "rule files while a job runs")
    stats = new_stats()
    cl = _Cleaner(task.opts, task.file, stats)
    errors: list[dict] = []
    data = None
    files = None
    if task.fmt == "jsonl":
        data = _jsonl(task, cl, errors)
    elif task.fmt == "warc":
        data = _warc(task, cl, errors)
    elif task.fmt == "parquet":
        data = _parquet(task, cl, errors)
    elif task.fmt == "text":
        files = _text(task, cl, errors)
    else:  # pragma: no cover - readers only produce the formats above
        raise ValueError(task.fmt)
    for p in task.problems:
        stats["records_in"] += p.get("records", 1)
        stats["errored"] += p.get("records", 1)
    errors.extend(task.problems)
    errors.sort(key=position_key)
    findings = ("\n".join(row for _, row in cl.lines) + "\n").encode("utf-8") if cl.lines else b""
    return ShardResult(task.key, data, files, findings, errors, stats, me)


def _passthrough(stats: dict, errors: list, entry: dict) -> None:
    stats["records_in"] += 1
    stats["errored"] += 1
    errors.append(entry)


def _safe_clean(cl: _Cleaner, errors: list, file: str, text: str, where: dict, regions_of, path: str,
                charset: str | None = None):
    """Clean ``text``; on an exception inside the cleaner report it and return None."""
    mark = len(cl.lines), dict(cl.stats["by_rule"]), cl.stats["findings"], cl.stats["applied"]
    try:
        return cl.clean(text, where, regions_of(), path, charset)
    except Exception as exc:  # a bug in a rule must not lose the record
        del cl.lines[mark[0]:]
        cl.stats["by_rule"] = {k: list(v) for k, v in mark[1].items()}
        cl.stats["findings"], cl.stats["applied"] = mark[2], mark[3]
        errors.append(error_entry(file, "internal-error", f"the cleaner failed on this record "
                                  f"({type(exc).__name__}: {exc}); passed through uncleaned",
                                  action=PASSED_THROUGH, where=where))
        return None


def _jsonl(task: ShardTask, cl: _Cleaner, errors: list) -> bytes | None:
    opts = task.opts
    st = cl.stats
    out: list[bytes] = []
    emit = out.append if not opts.check_only else (lambda _b: None)
    for rec in task.records:
        raw = rec.raw
        where = {"line": rec.line}
        if not raw.strip():
            st["blank_lines"] += 1
            emit(raw)
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            _passthrough(st, errors, error_entry(task.file, "not-utf8", f"not valid UTF-8 (byte {exc.start} of "
                                                 f"the line: {exc.reason})", action=PASSED_THROUGH, where=where))
            emit(raw)
            continue
        body = line[1:] if line.startswith("\ufeff") else line
        try:
            # (without its line break: an unterminated string is reported as such,
            # not as a control character in the string)
            obj = json.loads(body.rstrip("\r\n"))
        except ValueError as exc:
            _passthrough(st, errors, error_entry(task.file, "invalid-json", f"invalid JSON: {exc}",
                                                 action=PASSED_THROUGH, where=where))
            emit(raw)
            continue
        if opts.id_field:
            try:
                rid, _ = writers.resolve(obj, opts.id_field)
                where["id"] = rid
            except KeyError:
                pass
        try:
            text, keys = writers.resolve(obj, opts.text_field)
        except KeyError:
            _passthrough(st, errors, error_entry(
                task.file, "missing-text-field" if isinstance(obj, dict) else "invalid-json",
                f"no field {opts.text_field!r} in this record" if isinstance(obj, dict)
                else f"the line is a JSON {type(obj).__name__}, not an object", action=PASSED_THROUGH, where=where))
            emit(raw)
            continue
        if not isinstance(text, str):
            kind = "missing-text-field" if text is None else "not-text"
            _passthrough(st, errors, error_entry(task.file, kind, f"field {opts.text_field!r} is "
                                                 f"{'null' if text is None else type(text).__name__}, not a string",
                                                 action=PASSED_THROUGH, where=where))
            emit(raw)
            continue
        new = _cleaned(cl, errors, task.file, text, where, lambda: [], task.file)
        if new is None:
            emit(raw)
            continue
        bom = line[:len(line) - len(body)]
        emit((bom + writers.splice_json(body, keys, new)).encode("utf-8"))
    return None if opts.check_only else writers.compress(b"".join(out), task.out_compression)


def _cleaned(cl: _Cleaner, errors: list, file: str, text: str, where: dict, regions_of, path: str,
             charset: str | None = None) -> str | None:
    """Clean one record's text and count it: the new text, or None when the record is
    written unchanged (nothing to change; or the cleaner failed: counted as errored).
    ``charset``: the record's legacy charset, whose fixes must be able to hold."""
    new = _safe_clean(cl, errors, file, text, where, regions_of, path, charset)
    st = cl.stats
    st["records_in"] += 1
    if new is None:
        st["errored"] += 1
        return None
    st["records_out"] += 1
    if new == text:
        return None
    st["changed"] += 1
    return new


def _warc(task: ShardTask, cl: _Cleaner, errors: list) -> bytes | None:
    from .readers import parse_warc

    opts = task.opts
    st = cl.stats
    out: list[bytes] = []
    comp = task.out_compression

    def emit(b: bytes) -> None:
        if not opts.check_only:
            out.append(writers.compress(b, comp))

    for rec in task.records:
        raw = rec.raw
        where: dict[str, Any] = {"offset": rec.offset}
        if rec.member is not None:
            where["member_offset"] = rec.member
        try:
            w = parse_warc(raw)
        except Exception as exc:
            _passthrough(st, errors, error_entry(task.file, "malformed-warc", f"unreadable WARC headers: {exc}",
                                                 action=PASSED_THROUGH, where=where))
            emit(raw)
            continue
        if w.record_id:
            where["id"] = w.record_id
        if w.uri:
            where["url"] = w.uri
        if w.text_type is None or w.skip_reason:
            st["records_in"] += 1
            st["records_out"] += 1
            st["skipped"] += 1
            emit(raw)
            continue
        try:
            text = w.payload.decode(w.charset)
        except (UnicodeDecodeError, LookupError) as exc:
            reason = (f"unknown charset {w.charset!r}" if isinstance(exc, LookupError)
                      else f"not valid {w.charset} (byte {exc.start} of the payload: {exc.reason})")
            _passthrough(st, errors, error_entry(task.file, "not-utf8", reason, action=PASSED_THROUGH,
                                                 where=where))
            emit(raw)
            continue
        mark = len(cl.lines)
        new = _cleaned(cl, errors, task.file, text, where, lambda: _regions(w.text_type, task.file, text),
                       task.file, w.charset)
        if new is None:
            emit(raw)
            continue
        try:
            payload = new.encode(w.charset)
        except UnicodeEncodeError as exc:       # (a safety net: fixes the charset cannot hold are not applied)
            bad = new[exc.start:exc.end]
            errors.append(error_entry(task.file, "charset-unencodable",
                                      f"the cleaned text does not fit the record's charset {w.charset} "
                                      f"({bad!r} cannot be encoded); passed through uncleaned",
                                      action=PASSED_THROUGH, where=where))
            st["records_out"] -= 1                  # counted as cleaned and changed by _cleaned: errored instead
            st["changed"] -= 1
            st["errored"] += 1
            cl.unapply(mark)                        # and its fixes were not applied after all
            emit(raw)
            continue
        emit(writers.rewrite_warc(w.headers, w.http, payload, w.tail))
    return None if opts.check_only else b"".join(out)


def json_id(value: Any) -> Any:
    """A record id as the reports can write it in JSON: strings, integers, booleans
    and finite floats as they are; binary ids (UUIDs stored as 16 bytes) as their
    UTF-8 text when they are text, else as lower-case hex; dates and times in ISO
    8601; decimals and anything else as their text; lists and maps item by item."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            text = raw.decode("utf-8")
            if text.isprintable():
                return text
        except UnicodeDecodeError:
            pass
        return raw.hex()
    if isinstance(value, (list, tuple)):
        return [json_id(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_id(v) for k, v in value.items()}
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return iso()
    return str(value)


def _parquet(task: ShardTask, cl: _Cleaner, errors: list) -> bytes | None:
    opts = task.opts
    st = cl.stats
    batch = task.rows.batch
    first = task.rows.first_row
    names = batch.schema.names
    ti = names.index(opts.text_column)
    texts = batch.column(ti).to_pylist()
    ids = batch.column(names.index(opts.id_column)).to_pylist() if opts.id_column in names else None
    new_texts = list(texts)
    changed = False
    for i, text in enumerate(texts):
        where: dict[str, Any] = {"row": first + i}
        if ids is not None:
            where["id"] = json_id(ids[i])
        if text is None:
            _passthrough(st, errors, error_entry(task.file, "missing-text-field",
                                                 f"column {opts.text_column!r} is null in this row",
                                                 action=PASSED_THROUGH, where=where))
            continue
        new = _cleaned(cl, errors, task.file, text, where, lambda: [], task.file)
        if new is not None:
            new_texts[i] = new
            changed = True
    if opts.check_only:
        return None
    out = writers.replace_column(batch, ti, new_texts) if changed else batch
    return writers.batch_to_ipc(out)


def _text(task: ShardTask, cl: _Cleaner, errors: list) -> list | None:
    import os

    from ..textfile import InputError, decode

    opts = task.opts
    st = cl.stats
    files: list[tuple[str, bytes]] = []
    for rec in task.records:
        display = os.path.join(task.file, rec.name) if task.is_dir else task.file
        where: dict[str, Any] = {}
        old_file = cl.file
        cl.file = display
        try:
            try:
                tf = decode(rec.raw, display)
            except InputError as exc:
                kind = "not-utf8"
                _passthrough(st, errors, error_entry(display, kind, str(exc).split(": ", 1)[-1],
                                                     action=PASSED_THROUGH, where=where))
                files.append((rec.name, rec.raw))
                continue
            new = _cleaned(cl, errors, display, tf.text, where,
                           lambda: _regions(None, rec.name or display, tf.text), display)
            files.append((rec.name, rec.raw if new is None else tf.encode(new)))
        finally:
            cl.file = old_file
    return None if opts.check_only else files
