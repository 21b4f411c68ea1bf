"""Which mergekit tool a file is for, from its documents alone.

mergekit has one entry point per config kind: ``mergekit-yaml`` (kind ``merge``),
``mergekit-moe`` (``moe``), ``mergekit-multi`` (``multi``, several documents with
``name`` keys) and ``mergekit-evolve`` (``evolve``). ``unknown`` is a YAML file that
is no mergekit config at all.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode

KINDS = ("merge", "moe", "multi", "evolve", "unknown")

# The command that runs each kind, for messages and the text summary.
COMMANDS = {
    "merge": "mergekit-yaml",
    "moe": "mergekit-moe",
    "multi": "mergekit-multi",
    "evolve": "mergekit-evolve",
    "unknown": "no mergekit command",
}

MERGE_KEYS = frozenset({"merge_method", "models", "slices", "modules"})
# Keys that only a mergekit-yaml config has, so a mapping of them alone is a partial one.
MERGE_ONLY_KEYS = frozenset({"tokenizer_source", "tokenizer", "chat_template", "out_dtype"})


def top_keys(root: Node | None) -> set[str]:
    """Return the string keys of a top-level mapping (empty for anything else)."""
    if not isinstance(root, MappingNode):
        return set()
    return {k.value for k, _ in root.value if isinstance(k, ScalarNode)}


def document_kind(root: Node | None) -> str:
    """Return the kind of one YAML document."""
    keys = top_keys(root)
    if "genome" in keys:
        return "evolve"
    if "experts" in keys and "merge_method" not in keys:
        return "moe"
    if keys & MERGE_KEYS or keys & MERGE_ONLY_KEYS:
        return "merge"
    return "unknown"


def detect(documents: list[Node | None]) -> str:
    """Return the kind of a whole file."""
    real = [root for root in documents if root is not None]
    if len(documents) > 1:
        kinds = {document_kind(root) for root in real}
        if kinds <= {"merge", "unknown"} and "merge" in kinds:
            return "multi"
    if any("name" in top_keys(root) and "merge_method" in top_keys(root) for root in real):
        return "multi"
    if not real:
        return "unknown"
    return document_kind(real[0])
