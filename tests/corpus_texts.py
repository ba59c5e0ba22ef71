"""The texts of the annotated corpora (``../shared/corpus/dev.jsonl`` and the
project's ``corpus/mtclean.jsonl``), for tests that compare a fast path with the
plain code on real prose."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = (ROOT.parent / "shared" / "corpus" / "dev.jsonl", ROOT / "corpus" / "mtclean.jsonl")


def jsonl_texts(path: Path, limit: int | None = None) -> list[str]:
    """The ``text`` (or ``input``) of each item of an annotated JSON Lines corpus
    (its first ``limit`` lines when given)."""
    out: list[str] = []
    for line in path.read_text("utf-8").splitlines()[:limit]:
        if line.strip():
            item = json.loads(line)
            t = item.get("text") or item.get("input")
            if isinstance(t, str):
                out.append(t)
    return out


def annotated_texts() -> list[str]:
    return [t for f in CORPORA if f.exists() for t in jsonl_texts(f)]
