"""Grammar pieces shared by every config kind, written with strictyaml validators.

Keys carry a one-line description, which the JSON Schema export and the docs reuse.
Each validator that is a mapping or list carries ``what``, the noun messages use
for it ("a slice source").
"""

from __future__ import annotations

from strictyaml import Bool, FixedSeq, Float, Int, Map, MapPattern, Optional, Seq, Str
from strictyaml.scalar import ScalarValidator


class Key(Optional):
    """An optional key with its description.

    ``nullable=False`` marks a key whose pydantic field has a default but no
    ``Optional`` type: leaving it empty (null) is an error, not the default.
    """

    def __init__(self, key: str, doc: str, nullable: bool = True):
        super().__init__(key)
        self.doc = doc
        self.nullable = nullable


class Required(str):
    """A required key with its description (strictyaml treats plain strings as required)."""

    doc: str

    def __new__(cls, key: str, doc: str) -> Required:
        instance = super().__new__(cls, key)
        instance.doc = doc
        return instance


class AnyScalar(ScalarValidator):
    """A string, number or boolean, kept as YAML 1.1 reads it."""


class SemanticStr(Str):
    """A string with a meaning the walker and the rules know (``spec_type``)."""

    def __init__(self, spec_type: str):
        super().__init__()
        self.spec_type = spec_type


def named(validator, what: str):
    """Attach the noun used for ``validator`` in messages and return it."""
    validator.what = what
    return validator


MODEL_REFERENCE_STRING = SemanticStr("model-reference")

MODEL_PATH = MODEL_REFERENCE_STRING | named(
    Map(
        {
            Required("path", "Hugging Face repository id or local folder"): Str(),
            Key("revision", "branch, tag or commit of the repository"): Str(),
        }
    ),
    "a model path",
)

MODEL_REFERENCE = MODEL_REFERENCE_STRING | named(
    Map(
        {
            Required("model", "the model: 'org/name' or a local folder, optionally '@revision'"): MODEL_PATH,
            Key("lora", "a LoRA adapter applied to the model before merging"): MODEL_PATH,
            Key("override_architecture", "architecture name that replaces the one in the model's config.json"): Str(),
        }
    ),
    "a model reference",
)

PARAMETER_SCALAR = AnyScalar()

GRADIENT = named(Seq(PARAMETER_SCALAR), "a gradient")

CONDITIONAL = named(
    Map(
        {
            Key("filter", "substring of tensor names this entry applies to; '*' or absent for all"): Str(),
            Required("value", "the value: a number, a boolean, or a gradient list"): PARAMETER_SCALAR | GRADIENT,
        }
    ),
    "a conditional parameter",
)

PARAMETER_SETTING = PARAMETER_SCALAR | named(Seq(PARAMETER_SCALAR | CONDITIONAL), "a parameter list") | CONDITIONAL

PARAMETERS = named(MapPattern(Str(), PARAMETER_SETTING), "a parameters mapping")

LAYER_RANGE = named(FixedSeq([Int(), Int()]), "a layer range")

__all__ = [
    "AnyScalar",
    "Bool",
    "Float",
    "Int",
    "Key",
    "LAYER_RANGE",
    "MODEL_PATH",
    "MODEL_REFERENCE",
    "PARAMETERS",
    "PARAMETER_SETTING",
    "Required",
    "SemanticStr",
    "Str",
    "named",
]
