"""Parsing: text to YAML documents of positioned nodes, with the loader's own problems.

PyYAML's parser is the one mergekit uses (through ``yaml.safe_load``), so a file
parses here exactly when it parses there. libyaml's parser is used where PyYAML was
built with it: it is many times faster and stops nesting at 1,000 levels with a clean
error. Its events are composed into the compact store of ``mergelint.nodes`` by the
steps PyYAML's composer takes. Everything after composing walks nodes iteratively and
visits each node once, because aliases make a document a graph that can be
exponentially larger as a tree.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import yaml

from mergelint import nodes
from mergelint.diagnostics import Diagnostic, Span
from mergelint.nodes import MappingNode, Node, ScalarNode, SequenceNode
from mergelint.rules.input import DuplicateKey, YamlConstructorError, YamlSyntaxError
from mergelint.tree import MERGE_TAG, PathChain, format_path, scalar_value, span_of, walk_nodes

KNOWN_TAGS = frozenset(yaml.constructor.SafeConstructor.yaml_constructors) - {None}


@dataclass
class ParsedText:
    """The documents of one text (a None root for an empty document) and parse problems."""

    documents: list[Node | None] = field(default_factory=list)
    # Each document's nodes in walk order with their path chains, kept for the stages
    # after when the text is not large.
    walks: list[list[tuple[Node, PathChain]] | None] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    complete: bool = True


# Texts from this size up have the allocator tuned for large blocks first (see below).
LARGE_TEXT = 1 << 20


def parse(text: str) -> ParsedText:
    """Compose every document of ``text`` and report what ``yaml.safe_load`` would reject."""
    if len(text) >= LARGE_TEXT:
        _map_large_blocks()
    result = ParsedText()
    store = nodes.Store(text)
    try:
        nodes.compose(store)
    except yaml.MarkedYAMLError as error:
        result.complete = False
        result.diagnostics.append(_syntax_error(error, text))
    except RecursionError:
        result.complete = False
        result.diagnostics.append(
            YamlSyntaxError.report(
                Span.point(1, 1),
                "the document nests too deeply to parse",
                "a mergekit config nests a few levels; check for runaway brackets or indentation",
            )
        )
    except yaml.YAMLError as error:
        result.complete = False
        result.diagnostics.append(
            YamlSyntaxError.report(Span.point(1, 1), f"invalid YAML: {error}", "fix the YAML syntax")
        )

    result.documents = [store.node(root) if root is not None else None for root in store.roots]
    for index, root in enumerate(result.documents):
        if root is not None:
            # Without an alias no document can expand.
            expansion = _alias_expansion_problem(root) if store.has_aliases else None
            if expansion is not None:
                result.complete = False
                result.diagnostics.append(replace(expansion, document=index))
            walked = walk_nodes(root) if store.large else list(walk_nodes(root))
            result.walks.append(None if store.large else walked)
            result.diagnostics.extend(_loader_problems(walked, index))
        else:
            result.walks.append(None)
    return result


@functools.cache
def _map_large_blocks() -> None:
    """Have glibc's allocator give every large block its own mapping, returned when freed.

    glibc raises its threshold for mapping a block each time a mapped block is freed,
    as the file's bytes are once decoded. The store's arrays then grow on the heap,
    where the blocks they leave as they grow are kept, not returned: a 5 MB config
    peaked at 66 MB where 52 MB was enough with a fixed threshold (bench/run.py (d)).
    Setting the threshold fixes it. Elsewhere than glibc this does nothing.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):
        pass


M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h


# The checks after parsing walk each document as the tree mergekit reads, where an alias
# stands for a full copy of its anchor. Nested aliases ("billion laughs") make that tree
# exponentially larger than the text, so its size is bounded relative to the nodes
# written, which keeps the cost of a run linear in the size of the input.
MAX_ALIAS_EXPANSION = 10
MIN_EXPANSION_LIMIT = 10_000


def _alias_expansion_problem(root: Node) -> Diagnostic | None:
    """Report a document whose aliases expand it too far, or that contains itself."""
    store = root.store
    meta, data, sizes, links = store.meta, store.data, store.sizes, store.links
    # Each node's size as a tree, once known; -1 while it is not.
    expanded_sizes = array("q", [-1]) * len(store)
    open_nodes = bytearray(len(store))
    written = 0
    stack: list[tuple[int, bool]] = [(root.id, False)]
    while stack:
        node_id, finished = stack.pop()
        children = links[data[node_id] : data[node_id] + sizes[node_id]] if meta[node_id] & 3 else ()
        if finished:
            open_nodes[node_id] = 0
            # Capped so that the sums stay small numbers even for exponential trees.
            expanded_sizes[node_id] = min(1 + sum(expanded_sizes[child] for child in children), 1 << 62)
            written += 1
            continue
        if expanded_sizes[node_id] >= 0:
            continue
        if open_nodes[node_id]:
            # Only the nodes on the path from the root are open, so this one contains itself.
            return YamlSyntaxError.report(
                span_of(store.node(node_id)),
                "an alias refers to a node that contains it, so the document is infinitely deep",
                "replace the alias with a copy of the values it stands for; mergekit cannot validate a recursive config",
            )
        open_nodes[node_id] = 1
        stack.append((node_id, True))
        stack.extend((child, False) for child in children if expanded_sizes[child] < 0)

    expanded = expanded_sizes[root.id]
    limit = max(MAX_ALIAS_EXPANSION * written, MIN_EXPANSION_LIMIT)
    if expanded <= limit:
        return None
    return YamlSyntaxError.report(
        span_of(root),
        f"aliases expand the document to {expanded:,} nodes from {written:,} written, "
        f"more than the limit of {limit:,}, so it was not checked further",
        "write the repeated values out, or alias each block directly instead of aliases of aliases",
    )


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    span = Span.point(mark.line + 1, mark.column + 1) if mark else Span.point(1, 1)
    problem = (error.problem or "invalid YAML").strip()
    context = (error.context or "").strip()
    message = f"invalid YAML: {problem}"
    if context and error.context_mark is not None and error.context_mark is not mark:
        message += f" ({context} at line {error.context_mark.line + 1})"
    prefix = _line_prefix(text, mark) if mark is not None else ""
    tab_indented = "\t" in prefix[: len(prefix) - len(prefix.lstrip(" \t"))]
    if tab_indented:
        message = f"invalid YAML: line {mark.line + 1} is indented with a tab, which YAML does not allow"
    if tab_indented or "tab" in problem:
        help = "indent with spaces; YAML does not allow tabs for indentation"
    elif "nesting depth" in problem:
        help = "a mergekit config nests a few levels; check for runaway brackets"
    elif "mapping values are not allowed" in problem:
        help = "quote the value if it contains ': ', or fix the indentation of this line"
    elif "undefined alias" in problem:
        help = "define the anchor (&name) before the alias (*name) that uses it"
    else:
        help = "fix the YAML syntax at this position; mergekit cannot load the file until then"
    return YamlSyntaxError.report(span, message, help)


