"""LanguageTool as a second, general-grammar backend.

mtclean sends the *prose* of each document to a LanguageTool server through
``language-tool-python`` and reports LanguageTool's matches as findings coded
``LT:<rule id>``, in the same report and under the same quote protection:

* **Never protected text.**  Every protected region (quoted speech, URLs, e-mail
  addresses, handles, hashtags, markup, user patterns) is replaced by a short
  neutral placeholder before anything leaves the process (``…`` for a quotation,
  ``example.com`` for a URL, ...); an :class:`OffsetMap` maps LanguageTool's offsets
  back to exact code-point offsets in the original file.  A match touching a
  placeholder maps onto the protected region, so the engine's central filter drops it.
* **Batching and splitting.**  Documents are cut at paragraph boundaries into pieces
  of at most ``max_chars`` (a longer paragraph at sentence ends, then at whitespace),
  and pieces of several documents are packed into one request up to the same size.
  Requests run on a small thread pool, each with a time limit.
* **Failure is not fatal.**  An unreachable or slow server gives one warning; the
  remaining requests are skipped and mtclean's own findings are still reported
  (``--require-languagetool`` turns this into an error).
* **One report per span.**  Where an mtclean finding and a LanguageTool match cover
  the same text, only mtclean's finding is kept, with a note ``also LanguageTool <id>``.
* **Journalism defaults.**  LanguageTool rules that are noisy on edited news prose are
  off by default: ``rules/data/languagetool.toml`` lists them with the reason.  Select
  one back with ``--extend-select LT:<ID>`` (or ``extend-select`` in the config); switch
  any other off with ``--ignore LT:<ID>``; ``--ignore LT`` switches LanguageTool off.

The server is chosen by ``--languagetool URL`` / ``MTCLEAN_LANGUAGETOOL`` /
``languagetool = "http://host:8081"`` in the configuration.  ``local`` lets
language-tool-python start and manage its own server from a local LanguageTool
installation (the one ``scripts/languagetool-server fetch`` caches, or ``LTP_PATH``);
mtclean never downloads anything at run time.
"""
from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from .types import Applicability, Edit, Finding, Fix, Span

PREFIX = "LT"
ENV_URL = "MTCLEAN_LANGUAGETOOL"
ENV_TIMEOUT = "MTCLEAN_LANGUAGETOOL_TIMEOUT"
ENV_RULES = "MTCLEAN_LANGUAGETOOL_RULES"
LOCAL = "local"
OFF_WORDS = frozenset({"", "off", "none", "no", "false", "0"})

DEFAULT_TIMEOUT = 60.0        # seconds for one request (read)
CONNECT_TIMEOUT = 5.0         # seconds to connect
DEFAULT_MAX_CHARS = 20_000    # characters per request
DEFAULT_WORKERS = 2           # concurrent requests
SEPARATOR = "\n\n"            # between pieces packed into one request
PLACEHOLDER_CHAR = "\ufffd"   # stands in for characters outside the BMP

#: what a protected region is replaced by in the text sent to LanguageTool
PLACEHOLDERS = {
    "quote": "…",
    "url": "example.com",
    "email": "name@example.com",
    "handle": "@user",
    "hashtag": "#tag",
    "markup": "",
}
DEFAULT_PLACEHOLDER = "…"

#: LanguageTool issue types -> (severity, confidence)
_ISSUE = {
    "grammar": ("warning", 0.75),
    "misspelling": ("warning", 0.6),
    "duplication": ("warning", 0.7),
    "typographical": ("info", 0.55),
    "whitespace": ("info", 0.55),
    "style": ("info", 0.5),
}
#: issue types whose top suggestion is offered as an unsafe fix; others are display-only
_UNSAFE_ISSUES = frozenset({"grammar", "duplication", "typographical", "whitespace"})


class LanguageToolUnavailable(Exception):
    """The server cannot be used (unreachable, slow, not installed); the message is one line."""


# --------------------------------------------------------------------------- rule policy

@dataclass(frozen=True)
class Policy:
    """LanguageTool rules mtclean switches off by default, with the reason for each."""

    disabled: dict[str, str]
    disabled_categories: dict[str, str] = field(default_factory=dict)
    source: str = ""


