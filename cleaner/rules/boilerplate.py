"""MT401 boilerplate lines: scraping leftovers that stand on a line of their own.

Photo credits (``Photo by Drew Angerer/Getty Images``), ``Read more: ...``,
``Advertisement``, ``More stories``, share and subscribe prompts, cookie notices,
donation blurbs — and the caption line just before a photo credit.  The patterns
are data (``rules/boilerplate/*.pack.toml``, same entry format as the calque packs,
each ``find`` matched against a whole line); users add their own with a pack that
``extends = "MT401"``.

The fix removes the whole line with one of the line breaks around it, so the
paragraph structure of the rest is unchanged: ``para\\n\\nAdvertisement\\n\\npara``
becomes ``para\\n\\npara``, and a trailing ``\\n\\nRead more: ...`` disappears.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import regex
from ..regexcache import compile_std as _rx_std   # compiled once per machine, not per run
from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)

from ..types import Applicability, Finding
from .base import Context, Rule
from .phrasebook import Entry, Pack, load_pack, _inside, merged_alternation, safe_text

# Every built-in pattern that can match a line of more than 160 characters starts
# with one of the first words below or contains one of the others (cookie notices,
# donation blurbs, newsletter pitches); a longer line without them is prose.  Plain
# ``re`` on the lower-cased line: several times faster than a case-insensitive scan.
_LONG_START = _rx_std(
    r"[\W]{0,3}(?:read|see|watch|listen|related|recommended|more|also|don|trending|most|popular|top|latest"
    r"|you|editor|what|further|in\s|icymi|around|from|photo|image|picture|pic|video|credit|source|caption"
    r"|click|tap|liked|like|enjoy|did\s|if\s|share|follow|find|join|subscribe|sign|get|register|published"
    r"|updated|posted|first|modified|this|a\sversion|reporting|additional|writing|editing|topics|tags|filed"
    r"|categor|keywords|©|\(c\)|copyright|all\srights|accept|reject|manage|privacy|terms|become|already"
    r"|you\shave|start|try|advert|sponsored|story|article|continue|skip|scroll|supported|partner|presented)")
_LONG_ANYWHERE = _rx_std(r"cookie|donat|journalism|newsletter|inbox|subscri|your\ssupport")
# _LONG_ANYWHERE's literals: `in` finds each of them ~2x faster than the alternation
# (tried at every c, d, i, j, n, s and y); the one with a \s goes to the pattern
# only when its literal part is there
_ANYWHERE_WORDS = ("cookie", "donat", "journalism", "newsletter", "inbox", "subscri")


def _long_anywhere(low: str) -> bool:
    """``_LONG_ANYWHERE.search(low) is not None``, found with ``in``."""
    for word in _ANYWHERE_WORDS:
        if word in low:
            return True
    return "support" in low and _LONG_ANYWHERE.search(low) is not None
_TERMINAL = _rx(r"[.!?…:;”\"’')\]]\s*$")
# Entries that may start anywhere in a line (``[^\n]{0,200}\b(?:we\s+use\s+cookies...``)
# cost most of a pack's merged alternation: the regex tries each of them at every
# character.  Once a rule has classified this many lines (a batch, not one page: the
# split costs parsing), each pack's alternation is split in two, and those entries run
# only on lines holding a literal string of each group that they need.
_SPLIT_AFTER = 64
_FLOATING = ("[^\\n]", "(?=")
_WORDS = _rx(r"\S+")


@dataclass(frozen=True, slots=True)
class _Line:
    start: int           # first non-blank character
    end: int             # after the last non-blank character
    text: str


def content_lines(text: str) -> list[_Line]:
    """Non-blank lines with their stripped spans."""
    out: list[_Line] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl
        s, e = pos, stop
        while s < e and text[s] in " \t\r\f\v\u00a0":
            s += 1
        while e > s and text[e - 1] in " \t\r\f\v\u00a0":
            e -= 1
        if s < e:
            out.append(_Line(s, e, text[s:e]))
        if nl < 0:
            break
        pos = nl + 1
    return out


def removal_span(text: str, lines: list[_Line], i: int, next_is_removed: bool) -> tuple[int, int]:
    """The span that deletes line ``i`` with one of the separators around it."""
    line = lines[i]
    prev_end = lines[i - 1].end if i > 0 else None
    next_start = lines[i + 1].start if i + 1 < len(lines) else None
    # start of the physical line (keep nothing of it) and end including its newline run
    line_start = text.rfind("\n", 0, line.start) + 1
    if next_start is None:
        # last line: remove the separator before it, keep the document's final newline(s)
        if prev_end is None:
            return line_start, line.end
        return prev_end, line.end
    if prev_end is None:
        return line_start, next_start
    before = text[prev_end:line.start]
    after = text[line.end:next_start]
    if next_is_removed or before.count("\n") < after.count("\n"):
        return prev_end, line.end
    # remove the line and the smaller separator around it; the larger one stays
    return line_start, next_start


class BoilerplateLines(Rule):
    """Lines that are navigation, credit or promotion leftovers, not prose."""

    def __init__(self, meta, options=None, data=None, path=None):
        super().__init__(meta, options, data, path)
        from pathlib import Path

        from ..paths import rules_dir

        builtin = rules_dir().resolve()
        self.packs: list[Pack] = []
        data = data or {}
        own = {k: data[k] for k in ("entries", "language") if k in data}
        if own.get("entries"):
            p = Path(path) if path else Path(meta.source or "<rule>")
            self.packs.append(load_pack(p, own, user=not _inside(p, builtin), is_rule=True))
        for pack_path, pack_data in data.get("packs", ()):
            self.packs.append(load_pack(pack_path, pack_data, user=not _inside(Path(pack_path), builtin)))
        self.builtin_only = not any(p.user for p in self.packs)
        self.max_length = int(self.options.get("max_line_length", 600))
        self.caption_words = int(self.options.get("caption_max_words", 40))
        self._lines = 0
        self._splits: dict[int, tuple | None] = {}

    @property
    def entries(self) -> list[Entry]:
        return [e for p in self.packs for e in p.entries]

    def __getstate__(self):
        return {**self.__dict__, "_splits": {}}      # keyed by ids of packs: rebuilt

    def classify(self, line: str) -> Entry | None:
        """The first entry whose pattern matches the whole (stripped) line."""
        if len(line) > self.max_length:
            return None
        if len(line) > 160 and self.builtin_only:
            low = line.lower()
            if not (_LONG_START.match(low) or _long_anywhere(low)):
                return None                  # a paragraph of prose: no long pattern can match
        self._lines += 1
        for pack in self.packs:
            if pack.combined is None or not self._may_match(pack, line):
                continue
            for entry in pack.entries:
                if pack.runner.fullmatch(entry.pattern, line) is not None:
                    return entry
        return None

    def _may_match(self, pack: Pack, line: str) -> bool:
        """Whether an entry of ``pack`` matches the whole line (its merged alternation
        does), testing the entries that may start anywhere only when they can."""
        split = self._splits.get(id(pack), False)
        if split is False:
            if self._lines < _SPLIT_AFTER or pack.user:
                return pack.runner.fullmatch(pack.combined, line) is not None
            split = self._splits[id(pack)] = _split(pack)
        if split is None:
            return pack.runner.fullmatch(pack.combined, line) is not None
        anchored, floating, needs = split
        if anchored is not None and pack.runner.fullmatch(anchored, line) is not None:
            return True
        if safe_text(line):
            low = line.lower()
            if not any(all(any(s in low for s in group) for group in groups) for groups in needs):
                return False             # no floating entry has all it needs here
        return pack.runner.fullmatch(floating, line) is not None

    def check(self, doc, ctx: Context) -> Iterable[Finding]:
        text = doc.text
        lines = content_lines(text)
        if not lines:
            return
        labels: dict[int, str] = {}
        notes: dict[int, str] = {}
        for i, line in enumerate(lines):
            entry = self.classify(line.text)
            if entry is not None:
                labels[i] = entry.find if not entry.note else entry.note.split(":")[0]
                notes[i] = entry.note
        # a caption: the short line right before a photo credit (not the title)
        for i in list(labels):
            if not labels[i].startswith("photo credit") or i == 0 or (i - 1) in labels:
                continue
            cand = lines[i - 1]
            words = _WORDS.findall(cand.text)
            if i - 1 == 0 or not words or len(words) > self.caption_words:
                continue
            if _TERMINAL.search(cand.text):
                continue                   # a sentence: prose, not a caption
            labels[i - 1] = "caption"
            notes[i - 1] = "caption: the line describing the photo whose credit follows"
        removed = set(labels)
        for i in sorted(labels):
            line = lines[i]
            s, e = removal_span(text, lines, i, (i + 1) in removed)
            label = labels[i]
            fix = self.replace(s, e, "", f"remove the {label} line", Applicability.UNSAFE)
            msg = f"scraping leftover ({label}): “{_short(line.text)}”"
            yield self.finding(line.start, line.end, msg, fix=fix,
                               confidence=0.75 if label == "caption" else 0.9)


def _split(pack: Pack) -> tuple | None:
    """(merged alternation of the entries anchored at the line start or None, that
    of the floating ones, the literal needs of each floating one); None when no
    entry floats or one's needs cannot be read (the pack's alternation is used)."""
    from .phrasebook_plans import literal_needs     # (not needed by a short document: start-up time)

    floating = [e for e in pack.entries if e.body.startswith(_FLOATING)]
    if not floating:
        return None
    needs = [literal_needs(e) for e in floating]
    if any(not n for n in needs):
        return None
    anchored = [e for e in pack.entries if e not in floating]
    return (merged_alternation(anchored) if anchored else None, merged_alternation(floating), needs)


def _short(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"
