"""Byte-preserving reading and atomic writing (cleaner.textfile), and `mtclean fix`
leaving every byte outside the applied edits alone: BOM, CRLF, trailing newline or
its absence, trailing whitespace, UTF-16, permissions, no temporary files."""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from cleaner.textfile import InputError, decode, read, write_atomic

from conftest import run_cli

#: these tests are about bytes, not rule choices: only the stray-period rule runs
ONLY = ("--select", "MT102")
DAMAGED = "The entire Western world order. is headed for collapse."
REPAIRED = "The entire Western world order is headed for collapse."


# -- decode / read ---------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding", "bom"), [
    (b"plain", "utf-8", b""),
    (codecs.BOM_UTF8 + b"with bom", "utf-8", codecs.BOM_UTF8),
    (codecs.BOM_UTF16_LE + "utf16".encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
    (codecs.BOM_UTF16_BE + "utf16".encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
])
def test_decode_remembers_encoding_and_bom(data, encoding, bom):
    tf = decode(data, "f.txt")
    assert (tf.encoding, tf.bom) == (encoding, bom)
    assert not tf.text.startswith("\ufeff")
    assert tf.encode(tf.text) == data


def test_decode_keeps_crlf_and_lone_cr():
    data = b"a\r\nb\rc\n"
    tf = decode(data, "f.txt")
    assert tf.text == "a\r\nb\rc\n"
    assert tf.encode(tf.text) == data


def test_decode_binary_names_the_file():
    with pytest.raises(InputError, match=r"^pic\.png: .*binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "pic.png")


def test_decode_invalid_utf8_names_file_byte_and_line():
    with pytest.raises(InputError) as exc:
        decode(b"ok\nline two caf\xe9\n", "latin1.txt")
    message = str(exc.value)
    assert message.startswith("latin1.txt: not valid UTF-8")
    assert "byte 15" in message and "line 2" in message


def test_read_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 100)
    with pytest.raises(InputError, match="larger than 10 bytes"):
        read(big, max_bytes=10)
    assert read(big, max_bytes=100).text == "x" * 100


def test_write_atomic_keeps_permissions_and_leaves_no_temp(tmp_path):
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    os.chmod(p, 0o640)
    write_atomic(p, b"new")
    assert p.read_bytes() == b"new"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["f.txt"]


def test_write_atomic_creates_new_file(tmp_path):
    p = tmp_path / "new.txt"
    write_atomic(p, b"data")
    assert p.read_bytes() == b"data"
    assert sorted(os.listdir(tmp_path)) == ["new.txt"]


def test_write_atomic_failure_leaves_original_and_no_temp(tmp_path):
    p = tmp_path / "f.txt"
    p.write_bytes(b"original")

    with pytest.raises(TypeError):
        write_atomic(p, object())  # type: ignore[arg-type]   # fails while writing the temp file
    assert p.read_bytes() == b"original"
    assert sorted(os.listdir(tmp_path)) == ["f.txt"]


def test_write_atomic_writes_through_symlinks(tmp_path):
    target = tmp_path / "real.txt"
    target.write_bytes(b"old")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["link.txt", "real.txt"]


