"""Shared test helpers: lint a YAML text and list findings as ``line:col CODE``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mergelint.linter import lint_text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
REPORTED = SHARED / "cases" / "reported"
FIXTURES = REPO / "fixtures"


def findings(source: str, prefix: str = "MK", kind: str | None = None) -> list[str]:
    """Lint dedented ``source`` and return ``line:col CODE`` for codes starting with ``prefix``."""
    result = lint_text(textwrap.dedent(source), "case.yml", kind)
    return sorted(
        f"{d.span.line}:{d.span.column} {d.code}" for d in result.diagnostics if d.code.startswith(prefix)
    )


def errors(source: str, kind: str | None = None) -> list[str]:
    """Return ``line:col CODE`` of every error in dedented ``source``."""
    result = lint_text(textwrap.dedent(source), "case.yml", kind)
    return sorted(f"{d.span.line}:{d.span.column} {d.code}" for d in result.diagnostics if d.severity.value == "error")
