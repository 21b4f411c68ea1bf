"""A typed view of a mergekit-yaml config: slices of inputs, as mergekit's planner sees them.

mergekit turns all three forms into slices before merging: ``models:`` becomes one
slice per module covering every layer, with ``base_model`` appended when it is not
listed; ``slices:`` are used as written; ``modules:`` hold either form per module.
Rules read this view instead of re-deriving it, and every part keeps its ``Value``,
and so its position.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from mergelint.tree import Value

PARAMETER_HOLDERS = ("models", "slices", "sources", "modules")


class ModelRef(NamedTuple):
    """A parsed model reference; equality is mergekit's (path, revision, LoRA, override)."""

    path: str
    revision: str | None = None
    lora: str | None = None
    lora_revision: str | None = None
    override_architecture: str | None = None

    def __str__(self) -> str:
        text = self.path + (f"@{self.revision}" if self.revision else "")
        if self.lora:
            text += f"+{self.lora}" + (f"@{self.lora_revision}" if self.lora_revision else "")
        return text


def split_reference(text: str) -> tuple[list[str], list[list[str]]]:
    """Split ``path@rev+lora@rev`` into its ``+`` parts and each part's ``@`` pieces."""
    parts = text.split("+")
    return parts, [part.split("@") for part in parts]


def parse_reference(value: Value | None) -> ModelRef | None:
    """Read a model reference in string or mapping form; None when it is malformed."""
    if value is None or value.is_null:
        return None
    if value.is_string:
        return reference_from_text(value.text)
    if value.is_mapping:
        model = _path_of(value.get("model"))
        if model is None:
            return None
        lora = _path_of(value.get("lora"))
        override = value.get("override_architecture")
        return ModelRef(
            model[0],
            model[1],
            lora[0] if lora else None,
            lora[1] if lora else None,
            override.text if override is not None and override.is_string else None,
        )
    return None


@functools.lru_cache(maxsize=1024)
def reference_from_text(text: str) -> ModelRef | None:
    """Read a model reference written as ``path@revision+lora@revision``; None when malformed.

    Cached, because a large config names the same few models thousands of times.
    """
    parts, pieces = split_reference(text)
    if len(parts) > 2 or any(len(p) > 2 for p in pieces):
        return None
    path, revision = (pieces[0] + [None])[:2]
    lora = lora_revision = None
    if len(parts) == 2:
        lora, lora_revision = (pieces[1] + [None])[:2]
    return ModelRef(path, revision or None, lora, lora_revision or None)


def _path_of(value: Value | None) -> tuple[str, str | None] | None:
    if value is None or value.is_null:
        return None
    if value.is_string:
        pieces = value.text.split("@")
        if len(pieces) > 2:
            return None
        return pieces[0], (pieces[1] if len(pieces) == 2 and pieces[1] else None)
    if value.is_mapping:
        path, revision = value.get("path"), value.get("revision")
        if path is None or not path.is_string:
            return None
        return path.text, revision.text if revision is not None and revision.is_string else None
    return None


class Input:
    """One input model of a slice, with the scopes its parameters are read from."""

    # Plain classes, not dataclasses: these are created per run, the classes at import.
    __slots__ = ("model", "ref", "entry", "layer_range", "parameters", "auto_added")

    def __init__(
        self,
        model: Value,
        ref: ModelRef | None,
        entry: Value,
        layer_range: Value | None = None,
        parameters: Value | None = None,
        auto_added: bool = False,
    ):
        self.model = model
        self.ref = ref
        self.entry = entry
        self.layer_range = layer_range
        self.parameters = parameters
        self.auto_added = auto_added

    def __repr__(self) -> str:
        return f"Input({self.ref}{', added' if self.auto_added else ''})"

    @property
    def span_value(self) -> Value:
        return self.model


class Slice:
    """One output slice as mergekit plans it: its inputs and parameter scopes."""

    __slots__ = ("inputs", "value", "module", "parameters", "base_model", "module_parameters", "form")

    def __init__(
        self,
        inputs: list[Input],
        value: Value,
        module: str = "default",
        parameters: Value | None = None,
        base_model: Value | None = None,
        module_parameters: Value | None = None,
        form: str = "slices",
    ):
        self.inputs = inputs
        self.value = value
        self.module = module
        self.parameters = parameters
        self.base_model = base_model
        self.module_parameters = module_parameters
        self.form = form

    def __repr__(self) -> str:
        return f"Slice({self.value.key_path}, {len(self.inputs)} inputs)"


