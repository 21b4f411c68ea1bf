"""One line per finding, for editors, grep and quick reading in a terminal.

```
merge.yml:3:15: error MK201 unknown-merge-method: unknown merge_method `dare-ties`
```

A summary line follows the findings unless the caller asks for findings only.
"""

from __future__ import annotations

from mergelint.diagnostics import Diagnostic
from mergelint.output.text import Palette


def render(results: list, color: bool = False, summary: bool = True) -> str:
    palette = Palette(color)
    lines = [format_line(diagnostic, palette) for result in results for diagnostic in result.diagnostics]
    if summary:
        lines.append(summary_line(results))
    return "\n".join(lines)


def format_line(diagnostic: Diagnostic, palette: Palette | None = None) -> str:
    """Format one finding as ``path:line:col: severity CODE name: message``."""
    palette = palette or Palette(False)
    span = diagnostic.span
    severity = diagnostic.severity.value
    return (
        f"{palette.paint('path', diagnostic.path)}:{span.line}:{span.column}: "
        f"{palette.paint(severity, severity)} {diagnostic.code} {diagnostic.name}: {diagnostic.message}"
    )


def summary_line(results: list) -> str:
    """Count errors and warnings over all files, as one sentence."""
    errors = sum(result.errors for result in results)
    warnings = sum(result.warnings for result in results)
    files = f"{len(results)} file{'' if len(results) == 1 else 's'}"
    if not errors and not warnings:
        return f"Checked {files}: no problems."
    return f"Checked {files}: {_count(errors, 'error')} and {_count(warnings, 'warning')}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
