"""Reading: paths and standard input to decoded text, or a diagnostic saying why not.

Only regular files are opened, so a FIFO or a device never blocks a run. Text must be
UTF-8 (a byte order mark is accepted and dropped), because that is what mergekit's
``open()`` on a Linux machine and PyYAML expect.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from typing import NamedTuple

from mergelint.diagnostics import Diagnostic, Span
from mergelint.output.positions import LineIndex
from mergelint.rules.input import FileTooLarge, InvalidEncoding, UnreadableFile

# Real configs are kilobytes. A config at this limit took 36 seconds and 75 MB to lint
# on the benchmark machine (bench/RESULTS.md), so the limit also bounds a run.
MAX_FILE_BYTES = 8 * 1024 * 1024
YAML_SUFFIXES = (".yml", ".yaml")
STDIN_PATH = "-"


class Source(NamedTuple):
    """A file's decoded text, or the diagnostic that stopped it from being read."""

    path: str
    text: str | None
    problem: Diagnostic | None = None


def decode(data: bytes, path: str) -> Source:
    """Decode bytes as UTF-8, reporting the first bad byte with its line and column."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problem = InvalidEncoding.report(
            Span.point(1, 1),
            "the file starts with a UTF-16 byte order mark",
            "save the file as UTF-8; mergekit reads configs as UTF-8 text",
        )
        return Source(path, None, _with_path(problem, path))

    # The BOM is stripped before decoding, so that error offsets index ``body`` and
    # columns count from after the BOM, as they do in the decoded text.
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[bom:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = bom + error.start
        # Everything before the first invalid byte is valid UTF-8. Lines are counted
        # with YAML's line breaks, as for every other diagnostic.
        prefix = body[: error.start].decode("utf-8")
        line, column = LineIndex(prefix).position(len(prefix))
        bad = data[offset : offset + 1].hex()
        problem = InvalidEncoding.report(
            Span.point(line, column),
            f"byte 0x{bad} at offset {offset} is not valid UTF-8",
            "save the file as UTF-8; if it is not a config at all, leave it out of the run",
        )
        return Source(path, None, _with_path(problem, path))

    nul = text.find("\0")
    if nul >= 0:
        line, column = LineIndex(text).position(nul)
        problem = InvalidEncoding.report(
            Span.point(line, column),
            "the file contains a NUL byte, so it is binary data, not YAML text",
            "lint only text YAML files; remove the NUL byte if the file is meant to be a config",
        )
        return Source(path, None, _with_path(problem, path))

    return Source(path, text)


def read_file(path: str) -> Source:
    """Read one regular file; anything else becomes an ``unreadable-file`` diagnostic."""
    try:
        info = os.stat(path)
    except OSError as error:
        return _unreadable(path, f"cannot read the file: {error.strerror or error}")

    if not stat.S_ISREG(info.st_mode):
        return _unreadable(path, "not a regular file (a FIFO, socket or device), so it was not opened")
    if info.st_size > MAX_FILE_BYTES:
        problem = FileTooLarge.report(
            Span.point(1, 1),
            f"the file has {info.st_size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
            "a mergekit config is a few kilobytes; check that this is the file you meant",
        )
        return Source(path, None, _with_path(problem, path))

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return _unreadable(path, f"cannot read the file: {error.strerror or error}")
    return decode(data, path)


def read_stdin(stream, path: str = "<stdin>") -> Source:
    """Read standard input as bytes, with the same size limit and decoding as files."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        problem = FileTooLarge.report(
            Span.point(1, 1),
            f"standard input has more than {MAX_FILE_BYTES:,} bytes",
            "a mergekit config is a few kilobytes; check what is piped in",
        )
        return Source(path, None, _with_path(problem, path))
    return decode(data, path)


def collect_paths(paths: list[str]) -> Iterator[str]:
    """Expand directories to the YAML files below them, sorted, each real file once.

    Symbolic links to directories are followed once: a link that leads back into a
    directory already walked is skipped, so link loops end.
    """
    for path in paths:
        if path == STDIN_PATH or not os.path.isdir(path):
            yield path
            continue
        seen: set[str] = set()
        for root, dirs, files in os.walk(path, followlinks=True):
            real = os.path.realpath(root)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(YAML_SUFFIXES):
                    yield os.path.join(root, name)


def _unreadable(path: str, message: str) -> Source:
    problem = UnreadableFile.report(
        Span.point(1, 1),
        message,
        "check the path and its permissions",
    )
    return Source(path, None, _with_path(problem, path))


def _with_path(problem: Diagnostic, path: str) -> Diagnostic:
    return replace(problem, path=path)
