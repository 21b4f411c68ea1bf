"""MK3xx: merge parameters: present where the method reads them and named right.

The rules on their values are in ``parameter_values``.

mergekit reads only the parameters a method declares, and only at the scopes it
looks them up in. Everything else in a ``parameters:`` mapping, and every parameter
written beside it, is silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mergelint.diagnostics import Diagnostic, Edit, Fix, Severity, replace_node
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.methods import ALL_PARAMETER_NAMES, METHODS, RETIRED_PARAMETERS, Method, Parameter
from mergelint.grammar.spec import MapSpec
from mergelint.model import Input, MergeConfig, Slice
from mergelint.nodes import Node, ScalarNode
from mergelint.resolve import inputs_needing, lookup
from mergelint.rules.methods import method_of
from mergelint.suggest import closest, is_typo
from mergelint.tree import Value

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


def _holders(document: Document) -> Iterable[Value]:
    """Return every mapping where a parameter might be misplaced: the top, entries, slices, modules."""
    return document.view("parameter-holders", _find_holders)


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


def parameter_maps(document: Document) -> Iterable[tuple[Value, bool]]:
    """Return each ``parameters`` mapping with whether it belongs to a single input."""
    return document.view("parameter-maps", _find_parameter_maps)


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
    Every required parameter of the method against the scopes mergekit looks it up
    in: the model's own `parameters`, the slice's, the module's, the top level's.
    The required ones are `weight` for `linear`, `nuslerp`, `multislerp` and the
    task-arithmetic family, and `t` for `slerp` and `nearswap`. The message names
    the usual reason:

    - `weight` indented beside an empty `parameters:`, or written on the entry with no
      `parameters:` key at all;
    - a misspelled `parameters` key, such as `paramters`;
    - a shared parameter such as `t` written under one model, where mergekit never
      reads it;
    - a conditional list without a catch-all entry;
    - `base_model` added by mergekit as an extra input that needs a weight of its own.

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
    meaning they evidently have:

    - parameters written right after an empty `parameters:` at its indentation are
      indented under it;
    - parameters written beside a `parameters:` that has keys move to its end, with
      their comments; into the braces of a one-line `{...}` only when no comment
      follows them on their line;
    - parameters written on an entry with no `parameters:` key get one inserted above
      them;
    - a misspelled `parameters` key (`paramters`) is renamed.
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
                f"move `{parameter.name}` under the top-level `parameters:`",
                span=top.key_span,
                fix=_move_under_parameters(config.root, document.text),
            )
        if covered == "some":
            setting = lookup(config, slice_, None, parameter).setting
            return self.report(
                setting,
                f"`{parameter.name}` has only filtered entries, so tensors that match no filter "
                f"(embeddings, norms, lm_head) have no `{parameter.name}`",
                _catch_all_help(setting),
                span=setting.key_span,
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

        misspelled = [key for key in item.entry.keys() if is_typo(key, "parameters")]
        if misspelled and item.entry.get("parameters") is None:
            key_node = item.entry.get(misspelled[0]).key_node
            return self.report(
                item.model,
                f"{method.name} requires `{name}` for {label}, and none is given: the entry's `{misspelled[0]}` "
                "is not `parameters`, so mergekit ignores what is under it",
                f"rename `{misspelled[0]}` to `parameters`",
                fix=replace_node(key_node, "parameters", f"rename `{misspelled[0]}` to `parameters`"),
            )

        if covered == "some":
            setting = lookup(config, slice_, item, parameter).setting
            return self.report(
                setting,
                f"`{name}` for {label} has only filtered entries, so tensors that match no filter "
                f"(embeddings, norms, lm_head) have no `{name}`",
                _catch_all_help(setting),
                span=setting.key_span,
            )

        if slice_.form == "slices" and (on_slice := _misplaced(slice_.value, name)) is not None:
            return self.report(
                on_slice,
                f"`{name}` is written directly on the slice, not under its `parameters:`, so {method.name} "
                f"finds no `{name}` for {label}",
                f"put `{name}` under a `parameters:` key of the slice",
                span=on_slice.key_span,
                fix=_move_under_parameters(slice_.value, document.text),
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


def _catch_all_help(setting: Value) -> str:
    if setting.is_mapping:
        return "write it as a list of entries and end it with one without a filter, such as `- value: 0.5`"
    return "add a last entry without a filter, such as `- value: 0.5`"


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
        parameters = entry.get("parameters")
        if not parameters.is_null:
            return _move_into_parameters(pairs, column, parameters, text)
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


def _move_into_parameters(pairs: list, column: int, parameters: Value, text: str) -> Fix | None:
    """Move parameter keys written beside a block ``parameters:`` mapping that has keys to its end.

    Each moved key keeps its value lines and comments, indented to the mapping's keys.
    A key the mapping already has is not moved, and neither is anything else when one is.
    """
    if not parameters.is_mapping:
        return None
    inner = list(parameters.own_pairs())
    if parameters.node.flow_style:
        return _move_into_flow_parameters(pairs, column, parameters, inner, text)
    inner_column = inner[0][0].start_mark.column
    if inner_column <= column or any(key_node.start_mark.column != inner_column for key_node, _ in inner):
        return None
    present = {key_node.value for key_node, _ in inner if isinstance(key_node, ScalarNode)}
    misplaced = [
        (key_node, value_node)
        for key_node, value_node in pairs
        if isinstance(key_node, ScalarNode) and key_node.value in ALL_PARAMETER_NAMES
    ]
    if not misplaced or any(key_node.value in present for key_node, _ in misplaced):
        return None

    edits = []
    moved_lines = []
    for key_node, value_node in misplaced:
        line_start = key_node.start_mark.index - column
        if text[line_start : key_node.start_mark.index].strip():
            return None  # the key shares its line with the entry's "- "
        line_end = _end_of_line(text, _last_character(text, key_node, value_node))
        lines = text[line_start:line_end]
        if not lines.endswith(("\n", "\r")):
            lines += "\n"
        moved_lines.append("".join(" " * (inner_column - column) + line for line in lines.splitlines(keepends=True)))
        edits.append(Edit(line_start, line_end, ""))
    last_key, last_value = inner[-1]
    insert_at = _end_of_line(text, _last_character(text, last_key, last_value))
    prefix = "" if text[:insert_at].endswith(("\n", "\r")) else "\n"
    edits.append(Edit(insert_at, insert_at, prefix + "".join(moved_lines)))
    moved = ", ".join(f"`{key_node.value}`" for key_node, _ in misplaced)
    return Fix(f"move {moved} under `parameters:`", tuple(edits))


def _move_into_flow_parameters(pairs: list, column: int, parameters: Value, inner: list, text: str) -> Fix | None:
    """Move one-line parameter keys written beside a flow ``parameters: {...}`` into its braces."""
    present = {key_node.value for key_node, _ in inner if isinstance(key_node, ScalarNode)}
    misplaced = [
        (key_node, value_node)
        for key_node, value_node in pairs
        if isinstance(key_node, ScalarNode) and key_node.value in ALL_PARAMETER_NAMES
    ]
    closing = parameters.node.end_mark.index - 1
    if not misplaced or text[closing : closing + 1] != "}" or any(k.value in present for k, _ in misplaced):
        return None

    edits = []
    added = []
    for key_node, value_node in misplaced:
        line_start = key_node.start_mark.index - column
        value_end = _last_character(text, key_node, value_node)
        line_end = _end_of_line(text, value_end)
        # Only a pair alone on its line, with nothing before or after it, moves without losing text.
        alone = not text[line_start : key_node.start_mark.index].strip() and not text[value_end:line_end].strip()
        one_line = not LINE_END.search(text, key_node.start_mark.index, value_end)
        if not isinstance(value_node, ScalarNode) or not alone or not one_line:
            return None
        added.append(text[key_node.start_mark.index : value_end])
        edits.append(Edit(line_start, line_end, ""))
    edits.append(Edit(closing, closing, (", " if inner else "") + ", ".join(added)))
    moved = ", ".join(f"`{key_node.value}`" for key_node, _ in misplaced)
    return Fix(f"move {moved} under `parameters:`", tuple(edits))


def _last_character(text: str, key_node, value_node) -> int:
    """Return the offset just after a pair's last character, before the white space that follows."""
    end = value_node.end_mark.index
    while end > key_node.end_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _end_of_line(text: str, offset: int) -> int:
    """Return the offset just after the line break that ends the line of ``offset``, or the text's end."""
    match = LINE_END.search(text, offset)
    return match.end() if match else len(text)


