"""Conversions between code point offsets and 1-based lines and columns."""

from __future__ import annotations

import bisect
import re


# The line breaks YAML (and so PyYAML's marks) count: CR LF, CR, LF, NEL, LS and PS.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class LineIndex:
    """Offsets of line starts in a text, for turning offsets into line and column."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a code point offset."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, without its line break."""
        if line < 1 or line > len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return LINE_BREAK.sub("", self.text[start:end])
