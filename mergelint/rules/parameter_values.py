"""MK3xx (continued): parameter values: types mergekit validates, and ranges where a
merge fails or silently does something other than intended.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.methods import Method, Parameter
from mergelint.facts.values import TENSOR_NAME_PARTS
from mergelint.nodes import Node
from mergelint.resolve import inputs_needing, lookup, numbers
from mergelint.rules.methods import method_of
from mergelint.rules.parameters import BOOL_WORDS, parameter_maps
from mergelint.suggest import closest
from mergelint.tree import BOOL_TAG, FLOAT_TAG, INT_TAG, STR_TAG, Value


def _type_problem(value: Value, parameter: Parameter) -> str | None:
    """Say why a scalar does not validate as the parameter's type in mergekit 0.1.5, if it does not."""
    tag, text = value.tag, value.text
    if parameter.type == "float":
        if tag in (INT_TAG, FLOAT_TAG, BOOL_TAG):
            return None
        if tag == STR_TAG:
            try:
                float(text.strip())
                return None
            except ValueError:
                return "is not a number"
        return "is not a number"
    if parameter.type == "bool":
        if tag == BOOL_TAG or (tag in (INT_TAG, FLOAT_TAG) and value.value in (0, 1)):
            return None
        if tag == STR_TAG and text.strip().lower() in BOOL_WORDS:
            return None
        return "is not true or false"
    if parameter.type == "int":
        if tag == INT_TAG or (tag == FLOAT_TAG and float(value.value).is_integer()):
            return None
        if tag == STR_TAG:
            try:
                int(text.strip())
                return None
            except ValueError:
                return "is not an integer"
        return "is not an integer"
    return None


class InvalidParameterValue(Rule):
    """A parameter value mergekit rejects or fails on: wrong type, or outside what the method computes.

    ## What it checks
    - lists that mix plain values with `filter`/`value` entries;
    - gradients of integer parameters, which interpolate to fractions;
    - each value (scalars, gradient points, conditional values) against the type the
      method declares: `weight` a number, `normalize` true or false, `max_iter` an
      integer;
    - for `della` and `della_linear`, `density` ± `epsilon` must stay inside (0, 1)
      whenever `density` is between 0 and 1;
    - `dare_ties` and `dare_linear` fail on a negative `density`.

    ## Why it matters
    mergekit validates parameter types per tensor while planning, after downloading
    every model, and fails on the density window in the middle of the merge.

    ## Failing example
    ```yaml
    merge_method: della
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
          density: 0.1
    ```

    ## Corrected example
    ```yaml
    merge_method: della
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
          density: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK304"
    name = "invalid-parameter-value"
    severity = Severity.ERROR
    phase = 5

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        if method is None:
            return
        for parameters, _ in parameter_maps(document):
            for key, setting in parameters.entries():
                parameter = method.parameter(key) if isinstance(key, str) else None
                if parameter is None:
                    continue
                shape = _shape_problem(setting, parameter)
                if shape is not None:
                    yield self.report(setting, f"`{key}` {shape[0]}", shape[1])
                    continue
                for value in numbers(setting):
                    problem = _type_problem(value, parameter) if value.is_scalar else None
                    if problem is not None:
                        yield self.report(
                            value,
                            f"`{key}` = `{value.text}` {problem}; {method.name} reads `{key}` as "
                            f"{ {'float': 'a number', 'bool': 'true or false', 'int': 'an integer'}[parameter.type] }",
                            f"write a {'number' if parameter.type != 'bool' else 'boolean'} here",
                        )
        yield from self._della_window(document, method)
        yield from self._dare_density(document, method)

    def _della_window(self, document: Document, method: Method) -> Iterator[Diagnostic]:
        if method.sparsifier != "della_magprune":
            return
        config = document.merge
        density_parameter, epsilon_parameter = method.parameter("density"), method.parameter("epsilon")
        seen: set[Node] = set()
        for slice_ in config.slices:
            for item in inputs_needing(method, density_parameter, config, slice_):
                density = lookup(config, slice_, item, density_parameter).setting
                epsilon_setting = lookup(config, slice_, item, epsilon_parameter).setting
                epsilons = [v.value for v in numbers(epsilon_setting) if _is_number(v)] if epsilon_setting else [0.15]
                for value in numbers(density) if density is not None else []:
                    if not _is_number(value) or value.node in seen:
                        continue
                    d = float(value.value)
                    for e in epsilons:
                        if 0 < d < 1 and not (0 < d - float(e) and d + float(e) < 1):
                            seen.add(value.node)
                            yield self.report(
                                value,
                                f"density {d:g} with epsilon {float(e):g} puts density ± epsilon outside (0, 1); "
                                f"{method.name} fails with 'Epsilon must be chosen such that density +/- epsilon "
                                "is in (0, 1)' mid-merge",
                                f"choose density between {float(e):g} and {1 - float(e):g}, or a smaller epsilon",
                            )
                            break

    def _dare_density(self, document: Document, method: Method) -> Iterator[Diagnostic]:
        if method.sparsifier != "bernoulli":
            return
        for parameters, _ in parameter_maps(document):
            density = parameters.get("density")
            for value in numbers(density) if density is not None else []:
                if _is_number(value) and float(value.value) < 0:
                    yield self.report(
                        value,
                        f"density {value.text} is negative; {method.name} drops entries with probability "
                        "1 - density, and torch fails on a probability outside [0, 1]",
                        "use a density between 0 and 1",
                    )


def _shape_problem(setting: Value, parameter: Parameter) -> tuple[str, str] | None:
    """Say why a parameter's list shape fails in mergekit, if it does."""
    if not setting.is_sequence:
        return None
    items = setting.items()
    if any(item.is_mapping for item in items) and not all(item.is_mapping for item in items):
        return (
            "mixes plain values and `filter`/`value` entries in one list, which mergekit rejects when it "
            "loads the config",
            "write either a gradient of numbers or a list of `filter`/`value` entries; a plain value goes in a "
            "last entry `- value: ...`",
        )
    values = [item.value for item in items if item.is_scalar and item.tag in (INT_TAG, FLOAT_TAG)]
    if parameter.type == "int" and len(set(values)) > 1:
        return (
            "is a gradient, but it is an integer parameter: mergekit interpolates the gradient to fractions "
            "between layers and then fails its integer check, after downloading every model",
            "give one integer",
        )
    return None


