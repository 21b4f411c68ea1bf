"""SARIF 2.1.0 output, the format GitHub code scanning and other result viewers import.

One run per invocation. ``tool.driver.rules`` lists every registered rule with its
documentation, so a viewer can show a rule's page next to each result. Regions use
1-based lines and columns counted in Unicode code points (``columnKind``), with an
exclusive end column, exactly as ``Span`` stores them. Relative paths stay relative:
GitHub resolves them against the repository root, so run mergelint from there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from mergelint import __version__
from mergelint.diagnostics import Diagnostic

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def render(results: list, color: bool = False) -> str:
    from mergelint.registry import REGISTRY

    rules = list(REGISTRY)
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    sarif_results = []
    for result in results:
        for diagnostic in result.diagnostics:
            sarif_results.append(result_object(diagnostic, rule_index.get(diagnostic.code)))

    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mergelint",
                        "version": __version__,
                        "rules": [rule_object(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def rule_object(rule) -> dict:
    """Describe one rule as a SARIF ``reportingDescriptor``; its docstring is Markdown."""
    documentation = rule.documentation()
    what_it_checks = rule.sections().get("What it checks", "") or rule.summary()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": " ".join(what_it_checks.split())},
        "help": {"text": documentation or rule.summary(), "markdown": documentation or rule.summary()},
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {"tags": ["mergekit"]},
    }


def result_object(diagnostic: Diagnostic, rule_index: int | None) -> dict:
    """Describe one finding as a SARIF ``result``; the help line follows the message."""
    span = diagnostic.span
    message = f"{diagnostic.message}\nhelp: {diagnostic.help}" if diagnostic.help else diagnostic.message
    artifact = {"uri": artifact_uri(diagnostic.path)}
    result = {
        "ruleId": diagnostic.code,
        "level": diagnostic.severity.value,
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": span.end_column,
                    },
                }
            }
        ],
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    if diagnostic.fix is not None:
        result["fixes"] = [_fix_object(diagnostic, artifact)]
    return result


def artifact_uri(path: str) -> str:
    """Turn a path into a URI reference: relative paths stay relative, absolute ones become ``file:`` URIs."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def _fix_object(diagnostic: Diagnostic, artifact: dict) -> dict:
    # Offsets are code points from the start of the file, matching columnKind.
    replacements = [
        {
            "deletedRegion": {"charOffset": edit.start, "charLength": edit.end - edit.start},
            "insertedContent": {"text": edit.replacement},
        }
        for edit in diagnostic.fix.edits
    ]
    return {
        "description": {"text": diagnostic.fix.description},
        "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
    }
