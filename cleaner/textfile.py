"""Reading and writing text files without losing a byte.

``read`` decodes UTF-8 (with or without BOM) or UTF-16 with a BOM and remembers
how; ``write_atomic`` writes the text back the same way through a temporary file
in the same directory and ``os.replace``, keeping the file's permissions.  Line
endings are never translated: ``\\r\\n`` stays ``\\r\\n`` because the text is
decoded from bytes, not read in text mode.
"""
from __future__ import annotations

import codecs
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: files larger than this are refused with a clear message (override: --max-bytes)
DEFAULT_MAX_BYTES = 256 * 1024 * 1024


class InputError(Exception):
    """A file that cannot be processed; the message names the file and the problem.
    ``data``: for standard input, the bytes read before it was refused (so that
    ``fix -`` can pass them through unchanged)."""

    data: bytes | None = None


@dataclass(frozen=True)
class TextFile:
    path: str          # as given on the command line ("-" for stdin)
    text: str
    encoding: str      # "utf-8" or "utf-16-le"/"utf-16-be"
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def decode(data: bytes, path: str) -> TextFile:
    if data.startswith(codecs.BOM_UTF8):
        bom, enc = codecs.BOM_UTF8, "utf-8"
    elif data.startswith(codecs.BOM_UTF16_LE):
        bom, enc = codecs.BOM_UTF16_LE, "utf-16-le"
    elif data.startswith(codecs.BOM_UTF16_BE):
        bom, enc = codecs.BOM_UTF16_BE, "utf-16-be"
    else:
        bom, enc = b"", "utf-8"
        if b"\x00" in data[:8192]:
            raise InputError(f"{path}: looks like a binary file (contains NUL bytes); not checked")
    body = data[len(bom):]
    try:
        text = body.decode(enc)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}: not valid {enc.upper()} (byte {exc.start + len(bom)}, line {line}: "
                         f"{exc.reason}); convert it to UTF-8 first, e.g. with iconv") from None
    return TextFile(path, text, enc, bom)


def read(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> TextFile:
    name = str(path)
    try:
        if name == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file or directory") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        if len(data) > max_bytes:
            raise InputError(f"{name}: larger than {max_bytes} bytes; not checked (raise --max-bytes, "
                             "or use `mtclean batch` for archives)")
        return decode(data, name)
    except InputError as exc:
        if name == "-":
            exc.data = data
        raise


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permission bits.

    A symlink is written through (its target is replaced, the link kept); a path
    that is not a regular file (``/dev/null``, a FIFO) is written to, never replaced."""
    path = Path(os.path.realpath(path))
    try:
        st = os.stat(path)
        mode = stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        mode = None
    else:
        if not stat.S_ISREG(st.st_mode):
            with open(path, "wb") as fh:
                fh.write(data)
            return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".mtclean-tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
