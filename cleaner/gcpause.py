"""Pause Python's cyclic garbage collector while a CLI run starts up.

Starting ``mtclean`` imports ~300 modules and loads the rule set: tens of
thousands of long-lived objects, which the collector would traverse again and
again as they are allocated — about 10 ms of a 140 ms pre-commit run.  The
console script (:mod:`cleaner.__main__`) calls :func:`pause` first; the run calls
:func:`resume` once start-up is over (after the first file, or at the start of a
long command such as ``batch`` or ``eval``), which moves everything that exists
by then out of the collector's way for good (``gc.freeze``) and turns collection
back on.  Library users never see a paused collector.
"""
from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
