"""``--statistics``: how many findings each rule produced, most frequent first."""
from __future__ import annotations

import json
from collections import Counter

from ..types import Applicability


def rows(reports) -> list[dict]:
    count: Counter[str] = Counter()
    names: dict[str, str] = {}
    fixable: Counter[str] = Counter()
    for r in reports:
        for f in r.findings:
            count[f.rule] += 1
            names[f.rule] = f.name
            if f.fix is not None and f.fix.applicability >= Applicability.SAFE:
                fixable[f.rule] += 1
    return [{"code": code, "name": names[code], "count": n, "fixable": fixable[code]}
            for code, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))]


def render(reports, fmt: str = "text", **_options) -> str:
    data = rows(reports)
    if fmt in ("json", "json-lines"):
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in data)
    if not data:
        return ""
    width = max(len(str(d["count"])) for d in data)
    lines = [f"{d['count']:>{width}}\t{d['code']}\t{'[*]' if d['fixable'] == d['count'] else '[-]' if d['fixable'] else '   '}"
             f"\t{d['name']}" for d in data]
    total = sum(d["count"] for d in data)
    lines.append(f"{total:>{width}}\ttotal")
    return "\n".join(lines) + "\n"
