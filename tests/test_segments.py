"""Huge texts are checked and fixed in paragraph-aligned segments with the same
results as small ones (offsets in file coordinates, quotes protected)."""
from __future__ import annotations

import cleaner
from cleaner import engine
from cleaner.fixer import apply_edits

PARA = ("Russia has more and more targeted civilian infrastructurekilling civilians. "
        "“Macronwho is right. is what he said,” an aide noted. The talks ended this year. "
        "according to Reuters.")


def _big(n: int) -> str:
    return "\n\n".join(f"{i}. {PARA}" if i % 7 == 0 else PARA for i in range(n))


def test_segments_cut_at_paragraph_breaks():
    text = _big(400)
    pieces = engine.segments(text, size=5000)
    assert len(pieces) > 5
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (a, b), (c, _) in zip(pieces, pieces[1:]):
        assert b == c and text[b - 2:b] == "\n\n"


def test_segmented_check_and_fix_equal_whole_text(monkeypatch):
    text = _big(300)
    whole = cleaner.check(text)
    fixed_whole = cleaner.fix(text, unsafe=True)
    monkeypatch.setattr(engine, "SEGMENT_CHARS", 4000)
    monkeypatch.setattr(engine.segments, "__defaults__", (4000,))
    assert len(engine.segments(text)) > 5
    pieces = cleaner.check(text)
    assert [(f.rule, f.span, f.fix) for f in pieces] == [(f.rule, f.span, f.fix) for f in whole]
    fixed = cleaner.fix(text, unsafe=True)
    assert fixed.text == fixed_whole.text
    assert apply_edits(text, fixed.edits) == fixed.text
    assert "“Macronwho is right. is what he said,”" in fixed.text


def test_suppressions_keep_the_text_whole():
    text = "<!-- mtclean-disable MT101 -->\\n\\n" + _big(50)
    assert engine.segments(text, size=1000) == [(0, len(text))]
