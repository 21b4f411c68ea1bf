"""MK6xx: mergekit-moe configs, checked as mergekit-moe 0.1.5 checks them before loading any model.

mergekit-moe rejects a config (exit code 1) when experts_per_token is out of range
or, for every gate_mode but `random`, when an expert lacks prompts, all experts have
the same prompts, or all experts are the same model. It then picks the first output
architecture that fits (``mergelint.facts.moe``) and fails when none does.
"""

from __future__ import annotations

from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity, replace_node
from mergelint.engine import Rule
from mergelint.facts.moe import (
    ARCHITECTURE_NAMES,
    DEFAULT_EXPERTS_PER_TOKEN,
    DEFAULT_GATE_MODE,
    GATE_MODES,
    PROMPTLESS_GATE_MODE,
    OutputArchitecture,
    guess_model_type,
    matching_architectures,
)
from mergelint.model import parse_reference
from mergelint.suggest import closest, quoted_list
from mergelint.tree import Value

MOE = frozenset({"moe"})


def gate_mode(root: Value) -> str:
    """Return the gate_mode mergekit-moe uses: the written string, or the default."""
    value = root.get("gate_mode")
    return value.text if value is not None and value.is_string else DEFAULT_GATE_MODE


def expert_list(root: Value, key: str = "experts") -> list[Value]:
    """Return the mapping entries of `experts` (or `shared_experts`); other items are grammar errors."""
    value = root.get(key)
    if value is None:
        return []
    return [item for item in value.items() if item.is_mapping]


def prompts(expert: Value, key: str) -> tuple[str, ...]:
    """Return an expert's prompts as written (empty when absent or not a list)."""
    value = expert.get(key)
    if value is None:
        return ()
    return tuple(item.text for item in value.items() if item.is_scalar)


def has_prompts(expert: Value) -> bool:
    return bool(prompts(expert, "positive_prompts"))


def model_name(reference: Value | None) -> str:
    """Return the path of a model reference: `org/model` from a string or a mapping."""
    if reference is None:
        return ""
    if reference.is_string:
        return reference.text.split("+")[0].split("@")[0]
    if reference.is_mapping:
        return model_name(reference.get("model")) or model_name(reference.get("path"))
    return reference.text


def expert_anchor(expert: Value) -> Value:
    """Return the value a diagnostic about one expert points at: its `source_model`."""
    return expert.get("source_model") or expert


def key_anchor(root: Value, key: str) -> tuple[Value, object]:
    """Return (value, span) for a diagnostic on a top-level key as a whole."""
    value = root.get(key)
    return value, value.key_span