def _is_number(value: Value) -> bool:
    return value.is_scalar and value.tag in (INT_TAG, FLOAT_TAG) and not isinstance(value.value, bool) and not (
        isinstance(value.value, float) and math.isnan(value.value)
    )


class SuspiciousParameterValue(Rule):
    """A parameter value mergekit accepts but that almost surely does not do what was meant.

    ## What it checks
    - `t` outside [0, 1] for `slerp` (extrapolates beyond both models), `t` ≤ 0 for
      `nearswap` (the result is the base model);
    - `density` ≤ 0 for sparsifying methods (the task vector is dropped entirely);
    - `gamma` outside [0, 1), or `density` + `gamma` above 1, for the breadcrumbs methods;
    - `lambda` of 0 (the merged task vector is zeroed) or below 0;
    - `select_topk` ≤ 0 for `sce` (every entry is masked: the result is the base model);
    - a negative `epsilon` for `ram` and `ramplus_tl`, or a negative `alpha` for
      `ramplus_tl`, which invert what they control;
    - `nuslerp_row_wise: true` while `nuslerp_flatten` stays true (its default), where
      row-wise has no effect;
    - a gradient of booleans, which mergekit 0.1.5 does not interpolate: it switches
      only at the last layer;
    - NaN or infinite values anywhere.

    ## Why it matters
    mergekit checks none of these ranges: the merge finishes and the model is not
    what the author meant.

    ## Failing example
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
      t: 1.5
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
    No automatic fix.
    """

    code = "MK305"
    name = "suspicious-parameter-value"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        if method is None:
            return
        for parameters, _ in parameter_maps(document):
            for key, setting in parameters.entries():
                if method.parameter(key) is None if isinstance(key, str) else True:
                    continue
                if method.parameter(key).type == "bool" and setting.is_sequence and len(setting) > 1:
                    yield self.report(
                        setting,
                        f"`{key}` is a gradient of booleans; mergekit 0.1.5 does not interpolate it but takes "
                        "the value at the index the layer position rounds down to, so it switches only at the "
                        "last layer",
                        f"give `{key}` one value, or use filter/value entries to set it for some tensors",
                    )
                for value in numbers(setting):
                    if not value.is_scalar or value.tag != FLOAT_TAG and value.tag != INT_TAG:
                        continue
                    number = float(value.value)
                    problem = _range_problem(method, key, number)
                    if problem is not None:
                        yield self.report(value, problem[0], problem[1])
        yield from self._density_plus_gamma(document, method)
        yield from self._row_wise_without_flatten(document, method)

    def _row_wise_without_flatten(self, document: Document, method: Method) -> Iterator[Diagnostic]:
        if method.name != "nuslerp":
            return
        config = document.merge
        for slice_ in config.slices:
            row_wise = lookup(config, slice_, None, method.parameter("nuslerp_row_wise")).setting
            flatten = lookup(config, slice_, None, method.parameter("nuslerp_flatten")).setting
            if row_wise is None or not row_wise.is_scalar or row_wise.value is not True:
                continue
            if flatten is None or (flatten.is_scalar and flatten.value is True):
                yield self.report(
                    row_wise,
                    "`nuslerp_row_wise: true` has no effect while `nuslerp_flatten` is true, its default",
                    "set `nuslerp_flatten: false` as well to interpolate row by row",
                )
                return

    def _density_plus_gamma(self, document: Document, method: Method) -> Iterator[Diagnostic]:
        if method.sparsifier != "magnitude_outliers":
            return
        config = document.merge
        density_parameter, gamma_parameter = method.parameter("density"), method.parameter("gamma")
        for slice_ in config.slices:
            for item in inputs_needing(method, density_parameter, config, slice_):
                density = lookup(config, slice_, item, density_parameter).setting
                gamma = lookup(config, slice_, item, gamma_parameter).setting
                if density is None or gamma is None or not density.is_scalar or not gamma.is_scalar:
                    continue
                if _is_number(density) and _is_number(gamma) and float(density.value) + float(gamma.value) > 1:
                    yield self.report(
                        gamma,
                        f"density {density.text} plus gamma {gamma.text} is above 1, so breadcrumbs cannot drop "
                        "that many largest entries and keep that many",
                        "keep density + gamma at or below 1",
                    )
                    return