LINE_END = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


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
        for parameters, per_input in parameter_maps(document):
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
            if value.node.anchored:
                # A key that only defines an anchor for aliases elsewhere is a common idiom.
                help = f"remove it, unless it only defines an anchor (`&name`) that aliases use; {help}"
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
    Moving the key under `parameters:` is an unsafe fix (`--unsafe-fixes`): it turns
    the setting on, which changes the merge.
    """

    code = "MK303"
    name = "parameter-outside-parameters"
    severity = Severity.WARNING
    fixable = True
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        # Keys that missing-required-parameter already reports, as the reason a value is missing.
        claimed: set[Node] = set()
        searched: set[str] = set()
        for _, parameter, slice_, item, _ in _missing_required(document):
            if item is None:
                if parameter.name in searched:
                    continue
                searched.add(parameter.name)
                places = _holders(document)
            elif item.auto_added:
                places = []
            else:
                places = [item.entry] + ([slice_.value] if slice_.form == "slices" else [])
            for place in places:
                misplaced = _misplaced(place, parameter.name)
                if misplaced is not None:
                    claimed.add(misplaced.key_node)
        for holder in _holders(document):
            for key, value in holder.entries():
                if key not in ALL_PARAMETER_NAMES and key not in RETIRED_PARAMETERS:
                    continue
                if key in ("model", "sources", "parameters", "base_model") or value.key_node in claimed:
                    continue
                where = "at the top level" if holder.key_path == "" else f"in `{holder.key_path}`"
                move = _move_under_parameters(holder, document.text)
                yield self.report(
                    value,
                    f"`{key}` is written {where}, not under `parameters:`; mergekit ignores it",
                    "method options belong under `parameters:`; move it there",
                    span=value.key_span,
                    fix=move._replace(safe=False) if move is not None else None,
                )