def show_prompts(values: tuple[str, ...]) -> str:
    import json  # only configs with prompt problems need it

    text = json.dumps(list(values), ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "...]"


def needs_prompts(root: Value) -> bool:
    return gate_mode(root) != PROMPTLESS_GATE_MODE


class UnknownGateMode(Rule):
    """A `gate_mode` that mergekit-moe does not know.

    ## What it checks
    That `gate_mode` is one of `hidden` (the default), `hidden_last`, `hidden_avg`,
    `cheap_embed`, `random` and `uniform_random`. A close match is offered as a
    did-you-mean.

    ## Why it matters
    mergekit-moe accepts any string when it loads the config, loads the base model,
    and only then fails with `'NoneType' object is not callable` while it computes
    the gates.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    gate_mode: cheap-embed
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Corrected example
    ```yaml
    base_model: org/mistral-base
    gate_mode: cheap_embed
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Fix safety
    Replacing a mode written in another case or with hyphens (`Random`, `cheap-embed`)
    is a safe fix. Other did-you-mean replacements are unsafe fixes, because the gate
    mode changes how every token is routed.
    """

    code = "MK601"
    name = "unknown-gate-mode"
    severity = Severity.ERROR
    fixable = True
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        value = document.root.get("gate_mode")
        if value is None or not value.is_string or value.text in GATE_MODES:
            return
        suggestion = closest(value.text, GATE_MODES)
        help = f"did you mean `{suggestion}`?" if suggestion else f"use one of {quoted_list(GATE_MODES)}"
        fix = None
        if suggestion is not None:
            # Safe only for a difference of case or separators: another mode builds other gates.
            same_word = value.text.strip().lower().replace("-", "_") == suggestion
            fix = replace_node(value.node, suggestion, f"replace `{value.text}` with `{suggestion}`", same_word)
        yield self.report(
            value,
            f"unknown gate_mode `{value.text}`; mergekit-moe fails with a TypeError when it computes the gates",
            help,
            fix=fix,
        )


class MissingExpertPrompts(Rule):
    """An expert without `positive_prompts` while gate_mode is not `random`.

    ## What it checks
    Every entry of `experts` has a non-empty `positive_prompts` list, unless
    `gate_mode` is exactly `random`. `uniform_random` is not exempt: mergekit-moe
    requires prompts there too, although it does not use them.

    ## Why it matters
    mergekit-moe builds each expert's gate from its prompts. It stops with
    "Expert N has no positive prompts" and exit code 1 before it loads a model.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    gate_mode: hidden
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
    ```

    ## Corrected example
    ```yaml
    base_model: org/mistral-base
    gate_mode: hidden
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Fix safety
    No automatic fix: the prompts decide which tokens reach the expert.
    """

    code = "MK602"
    name = "missing-expert-prompts"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        if not needs_prompts(root):
            return
        mode = gate_mode(root)
        for index, expert in enumerate(expert_list(root)):
            written = expert.get("positive_prompts")
            if has_prompts(expert) or (written is not None and not (written.is_sequence or written.is_null)):
                continue
            anchor = expert.get("positive_prompts") or expert_anchor(expert)
            yield self.report(
                anchor,
                f"expert {index} (`{model_name(expert.get('source_model'))}`) has no `positive_prompts`, "
                f"which gate_mode `{mode}` needs",
                "add `positive_prompts` with example prompts for this expert; only gate_mode `random` "
                "needs none (`uniform_random` still does)",
            )


class IdenticalExpertPrompts(Rule):
    """Every expert has the same prompts, so the gate cannot tell them apart.

    ## What it checks
    Unless `gate_mode` is `random`, that the experts' (`positive_prompts`,
    `negative_prompts`) pairs are not all equal. Empty strings count as prompts, so
    four experts with `positive_prompts: [""]` are identical. A single expert is
    reported too, because mergekit-moe applies the same test to it.

    ## Why it matters
    mergekit-moe stops with "Your positive and negative prompts are identical for
    all experts" and exit code 1: a gate built from equal prompts routes every token
    the same way.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    gate_mode: hidden
    experts:
      - source_model: org/mistral-code
        positive_prompts: [""]
      - source_model: org/mistral-chat
        positive_prompts: [""]
    ```

    ## Corrected example
    ```yaml
    base_model: org/mistral-base
    gate_mode: hidden
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Fix safety
    No automatic fix. Write prompts typical of what each expert should answer, or use
    gate_mode `random` if the model will be fine-tuned afterwards.
    """

    code = "MK603"
    name = "identical-expert-prompts"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        experts = expert_list(root)
        if not needs_prompts(root) or not experts or not all(has_prompts(e) for e in experts):
            return
        pairs = {(prompts(e, "positive_prompts"), prompts(e, "negative_prompts")) for e in experts}
        if len(pairs) != 1:
            return
        value, span = key_anchor(root, "experts")
        shown = show_prompts(prompts(experts[0], "positive_prompts"))
        if len(experts) == 1:
            message = f"the only expert has the prompts {shown}, and mergekit-moe rejects a single prompted expert"
        else:
            message = f"all {len(experts)} experts have the same prompts {shown}, so the gate cannot tell them apart"
        yield self.report(
            value,
            message,
            f"give each expert its own `positive_prompts`, typical of what it should answer; use gate_mode "
            f"`{PROMPTLESS_GATE_MODE}` only if you will fine-tune the merged model",
            span=span,
        )


class EmptyExpertPrompts(Rule):
    """An expert whose positive prompts are all empty strings.

    ## What it checks
    Unless `gate_mode` is `random`, experts whose `positive_prompts` contain only
    empty or blank strings, such as `[""]`. When every expert is like that,
    `identical-expert-prompts` reports it instead.

    ## Why it matters
    mergekit-moe accepts a list with an empty string, and builds that expert's gate
    from an empty input. The gate then carries nothing about what the expert is for, so
    tokens reach it more or less at random.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: [""]
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
    No automatic fix.
    """

    code = "MK604"
    name = "empty-expert-prompts"
    severity = Severity.WARNING
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        experts = expert_list(root)
        if not needs_prompts(root):
            return
        pairs = {(prompts(e, "positive_prompts"), prompts(e, "negative_prompts")) for e in experts}
        if len(pairs) <= 1:
            return
        for index, expert in enumerate(experts):
            written = prompts(expert, "positive_prompts")
            if written and all(not prompt.strip() for prompt in written):
                yield self.report(
                    expert.get("positive_prompts"),
                    f"expert {index} (`{model_name(expert.get('source_model'))}`) has only empty positive prompts "
                    f"{show_prompts(written)}",
                    "write prompts typical of what this expert should answer",
                )


class IdenticalExpertModels(Rule):
    """Every expert is the same model while gate_mode is not `random`.

    ## What it checks
    Unless `gate_mode` is `random`, that the experts' `source_model` values are not
    all equal.

    ## Why it matters
    mergekit-moe stops with "All of your expert models are the same" and exit code 1,
    unless it is given `--i-understand-this-is-not-useful-without-training`. Copies of
    one model give the same output as that model, at several times the cost.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-chat
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
    No automatic fix. To upcycle one model into a MoE for training, use gate_mode
    `random`.
    """

    code = "MK605"
    name = "identical-expert-models"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        experts = expert_list(root)
        if not needs_prompts(root) or len(experts) < 2:
            return
        sources = [e.get("source_model") for e in experts]
        if any(source is None for source in sources):
            return
        # Compared as mergekit compares model references; a malformed one by its value.
        models = {parse_reference(source) or repr(source.plain()) for source in sources}
        if len(models) != 1:
            return
        value, span = key_anchor(root, "experts")
        yield self.report(
            value,
            f"all {len(experts)} experts are `{model_name(experts[0].get('source_model'))}`, "
            "so the MoE gives the output of that one model at a higher cost",
            "use different models as experts; to upcycle one model for training, set gate_mode `random` "
            "and pass `--i-understand-this-is-not-useful-without-training`",
            span=span,
        )


class ExpertsPerTokenOutOfRange(Rule):
    """`experts_per_token` is below 1 or above the number of experts.

    ## What it checks
    That `experts_per_token` (2 when absent) is at least 1 and at most the number of
    entries in `experts`. Shared experts do not count.

    ## Why it matters
    mergekit-moe stops with exit code 1 before it loads a model. A config with a
    single expert and no `experts_per_token` fails this way, because the default is 2.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    experts_per_token: 3
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Corrected example
    ```yaml
    base_model: org/mistral-base
    experts_per_token: 2
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK606"
    name = "experts-per-token-out-of-range"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        experts_value = root.get("experts")
        if experts_value is None or not experts_value.is_sequence:
            return
        count = len(experts_value)
        value = root.get("experts_per_token")
        if value is not None and not value.is_null:
            number = value.value
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if not isinstance(number, int) or isinstance(number, bool):
                return
            written = True
        else:
            number, written = DEFAULT_EXPERTS_PER_TOKEN, False

        if number < 1:
            yield self.report(
                value,
                f"experts_per_token is `{number}`, but each token needs at least one expert",
                "set `experts_per_token` to 1 or more (2 is usual)",
            )
        elif number > count:
            where = value if written else experts_value
            span = value.span if written else experts_value.key_span
            default = "" if written else " (the default)"
            yield self.report(
                where,
                f"experts_per_token is `{number}`{default}, but there {'is' if count == 1 else 'are'} only "
                f"{count} expert{'' if count == 1 else 's'}",
                f"set `experts_per_token` to at most {count}, or add experts" if count else "add at least two experts",
                span=span,
            )


def candidate_architectures(root: Value) -> list[OutputArchitecture]:
    """Return the output architectures `architecture` allows (all of them when it is absent)."""
    value = root.get("architecture")
    if value is None or not value.is_string:
        return matching_architectures("")
    return matching_architectures(value.text)


def architecture_problem(arch: OutputArchitecture, root: Value) -> str | None:
    """Return why ``arch`` cannot be written for this config, or None when it may fit."""
    shared = expert_list(root, "shared_experts")
    count = len(shared)
    if count < arch.min_shared or count > arch.max_shared:
        if arch.max_shared == 0:
            return f"{arch.name} takes no shared experts (there {'is' if count == 1 else 'are'} {count})"
        if arch.min_shared == arch.max_shared:
            return f"{arch.name} needs exactly {arch.min_shared} shared expert (there are {count})"
        return f"{arch.name} takes at most {arch.max_shared} shared expert (there are {count})"
    if shared and arch.shared_prompts == "forbidden" and any(
        prompts(e, "positive_prompts") or prompts(e, "negative_prompts") for e in shared
    ):
        return f"{arch.name} takes a shared expert only without prompts"
    if shared and arch.shared_prompts == "required" and needs_prompts(root) and not has_prompts(shared[0]):
        return f"{arch.name} needs `positive_prompts` on the shared expert unless gate_mode is `random`"

    references = [root.get("base_model")]
    references += [e.get("source_model") for e in expert_list(root) + shared]
    for reference in references:
        name = model_name(reference)
        guessed = guess_model_type(name)
        if guessed is not None and guessed not in arch.model_types:
            accepted = " or ".join(sorted(arch.model_types))
            return f"{arch.name} needs {accepted} models, and `{name}` looks like {guessed}"
    return None


def selected_architecture(root: Value) -> OutputArchitecture | None:
    """Return the architecture mergekit-moe would write, or None when none fits."""
    for arch in candidate_architectures(root):
        if architecture_problem(arch, root) is None:
            return arch
    return None


class UnknownMoeArchitecture(Rule):
    """An `architecture` that is no prefix of any mergekit-moe output architecture.

    ## What it checks
    mergekit-moe keeps the output architectures whose name starts with
    `architecture`, ignoring case: `Mixtral`, `DeepSeek MoE`, `Qwen MoE` and
    `Qwen3 MoE`. So `qwen` matches both Qwen architectures, `deepseek` matches
    DeepSeek MoE, and `qwen2` or `llama` match nothing.

    ## Why it matters
    mergekit-moe stops with "No output architecture found that matches the given
    architecture" and exit code 1.

    ## Failing example
    ```yaml
    base_model: Qwen/Qwen2.5-7B-Instruct
    architecture: qwen2_moe
    experts:
      - source_model: Qwen/Qwen2.5-Coder-7B-Instruct
        positive_prompts: ["write a python function"]
      - source_model: Qwen/Qwen2.5-Math-7B-Instruct
        positive_prompts: ["solve this equation"]
    shared_experts:
      - source_model: Qwen/Qwen2.5-7B-Instruct
        positive_prompts: ["chat with me"]
    ```

    ## Corrected example
    ```yaml
    base_model: Qwen/Qwen2.5-7B-Instruct
    architecture: qwen
    experts:
      - source_model: Qwen/Qwen2.5-Coder-7B-Instruct
        positive_prompts: ["write a python function"]
      - source_model: Qwen/Qwen2.5-Math-7B-Instruct
        positive_prompts: ["solve this equation"]
    shared_experts:
      - source_model: Qwen/Qwen2.5-7B-Instruct
        positive_prompts: ["chat with me"]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK607"
    name = "unknown-moe-architecture"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        value = document.root.get("architecture")
        if value is None or not value.is_string or matching_architectures(value.text):
            return
        suggestion = closest(value.text, ARCHITECTURE_NAMES, cutoff=0.5)
        prefix = suggestion.split()[0].lower() if suggestion else None
        help = (
            f"did you mean `{prefix}` ({suggestion})?"
            if prefix
            else f"use a prefix of one of {quoted_list(ARCHITECTURE_NAMES)}, such as `mixtral`, `deepseek` or `qwen`"
        )
        yield self.report(
            value,
            f"architecture `{value.text}` is no prefix of a mergekit-moe output architecture "
            f"({', '.join(ARCHITECTURE_NAMES)})",
            help,
        )


class UnsupportedMoeLayout(Rule):
    """No output architecture accepts the shared experts (or the models) of this config.

    ## What it checks
    Each output architecture that `architecture` allows, against what it accepts:
    Mixtral and Qwen3 MoE take no shared experts, DeepSeek MoE takes at most one
    and only without prompts, Qwen MoE needs exactly one, with `positive_prompts`
    unless gate_mode is `random`. Mixtral and DeepSeek MoE need Llama or Mistral
    models, Qwen MoE also Qwen2, Qwen3 MoE only Qwen3. Model types are guessed
    from model names (`Qwen/Qwen3-8B` is qwen3). A name that shows no model type is
    assumed to fit.

    ## Why it matters
    mergekit-moe stops with "No output architecture found that is compatible with
    the given models" and exit code 1, after it has read every model's config.

    ## Failing example
    ```yaml
    base_model: Qwen/Qwen2-1.5B-Instruct
    architecture: qwen
    experts:
      - source_model: org/qwen2-1.5b-chat
        positive_prompts: ["chat", "assistant"]
      - source_model: org/qwen2-1.5b-code
        positive_prompts: ["code", "python"]
    ```

    ## Corrected example
    ```yaml
    base_model: Qwen/Qwen2-1.5B-Instruct
    architecture: qwen
    experts:
      - source_model: org/qwen2-1.5b-chat
        positive_prompts: ["chat", "assistant"]
      - source_model: org/qwen2-1.5b-code
        positive_prompts: ["code", "python"]
    shared_experts:
      - source_model: Qwen/Qwen2-1.5B-Instruct
        positive_prompts: ["hello", "answer the question"]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK608"
    name = "unsupported-moe-layout"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        candidates = candidate_architectures(root)
        if not candidates or root.get("experts") is None:
            return
        problems = [architecture_problem(arch, root) for arch in candidates]
        if any(problem is None for problem in problems):
            return

        anchor = root.get("architecture") or root.get("shared_experts") or root.get("experts")
        span = anchor.span if anchor.key_path == "architecture" else anchor.key_span
        shown = root.get("architecture")
        which = f"architecture `{shown.text}`" if shown is not None and shown.is_string else "mergekit-moe"
        yield self.report(
            anchor,
            f"no output architecture that {which} allows accepts this config: " + "; ".join(problems),
            "Qwen MoE needs exactly one `shared_experts` entry (with `positive_prompts` unless gate_mode is "
            "`random`), DeepSeek MoE at most one without prompts, Mixtral and Qwen3 MoE none",
            span=span,
        )


class MixedSharedExpertPrompts(Rule):
    """Some shared experts have prompts and others do not.

    ## What it checks
    That either every entry of `shared_experts` has `positive_prompts` or none has.

    ## Why it matters
    mergekit-moe fails with the assertion "Must specify prompts for all shared
    experts or none, not a mix", after it has chosen the output architecture and
    read the models' configs.

    ## Failing example
    ```yaml
    base_model: org/llama-base
    gate_mode: random
    architecture: deepseek
    experts:
      - source_model: org/llama-code
      - source_model: org/llama-chat
    shared_experts:
      - source_model: org/llama-base
        positive_prompts: ["hello"]
      - source_model: org/llama-math
    ```

    ## Corrected example
    ```yaml
    base_model: org/llama-base
    gate_mode: random
    architecture: deepseek
    experts:
      - source_model: org/llama-code
      - source_model: org/llama-chat
    shared_experts:
      - source_model: org/llama-base
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK609"
    name = "mixed-shared-expert-prompts"
    severity = Severity.ERROR
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        shared = expert_list(root, "shared_experts")
        with_prompts = [e for e in shared if has_prompts(e)]
        if not with_prompts or len(with_prompts) == len(shared):
            return
        value, span = key_anchor(root, "shared_experts")
        yield self.report(
            value,
            f"{len(with_prompts)} of {len(shared)} shared experts have `positive_prompts` and the others have none",
            "give `positive_prompts` to every shared expert, or to none",
            span=span,
        )


class ExpertCountNotPowerOfTwo(Rule):
    """The number of experts is not a power of two for an architecture that expects one.

    ## What it checks
    When mergekit-moe would write Mixtral, Qwen MoE or Qwen3 MoE (not DeepSeek MoE),
    that the number of entries in `experts` is 1, 2, 4, 8 and so on.

    ## Why it matters
    mergekit-moe writes the model and logs that it "will not be usable in
    llama.cpp", which cannot load such expert counts.

    ## Failing example
    ```yaml
    base_model: org/mistral-base
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
      - source_model: org/mistral-math
        positive_prompts: ["solve this equation"]
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
    No automatic fix.
    """

    code = "MK610"
    name = "expert-count-not-power-of-two"
    severity = Severity.WARNING
    kinds = MOE

    def check(self, document) -> Iterator[Diagnostic]:
        root = document.root
        experts = root.get("experts")
        if experts is None or not experts.is_sequence or len(experts) == 0:
            return
        count = len(experts)
        arch = selected_architecture(root)
        if arch is None or not arch.warns_power_of_two or count & (count - 1) == 0:
            return
        yield self.report(
            experts,
            f"{count} experts is not a power of two, so the {arch.name} model will not load in llama.cpp",
            f"use {1 << (count.bit_length() - 1)} or {1 << count.bit_length()} experts if you need llama.cpp",
            span=experts.key_span,
        )
