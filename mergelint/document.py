"""The unit rules check: one YAML document of a file, with its kind and views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mergelint.model import MergeConfig, build
from mergelint.tree import Value, walk_nodes


@dataclass
class Document:
    """One document of a linted file; ``index`` counts documents from 0."""

    root: Value
    kind: str
    index: int = 0
    text: str = ""
    siblings: list[Document] = field(default_factory=list, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, name: str, compute: Callable[[Document], Any]) -> Any:
        """Return ``compute(self)``, computed once per document; for views several rules share."""
        if name not in self._memo:
            self._memo[name] = compute(self)
        return self._memo[name]

    @property
    def nodes(self) -> list:
        """Every node of the document once, with its path chain (see ``tree.walk_nodes``)."""
        return self.memo("nodes", lambda d: list(walk_nodes(d.root.node)))

    @cached_property
    def merge(self) -> MergeConfig:
        """The slice view of a mergekit-yaml document."""
        return build(self.root)