def _range_problem(method: Method, key: str, number: float) -> tuple[str, str] | None:
    if math.isnan(number) or math.isinf(number):
        return (f"`{key}` is {number}, which propagates into every merged tensor", f"give `{key}` a finite value")
    if key == "t" and method.name == "slerp" and not 0 <= number <= 1:
        return (
            f"t = {number:g} is outside [0, 1]; slerp then extrapolates beyond both models",
            "use t between 0 (the base model) and 1 (the other model)",
        )
    if key == "t" and method.name == "nearswap" and number <= 0:
        return (f"t = {number:g} is not above 0, so nearswap returns the base model unchanged", "use a small positive t, such as 0.001")
    if key == "density" and method.sparsifier is not None and number <= 0 and not (
        number < 0 and method.sparsifier == "bernoulli"
    ):
        return (
            f"density {number:g} keeps no entries, so this model's task vector is dropped entirely",
            "use a density above 0 (the fraction of entries kept)",
        )
    if key == "density" and method.sparsifier is not None and number > 1:
        return (
            f"density {number:g} is above 1, the fraction of entries kept, so nothing is dropped",
            "use a density between 0 and 1, such as 0.5",
        )
    if key == "gamma" and not 0 <= number < 1:
        return (f"gamma {number:g} is outside [0, 1)", "gamma is the fraction of largest entries removed; use 0.01 to 0.1")
    if key == "lambda" and number <= 0:
        return (
            f"lambda {number:g} {'zeroes' if number == 0 else 'inverts'} the merged task vector",
            "use a positive lambda; 1.0 is the default",
        )
    if key == "epsilon" and method.name in ("ram", "ramplus_tl") and number < 0:
        return (
            f"epsilon {number:g} is negative, so every entry counts as changed",
            "use a small positive epsilon; 1.0e-5 is the default",
        )
    if key == "alpha" and method.name == "ramplus_tl" and number < 0:
        return (
            f"alpha {number:g} is negative, which makes the rescaling clamp negative",
            "use an alpha between 0 and 1; 0.2 is the default",
        )
    if key == "select_topk" and number <= 0:
        return (
            f"select_topk {number:g} masks every entry, so sce returns the base model unchanged",
            "use a fraction in (0, 1], such as 0.1",
        )
    return None


