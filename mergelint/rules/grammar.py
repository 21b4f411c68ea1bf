"""MK1xx: keys and value types, reported by the grammar walker.

mergekit's config classes are pydantic models that ignore unknown keys, so a
misspelled key is dropped without a word. Wrong types fail only when the config is
loaded. The grammar walker reports both, one diagnostic per offending node.
"""

from mergelint.diagnostics import Severity
from mergelint.engine import Rule

GRAMMAR_KINDS = frozenset({"merge", "moe", "multi", "evolve"})


class UnknownKey(Rule):
    """A key that mergekit does not know at this place; it is silently ignored.

    ## What it checks
    Every mapping of the config against the keys mergekit reads there: the top
    level, `models` entries, slices and their `sources`, modules, conditional
    parameters, the `tokenizer` block. A close match is offered as a did-you-mean.
    Parameter names written outside `parameters:` are reported by
    `parameter-outside-parameters` instead.

    ## Why it matters
    mergekit's config classes drop unknown keys without a warning. A typo such as
    `base_modle` or `layer_ranges` means the setting is simply not there, and the
    merge runs without it, or fails much later for a reason that seems unrelated.

    ## Failing example
    ```yaml
    merge_method: slerp
    base_modle: org/model-a
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
    Renaming the key to the did-you-mean is an unsafe fix (`--unsafe-fixes`): it turns
    on a setting that was off, which changes the merge.
    """

    code = "MK101"
    name = "unknown-key"
    severity = Severity.WARNING
    fixable = True
    phase = 1
    kinds = GRAMMAR_KINDS


class WrongType(Rule):
    """A value of the wrong type or shape: a string for a list, a list for a number.

    ## What it checks
    Each value against the type mergekit's config classes declare, with the same lax
    conversions pydantic applies (an integer where a number is expected is fine, the
    string `"0.5"` is a number, `10.0` is an integer). A `models` entry written as a
    bare string, a `layer_range` that is not two integers, or `parameters` given as a
    list are all reported.

    ## Why it matters
    mergekit rejects these when it loads the config, with a pydantic error that has
    no line number.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - org/model-a
      - org/model-b
    parameters:
      weight: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
      - model: org/model-b
    parameters:
      weight: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK102"
    name = "wrong-type"
    severity = Severity.ERROR
    phase = 1
    kinds = GRAMMAR_KINDS


class MissingKey(Rule):
    """A key that mergekit requires is absent or empty.

    ## What it checks
    `merge_method` at the top level, `model` in every `models` entry and slice source,
    `layer_range` in every slice source, `sources` in every slice, `value` in every
    conditional parameter, and the required keys of the other config kinds.

    ## Why it matters
    mergekit stops when it loads the config, before anything is merged.

    ## Failing example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Fix safety
    When a misspelling of the key is present (`merge_methd`), renaming it is a safe
    fix: mergekit rejects the config without the key. Otherwise there is no fix, since
    the value is the author's to choose.
    """

    code = "MK103"
    name = "missing-key"
    severity = Severity.ERROR
    fixable = True
    phase = 1
    kinds = GRAMMAR_KINDS


class InvalidValue(Rule):
    """A value outside the fixed set of choices mergekit accepts at this place.

    ## What it checks
    Keys whose value must be one of a few words, such as `kind` in a token embedding
    source (`model_token` or `zero`).

    ## Why it matters
    mergekit rejects any other word when it loads the config.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    tokenizer:
      source: union
      tokens:
        <pad>:
          source:
            kind: zeros
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    tokenizer:
      source: union
      tokens:
        <pad>:
          source:
            kind: zero
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK104"
    name = "invalid-value"
    severity = Severity.ERROR
    phase = 1
    kinds = GRAMMAR_KINDS
