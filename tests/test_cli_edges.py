"""What an editor hits at the edges of the command line: output files that cannot
be written, an empty --select, formats a command does not print, files named twice,
diffs of files with a byte-order mark or old Mac line breaks (applied with the real
``git apply``), a refused standard input passed through by ``fix -``, --version."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import run_cli

GLUED = "They met Macronwho smiled.\n"


def test_version(cli):
    from cleaner import __version__

    r = cli("--version")
    assert r.returncode == 0 and r.stdout == f"mtclean {__version__}\n"


@pytest.mark.parametrize("target, message", [("nodir/out.txt", "directory nodir does not exist"),
                                             ("adir", "is a directory")])
def test_unwritable_output_file_is_a_clear_error_before_any_work(tmp_path, target, message):
    (tmp_path / "a.txt").write_text(GLUED)
    (tmp_path / "adir").mkdir()
    r = run_cli("check", "-o", target, "a.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == f"mtclean: error: {target}: {message}" + (
        " (--output-file needs a file name)" if target == "adir" else "")
    assert "internal error" not in r.stderr and "mtclean-tmp" not in r.stderr


def test_empty_select_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text(GLUED)
    r = run_cli("check", "--select", "", "a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "--select names no rule" in r.stderr
    assert run_cli("check", "--select", "ALL", "a.txt", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize("args", [("rules", "-f", "xml"), ("check", "--statistics", "-f", "sarif", "a.txt"),
                                  ("check", "--statistics", "-f", "diff", "a.txt")])
def test_formats_a_command_cannot_print_are_refused(tmp_path, args):
    (tmp_path / "a.txt").write_text(GLUED)
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.startswith("mtclean: error:") and r.stdout == ""


def test_statistics_json_still_works(tmp_path):
    import json

    (tmp_path / "a.txt").write_text(GLUED)
    r = run_cli("check", "--statistics", "-f", "json", "a.txt", cwd=tmp_path)
    assert r.returncode == 1 and json.loads(r.stdout)[0]["code"] == "MT101"


def test_a_file_named_twice_is_checked_once(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "z.txt").write_text(GLUED)
    for args in (("d", "d/z.txt"), ("d/z.txt", "./d/z.txt")):
        r = run_cli("check", "-f", "concise", *args, cwd=tmp_path)
        assert r.returncode == 1 and len(r.stdout.splitlines()) == 1, r.stdout


def test_max_bytes_must_be_positive(tmp_path):
    (tmp_path / "a.txt").write_text(GLUED)
    r = run_cli("check", "--max-bytes", "-1", "a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "--max-bytes" in r.stderr


def test_rules_table_says_fix_is_an_upper_bound_and_stays_aligned(cli):
    r = cli("rules")
    lines = r.stdout.splitlines()
    assert "MAX-FIX" in lines[0]
    col = lines[0].index("MAX-FIX")
    assert all(line[col - 1] == " " and line[col] != " " for line in lines[1:]), "FIX column misaligned"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("name, data", [
    ("bom.txt", b"\xef\xbb\xbf" + GLUED.encode()),
    ("cr.txt", b"Old mac\rThey met Macronwho smiled.\n"),
    ("crlf.txt", b"First line\r\nThey met Macronwho smiled.\r\nlast"),
    ("ff.txt", b"Page one\x0cThey met Macronwho smiled."),
])
@pytest.mark.parametrize("how", [("check", "-f", "diff"), ("fix", "--diff")])
def test_diffs_apply_with_git_apply(tmp_path, name, data, how):
    """The diff is cut into lines as patch tools cut them (after \\n only) and keeps a
    UTF-8 byte-order mark, so applying it gives exactly what `fix` writes."""
    work = tmp_path / "w"
    work.mkdir()
    (work / name).write_bytes(data)
    r = run_cli(*how, name, cwd=work)
    assert r.stdout.startswith(f"--- a/{name}")
    subprocess.run(["git", "apply", "-"], input=r.stdout_bytes, cwd=work, check=True, capture_output=True)
    patched = (work / name).read_bytes()
    (work / name).write_bytes(data)
    assert run_cli("fix", name, cwd=work).returncode == 0
    assert patched == (work / name).read_bytes() != data


@pytest.mark.parametrize("data", [b"Caf\xe9 Macronwho smiled.\n", b"\x00\x01binary Macronwho"])
def test_fix_stdin_passes_refused_input_through(data):
    r = run_cli("fix", "-", input=data)
    assert r.returncode == 2 and r.stdout_bytes == data and "mtclean: error: -:" in r.stderr


def test_fix_stdin_too_large_passes_everything_through():
    data = b"They met Macronwho smiled. " * 400
    r = run_cli("fix", "--max-bytes", "100", "-", input=data)
    assert r.returncode == 2 and r.stdout_bytes == data and "larger than 100 bytes" in r.stderr


@pytest.mark.parametrize("line, pad", [
    ("They 東京 met Macronwho smiled.", " " * 14),            # two wide characters: 2 columns each
    ("\tThey\tmet Macronwho smiled.", "\t    \t    "),        # tabs copied: the terminal expands both alike
    ("Cafe\u0301 met Macronwho smiled.", " " * 9),           # a combining accent takes no column
])
def test_caret_sits_under_the_finding_on_a_terminal(line, pad):
    r = run_cli("check", "-", input=line + "\n")
    source, carets = r.stdout.splitlines()[1:3]
    assert source == f"  | {line}"
    assert carets == f"  | {pad}{'^' * len('Macronwho')}"
