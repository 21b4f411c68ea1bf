"""MK3xx: merge parameters: present where the method reads them, named and valued right.

mergekit reads only the parameters a method declares, and only at the scopes it
looks them up in; everything else in a ``parameters:`` mapping, and every parameter
written beside it, is silently ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from yaml.nodes import ScalarNode

from mergelint.diagnostics import Diagnostic, Edit, Fix, Severity
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.methods import ALL_PARAMETER_NAMES, METHODS, RETIRED_PARAMETERS, Method, Parameter
from mergelint.facts.values import TENSOR_NAME_PARTS
from mergelint.grammar.spec import MapSpec
from mergelint.model import Input, MergeConfig, Slice
from mergelint.resolve import inputs_needing, lookup, numbers
from mergelint.rules.methods import method_of
from mergelint.suggest import closest
from mergelint.tree import BOOL_TAG, FLOAT_TAG, INT_TAG, STR_TAG, Value

# Mappings of a mergekit-yaml config where people write parameters by mistake.
HOLDERS = ("a mergekit-yaml config", "a models entry", "a slice source", "a slice", "a module")
BOOL_WORDS = frozenset({"0", "1", "true", "false", "yes", "no", "on", "off", "t", "f", "y", "n"})


def defer_parameter_key(spec: MapSpec, mapping: Value, key: str) -> bool:
    """Claim keys for the rules of this family and of ``ignored-key`` instead of ``unknown-key``."""
    if spec.what not in HOLDERS:
        return False
    if key in ALL_PARAMETER_NAMES or key in RETIRED_PARAMETERS:
        return True
    return (spec.what == "a models entry" and key == "layer_range") or (
        spec.what == "a mergekit-yaml config" and key == "input_model_parameters"
    )


def _method(document: Document) -> Method | None:
    return method_of(document)


def _misplaced(entry: Value, name: str) -> Value | None:
    """Return a parameter written directly on an entry instead of under its ``parameters``."""
    if not entry.is_mapping:
        return None
    value = entry.get(name)
    return value if value is not None else None


def _holders(document: Document) -> list[Value]:
    """Return every mapping where a parameter might be misplaced: the top, entries, slices, modules."""
    return document.memo("parameter-holders", lambda d: list(_find_holders(d)))


def _find_holders(document: Document) -> Iterator[Value]:
    root = document.root
    yield root
    for key in ("models", "slices"):
        yield from _entries_of(root.get(key))
    modules = root.get("modules")
    for _, module in modules.entries() if modules is not None and modules.is_mapping else []:
        if module.is_mapping:
            yield module
            for key in ("models", "slices"):
                yield from _entries_of(module.get(key))


def _entries_of(listing: Value | None) -> Iterator[Value]:
    if listing is None or not listing.is_sequence:
        return
    for entry in listing.items():
        if entry.is_mapping:
            yield entry
            sources = entry.get("sources")
            if sources is not None and sources.is_sequence:
                yield from (source for source in sources.items() if source.is_mapping)


def _parameter_maps(document: Document) -> list[tuple[Value, bool]]:
    """Return each ``parameters`` mapping with whether it belongs to a single input."""
    return document.memo("parameter-maps", lambda d: list(_find_parameter_maps(d)))


def _find_parameter_maps(document: Document) -> Iterator[tuple[Value, bool]]:
    for holder in _holders(document):
        parameters = holder.get("parameters")
        if parameters is not None and parameters.is_mapping:
            per_input = holder.get("model") is not None
            yield parameters, per_input


def _missing_required(document: Document) -> list[tuple[Method, Parameter, Slice, Input | None, str]]:
    """Return each (method, parameter, slice, input, coverage) where a required value is missing."""
    return document.memo("missing-required", _find_missing_required)


def _find_missing_required(document: Document) -> list[tuple[Method, Parameter, Slice, Input | None, str]]:
    method = _method(document)
    config = document.merge
    if method is None:
        return []
    missing = []
    for slice_ in config.slices:
        for parameter in method.parameters:
            if not parameter.required:
                continue
            if parameter.scope == "shared":
                found = lookup(config, slice_, None, parameter)
                if found.coverage != "all":
                    missing.append((method, parameter, slice_, None, found.coverage))
                continue
            for item in inputs_needing(method, parameter, config, slice_):
                found = lookup(config, slice_, item, parameter)
                if found.coverage != "all":
                    missing.append((method, parameter, slice_, item, found.coverage))
    return missing


class MissingRequiredParameter(Rule):
    """A parameter the method requires has no value for some model or tensor.

    ## What it checks
    Every required parameter of the method (`weight` for `linear`, `nuslerp`,
    `multislerp` and the task-arithmetic family; `t` for `slerp` and `nearswap`)
    against the scopes mergekit looks it up in: the model's own `parameters`, the
    slice's, the module's, the top level's. It also finds the usual reasons:
    `weight` indented beside an empty `parameters:` instead of under it, a shared
    parameter such as `t` written under one model (mergekit reads shared parameters
    only from slice or top-level `parameters`), a conditional list without a
    catch-all entry, and `base_model` added by mergekit as an extra input that needs
    a weight of its own.

    ## Why it matters
    mergekit raises "Missing required parameter" while planning the merge, after it
    has downloaded every model.

    ## Failing example
    ```yaml
    merge_method: task_arithmetic
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
        weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: task_arithmetic
    base_model: org/base
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    Safe fixes, because the config fails without them and each gives the keys the
    meaning they evidently have: parameters written right after an empty
    `parameters:` at its indentation are indented under it; parameters written on an
    entry with no `parameters:` key get one inserted above them; a misspelled
    `parameters` key (`paramters`) is renamed.
    """

    code = "MK301"
    name = "missing-required-parameter"
    severity = Severity.ERROR
    phase = 5
    fixable = True

    def check(self, document: Document) -> Iterator[Diagnostic]:
        config = document.merge
        reported_slices: set[tuple[int, str]] = set()
        for method, parameter, slice_, item, covered in _missing_required(document):
            if item is None:
                key = (id(slice_), parameter.name)
                if key not in reported_slices:
                    reported_slices.add(key)
                    yield self._shared(document, config, method, parameter, slice_, covered)
            else:
                yield self._per_model(document, config, method, parameter, slice_, item, covered)

    def _shared(self, document, config: MergeConfig, method, parameter, slice_, covered) -> Diagnostic:
        per_model = [i.parameters.get(parameter.name) for i in slice_.inputs if i.parameters is not None]
        per_model = [v for v in per_model if v is not None]
        misplaced = [_misplaced(i.entry, parameter.name) for i in slice_.inputs if not i.auto_added]
        misplaced = [v for v in misplaced if v is not None]
        if per_model:
            return self.report(
                per_model[0],
                f"`{parameter.name}` is set under one model, but {method.name} reads it only from slice or "
                f"top-level `parameters`, so it is missing",
                f"move `{parameter.name}` to the top-level `parameters:` (or the slice's)",
                span=per_model[0].key_span,
            )
        if misplaced:
            return self.report(
                misplaced[0],
                f"`{parameter.name}` is written beside `parameters:` instead of under it, so {method.name} "
                f"finds no `{parameter.name}`",
                f"move `{parameter.name}` under the top-level `parameters:`",
                span=misplaced[0].key_span,
            )
        top = config.root.get(parameter.name)
        if top is not None:
            return self.report(
                top,
                f"`{parameter.name}` is a top-level key, but {method.name} reads it only under `parameters:`",
                f"write it as `parameters: {{{parameter.name}: {top.text or '...'}}}`",
                span=top.key_span,
            )
        if covered == "some":
            return self.report(
                config.method_value,
                f"`{parameter.name}` has only filtered entries, so tensors that match no filter "
                f"(embeddings, norms, lm_head) have no `{parameter.name}`",
                "add a last entry without a filter, such as `- value: 0.5`",
            )
        return self.report(
            config.method_value,
            f"{method.name} requires `{parameter.name}` ({parameter.doc}), and none is given",
            f"add `parameters: {{{parameter.name}: ...}}` at the top level",
        )

    def _per_model(self, document, config: MergeConfig, method, parameter, slice_, item: Input, covered) -> Diagnostic:
        name = parameter.name
        label = f"`{item.ref}`" if item.ref is not None else item.model.key_path
        if item.auto_added:
            return self.report(
                item.model,
                f"{method.name} needs a `{name}` for every input, and base_model {label} is added as an input "
                f"because it is not listed in `models`",
                f"list base_model in `models` with a `{name}`, or set a top-level `{name}`"
                + (f"; {method.name} ignores base_model, so you may also remove it" if method.base == "ignored" else ""),
            )

        misplaced = _misplaced(item.entry, name)
        if misplaced is not None:
            parameters = item.entry.get("parameters")
            if parameters is None:
                message = f"`{name}` is written directly on the entry, not under `parameters:`, so {method.name} "
                help = f"put `{name}` under a `parameters:` key of this entry"
            else:
                message = f"`{name}` sits beside `parameters:` instead of under it, so {method.name} "
                help = f"indent `{name}` under `parameters:`"
            return self.report(
                misplaced,
                message + f"finds no `{name}` for {label}",
                help,
                span=misplaced.key_span,
                fix=_move_under_parameters(item.entry, document.text),
            )

        misspelled = [key for key in item.entry.keys() if closest(key, ["parameters"]) and key != "parameters"]
        if misspelled and item.entry.get("parameters") is None:
            key_node = item.entry.get(misspelled[0]).key_node
            rename = Edit(key_node.start_mark.index, key_node.end_mark.index, "parameters")
            return self.report(
                item.model,
                f"{method.name} requires `{name}` for {label}, and none is given: the entry's `{misspelled[0]}` "
                "is not `parameters`, so mergekit ignores what is under it",
                f"rename `{misspelled[0]}` to `parameters`",
                fix=Fix(f"rename `{misspelled[0]}` to `parameters`", (rename,)),
            )

        if covered == "some":
            return self.report(
                item.model,
                f"`{name}` for {label} has only filtered entries, so tensors that match no filter "
                f"(embeddings, norms, lm_head) have no `{name}`",
                "add a last conditional entry without a filter, such as `- value: 1.0`",
            )

        help = f"add `parameters: {{{name}: ...}}` to this model, or a top-level `{name}` for every model"
        _, base_ref = config.base_for(slice_)
        if base_ref is not None and item.ref is not None and _same_but_spelling(str(item.ref), str(base_ref)):
            help = (
                f"base_model `{base_ref}` is spelled differently from this model, so mergekit treats them as two "
                f"models; write base_model exactly as `{item.ref}`"
            )
        return self.report(
            item.model,
            f"{method.name} requires `{name}` for {label}, and none is given",
            help,
        )


def _same_but_spelling(a: str, b: str) -> bool:
    def normal(path: str) -> str:
        while "//" in path:
            path = path.replace("//", "/")
        return path.rstrip("/").lower()

    return a != b and normal(a) == normal(b)


def _move_under_parameters(entry: Value, text: str) -> Fix | None:
    """Move the parameters written beside ``parameters:`` (or with none) under that key.

    Only block-style entries are fixed, and only the run of parameter keys right after
    an empty ``parameters:``, or a run with no ``parameters`` key at all (the key is then
    inserted above it). Each moved key keeps its value lines, indented with it.
    """
    if not entry.is_mapping or entry.node.flow_style:
        return None
    pairs = list(entry.own_pairs())
    keys = [key_node.value if isinstance(key_node, ScalarNode) else None for key_node, _ in pairs]
    column = pairs[0][0].start_mark.column
    if any(key_node.start_mark.column != column for key_node, _ in pairs):
        return None

    if "parameters" in keys:
        start = keys.index("parameters") + 1
        if not entry.get("parameters").is_null:
            return None
    else:
        start = next((i for i, key in enumerate(keys) if key in ALL_PARAMETER_NAMES), len(keys))
    run = []
    for key_node, value_node in pairs[start:]:
        if key_node.value not in ALL_PARAMETER_NAMES:
            break
        run.append((key_node, value_node))
    if not run:
        return None

    edits = []
    for key_node, value_node in run:
        # A block value's end mark sits where the next token starts: step back over the
        # white space to the value's last character.
        end = value_node.end_mark.index
        while end > key_node.end_mark.index and text[end - 1] in " \t\r\n":
            end -= 1
        line_start = key_node.start_mark.index - key_node.start_mark.column
        for _ in range(text.count("\n", line_start, end) + 1):
            edits.append(Edit(line_start, line_start, "  "))
            line_start = text.find("\n", line_start) + 1
            if line_start == 0:
                break
    if "parameters" not in keys:
        # One edit for the first line, so the new key lands above the indented one.
        first = edits[0]
        edits[0] = Edit(first.start, first.end, " " * column + "parameters:\n  ")
    moved = ", ".join(f"`{key_node.value}`" for key_node, _ in run)
    return Fix(f"move {moved} under `parameters:`", tuple(edits))


class UnknownParameter(Rule):
    """A parameter the merge method does not read, or does not read at this scope.

    ## What it checks
    Every key of every `parameters:` mapping against the parameters the method
    declares: names of other methods' parameters (`density` for `linear`, `t` for
    `nuslerp`), parameters only old mergekit releases read, misspellings (with a
    did-you-mean), and shared parameters (`t`, `normalize`, `lambda`, ...) written
    under a single model, where mergekit never looks for them.

    ## Why it matters
    mergekit silently ignores all of these, so the merge runs with the default value
    instead of the one written.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
          density: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK302"
    name = "unknown-parameter"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        method = _method(document)
        if method is None:
            return
        required_shared = {(p.name) for _, p, _, item, _ in _missing_required(document) if item is None}
        for parameters, per_input in _parameter_maps(document):
            for key, value in parameters.entries():
                declared = method.parameter(key) if isinstance(key, str) else None
                if declared is not None:
                    if declared.scope == "shared" and per_input and key not in required_shared:
                        yield self.report(
                            value,
                            f"`{key}` is a shared parameter of {method.name}; mergekit never reads it from a "
                            "single model's `parameters`, so it is ignored here",
                            f"move `{key}` to the top-level (or slice) `parameters:`",
                            span=value.key_span,
                        )
                    elif key in ("density", "rescale") and method.sparsifier is None and method.name == "task_arithmetic":
                        yield self.report(
                            value,
                            f"task_arithmetic does not sparsify task vectors, so `{key}` has no effect",
                            "remove it, or use ties, dare_ties or dare_linear to drop entries by density",
                            span=value.key_span,
                        )
                    continue
                yield self._unknown(method, key, value)

    def _unknown(self, method: Method, key, value: Value) -> Diagnostic:
        shown = key if isinstance(key, str) else repr(key)
        if key in RETIRED_PARAMETERS:
            help = f"remove it; `{key}` was {RETIRED_PARAMETERS[key]}"
        elif key in ALL_PARAMETER_NAMES:
            readers = sorted(m.name for m in METHODS.values() if m.parameter(key) is not None)
            help = f"remove it; `{key}` is read by {', '.join(readers[:4])}{' and others' if len(readers) > 4 else ''}"
        else:
            suggestion = closest(key, [p.name for p in method.parameters])
            names = ", ".join(f"`{p.name}`" for p in method.parameters) or "none"
            help = f"did you mean `{suggestion}`?" if suggestion else f"{method.name} reads: {names}"
        return self.report(
            value,
            f"{method.name} does not read the parameter `{shown}`; mergekit ignores it",
            help,
            span=value.key_span,
        )


class ParameterOutsideParameters(Rule):
    """A merge parameter written as a plain key instead of under `parameters:`.

    ## What it checks
    Parameter names (`weight`, `density`, `t`, `normalize`, ...) written directly at
    the top level, on a `models` entry, a slice or a slice source, where mergekit
    expects only `parameters:`. When this leaves a required parameter missing,
    `missing-required-parameter` reports it as an error instead.

    ## Why it matters
    mergekit treats such keys as unknown and drops them without a word, so the merge
    runs with default values.

    ## Failing example
    ```yaml
    merge_method: linear
    normalize: false
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
      - model: org/model-b
        parameters:
          weight: 1.0
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
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix: moving the key turns the setting on, which changes the merge.
    """

    code = "MK303"
    name = "parameter-outside-parameters"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        claimed = {id(item.entry.get(p.name).key_node) for _, p, _, item, _ in _missing_required(document)
                   if item is not None and not item.auto_added and _misplaced(item.entry, p.name) is not None}
        claimed |= {
            id(h.get(p.name).key_node)
            for _, p, _, item, _ in _missing_required(document)
            if item is None
            for h in _holders(document)
            if h.get(p.name) is not None
        }
        for holder in _holders(document):
            for key, value in holder.entries():
                if key not in ALL_PARAMETER_NAMES and key not in RETIRED_PARAMETERS:
                    continue
                if key in ("model", "sources", "parameters", "base_model") or id(value.key_node) in claimed:
                    continue
                where = "at the top level" if holder.key_path == "" else f"in `{holder.key_path}`"
                yield self.report(
                    value,
                    f"`{key}` is written {where}, not under `parameters:`; mergekit ignores it",
                    "method options belong under `parameters:`; move it there",
                    span=value.key_span,
                )


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
    Each value (scalars, gradient points, conditional values) against the type the
    method declares (`weight` a number, `normalize` true or false, `max_iter` an
    integer), and the ranges where mergekit fails: for `della` and `della_linear`,
    `density` ± `epsilon` must stay inside (0, 1) whenever `density` is between 0 and
    1; `dare_ties` and `dare_linear` fail on a negative `density`.

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
        method = _method(document)
        if method is None:
            return
        for parameters, _ in _parameter_maps(document):
            for key, setting in parameters.entries():
                parameter = method.parameter(key) if isinstance(key, str) else None
                if parameter is None:
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
        seen: set[int] = set()
        for slice_ in config.slices:
            for item in inputs_needing(method, density_parameter, config, slice_):
                density = lookup(config, slice_, item, density_parameter).setting
                epsilon_setting = lookup(config, slice_, item, epsilon_parameter).setting
                epsilons = [v.value for v in numbers(epsilon_setting) if _is_number(v)] if epsilon_setting else [0.15]
                for value in numbers(density) if density is not None else []:
                    if not _is_number(value) or id(value.node) in seen:
                        continue
                    d = float(value.value)
                    for e in epsilons:
                        if 0 < d < 1 and not (0 < d - float(e) and d + float(e) < 1):
                            seen.add(id(value.node))
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
        for parameters, _ in _parameter_maps(document):
            density = parameters.get("density")
            for value in numbers(density) if density is not None else []:
                if _is_number(value) and float(value.value) < 0:
                    yield self.report(
                        value,
                        f"density {value.text} is negative; {method.name} drops entries with probability "
                        "1 - density, and torch fails on a probability outside [0, 1]",
                        "use a density between 0 and 1",
                    )


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
        method = _method(document)
        if method is None:
            return
        for parameters, _ in _parameter_maps(document):
            for key, setting in parameters.entries():
                if method.parameter(key) is None if isinstance(key, str) else True:
                    continue
                for value in numbers(setting):
                    if not value.is_scalar or value.tag != FLOAT_TAG and value.tag != INT_TAG:
                        continue
                    number = float(value.value)
                    problem = _range_problem(method, key, number)
                    if problem is not None:
                        yield self.report(value, problem[0], problem[1])
        yield from self._density_plus_gamma(document, method)

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
        method = _method(document)
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
        for parameters, _ in _parameter_maps(document):
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
    In a list of `filter`/`value` entries: entries after a catch-all entry (no
    `filter`, or `filter: "*"`), which mergekit never reaches because the first
    matching entry wins; and filters written as regular expressions or globs
    (`mlp.*`, `self_attn|mlp`, `^model`, `layers.[0-9]`), which mergekit compares as
    plain substrings of tensor names, so they match nothing.

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
        for parameters, _ in _parameter_maps(document):
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