class WeightsCancelOut(Rule):
    """Weights that sum to zero under normalisation.

    ## What it checks
    For `linear` (and `multislerp`) with normalisation on (the default), whether the
    model weights, when each is a plain number, sum to zero.

    ## Why it matters
    mergekit divides by the sum of the weights: a zero sum gives infinities and NaNs
    in every merged tensor, and mergekit writes that broken model without an error.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
      - model: org/model-b
        parameters:
          weight: -1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    parameters:
      normalize: false
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
      - model: org/model-b
        parameters:
          weight: -1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK306"
    name = "weights-cancel-out"
    severity = Severity.ERROR
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = method_of(document)
        if method is None or method.name not in ("linear", "multislerp"):
            return
        config = document.merge
        switch = method.parameter("normalize") or method.parameter("normalize_weights")
        weight = method.parameter("weight")
        for slice_ in config.slices:
            found = lookup(config, slice_, None, switch).setting
            if found is not None and found.is_scalar and found.value in (False, 0):
                continue
            weights = []
            for item in inputs_needing(method, weight, config, slice_):
                setting = lookup(config, slice_, item, weight).setting
                if setting is None or not _is_number(setting):
                    break
                weights.append(float(setting.value))
            else:
                if len(weights) > 1 and abs(sum(weights)) < 1e-9:
                    yield self.report(
                        config.method_value,
                        f"the weights ({', '.join(f'{w:g}' for w in weights)}) sum to 0, and {method.name} divides "
                        "by their sum: every merged tensor becomes inf or NaN",
                        f"set `{switch.name}: false` under `parameters:` to use the weights as written, or change them",
                    )


class EmptyGradient(Rule):
    """A parameter given as an empty list.

    ## What it checks
    Parameter values written as `[]`, and conditional entries whose `value` is `[]`.

    ## Why it matters
    mergekit 0.1.5 treats an empty list as "not set" and falls back to another scope
    or the default; earlier releases crash with an IndexError. Either way the value
    the author meant to give is missing.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: []
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: [0.0, 0.5, 1.0]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK307"
    name = "empty-gradient"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for parameters, _ in parameter_maps(document):
            for key, setting in parameters.entries():
                candidates = [setting] + [
                    item.get("value") for item in setting.items() if item.is_mapping and item.get("value") is not None
                ]
                for candidate in candidates:
                    if candidate.is_sequence and len(candidate) == 0:
                        yield self.report(
                            candidate,
                            f"`{key}` is an empty list, which mergekit treats as not set",
                            "give a number, or a gradient of at least one number such as `[0.0, 1.0]`",
                        )


