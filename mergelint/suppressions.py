"""Inline suppression comments: find them in a file's text and apply them to its findings.

The accepted forms, where codes, rule names and code prefixes (``MK1``, ``ALL``) may be
mixed and separated by commas:

```yaml
merge_method: linear  # mergelint: disable=MK101,unknown-key -- reason
# mergelint: disable=MK101 -- covers the next line that is not only a comment
models: []
# mergelint: disable-file            (in the first 10 lines: every rule)
# mergelint: disable-file=MK007      (in the first 10 lines: only the named rules)
```

A comment at the end of a line covers the findings that start on that line. The reason
after `` -- `` is for readers and is not checked. A rule named in a comment that
suppresses nothing, and a comment that cannot be read, become ``unused-suppression``
findings, which no comment can suppress.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import yaml

from mergelint.diagnostics import Diagnostic, Span
from mergelint.engine import Registry
from mergelint.nodes import Loader
from mergelint.output.positions import LineIndex
from mergelint.rules.suppression import UnusedSuppression
from mergelint.suggest import closest

# A directive is a comment that starts with ``mergelint:``. YAML starts a comment at a
# ``#`` that begins a line or follows white space, unless the ``#`` is inside a scalar.
DIRECTIVE_START = re.compile(r"(?<!\S)#[ \t]*mergelint[ \t]*:")
LINE_END = re.compile("\r\n|[\r\n\x85\u2028\u2029]|$")
REASON_SEPARATOR = re.compile(r"\s--(?:\s|$)")
FILE_DIRECTIVE_LINES = 10
# Rule codes, names or prefixes separated by commas, with optional spaces around commas.
RULE_LIST = re.compile(r"\s*[^,\s]+(?:\s*,\s*[^,\s]+)*")


@dataclass
class RuleReference:
    """One code or rule name written in a directive, and whether it suppressed a finding."""

    text: str
    span: Span
    codes: frozenset[str]
    used: bool = False


@dataclass
class Directive:
    """One ``# mergelint:`` comment.

    ``target_line`` is the line a ``disable`` covers, and None for ``disable-file``.
    ``rules`` is empty for a bare ``disable-file``, which covers every rule. A
    directive with a ``problem`` suppresses nothing and is reported instead.
    """

    span: Span
    whole_file: bool = False
    target_line: int | None = None
    rules: list[RuleReference] = field(default_factory=list)
    problem: str | None = None
    used: bool = False

    def covers(self, diagnostic: Diagnostic) -> bool:
        """Return whether this directive suppresses ``diagnostic``, marking what matched as used."""
        if self.problem is not None:
            return False
        if not self.whole_file and diagnostic.span.line != self.target_line:
            return False
        if self.whole_file and not self.rules:
            self.used = True
            return True
        matched = False
        for rule in self.rules:
            if diagnostic.code in rule.codes:
                rule.used = True
                matched = True
        return matched


def apply(diagnostics: list[Diagnostic], text: str | None, registry: Registry) -> list[Diagnostic]:
    """Drop the findings that comments suppress and add one finding per unused suppression."""
    if text is None:
        return list(diagnostics)
    directives = parse_directives(text, registry)
    if not directives:
        return list(diagnostics)

    kept = []
    for diagnostic in diagnostics:
        suppressed = False
        for directive in directives:
            # Every directive is asked, not just the first that matches, so that each
            # records that it was used.
            suppressed = directive.covers(diagnostic) or suppressed
        if not suppressed:
            kept.append(diagnostic)

    unused = unused_findings(directives, registry)
    return kept + [d for d in unused if not _silenced_by_file_directive(d, directives)]


def parse_directives(text: str, registry: Registry) -> list[Directive]:
    """Find and read every ``# mergelint:`` comment in ``text``."""
    starts = [match.start() for match in DIRECTIVE_START.finditer(text)]
    if not starts:
        return []
    in_scalars = _inside_scalars(text, starts)
    index = LineIndex(text)

    directives = []
    for start in starts:
        if start in in_scalars:
            continue
        end = LINE_END.search(text, start).start()
        line, column = index.position(start)
        own_line = not index.line_text(line)[: column - 1].strip()
        directive = _read_directive(text[start:end], line, column, registry)
        if not directive.whole_file and directive.problem is None:
            directive.target_line = _next_content_line(index, line) if own_line else line
            if directive.target_line is None:
                directive.problem = "the comment is on the last line, so there is no line below it to cover"
        directives.append(directive)
    return directives


def unused_findings(directives: list[Directive], registry: Registry) -> list[Diagnostic]:
    """Report each directive that cannot work and each named rule that suppressed nothing.

    A bare ``disable-file`` is never reported: it turns off every rule, this one too.
    """
    findings = []
    for directive in directives:
        if directive.problem is not None:
            findings.append(
                UnusedSuppression.report(
                    directive.span,
                    f"this suppression comment has no effect: {directive.problem}",
                    "write `# mergelint: disable=CODE` at the end of the line, or "
                    "`# mergelint: disable-file` in the first 10 lines",
                )
            )
            continue
        for rule in directive.rules:
            if not rule.used:
                findings.append(_unused_rule(rule, directive, registry))
    return findings


