"""The rule engine: the rule base class and the registry of stable codes.

A rule is a class with a code (``MK`` and three digits, never reused), a kebab-case
name, a default severity, the config kinds it applies to, and a ``check`` generator
that yields diagnostics for one document. Its docstring is its documentation:
``mergelint explain`` prints it, and a test runs its examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from mergelint.diagnostics import Diagnostic, Fix, Severity, Span

if TYPE_CHECKING:
    from mergelint.tree import Value

CODE_PATTERN = re.compile(r"MK\d{3}")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

# mergekit's run order: errors are listed by the phase in which mergekit would hit
# them, so the first error shown is the one mergekit itself would stop at.
# Line breaks inside a quoted value, shown escaped so that each finding stays one line.
LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def one_line(text: str) -> str:
    """Return ``text`` with its line breaks escaped, as ``\\n``."""
    return text.translate(LINE_BREAKS)


PHASES = {
    0: "parse: yaml.safe_load",
    1: "load: the config classes validate the document",
    2: "architecture: model configs are read, the output config is built",
    3: "plan: the merge method is looked up",
    4: "plan: inputs and base model of every slice are checked",
    5: "plan: parameters are resolved and slices are planned",
    6: "merge: tensors are loaded, merged and written",
    7: "final: tokenizer and chat template are written",
    8: "never: mergekit writes a broken model without an error",
}

DOC_SECTIONS = (
    "What it checks",
    "Why it matters",
    "Failing example",
    "Corrected example",
    "Fix safety",
)


class Rule:
    """Base class of every rule; subclasses set the class attributes and ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    kinds: ClassVar[frozenset[str]] = frozenset({"merge"})
    fixable: ClassVar[bool] = False
    # When mergekit runs into the problem; errors are listed in this order (see PHASES).
    phase: ClassVar[int] = 5

    def check(self, document: Any) -> Iterator[Diagnostic]:
        """Yield the diagnostics of this rule for one linted document."""
        return iter(())

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0].strip()

    @classmethod
    def documentation(cls) -> str:
        import textwrap  # only `explain` and the docs read documentation

        return textwrap.dedent((cls.__doc__ or "").split("\n", 1)[-1]).strip()

    @classmethod
    def sections(cls) -> dict[str, str]:
        """Split the docstring into its ``## Heading`` sections."""
        sections: dict[str, str] = {}
        heading = None
        lines: list[str] = []
        for line in cls.documentation().splitlines():
            if line.startswith("## "):
                if heading is not None:
                    sections[heading] = "\n".join(lines).strip()
                heading = line[3:].strip()
                lines = []
            else:
                lines.append(line)
        if heading is not None:
            sections[heading] = "\n".join(lines).strip()
        return sections

    @classmethod
    def report(
        cls,
        at: Value | Span,
        message: str,
        help: str,
        *,
        span: Span | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
        related: Iterable[tuple[str, Span]] = (),
    ) -> Diagnostic:
        """Build this rule's diagnostic at a value (or a bare span); ``span`` narrows it."""
        if isinstance(at, Span):
            where, key_path, document = at, "", 0
        else:
            where, key_path, document = at.span, at.key_path, at.document
        span = span or where
        return Diagnostic(
            code=cls.code,
            name=cls.name,
            severity=severity or cls.severity,
            span=span,
            message=one_line(message),
            help=one_line(help),
            fix=fix,
            key_path=key_path,
            document=document,
            related=tuple(related),
        )


class Registry:
    """All rules by code and by name; codes and names must be unique and well formed."""

    def __init__(self, rules: Iterable[type[Rule]], retired: Iterable[str] = ()):
        self.rules: tuple[type[Rule], ...] = tuple(sorted(rules, key=lambda r: r.code))
        self.retired = frozenset(retired)
        self.by_code: dict[str, type[Rule]] = {}
        self.by_name: dict[str, type[Rule]] = {}

        for rule in self.rules:
            if not CODE_PATTERN.fullmatch(rule.code):
                raise ValueError(f"rule code {rule.code!r} is not MK and three digits")
            if not NAME_PATTERN.fullmatch(rule.name):
                raise ValueError(f"rule name {rule.name!r} is not kebab-case")
            if rule.code in self.by_code or rule.code in self.retired:
                raise ValueError(f"rule code {rule.code} is used twice or retired")
            if rule.name in self.by_name:
                raise ValueError(f"rule name {rule.name} is used twice")
            self.by_code[rule.code] = rule
            self.by_name[rule.name] = rule

    def __iter__(self) -> Iterator[type[Rule]]:
        return iter(self.rules)

    def lookup(self, code_or_name: str) -> type[Rule] | None:
        key = code_or_name.strip()
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def matching(self, selector: str) -> list[type[Rule]]:
        """Return the rules a selector names: a code, a name, or a code prefix (``MK3``)."""
        rule = self.lookup(selector)
        if rule is not None:
            return [rule]
        prefix = selector.strip().upper()
        if prefix == "ALL":
            return list(self.rules)
        if re.fullmatch(r"MK\d{0,3}", prefix):
            return [r for r in self.rules if r.code.startswith(prefix)]
        return []
