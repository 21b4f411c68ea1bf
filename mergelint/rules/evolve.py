"""MK8xx: mergekit-evolve configs, checked as mergekit-evolve 0.1.5 loads them.

mergekit-evolve validates its genome with assertions when it loads the config
(``evo/genome.py``), and refuses evaluation tasks that are common benchmarks
(``evo/config.py``) unless it is given an explicit flag.
"""

from __future__ import annotations

from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity
from mergelint.engine import Rule
from mergelint.model import parse_reference
from mergelint.suggest import closest, quoted_list
from mergelint.tree import INT_TAG, Value

EVOLVE = frozenset({"evolve"})

# The merge methods mergekit-evolve can search over, and those that need a base model.
EVOLVE_METHODS = ("linear", "task_arithmetic", "ties", "dare_ties", "slerp")
BASE_MODEL_METHODS = frozenset({"task_arithmetic", "ties", "dare_ties"})
# Task name prefixes of public benchmarks that mergekit-evolve refuses to optimise
# against, unless the name ends in `_train`.
BENCHMARK_PREFIXES = (
    "mmlu",
    "hendrycks",
    "agieval",
    "gsm8k",
    "hellaswag",
    "winogrande",
    "arc_",
    "ai2_arc",
    "truthfulqa",
    "bigbench",
    "piqa",
    "openbookqa",
    "leaderboard",
)


def genome(document) -> Value | None:
    value = document.root.get("genome")
    return value if value is not None and value.is_mapping else None


def method(genome_value: Value) -> str | None:
    value = genome_value.get("merge_method")
    return value.text if value is not None and value.is_string else None


def is_true(value: Value | None) -> bool:
    return value is not None and value.value is True


class InvalidEvolveMergeMethod(Rule):
    """A genome `merge_method` that mergekit-evolve cannot search over.

    ## What it checks
    That `genome.merge_method` is one of `linear`, `task_arithmetic`, `ties`,
    `dare_ties` and `slerp`. A close match is offered as a did-you-mean.

    ## Why it matters
    mergekit-evolve fails with "Invalid merge method" when it loads the config. The
    other methods of mergekit-yaml have no search space defined for evolution.

    ## Failing example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: dare_linear
    tasks:
      - my_task_train
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
    tasks:
      - my_task_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK801"
    name = "invalid-evolve-merge-method"
    severity = Severity.ERROR
    kinds = EVOLVE

    def check(self, document) -> Iterator[Diagnostic]:
        genome_value = genome(document)
        value = genome_value.get("merge_method") if genome_value is not None else None
        if value is None or not value.is_string or value.text in EVOLVE_METHODS:
            return
        suggestion = closest(value.text, EVOLVE_METHODS)
        help = f"did you mean `{suggestion}`?" if suggestion else f"use one of {quoted_list(EVOLVE_METHODS)}"
        yield self.report(
            value,
            f"mergekit-evolve cannot search over merge_method `{value.text}`",
            help,
        )


class EvolveMissingBaseModel(Rule):
    """A genome using task_arithmetic, ties or dare_ties without `base_model`.

    ## What it checks
    That `genome.base_model` is set when `genome.merge_method` is
    `task_arithmetic`, `ties` or `dare_ties`.

    ## Why it matters
    These methods add task vectors to a base model. mergekit-evolve fails with
    "base_model is required for this method" when it loads the config.

    ## Failing example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: ties
    tasks:
      - my_task_train
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: ties
      base_model: org/model-base
    tasks:
      - my_task_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK802"
    name = "evolve-missing-base-model"
    severity = Severity.ERROR
    kinds = EVOLVE

    def check(self, document) -> Iterator[Diagnostic]:
        genome_value = genome(document)
        if genome_value is None or method(genome_value) not in BASE_MODEL_METHODS:
            return
        if genome_value.has("base_model"):
            return
        anchor = genome_value.get("merge_method")
        yield self.report(
            anchor,
            f"merge_method `{anchor.text}` needs a `base_model` in the genome, and there is none",
            "add `base_model:` to `genome`, the model the task vectors are taken against",
            span=anchor.key_span,
        )


class SlerpSmoothOrFilters(Rule):
    """A slerp genome with `smooth: true` or with `filters`.

    ## What it checks
    That a genome with `merge_method: slerp` has no `smooth: true` and no
    non-empty `filters` list.

    ## Why it matters
    mergekit-evolve fails with "smooth is not supported for slerp merge method" or
    "tensor name filtering is not supported for slerp merge method" when it loads
    the config.

    ## Failing example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: slerp
      smooth: true
    tasks:
      - my_task_train
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: slerp
    tasks:
      - my_task_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK803"
    name = "slerp-smooth-or-filters"
    severity = Severity.ERROR
    kinds = EVOLVE

    def check(self, document) -> Iterator[Diagnostic]:
        genome_value = genome(document)
        if genome_value is None or method(genome_value) != "slerp":
            return
        smooth = genome_value.get("smooth")
        if is_true(smooth):
            yield self.report(
                smooth,
                "`smooth: true` is not supported with merge_method `slerp`",
                "remove `smooth`, or use merge_method `linear`",
            )
        filters = genome_value.get("filters")
        if filters is not None and filters.is_sequence and len(filters) > 0:
            yield self.report(
                filters,
                f"`filters` ({len(filters)} given) are not supported with merge_method `slerp`",
                "remove `filters`, or use merge_method `linear`",
                span=filters.key_span,
            )


class NegativeLayerGranularity(Rule):
    """A negative `layer_granularity`, which mergekit-evolve treats as 0.

    ## What it checks
    That `genome.layer_granularity` is 0 (one parameter set for all layers) or a
    positive number of layers per group.

    ## Why it matters
    mergekit-evolve uses one parameter set for all layers whenever the value is below
    1, so a negative value silently means 0. A positive value must divide the
    model's layer count (layer-granularity-not-divisor checks it when the model is
    on this machine).

    ## Failing example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
      layer_granularity: -4
    tasks:
      - my_task_train
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
      layer_granularity: 4
    tasks:
      - my_task_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK804"
    name = "negative-layer-granularity"
    severity = Severity.WARNING
    kinds = EVOLVE

    def check(self, document) -> Iterator[Diagnostic]:
        genome_value = genome(document)
        value = genome_value.get("layer_granularity") if genome_value is not None else None
        if value is None or not value.is_number or value.value >= 0:
            return
        yield self.report(
            value,
            f"layer_granularity `{value.text}` is negative, so mergekit-evolve uses one parameter set for all layers",
            "use 0 for one set over all layers, or a positive divisor of the layer count (such as 4 or 8)",
        )


