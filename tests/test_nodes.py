"""The compact node store against PyYAML's own composer, on the same texts.

mergelint composes libyaml's events itself (mergelint.nodes). Every text must give
the nodes ``yaml.compose_all`` gives, with libyaml where PyYAML has it: the same
kinds, tags, values, styles, positions and shared alias targets, or the same error
at the same position.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mergelint import nodes
from tests.test_properties import PROFILE, corpus_texts, dumped_yaml, mutated_corpus_text, needs_corpus, yaml_like_text

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def reference(text: str, loader=Loader):
    """Return PyYAML's documents for ``text`` and the error that stopped it, if any."""
    documents = []
    try:
        for root in yaml.compose_all(text, Loader=loader):
            documents.append(root)
    except yaml.YAMLError as error:
        return documents, error
    return documents, None


def ours(text: str):
    store = nodes.Store(text)
    try:
        nodes.compose(store)
    except yaml.YAMLError as error:
        return store, error
    return store, None


def position(mark) -> tuple[int, int, int]:
    return mark.index, mark.line, mark.column


def assert_same_node(expected: yaml.Node, actual: nodes.Node, pairs: dict[int, int]) -> None:
    """Compare two trees node by node; ``pairs`` maps PyYAML node ids to store ids seen so far."""
    stack = [(expected, actual)]
    while stack:
        expected, actual = stack.pop()
        if id(expected) in pairs:
            # An alias: the same PyYAML node must be the same stored node.
            assert pairs[id(expected)] == actual.id
            continue
        pairs[id(expected)] = actual.id

        assert type(actual).__name__ == type(expected).__name__
        assert actual.tag == expected.tag
        assert position(actual.start_mark) == position(expected.start_mark)
        assert position(actual.end_mark) == position(expected.end_mark)
        if isinstance(expected, yaml.ScalarNode):
            assert actual.value == expected.value
            assert (actual.style or None) == (expected.style or None)
            continue

        assert actual.flow_style == expected.flow_style
        if isinstance(expected, yaml.MappingNode):
            assert len(actual.value) == len(expected.value)
            for (key, value), (our_key, our_value) in zip(expected.value, actual.value):
                stack.append((key, our_key))
                stack.append((value, our_value))
        else:
            assert len(actual.value) == len(expected.value)
            stack.extend(zip(expected.value, actual.value))


def assert_same_composition(text: str, loader=Loader) -> None:
    expected_documents, expected_error = reference(text, loader)
    store, error = ours(text)

    assert len(store.roots) == len(expected_documents)
    for expected_root, root_id in zip(expected_documents, store.roots):
        assert_same_node(expected_root, store.node(root_id), {})

    assert type(error) is type(expected_error)
    if expected_error is not None:
        assert position(error.problem_mark) == position(expected_error.problem_mark)


CASES = {
    "plain mapping": "merge_method: ties\nbase_model: org/a\n",
    "flow collections": "models: [{model: a, parameters: {weight: 0.5}}, b]\n",
    "quoted and block scalars": "a: 'it''s'\nb: \"tab\\there\"\nc: |\n  one\n  two\nd: >-\n  folded\n  text\n",
    "multi-line plain scalar": "a: one\n  two\n",
    "anchors and aliases": "base: &b {x: 1}\nuse: *b\nagain: *b\n",
    "merge key": "defaults: &d {weight: 1}\nentry:\n  <<: *d\n  density: 0.5\n",
    "explicit and non-specific tags": "a: !!str 3\nb: ! 4\nc: !custom x\nd: !!float 1\n",
    "several documents": "name: one\n---\nname: two\n...\n---\n",
    "empty documents": "---\n---\n",
    "empty value": "a:\nb: ~\n",
    "line breaks of every kind": "a: 1\r\nb: 2\rc: 3\x85d: 4\u2028e: 5\u2029f: [6,\r\n 7]\n",
    "wide characters": "model: é€😀 x\nweight: 0.5\n",
    "byte order mark": "\ufeffa: 1\n",
    "undefined alias": "a: *missing\n",
    "duplicate anchor": "a: &x 1\nb: &x 2\n",
    "syntax error after a document": "a: 1\n---\nb: [1, 2\n",
    "tab indentation": "a:\n\tb: 1\n",
    "empty text": "",
    "comment only": "# nothing\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_compose_matches_pyyaml_case(text):
    assert_same_composition(text)


# PyYAML's Python parser counts a leading byte order mark in offsets, unlike libyaml,
# and mergelint's reading stage removes the mark before parsing, so that case is left out.
PURE_PYTHON_CASES = {name: text for name, text in CASES.items() if not text.startswith("\ufeff")}


@pytest.mark.parametrize("text", PURE_PYTHON_CASES.values(), ids=PURE_PYTHON_CASES.keys())
def test_compose_matches_pure_python_case(text, monkeypatch):
    # Where PyYAML was built without libyaml, its Python parser gives the events.
    monkeypatch.setattr(nodes, "Loader", yaml.SafeLoader)

    assert_same_composition(text, yaml.SafeLoader)


@needs_corpus
def test_compose_matches_pyyaml_corpus():
    for name, text in corpus_texts():
        try:
            assert_same_composition(text)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


@PROFILE
@given(st.one_of(yaml_like_text, dumped_yaml()))
def test_compose_matches_pyyaml_generated(text):
    assert_same_composition(text)


@needs_corpus
@PROFILE
@given(mutated_corpus_text())
def test_compose_matches_pyyaml_mutated_corpus(text):
    assert_same_composition(text)


def test_small_store_reuses_handles():
    store, _ = ours("a: [1, 2]\n")

    assert store.node(0) is store.node(0)


def test_large_store_makes_equal_handles():
    store, _ = ours("[" + "1, " * (nodes.LARGE_STORE + 1) + "]\n")

    assert store.large
    assert store.node(1) is not store.node(1)
    assert store.node(1) == store.node(1)
    assert hash(store.node(1)) == hash(store.node(1))


def test_scalar_values_read_from_source():
    store, _ = ours("a: 'quoted'\nb: plain\nc: \"esc\\n\"\n")
    data = [store.data[node_id] for node_id in range(len(store)) if store.meta[node_id] & 3 == nodes.SCALAR]

    # Keys and plain values are read from their own text, and a quoted value from the
    # text inside its quotes. Only the escaped value is kept as a string of its own.
    assert data == [nodes.FROM_SOURCE, nodes.INSIDE_QUOTES, nodes.FROM_SOURCE, nodes.FROM_SOURCE, nodes.FROM_SOURCE, 0]
    assert store.strings == ["esc\n"]
