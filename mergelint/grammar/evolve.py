"""Grammar of a mergekit-evolve config (``EvolMergeConfiguration`` in mergekit 0.1.5)."""

from __future__ import annotations

from strictyaml import Bool, Float, Int, Map, Seq, Str

from mergelint.grammar.common import MODEL_REFERENCE, Key, Required, SemanticStr, named

GENOME = named(
    Map(
        {
            Required("models", "the models whose weights the evolution searches over"): named(
                Seq(MODEL_REFERENCE), "a models list"
            ),
            Required("merge_method", "linear, task_arithmetic, ties, dare_ties or slerp"): SemanticStr(
                "evolve-merge-method"
            ),
            Key("base_model", "base model; required by task_arithmetic, ties and dare_ties"): MODEL_REFERENCE,
            Key("tokenizer_source", "output tokenizer: 'union', 'base', or a model"): Str(),
            Key("layer_granularity", "layers per parameter group; 0 for one group over all layers", nullable=False): Int(),
            Key("normalize", "normalize the evolved weights"): Bool(),
            Key("allow_negative_weights", "let evolved weights go below zero", nullable=False): Bool(),
            Key("filters", "tensor name substrings that get their own parameters"): named(Seq(Str()), "a filters list"),
            Key("smooth", "interpolate parameters smoothly across layer groups", nullable=False): Bool(),
        }
    ),
    "a genome",
)

TASK = SemanticStr("task-name") | named(
    Map(
        {
            Required("name", "lm-evaluation-harness task name"): Str(),
            Key("weight", "weight of this task in the score (default 1.0)", nullable=False): Float(),
            Key("metric", "metric of the task to score (default 'acc,none')", nullable=False): Str(),
        }
    ),
    "a task",
)

EVOLVE_CONFIG = named(
    Map(
        {
            Required("genome", "the models, merge method and search space"): GENOME,
            Required("tasks", "evaluation tasks the merge is scored on"): named(Seq(TASK), "a tasks list"),
            Key("limit", "maximum number of samples evaluated per task"): Int(),
            Key("num_fewshot", "number of few-shot examples per prompt"): Int(),
            Key("shuffle", "shuffle the evaluation samples", nullable=False): Bool(),
            Key("random_init", "start the search from random parameters", nullable=False): Bool(),
            Key("apply_chat_template", "format prompts with the model's chat template (default true)", nullable=False): Bool(),
            Key("fewshot_as_multiturn", "give few-shot examples as chat turns (default true)", nullable=False): Bool(),
        }
    ),
    "a mergekit-evolve config",
)