class MergeConfig:
    """The slices of a mergekit-yaml config and its global settings."""

    __slots__ = ("root", "method_name", "method_value", "base_model", "base_ref", "parameters", "slices", "form")

    def __init__(
        self,
        root: Value,
        method_name: str | None,
        method_value: Value | None,
        base_model: Value | None,
        base_ref: ModelRef | None,
        parameters: Value | None,
    ):
        self.root = root
        self.method_name = method_name
        self.method_value = method_value
        self.base_model = base_model
        self.base_ref = base_ref
        self.parameters = parameters
        self.slices: list[Slice] | Rebuilt = []
        self.form: str | None = None

    def base_for(self, slice_: Slice) -> tuple[Value | None, ModelRef | None]:
        """Return the effective base model of a slice: its own, else the global one."""
        if slice_.base_model is not None and not slice_.base_model.is_null:
            return slice_.base_model, parse_reference(slice_.base_model)
        return self.base_model, self.base_ref

    def parameter_scopes(self, slice_: Slice, item: Input | None) -> list[Value]:
        """Return the parameter mappings a value is looked up in, highest precedence first."""
        scopes = []
        if item is not None and item.parameters is not None:
            scopes.append(item.parameters)
        for scope in (slice_.parameters, slice_.module_parameters, self.parameters):
            if scope is not None:
                scopes.append(scope)
        return [scope for scope in scopes if scope.is_mapping]


def _mapping(value: Value | None) -> Value | None:
    return value if value is not None and value.is_mapping else None


# NOTE: a `models:` list is one slice whose inputs are all built at once, so a config
# listing thousands of models takes about 15 times its size in memory during a pass.
def _models_slice(models: Value, config: MergeConfig, module: str, module_parameters: Value | None) -> Slice:
    inputs = []
    for entry in models.items():
        if not entry.is_mapping or entry.get("model") is None:
            continue
        model = entry.get("model")
        inputs.append(Input(model, parse_reference(model), entry, None, _mapping(entry.get("parameters"))))

    # mergekit appends the base model as an extra full-depth input when it is not listed.
    if config.base_ref is not None and config.base_ref not in {i.ref for i in inputs}:
        inputs.append(Input(config.base_model, config.base_ref, config.base_model, auto_added=True))
    return Slice(inputs, models, module, None, None, module_parameters, form="models")


def _slices(slices: Value, module: str, module_parameters: Value | None) -> Iterator[Slice]:
    for slice_value in slices.items():
        if not slice_value.is_mapping:
            continue
        inputs = []
        sources = slice_value.get("sources")
        for source in sources.items() if sources is not None else []:
            model = source.get("model") if source.is_mapping else None
            if model is None:
                continue
            inputs.append(
                Input(model, parse_reference(model), source, source.get("layer_range"), _mapping(source.get("parameters")))
            )
        yield Slice(
            inputs,
            slice_value,
            module,
            _mapping(slice_value.get("parameters")),
            slice_value.get("base_model"),
            module_parameters,
        )


class Rebuilt:
    """A view built again on each pass over it, in place of a list.

    A large document's views, kept as lists, would take many times the document's
    size in memory. Rebuilt, they take only what one pass keeps at a time.
    """

    __slots__ = ("produce",)

    def __init__(self, produce: Callable[[], Iterable]):
        self.produce = produce

    def __iter__(self) -> Iterator:
        return iter(self.produce())


def build(root: Value, keep: bool = True) -> MergeConfig:
    """Build the slice view of a mergekit-yaml document (root must be a mapping).

    With ``keep`` false the slices are rebuilt on each pass over them (see Rebuilt).
    """
    method = root.get("merge_method")
    base_model = root.get("base_model")
    if base_model is not None and base_model.is_null:
        base_model = None
    config = MergeConfig(
        root=root,
        method_name=method.text if method is not None and method.is_string else None,
        method_value=method,
        base_model=base_model,
        base_ref=parse_reference(base_model),
        parameters=_mapping(root.get("parameters")),
    )

    present = [key for key in ("models", "slices", "modules") if _truthy(root.get(key))]
    if len(present) != 1:
        return config
    config.form = present[0]

    config.slices = list(_all_slices(root, config)) if keep else Rebuilt(lambda: _all_slices(root, config))
    return config


def _all_slices(root: Value, config: MergeConfig) -> Iterator[Slice]:
    if config.form == "models":
        models = root.get("models")
        if models.is_sequence:
            yield _models_slice(models, config, "default", None)
    elif config.form == "slices":
        slices = root.get("slices")
        if slices.is_sequence:
            yield from _slices(slices, "default", None)
    else:
        modules = root.get("modules")
        for name, module in modules.entries() if modules.is_mapping else []:
            if not module.is_mapping:
                continue
            module_parameters = _mapping(module.get("parameters"))
            models, slices = module.get("models"), module.get("slices")
            if _truthy(slices) and slices.is_sequence:
                yield from _slices(slices, str(name), module_parameters)
            elif _truthy(models) and models.is_sequence:
                yield _models_slice(models, config, str(name), module_parameters)


def _truthy(value: Value | None) -> bool:
    """Tell whether pydantic's validator would count the value as given (non-empty)."""
    if value is None or value.is_null:
        return False
    if value.is_sequence or value.is_mapping:
        return len(value) > 0
    return bool(value.text)
