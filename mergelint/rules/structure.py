"""MK1xx (continued): how the parts of a mergekit-yaml config fit together."""

from __future__ import annotations

from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity, replace_node
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.values import MODULE_GROUPS, MODULE_NAMES
from mergelint.model import _truthy, split_reference
from mergelint.nodes import MappingNode, ScalarNode
from mergelint.suggest import is_typo
from mergelint.tree import STR_TAG, Value, format_path

MODEL_KEYS = ("model", "base_model", "source_model", "lora")


class ConflictingKeys(Rule):
    """Keys that exclude each other: not exactly one of `models`, `slices`, `modules`.

    ## What it checks
    That a config has exactly one non-empty `models`, `slices` or `modules`. Each
    module must have exactly one of `models` or `slices`, and `tokenizer` and
    `tokenizer_source` must not both be set.

    ## Why it matters
    mergekit stops when it loads such a config ("Exactly one of 'models', 'slices',
    or 'modules' must be present", "Cannot specify both tokenizer_source and
    tokenizer"). An empty list counts as absent.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix: only the author can tell which of the two was meant.
    """

    code = "MK105"
    name = "conflicting-keys"
    severity = Severity.ERROR
    phase = 1

    def check(self, document: Document) -> Iterator[Diagnostic]:
        root = document.root
        if not root.is_mapping:
            return

        present = [key for key in ("models", "slices", "modules") if _truthy(root.get(key))]
        if len(present) > 1:
            second = root.get(present[1])
            yield self.report(
                second,
                f"the config has both `{present[0]}` and `{present[1]}`; mergekit takes exactly one of "
                "`models`, `slices` or `modules`",
                "keep one of them; use `slices` to pick layer ranges, `models` to merge whole models",
                span=second.key_span,
            )
        elif not present:
            empty = [root.get(key) for key in ("models", "slices", "modules") if root.get(key) is not None]
            if empty:
                yield self.report(
                    empty[0],
                    f"`{empty[0].key_path}` is empty, so the config has no models to merge",
                    "list the models to merge under `models:` or `slices:`",
                    span=empty[0].key_span,
                )
            else:
                yield self.report(
                    root,
                    "the config has none of `models`, `slices` or `modules`, so there is nothing to merge",
                    "add `models:` with the models to merge, or `slices:` with layer ranges",
                    span=_first_key(root),
                )

        modules = root.get("modules")
        for name, module in modules.entries() if modules is not None and modules.is_mapping else []:
            if not module.is_mapping:
                continue
            given = [key for key in ("models", "slices") if _truthy(module.get(key))]
            if len(given) != 1:
                yield self.report(
                    module,
                    f"module `{name}` has {'both `models` and `slices`' if given else 'neither `models` nor `slices`'}",
                    "give each module exactly one of `models` or `slices`",
                    span=module.key_span,
                )

        tokenizer, tokenizer_source = root.get("tokenizer"), root.get("tokenizer_source")
        if _truthy(tokenizer) and _truthy(tokenizer_source):
            yield self.report(
                tokenizer_source,
                "`tokenizer_source` and `tokenizer` are both set; mergekit accepts only one",
                "move the source into the block as `tokenizer: {source: ...}` and remove `tokenizer_source`",
                span=tokenizer_source.key_span,
            )


def _first_key(root: Value):
    for _, child in root.entries():
        return child.key_span
    return root.span


class InvalidModelReference(Rule):
    """A model reference that mergekit cannot parse or that names no model.

    ## What it checks
    Model references in string form, `path[@revision][+lora[@revision]]`. More than
    one `+`, or more than one `@` in the model or LoRA part, is an error. An empty path
    or revision (`org/m@`, `@main`, `+org/lora`) is a warning.

    ## Why it matters
    mergekit raises "Can't parse" or "Invalid model path - multiple @" when it loads
    the config. Empty parts are accepted but name no model, or drop the revision.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a+org/lora-one+org/lora-two
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a+org/lora-one
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix. To apply two LoRA adapters, merge the first into the model in
    a separate step.
    """

    code = "MK106"
    name = "invalid-model-reference"
    severity = Severity.ERROR
    phase = 1

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for value in _model_strings(document):
            parts, pieces = split_reference(value.text)
            if len(parts) > 2:
                yield self.report(
                    value,
                    f"model reference `{value.text}` has {len(parts) - 1} `+` signs; mergekit allows one "
                    "(model+lora) and fails to parse this",
                    "apply one LoRA adapter per reference; merge further adapters in a separate step",
                )
            elif any(len(part) > 2 for part in pieces):
                yield self.report(
                    value,
                    f"model reference `{value.text}` has more than one `@` in one part; mergekit fails with "
                    "'Invalid model path - multiple @'",
                    "write the revision once, as `org/model@revision`",
                )
            elif any(piece == "" for part in pieces for piece in part[:1]) or any(
                len(part) == 2 and part[1] == "" for part in pieces
            ):
                yield self.report(
                    value,
                    f"model reference `{value.text}` has an empty path or revision",
                    "write the reference as `org/model`, `org/model@revision` or `org/model+org/lora`",
                    severity=Severity.WARNING,
                )