def policy_path() -> Path:
    from .paths import rules_dir

    return rules_dir() / "data" / "languagetool.toml"


@lru_cache(maxsize=8)
def load_policy(path: str | None = None) -> Policy:
    """The default-off list (``rules/data/languagetool.toml`` unless ``path``)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    p = Path(path) if path else policy_path()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Policy({}, {}, str(p))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{p}: cannot read the LanguageTool rule list: {exc}") from None
    off = {str(k).upper(): str(v) for k, v in (data.get("disabled") or {}).items()}
    cats = {str(k).upper(): str(v) for k, v in (data.get("disabled_categories") or {}).items()}
    return Policy(off, cats, str(p))


def _code_matches(code: str, selectors: Iterable[str] | None) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in (selectors or ()))


def _specificity(code: str, selectors: Iterable[str] | None) -> int:
    return max((len(s) if s != "ALL" else 0 for s in (selectors or ()) if s == "ALL" or code.startswith(s)),
               default=-1)


def code_enabled(code: str, settings) -> bool:
    """Whether an ``LT:<id>`` finding is selected, with ruff-like select/ignore semantics.

    LanguageTool findings are on by default once a server is configured; ``--select``
    without an ``LT`` selector (or ``ALL``) leaves them out; a more specific select
    beats a less specific ignore."""
    select = settings.select
    if select is None:
        chosen = True
        sel_spec = 0
    else:
        chosen = _code_matches(code, select)
        sel_spec = _specificity(code, select)
    if _code_matches(code, settings.extend_select):
        chosen = True
        sel_spec = max(sel_spec, _specificity(code, settings.extend_select))
    if chosen and _code_matches(code, settings.ignore):
        chosen = sel_spec > _specificity(code, settings.ignore)
    return chosen


def enabled_at_all(settings) -> bool:
    """False when the selection can never include an LT finding (e.g. ``--ignore LT``)."""
    probe = PREFIX + ":\x00"
    if code_enabled(probe, settings):
        return True
    # a specific LT code selected explicitly?
    return any(s.startswith(PREFIX + ":") for s in tuple(settings.select or ()) + tuple(settings.extend_select))


@dataclass(frozen=True)
class RuleRequest:
    """What to ask the server for, and what to drop on mtclean's side."""

    disabled: frozenset[str] = frozenset()             # sent as disabledRules
    enabled: frozenset[str] = frozenset()              # sent as enabledRules
    disabled_categories: frozenset[str] = frozenset()  # sent as disabledCategories
    disabled_prefixes: tuple[str, ...] = ()            # "EN_COMPOUNDS_*" entries, filtered here

    def drops(self, rule_id: str) -> bool:
        return rule_id not in self.enabled and any(rule_id.startswith(p) for p in self.disabled_prefixes)


def _lt_ids(selectors) -> set[str]:
    n = len(PREFIX) + 1
    return {s[n:].upper() for s in (selectors or ()) if s.upper().startswith(PREFIX + ":") and len(s) > n}


def request_rules(settings, policy: Policy | None = None) -> RuleRequest:
    """The default-off list (``MTCLEAN_LANGUAGETOOL_RULES`` names a replacement file),
    minus rules the user selected by exact code, plus rules ignored by exact code."""
    if policy is None:
        policy = load_policy(os.environ.get(ENV_RULES) or None)
    explicit = _lt_ids(tuple(settings.select or ()) + tuple(settings.extend_select))
    off = set(policy.disabled) | _lt_ids(settings.ignore)
    prefixes = tuple(sorted(x[:-1] for x in off if x.endswith("*")))
    exact = frozenset(x for x in off if not x.endswith("*")) - explicit
    return RuleRequest(exact, frozenset(explicit), frozenset(policy.disabled_categories), prefixes)


