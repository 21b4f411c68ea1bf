"""MK2xx: the merge method, its base model and its inputs.

mergekit looks the method up, and checks the base model and the number of inputs
of every slice, only when it plans the merge: after every model was downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity, replace_node
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.methods import METHODS, RETIRED_METHODS, Method
from mergelint.model import MergeConfig, Slice
from mergelint.suggest import _normal, closest


# A suggestion must be this close before the other rules check the config as that
# method: `dare_tie` is surely `dare_ties`, while `lrp` is another method, not `slerp`.
ASSUMED_METHOD_CUTOFF = 0.85


def method_of(document: Document) -> Method | None:
    """Return the document's merge method, or None when it is missing or unknown.

    A misspelled name that has a did-you-mean counts as the method it suggests, so the
    other rules still check the config while ``unknown-merge-method`` reports the name.
    """
    name = document.merge.method_name or ""
    return METHODS.get(name) or METHODS.get(closest(name, METHODS, cutoff=ASSUMED_METHOD_CUTOFF) or "")


def _where(config: MergeConfig, slice_: Slice) -> str:
    if slice_.form == "models":
        return "`models`" if slice_.module == "default" else f"module `{slice_.module}`"
    return f"slice {slice_.value.key_path}"


class UnknownMergeMethod(Rule):
    """`merge_method` names no method of mergekit 0.1.5.

    ## What it checks
    The value of `merge_method` against mergekit's registry: `linear`, `slerp`,
    `nuslerp`, `multislerp`, `karcher`, `passthrough`, `model_stock`, `nearswap`,
    `arcee_fusion`, `sce`, `ram`, `ramplus_tl`, `task_arithmetic`, `ties`,
    `dare_ties`, `dare_linear`, `breadcrumbs`, `breadcrumbs_ties`, `della`,
    `della_linear`. The lookup is exact and case-sensitive; mergekit has no aliases.

    ## Why it matters
    mergekit looks the method up only after it has downloaded every model, often tens
    of gigabytes, and then stops with "Unimplemented merge method".

    ## Failing example
    ```yaml
    merge_method: dare-ties
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
          density: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: dare_ties
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
          density: 0.5
    ```

    ## Fix safety
    When the name differs from a method only in case, hyphens or spaces
    (`Dare-Ties`), the fix is safe. Other did-you-mean suggestions are shown as
    unsafe fixes, because a different method merges differently.
    """

    code = "MK201"
    name = "unknown-merge-method"
    severity = Severity.ERROR
    phase = 3
    fixable = True

    def check(self, document: Document) -> Iterator[Diagnostic]:
        value = document.merge.method_value
        if value is None or not value.is_string or value.text in METHODS:
            return

        name = value.text
        if name in RETIRED_METHODS:
            yield self.report(
                value,
                f"merge_method `{name}` was {RETIRED_METHODS[name]}",
                "use a current method, such as `ties` or `task_arithmetic`",
            )
            return

        suggestion = closest(name, METHODS)
        fix = None
        if suggestion is not None:
            help = f"did you mean `{suggestion}`?"
            fix = replace_node(value.node, suggestion, f"replace `{name}` with `{suggestion}`", _normal(name) == suggestion)
        else:
            help = "use one of: " + ", ".join(f"`{m}`" for m in METHODS)
        yield self.report(
            value,
            f"unknown merge_method `{name}`; mergekit would fail only after downloading every model",
            help,
            fix=fix,
        )


class MissingBaseModel(Rule):
    """The method needs a base model and none is given.

    ## What it checks
    Methods whose result is built relative to a base model (`slerp`, `model_stock`,
    `nearswap`, `arcee_fusion`, `sce`, `ram`, `ramplus_tl` and the task-arithmetic
    family: `task_arithmetic`, `ties`, `dare_ties`, `dare_linear`, `breadcrumbs`,
    `breadcrumbs_ties`, `della`, `della_linear`) need `base_model`, at the top level
    or on every slice.

    ## Why it matters
    mergekit stops with "Merge method requires a base input" when it plans the merge,
    after downloading every model.

    ## Failing example
    ```yaml
    merge_method: ties
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: ties
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ```

    ## Fix safety
    No automatic fix: only the author can tell which model is the base.
    """

    code = "MK202"
    name = "missing-base-model"
    severity = Severity.ERROR
    phase = 4

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        config = document.merge
        if method is None or method.base != "required":
            return
        for slice_ in config.slices:
            base, _ = config.base_for(slice_)
            if base is None:
                yield self.report(
                    config.method_value,
                    f"`{method.name}` needs a base model, and {_where(config, slice_)} has none",
                    f"add `base_model:` naming the model the others are merged relative to "
                    f"({method.summary})",
                )
                return


class BaseModelNotAnInput(Rule):
    """The base model is not one of the slice's sources.

    ## What it checks
    In `slices:` configs, that each slice lists its effective base model (the slice's
    `base_model`, else the top-level one) among its `sources`, for every method that
    uses a base (all but `linear`, `karcher` and `passthrough`). For `slerp`,
    `nearswap` and `arcee_fusion`, which take exactly two models, the base must be
    one of the two.

    ## Why it matters
    mergekit does not add the base to slices by itself: it stops with "Base input is
    not present in merge inputs" when it plans the merge, after the downloads.

    ## Failing example
    ```yaml
    merge_method: slerp
    base_model: org/base
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
          - model: org/model-b
            layer_range: [0, 32]
    parameters:
      t: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: slerp
    base_model: org/model-a
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
          - model: org/model-b
            layer_range: [0, 32]
    parameters:
      t: 0.5
    ```

    ## Fix safety
    No automatic fix: the author must choose which model is the base.
    """

    code = "MK203"
    name = "base-model-not-an-input"
    severity = Severity.ERROR
    phase = 4

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        config = document.merge
        if method is None or method.base == "ignored":
            return
        for slice_ in config.slices:
            base, base_ref = config.base_for(slice_)
            if base is None or base_ref is None or slice_.form == "models":
                continue
            refs = [item.ref for item in slice_.inputs]
            if base_ref in refs:
                continue
            names = ", ".join(f"`{ref}`" for ref in refs if ref is not None)
            if method.max_inputs == 2:
                help = (
                    f"{method.name} merges exactly two models and the base must be one of them: set base_model "
                    f"to one of the sources, or use nuslerp or task_arithmetic for a separate base"
                )
            else:
                help = f"add `{base_ref}` to the sources of this slice with the same layer_range"
            yield self.report(
                base,
                f"base_model `{base_ref}` is not among the sources of {_where(config, slice_)} ({names})",
                help,
            )


class InputCount(Rule):
    """A slice has more or fewer models than the method merges.

    ## What it checks
    The number of inputs of every slice against what the method takes. In `models:`
    configs the inputs are the models plus `base_model` when it is not listed, since
    mergekit appends it.

    - `slerp`, `nearswap` and `arcee_fusion`: exactly two, the base and one other;
    - `nuslerp`: exactly two besides an optional base;
    - `model_stock`: at least two besides the base;
    - `passthrough`: exactly one per slice;
    - `multislerp`: at least one besides the base.

    ## Why it matters
    mergekit checks the count when it plans the merge, after downloading every model,
    and stops with "Merge method requires exactly N inputs".

    ## Failing example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
          - model: org/model-b
            layer_range: [0, 16]
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
      - sources:
          - model: org/model-b
            layer_range: [0, 16]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK204"
    name = "input-count"
    severity = Severity.ERROR
    phase = 4

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        config = document.merge
        if method is None:
            return
        for slice_ in config.slices:
            refs = [item.ref for item in slice_.inputs]
            if len(set(refs)) != len(refs):
                continue  # duplicate-model reports this slice
            base, base_ref = config.base_for(slice_)
            has_base = method.base != "ignored" and base_ref is not None and base_ref in refs
            if method.base != "ignored" and base_ref is not None and not has_base:
                continue  # base-model-not-an-input reports this slice
            problem = _count_problem(method, len(refs), len(refs) - int(has_base))
            if problem is None:
                continue
            at = slice_.value
            added = [item for item in slice_.inputs if item.auto_added]
            note = ""
            if added:
                note = f"; base_model `{added[0].ref}` is not in `models`, so mergekit adds it as an extra input"
            yield self.report(
                at,
                f"`{method.name}` {problem}{note}",
                _count_help(method, slice_.form),
                span=at.key_span if at.key_node is not None else at.span,
            )


