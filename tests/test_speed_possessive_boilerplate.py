"""Fast paths of MT401 (and MT204) against the plain code they replace."""
from __future__ import annotations

import random

from cleaner.rules import boilerplate

from corpus_texts import annotated_texts  # noqa: E402  (tests/ is on sys.path)

_PIECES = ("cookie", "cookies", "donate", "donat", "journalism", "newsletter", "inbox", "subscribe",
           "subscri", "your support", "your\tsupport", "your\u2003support", "your  support", "yoursupport",
           "your\nsupport", "support", "your", "cook ie", "in box", " ", "a", "\u00a0", "news letter")


def _lines():
    rnd = random.Random(401)
    out = ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 8))) for _ in range(3000)]
    out += [line.text.lower() for text in annotated_texts() for line in boilerplate.content_lines(text)]
    return out


def test_long_anywhere_is_the_pattern():
    lines = _lines()
    found = [boilerplate._long_anywhere(low) for low in lines]
    assert found == [boilerplate._LONG_ANYWHERE.search(low) is not None for low in lines]
    assert any(found) and not all(found)
