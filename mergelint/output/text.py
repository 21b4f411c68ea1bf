"""Human-readable output: each finding with its source line, a caret underline and help.

```
merge.yml:3:15: MK201 unknown-merge-method: unknown merge_method `dare-ties`
    3 | merge_method: dare-ties
      |               ^^^^^^^^^ error
      = help: did you mean `dare_ties`?
```

Colour comes from pygments and is drawn only when the caller asks for it.
"""

from __future__ import annotations

from mergelint.diagnostics import Diagnostic
from mergelint.kinds import COMMANDS
from mergelint.output.positions import LineIndex

# Maximum number of characters of a source line shown; longer lines are cut around the span.
SNIPPET_WIDTH = 120

KIND_NAMES = {
    "merge": "mergekit-yaml config",
    "moe": "mergekit-moe config",
    "multi": "mergekit-multi config",
    "evolve": "mergekit-evolve config",
    "bakllama": "bakllama config",
    "unknown": "not a mergekit config",
}


class Palette:
    """ANSI styles by role; empty strings when colour is off."""

    def __init__(self, color: bool):
        self.color = color
        if color:
            from pygments.console import colorize

            self._colorize = colorize

    def paint(self, role: str, text: str) -> str:
        if not self.color:
            return text
        style = {
            "error": "red",
            "warning": "yellow",
            "code": "brightred",
            "path": "white",
            "help": "cyan",
            "gutter": "blue",
        }[role]
        return self._colorize(style, text)

    def source(self, line: str) -> str:
        """Highlight one line of YAML source, as pygments' terminal formatter colours it."""
        if not self.color:
            return line
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import YamlLexer

        return highlight(line, YamlLexer(), TerminalFormatter()).rstrip("\n")


def render(results: list, color: bool = False, summary: bool = True) -> str:
    palette = Palette(color)
    blocks: list[str] = []
    for result in results:
        index = LineIndex(result.text) if result.text is not None else None
        for diagnostic in result.diagnostics:
            blocks.append(_render_diagnostic(diagnostic, index, palette))
    if summary:
        blocks.append(_summary(results))
    return "\n".join(blocks)


def _render_diagnostic(diagnostic: Diagnostic, index: LineIndex | None, palette: Palette) -> str:
    span = diagnostic.span
    severity = diagnostic.severity.value
    header = (
        f"{palette.paint('path', diagnostic.path)}:{span.line}:{span.column}: "
        f"{palette.paint(severity, diagnostic.code)} {diagnostic.name}: {diagnostic.message}"
    )
    lines = [header]

    source_line = index.line_text(span.line) if index is not None else ""
    if source_line or index is not None:
        width = len(str(span.line))
        gutter = " " * max(width, 4)
        start = span.column - 1
        end = span.end_column - 1 if span.end_line == span.line else len(source_line)
        end = max(end, start + 1)
        shown, start, end = _window(source_line, start, end)
        lines.append(f"{palette.paint('gutter', str(span.line).rjust(len(gutter)) + ' |')} {palette.source(shown)}")
        # Columns count code points, but a terminal draws wide characters (CJK, emoji)
        # in two cells and combining marks in none: pad and underline by drawn width.
        caret = " " * _display_width(shown[:start]) + "^" * max(1, _display_width(shown[start:end]))
        lines.append(f"{palette.paint('gutter', gutter + ' |')} {palette.paint(severity, caret + ' ' + severity)}")
        lines.append(f"{gutter} {palette.paint('help', '= help:')} {diagnostic.help}")
    else:
        lines.append(f"  {palette.paint('help', '= help:')} {diagnostic.help}")

    for label, where in diagnostic.related:
        lines.append(f"{' ' * 4} = note: {label} at {diagnostic.path}:{where.line}:{where.column}")
    return "\n".join(lines) + "\n"


def _window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long line to SNIPPET_WIDTH around the span, shifting the span to match."""
    line = line.replace("\t", " ")
    if len(line) <= SNIPPET_WIDTH:
        return line, min(start, len(line)), min(max(end, start + 1), max(len(line), start + 1))
    left = max(0, start - SNIPPET_WIDTH // 3)
    right = left + SNIPPET_WIDTH
    prefix = "..." if left else ""
    suffix = "..." if right < len(line) else ""
    shown = prefix + line[left:right] + suffix
    offset = left - (3 if left else 0)
    start, end = start - offset, min(end, right) - offset
    return shown, start, max(end, start + 1)


def _summary(results: list) -> str:
    errors = sum(result.errors for result in results)
    warnings = sum(result.warnings for result in results)
    found = _count(errors, "error") + " and " + _count(warnings, "warning") if errors or warnings else "no problems"
    if not results:
        return "No YAML files to check."
    if len(results) == 1:
        result = results[0]
        kind = KIND_NAMES.get(result.kind or "", "unreadable")
        run_with = f", run with {COMMANDS[result.kind]}" if result.kind in COMMANDS and result.kind != "unknown" else ""
        return f"{result.path}: {kind}{run_with}: {found}."
    by_kind: dict[str, int] = {}
    for result in results:
        by_kind[result.kind or "unreadable"] = by_kind.get(result.kind or "unreadable", 0) + 1
    kinds = ", ".join(f"{count} {COMMANDS.get(kind, kind)}" for kind, count in sorted(by_kind.items()))
    return f"Checked {len(results)} files ({kinds}): {found}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _display_width(text: str) -> int:
    """Return how many terminal cells ``text`` takes."""
    import unicodedata

    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width
