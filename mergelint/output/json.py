"""Machine-readable output, documented in docs/json-format.md (format version 1).

The top-level object has ``version`` (bumped on any incompatible change), ``tool``,
``files`` (every linted file with its detected kind) and ``diagnostics``. The
diagnostics are grouped by file, and in a file the errors come first, in the order
mergekit would hit them.
Fix edits carry code point offsets and 1-based line and column positions.
"""

from __future__ import annotations

import json

from mergelint import __version__
from mergelint.diagnostics import Diagnostic
from mergelint.output.positions import LineIndex

FORMAT_VERSION = 1


def render(results: list, color: bool = False) -> str:
    files = []
    diagnostics = []
    for result in results:
        files.append(
            {
                "path": result.path,
                "kind": result.kind,
                "errors": result.errors,
                "warnings": result.warnings,
            }
        )
        index = LineIndex(result.text) if result.text is not None and any(d.fix for d in result.diagnostics) else None
        diagnostics.extend(diagnostic_object(d, index) for d in result.diagnostics)

    document = {
        "version": FORMAT_VERSION,
        "tool": {"name": "mergelint", "version": __version__},
        "files": files,
        "diagnostics": diagnostics,
        "summary": {
            "files": len(results),
            "errors": sum(r.errors for r in results),
            "warnings": sum(r.warnings for r in results),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def diagnostic_object(diagnostic: Diagnostic, index: LineIndex | None) -> dict:
    """Return one diagnostic as a JSON-ready dict."""
    span = diagnostic.span
    fix = None
    if diagnostic.fix is not None:
        edits = []
        for edit in diagnostic.fix.edits:
            start = index.position(edit.start) if index else (None, None)
            end = index.position(edit.end) if index else (None, None)
            edits.append(
                {
                    "start": edit.start,
                    "end": edit.end,
                    "start_line": start[0],
                    "start_column": start[1],
                    "end_line": end[0],
                    "end_column": end[1],
                    "replacement": edit.replacement,
                }
            )
        fix = {"description": diagnostic.fix.description, "safe": diagnostic.fix.safe, "edits": edits}
    return {
        "path": diagnostic.path,
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": diagnostic.message,
        "help": diagnostic.help,
        "key_path": diagnostic.key_path,
        "document": diagnostic.document,
        "fix": fix,
    }
