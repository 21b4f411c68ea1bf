"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

```
::error file=merge.yml,line=3,col=15,endLine=3,endColumn=23,title=MK201 unknown-merge-method::unknown merge_method `dare-ties`%0Ahelp: did you mean `dare_ties`?
```

The command syntax and its escaping (``%``, CR and LF everywhere, and also ``:`` and
``,`` in property values) follow GitHub's "Workflow commands for GitHub Actions" page.
GitHub shows at most 10 error and 10 warning annotations per step, so a workflow with
many findings should upload ``--format sarif`` to code scanning instead.
"""

from __future__ import annotations

from mergelint.diagnostics import Diagnostic


def render(results: list, color: bool = False) -> str:
    return "\n".join(annotation(d) for result in results for d in result.diagnostics)


def annotation(diagnostic: Diagnostic) -> str:
    """Build the ``::error`` or ``::warning`` command for one finding.

    Columns are given only for a span on one line, because GitHub allows ``col`` and
    ``endColumn`` only when ``line`` and ``endLine`` are equal. ``endColumn`` is the
    column of the span's last character.
    """
    span = diagnostic.span
    properties = {"file": diagnostic.path.replace("\\", "/"), "line": span.line}
    if span.end_line == span.line:
        properties["col"] = span.column
        properties["endLine"] = span.end_line
        properties["endColumn"] = max(span.column, span.end_column - 1)
    else:
        properties["endLine"] = span.end_line
    properties["title"] = f"{diagnostic.code} {diagnostic.name}"

    fields = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    message = f"{diagnostic.message}\nhelp: {diagnostic.help}" if diagnostic.help else diagnostic.message
    return f"::{diagnostic.severity.value} {fields}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