def _count_problem(method: Method, count: int, non_base: int) -> str | None:
    if count < method.min_inputs:
        return f"needs at least {method.min_inputs} input models, but {count} {'is' if count == 1 else 'are'} given"
    if method.max_inputs is not None and count > method.max_inputs:
        exact = "exactly" if method.max_inputs == method.min_inputs else "at most"
        return f"takes {exact} {method.max_inputs} input model{'s' if method.max_inputs > 1 else ''}, but {count} are given"
    if method.min_non_base is not None and non_base < method.min_non_base:
        amount = "exactly" if method.max_non_base == method.min_non_base else "at least"
        return f"needs {amount} {method.min_non_base} models besides the base, but {non_base} {'is' if non_base == 1 else 'are'} given"
    if method.max_non_base is not None and non_base > method.max_non_base:
        exact = "exactly" if method.max_non_base == method.min_non_base else "at most"
        return f"takes {exact} {method.max_non_base} models besides the base, but {non_base} are given"
    return None


def _count_help(method: Method, form: str) -> str:
    if method.name == "passthrough":
        return "put each model's layer range in a slice of its own; passthrough copies one source per slice"
    if method.max_inputs == 2:
        return f"give {method.name} the base model and exactly one other model, and list base_model among them"
    if method.name == "nuslerp":
        return "give nuslerp exactly two models besides the optional base_model"
    if method.name == "model_stock":
        return "give model_stock at least two fine-tuned models besides the base model"
    return f"adjust the models to what `{method.name}` takes"


