"""Output formats: one module per format, each with ``render(results, color) -> str``.

Formatters only present what the rules found; they never decide what is wrong.
Modules are imported on use, so a run pays only for the format it prints.
"""

from __future__ import annotations

import importlib

FORMATS = {
    "text": "mergelint.output.text",
    "concise": "mergelint.output.concise",
    "json": "mergelint.output.json",
    "sarif": "mergelint.output.sarif",
    "github": "mergelint.output.github",
}

# Formats for people end with a summary line, which ``render(..., summary=False)`` leaves out.
# The others print a complete document (json, sarif) or only findings (github).
SUMMARY_FORMATS = frozenset({"text", "concise"})


def render(format_name: str, results: list, color: bool = False, summary: bool = True) -> str:
    """Render lint results in the named format."""
    module = importlib.import_module(FORMATS[format_name])
    if format_name in SUMMARY_FORMATS:
        return module.render(results, color=color, summary=summary)
    return module.render(results, color=color)
