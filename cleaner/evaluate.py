"""Scoring mtclean against an annotated corpus (``mtclean eval``).

The corpus format and the scoring definition are those of the shared
``FORMAT.md`` (JSON Lines; one item per line with ``text`` and gold ``edits``).
The figures computed here are, by construction, the ones the outside black-box
scorer (``score.py``) computes from the CLI's ``check --format json`` and
``fix --unsafe-fixes`` output; the tool is only run in-process instead:

* **Detection** — a finding whose ``offset..end_offset`` overlaps or touches
  (within 1 character) a gold edit's span detects it; a finding touching no gold
  edit at all (required or not) is a false positive.  Findings on
  ``required: false`` edits count neither way.  Precision, recall and F0.5 are
  over required edits.
* **Correction** — the text is fixed with unsafe fixes on; the character-level
  changes (difflib) that touch a gold span must turn ``find`` into one of its
  ``fix`` strings (a true positive when the edit is required, a wrong edit when
  they do not); every change outside all gold spans is a wrong edit.
* **Quoted speech** — a fix edit proposed inside quoted speech, a wrong edit inside
  it, or a quotation whose content no longer appears in the fixed text is a
  quote violation, whatever else it scores.

Breakdowns (``by="kind"`` or ``by="rule"``) split the same counts: gold edits are
counted under their gold kind; false findings and wrong edits under the kind of
the rule that produced them.  By rule, a gold edit is credited to every rule that
detected it (so rows can add up to more than the total), recall is the share of
the required edits of the rule's kind that the rule caught, and edits that no
rule detected are listed on a ``(missed)`` row.

The tool is abstracted as a *runner*: ``runner(text) -> (findings, fixed_text)``
with findings as :class:`ToolFinding`; :func:`mtclean_runner` is the real one.
"""
from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

#: artifact kinds allowed by FORMAT.md
KINDS = ("glued-words", "stray-period", "pronoun-calque", "possessive-dropped", "lexical-calque",
         "acronym-calque", "punctuation-spacing", "duplicated-word", "boilerplate", "word-order",
         "agreement", "other")
GENRES = ("news", "opinion", "press-release", "blog", "sports", "science", "business", "culture")

QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“"}

UNATTRIBUTED = "(unattributed)"
MISSED = "(missed)"


class CorpusError(ValueError):
    """A corpus file is malformed; the message names the file, line and problem."""


# --------------------------------------------------------------------------- corpus

@dataclass(frozen=True)
class GoldEdit:
    find: str
    fix: tuple[str, ...]
    kind: str
    required: bool
    start: int
    end: int


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    edits: tuple[GoldEdit, ...]
    genre: str = ""
    source_lang: str = ""
    note: str = ""
    where: str = ""          # "file:line", for messages

    @property
    def required(self) -> int:
        return sum(1 for g in self.edits if g.required)


def parse_item(obj: dict, where: str = "") -> Item:
    """An :class:`Item` from one decoded JSON object (gold span = first occurrence of
    ``find``, as the outside scorer takes it)."""
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: an item must be a JSON object")
    for key in ("id", "text", "edits"):
        if key not in obj:
            raise CorpusError(f"{where}: item {obj.get('id', '?')!r}: missing key {key!r}")
    text, iid = obj["text"], str(obj["id"])
    if not isinstance(text, str) or not isinstance(obj["edits"], list):
        raise CorpusError(f"{where}: item {iid!r}: 'text' must be a string and 'edits' a list")
    edits = []
    for n, e in enumerate(obj["edits"], 1):
        w = f"{where}: item {iid!r} edit #{n}"
        if not isinstance(e, dict) or not isinstance(e.get("find"), str) or not e["find"]:
            raise CorpusError(f"{w}: needs a non-empty 'find' string")
        fixes = e.get("fix")
        if isinstance(fixes, str):
            fixes = [fixes]
        if not isinstance(fixes, list) or not fixes or not all(isinstance(f, str) for f in fixes):
            raise CorpusError(f"{w}: 'fix' must be a non-empty list of strings")
        start = text.find(e["find"])
        if start < 0:
            raise CorpusError(f"{w}: 'find' {e['find']!r} does not occur in the text")
        edits.append(GoldEdit(e["find"], tuple(fixes), str(e.get("kind", "other")),
                              bool(e.get("required", True)), start, start + len(e["find"])))
    return Item(iid, text, tuple(edits), str(obj.get("genre", "")), str(obj.get("source_lang", "")),
                str(obj.get("note", "")), where)