class DuplicateModel(Rule):
    """The same model is an input of one slice twice.

    ## What it checks
    Two entries of one `models:` list, or two sources of one slice, naming the same
    model reference (same path, revision and LoRA). `org/m` and `org/m@main` count as
    different models, as they do for mergekit.

    ## Why it matters
    mergekit 0.1.5 stops with "Duplicate merge inputs" when it plans the merge. Older
    releases silently kept only one of the two, whatever their weights or layer
    ranges, so the merge differed from what the config describes.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.1
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.1
      - model: org/model-b
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix. To combine two layer ranges of one model, put them in separate
    slices, or give the second reference a distinct revision.
    """

    code = "MK205"
    name = "duplicate-model"
    severity = Severity.ERROR
    phase = 4

    def check(self, document: Document) -> Iterator[Diagnostic]:
        config = document.merge
        for slice_ in config.slices:
            seen = {}
            for item in slice_.inputs:
                if item.ref is None or item.auto_added:
                    continue
                first = seen.get(item.ref)
                if first is None:
                    seen[item.ref] = item
                    continue
                yield self.report(
                    item.model,
                    f"model `{item.ref}` is listed twice in {_where(config, slice_)}; "
                    f"mergekit rejects duplicate merge inputs",
                    "remove one entry; to combine two layer ranges of one model, put them in separate slices",
                    related=(("first listed here", first.model.span),),
                )


