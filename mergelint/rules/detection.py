"""MK02x: which mergekit tool a file is for, when its keys or the `--kind` option disagree.

``mergelint.kinds`` detects the kind of a file from its top-level keys. These rules
report a document that mixes the keys of two tools, a file linted as another kind
than it is, and the legacy bakllama format.
"""

from __future__ import annotations

from collections.abc import Iterator

from mergelint import kinds
from mergelint.diagnostics import Diagnostic, Severity
from mergelint.engine import Rule
from mergelint.suggest import quoted_list
from mergelint.tree import Value

CONFIG_KINDS = frozenset({"merge", "moe", "evolve", "bakllama"})

KIND_NOUNS = {
    "merge": "a mergekit-yaml config",
    "moe": "a mergekit-moe config",
    "multi": "a mergekit-multi config",
    "evolve": "a mergekit-evolve config",
    "bakllama": "a legacy bakllama config",
}


def first_key(root: Value) -> Value:
    """Return the first top-level value, for diagnostics about a document as a whole."""
    for _, value in root.entries():
        return value
    return root


class MixedConfigKinds(Rule):
    """A document that mixes the top-level keys of two mergekit tools.

    ## What it checks
    Top-level keys that only one tool reads: `merge_method`, `models`, `slices`,
    `modules`, `tokenizer_source` for mergekit-yaml, `experts`, `shared_experts`,
    `gate_mode`, `experts_per_token` for mergekit-moe, `genome` for mergekit-evolve,
    `layer_slices` for bakllama. A document with keys of two tools is reported once,
    naming both and the command that reads each half.

    ## Why it matters
    Each tool ignores the other tool's keys without a word, so half of the file is
    dropped whichever command runs it. A mergekit-moe config with a `merge_method`
    line is run as a mergekit-yaml merge, and its experts vanish.

    ## Failing example
    ```yaml
    merge_method: linear
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Corrected example
    ```yaml
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Fix safety
    No automatic fix: which tool the file is for is the author's decision.
    """

    code = "MK020"
    name = "mixed-config-kinds"
    severity = Severity.ERROR
    kinds = CONFIG_KINDS

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        markers = kinds.marker_keys(kinds.top_keys(root.node))
        if len(markers) < 2:
            return
        detected = document.kind
        others = {kind: keys for kind, keys in markers.items() if kind != detected}
        if detected not in markers:
            detected, *_ = markers
            others.pop(detected, None)
        parts = [f"{quoted_list(sorted(keys))} of {kinds.COMMANDS[kind]}" for kind, keys in others.items()]
        commands = [kinds.COMMANDS[kind] for kind in others]
        yield self.report(
            first_key(root),
            f"this is {KIND_NOUNS[detected]} ({quoted_list(sorted(markers[detected]))}), but it also has the keys "
            + " and ".join(parts),
            f"{kinds.COMMANDS[detected]} ignores those keys; remove them, or move them to a separate file for "
            f"{' or '.join(commands)}",
            span=first_key(root).key_span,
        )


class ConfigKindMismatch(Rule):
    """The file is linted as another kind than it is, as `--kind` asked.

    ## What it checks
    When `--kind` names another kind than the one mergelint detects from the keys,
    this rule reports it once, with the kind the file is and the command that runs
    it. The file is still linted as the kind asked, so the grammar of that kind
    reports its keys too. A file of several documents linted with `--kind merge` is
    not reported, because its documents are linted as mergekit-yaml configs either
    way.

    ## Why it matters
    Each tool rejects the others' configs: mergekit-yaml given a mergekit-moe config
    fails with "merge_method Field required", mergekit-moe given a mergekit-yaml
    config with "base_model Field required".

    ## Failing example
    `mergelint --kind merge moe.yml` for a file such as
    ```yaml
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Corrected example
    `mergelint moe.yml` (or `--kind moe`) for the same file, run with `mergekit-moe`:
    ```yaml
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK021"
    name = "config-kind-mismatch"
    severity = Severity.ERROR
    kinds = CONFIG_KINDS

    def check(self, document) -> Iterator[Diagnostic]:
        if document.index != 0 or not document.root.is_mapping:
            return
        siblings = document.siblings or [document]
        detected = kinds.detect([sibling.root.node for sibling in siblings])
        if detected in ("unknown", document.kind) or (detected == "multi" and document.kind == "merge"):
            return
        anchor = first_key(document.root)
        yield self.report(
            anchor,
            f"this file is {KIND_NOUNS[detected]} (kind `{detected}`), but it is linted as "
            f"{KIND_NOUNS[document.kind]}, and {kinds.COMMANDS[document.kind]} rejects it",
            f"run it with `{kinds.COMMANDS[detected]}`, and lint it without `--kind` or with `--kind {detected}`",
            span=anchor.key_span,
        )


class LegacyBakllamaConfig(Rule):
    """A legacy bakllama config (`layer_slices`), which mergelint does not check further.

    ## What it checks
    Documents with `layer_slices` and no mergekit-yaml keys: the format of the old
    bakllama tool, which mergekit 0.1.5 still runs with its `bakllama` command.

    ## Why it matters
    `mergekit-yaml` rejects the file ("merge_method Field required"). The same
    stack of layers is a mergekit-yaml `passthrough` merge with `slices`, which every
    mergekit tool and mergelint understand.

    ## Failing example
    ```yaml
    layer_slices:
      - model: org/llama-a
        start: 0
        end: 16
      - model: org/llama-b
        start: 8
        end: 24
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/llama-a
            layer_range: [0, 16]
      - sources:
          - model: org/llama-b
            layer_range: [8, 24]
    ```

    ## Fix safety
    No automatic fix. A slice's `scale` becomes a `scale` parameter with
    `filter: down_proj` on its source.
    """

    code = "MK022"
    name = "legacy-bakllama-config"
    severity = Severity.WARNING
    kinds = frozenset({"bakllama"})

    def check(self, document) -> Iterator[Diagnostic]:
        anchor = document.root.get("layer_slices")
        if anchor is None:
            return
        yield self.report(
            anchor,
            "this is a legacy bakllama config (`layer_slices`); run it with `bakllama`, "
            "because mergekit-yaml rejects it",
            "rewrite it as a mergekit-yaml config: `merge_method: passthrough` and one `slices` entry per layer "
            "slice, with `layer_range: [start, end]`",
            span=anchor.key_span,
        )