class LayerGranularityNotDivisor(Rule):
    """A `layer_granularity` that does not divide the layer count of the first model.

    ## What it checks
    That a positive `genome.layer_granularity` divides the layer count of the first
    model of `genome.models`, when that model's `config.json` is on this machine (a
    local folder or the Hugging Face cache, as for layer-range-past-depth).

    ## Why it matters
    mergekit-evolve splits the layers into groups of `layer_granularity`. When the
    groups do not come out even, it fails an assertion once it has read the first
    model's config.

    ## Failing example
    ```yaml
    genome:
      models:
        - org/model-a  # 32 layers
        - org/model-b
      merge_method: linear
      layer_granularity: 6
    tasks:
      - my_task_train
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
      layer_granularity: 8
    tasks:
      - my_task_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK807"
    name = "layer-granularity-not-divisor"
    severity = Severity.ERROR
    kinds = EVOLVE
    phase = 2

    def check(self, document) -> Iterator[Diagnostic]:
        from mergelint.local_models import layer_count

        genome_value = genome(document)
        value = genome_value.get("layer_granularity") if genome_value is not None else None
        models = genome_value.get("models") if genome_value is not None else None
        if value is None or value.tag != INT_TAG or value.value <= 0 or models is None or not models.is_sequence:
            return
        ref = parse_reference(models.items()[0]) if len(models) else None
        found = layer_count(ref) if ref is not None else None
        if found is None or found[0] % value.value == 0:
            return
        count = found[0]
        divisors = [str(d) for d in range(1, count + 1) if count % d == 0]
        yield self.report(
            value,
            f"layer_granularity {value.value} does not divide the {count} layers of `{ref}` (per {found[1]}), "
            "and mergekit-evolve fails an assertion when the groups do not come out even",
            f"use a divisor of {count}: {', '.join(divisors)}, or 0 for one parameter set over all layers",
        )


class BenchmarkTask(Rule):
    """An evaluation task that is a public benchmark, which mergekit-evolve refuses.

    ## What it checks
    Task names that start with `mmlu`, `hendrycks`, `agieval`, `gsm8k`,
    `hellaswag`, `winogrande`, `arc_`, `ai2_arc`, `truthfulqa`, `bigbench`, `piqa`,
    `openbookqa` or `leaderboard`, unless they end in `_train`.

    ## Why it matters
    Optimising a merge against a benchmark's test set games that benchmark.
    mergekit-evolve stops with a ValueError unless it is given
    `--i-understand-the-depths-of-the-evils-i-am-unleashing`.

    ## Failing example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
    tasks:
      - gsm8k
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
    tasks:
      - gsm8k_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK805"
    name = "benchmark-task"
    severity = Severity.ERROR
    kinds = EVOLVE

    def check(self, document) -> Iterator[Diagnostic]:
        tasks = document.root.get("tasks")
        if tasks is None:
            return
        for task in tasks.items():
            value = task.get("name") if task.is_mapping else task
            if value is None or not value.is_string:
                continue
            name = value.text
            prefix = next((p for p in BENCHMARK_PREFIXES if name.startswith(p)), None)
            if prefix is None or name.endswith("_train"):
                continue
            yield self.report(
                value,
                f"task `{name}` is a public benchmark, and mergekit-evolve refuses to optimise against it",
                "evaluate on a training split (a task whose name ends in `_train`) or your own task; the flag "
                "`--i-understand-the-depths-of-the-evils-i-am-unleashing` overrides the check",
            )


class EmptyEvolveList(Rule):
    """An empty `genome.models` or `tasks` list.

    ## What it checks
    That `genome.models` and `tasks` each have at least one entry.

    ## Why it matters
    mergekit-evolve reads the first model's config to size the genome, and fails with
    an IndexError when there is none. With no tasks, every candidate merge scores the
    same, so the search has nothing to optimise.

    ## Failing example
    ```yaml
    genome:
      models: []
      merge_method: linear
    tasks:
      - my_task_train
    ```

    ## Corrected example
    ```yaml
    genome:
      models:
        - org/model-a
        - org/model-b
      merge_method: linear
    tasks:
      - my_task_train
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK806"
    name = "empty-evolve-list"
    severity = Severity.ERROR
    kinds = EVOLVE

    def check(self, document) -> Iterator[Diagnostic]:
        genome_value = genome(document)
        lists = [(genome_value.get("models") if genome_value is not None else None, "genome.models")]
        lists.append((document.root.get("tasks"), "tasks"))
        for value, path in lists:
            if value is None or not value.is_sequence or len(value) > 0:
                continue
            yield self.report(
                value,
                f"`{path}` is an empty list",
                "list the models to merge under `genome.models`" if path == "genome.models"
                else "list at least one lm-evaluation-harness task under `tasks`",
                span=value.key_span,
            )
