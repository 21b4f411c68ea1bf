"""Composed YAML nodes in a compact store, read through light handles.

PyYAML's composer gives every node a Python object with an attribute dictionary and
two position marks, which took 54 times the size of the text for a 1 MB config
(measured with tracemalloc). A linter that
runs on every file of a repository must not need gigabytes for a large one, so
the nodes live here as columns of arrays, a few dozen bytes each, and are read
through handles made on demand. A handle reads as a PyYAML node does (``tag``,
``value``, ``start_mark``, ``end_mark``, ``style``, ``flow_style``), and two handles
of one node compare equal.

The store is built from libyaml's events by the same steps PyYAML's composer takes:
the same tag resolution, the same anchors and aliases (an alias is the anchored node
itself, so a document is a graph), and the same errors. Positions are kept as
character offsets; lines and columns are computed from them with the line breaks
libyaml counts.
"""

from __future__ import annotations

import functools
import re
from array import array
from bisect import bisect_right
from typing import NamedTuple

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SCALAR, SEQUENCE, MAPPING = 0, 1, 2
STR_TAG = "tag:yaml.org,2002:str"
SEQUENCE_TAG = "tag:yaml.org,2002:seq"
MAPPING_TAG = "tag:yaml.org,2002:map"

# A node's style sits above its kind in one byte: a scalar's quoting, a collection's
# flow style. libyaml reports a plain scalar's style as "" and PyYAML's parser as None.
SCALAR_STYLES = (None, "", "'", '"', "|", ">")
FLOW_STYLES = (None, False, True)
_SCALAR_STYLE_CODES = {style: code for code, style in enumerate(SCALAR_STYLES)}
_FLOW_STYLE_CODES = {style: code for code, style in enumerate(FLOW_STYLES)}

# A store of more nodes than this is large; real configs have a few hundred nodes.
# A small store keeps each handle once made, and the stages after keep their views.
# A large one has them made anew on each access, so they take little memory at once.
LARGE_STORE = 20_000

# libyaml ends a text that lacks a final line break with one of its own, so a mark
# at the end of such a text can be on a line after the last. These bits of a node's
# kind byte mark a start or end mark that is on that added line.
START_AFTER_LAST_LINE, END_AFTER_LAST_LINE = 1 << 5, 1 << 6

# Scalar value locations: the scalar's own text in the source, that text inside
# quotes, or, from 0 up, an entry of the store's string table.
FROM_SOURCE, INSIDE_QUOTES = -1, -2

# libyaml ends a line at each of these, and counts a CR LF pair as one break.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

# An anchor, a tag or both before a node's content, each followed by spaces, line
# breaks or comments. A verbatim tag (!<tag:yaml.org,2002:str>) may hold commas.
PROPERTIES = re.compile(
    r"(?:(?:&[^\s,\[\]{}]+|!<[^>]*>|![^\s,\[\]{}]*)(?:[ \t\r\n\x85\u2028\u2029]+|#[^\r\n\x85\u2028\u2029]*)*)+"
)


class Mark(NamedTuple):
    """A position as PyYAML reports it: a character offset, a line and a column, from 0."""

    index: int
    line: int
    column: int


class Store:
    """Every node of one text, as parallel arrays indexed by node id."""

    def __init__(self, text: str):
        self.text = text
        self.meta = bytearray()  # kind | style << 2 | the *_AFTER_LAST_LINE bits
        self.tags = array("i")
        self.starts = array("i")
        self.ends = array("i")
        # A scalar's value location; a collection's first entry in ``links``.
        self.data = array("i")
        # A collection's number of entries in ``links``: items, or keys and values in turn.
        self.sizes = array("i")
        self.links = array("i")
        self.strings: list[str] = []
        self.tag_names: list[str] = []
        # Each complete document's root node.
        self.roots: list[int] = []
        self.has_aliases = False
        # The number of the string tag in ``tags``, or -1 when no node has it.
        self.str_tag = -1
        # Whether the store has more than LARGE_STORE nodes, set once it is composed.
        self.large = False
        # libyaml skips a leading byte order mark and counts offsets from after it.
        self.bom = 1 if text.startswith("\ufeff") else 0
        self._line_starts: array | None = None
        self._handles: list[Node | None] | None = None

    def __len__(self) -> int:
        return len(self.meta)

    def node(self, node_id: int) -> Node:
        """Return a handle of one node; the same one each time in a small store."""
        handles = self._handles
        if handles is None:
            return NODE_CLASSES[self.meta[node_id] & 3](self, node_id)
        handle = handles[node_id]
        if handle is None:
            handle = handles[node_id] = NODE_CLASSES[self.meta[node_id] & 3](self, node_id)
        return handle

    def finish(self) -> None:
        """Mark the store composed: note whether it is large, and where the string tag is.

        A small store keeps its handles once made, since the rules reach each node many times.
        """
        self.large = len(self.meta) > LARGE_STORE
        if not self.large:
            self._handles = [None] * len(self.meta)
        if STR_TAG in self.tag_names:
            self.str_tag = self.tag_names.index(STR_TAG)

    def children(self, node_id: int) -> array:
        """Return a collection's entries: items, or keys and values in turn."""
        first = self.data[node_id]
        return self.links[first : first + self.sizes[node_id]]

    def scalar(self, node_id: int) -> str:
        """Return a scalar's value as a string, the same as PyYAML's ScalarNode.value."""
        where = self.data[node_id]
        if where == FROM_SOURCE:
            return self.text[self.starts[node_id] + self.bom : self.ends[node_id] + self.bom]
        if where == INSIDE_QUOTES:
            return self.text[self.starts[node_id] + self.bom + 1 : self.ends[node_id] + self.bom - 1]
        return self.strings[where]

    def mark(self, index: int) -> Mark:
        """Return the line and column of a character offset."""
        if self._line_starts is None:
            self._line_starts = array("i", [0])
            self._line_starts.extend(match.end() - self.bom for match in LINE_BREAK.finditer(self.text))
        line = bisect_right(self._line_starts, index) - 1
        return Mark(index, line, index - self._line_starts[line])