def load_corpus(paths: Iterable[str | Path]) -> list[Item]:
    """Items of one or more JSONL corpus files, in order."""
    items: list[Item] = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: not UTF-8: {exc}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{n}: invalid JSON: {exc.msg} (column {exc.colno})") from None
            items.append(parse_item(obj, f"{path}:{n}"))
    return items


def lint_item(item: Item) -> list[str]:
    """Problems with an item against the FORMAT.md writing rules (empty when fine)."""
    out: list[str] = []
    say = out.append
    if item.genre and item.genre not in GENRES:
        say(f"unknown genre {item.genre!r}")
    words = len(item.text.split())
    if not 40 <= words <= 300:
        say(f"text has {words} words (FORMAT.md: 60-250)")
    qspans = quoted_spans(item.text)
    spans = []
    for g in item.edits:
        n = item.text.count(g.find)
        if n != 1:
            say(f"find {g.find!r} occurs {n} times (must be exactly once)")
        if g.kind not in KINDS:
            say(f"find {g.find!r}: unknown kind {g.kind!r}")
        if g.find in g.fix:
            say(f"find {g.find!r}: one of its fixes is the find string itself")
        if len(set(g.fix)) != len(g.fix):
            say(f"find {g.find!r}: duplicate fix strings")
        if g.required and any(q0 <= g.start and g.end <= q1 for q0, q1 in qspans):
            say(f"find {g.find!r}: a required edit inside quoted speech")
        spans.append((g.start, g.end, g.find))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if a[1] > b[0]:
            say(f"edits {a[2]!r} and {b[2]!r} overlap")
        elif a[1] == b[0]:
            say(f"edits {a[2]!r} and {b[2]!r} touch (a change at the seam is scored against both)")
    return out


# --------------------------------------------------------------------------- primitives

def _paragraphs(text: str):
    start = 0
    for part in text.split("\n\n"):
        yield start, part
        start += len(part) + 2


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech as FORMAT.md's scorer sees them: curly/guillemet pairs,
    straight pairs within a paragraph, and an unclosed opening mark running to the
    paragraph end."""
    spans = []
    for para_start, para in _paragraphs(text):
        i = 0
        while i < len(para):
            ch = para[i]
            close = QUOTE_PAIRS.get(ch) or ('"' if ch == '"' else None)
            if close:
                j = para.find(close, i + 1)
                end = len(para) if j < 0 else j
                spans.append((para_start + i + 1, para_start + end))
                i = end + 1
            else:
                i += 1
    return spans


def near(a0: int, a1: int, b0: int, b1: int, tol: int = 1) -> bool:
    """Spans ``[a0, a1)`` and ``[b0, b1)`` overlap or lie within ``tol`` characters."""
    return a0 <= b1 + tol and b0 <= a1 + tol


Change = tuple[int, int, str]


def changes(a: str, b: str) -> list[Change]:
    """Character-level changes turning ``a`` into ``b``: (start, end, replacement) in ``a``."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(i1, i2, b[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]


def apply_changes(text: str, chs: Sequence[Change], lo: int, hi: int) -> str:
    """``text[lo:hi]`` after applying the (sorted) changes that fall inside it."""
    out, pos = [], lo
    for i1, i2, rep in chs:
        out.append(text[pos:i1])
        out.append(rep)
        pos = i2
    out.append(text[pos:hi])
    return "".join(out)


