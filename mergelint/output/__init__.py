"""Output formats: one module per format, each with ``render(results, color) -> str``.

Formatters only present what the rules found; they never decide what is wrong.
Modules are imported on use, so a run pays only for the format it prints.
"""

from __future__ import annotations

import importlib

FORMATS = {
    "text": "mergelint.output.text",
    "json": "mergelint.output.json",
}


def render(format_name: str, results: list, color: bool = False) -> str:
    """Render lint results in the named format."""
    module = importlib.import_module(FORMATS[format_name])
    return module.render(results, color=color)