def describe_rule(code: str) -> str:
    """``mtclean rule LT`` / ``mtclean rule LT:<ID>``: what mtclean does with LanguageTool's rules."""
    policy = load_policy(os.environ.get(ENV_RULES) or None)
    how = ("LanguageTool findings appear when a server is given (--languagetool URL, "
           f"{ENV_URL}, or `languagetool` in the configuration).")
    if code == PREFIX or code == PREFIX + ":":
        out = [f"# {PREFIX} LanguageTool", "", how,
               "Select or ignore them like mtclean's rules: --ignore LT, --extend-select LT:<ID>.", "",
               f"Off by default (from {policy.source}):", ""]
        out += [f"  {rid:<45} {why}" for rid, why in sorted(policy.disabled.items())]
        out += ["", "Categories off by default:", ""]
        out += [f"  {cat:<45} {why}" for cat, why in sorted(policy.disabled_categories.items())]
        return "\n".join(out) + "\n"
    rid = code[len(PREFIX) + 1:]
    reason = policy.disabled.get(rid) or next(
        (why for p, why in policy.disabled.items() if p.endswith("*") and rid.startswith(p[:-1])), None)
    out = [f"# {code} (LanguageTool rule {rid})", "", how, "",
           "Message and suggestions come from LanguageTool; a suggestion is an unsafe fix, or a "
           "display-only one for spelling and for a choice between several style suggestions.", ""]
    if reason:
        out += [f"Default: off for journalism — {reason}",
                f"Turn it on with --extend-select {code} (or extend-select in the configuration)."]
    else:
        out += ["Default: on (unless its LanguageTool category is off: `mtclean rule LT` lists them)",
                f"Turn it off with --ignore {code}."]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- offsets

@dataclass(frozen=True, slots=True)
class Segment:
    """``sent[sent_start:sent_start+sent_len]`` stands for ``original[orig_start:orig_end]``;
    a prose segment is copied one-for-one, a placeholder stands for a protected region."""

    sent_start: int
    sent_len: int
    orig_start: int
    orig_end: int
    prose: bool


class OffsetMap:
    """Maps offsets of the text sent to LanguageTool back to the original document.

    Segments are contiguous in the sent text and original offsets only grow, so a
    span whose ends fall in prose on either side of a placeholder covers the whole
    protected region, and an end inside a placeholder is pushed to the region's edge."""

    def __init__(self, segments: Sequence[Segment]):
        self.segments = list(segments)
        self._solid = [s for s in self.segments if s.sent_len > 0]
        self._starts = [s.sent_start for s in self._solid]
        self.length = sum(s.sent_len for s in self.segments)
        self._lo = self.segments[0].orig_start if self.segments else 0
        self._hi = self.segments[-1].orig_end if self.segments else 0

    def start(self, x: int) -> int:
        """Original offset of sent offset ``x`` used as a span start."""
        if not self._solid or x >= self.length:
            return self._hi
        s = self._solid[max(0, bisect.bisect_right(self._starts, x) - 1)]
        return s.orig_start + (x - s.sent_start) if s.prose else s.orig_start

    def end(self, y: int) -> int:
        """Original offset of sent offset ``y`` used as a span end."""
        if not self._solid or y <= 0:
            return self._lo
        y = min(y, self.length)
        s = self._solid[max(0, bisect.bisect_left(self._starts, y) - 1)]
        return s.orig_start + (y - s.sent_start) if s.prose else s.orig_end

    def span(self, x: int, y: int) -> Span:
        """Original span of the sent span ``[x, y)``."""
        s = self.start(x)
        e = self.end(y) if y > x else s
        return Span(s, max(s, e))


@dataclass
class Piece:
    """Part of one document, ready to send: its text and how to map offsets back."""

    doc: int
    text: str
    map: OffsetMap
    orig_start: int
    orig_end: int


def _placeholder(kind: str, original: str) -> str:
    if "\n" in original:
        # keep line structure (multi-line markup such as code blocks or front matter)
        return "\n" * min(original.count("\n"), 2)
    return PLACEHOLDERS.get(kind, DEFAULT_PLACEHOLDER)


def _bmp(text: str) -> str:
    """Characters outside the BMP become one U+FFFD each, so LanguageTool's UTF-16
    offsets equal code-point offsets."""
    if all(ord(c) < 0x10000 for c in text):
        return text
    return "".join(c if ord(c) < 0x10000 else PLACEHOLDER_CHAR for c in text)


