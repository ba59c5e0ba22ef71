"""End to end with the real ``pre-commit``: the hooks in ``.pre-commit-hooks.yaml``
installed from this checkout into pre-commit's own environment (pip, from PyPI),
run by ``git commit`` and by ``pre-commit try-repo`` in a temporary repository.

``try-repo`` and ``rev:`` use a *committed* revision, so the test first snapshots
the checkout's working tree (the code under test, committed or not) into a
temporary git repository and points pre-commit at that.  One pre-commit home is
shared by the whole module, so the hook environment is built once.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
#: what pip needs to build and install mtclean
SNAPSHOT_PATHS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "cleaner", "rules")

ARTIFACT = "Russia finds itself threatened to use nuclear weaponsas did Putin earlier this year.\n"
FIXED = "Russia finds itself threatened to use nuclear weapons, as did Putin earlier this year.\n"
QUOTED = "“Our infrastructurekilling plan. is fine,” the minister said.\n"
CLEAN = "The council met on Tuesday and approved the budget for next year.\n"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _run(args, cwd, env, check=False):
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check and r.returncode != 0:
        raise AssertionError(f"{args} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    if not PRE_COMMIT.exists() and not shutil.which("pre-commit"):
        pytest.fail("pre-commit is not installed (it is in the 'test' extra)")
    home = tmp_path_factory.mktemp("home")
    e = dict(os.environ)
    e.update(GIT_ENV)
    e["HOME"] = str(home)                                # no user git config / hooks
    e["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    e["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    e["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
    e["MTCLEAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("mtclean-cache"))
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    e.pop("PRE_COMMIT", None)
    e.pop("VIRTUAL_ENV", None)
    return e


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory, env) -> tuple[Path, str]:
    """A committed snapshot of the working tree: (path, revision)."""
    snap = tmp_path_factory.mktemp("mtclean-snapshot")
    for name in SNAPSHOT_PATHS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, snap / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, snap / name)
    _run(["git", "init", "-q", "-b", "main", snap], snap, env, check=True)
    _run(["git", "add", "-A"], snap, env, check=True)
    _run(["git", "commit", "-q", "-m", "snapshot"], snap, env, check=True)
    rev = _run(["git", "rev-parse", "HEAD"], snap, env, check=True).stdout.strip()
    return snap, rev


@pytest.fixture()
def project(tmp_path, env, hooks_repo):
    """A fresh git repository whose pre-commit configuration uses both hooks' repo."""
    snap, rev = hooks_repo

    def make(hook_id: str) -> Path:
        repo = tmp_path / hook_id
        repo.mkdir()
        _run(["git", "init", "-q", "-b", "main", repo], repo, env, check=True)
        (repo / ".pre-commit-config.yaml").write_text(
            f"repos:\n  - repo: {snap}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n", encoding="utf-8")
        _run(["git", "add", ".pre-commit-config.yaml"], repo, env, check=True)
        _run(["git", "commit", "-q", "--no-verify", "-m", "config"], repo, env, check=True)
        _run([PRE_COMMIT, "install"], repo, env, check=True)
        return repo

    return make


def _commits(repo: Path, env) -> int:
    return int(_run(["git", "rev-list", "--count", "HEAD"], repo, env, check=True).stdout)


def test_check_hook_blocks_a_commit_that_adds_an_artifact(project, env):
    repo = project("mtclean-check")
    (repo / "article.md").write_text("# News\n\n" + ARTIFACT, encoding="utf-8")
    _run(["git", "add", "article.md"], repo, env, check=True)
    r = _run(["git", "commit", "-m", "add article"], repo, env)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "mtclean (check)" in out and "Failed" in out
    # readable: file, line, column, rule code, message and the proposed fix
    assert "article.md:3:" in out and "MT101" in out and "“weaponsas”" in out
    assert "weapons, as" in out
    assert _commits(repo, env) == 1                       # nothing committed
    assert (repo / "article.md").read_text(encoding="utf-8") == "# News\n\n" + ARTIFACT  # check never edits


def test_check_hook_lets_a_clean_commit_through(project, env):
    repo = project("mtclean-check")
    (repo / "notes.txt").write_text(CLEAN, encoding="utf-8")
    (repo / "page.html").write_text(f"<p>{CLEAN}</p>\n<pre>weaponsas in code</pre>\n", encoding="utf-8")
    _run(["git", "add", "notes.txt", "page.html"], repo, env, check=True)
    r = _run(["git", "commit", "-m", "clean"], repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "mtclean (check)" in out and "Passed" in out
    assert _commits(repo, env) == 2


def test_fix_hook_rewrites_the_file_and_fails_first_then_passes(project, env):
    repo = project("mtclean-fix")
    text = "# News\n\n" + QUOTED + "\n" + ARTIFACT
    (repo / "article.md").write_text(text, encoding="utf-8")
    _run(["git", "add", "article.md"], repo, env, check=True)
    first = _run(["git", "commit", "-m", "add article"], repo, env)
    out = first.stdout + first.stderr
    assert first.returncode != 0, out
    assert "mtclean (fix)" in out and "Failed" in out
    assert "files were modified by this hook" in out
    fixed = (repo / "article.md").read_text(encoding="utf-8")
    assert fixed == "# News\n\n" + QUOTED + "\n" + FIXED
    assert QUOTED in fixed                                # quoted speech untouched, artifacts and all
    assert _commits(repo, env) == 1
    _run(["git", "add", "article.md"], repo, env, check=True)
    second = _run(["git", "commit", "-m", "add article"], repo, env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _commits(repo, env) == 2


def test_try_repo_runs_both_hooks_against_the_checkout(tmp_path, env, hooks_repo):
    snap, rev = hooks_repo
    repo = tmp_path / "work"
    repo.mkdir()
    _run(["git", "init", "-q", "-b", "main", repo], repo, env, check=True)
    (repo / "a.md").write_text(ARTIFACT, encoding="utf-8")
    (repo / "b.rst").write_text("Title\n=====\n\n" + CLEAN, encoding="utf-8")
    _run(["git", "add", "a.md", "b.rst"], repo, env, check=True)
    check = _run([PRE_COMMIT, "try-repo", snap, "mtclean-check", "--ref", rev, "--all-files"], repo, env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "a.md:1:" in check.stdout and "MT101" in check.stdout and "b.rst" not in check.stdout
    fix = _run([PRE_COMMIT, "try-repo", snap, "mtclean-fix", "--ref", rev, "--all-files"], repo, env)
    assert fix.returncode == 1 and "files were modified by this hook" in fix.stdout, fix.stdout + fix.stderr
    assert (repo / "a.md").read_text(encoding="utf-8") == FIXED
    again = _run([PRE_COMMIT, "try-repo", snap, "mtclean-check", "--ref", rev, "--all-files"], repo, env)
    assert again.returncode == 0, again.stdout + again.stderr


def test_hook_definitions():
    """The manifest is what pre-commit reads: ids, entry points, file types, serial."""
    import yaml  # pre-commit depends on PyYAML

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"mtclean-check", "mtclean-fix"}
    for h in hooks.values():
        assert h["language"] == "python"
        assert set(h["types_or"]) == {"markdown", "plain-text", "html", "rst"}
        assert h["require_serial"] is True
        assert "--force-exclude" in h["entry"]
    assert hooks["mtclean-check"]["entry"].startswith("mtclean check")
    assert hooks["mtclean-fix"]["entry"].startswith("mtclean fix")
