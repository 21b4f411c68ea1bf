"""Parameter lookup as mergekit's planner does it, over the config's ``parameters`` scopes.

A parameter is looked up in the scopes of a slice input, highest precedence first:
the input's own ``parameters``, the slice's, the module's, the top level's. The first
scope whose value applies wins. Shared parameters skip the input's own scope. A
conditional list applies to every tensor only when it has a catch-all entry (no
``filter``, or ``filter: "*"`` or ``""``). In mergekit 0.1.5 an empty list counts as
not set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from mergelint.facts.methods import Method, Parameter
from mergelint.model import Input, MergeConfig, Slice
from mergelint.tree import Value


def is_catch_all(entry: Value) -> bool:
    """Tell whether a conditional entry applies to every tensor."""
    filter_value = entry.get("filter")
    return filter_value is None or filter_value.is_null or (filter_value.is_string and filter_value.text in ("*", ""))


def coverage(setting: Value | None) -> str:
    """Return how much of the model a setting covers: ``all``, ``some`` or ``none``."""
    if setting is None or setting.is_null:
        return "none"
    if setting.is_scalar:
        return "all"
    if setting.is_mapping:
        return "all" if is_catch_all(setting) else "some"
    items = setting.items()
    if not items:
        return "none"
    if not all(item.is_mapping for item in items):
        # A gradient; or a list mixing numbers and conditional entries, which mergekit
        # rejects at load time (invalid-parameter-value reports it), not a partial cover.
        return "all"
    return "all" if any(is_catch_all(item) for item in items) else "some"


def numbers(setting: Value) -> Iterator[Value]:
    """Yield every scalar value of a setting: the scalar, gradient points, conditional values."""
    if setting.is_scalar:
        yield setting
    elif setting.is_sequence:
        for item in setting.items():
            yield from numbers(item)
    elif setting.is_mapping:
        value = setting.get("value")
        if value is not None:
            yield from numbers(value)


class Lookup(NamedTuple):
    """The result of a parameter lookup for one input: the winning setting and its coverage."""

    setting: Value | None
    coverage: str


def lookup(config: MergeConfig, slice_: Slice, item: Input | None, parameter: Parameter) -> Lookup:
    """Find a parameter for an input of a slice (``item`` None for shared parameters)."""
    scopes = config.parameter_scopes(slice_, item if parameter.scope != "shared" else None)
    partial = None
    for scope in scopes:
        setting = scope.get(parameter.name)
        covered = coverage(setting)
        if covered == "all":
            return Lookup(setting, "all")
        if covered == "some" and partial is None:
            partial = setting
    return Lookup(partial, "some" if partial is not None else "none")


def inputs_needing(method: Method, parameter: Parameter, config: MergeConfig, slice_: Slice) -> list[Input]:
    """Return the inputs of a slice that mergekit resolves a per-model parameter for."""
    if parameter.scope == "input":
        return list(slice_.inputs)
    _, base_ref = config.base_for(slice_)
    if method.base == "ignored":
        return list(slice_.inputs)
    return [item for item in slice_.inputs if item.ref is None or item.ref != base_ref]
