"""A read-only view of a composed YAML node tree that reads as ``yaml.safe_load`` does.

mergekit loads configs with ``yaml.safe_load``. The view gives the same values
(YAML 1.1 resolution, merge keys ``<<`` applied, the last of duplicate keys kept)
while every value keeps its node, and so its position. Nothing here mutates the
nodes: aliases share node objects, and PyYAML's own constructor rewrites mappings
in place when it applies merge keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mergelint.diagnostics import Span

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"

_constructor = yaml.constructor.SafeConstructor()

# A node's key path as a chain of (parent chain, key) pairs, None at the root: building
# it costs one tuple per node, and only paths that end up in a diagnostic are formatted.
PathChain = tuple | None


def span_of(node: Node) -> Span:
    """Return the span of a node; a zero-width span grows to one column."""
    start, end = node.start_mark, node.end_mark
    line, column = start.line + 1, start.column + 1
    end_line, end_column = end.line + 1, end.column + 1
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return Span(line, column, end_line, end_column)


def scalar_value(node: ScalarNode) -> Any:
    """Construct a scalar as ``yaml.safe_load`` would; on failure return its text."""
    tag = node.tag
    if tag == STR_TAG:
        return node.value
    if tag == NULL_TAG:
        return None
    try:
        return _constructor.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, AttributeError):
        return node.value


def mapping_pairs(node: MappingNode, _active: frozenset[int] = frozenset()) -> list[tuple[Node, Node]]:
    """Return a mapping's pairs with merge keys applied, as PyYAML's constructor orders them.

    Later pairs win when keys repeat: merged pairs come first, then the mapping's own.
    A malformed merge value is left out here. So is a mapping that merges itself through
    an alias, on which PyYAML recurses forever. The parsing stage reports both.
    """
    active = _active | {id(node)}
    merged: list[tuple[Node, Node]] = []
    own: list[tuple[Node, Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != MERGE_TAG:
            own.append((key_node, value_node))
            continue
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        if isinstance(value_node, SequenceNode):
            sources = list(reversed(sources))
        for source in sources:
            if isinstance(source, MappingNode) and id(source) not in active and len(active) < 64:
                merged.extend(mapping_pairs(source, active))
    return merged + own


class Value:
    """One node of a document, reached by a key path from the document root.

    Values are created on every access, so they are cheap: the key path is built only
    when asked for, and a mapping's effective pairs are computed once per node and
    shared by every Value of that document through ``cache``.
    """

    __slots__ = ("node", "document", "key_node", "_path", "_parent", "_key", "_cache")

    def __init__(
        self,
        node: Node,
        key_path: str = "",
        document: int = 0,
        key_node: Node | None = None,
        *,
        parent: Value | None = None,
        key: Any = None,
        cache: dict[int, dict[Any, tuple[Node, Node]]] | None = None,
    ):
        self.node = node
        self.document = document
        self.key_node = key_node
        self._path = key_path if parent is None else None
        self._parent = parent
        self._key = key
        self._cache = cache if cache is not None else {}

    def __repr__(self) -> str:
        return f"Value({self.key_path or '<root>'}: {self.node.tag})"

    @property
    def parent(self) -> Value | None:
        """The value this one was reached from, or None at the root."""
        return self._parent

    @property
    def key_path(self) -> str:
        """The path from the document root, such as ``models[0].parameters.weight``."""
        if self._path is None:
            self._path = self._parent._child_path(self._key)
        return self._path

    @property
    def span(self) -> Span:
        return span_of(self.node)

    @property
    def key_span(self) -> Span:
        """The span of the key this value sits under, or of the value itself."""
        return span_of(self.key_node) if self.key_node is not None else self.span

    @property
    def tag(self) -> str:
        return self.node.tag

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.node, MappingNode)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.node, SequenceNode)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, ScalarNode)

    @property
    def is_null(self) -> bool:
        return self.is_scalar and self.node.tag == NULL_TAG

    @property
    def is_string(self) -> bool:
        return self.is_scalar and self.node.tag == STR_TAG

    @property
    def is_number(self) -> bool:
        return self.is_scalar and self.node.tag in (INT_TAG, FLOAT_TAG)

    @property
    def text(self) -> str:
        """The scalar as written, without quotes; empty for collections."""
        return self.node.value if self.is_scalar else ""

    @property
    def value(self) -> Any:
        """The scalar's value as mergekit's loader constructs it; None for collections."""
        return scalar_value(self.node) if self.is_scalar else None

    def _mapping(self) -> dict[Any, tuple[Node, Node]]:
        pairs = self._cache.get(id(self.node))
        if pairs is None:
            pairs = {}
            if self.is_mapping:
                for key_node, value_node in mapping_pairs(self.node):
                    if isinstance(key_node, ScalarNode):
                        key = scalar_value(key_node)
                        try:
                            pairs.pop(key, None)
                            pairs[key] = (key_node, value_node)
                        except TypeError:
                            continue  # an unhashable key; the parsing stage reports it
            self._cache[id(self.node)] = pairs
        return pairs

    def _child_path(self, key: Any) -> str:
        if isinstance(key, int) and not isinstance(key, bool):
            return f"{self.key_path}[{key}]"
        return f"{self.key_path}.{key}" if self.key_path else str(key)

    def get(self, key: str) -> Value | None:
        """Return the value under ``key`` as ``yaml.safe_load`` reads it, or None when absent."""
        pair = self._mapping().get(key)
        if pair is None:
            return None
        return Value(pair[1], document=self.document, key_node=pair[0], parent=self, key=key, cache=self._cache)

    def has(self, key: str) -> bool:
        """Tell whether ``key`` is present with a value other than null."""
        value = self.get(key)
        return value is not None and not value.is_null

    def keys(self) -> list[Any]:
        return list(self._mapping())

    def entries(self) -> Iterator[tuple[Any, Value]]:
        """Yield (key, value) for each effective key of a mapping, in document order."""
        for key, (key_node, value_node) in self._mapping().items():
            yield key, Value(value_node, document=self.document, key_node=key_node, parent=self, key=key, cache=self._cache)

    def own_pairs(self) -> Iterator[tuple[Node, Node]]:
        """Yield the pairs written in this mapping itself, merge keys and duplicates included."""
        if self.is_mapping:
            yield from self.node.value

    def items(self) -> list[Value]:
        """Return the items of a sequence; empty for anything else."""
        if not self.is_sequence:
            return []
        return [
            Value(node, document=self.document, parent=self, key=index, cache=self._cache)
            for index, node in enumerate(self.node.value)
        ]

    def __bool__(self) -> bool:
        # A Value is always truthy, even an empty list or a scalar: test emptiness with len().
        return True

    def __len__(self) -> int:
        if self.is_sequence:
            return len(self.node.value)
        if self.is_mapping:
            return len(self._mapping())
        return 0

    def plain(self, depth: int = 0) -> Any:
        """Return the Python value ``yaml.safe_load`` gives, for small subtrees.

        Deep or cyclic structures stop at 64 levels and give None there.
        """
        if depth > 64:
            return None
        if self.is_scalar:
            return self.value
        if self.is_sequence:
            return [item.plain(depth + 1) for item in self.items()]
        return {key: value.plain(depth + 1) for key, value in self.entries()}


def format_path(chain: PathChain) -> str:
    """Format a path chain as ``models[0].parameters.weight``."""
    keys = []
    while chain is not None:
        chain, key = chain
        keys.append(key)
    text = ""
    for key in reversed(keys):
        if isinstance(key, int):
            text += f"[{key}]"
        elif text:
            text += f".{key}"
        else:
            text = str(key)
    return text


def walk_nodes(root: Node) -> Iterator[tuple[Node, PathChain]]:
    """Yield each node reachable from ``root`` once, with the path chain where it is first met."""
    seen: set[int] = set()
    stack: list[tuple[Node, PathChain]] = [(root, None)]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node, path
        if isinstance(node, MappingNode):
            children = []
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else "?"
                children.append((value_node, (path, key)))
                children.append((key_node, path))
            stack.extend(reversed(children))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed([(child, (path, i)) for i, child in enumerate(node.value)]))
