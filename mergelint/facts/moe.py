"""mergekit-moe 0.1.5 as data: gate modes and the output architectures it can write.

Read from mergekit 0.1.5's ``moe/config.py`` (``is_bad_config``), ``moe/router.py``,
``scripts/moe.py`` (``select_output_arch``) and each architecture's
``supports_config`` in ``moe/mixtral.py``, ``deepseek.py``, ``qwen.py``, ``qwen3.py``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Every gate_mode that mergekit-moe computes; any other string fails after the
# base model is loaded.
GATE_MODES = ("hidden", "hidden_last", "hidden_avg", "cheap_embed", "random", "uniform_random")
DEFAULT_GATE_MODE = "hidden"
# The only gate_mode that needs no prompts; `uniform_random` still needs them.
PROMPTLESS_GATE_MODE = "random"
DEFAULT_EXPERTS_PER_TOKEN = 2


class OutputArchitecture(NamedTuple):
    """An architecture mergekit-moe can write, with what it accepts.

    ``model_types`` are the Hugging Face ``model_type`` values every input model must
    have. ``shared_prompts`` is ``"forbidden"`` when the shared expert must have no
    prompts, and ``"required"`` when it needs positive prompts unless gate_mode is
    ``random``.
    """

    name: str
    model_types: frozenset[str]
    min_shared: int
    max_shared: int
    shared_prompts: str | None = None
    warns_power_of_two: bool = True


# In mergekit's order of preference: Mixtral is chosen whenever it fits.
OUTPUT_ARCHITECTURES = (
    OutputArchitecture("Mixtral", frozenset({"llama", "mistral"}), 0, 0),
    OutputArchitecture("DeepSeek MoE", frozenset({"llama", "mistral"}), 0, 1, "forbidden", warns_power_of_two=False),
    OutputArchitecture("Qwen MoE", frozenset({"llama", "mistral", "qwen2"}), 1, 1, "required"),
    OutputArchitecture("Qwen3 MoE", frozenset({"qwen3"}), 0, 0),
)

ARCHITECTURE_NAMES = tuple(arch.name for arch in OUTPUT_ARCHITECTURES)

# Name patterns that reliably give a model's `model_type`; other names give no guess.
_MODEL_TYPE_PATTERNS = (
    (re.compile(r"qwen-?3"), "qwen3"),
    (re.compile(r"qwen-?(1\.5|2)"), "qwen2"),
    (re.compile(r"mistral"), "mistral"),
    (re.compile(r"llama"), "llama"),
)


def matching_architectures(prefix: str) -> list[OutputArchitecture]:
    """Return the architectures whose name starts with ``prefix``, ignoring case, as mergekit matches."""
    return [arch for arch in OUTPUT_ARCHITECTURES if arch.name.lower().startswith(prefix.lower())]


def guess_model_type(reference: str) -> str | None:
    """Guess a model's `model_type` from its name, or return None when the name does not tell.

    NOTE: this is a guess from the name only (`Qwen/Qwen2.5-7B` gives `qwen2`); mergekit
    reads the real value from the model's config.json.
    """
    name = reference.lower()
    for pattern, model_type in _MODEL_TYPE_PATTERNS:
        if pattern.search(name):
            return model_type
    return None