def f05(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F0.5 (an empty denominator counts as 1.0, as in score.py)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = (1.25 * p * r / (0.25 * p + r)) if p + r else 0.0
    return p, r, f


# --------------------------------------------------------------------------- running the tool

@dataclass(frozen=True)
class ToolFinding:
    """What the scorer needs of a finding (the fields of ``check --format json``)."""

    rule: str
    start: int
    end: int
    fix_edits: tuple[tuple[int, int, str], ...] = ()
    message: str = ""


Runner = Callable[[str], "tuple[list[ToolFinding], str]"]


def mtclean_runner(settings=None, *, path: str = "item.txt") -> Runner:
    """The real tool, in-process: ``cleaner.check`` for findings and
    ``cleaner.fix(unsafe=True)`` for the fixed text — the same calls the CLI's
    ``check`` and ``fix --unsafe-fixes`` make for a plain-text file."""
    import cleaner
    from .formats import regions_for
    from .settings import DEFAULT

    settings = settings or DEFAULT

    def run(text: str) -> tuple[list[ToolFinding], str]:
        regions = regions_for(path, text)
        found = cleaner.check(text, settings, regions=regions, path=path)
        fixed = cleaner.fix(text, True, settings, regions=regions, path=path).text
        out = [ToolFinding(f.rule, f.span.start, f.span.end,
                           tuple((e.span.start, e.span.end, e.replacement) for e in f.fix.edits)
                           if f.fix is not None else (), f.message)
               for f in found]
        return out, fixed

    return run


def rule_kinds(settings=None) -> dict[str, str]:
    """Rule code -> the corpus kind it detects (from the rule files)."""
    from .registry import all_rules

    extra = getattr(settings, "extend_rules", ()) if settings is not None else ()
    return {code: r.meta.kind for code, r in all_rules(extra).items()}


# --------------------------------------------------------------------------- scoring one item

@dataclass(frozen=True)
class Note:
    """One verbose line: MISS, FP, BADFIX, WRONGEDIT, QUOTE-EDIT, QUOTE-CHANGED or ERROR."""

    tag: str
    detail: str
    rule: str = ""
    kind: str = ""

    def __str__(self) -> str:
        who = f" {self.rule}" if self.rule else ""
        what = f" {self.kind}" if self.kind and not self.rule else ""
        return f"{self.tag}{who}{what} {self.detail}"


_COUNTERS = ("det_tp", "det_fp", "det_fn", "cor_tp", "cor_fp", "cor_fn")


@dataclass
class ItemScore:
    id: str
    req: int = 0
    det_tp: int = 0
    det_fp: int = 0
    cor_tp: int = 0
    cor_fp: int = 0
    quote_violations: int = 0
    errors: int = 0
    notes: list[Note] = field(default_factory=list)
    #: (breakdown, key) -> Counter of _COUNTERS; breakdown is "kind" or "rule"
    split: dict[tuple[str, str], Counter] = field(default_factory=dict)

    def add(self, by: str, key: str, counter: str, n: int = 1) -> None:
        self.split.setdefault((by, key), Counter())[counter] += n

    def as_dict(self) -> dict:
        return {"id": self.id, "req": self.req, "det_tp": self.det_tp, "det_fp": self.det_fp,
                "cor_tp": self.cor_tp, "cor_fp": self.cor_fp, "quote_violations": self.quote_violations,
                "errors": self.errors, "notes": [str(n) for n in self.notes]}


def _snip(text: str, s: int, e: int, pad: int) -> str:
    return repr(text[max(0, s - pad):e + pad])


def score_item(item: Item, findings: Sequence[ToolFinding] | None, fixed: str | None,
               kinds: dict[str, str] | None = None, error: str | None = None) -> ItemScore:
    """Score one item from the tool's findings and fixed text (``error``: the tool
    crashed on it, scored as a total miss)."""
    kinds = kinds or {}
    text, gold = item.text, item.edits
    r = ItemScore(item.id, req=item.required)
    for g in gold:
        if g.required:
            r.add("kind", g.kind, "det_fn")
            r.add("kind", g.kind, "cor_fn")
    if error is not None or findings is None or fixed is None:
        r.errors = 1
        r.notes.append(Note("ERROR", error or "no output"))
        for g in gold:
            if g.required:
                r.add("rule", MISSED, "det_fn")
                r.add("rule", MISSED, "cor_fn")
        return r
    qspans = quoted_spans(text)

    def kind_of(rule: str) -> str:
        return kinds.get(rule, "other")

    # detection
    hit_by: dict[int, set[str]] = {}
    for f in findings:
        match = [k for k, g in enumerate(gold) if near(f.start, f.end, g.start, g.end)]
        if match:
            for k in match:
                hit_by.setdefault(k, set()).add(f.rule)
        else:
            r.det_fp += 1
            r.add("kind", kind_of(f.rule), "det_fp")
            r.add("rule", f.rule, "det_fp")
            r.notes.append(Note("FP", _snip(text, f.start, f.end, 20), f.rule))
        for s, e, _rep in f.fix_edits:
            if any(q0 < s and e < q1 for q0, q1 in qspans):
                r.quote_violations += 1
                r.notes.append(Note("QUOTE-EDIT", repr(text[s:e]), f.rule))
    for k, g in enumerate(gold):
        if not g.required:
            continue
        if k in hit_by:
            r.det_tp += 1
            r.add("kind", g.kind, "det_tp")
            r.add("kind", g.kind, "det_fn", -1)
            for rule in hit_by[k]:
                r.add("rule", rule, "det_tp")
        else:
            r.add("rule", MISSED, "det_fn")
            r.notes.append(Note("MISS", repr(g.find), kind=g.kind))

    # correction
    chs = changes(text, fixed)

    def rules_of(c: Change) -> list[str]:
        by_edit = sorted({f.rule for f in findings for s, e, _ in f.fix_edits if near(c[0], c[1], s, e, 0)})
        if by_edit:
            return by_edit
        by_span = sorted({f.rule for f in findings if near(c[0], c[1], f.start, f.end, 0)})
        return by_span or [UNATTRIBUTED]

    used: set[Change] = set()
    for k, g in enumerate(gold):
        mine = [c for c in chs if near(c[0], c[1], g.start, g.end, tol=0)]
        used.update(mine)
        if not mine:
            if g.required:
                r.add("rule", MISSED, "cor_fn")
            continue
        lo = min([g.start] + [c[0] for c in mine])
        hi = max([g.end] + [c[1] for c in mine])
        got = apply_changes(text, mine, lo, hi)
        ok = any(text[lo:g.start] + fx + text[g.end:hi] == got for fx in g.fix)
        rules = sorted({x for c in mine for x in rules_of(c)})
        if ok and g.required:
            r.cor_tp += 1
            r.add("kind", g.kind, "cor_tp")
            r.add("kind", g.kind, "cor_fn", -1)
            for rule in rules:
                r.add("rule", rule, "cor_tp")
        elif not ok:
            r.cor_fp += 1
            r.add("kind", g.kind, "cor_fp")
            for rule in rules:
                r.add("rule", rule, "cor_fp")
            if g.required:
                r.add("rule", MISSED, "cor_fn")
            r.notes.append(Note("BADFIX", f"{g.find!r} -> {got!r}", ",".join(rules), g.kind))
    for c in chs:
        if c in used:
            continue
        rules = rules_of(c)
        r.cor_fp += 1
        r.add("kind", kind_of(rules[0]) if rules[0] != UNATTRIBUTED else "other", "cor_fp")
        for rule in rules:
            r.add("rule", rule, "cor_fp")
        r.notes.append(Note("WRONGEDIT", f"{_snip(text, c[0], c[1], 15)} -> {c[2]!r}", ",".join(rules)))
        if any(q0 < c[0] and c[1] < q1 for q0, q1 in qspans):
            r.quote_violations += 1
    for q0, q1 in qspans:
        inner = text[q0:q1].strip()
        if inner and inner not in fixed:
            r.quote_violations += 1
            r.notes.append(Note("QUOTE-CHANGED", repr(inner[:60])))
    return r


# --------------------------------------------------------------------------- the whole corpus

@dataclass
class Row:
    """A breakdown row (one kind or one rule)."""

    key: str
    det_tp: int = 0
    det_fp: int = 0
    det_fn: int = 0
    cor_tp: int = 0
    cor_fp: int = 0
    cor_fn: int = 0
    kind: str = ""

    def as_dict(self) -> dict:
        dp, dr, df = f05(self.det_tp, self.det_fp, self.det_fn)
        cp, cr, cf = f05(self.cor_tp, self.cor_fp, self.cor_fn)
        d = {"key": self.key}
        if self.kind:
            d["kind"] = self.kind
        d.update(det_tp=self.det_tp, det_fp=self.det_fp, det_fn=self.det_fn,
                 detect_p=round(dp, 3), detect_r=round(dr, 3), detect_f05=round(df, 3),
                 cor_tp=self.cor_tp, cor_fp=self.cor_fp, cor_fn=self.cor_fn,
                 fix_p=round(cp, 3), fix_r=round(cr, 3), fix_f05=round(cf, 3))
        return d


@dataclass
class Report:
    rows: list[ItemScore]
    kinds: dict[str, str] = field(default_factory=dict)
    corpus_kinds: Counter = field(default_factory=Counter)   # required gold edits per kind
    seconds: float = 0.0

    @property
    def summary(self) -> dict:
        """The same figures and keys as ``score.py`` prints."""
        req = sum(r.req for r in self.rows)
        dtp = sum(r.det_tp for r in self.rows)
        dfp = sum(r.det_fp for r in self.rows)
        ctp = sum(r.cor_tp for r in self.rows)
        cfp = sum(r.cor_fp for r in self.rows)
        dp, dr, df = f05(dtp, dfp, req - dtp)
        cp, cr, cf = f05(ctp, cfp, req - ctp)
        return dict(items=len(self.rows), required=req, detect_p=round(dp, 3), detect_r=round(dr, 3),
                    detect_f05=round(df, 3), fix_p=round(cp, 3), fix_r=round(cr, 3), fix_f05=round(cf, 3),
                    detect_fp=dfp, wrong_edits=cfp,
                    quote_violations=sum(r.quote_violations for r in self.rows),
                    errors=sum(r.errors for r in self.rows))

    def breakdown(self, by: str) -> list[Row]:
        if by not in ("kind", "rule"):
            raise ValueError(f"unknown breakdown {by!r} (allowed: kind, rule)")
        rows: dict[str, Row] = {}
        for s in self.rows:
            for (b, key), cnt in s.split.items():
                if b != by:
                    continue
                row = rows.setdefault(key, Row(key))
                for c in _COUNTERS:
                    setattr(row, c, getattr(row, c) + cnt[c])
        if by == "rule":
            for key, row in rows.items():
                if key in (MISSED, UNATTRIBUTED):
                    continue
                row.kind = self.kinds.get(key, "other")
                # recall by rule: share of its kind's required edits that it caught
                row.det_fn = max(0, self.corpus_kinds.get(row.kind, 0) - row.det_tp)
                row.cor_fn = max(0, self.corpus_kinds.get(row.kind, 0) - row.cor_tp)

            def order(k: str):
                return (k in (MISSED, UNATTRIBUTED), k)
        else:
            def order(k: str):
                return (KINDS.index(k) if k in KINDS else len(KINDS), k)
        return [rows[k] for k in sorted(rows, key=order)]

    def silent_rules(self) -> list[str]:
        """Rules that detected no gold edit on this corpus (not exercised)."""
        hit = {r.key for r in self.breakdown("rule") if r.det_tp}
        return [c for c in sorted(self.kinds) if c not in hit]


def evaluate(items: Sequence[Item], runner: Runner | None = None, *, kinds: dict[str, str] | None = None,
             settings=None, progress: Callable[[int, int], None] | None = None) -> Report:
    """Run ``runner`` (default: mtclean in-process with ``settings``) on every item and score it."""
    import time

    t0 = time.perf_counter()
    if runner is None:
        runner = mtclean_runner(settings)
        if kinds is None:
            kinds = rule_kinds(settings)
    kinds = kinds or {}
    rows = []
    for n, item in enumerate(items, 1):
        try:
            found, fixed = runner(item.text)
        except Exception as exc:  # a crash is scored as a total miss, like score.py does
            rows.append(score_item(item, None, None, kinds, error=f"{type(exc).__name__}: {exc}"))
        else:
            rows.append(score_item(item, found, fixed, kinds))
        if progress:
            progress(n, len(items))
    corpus_kinds: Counter = Counter(g.kind for it in items for g in it.edits if g.required)
    return Report(rows, dict(kinds), corpus_kinds, time.perf_counter() - t0)


# --------------------------------------------------------------------------- thresholds and output

@dataclass(frozen=True)
class Thresholds:
    min_detect_f05: float | None = None
    min_fix_f05: float | None = None
    min_detect_p: float | None = None
    min_detect_r: float | None = None
    max_quote_violations: int | None = None
    max_false_findings: int | None = None
    max_wrong_edits: int | None = None
    max_errors: int | None = None


def check_thresholds(report: Report, t: Thresholds) -> list[str]:
    """Human-readable failures (empty when every given threshold is met)."""
    s = report.summary
    fails = []
    for attr, key, low in (("min_detect_f05", "detect_f05", True), ("min_fix_f05", "fix_f05", True),
                           ("min_detect_p", "detect_p", True), ("min_detect_r", "detect_r", True),
                           ("max_quote_violations", "quote_violations", False),
                           ("max_false_findings", "detect_fp", False),
                           ("max_wrong_edits", "wrong_edits", False), ("max_errors", "errors", False)):
        limit = getattr(t, attr)
        if limit is None:
            continue
        value = s[key]
        if (low and value < limit) or (not low and value > limit):
            sign = ">=" if low else "<="
            fails.append(f"{key} = {value} (required {sign} {limit})")
    return fails


def render_text(report: Report, by: str | None = None, verbose: bool = False,
                failures: Sequence[str] = ()) -> str:
    s = report.summary
    lines = []
    if verbose:
        for r in report.rows:
            for n in r.notes:
                lines.append(f"{r.id}: {n}")
        if lines:
            lines.append("")
    lines.append(f"{s['items']} items, {s['required']} required edits, scored in {report.seconds:.1f}s")
    lines.append(f"detection   P {s['detect_p']:.3f}  R {s['detect_r']:.3f}  F0.5 {s['detect_f05']:.3f}"
                 f"   false findings {s['detect_fp']}")
    lines.append(f"correction  P {s['fix_p']:.3f}  R {s['fix_r']:.3f}  F0.5 {s['fix_f05']:.3f}"
                 f"   wrong edits {s['wrong_edits']}")
    lines.append(f"quote violations {s['quote_violations']}   errors {s['errors']}")
    if by:
        lines.append("")
        head = "RULE" if by == "rule" else "KIND"
        extra = f" {'KIND':<20}" if by == "rule" else ""
        lines.append(f"{head:<20}{extra} {'REQ':>4}  {'DET TP':>6} {'FP':>4} {'P':>6} {'R':>6} {'F0.5':>6}"
                     f"   {'FIX TP':>6} {'FP':>4} {'P':>6} {'R':>6} {'F0.5':>6}")
        for row in report.breakdown(by):
            d = row.as_dict()
            req = row.det_tp + row.det_fn if by == "kind" else report.corpus_kinds.get(row.kind, 0)
            if row.key in (MISSED, UNATTRIBUTED):
                req_s = f"{row.det_fn:>4}" if row.key == MISSED else f"{'':>4}"
                k = f" {'':<20}" if by == "rule" else ""
                lines.append(f"{row.key:<20}{k} {req_s}  {row.det_tp:>6} {row.det_fp:>4} {'':>6} {'':>6} {'':>6}"
                             f"   {row.cor_tp:>6} {row.cor_fp:>4}")
                continue
            k = f" {row.kind:<20}" if by == "rule" else ""
            lines.append(f"{row.key:<20}{k} {req:>4}  {row.det_tp:>6} {row.det_fp:>4} {d['detect_p']:>6.3f}"
                         f" {d['detect_r']:>6.3f} {d['detect_f05']:>6.3f}   {row.cor_tp:>6} {row.cor_fp:>4}"
                         f" {d['fix_p']:>6.3f} {d['fix_r']:>6.3f} {d['fix_f05']:>6.3f}")
        if by == "rule":
            silent = report.silent_rules()
            if silent:
                lines.append(f"rules that detected no gold edit: {', '.join(silent)}")
    for f in failures:
        lines.append(f"FAIL: {f}")
    return "\n".join(lines) + "\n"


def render_json(report: Report, by: str | None = None, failures: Sequence[str] = ()) -> str:
    out = {"summary": report.summary, "seconds": round(report.seconds, 2)}
    if by:
        out["by"] = by
        out["breakdown"] = [r.as_dict() for r in report.breakdown(by)]
        if by == "rule":
            out["silent_rules"] = report.silent_rules()
    out["items"] = [r.as_dict() for r in report.rows]
    out["failures"] = list(failures)
    out["passed"] = not failures
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
