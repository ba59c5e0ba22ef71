"""The result of checking or fixing one file, shared by every output format."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

from .types import Finding


@dataclass
class FileReport:
    path: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    fixed: str | None = None            # text with fixes applied (fix / --format diff)

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        pos = self.text.find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = self.text.find("\n", pos + 1)
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and code-point column of ``offset``."""
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def line_text(self, line: int) -> str:
        starts = self._line_starts
        s = starts[line - 1]
        e = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[s:e].rstrip("\r")