def _unused_rule(rule: RuleReference, directive: Directive, registry: Registry) -> Diagnostic:
    if not rule.codes:
        return UnusedSuppression.report(
            rule.span,
            f"unknown rule `{rule.text}` in a suppression comment, so it suppresses nothing",
            rule_hint(rule.text, registry),
        )
    where = "in this file" if directive.whole_file else f"on line {directive.target_line}"
    return UnusedSuppression.report(
        rule.span,
        f"`{rule.text}` suppresses nothing: no {rule.text} finding {where}",
        f"remove `{rule.text}` from the comment, or move the comment to the line of the finding",
    )


def rule_hint(text: str, registry: Registry) -> str:
    """Suggest the rule a misspelt code or name most likely meant."""
    guess = closest(text, [rule.name for rule in registry])
    if guess is not None:
        return f"did you mean `{guess}`? `mergelint rules` lists every code and name"
    return "use a rule code such as `MK101` or a name such as `unknown-key`; `mergelint rules` lists them"


def _read_directive(comment: str, line: int, column: int, registry: Registry) -> Directive:
    directive = Directive(Span(line, column, line, column + len(comment)))
    body_start = DIRECTIVE_START.match(comment).end()
    body = comment[body_start:]
    separator = REASON_SEPARATOR.search(body)
    if separator is not None:
        body = body[: separator.start()]

    action, equals, listed = body.partition("=")
    action = action.strip()
    if action not in ("disable", "disable-file"):
        directive.problem = f"unknown directive `{action}`; expected `disable=CODE` or `disable-file`"
        return directive
    directive.whole_file = action == "disable-file"
    if directive.whole_file and line > FILE_DIRECTIVE_LINES:
        directive.problem = f"`disable-file` works only in the first {FILE_DIRECTIVE_LINES} lines, and this is line {line}"
        return directive
    if not directive.whole_file and not (equals and listed.strip()):
        directive.problem = "`disable` names no rule; write the codes or names, as in `disable=MK101`"
        return directive

    names = RULE_LIST.match(listed)
    rest = listed[names.end() :].strip() if names else listed.strip()
    if rest:
        directive.problem = f"`{rest}` follows the rule list; write a reason after ` -- `, as in `disable=MK101 -- why`"
        return directive

    # Column of the first character after ``=``; each name's column is counted from it.
    listed_column = column + body_start + body.index("=") + 1 if equals else column
    for match in re.finditer(r"[^,\s]+", listed):
        start = listed_column + match.start()
        # A code, a name, a code prefix such as MK1, or ALL, as settings accept them.
        codes = frozenset(rule.code for rule in registry.matching(match.group()))
        directive.rules.append(RuleReference(match.group(), Span(line, start, line, start + len(match.group())), codes))
    return directive


def _next_content_line(index: LineIndex, line: int) -> int | None:
    """Return the first line after ``line`` that is neither blank nor only a comment."""
    for candidate in range(line + 1, len(index.starts) + 1):
        stripped = index.line_text(candidate).strip()
        if stripped and not stripped.startswith("#"):
            return candidate
    return None


def _inside_scalars(text: str, offsets: list[int]) -> set[int]:
    """Return those of the sorted ``offsets`` that lie inside a scalar, where ``#`` is not a comment.

    NOTE: PyYAML's scanner stops at the first syntax error. ``#`` characters after that
    point are taken as comments even when a broken quoted string was meant to hold them.
    """
    inside = set()
    # libyaml counts offsets from after a leading byte order mark, PyYAML's scanner from before.
    shift = 1 if text.startswith("\ufeff") and Loader is not yaml.SafeLoader else 0
    try:
        for token in yaml.scan(text, Loader=Loader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark.index + shift, token.end_mark.index + shift
                first = bisect.bisect_left(offsets, start)
                while first < len(offsets) and offsets[first] < end:
                    inside.add(offsets[first])
                    first += 1
    except yaml.YAMLError:
        pass
    return inside


def _silenced_by_file_directive(diagnostic: Diagnostic, directives: list[Directive]) -> bool:
    """Return whether a ``disable-file`` comment covers an ``unused-suppression`` finding.

    A bare ``disable-file`` or one naming MK010 turns the check off for the file; line
    comments cannot, so that a stale ``disable=MK010`` cannot hide itself.
    """
    for directive in directives:
        if not directive.whole_file or directive.problem is not None:
            continue
        if not directive.rules:
            return True
        if any(diagnostic.code in rule.codes for rule in directive.rules):
            for rule in directive.rules:
                if diagnostic.code in rule.codes:
                    rule.used = True
            return True
    return False
