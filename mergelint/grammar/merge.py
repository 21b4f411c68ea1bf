"""Grammar of a mergekit-yaml config (``MergeConfiguration`` in mergekit 0.1.5)."""

from __future__ import annotations

from strictyaml import Bool, Enum, Float, Int, Map, MapPattern, Seq, Str

from mergelint.grammar.common import (
    LAYER_RANGE,
    MODEL_REFERENCE,
    PARAMETERS,
    Key,
    Required,
    SemanticStr,
    named,
)

INPUT_MODEL = named(
    Map(
        {
            Required("model", "the model to merge: 'org/name', a local folder, '@revision', '+lora'"): MODEL_REFERENCE,
            Key("parameters", "merge parameters for this model (weight, density, ...)"): PARAMETERS,
        }
    ),
    "a models entry",
)

SLICE_SOURCE = named(
    Map(
        {
            Required("model", "the model this source takes layers from"): MODEL_REFERENCE,
            Required("layer_range", "half-open range [start, end) of layers to take"): LAYER_RANGE,
            Key("parameters", "merge parameters for this source (weight, density, ...)"): PARAMETERS,
        }
    ),
    "a slice source",
)

OUTPUT_SLICE = named(
    Map(
        {
            Required("sources", "the models and layer ranges merged into this slice"): named(
                Seq(SLICE_SOURCE), "a sources list"
            ),
            Key("base_model", "base model of this slice; must be one of its sources"): MODEL_REFERENCE,
            Key("residual_weight", "declared by mergekit but never used"): Float(),
            Key("parameters", "merge parameters for every source of this slice"): PARAMETERS,
        }
    ),
    "a slice",
)

SLICES = named(Seq(OUTPUT_SLICE), "a slices list")
MODELS = named(Seq(INPUT_MODEL), "a models list")

MODULE = named(
    Map(
        {
            Key("slices", "output slices of this module"): SLICES,
            Key("models", "models merged whole into this module"): MODELS,
            Key("parameters", "merge parameters for this module"): PARAMETERS,
        }
    ),
    "a module",
)

TOKEN_SOURCE = SemanticStr("token-source") | named(
    Map(
        {
            Key("kind", "'model_token' to copy a token's embedding, 'zero' for a zero vector"): Enum(
                ["model_token", "zero"]
            ),
            Key("model", "model whose embedding is used"): MODEL_REFERENCE,
            Key("token_id", "id of the token in that model's vocabulary"): Int(),
            Key("token", "the token string in that model's vocabulary"): Str(),
            Key("lora", "a LoRA adapter, when the source is a model reference"): MODEL_REFERENCE,
            Key("override_architecture", "architecture override, when the source is a model reference"): Str(),
        }
    ),
    "a token embedding source",
)

TOKENIZER = named(
    Map(
        {
            Key("source", "output vocabulary: 'union', 'base', or a model", nullable=False): SemanticStr(
                "tokenizer-source"
            )
            | MODEL_REFERENCE,
            Key("tokens", "per-token embedding settings, keyed by token string"): named(
                MapPattern(
                    Str(),
                    named(
                        Map(
                            {
                                Key("source", "where the token's embedding comes from"): TOKEN_SOURCE,
                                Key("force", "use this embedding even for models that have the token", nullable=False): Bool(),
                            }
                        ),
                        "a token setting",
                    ),
                ),
                "a tokens mapping",
            ),
            Key("pad_to_multiple_of", "pad the vocabulary size to a multiple of this number"): Int(),
        }
    ),
    "a tokenizer block",
)

MERGE_CONFIG = named(
    Map(
        {
            Required("merge_method", "the merge algorithm, such as linear, slerp, ties, dare_ties"): SemanticStr(
                "merge-method"
            ),
            Key("models", "models merged whole (one of models, slices, modules)"): MODELS,
            Key("slices", "output layers built from layer ranges (one of models, slices, modules)"): SLICES,
            Key("modules", "per-module merges for multi-module architectures"): named(
                MapPattern(Str(), MODULE), "a modules mapping"
            ),
            Key("base_model", "the base model that task vectors are taken against"): MODEL_REFERENCE,
            Key("parameters", "merge parameters for every model"): PARAMETERS,
            Key("dtype", "dtype the weights are merged in: bfloat16, float16 or float32 (float64, int64 accepted)"): SemanticStr(
                "dtype"
            ),
            Key("out_dtype", "dtype the merged weights are saved in"): SemanticStr("dtype"),
            Key("tokenizer_source", "output tokenizer: 'union', 'base', or a model"): SemanticStr("tokenizer-source")
            | MODEL_REFERENCE,
            Key("tokenizer", "output tokenizer and per-token embedding settings"): TOKENIZER,
            Key("chat_template", "chat template: auto, alpaca, chatml, exaone, llama3, mistral, or Jinja"): SemanticStr(
                "chat-template"
            ),
            # A stage of a mergekit-multi file run alone: mergekit-yaml ignores the name,
            # and the config merges the same, so it is no mistake.
            Key("name", "name of a mergekit-multi stage; mergekit-yaml ignores it"): Str(),
        }
    ),
    "a mergekit-yaml config",
)
