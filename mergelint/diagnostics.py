"""The finding type shared by every stage: a diagnostic with its span and fix."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class Severity(str, enum.Enum):
    """The certainty that a finding breaks the merge.

    ``error``: mergekit fails on the config, or certainly writes a broken model.
    ``warning``: mergekit accepts it, but it is almost surely not what the author meant.
    """

    ERROR = "error"
    WARNING = "warning"


class Span(NamedTuple):
    """A region of the source text, 1-based lines and columns, end column exclusive.

    Columns count Unicode code points, as PyYAML's marks do.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        """Return the one-column span at a position."""
        return cls(line, column, line, column + 1)


class Edit(NamedTuple):
    """Replace ``text[start:end]`` (code point offsets) with ``replacement``."""

    start: int
    end: int
    replacement: str


class Fix(NamedTuple):
    """A change that resolves a diagnostic.

    ``safe`` fixes keep the meaning the author evidently intended and ``--fix``
    applies them; unsafe ones change what the merge does, and only ``--unsafe-fixes``
    applies them.
    """

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


def replace_node(node, replacement: str, description: str, safe: bool = True) -> Fix | None:
    """Return a fix that replaces a YAML node's text (a key or a scalar) with ``replacement``.

    A block scalar (``|`` or ``>``) gets no fix: its span runs from the indicator to the
    next line, and a plain replacement would join that line to this one.
    """
    if getattr(node, "style", None) in ("|", ">"):
        return None
    edit = Edit(node.content_mark.index, node.end_mark.index, replacement)
    return Fix(description, (edit,), safe)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file."""

    code: str
    name: str
    severity: Severity
    span: Span
    message: str
    help: str
    fix: Fix | None = None
    path: str = ""
    key_path: str = ""
    document: int = 0
    related: tuple[tuple[str, Span], ...] = field(default=())

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span, self.code, self.message)
