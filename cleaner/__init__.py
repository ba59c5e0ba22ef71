"""mtclean: find and fix the damage machine translation and scraping leave in English text.

Public API::

    import cleaner
    findings = cleaner.check(text)              # list[Finding]
    result = cleaner.fix(text, unsafe=False)    # FixResult(text, applied, remaining, ...)

Heavy modules are imported lazily so that ``import cleaner`` stays cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .types import Applicability, Edit, Example, Finding, Fix, FixResult, RuleMeta, Span

__all__ = ["check", "fix", "Applicability", "Edit", "Example", "Finding", "Fix", "FixResult",
           "RuleMeta", "Span", "Settings", "__version__"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from .settings import Settings


def check(text: str, settings: "Settings | None" = None, **kwargs: Any) -> list[Finding]:
    """Findings for ``text`` (default rules unless ``settings`` says otherwise)."""
    from .engine import check as _check

    return _check(text, settings, **kwargs)


def fix(text: str, unsafe: bool = False, settings: "Settings | None" = None, **kwargs: Any) -> FixResult:
    """Apply safe fixes (and unsafe ones when ``unsafe``); quoted speech is never changed."""
    from .fixer import fix as _fix

    return _fix(text, unsafe, settings, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(name)
