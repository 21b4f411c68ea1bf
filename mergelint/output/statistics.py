"""The ``--statistics`` report: how often each rule was reported, most frequent first."""

from __future__ import annotations

import json
from collections import Counter


def count_rules(results: list) -> list[tuple[int, str, str]]:
    """Return (count, code, name) per reported rule, by falling count, then by code."""
    counts = Counter((d.code, d.name) for result in results for d in result.diagnostics)
    return sorted(((count, code, name) for (code, name), count in counts.items()), key=lambda row: (-row[0], row[1]))


def render(results: list, as_json: bool = False) -> str:
    rows = count_rules(results)
    if as_json:
        return json.dumps([{"code": code, "name": name, "count": count} for count, code, name in rows], indent=2)
    if not rows:
        return ""
    width = len(str(rows[0][0]))
    return "\n".join(f"{count:>{width}}  {code}  {name}" for count, code, name in rows)
