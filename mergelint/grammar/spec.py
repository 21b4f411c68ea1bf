"""The compiled form of the grammar: small immutable classes the walker interprets.

The grammar is written with strictyaml validators (``mergelint.grammar.merge`` and its
siblings). ``mergelint.grammar.compile`` turns those into the classes below and writes
them to ``mergelint/grammar/compiled.py``, so that a lint run does not pay for
importing strictyaml (about 45 ms, more than the rest of a run). A test checks that
the compiled file matches the strictyaml grammar.
"""

from __future__ import annotations

from typing import NamedTuple, Union

# The compiled specs are named tuples rather than dataclasses: a lint run imports this
# module, and a frozen dataclass costs about half a millisecond to create.


class Field(NamedTuple):
    """One key of a mapping: its value's spec, whether it is required or may be empty, and what it means."""

    name: str
    spec: Spec
    required: bool = False
    doc: str = ""
    nullable: bool = True


class MapSpec(NamedTuple):
    """A mapping with a fixed set of keys; ``what`` names it in messages ("a slice")."""

    what: str
    fields: tuple[Field, ...]

    def field(self, name: object) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None


class MapPatternSpec(NamedTuple):
    """A mapping from any key of ``key`` to values of ``value``."""

    what: str
    key: Spec
    value: Spec


class SeqSpec(NamedTuple):
    """A list whose items all match ``item``."""

    what: str
    item: Spec


class FixedSeqSpec(NamedTuple):
    """A list of exactly ``len(items)`` items, each matching its own spec."""

    what: str
    items: tuple[Spec, ...]


class ScalarSpec(NamedTuple):
    """A scalar of one type as mergekit's pydantic models read it.

    ``type`` is one of ``str``, ``int``, ``float``, ``bool``, ``scalar`` (any of
    them), or a semantic string type such as ``model-reference``.
    """

    type: str


class EnumSpec(NamedTuple):
    """A string that must be one of ``values``."""

    values: tuple[str, ...]


class OrSpec(NamedTuple):
    """One of several alternatives, chosen by the node's shape (scalar, list, mapping)."""

    options: tuple[Spec, ...]


class AnySpec(NamedTuple):
    """Anything; the walker does not descend."""


Spec = Union[MapSpec, MapPatternSpec, SeqSpec, FixedSeqSpec, ScalarSpec, EnumSpec, OrSpec, AnySpec]