def build_piece(doc, lo: int, hi: int, index: int = 0) -> Piece:
    """The sendable text of ``doc.text[lo:hi]`` with protected regions replaced."""
    text = doc.text
    kinds: dict[int, str] = {}
    for r in doc.regions:
        kinds.setdefault(r.start, r.kind)
    segments: list[Segment] = []
    out: list[str] = []
    pos_sent = 0
    pos = lo
    for ps in doc.protection.spans:
        if ps.end <= lo:
            continue
        if ps.start >= hi:
            break
        s, e = max(ps.start, lo), min(ps.end, hi)
        if s > pos:
            chunk = _bmp(text[pos:s])
            segments.append(Segment(pos_sent, len(chunk), pos, s, True))
            out.append(chunk)
            pos_sent += len(chunk)
        ph = _placeholder(kinds.get(ps.start, "quote"), text[s:e])
        segments.append(Segment(pos_sent, len(ph), s, e, False))
        out.append(ph)
        pos_sent += len(ph)
        pos = e
    if pos < hi:
        chunk = _bmp(text[pos:hi])
        segments.append(Segment(pos_sent, len(chunk), pos, hi, True))
        out.append(chunk)
    return Piece(index, "".join(out), OffsetMap(segments), lo, hi)


def split_ranges(doc, max_chars: int = DEFAULT_MAX_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` ranges covering the document's paragraphs, cut at paragraph
    boundaries into pieces of at most ``max_chars`` characters (a longer paragraph is
    cut at sentence ends, then at whitespace)."""
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for lo, hi in doc.paragraphs:
        if hi <= lo or not doc.text[lo:hi].strip():
            continue
        if hi - lo > max_chars:
            if cur:
                out.append(cur)
                cur = None
            out.extend(_split_long(doc, lo, hi, max_chars))
            continue
        if cur is None:
            cur = (lo, hi)
        elif hi - cur[0] <= max_chars:
            cur = (cur[0], hi)
        else:
            out.append(cur)
            cur = (lo, hi)
    if cur:
        out.append(cur)
    return out


def _split_long(doc, lo: int, hi: int, max_chars: int) -> list[tuple[int, int]]:
    ends = [e for s, e in doc.sentences if lo < e < hi]
    out: list[tuple[int, int]] = []
    start = lo
    while hi - start > max_chars:
        limit = start + max_chars
        i = bisect.bisect_right(ends, limit) - 1
        cut = ends[i] if i >= 0 and ends[i] > start else -1
        if cut < 0:
            ws = max(doc.text.rfind(" ", start + 1, limit), doc.text.rfind("\n", start + 1, limit))
            cut = ws if ws > start else limit
        out.append((start, cut))
        start = cut
        while start < hi and doc.text[start].isspace():
            start += 1
    if start < hi:
        out.append((start, hi))
    return out


def pieces_for(docs: Sequence, max_chars: int = DEFAULT_MAX_CHARS) -> list[Piece]:
    return [build_piece(doc, lo, hi, i) for i, doc in enumerate(docs) for lo, hi in split_ranges(doc, max_chars)]


def pack(pieces: Sequence[Piece], max_chars: int = DEFAULT_MAX_CHARS) -> list[list[Piece]]:
    """Group pieces (in order) into requests of at most ``max_chars`` characters."""
    batches: list[list[Piece]] = []
    size = 0
    for p in pieces:
        if not p.text.strip():
            continue
        add = len(p.text) + (len(SEPARATOR) if batches and batches[-1] else 0)
        if batches and batches[-1] and size + add <= max_chars:
            batches[-1].append(p)
            size += add
        else:
            batches.append([p])
            size = len(p.text)
    return batches


# --------------------------------------------------------------------------- matches -> findings

def _name(category: str) -> str:
    return "lt-" + (category or "other").lower().replace("_", "-")


def match_finding(match, span: Span) -> Finding:
    """A :class:`Finding` for one language-tool-python ``Match`` at original ``span``."""
    issue = (getattr(match, "rule_issue_type", "") or "").lower()
    severity, confidence = _ISSUE.get(issue, ("info", 0.5))
    reps = [r for r in (getattr(match, "replacements", None) or []) if isinstance(r, str)]
    fix = None
    if reps:
        # a spelling suggestion is display-only even when it is the only one: on news
        # prose the "misspelt" word is usually a name
        app = (Applicability.UNSAFE if issue in _UNSAFE_ISSUES or (len(reps) == 1 and issue != "misspelling")
               else Applicability.DISPLAY_ONLY)
        shown = ", ".join(repr(r) for r in reps[:5]) + (", …" if len(reps) > 5 else "")
        fix = Fix((Edit(span, reps[0]),), app, f"LanguageTool suggests {shown}")
    message = (getattr(match, "message", "") or "").strip() or "LanguageTool match"
    return Finding(f"{PREFIX}:{match.rule_id}", _name(getattr(match, "category", "")), span, message,
                   severity, confidence, fix)


def _map_matches(batch: Sequence[Piece], matches) -> list[tuple[int, Finding]]:
    out: list[tuple[int, Finding]] = []
    bases = []
    pos = 0
    for p in batch:
        bases.append(pos)
        pos += len(p.text) + len(SEPARATOR)
    for m in matches:
        start = int(m.offset)
        end = start + int(getattr(m, "error_length", 0) or 0)
        k = bisect.bisect_right(bases, start) - 1
        if k < 0:
            continue
        p = batch[k]
        lo, hi = start - bases[k], end - bases[k]
        if hi > len(p.text):          # crosses into the separator or the next piece
            continue
        out.append((p.doc, match_finding(m, p.map.span(lo, hi))))
    return out


# --------------------------------------------------------------------------- dedupe

def _same_text(a: Span, b: Span) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


def merge(mtclean: Sequence[Finding], lt: Sequence[Finding]) -> list[Finding]:
    """mtclean's findings plus LanguageTool's, reporting each span once: an LT finding
    covering the same text as an mtclean finding is dropped and noted on it."""
    mt = [f for f in mtclean if not f.rule.startswith(PREFIX + ":")]
    notes: dict[int, list[str]] = {}
    kept: list[Finding] = []
    order = sorted(range(len(mt)), key=lambda i: mt[i].span.start)
    starts = [mt[i].span.start for i in order]
    longest = max((len(f.span) for f in mt), default=0)
    for f in lt:
        hits = []
        j = bisect.bisect_right(starts, f.span.end) - 1
        while j >= 0 and starts[j] >= f.span.start - longest:
            i = order[j]
            if _same_text(mt[i].span, f.span):
                hits.append(i)
            j -= 1
        if hits:
            note = f"also LanguageTool {f.rule[len(PREFIX) + 1:]}"
            for i in hits:
                if note not in notes.setdefault(i, []):
                    notes[i].append(note)
        else:
            kept.append(f)
    out = [f.with_notes(*notes[i]) if i in notes else f for i, f in enumerate(mt)]
    out.extend(f for f in mtclean if f.rule.startswith(PREFIX + ":"))
    out.extend(kept)
    out.sort(key=lambda f: (f.span.start, f.span.end, f.rule))
    return out


# --------------------------------------------------------------------------- the client

def resolve_url(option: str | None, configured: str | None = None, environ=None) -> str | None:
    """The server to use: the command-line option, else ``MTCLEAN_LANGUAGETOOL``,
    else the configuration; ``off``/``none``/empty switch LanguageTool off."""
    environ = os.environ if environ is None else environ
    for value in (option, environ.get(ENV_URL), configured):
        if value is None:
            continue
        value = value.strip()
        return None if value.lower() in OFF_WORDS else value
    return None


def _timeout(environ=None) -> float:
    environ = os.environ if environ is None else environ
    try:
        v = float(environ.get(ENV_TIMEOUT, DEFAULT_TIMEOUT))
        return v if v > 0 else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def local_installation(environ=None) -> tuple[str, str] | None:
    """(LTP_PATH directory, version) of a LanguageTool installation language-tool-python
    can start: ``LTP_PATH`` if set, else the cache of ``scripts/languagetool-server``,
    else language-tool-python's own download folder."""
    environ = os.environ if environ is None else environ
    candidates: list[Path] = []
    if environ.get("LTP_PATH"):
        candidates.append(Path(environ["LTP_PATH"]))
    cache = environ.get("MTCLEAN_LT_CACHE") or os.path.join(
        environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "mtclean", "languagetool")
    cache_dir = Path(cache)
    want = environ.get("MTCLEAN_LT_VERSION")
    if cache_dir.is_dir():
        versions = sorted((d for d in cache_dir.iterdir() if d.is_dir() and d.name[:1].isdigit()),
                          key=lambda d: [int(x) if x.isdigit() else 0 for x in d.name.split(".")], reverse=True)
        if want:
            versions = [d for d in versions if d.name == want] + [d for d in versions if d.name != want]
        candidates.extend(versions)
    candidates.append(Path(os.path.expanduser("~")) / ".cache" / "language_tool_python")
    for base in candidates:
        if not base.is_dir():
            continue
        for d in sorted(base.glob("LanguageTool-*"), reverse=True):
            version = d.name[len("LanguageTool-"):]
            if any((d / j).is_file() for j in ("languagetool-server.jar", "LanguageTool.jar", "languagetool.jar")):
                return str(base), version
    return None


LOCAL_HELP = ("no local LanguageTool installation found for --languagetool local: run "
              "`scripts/languagetool-server fetch` (needs Java 17 and Maven) or set LTP_PATH to a folder "
              "holding LanguageTool-<version>/, or give a server URL (--languagetool http://127.0.0.1:8081)")


class Client:
    """A language-tool-python ``LanguageTool`` bound to one server, with time limits."""

    def __init__(self, url: str, language: str = "en-US", *, timeout: float | None = None,
                 rules: RuleRequest | None = None):
        self.url = url
        self.timeout = timeout or _timeout()
        self.local = url.strip().lower() == LOCAL
        try:
            import language_tool_python as ltp
        except ImportError:
            raise LanguageToolUnavailable(
                "language-tool-python is not installed (pip install 'mtclean[languagetool]')") from None
        cls = _tool_class(ltp.LanguageTool, self.timeout)
        try:
            if self.local:
                found = local_installation()
                if found is None:
                    raise LanguageToolUnavailable(LOCAL_HELP)
                base, version = found
                os.environ["LTP_PATH"] = base
                # never let language-tool-python download anything
                os.environ.setdefault("LTP_JAR_DIR_PATH", str(Path(base) / f"LanguageTool-{version}"))
                self.tool = cls(language, language_tool_download_version=version)
            else:
                self.tool = cls(language, remote_server=url)
        except LanguageToolUnavailable:
            raise
        except Exception as exc:  # connection refused, DNS, timeout, bad JSON, no Java...
            where = "a local LanguageTool server" if self.local else f"LanguageTool at {url}"
            raise LanguageToolUnavailable(f"{where} is unavailable: {_short(exc)}") from None
        self.rules = rules or RuleRequest()
        self.tool.disabled_rules = set(self.rules.disabled)
        self.tool.enabled_rules = set(self.rules.enabled)
        self.tool.disabled_categories = set(self.rules.disabled_categories)

    def check(self, text: str):
        try:
            return self.tool.check(text)
        except Exception as exc:
            raise LanguageToolUnavailable(f"LanguageTool at {self.url} failed: {_short(exc)}") from None

    def close(self) -> None:
        try:
            self.tool.close()
        except Exception:  # pragma: no cover - best effort
            pass


def _short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())
    for marker in ("Connection refused", "timed out", "Read timed out", "Name or service not known",
                   "Failed to establish a new connection"):
        if marker in msg:
            return marker.lower() if marker != "Connection refused" else "connection refused"
    return (msg[:160] + "…") if len(msg) > 160 else (msg or type(exc).__name__)


@lru_cache(maxsize=8)
def _tool_class(base, timeout: float):
    """A LanguageTool subclass with mtclean's time limits and no silent retries."""

    class _Tool(base):  # type: ignore[misc, valid-type]
        _TIMEOUT = (min(CONNECT_TIMEOUT, timeout), timeout)

        def _query_server(self, url, params=None, num_tries=2, **kwargs):
            return super()._query_server(url, params, 1, **kwargs)

    return _Tool


_CLIENTS: dict[tuple, Client] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(url: str, language: str, settings) -> Client:
    rules = request_rules(settings)
    key = (url, language, _timeout(), rules)
    with _CLIENTS_LOCK:
        c = _CLIENTS.get(key)
        if c is None:
            c = Client(url, language, rules=rules)
            _CLIENTS[key] = c
        return c


# --------------------------------------------------------------------------- checking documents

@dataclass
class Outcome:
    """LanguageTool findings per document, and what went wrong (one line) if anything."""

    findings: list[list[Finding]]
    problem: str | None = None
    checked: int = 0            # documents fully checked
    requests: int = 0


def check_documents(docs: Sequence, client: Client, *, max_chars: int = DEFAULT_MAX_CHARS,
                    workers: int = DEFAULT_WORKERS) -> Outcome:
    """LanguageTool's raw findings (original offsets, unfiltered) for each document."""
    pieces = pieces_for(docs, max_chars)
    batches = pack(pieces, max_chars)
    out = Outcome([[] for _ in docs])
    failed: set[int] = set()
    stop = threading.Event()
    problem: list[str] = []

    def run(batch: list[Piece]):
        if stop.is_set():
            return batch, None
        text = SEPARATOR.join(p.text for p in batch)
        try:
            return batch, client.check(text)
        except LanguageToolUnavailable as exc:
            stop.set()
            problem.append(str(exc))
            return batch, None

    if workers > 1 and len(batches) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, batches))
    else:
        results = [run(b) for b in batches]
    for batch, matches in results:
        if matches is None:
            failed.update(p.doc for p in batch)
            continue
        out.requests += 1
        for i, f in _map_matches(batch, matches):
            out.findings[i].append(f)
    if failed:
        for i in failed:
            out.findings[i] = []
        out.problem = problem[0] if problem else "LanguageTool requests were skipped"
    out.checked = len(docs) - len(failed)
    return out


def lt_findings(doc, lt_raw: Iterable[Finding], settings) -> list[Finding]:
    """Selected LT findings that survive the engine's protection and confidence filter."""
    from .engine import filter_findings

    rules = request_rules(settings)
    chosen = [f for f in lt_raw if code_enabled(f.rule, settings) and not rules.drops(f.rule[len(PREFIX) + 1:])]
    if settings.accept:
        # words the user's vocabulary accepts are not misspellings (names, house terms)
        accept = settings.accept
        chosen = [f for f in chosen if not (f.name == "lt-typos" and _accepted(doc.text[f.start:f.end], accept))]
    return filter_findings(doc, chosen, settings.min_confidence)


def _accepted(text: str, accept) -> bool:
    words = text.split()
    return bool(words) and all(w in accept or w.lower() in accept for w in words)


def check_text(text: str, settings, *, regions=(), path: str = "-", url: str | None = None) -> list[Finding]:
    """mtclean's findings for ``text`` merged with LanguageTool's (raises
    :class:`LanguageToolUnavailable` when the server cannot be used)."""
    from .engine import build_document, check_document, make_context, rules_for

    url = url or settings.languagetool
    doc = build_document(text, settings, regions=regions, path=path)
    mt = check_document(doc, rules_for(settings), make_context(settings), settings)
    if not url or not enabled_at_all(settings):
        return mt
    res = check_documents([doc], client_for(url, settings.dialect, settings))
    if res.problem:
        raise LanguageToolUnavailable(res.problem)
    return merge(mt, lt_findings(doc, res.findings[0], settings))


# --------------------------------------------------------------------------- CLI runs

class Session:
    """LanguageTool for one CLI run: collects files while mtclean checks them, then
    adds LanguageTool's findings (batched per server) and reports problems once.

    ``check_files`` calls :meth:`add` per file and :meth:`finish_check` at the end;
    ``fix_files`` calls :meth:`amend_fix` per file and :meth:`finish` at the end.
    Problems become one warning line each (or errors with ``require``)."""

    def __init__(self, require: bool = False):
        self.require = require
        self.jobs: list[tuple] = []
        self.configured = 0
        self.skipped = 0
        self.total = 0
        self.problems: dict[str, str] = {}   # url -> first problem

    def add(self, report, regions, settings) -> None:
        if settings.languagetool:
            self.configured += 1
            if enabled_at_all(settings):
                self.jobs.append((report, list(regions), settings))

    def finish_check(self, result) -> None:
        from .engine import build_document

        groups: dict[tuple, list[tuple]] = {}
        for job in self.jobs:
            st = job[2]
            groups.setdefault((st.languagetool, st.dialect, request_rules(st)), []).append(job)
        for (url, language, _rules), group in groups.items():
            self.total += len(group)
            if url in self.problems:
                self.skipped += len(group)
                continue
            try:
                client = client_for(url, language, group[0][2])
                docs = [build_document(r.text, st, regions=rg, path=r.path) for r, rg, st in group]
                res = check_documents(docs, client)
            except LanguageToolUnavailable as exc:
                self.problems.setdefault(url, str(exc))
                self.skipped += len(group)
                continue
            for (report, _rg, st), doc, raw in zip(group, docs, res.findings):
                if raw:
                    report.findings = merge(report.findings, lt_findings(doc, raw, st))
            if res.problem:
                self.problems.setdefault(url, res.problem)
                self.skipped += len(group) - res.checked
        self.finish(result)

    def amend_fix(self, res, settings, *, regions_for=None, path: str = "-", unsafe: bool = False) -> None:
        """Add LanguageTool to one file's :class:`FixResult` (in place)."""
        if not settings.languagetool:
            return
        self.configured += 1
        if not enabled_at_all(settings):
            return
        self.total += 1
        url = settings.languagetool
        if url in self.problems:
            self.skipped += 1
            return
        try:
            text, remaining, applied = fix_with_languagetool(
                res.text, res.remaining, settings, regions_for=regions_for, path=path, unsafe=unsafe)
        except LanguageToolUnavailable as exc:
            self.problems.setdefault(url, str(exc))
            self.skipped += 1
            return
        res.text, res.remaining = text, remaining
        res.applied.extend(applied)

    def finish(self, result) -> None:
        """Put the run's LanguageTool problems on ``result`` (warnings or errors)."""
        if self.require and not self.configured:
            result.errors.append("--require-languagetool: no LanguageTool server is configured (give "
                                 f"--languagetool URL, set {ENV_URL}, or `languagetool` in the configuration)")
            return
        for url, problem in self.problems.items():
            line = f"{problem}; {self.skipped} of {self.total} file(s) were not checked by LanguageTool"
            if self.require:
                result.errors.append(line)
            else:
                result.warnings.append(
                    line + "; mtclean's own findings are reported (--require-languagetool makes this an error)")


def fix_with_languagetool(text: str, remaining: Sequence[Finding], settings, *, regions_for=None,
                          path: str = "-", unsafe: bool = False) -> tuple[str, list[Finding], list[Finding]]:
    """After mtclean's fixer produced ``text`` (with ``remaining`` findings): apply
    LanguageTool's unsafe suggestions once (with ``unsafe``), then report what remains,
    merged.  Returns ``(text, remaining, applied)``; raises :class:`LanguageToolUnavailable`
    when the server cannot be used.  ``regions_for(text)`` gives format regions."""
    from .engine import build_document, check_document, make_context, rules_for
    from .fixer import apply_edits, map_position, select_fixes

    regions_for = regions_for or (lambda _t: [])
    client = client_for(settings.languagetool, settings.dialect, settings)

    def lt_of(doc):
        res = check_documents([doc], client)
        if res.problem:
            raise LanguageToolUnavailable(res.problem)
        return lt_findings(doc, res.findings[0], settings)

    doc = build_document(text, settings, regions=regions_for(text), path=path)
    lt = lt_of(doc)
    remaining = list(remaining)
    applied: list[Finding] = []
    if unsafe and lt:
        candidates = [f for f in lt if not any(_same_text(m.span, f.span) for m in remaining)]
        chosen = select_fixes(candidates, Applicability.UNSAFE)
        if chosen:
            edits = sorted((e for f in chosen for e in f.fix.edits), key=lambda e: (e.span.start, e.span.end))
            new = apply_edits(text, edits)
            intact = all(new[map_position(p.start, edits, right=True):map_position(p.end, edits)]
                         == text[p.start:p.end] for p in doc.protection.spans)
            if intact:
                applied, text = chosen, new
                doc = build_document(text, settings, regions=regions_for(text), path=path)
                remaining = check_document(doc, rules_for(settings), make_context(settings), settings)
                lt = lt_of(doc)
    return text, merge(remaining, lt), applied
