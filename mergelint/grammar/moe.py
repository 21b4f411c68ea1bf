"""Grammar of a mergekit-moe config (``MoEMergeConfig`` in mergekit 0.1.5)."""

from __future__ import annotations

from strictyaml import Float, Int, Map, Seq, Str

from mergelint.grammar.common import MODEL_REFERENCE, Key, Required, SemanticStr, named

PROMPTS = named(Seq(Str()), "a prompts list")

EXPERT = named(
    Map(
        {
            Required("source_model", "the model whose MLP layers become this expert"): MODEL_REFERENCE,
            Key("positive_prompts", "example prompts that the gate should route to this expert"): PROMPTS,
            Key("negative_prompts", "example prompts that the gate should route away from this expert"): PROMPTS,
            Key("noise_scale", "standard deviation of Gaussian noise added to the expert's weights"): Float(),
            Key("residual_scale", "factor applied to the expert's down_proj output weights"): Float(),
        }
    ),
    "an expert",
)

EXPERTS = named(Seq(EXPERT), "an experts list")

MOE_CONFIG = named(
    Map(
        {
            Required("base_model", "the model that gives attention, norms and embeddings"): MODEL_REFERENCE,
            Required("experts", "the models whose MLP layers become the routed experts"): EXPERTS,
            Key("gate_mode", "how gate weights are made: hidden, hidden_last, hidden_avg, cheap_embed, random, uniform_random", nullable=False): SemanticStr(
                "gate-mode"
            ),
            Key("dtype", "dtype the merged weights are saved in: bfloat16, float16, float32"): SemanticStr("dtype"),
            Key("experts_per_token", "number of experts each token is routed to (default 2)", nullable=False): Int(),
            Key("shared_experts", "experts every token passes through (DeepSeek MoE, Qwen MoE)"): EXPERTS,
            Key("architecture", "output architecture, a prefix of: Mixtral, DeepSeek MoE, Qwen MoE, Qwen3 MoE"): SemanticStr(
                "moe-architecture"
            ),
        }
    ),
    "a mergekit-moe config",
)