class ConditionalOrder(Rule):
    """Conditional parameter entries that can never apply, or filters that match no tensor.

    ## What it checks
    Entries of a `filter`/`value` list that never apply:

    - entries after a catch-all entry (no `filter`, or `filter: "*"`), which mergekit
      never reaches because the first matching entry wins;
    - filters written as regular expressions or globs (`mlp.*`, `self_attn|mlp`,
      `^model`, `layers.[0-9]`), which mergekit compares as plain substrings of tensor
      names, so they match nothing;
    - filters one or two letters from a usual tensor-name part (`self_atn`).

    ## Why it matters
    mergekit accepts both silently: the unreachable values and the regex-filtered
    values are never used, and the merge runs with other values.

    ## Failing example
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
      t:
        - value: 0.5
        - filter: self_attn
          value: 0.3
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
      t:
        - filter: self_attn
          value: 0.3
        - value: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK308"
    name = "conditional-never-applies"
    severity = Severity.WARNING
    phase = 8

    PATTERN_CHARACTERS = ("*", "|", "^", "$", "[", "]", "(", ")", "\\", "?", "+")

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for parameters, _ in parameter_maps(document):
            for key, setting in parameters.entries():
                if not setting.is_sequence:
                    continue
                catch_all = None
                for entry in setting.items():
                    if not entry.is_mapping:
                        continue
                    if catch_all is not None:
                        yield self.report(
                            entry,
                            f"this `{key}` entry comes after an entry without a filter (line "
                            f"{catch_all.span.line}), which matches every tensor first, so it never applies",
                            "move the entry without a filter to the end of the list",
                        )
                        continue
                    filter_value = entry.get("filter")
                    if filter_value is None or filter_value.is_null or filter_value.text in ("*", ""):
                        catch_all = entry
                    elif filter_value.is_string and (typo := _misspelled_tensor_part(filter_value.text)):
                        yield self.report(
                            filter_value,
                            f"filter `{filter_value.text}` is not part of the usual tensor names, so it likely "
                            "matches nothing and this entry never applies",
                            f"did you mean `{typo}`?",
                        )
                    elif filter_value.is_string and any(c in filter_value.text for c in self.PATTERN_CHARACTERS):
                        yield self.report(
                            filter_value,
                            f"filter `{filter_value.text}` looks like a pattern, but mergekit matches filters as "
                            "plain substrings of tensor names, so it matches nothing",
                            "write a plain substring such as `self_attn`, `mlp` or `layers.3.`; use one entry per "
                            "alternative",
                        )


def _misspelled_tensor_part(text: str) -> str | None:
    """Return the tensor-name part a filter nearly spells, or None when it spells one or none."""
    word = text.strip(".")
    if not word or any(word in part or part in word for part in TENSOR_NAME_PARTS):
        return None
    return closest(word, TENSOR_NAME_PARTS, cutoff=0.8)


class GradientRestartsPerSlice(Rule):
    """A top-level gradient in a config of several slices, which restarts in each slice.

    ## What it checks
    Parameters under the top-level `parameters:` given as a gradient (a list of
    numbers, or `filter`/`value` entries whose value is a list), in a `slices:` config
    with two slices or more.

    ## Why it matters
    mergekit evaluates a gradient over the layers of each output slice separately: the
    position restarts at 0 in every slice. A gradient meant to run from the first to
    the last layer of the merged model instead repeats in every slice, and mergekit
    gives no warning.

    ## Failing example
    ```yaml
    merge_method: slerp
    base_model: org/model-a
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
          - model: org/model-b
            layer_range: [0, 16]
      - sources:
          - model: org/model-a
            layer_range: [16, 32]
          - model: org/model-b
            layer_range: [16, 32]
    parameters:
      t: [0.0, 1.0]
    ```

    ## Corrected example
    ```yaml
    merge_method: slerp
    base_model: org/model-a
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
          - model: org/model-b
            layer_range: [0, 16]
        parameters:
          t: [0.0, 0.5]
      - sources:
          - model: org/model-a
            layer_range: [16, 32]
          - model: org/model-b
            layer_range: [16, 32]
        parameters:
          t: [0.5, 1.0]
    ```

    ## Fix safety
    No automatic fix: splitting the gradient depends on what the author meant.
    """

    code = "MK309"
    name = "gradient-restarts-per-slice"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        config = document.merge
        if config.parameters is None:
            return
        slices = sum(1 for slice_ in config.slices if slice_.form == "slices")
        if slices < 2:
            return
        for key, setting in config.parameters.entries():
            gradient = _gradient_in(setting)
            if gradient is None:
                continue
            yield self.report(
                gradient,
                f"`{key}` is a gradient at the top level, and mergekit stretches it over each of the "
                f"{slices} slices separately, so it restarts at every slice",
                "give each slice its own `parameters` with its part of the gradient, if one gradient over "
                "the whole model was meant",
            )


def _gradient_in(setting: Value) -> Value | None:
    """Return the first list of two or more distinct numbers in a setting, if there is one."""
    candidates = [setting]
    if setting.is_sequence:
        candidates += [item.get("value") for item in setting.items() if item.is_mapping and item.get("value")]
    for candidate in candidates:
        if candidate is None or not candidate.is_sequence:
            continue
        values = {item.value for item in candidate.items() if item.is_scalar and item.tag in (INT_TAG, FLOAT_TAG)}
        if len(values) > 1:
            return candidate
    return None
