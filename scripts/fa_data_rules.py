#!/usr/bin/env python3
"""False alarms of the data-driven rules (MT3xx calques/acronyms/pivot, MT4xx
boilerplate and markup debris) on clean prose.

A thin front end to ``scripts/fa_rules.py`` (same ~20 KB paragraph-aligned chunks,
findings per 10,000 words per file and per rule, contexts of every finding) with
``--select MT3,MT4`` as the default.

usage: .venv/bin/python scripts/fa_data_rules.py [FILES...] [--select MT3,MT4]
           [--chunk 20000] [--contexts N]
       (default FILES: ../shared/corpus/clean/*.txt)
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fa_rules import main  # noqa: E402

if __name__ == "__main__":
    argv = sys.argv[1:]
    if not any(a == "--select" or a.startswith("--select=") for a in argv):
        argv = ["--select", "MT3,MT4", *argv]
    sys.exit(main(argv))
