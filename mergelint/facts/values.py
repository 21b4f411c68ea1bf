"""Names mergekit 0.1.5 accepts for dtypes, chat templates and tokenizer sources."""

# ``dtype_from_name`` in mergekit/common.py; an optional ``torch.`` prefix is allowed.
DTYPES = ("bfloat16", "float16", "float32", "float64", "int64")

# dtypes mergekit accepts that break a merge, by key (mergekit 0.1.5, io/tasks.py and
# merge_methods): integer tensors fail the merge, and saving as integers truncates.
NONSENSE_DTYPES = {
    "int64": {
        "dtype": "mergekit 0.1.5 loads the inputs as integers and fails mid-merge, after every download",
        "out_dtype": "mergekit saves every weight as an integer, truncating it, and writes a broken model",
    }
}

# Common spellings of dtypes that mergekit does not accept, and what they mean.
DTYPE_ALIASES = {
    "bf16": "bfloat16",
    "bfloat": "bfloat16",
    "fp16": "float16",
    "half": "float16",
    "f16": "float16",
    "fp32": "float32",
    "float": "float32",
    "f32": "float32",
    "single": "float32",
    "fp64": "float64",
    "double": "float64",
}

# Files in mergekit/_data/chat_templates, plus "auto" (the most common template of the inputs).
CHAT_TEMPLATES = ("auto", "alpaca", "chatml", "exaone", "llama3", "mistral")

# A chat_template is used as a Jinja template when it is at least this long and has a "{".
MIN_TEMPLATE_LENGTH = 20

# The words tokenizer_source and tokenizer.source accept besides a model reference.
TOKENIZER_SOURCES = ("union", "base")

# Pieces of tensor names in mergekit's architecture templates (Llama, Mistral, Qwen,
# Gemma, Phi, GPT-2, Mixtral and others), which `filter` values are substrings of.
TENSOR_NAME_PARTS = (
    "self_attn",
    "mlp",
    "q_proj",
    "k_proj",
    "v_proj",
    "o_proj",
    "qkv_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
    "gate_up_proj",
    "input_layernorm",
    "post_attention_layernorm",
    "pre_feedforward_layernorm",
    "post_feedforward_layernorm",
    "embed_tokens",
    "lm_head",
    "norm",
    "layers",
    "block_sparse_moe",
    "experts",
    "dense",
    "query_key_value",
    "c_attn",
    "c_proj",
    "c_fc",
    "wte",
    "wpe",
    "ln_f",
    "fc1",
    "fc2",
)

# Module names of mergekit 0.1.5's multi-module architectures (mergekit/_data/architectures),
# grouped by the architectures that have them together. `default` is the one module of
# every single-module architecture.
MODULE_GROUPS = (
    ("text_decoder", "vision_tower", "multi_modal_projector"),  # gemma3vl, mistral3, qwen2_vl, ...
    ("text_decoder", "vision_model", "multi_modal_projector"),  # llama4
    ("encoder", "decoder"),  # whisper
    ("encoder", "decoder", "shared"),  # t5
)
MODULE_NAMES = frozenset(name for group in MODULE_GROUPS for name in group) | {"default"}
