"""Selection: which findings of a linted file are shown, and at which severity.

Inline suppression comments go first, on the findings exactly as the rules reported
them, so a comment stays "used" whatever the settings turn off. Then the settings
drop the codes that ``select``, ``ignore`` and ``per-file-ignores`` leave out, which
may include the ``unused-suppression`` findings, and apply severity overrides.
"""

from __future__ import annotations

import os
from dataclasses import replace

from mergelint import suppressions
from mergelint.engine import Registry
from mergelint.linter import LintResult, order_key
from mergelint.settings import Settings


def select(result: LintResult, settings: Settings | None = None, registry: Registry | None = None) -> LintResult:
    """Return the result with suppressed and unselected findings removed and severities set.

    Without ``settings`` only the inline comments apply, as in a directory with no
    settings file.
    """
    if registry is None:
        from mergelint.registry import REGISTRY as registry
    if settings is None:
        settings = Settings(root=os.getcwd())
    diagnostics = suppressions.apply(result.diagnostics, result.text, registry)

    ignored = settings.ignored_codes(result.path)
    selected = []
    for diagnostic in diagnostics:
        if diagnostic.code in ignored or not settings.selects(diagnostic.code):
            continue
        severity = settings.severity.get(diagnostic.code, diagnostic.severity)
        selected.append(replace(diagnostic, path=result.path, severity=severity))

    # Severity overrides may have turned a warning into an error, so sort again.
    selected.sort(key=lambda d: order_key(d, registry))
    return replace(result, diagnostics=selected)
