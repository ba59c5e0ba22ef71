#!/usr/bin/env python3
"""Build ``corpus/mtclean.jsonl`` from the hand-written sources in ``corpus/src/``.

The sources are plain text with the gold edits marked inline, which is much
easier to write and review than JSON with character offsets::

    ### n001 news es
    note: Spanish politics: resumptive pronoun, glued link boundary
    The deal was announced by the ministry, [[pronoun-calque: which it said => which said]]
    the text would go to parliament, and by poorer [[glued-words: regionsincluding =>
    regions, including | regions including]] Extremadura.

* ``### ID GENRE SOURCE_LANG`` starts an item; an optional ``note:`` line follows;
  the rest up to the next ``###`` is the text (paragraphs separated by a blank line).
* ``[[KIND: FIND => FIX | FIX ...]]`` marks a required edit; ``[[?KIND: ...]]`` an
  optional one (``required: false``).  In FIND and FIX, ``\\n`` is a newline; one
  space next to ``:``, ``=>`` and ``|`` is syntax, not content; an empty FIX is a
  deletion.  The text of the item is the source with every mark replaced by its FIND.
* Lines starting with ``//`` are comments.

Run ``python corpus/build.py`` (``--check`` only verifies that the JSONL is up to
date).  Every item is validated: each FIND must occur exactly once in its text,
edits must not overlap, kinds and genres must be the ones FORMAT.md allows.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
OUT = HERE / "mtclean.jsonl"

KINDS = ("glued-words", "stray-period", "pronoun-calque", "possessive-dropped", "lexical-calque",
         "acronym-calque", "punctuation-spacing", "duplicated-word", "boilerplate", "word-order",
         "agreement", "other")
GENRES = ("news", "opinion", "press-release", "blog", "sports", "science", "business", "culture")
LANGS = ("it", "es", "fr", "de", "pt", "ru", "none")

MARK = re.compile(r"\[\[(\??)([a-z-]+):(.*?)\]\]", re.S)


class SourceError(Exception):
    pass


def _trim1(s: str) -> str:
    if s.startswith(" "):
        s = s[1:]
    if s.endswith(" "):
        s = s[:-1]
    return s


def _unescape(s: str) -> str:
    return s.replace("\\n", "\n")


def parse_block(header: str, body: str, where: str) -> dict:
    parts = header.split()
    if len(parts) != 3:
        raise SourceError(f"{where}: header must be '### ID GENRE LANG', got {header!r}")
    iid, genre, lang = parts
    if genre not in GENRES:
        raise SourceError(f"{where}: {iid}: unknown genre {genre!r}")
    if lang not in LANGS:
        raise SourceError(f"{where}: {iid}: unknown source language {lang!r}")
    lines = [ln for ln in body.split("\n") if not ln.startswith("//")]
    note = ""
    if lines and lines[0].startswith("note:"):
        note = lines.pop(0)[5:].strip()
    src = "\n".join(lines).strip("\n")
    text_parts, edits, pos = [], [], 0
    for m in MARK.finditer(src):
        text_parts.append(src[pos:m.start()])
        optional, kind, inner = m.group(1) == "?", m.group(2), m.group(3)
        if kind not in KINDS:
            raise SourceError(f"{where}: {iid}: unknown kind {kind!r} in {m.group(0)!r}")
        if "=>" not in inner:
            raise SourceError(f"{where}: {iid}: mark without '=>': {m.group(0)!r}")
        find, fixes = inner.split("=>", 1)
        find = _unescape(_trim1(find))
        fixes = [_unescape(_trim1(f)) for f in fixes.split("|")]
        if not find:
            raise SourceError(f"{where}: {iid}: empty find in {m.group(0)!r}")
        text_parts.append(find)
        edits.append({"find": find, "fix": fixes, "kind": kind, "required": not optional})
        pos = m.end()
    text_parts.append(src[pos:])
    text = "".join(text_parts)
    if "[[" in text or "]]" in text:
        raise SourceError(f"{where}: {iid}: unbalanced mark")
    spans = []
    for e in edits:
        n = text.count(e["find"])
        if n != 1:
            raise SourceError(f"{where}: {iid}: find {e['find']!r} occurs {n} times; add context")
        if e["find"] in e["fix"]:
            raise SourceError(f"{where}: {iid}: find {e['find']!r} is one of its own fixes")
        s = text.index(e["find"])
        spans.append((s, s + len(e["find"]), e["find"]))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if a[1] >= b[0]:
            # touching edits: the scorer would merge the changes of both into each
            raise SourceError(f"{where}: {iid}: edits {a[2]!r} and {b[2]!r} overlap or touch")
    words = len(text.split())
    if not 60 <= words <= 250:
        raise SourceError(f"{where}: {iid}: {words} words (60-250 allowed)")
    return {"id": iid, "genre": genre, "source_lang": lang, "text": text, "edits": edits, "note": note}


def read_sources() -> list[dict]:
    items = []
    for path in sorted(SRC.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        blocks = re.split(r"^### ", raw, flags=re.M)
        for block in blocks[1:]:
            header, _, body = block.partition("\n")
            items.append(parse_block(header.strip(), body, path.name))
    ids = [it["id"] for it in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SourceError(f"duplicate item ids: {', '.join(dupes)}")
    return items


def render(items: list[dict]) -> str:
    return "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)


def main(argv: list[str]) -> int:
    try:
        items = read_sources()
    except SourceError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return 2
    out = render(items)
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != out:
            print("build.py: corpus/mtclean.jsonl is out of date; run python corpus/build.py", file=sys.stderr)
            return 1
        print(f"{len(items)} items, up to date")
        return 0
    OUT.write_text(out, encoding="utf-8")
    from collections import Counter

    kinds = Counter(e["kind"] for it in items for e in it["edits"])
    req = Counter(e["kind"] for it in items for e in it["edits"] if e["required"])
    clean = sum(1 for it in items if not it["edits"])
    print(f"wrote {OUT.name}: {len(items)} items ({clean} clean controls), "
          f"{sum(kinds.values())} edits ({sum(req.values())} required)")
    for k in KINDS:
        if kinds[k]:
            print(f"  {k:<20} {req[k]:>4} required {kinds[k] - req[k]:>3} optional")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
