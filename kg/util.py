"""Small shared helpers: atomic writes (a crash never leaves a half-written output)."""

from __future__ import annotations

import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

TEMP_SUFFIX = ".tmp"
# characters XML 1.0 cannot hold, even as &#…; references (C0 controls but tab/LF/CR, U+FFFE, U+FFFF);
# in UTF-8 bytes they are these bytes alone or these 3-byte sequences (never part of another character)
_XML_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


_XML_ILLEGAL_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_legal_text(text: str) -> str:
    """:func:`xml_legal` for one string, before it is written (the same characters are dropped)."""
    return _XML_ILLEGAL_TEXT.sub("", text)


def open_temp(path: Path) -> tuple[int, str]:
    """Create ``.{name}.{random}.tmp`` next to ``path``, open for writing; returns ``(fd, temp path)``.

    The mode is what a plain ``open`` gives (0o666 minus the umask), not mkstemp's 0o600: once
    renamed, the temporary file *is* the output and must be readable like any other file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            return os.open(tmp, flags, 0o666), str(tmp)
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: no free temporary file name for {path.name}")


def remove_stale_temps(folder: Path, names: Iterable[str]) -> list[str]:
    """Delete the temporary files that :func:`open_temp` made for ``names`` in ``folder`` and that a
    killed process left behind (``.graph.ttl.*.tmp``); any other file is left alone."""
    prefixes = "|".join(re.escape(f".{n}.") for n in names)
    removed: list[str] = []
    if not prefixes:
        return removed
    pattern = re.compile(f"(?:{prefixes})[A-Za-z0-9_]+{re.escape(TEMP_SUFFIX)}")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(entry.name)
            except OSError:
                pass
    return sorted(removed)


def xml_legal(data: bytes) -> bytes:
    """UTF-8 XML without the characters XML 1.0 forbids (``\\x01``, ``\\x1b`` …): a single one makes
    the whole file unreadable to every conforming parser, so they are dropped."""
    return _XML_ILLEGAL.sub(b"", data)


@contextmanager
def atomic_file(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` only when the block ends without an error: written in a
    temporary file in the same folder, fsynced, then renamed; on an error it is removed and ``path``
    stays as it was.  For outputs streamed in pieces (N-Triples, Turtle, GraphML)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_temp(path)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``."""
    with atomic_file(path) as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))
