"""Rule documentation: the `mergelint rules` listing and the `mergelint explain` pages.

Everything here returns text or data; the command line prints it. A rule's page is
built from its class attributes and the ``## Heading`` sections of its docstring.
"""

from __future__ import annotations

import json
import re

from mergelint.engine import DOC_SECTIONS, Registry, Rule
from mergelint.suggest import closest

YAML_BLOCK = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

TABLE_COLUMNS = ("code", "name", "severity", "fixable", "summary")


class UnknownRuleError(LookupError):
    """No rule has the requested code or name; ``suggestion`` is the closest one, if any."""

    def __init__(self, query: str, suggestion: str | None, retired: bool = False):
        self.query = query
        self.suggestion = suggestion
        if retired:
            message = f"rule {query} was removed from mergelint; its code is not reused"
        else:
            hint = f"; did you mean `{suggestion}`?" if suggestion else ""
            message = f"no rule has the code or name `{query}`{hint}"
        super().__init__(f"{message} (`mergelint rules` lists them all)")


def rule_row(rule: type[Rule]) -> dict[str, object]:
    """Return the facts `mergelint rules` lists for one rule."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "fixable": rule.fixable,
        "kinds": sorted(rule.kinds),
        "summary": rule.summary(),
    }


def rules_json(registry: Registry) -> str:
    """Return every rule's facts as a JSON array, in code order."""
    return json.dumps([rule_row(rule) for rule in registry], indent=2)


def rules_table(registry: Registry) -> str:
    """Return every rule as a plain-text table with aligned columns, in code order."""
    rows = [[_cell(rule_row(rule)[column]) for column in TABLE_COLUMNS] for rule in registry]
    header = [column.upper() for column in TABLE_COLUMNS]

    # The summary is the last column, so it is never padded and may run long.
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(TABLE_COLUMNS) - 1)]
    lines = []
    for row in [header, *rows]:
        padded = [cell.ljust(width) for cell, width in zip(row, widths)]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def find_rule(registry: Registry, query: str) -> type[Rule]:
    """Return the rule with this code or name, or raise UnknownRuleError with a did-you-mean."""
    rule = registry.lookup(query)
    if rule is not None:
        return rule

    if query.strip().upper() in registry.retired:
        raise UnknownRuleError(query.strip().upper(), None, retired=True)

    names = [rule.name for rule in registry]
    codes = [rule.code for rule in registry]
    suggestion = closest(query, names) or closest(query.upper(), codes, cutoff=0.8)
    raise UnknownRuleError(query, suggestion)


def explain_page(rule: type[Rule]) -> str:
    """Return the page `mergelint explain` prints: a header, then the docstring's sections.

    Sections appear in the order of ``DOC_SECTIONS``; any other section the docstring
    has follows them, so no written text is dropped.
    """
    header = [
        f"{rule.code} {rule.name}",
        "",
        rule.summary(),
        "",
        f"Severity: {rule.severity.value}",
        f"Applies to: {', '.join(sorted(rule.kinds))}",
        f"Automatic fix: {'yes' if rule.fixable else 'no'}",
    ]

    sections = rule.sections()
    ordered = [heading for heading in DOC_SECTIONS if heading in sections]
    ordered += [heading for heading in sections if heading not in DOC_SECTIONS]

    body = []
    for heading in ordered:
        body += ["", f"## {heading}", "", sections[heading]]
    return "\n".join(header + body) + "\n"


def missing_sections(rule: type[Rule]) -> list[str]:
    """Return the required documentation sections that the rule's docstring lacks or leaves empty."""
    sections = rule.sections()
    return [heading for heading in DOC_SECTIONS if not sections.get(heading, "").strip()]


def example_yaml(rule: type[Rule], heading: str) -> str | None:
    """Return the first ```yaml block of a docstring section, or None when it has none."""
    match = YAML_BLOCK.search(rule.sections().get(heading, ""))
    if match is None:
        return None
    return match.group(1)