def _line_prefix(text: str, mark) -> str:
    """Return the text of the mark's line up to and including the mark's column."""
    start = mark.index - mark.column
    return text[start : mark.index + 1] if 0 <= start <= mark.index < len(text) else ""


def _loader_problems(walked: Iterator[tuple[Node, PathChain]], document: int) -> Iterator[Diagnostic]:
    # A `<<` key is applied by the loader, but `<<` anywhere else has no constructor.
    # walk_nodes yields a mapping before its keys, so its merge keys are known in time.
    merge_keys: set[Node] = set()
    for node, path in walked:
        if node in merge_keys:
            continue
        if node.tag not in KNOWN_TAGS and node.tag != MERGE_TAG:
            yield _at(
                YamlConstructorError.report(
                    span_of(node, properties=True),
                    f"the tag {node.tag!r} is not one that yaml.safe_load accepts",
                    "remove the tag; mergekit loads configs with yaml.safe_load, which knows only standard YAML tags",
                ),
                path,
                document,
            )
        elif isinstance(node, ScalarNode):
            yield from _scalar_problems(node, path, document)
        if isinstance(node, MappingNode):
            merge_keys.update(key for key, _ in node.value if key.tag == MERGE_TAG)
            yield from _mapping_problems(node, path, document)


# Strings and nulls construct from any text, even under an explicit tag.
ALWAYS_CONSTRUCTIBLE = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:null"})


def _scalar_problems(node: ScalarNode, path: PathChain, document: int) -> Iterator[Diagnostic]:
    if node.tag in ALWAYS_CONSTRUCTIBLE:
        return
    problem = _construction_problem(node.tag, node.value)
    if problem is not None:
        yield _at(
            YamlConstructorError.report(
                span_of(node),
                f"the value {node.value!r} cannot be read as {node.tag.rsplit(':', 1)[-1]}: {problem}",
                "quote the value to make it a string, or correct it",
            ),
            path,
            document,
        )


@functools.lru_cache(maxsize=4096)
def _construction_problem(tag: str, text: str) -> str | None:
    """Return why ``yaml.safe_load`` cannot construct a scalar, or None; cached by value,
    since configs repeat the same numbers and booleans many times."""
    try:
        yaml.constructor.SafeConstructor().construct_object(yaml.nodes.ScalarNode(tag, text))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, AttributeError) as error:
        return getattr(error, "problem", None) or str(error)
    return None


def _mapping_problems(node: MappingNode, path: PathChain, document: int) -> Iterator[Diagnostic]:
    first_seen: dict[object, tuple[Node, Node]] = {}
    for key_node, value_node in node.value:
        if key_node.tag == MERGE_TAG:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            if not all(isinstance(source, MappingNode) for source in sources):
                # An alias's node is the anchored one, written before: point at the key then.
                aliased = value_node.store.starts[value_node.id] < key_node.store.starts[key_node.id]
                yield _at(
                    YamlConstructorError.report(
                        span_of(key_node if aliased else value_node),
                        "a merge key (<<) needs a mapping or a list of mappings",
                        "point the merge key at an anchored mapping, such as <<: *defaults",
                    ),
                    path,
                    document,
                )
            continue

        if not isinstance(key_node, ScalarNode):
            yield _at(
                YamlConstructorError.report(
                    span_of(key_node),
                    "a list or mapping is used as a key, which yaml.safe_load cannot load",
                    "use a plain string as the key",
                ),
                path,
                document,
            )
            continue

        key = scalar_value(key_node)
        try:
            previous = first_seen.get(key)
        except TypeError:
            continue
        if previous is None:
            first_seen[key] = (key_node, value_node)
            continue

        shown = format_path(path)
        where = f" under {shown}" if shown else " at the top level"
        earlier = span_of(previous[0])
        yield _at(
            DuplicateKey.report(
                span_of(key_node),
                f"duplicate key {key_node.value!r}{where}; YAML keeps only the last one "
                f"and silently drops the value from line {earlier.line}",
                f"remove one of the two {key_node.value!r} entries, or merge them into one",
                related=(("first defined here", earlier),),
            ),
            path,
            document,
        )
        first_seen[key] = (key_node, value_node)


def _at(diagnostic: Diagnostic, path: PathChain | str, document: int) -> Diagnostic:
    if not isinstance(path, str):
        path = format_path(path)
    return replace(diagnostic, key_path=path, document=document)
