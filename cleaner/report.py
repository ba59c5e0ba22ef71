"""The result of checking or fixing one file, shared by every output format."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .document import LineIndex
from .types import Finding


@dataclass
class FileReport:
    path: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    fixed: str | None = None            # text with fixes applied (fix / --format diff)
    bom: str = ""                       # "\ufeff" when the file starts with a UTF-8 byte-order mark (diffs)

    @cached_property
    def _lines(self) -> LineIndex:
        return LineIndex(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and code-point column of ``offset``."""
        return self._lines.line_col(offset)

    def line_text(self, line: int) -> str:
        return self._lines.line_text(line)