class Node:
    """A handle of one node in a store; made on demand, equal to every other handle of it."""

    __slots__ = ("store", "id", "tag")

    def __init__(self, store: Store, node_id: int):
        self.store = store
        self.id = node_id
        self.tag = store.tag_names[store.tags[node_id]]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.id == self.id and other.store is self.store

    def __hash__(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tag={self.tag!r}, id={self.id})"

    @property
    def start_mark(self) -> Mark:
        return self._mark(self.store.starts[self.id], START_AFTER_LAST_LINE)

    @property
    def end_mark(self) -> Mark:
        return self._mark(self.store.ends[self.id], END_AFTER_LAST_LINE)

    @property
    def content_mark(self) -> Mark:
        """The start of the node's content, after its anchor and tag; start_mark includes them."""
        return self.start_mark

    @property
    def anchored(self) -> bool:
        """Whether the node is written with an anchor (``&name``) that aliases can refer to."""
        store = self.store
        start = store.starts[self.id] + store.bom
        if store.text[start : start + 1] not in ("&", "!"):
            return False
        return "&" in PROPERTIES.match(store.text, start).group()

    def _mark(self, index: int, after_last_line: int) -> Mark:
        mark = self.store.mark(index)
        if self.store.meta[self.id] & after_last_line:
            return Mark(index, mark.line + 1, 0)
        return mark


class ScalarNode(Node):
    __slots__ = ("value",)

    def __init__(self, store: Store, node_id: int):
        self.store = store
        self.id = node_id
        self.tag = store.tag_names[store.tags[node_id]]
        self.value = store.scalar(node_id)

    @property
    def content_mark(self) -> Mark:
        """The start of the scalar itself, after its anchor and tag; start_mark includes them."""
        store = self.store
        start = store.starts[self.id] + store.bom
        if store.text[start : start + 1] not in ("&", "!"):
            return self.start_mark
        end = PROPERTIES.match(store.text, start).end()
        return store.mark(min(end - store.bom, store.ends[self.id]))

    @property
    def style(self) -> str | None:
        return SCALAR_STYLES[self.store.meta[self.id] >> 2 & 7]


class CollectionNode(Node):
    __slots__ = ()

    @property
    def flow_style(self) -> bool | None:
        return FLOW_STYLES[self.store.meta[self.id] >> 2 & 7]


class SequenceNode(CollectionNode):
    __slots__ = ()

    @property
    def value(self) -> list[Node]:
        store = self.store
        return [store.node(child) for child in store.children(self.id)]


class MappingNode(CollectionNode):
    __slots__ = ()

    @property
    def value(self) -> list[tuple[Node, Node]]:
        store = self.store
        entries = store.children(self.id)
        return [(store.node(entries[i]), store.node(entries[i + 1])) for i in range(0, len(entries), 2)]


NODE_CLASSES = (ScalarNode, SequenceNode, MappingNode)


@functools.lru_cache(maxsize=4096)
def _resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    """Return the tag PyYAML's resolver gives an untagged scalar; cached, because configs repeat values."""
    return _resolver.resolve(yaml.nodes.ScalarNode, value, implicit)


_resolver = yaml.resolver.Resolver()


