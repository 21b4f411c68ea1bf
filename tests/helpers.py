"""Shared test helpers: lint a YAML text and list findings as ``line:col CODE``."""

from __future__ import annotations

import json
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


def write_cached_model(cache: Path, repo: str, config: dict, revision: str = "main", commit: str = "0" * 40) -> Path:
    """Write a model's config.json into a Hugging Face hub cache laid out as huggingface_hub does."""
    folder = cache / ("models--" + repo.replace("/", "--"))
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    (folder / "refs" / revision).write_text(commit, encoding="utf-8")
    snapshot = folder / "snapshots" / commit
    snapshot.mkdir(parents=True, exist_ok=True)
    (snapshot / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return snapshot / "config.json"
