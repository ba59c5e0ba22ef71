"""Shared test fixtures: hypothesis profiles, the real CLI, the seed article.

Hypothesis profiles
-------------------
* ``ci``  — derandomised (same examples on every run), chosen automatically when
  the ``CI`` environment variable is set;
* ``dev`` — random, the default locally;
* ``thorough`` — many more examples, for hunting bugs by hand:
  ``HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_properties.py``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_0d79818c9da73b44.txt"

_COMMON = dict(
    deadline=None,  # the first call loads the lexicon; timing is not what we test
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", max_examples=60, derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("dev", max_examples=60, **_COMMON)
settings.register_profile("thorough", max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def _mtclean_executable() -> list[str]:
    """The installed console script next to the running interpreter (the real CLI)."""
    here = Path(sys.executable).parent / "mtclean"
    if here.exists():
        return [str(here)]
    found = shutil.which("mtclean")
    if found:
        return [found]
    return [sys.executable, "-m", "cleaner.cli"]


MTCLEAN = _mtclean_executable()


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    stdout_bytes: bytes


def run_cli(*args: str, input: bytes | str | None = None, cwd: str | Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run the real ``mtclean`` executable and capture everything (bytes and text)."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    full_env = dict(os.environ)
    full_env.pop("MTCLEAN_DEBUG", None)
    full_env["NO_COLOR"] = "1"
    if env:
        full_env.update(env)
    proc = subprocess.run([*MTCLEAN, *args], input=input, capture_output=True, cwd=cwd,
                          env=full_env, timeout=timeout)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"), proc.stdout)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED
