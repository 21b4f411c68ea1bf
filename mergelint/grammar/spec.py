"""The compiled form of the grammar: small immutable classes the walker interprets.

The grammar is written with strictyaml validators (``mergelint.grammar.merge`` and its
siblings). ``mergelint.grammar.compile`` turns those into the classes below and writes
them to ``mergelint/grammar/compiled.py``, so that a lint run does not pay for
importing strictyaml (about 45 ms, more than the rest of a run). A test checks that
the compiled file matches the strictyaml grammar.
"""

from __future__ import annotations

from dataclasses import dataclass


class Spec:
    """Base class of all compiled validators."""

    __slots__ = ()


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its value's spec, whether it is required, and what it means."""

    name: str
    spec: Spec
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class MapSpec(Spec):
    """A mapping with a fixed set of keys; ``what`` names it in messages ("a slice")."""

    what: str
    fields: tuple[Field, ...]

    def field(self, name: object) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None


@dataclass(frozen=True)
class MapPatternSpec(Spec):
    """A mapping from any key of ``key`` to values of ``value``."""

    what: str
    key: Spec
    value: Spec


@dataclass(frozen=True)
class SeqSpec(Spec):
    """A list whose items all match ``item``."""

    what: str
    item: Spec


@dataclass(frozen=True)
class FixedSeqSpec(Spec):
    """A list of exactly ``len(items)`` items, each matching its own spec."""

    what: str
    items: tuple[Spec, ...]


@dataclass(frozen=True)
class ScalarSpec(Spec):
    """A scalar of one type as mergekit's pydantic models read it.

    ``type`` is one of ``str``, ``int``, ``float``, ``bool``, ``scalar`` (any of
    them), or a semantic string type such as ``model-reference``.
    """

    type: str


@dataclass(frozen=True)
class EnumSpec(Spec):
    """A string that must be one of ``values``."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class OrSpec(Spec):
    """One of several alternatives, chosen by the node's shape (scalar, list, mapping)."""

    options: tuple[Spec, ...]


@dataclass(frozen=True)
class AnySpec(Spec):
    """Anything; the walker does not descend."""
