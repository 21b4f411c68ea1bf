"""The registry of every rule, by stable code and kebab-case name.

Codes are grouped by family:

- MK0xx the file, its YAML and its config kind;
- MK1xx keys and types;
- MK2xx the merge method and its inputs;
- MK3xx parameters (their placement in ``parameters``, their values in
  ``parameter_values``);
- MK4xx layers and slices;
- MK5xx dtypes, tokenizer and chat template;
- MK6xx mergekit-moe, MK7xx mergekit-multi, MK8xx mergekit-evolve;
- MK9xx YAML 1.1 surprises.

A code is never reused: a removed rule's code goes into ``RETIRED``.
"""

from mergelint.engine import Registry, Rule
from mergelint.rules import (
    detection,
    evolve,
    grammar,
    input,
    layers,
    methods,
    moe,
    multi,
    parameter_values,
    parameters,
    structure,
    suppression,
    values,
    yaml11,
)

RETIRED: tuple[str, ...] = ()

FAMILIES = (
    input,
    suppression,
    detection,
    grammar,
    structure,
    methods,
    parameters,
    parameter_values,
    layers,
    values,
    moe,
    multi,
    evolve,
    yaml11,
)


def _rules_of(module) -> list[type[Rule]]:
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__
    ]


REGISTRY = Registry((rule for family in FAMILIES for rule in _rules_of(family)), RETIRED)
