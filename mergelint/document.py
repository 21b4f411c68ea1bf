"""The unit rules check: one YAML document of a file, with its kind and views."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from mergelint.model import MergeConfig, build
from mergelint.tree import Value


@dataclass
class Document:
    """One document of a linted file; ``index`` counts documents from 0."""

    root: Value
    kind: str
    index: int = 0
    text: str = ""
    siblings: list[Document] = field(default_factory=list, repr=False)

    @cached_property
    def merge(self) -> MergeConfig:
        """The slice view of a mergekit-yaml document."""
        return build(self.root)