def compose(store: Store) -> None:
    """Compose every document of the store's text into it, roots in ``store.roots``.

    Raises what ``yaml.compose_all`` raises for the same text; ``store.roots`` then
    lists the documents composed before the error, as ``yaml.compose_all`` yields them.
    """
    loader = Loader(store.text)
    try:
        _Builder(store).run(loader)
    finally:
        loader.dispose()
        store.finish()


class _Builder:
    """A builder that appends nodes to a store from a stream of parser events."""

    def __init__(self, store: Store):
        self.store = store
        self.string_ids: dict[str, int] = {}
        self.tag_ids: dict[str, int] = {}
        self.anchors: dict[str, int] = {}
        self.root: int | None = None
        # The end offset of a text whose last line has no line break, else -1.
        text = store.text
        self.unended = len(text) - store.bom if text[store.bom :] and not LINE_BREAK.match(text[-1]) else -1
        # The open collections, innermost last, each with its entries so far.
        self.open: list[tuple[int, array]] = []

    def run(self, loader) -> None:
        get_event = loader.get_event
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                self.scalar(event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                self.start_collection(event, MAPPING if kind is MappingStartEvent else SEQUENCE)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                self.end_collection(event)
            elif kind is AliasEvent:
                self.alias(event)
            elif kind is DocumentStartEvent:
                self.anchors, self.root = {}, None
            elif kind is DocumentEndEvent:
                self.store.roots.append(self.root)
            elif kind is StreamEndEvent or event is None:
                return

    def add(self, event, kind: int, style: int, tag: str, data: int = 0) -> int:
        store = self.store
        node_id = len(store.meta)
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                first = store.node(self.anchors[anchor]).start_mark
                raise ComposerError(
                    f"found duplicate anchor {anchor!r}; first occurrence", first, "second occurrence", event.start_mark
                )
            self.anchors[anchor] = node_id
        tag_id = self.tag_ids.get(tag)
        if tag_id is None:
            tag_id = self.tag_ids[tag] = len(store.tag_names)
            store.tag_names.append(tag)

        start, end = event.start_mark.index, event.end_mark.index
        meta = kind | style << 2
        if end == self.unended:
            meta |= self.after_last_line(event.start_mark, START_AFTER_LAST_LINE)
            meta |= self.after_last_line(event.end_mark, END_AFTER_LAST_LINE)
        store.meta.append(meta)
        store.tags.append(tag_id)
        store.starts.append(start)
        store.ends.append(end)
        store.data.append(data)
        store.sizes.append(0)

        if self.open:
            self.open[-1][1].append(node_id)
        else:
            self.root = node_id
        return node_id

    def after_last_line(self, mark, bit: int) -> int:
        """Return ``bit`` when libyaml put the mark on the line it adds after the text."""
        return bit if mark.index == self.unended and mark.column == 0 else 0

    def scalar(self, event: ScalarEvent) -> None:
        store, value, tag, style = self.store, event.value, event.tag, event.style
        if tag is None or tag == "!":
            tag = _resolve_scalar(value, event.implicit)

        # Where the value is kept: read back from the source when it equals the text.
        text, length = store.text, len(value)
        start = event.start_mark.index + store.bom
        span = event.end_mark.index + store.bom - start
        if span == length and text.startswith(value, start):
            data = FROM_SOURCE
        elif span == length + 2 and (style == "'" or style == '"') and text.startswith(value, start + 1):
            data = INSIDE_QUOTES
        else:
            data = self.string_ids.get(value)
            if data is None:
                data = self.string_ids[value] = len(store.strings)
                store.strings.append(value)

        self.add(event, SCALAR, _SCALAR_STYLE_CODES.get(style, 0), tag, data)

    def start_collection(self, event, kind: int) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = MAPPING_TAG if kind == MAPPING else SEQUENCE_TAG
        node_id = self.add(event, kind, _FLOW_STYLE_CODES.get(event.flow_style, 0), tag)
        self.open.append((node_id, array("i")))

    def end_collection(self, event) -> None:
        store = self.store
        node_id, entries = self.open.pop()
        store.data[node_id] = len(store.links)
        store.sizes[node_id] = len(entries)
        store.links.extend(entries)
        store.ends[node_id] = event.end_mark.index
        if event.end_mark.index == self.unended:
            store.meta[node_id] |= self.after_last_line(event.end_mark, END_AFTER_LAST_LINE)

    def alias(self, event: AliasEvent) -> None:
        node_id = self.anchors.get(event.anchor)
        if node_id is None:
            raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        self.store.has_aliases = True
        if self.open:
            self.open[-1][1].append(node_id)
        else:
            self.root = node_id
