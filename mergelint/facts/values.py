"""Names mergekit 0.1.5 accepts for dtypes, chat templates and tokenizer sources."""

# ``dtype_from_name`` in mergekit/common.py; an optional ``torch.`` prefix is allowed.
DTYPES = ("bfloat16", "float16", "float32", "float64", "int64")

# dtypes that are accepted but make no sense for model weights.
NONSENSE_DTYPES = {"int64": "computes in integers, which truncates every weight"}

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