def test_write_atomic_writes_into_non_regular_files(tmp_path):
    """A FIFO (like /dev/null or a pipe given to --output-file) is written to, not replaced."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        write_atomic(fifo, b"through the pipe")
    finally:
        if reader.is_alive():             # unblock the reader if the write went elsewhere
            with open(fifo, "wb"):
                pass
        reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


def test_fix_through_symlink_fixes_the_target(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text(DAMAGED + "\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    r = run_cli("fix", *ONLY, str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == REPAIRED + "\n"


def test_check_output_file(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(DAMAGED + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    r = run_cli("check", "--format", "json", "-o", str(out), str(src))
    assert r.returncode == 1 and r.stdout == ""
    assert '"rule": "MT102"' in out.read_text(encoding="utf-8")


# -- `mtclean fix` preserves every byte outside the edit ---------------------------------------

def _fix_file(tmp_path: Path, data: bytes, name: str = "doc.txt", *args: str) -> bytes:
    p = tmp_path / name
    p.write_bytes(data)
    r = run_cli("fix", *ONLY, *args, str(p))
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    return p.read_bytes()


@pytest.mark.parametrize(("before", "after"), [
    pytest.param(DAMAGED + "\n", REPAIRED + "\n", id="trailing-newline"),
    pytest.param(DAMAGED, REPAIRED, id="no-trailing-newline"),
    pytest.param(DAMAGED + "\n\n\n", REPAIRED + "\n\n\n", id="several-trailing-newlines"),
    pytest.param("Intro line.   \r\n" + DAMAGED + "  \t\r\nEnd.\r\n",
                 "Intro line.   \r\n" + REPAIRED + "  \t\r\nEnd.\r\n", id="crlf-and-trailing-whitespace"),
    pytest.param("Intro line.\r\n" + DAMAGED, "Intro line.\r\n" + REPAIRED, id="crlf-no-final-newline"),
    pytest.param("Old Mac line.\r" + DAMAGED + "\r", "Old Mac line.\r" + REPAIRED + "\r", id="lone-cr"),
    pytest.param("Tabs\tand  double  spaces.\n\n" + DAMAGED + "\n", "Tabs\tand  double  spaces.\n\n" + REPAIRED + "\n",
                 id="inner-whitespace"),
    pytest.param("Ünïcödé 😀 first.\n" + DAMAGED + "\n", "Ünïcödé 😀 first.\n" + REPAIRED + "\n", id="non-ascii"),
])
def test_fix_preserves_bytes_outside_edits(tmp_path, before, after):
    assert _fix_file(tmp_path, before.encode("utf-8")) == after.encode("utf-8")


def test_fix_preserves_utf8_bom(tmp_path):
    data = codecs.BOM_UTF8 + (DAMAGED + "\r\n").encode("utf-8")
    assert _fix_file(tmp_path, data) == codecs.BOM_UTF8 + (REPAIRED + "\r\n").encode("utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_fix_preserves_utf16_with_bom(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + ("First line.\r\n" + DAMAGED + "\r\n").encode(codec)
    assert _fix_file(tmp_path, data) == bom + ("First line.\r\n" + REPAIRED + "\r\n").encode(codec)


def test_fix_keeps_permissions_and_leaves_no_temp_files(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text(DAMAGED + "\n", encoding="utf-8")
    os.chmod(p, 0o600)
    r = run_cli("fix", *ONLY, str(p))
    assert r.returncode == 0, r.stderr
    assert p.read_text(encoding="utf-8") == REPAIRED + "\n"
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["doc.txt"]
    assert "fixed 1 finding(s) in 1 file(s)" in r.stderr


def test_fix_replaces_the_file_atomically(tmp_path):
    """The file is replaced (new inode), never truncated and rewritten in place."""
    p = tmp_path / "doc.txt"
    p.write_text(DAMAGED, encoding="utf-8")
    hard = tmp_path / "other-name.txt"
    os.link(p, hard)               # a second name for the old inode
    r = run_cli("fix", *ONLY, str(p))
    assert r.returncode == 0, r.stderr
    assert p.read_text(encoding="utf-8") == REPAIRED
    assert hard.read_text(encoding="utf-8") == DAMAGED     # the old inode was left as it was


def test_fix_does_not_touch_clean_files(tmp_path):
    p = tmp_path / "clean.txt"
    p.write_text("Nothing to repair here.\n", encoding="utf-8")
    before = p.stat().st_mtime_ns
    ino = p.stat().st_ino
    r = run_cli("fix", *ONLY, str(p))
    assert r.returncode == 0
    assert p.stat().st_ino == ino and p.stat().st_mtime_ns == before
    assert r.stderr == ""


def test_fix_diff_does_not_write(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text(DAMAGED + "\n", encoding="utf-8")
    r = run_cli("fix", *ONLY, "--diff", str(p))
    assert p.read_text(encoding="utf-8") == DAMAGED + "\n"
    assert f"-{DAMAGED}\n" in r.stdout and f"+{REPAIRED}\n" in r.stdout
    assert r.returncode == 0


def test_fix_stdin_to_stdout_preserves_bytes():
    data = codecs.BOM_UTF8 + ("Line one.  \r\n" + DAMAGED).encode("utf-8")
    r = run_cli("fix", *ONLY, "-", input=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout_bytes == codecs.BOM_UTF8 + ("Line one.  \r\n" + REPAIRED).encode("utf-8")


def test_fix_stdin_clean_text_is_echoed():
    r = run_cli("fix", *ONLY, "-", input="Nothing to do.\n")
    assert r.returncode == 0 and r.stdout == "Nothing to do.\n"