def _model_strings(document: Document) -> Iterator[Value]:
    """Yield string values under model-reference keys anywhere in the document.

    Keys are matched as written, so a reference brought in by a merge key (``<<``) is
    checked where its anchor defines it.
    """
    for node, chain in document.nodes:
        if not isinstance(node, MappingNode):
            continue
        for key_node, value_node in node.value:
            if key_node.value in MODEL_KEYS and value_node.tag == STR_TAG and isinstance(value_node, ScalarNode):
                path = format_path((chain, key_node.value))
                yield Value(value_node, path, document.index, key_node)


class IgnoredKey(Rule):
    """A key that mergekit reads but never uses, or ignores at this place.

    ## What it checks
    `residual_weight` on a slice (declared by mergekit and never read), `layer_range`
    on a `models:` entry (only slice sources have layer ranges), and
    `input_model_parameters` (removed in mergekit 0.0.4).

    ## Why it matters
    The setting has no effect, so the merge differs from what the config describes. A
    `layer_range` under `models:` still merges every layer of the model.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        layer_range: [0, 16]
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
            parameters:
              weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK107"
    name = "ignored-key"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        root = document.root
        if not root.is_mapping:
            return
        legacy = root.get("input_model_parameters")
        if legacy is not None:
            yield self.report(
                legacy,
                "`input_model_parameters` was removed in mergekit 0.0.4 and is ignored",
                "move each model's parameters under its own `models:` entry as `parameters:`",
                span=legacy.key_span,
            )
        config = document.merge
        for slice_ in config.slices:
            if slice_.form == "slices":
                residual = slice_.value.get("residual_weight")
                if residual is not None:
                    yield self.report(
                        residual,
                        "`residual_weight` is declared by mergekit but never used, so it has no effect",
                        "remove it; to scale a slice, use a `scale` or `weight` parameter",
                        span=residual.key_span,
                    )
                continue
            for item in slice_.inputs:
                layer_range = item.entry.get("layer_range") if item.entry.is_mapping and not item.auto_added else None
                if layer_range is not None:
                    yield self.report(
                        layer_range,
                        "`layer_range` is ignored in a `models:` entry; mergekit merges every layer of the model",
                        "to merge a range of layers, use `slices:` with `sources:` and put the range there",
                        span=layer_range.key_span,
                    )


class ModuleNames(Rule):
    """A `modules:` name that misspells a module name, or a set of modules missing some.

    ## What it checks
    The keys of `modules:` against the module names of mergekit's architectures:

    - `default` for single-module models;
    - `text_decoder`, `vision_tower` (`vision_model` for Llama 4) and
      `multi_modal_projector` for vision-language models;
    - `encoder` and `decoder` (and `shared` for T5).

    A name one or two letters from one of these is an error. A config that names some
    modules of a vision-language or encoder-decoder model but not the others is a
    warning.

    ## Why it matters
    mergekit fails with a KeyError on an unknown module name when it plans the merge,
    after downloading every model. Modules left out of `modules:` are not written at
    all, so the merged model silently lacks them. Architectures that mergekit infers
    from tensor names may use other module names, so only misspellings are errors.

    ## Failing example
    ```yaml
    merge_method: linear
    modules:
      text_decoder:
        models:
          - model: org/vlm-a
            parameters:
              weight: 1.0
      vision_towr:
        models:
          - model: org/vlm-a
            parameters:
              weight: 1.0
      multi_modal_projector:
        models:
          - model: org/vlm-a
            parameters:
              weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    modules:
      text_decoder:
        models:
          - model: org/vlm-a
            parameters:
              weight: 1.0
      vision_tower:
        models:
          - model: org/vlm-a
            parameters:
              weight: 1.0
      multi_modal_projector:
        models:
          - model: org/vlm-a
            parameters:
              weight: 1.0
    ```

    ## Fix safety
    Renaming a misspelled module is a safe fix: mergekit fails on the misspelling.
    """

    code = "MK108"
    name = "module-names"
    severity = Severity.ERROR
    phase = 5
    fixable = True

    def check(self, document: Document) -> Iterator[Diagnostic]:
        modules = document.root.get("modules") if document.root.is_mapping else None
        if modules is None or not modules.is_mapping:
            return

        names = set()
        for name, module in modules.entries():
            if not isinstance(name, str):
                continue
            meant = None if name in MODULE_NAMES else next((m for m in sorted(MODULE_NAMES) if is_typo(name, m)), None)
            names.add(meant or name)
            if meant is not None:
                key_node = module.key_node
                yield self.report(
                    module,
                    f"module `{name}` is not a module of mergekit's architectures; mergekit fails with a KeyError "
                    "when it plans the merge",
                    f"did you mean `{meant}`?",
                    span=module.key_span,
                    fix=replace_node(key_node, meant, f"rename `{name}` to `{meant}`"),
                )

        partial = [group for group in MODULE_GROUPS if names < set(group) and names & set(group)]
        if partial and not any(names == set(group) for group in MODULE_GROUPS):
            missing = sorted(set(min(partial, key=len)) - names)
            yield self.report(
                modules,
                f"`modules` lists {', '.join(f'`{n}`' for n in sorted(names))} but not "
                f"{', '.join(f'`{n}`' for n in missing)}; mergekit writes only the modules listed, so the "
                "merged model lacks the others",
                f"add {', '.join(f'`{n}`' for n in missing)} to `modules`, merging or copying them from one model",
                severity=Severity.WARNING,
                span=modules.key_span,
            )
