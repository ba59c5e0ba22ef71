"""``--format json-lines``: one finding per line, each object exactly as in
``--format json`` (see :mod:`cleaner.output.json_format`), for streaming."""
from __future__ import annotations

import json

from .json_format import finding_dict


def render(reports, **_options) -> str:
    return "".join(json.dumps(finding_dict(r, f), ensure_ascii=False) + "\n" for r in reports for f in r.findings)
