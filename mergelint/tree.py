"""A read-only view of a composed YAML node tree that reads as ``yaml.safe_load`` does.

mergekit loads configs with ``yaml.safe_load``. The view gives the same values
(YAML 1.1 resolution, merge keys ``<<`` applied, the last of duplicate keys kept)
while every value keeps its node, and so its position. Nodes are handles into the
compact store of ``mergelint.nodes``; aliases share node ids.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from mergelint.diagnostics import Span
from mergelint.nodes import (
    FROM_SOURCE,
    MAPPING,
    SCALAR,
    SEQUENCE,
    STR_TAG,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    Store,
)

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"

# The maximum number of mappings whose effective pairs a document keeps. Past this
# the cache starts over, so a large document's views take bounded memory.
MAX_CACHED_MAPPINGS = 2048

# A node's key path as a chain of (parent chain, key) pairs, None at the root: building
# it costs one tuple per node, and only paths that end up in a diagnostic are formatted.
PathChain = tuple | None


def span_of(node: Node, properties: bool = False) -> Span:
    """Return the span of a node's content, or with ``properties`` from its anchor and tag.

    A zero-width span grows to one column.
    """
    start, end = (node.start_mark if properties else node.content_mark), node.end_mark
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
    return construct(tag, node.value)


@functools.lru_cache(maxsize=4096)
def construct(tag: str, text: str) -> Any:
    """Construct a scalar from its tag and text; on failure return the text.

    Cached by value, since configs repeat the same numbers and booleans many times;
    every value constructed here is immutable.
    """
    constructor = yaml.constructor.SafeConstructor()
    try:
        return constructor.construct_object(yaml.nodes.ScalarNode(tag, text))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, AttributeError):
        return text


def mapping_pairs(node: MappingNode, _active: frozenset[int] = frozenset()) -> list[tuple[Node, Node]]:
    """Return a mapping's pairs with merge keys applied, as PyYAML's constructor orders them.

    Later pairs win when keys repeat: merged pairs come first, then the mapping's own.
    A malformed merge value is left out here. So is a mapping that merges itself through
    an alias, on which PyYAML recurses forever. The parsing stage reports both.
    """
    active = _active | {node.id}
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
            if isinstance(source, MappingNode) and source.id not in active and len(active) < 64:
                merged.extend(mapping_pairs(source, active))
    return merged + own


def effective_pairs(node: MappingNode) -> dict[Any, tuple[int, int]]:
    """Return a mapping's (key id, value id) by key, as ``yaml.safe_load`` builds its dict.

    Keys are constructed (``1`` is an int); the last of repeated keys wins and takes
    its place in the order. Lists and mappings as keys are left out, and so are keys
    that cannot be hashed; the parsing stage reports both.
    """
    store = node.store
    meta, tags, tag_names, scalar = store.meta, store.tags, store.tag_names, store.scalar
    entries = store.children(node.id)
    pairs: dict[Any, tuple[int, int]] = {}
    for index in range(0, len(entries), 2):
        key_id = entries[index]
        if meta[key_id] & 3 != SCALAR:
            continue
        tag = tag_names[tags[key_id]]
        if tag == MERGE_TAG:
            return _merged_pairs(node)
        key = scalar(key_id) if tag == STR_TAG else scalar_value(store.node(key_id))
        try:
            pairs.pop(key, None)
            pairs[key] = (key_id, entries[index + 1])
        except TypeError:
            continue
    return pairs


NOT_SCANNED = ()


def scan_for_key(node: MappingNode, key: str) -> tuple[int, int] | None | tuple[()]:
    """Return the (key id, value id) of a string key, scanning from the last pair.

    A mapping whose keys are not all plain strings returns NOT_SCANNED: there a merge
    key or a constructed key can decide the lookup, so ``effective_pairs`` must.
    """
    store = node.store
    meta, tags, str_tag, data, starts, ends = store.meta, store.tags, store.str_tag, store.data, store.starts, store.ends
    text, bom, length = store.text, store.bom, len(key)
    entries = store.children(node.id)
    for index in range(len(entries) - 2, -1, -2):
        key_id = entries[index]
        if meta[key_id] & 3 != SCALAR or tags[key_id] != str_tag:
            return NOT_SCANNED
        if data[key_id] == FROM_SOURCE:
            # Compared in place in the text, which saves a copy of every key.
            start = starts[key_id]
            if ends[key_id] - start == length and text.startswith(key, start + bom):
                return key_id, entries[index + 1]
        elif store.scalar(key_id) == key:
            return key_id, entries[index + 1]
    return None


def _merged_pairs(node: MappingNode) -> dict[Any, tuple[int, int]]:
    pairs: dict[Any, tuple[int, int]] = {}
    for key_node, value_node in mapping_pairs(node):
        if isinstance(key_node, ScalarNode):
            key = scalar_value(key_node)
            try:
                pairs.pop(key, None)
                pairs[key] = (key_node.id, value_node.id)
            except TypeError:
                continue
    return pairs


class Value:
    """One node of a document, reached by a key path from the document root.

    Values are created on every access, so they are cheap: the key path is built only
    when asked for, and a mapping's effective pairs are computed once per node and
    shared by every Value of that document through ``cache``.
    """

    __slots__ = ("node", "document", "_key_node", "_path", "_parent", "_key", "_cache")

    def __init__(
        self,
        node: Node,
        key_path: str = "",
        document: int = 0,
        key_node: Node | int | None = None,
        *,
        parent: Value | None = None,
        key: Any = None,
        cache: dict[int, dict[Any, tuple[int, int]]] | None = None,
    ):
        self.node = node
        self.document = document
        # The key's node, or its id until the node is asked for.
        self._key_node = key_node
        self._path = key_path if parent is None else None
        self._parent = parent
        self._key = key
        self._cache = cache if cache is not None else {}

    def __repr__(self) -> str:
        return f"Value({self.key_path or '<root>'}: {self.node.tag})"

    @property
    def key_node(self) -> Node | None:
        """The node of the key this value sits under, or None for the root and list items."""
        key_node = self._key_node
        if type(key_node) is int:
            key_node = self._key_node = self.node.store.node(key_node)
        return key_node

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
        key_node = self.key_node
        return span_of(key_node) if key_node is not None else self.span

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

    def _mapping(self) -> dict[Any, tuple[int, int]]:
        """Return the effective pairs of a mapping as node ids, keyed by constructed key."""
        node = self.node
        pairs = self._cache.get(node.id)
        if pairs is None:
            pairs = effective_pairs(node) if isinstance(node, MappingNode) else {}
            if len(self._cache) >= MAX_CACHED_MAPPINGS:
                self._cache.clear()
            self._cache[node.id] = pairs
        return pairs

    def _child(self, node: Node, key_node: Node | int | None, key: Any) -> Value:
        """Return the value reached from this one by ``key``; the hot path, so no keywords."""
        child = Value.__new__(Value)
        child.node = node
        child.document = self.document
        child._key_node = key_node
        child._path = None
        child._parent = self
        child._key = key
        child._cache = self._cache
        return child

    def _child_path(self, key: Any) -> str:
        if isinstance(key, int) and not isinstance(key, bool):
            return f"{self.key_path}[{key}]"
        return f"{self.key_path}.{key}" if self.key_path else str(key)

    def get(self, key: str) -> Value | None:
        """Return the value under ``key`` as ``yaml.safe_load`` reads it, or None when absent."""
        node = self.node
        pair = NOT_SCANNED
        if node.store.large and type(key) is str and isinstance(node, MappingNode):
            # Past the pair cache's size, looking the key up costs less than the pairs.
            pair = scan_for_key(node, key)
        if pair is NOT_SCANNED:
            pair = self._mapping().get(key)
        if pair is None:
            return None
        return self._child(node.store.node(pair[1]), pair[0], key)

    def has(self, key: str) -> bool:
        """Tell whether ``key`` is present with a value other than null."""
        value = self.get(key)
        return value is not None and not value.is_null

    def keys(self) -> list[Any]:
        return list(self._mapping())

    def entries(self) -> Iterator[tuple[Any, Value]]:
        """Yield (key, value) for each effective key of a mapping, in document order."""
        store = self.node.store
        for key, (key_id, value_id) in self._mapping().items():
            yield key, self._child(store.node(value_id), key_id, key)

    def own_pairs(self) -> Iterator[tuple[Node, Node]]:
        """Yield the pairs written in this mapping itself, merge keys and duplicates included."""
        if self.is_mapping:
            yield from self.node.value

    def items(self) -> Items:
        """Return the items of a sequence; empty for anything else."""
        return Items(self if self.is_sequence else None)

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


class Items(Sequence):
    """The items of a sequence value, each made when it is reached.

    A list of every item would hold a large document's slices all at once.
    """

    __slots__ = ("sequence", "ids")

    def __init__(self, sequence: Value | None):
        self.sequence = sequence
        self.ids = sequence.node.store.children(sequence.node.id) if sequence is not None else ()

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        return self._item(index, self.ids[index])

    def __iter__(self) -> Iterator[Value]:
        for index, item_id in enumerate(self.ids):
            yield self._item(index, item_id)

    def _item(self, index: int, item_id: int) -> Value:
        sequence = self.sequence
        node = sequence.node.store.node(item_id)
        return sequence._child(node, None, index)


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
    """Yield each node reachable from ``root`` once, with the path chain where it is first met.

    A mapping comes before its keys and values, and each key before its value. The walk
    keeps one iterator per open collection, not the children of all of them.
    """
    store = root.store
    # Without aliases every node has one parent, so none can be met twice.
    seen = bytearray(len(store)) if store.has_aliases else None
    stack: list[Iterator[tuple[int, PathChain]]] = [iter(((root.id, None),))]
    while stack:
        for node_id, path in stack[-1]:
            if seen is not None:
                if seen[node_id]:
                    continue
                seen[node_id] = 1
            yield store.node(node_id), path
            kind = store.meta[node_id] & 3
            if kind == MAPPING:
                stack.append(_pairs_of(store, node_id, path))
                break
            if kind == SEQUENCE:
                stack.append(_items_of(store, node_id, path))
                break
        else:
            stack.pop()


def _pairs_of(store: Store, node_id: int, path: PathChain) -> Iterator[tuple[int, PathChain]]:
    entries = store.children(node_id)
    for index in range(0, len(entries), 2):
        key_id = entries[index]
        yield key_id, path
        key = store.scalar(key_id) if store.meta[key_id] & 3 == SCALAR else "?"
        yield entries[index + 1], (path, key)


def _items_of(store: Store, node_id: int, path: PathChain) -> Iterator[tuple[int, PathChain]]:
    for index, item_id in enumerate(store.children(node_id)):
        yield item_id, (path, index)
