"""The texts of the annotated corpora (``../shared/corpus/dev.jsonl`` and the
project's ``corpus/mtclean.jsonl``), for tests that compare a fast path with the
plain code on real prose."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = (ROOT.parent / "shared" / "corpus" / "dev.jsonl", ROOT / "corpus" / "mtclean.jsonl")


def annotated_texts() -> list[str]:
    out: list[str] = []
    for f in CORPORA:
        if f.exists():
            for line in f.read_text("utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    t = item.get("text") or item.get("input")
                    if isinstance(t, str):
                        out.append(t)
    return out