class BaseModelAveragedIn(Rule):
    """`base_model` of a method that ignores it becomes one more model in the average.

    ## What it checks
    `models:` configs of `linear` and `karcher`, whose `base_model` is not one of the
    `models`. These methods treat no model as the base, but mergekit still appends
    `base_model` to the inputs, so it is averaged in like any other model. For
    `linear` that needs a top-level `weight`; without one, `missing-required-parameter`
    reports it instead.

    ## Why it matters
    The merge silently includes one more model than the config lists, usually the
    original model the fine-tunes came from, which pulls the result back toward it.

    ## Failing example
    ```yaml
    merge_method: karcher
    base_model: org/base
    models:
      - model: org/model-a
      - model: org/model-b
    ```

    ## Corrected example
    ```yaml
    merge_method: karcher
    models:
      - model: org/model-a
      - model: org/model-b
    ```

    ## Fix safety
    No automatic fix: remove `base_model`, or list it in `models` if it should be
    averaged in.
    """

    code = "MK206"
    name = "base-model-averaged-in"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        config = document.merge
        if method is None or method.name not in ("linear", "karcher"):
            return
        for slice_ in config.slices:
            added = [item for item in slice_.inputs if item.auto_added]
            if not added or slice_.form != "models":
                continue
            global_weight = config.parameters is not None and config.parameters.get("weight") is not None
            if method.name == "linear" and not global_weight:
                continue  # missing-required-parameter reports the base's missing weight
            yield self.report(
                added[0].model,
                f"{method.name} treats no model as the base, but mergekit appends base_model `{added[0].ref}` "
                "to the inputs because it is not in `models`, so it is averaged in as one more model",
                "remove `base_model`, or list it in `models` if it should be part of the merge",
            )
            return


class MixedArchitectures(Rule):
    """Input models of different architectures, for models already on this machine.

    ## What it checks
    The `architectures` in the `config.json` of every input model and the base model,
    when all of them are on this machine (local folders or the Hugging Face cache, as
    for layer-range-past-depth). Class names that share one of mergekit's architecture
    definitions count as the same (`LlamaForCausalLM`, `LLaMaForCausalLM`). When any
    model is not found, or its architecture is not one mergelint can match to a
    single definition, the config is not checked.

    ## Why it matters
    mergekit reads every model's config before merging and stops with "Must specify
    --allow-crimes to attempt to mix different architectures" when they differ.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/llama-8b  # LlamaForCausalLM
        parameters: {weight: 0.5}
      - model: org/mistral-7b  # MistralForCausalLM
        parameters: {weight: 0.5}
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/llama-8b
        parameters: {weight: 0.5}
      - model: org/llama-8b-instruct  # LlamaForCausalLM
        parameters: {weight: 0.5}
    ```

    ## Fix safety
    No automatic fix. If mixing architectures is intended, run mergekit-yaml with
    `--allow-crimes` and suppress this rule.
    """

    code = "MK207"
    name = "mixed-architectures"
    severity = Severity.ERROR
    phase = 2

    def check(self, document: Document) -> Iterator[Diagnostic]:
        from mergelint.facts.architectures import DEFINITIONS
        from mergelint.local_models import model_facts

        config = document.merge
        models = {}
        for slice_ in config.slices:
            for item in slice_.inputs:
                if item.ref is not None and item.ref not in models:
                    models[item.ref] = item.model
        if config.base_ref is not None and config.base_ref not in models:
            models[config.base_ref] = config.base_model
        if len(models) < 2:
            return

        found = []
        for ref, value in models.items():
            facts = model_facts(ref)
            if facts is None or len(facts.architectures) != 1 or facts.architectures[0] not in DEFINITIONS:
                return
            found.append((ref, value, facts.architectures[0]))

        first_ref, _, first_name = found[0]
        for ref, value, name in found[1:]:
            if DEFINITIONS[name] != DEFINITIONS[first_name]:
                yield self.report(
                    value,
                    f"`{ref}` is a {name} but `{first_ref}` is a {first_name}, and mergekit stops before merging "
                    "models of different architectures",
                    "merge models of one architecture; if mixing them is intended, run mergekit-yaml with "
                    "--allow-crimes and suppress this rule",
                )
                return
