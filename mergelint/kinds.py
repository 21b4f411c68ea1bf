"""Config kind detection: the mergekit tool a file is for, from its documents alone.

mergekit has one entry point per config kind: ``mergekit-yaml`` (kind ``merge``),
``mergekit-moe`` (``moe``), ``mergekit-multi`` (``multi``, several documents with
``name`` keys) and ``mergekit-evolve`` (``evolve``). ``bakllama`` is the legacy
layer-stacking format (``layer_slices``), which mergekit 0.1.5 still runs with its
``bakllama`` command. ``unknown`` is a YAML file that is no mergekit config at all.

The legacy ``mergekit-mega`` format (mergekit 0.0.3.2 to 0.0.6) is several merge
documents with ``name`` keys, the shape mergekit-multi reads, so it is kind ``multi``.
"""

from __future__ import annotations

import re
from collections import Counter

from mergelint.nodes import MappingNode, Node, ScalarNode
from mergelint.tree import NULL_TAG

KINDS = ("merge", "moe", "multi", "evolve", "bakllama", "unknown")

# The command that runs each kind, for messages and the text summary.
COMMANDS = {
    "merge": "mergekit-yaml",
    "moe": "mergekit-moe",
    "multi": "mergekit-multi",
    "evolve": "mergekit-evolve",
    "bakllama": "bakllama",
    "unknown": "no mergekit command",
}

MERGE_KEYS = frozenset({"merge_method", "models", "slices", "modules"})
# Keys that only a mergekit-yaml config has, so a mapping of them alone is a partial one.
MERGE_ONLY_KEYS = frozenset({"tokenizer_source", "tokenizer", "chat_template", "out_dtype"})
# Keys that only a mergekit-moe config has (`base_model`, `dtype` and `architecture` are shared).
MOE_ONLY_KEYS = frozenset({"experts", "shared_experts", "gate_mode", "experts_per_token"})
EVOLVE_ONLY_KEYS = frozenset({"genome"})
# Options of a mergekit-evolve config beside `genome`; `tasks` alone is too common a word.
EVOLVE_OPTION_KEYS = frozenset(
    {"tasks", "limit", "num_fewshot", "shuffle", "random_init", "apply_chat_template", "fewshot_as_multiturn"}
)
BAKLLAMA_KEYS = frozenset({"layer_slices", "embedding_source", "lm_head_source"})


def top_keys(root: Node | None) -> set[str]:
    """Return the string keys of a top-level mapping (empty for anything else)."""
    if not isinstance(root, MappingNode):
        return set()
    return {k.value for k, _ in root.value if isinstance(k, ScalarNode)}


def is_empty(root: Node | None) -> bool:
    """Tell whether a document is empty: nothing, or only `---` and comments."""
    return root is None or (isinstance(root, ScalarNode) and root.tag == NULL_TAG and root.value == "")


def marker_keys(keys: set[str]) -> dict[str, set[str]]:
    """Return, by kind, the top-level keys among ``keys`` that only that kind has."""
    markers = {
        "merge": keys & (MERGE_KEYS | MERGE_ONLY_KEYS),
        "moe": keys & MOE_ONLY_KEYS,
        "evolve": keys & (EVOLVE_ONLY_KEYS | (EVOLVE_OPTION_KEYS - {"tasks"})),
        "bakllama": keys & {"layer_slices"},
    }
    if "genome" in keys:
        markers["evolve"] |= keys & {"tasks"}
    return {kind: found for kind, found in markers.items() if found}


def document_kind(root: Node | None) -> str:
    """Return the kind of one YAML document."""
    keys = top_keys(root)
    if keys & EVOLVE_ONLY_KEYS:
        return "evolve"
    if "layer_slices" in keys and not keys & MERGE_KEYS:
        return "bakllama"
    if keys & MOE_ONLY_KEYS and "merge_method" not in keys:
        return "moe"
    if keys & MERGE_KEYS or keys & MERGE_ONLY_KEYS:
        return "merge"
    if "tasks" in keys and keys & (EVOLVE_OPTION_KEYS - {"tasks"}):
        return "evolve"
    return "unknown"


def pasted_stages(root: Node | None) -> bool:
    """Tell whether a mapping is two stages pasted without `---`.

    That is `merge_method` written twice together with a second `models`, `slices`,
    `modules` or `base_model`; a repeated `merge_method` line alone is only a
    duplicate key.
    """
    if not isinstance(root, MappingNode):
        return False
    counts = Counter(k.value for k, _ in root.value if isinstance(k, ScalarNode))
    return counts["merge_method"] > 1 and any(counts[key] > 1 for key in ("models", "slices", "modules", "base_model"))


def detect(documents: list[Node | None]) -> str:
    """Return the kind of a whole file.

    Only mergekit-multi reads a file of several documents (every other tool's
    ``yaml.safe_load`` rejects it). Such a file is ``multi`` as soon as one document
    is a config of any kind, and the multi rules then report stages that are empty or
    are no mergekit-yaml config. One document with a `name` key is a
    mergekit-yaml config: mergekit-yaml runs it and ignores `name`, and as a
    one-stage mergekit-multi file it merges the same. One document of two stages
    pasted without `---` (see ``pasted_stages``) is ``multi``.
    """
    if len(documents) > 1:
        kinds = {document_kind(root) for root in documents}
        return "multi" if kinds - {"unknown"} else "unknown"

    root = documents[0] if documents else None
    if is_empty(root):
        return "unknown"
    kind = document_kind(root)
    if kind == "merge" and pasted_stages(root):
        return "multi"
    return kind


# The line breaks YAML has besides "\n", which the patterns below do not see.
LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")

# Top-level keys at the start of a line, for files that do not parse as YAML.
TEXT_MARKERS = (
    ("evolve", re.compile(r"^genome\s*:", re.MULTILINE)),
    ("moe", re.compile(r"^(?:experts|shared_experts|gate_mode|experts_per_token)\s*:", re.MULTILINE)),
    ("merge", re.compile(r"^(?:merge_method|models|slices|modules|tokenizer_source)\s*:", re.MULTILINE)),
)


def detect_from_text(text: str) -> str:
    """Guess the kind of a file that is not valid YAML from its top-level keys as text."""
    text = LINE_BREAKS.sub("\n", text)
    for kind, pattern in TEXT_MARKERS:
        if pattern.search(text):
            if kind == "merge" and len(re.findall(r"^---", text, re.MULTILINE)) >= 1 and re.search(
                r"^name\s*:", text, re.MULTILINE
            ):
                return "multi"
            return kind
    return "unknown"
