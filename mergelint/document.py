"""The unit rules check: one YAML document of a file, with its kind and views."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mergelint.model import MergeConfig, Rebuilt, build
from mergelint.nodes import Node
from mergelint.tree import PathChain, Value, walk_nodes


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

    def view(self, name: str, produce: Callable[[Document], Iterable]) -> Iterable:
        """Return a view several rules share: kept for a document, rebuilt for a large one."""
        if self.large:
            return Rebuilt(lambda: produce(self))
        return self.memo(name, lambda d: list(produce(d)))

    @cached_property
    def large(self) -> bool:
        """Tell whether the document's file is large (see nodes.LARGE_STORE)."""
        node = self.root.node
        return node is not None and node.store.large

    @property
    def nodes(self) -> Iterable[tuple[Node, PathChain]]:
        """Every node of the document once, with its path chain (see ``tree.walk_nodes``)."""
        return self.view("nodes", lambda d: walk_nodes(d.root.node))

    @cached_property
    def merge(self) -> MergeConfig:
        """The slice view of a mergekit-yaml document."""
        return build(self.root, keep=not self.large)
