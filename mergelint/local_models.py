"""Model configs already on this machine: a local model folder, or the Hugging Face cache.

mergelint never downloads anything. A model may already be here: mergekit and the
Hugging Face libraries keep downloaded models in the hub cache, and a config may name
a local folder. Then its ``config.json`` gives the model's layer count, so the layer
rules can check ranges against the real depth. A model found nowhere is not checked.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import NamedTuple

from mergelint.model import ModelRef

# Architectures whose layer count mergekit reads from `n_layer` (its architecture
# files for GPT-2, GPTBigCode, JAIS and the early Phi models); the rest use
# `num_hidden_layers`.
N_LAYER_ARCHITECTURES = frozenset(
    {
        "GPT2LMHeadModel",
        "GPT2ForSequenceClassification",
        "GPTBigCodeForCausalLM",
        "JAISLMHeadModel",
        "MixFormerSequentialForCausalLM",
        "PhiForCausalLM",
    }
)

# A config.json larger than this is no model config; it is not read.
MAX_CONFIG_BYTES = 1 << 20


# The environment variables that place the hub cache, in huggingface_hub's order.
CACHE_VARIABLES = ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME")


class ModelFacts(NamedTuple):
    """What a model's config.json says: its layer count and architecture names, and where it is."""

    layers: int | None
    architectures: tuple[str, ...]
    where: str


def model_facts(ref: ModelRef) -> ModelFacts | None:
    """Return the facts of a model found on this machine, or None when it is not found."""
    environment = tuple(os.environ.get(name) for name in CACHE_VARIABLES)
    return _model_facts(ref.path, ref.revision, str(hub_cache(*environment)))


def layer_count(ref: ModelRef) -> tuple[int, str] | None:
    """Return a model's layer count and where its config was found, or None when unknown."""
    facts = model_facts(ref)
    if facts is None or facts.layers is None:
        return None
    return facts.layers, facts.where


@functools.lru_cache(maxsize=8)
def hub_cache(hub: str | None, legacy_hub: str | None, home: str | None, xdg_cache: str | None) -> Path:
    """Return the Hugging Face hub cache folder, as huggingface_hub resolves it from CACHE_VARIABLES."""
    if hub or legacy_hub:
        return Path(hub or legacy_hub).expanduser()
    if home:
        return Path(home).expanduser() / "hub"
    return Path(xdg_cache or os.path.join(os.path.expanduser("~"), ".cache")) / "huggingface" / "hub"


@functools.lru_cache(maxsize=256)
def _model_facts(path: str, revision: str | None, cache: str) -> ModelFacts | None:
    config_path = _config_path(path, revision, Path(cache))
    if config_path is None:
        return None
    try:
        if config_path.stat().st_size > MAX_CONFIG_BYTES:
            return None
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict):
        return None

    architectures = config.get("architectures")
    if not isinstance(architectures, list) or not all(isinstance(name, str) for name in architectures):
        architectures = []
    key = "n_layer" if any(name in N_LAYER_ARCHITECTURES for name in architectures) else "num_hidden_layers"
    count = config.get(key)
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        count = None
    cached = Path(cache) in config_path.parents
    where = "its config.json in the Hugging Face cache" if cached else str(config_path)
    return ModelFacts(count, tuple(architectures), where)


def _config_path(path: str, revision: str | None, cache: Path) -> Path | None:
    """Find the config.json of a model in a local folder or in the hub cache."""
    try:
        local = Path(path) / "config.json"
        if local.is_file():
            return local

        # A hub id is "org/name", or a bare name for the oldest models ("gpt2").
        parts = path.split("/")
        if len(parts) > 2 or not all(parts) or ".." in parts or "." in parts:
            return None
        repo = cache / ("models--" + "--".join(parts))
        ref_file = repo / "refs" / (revision or "main")
        if ref_file.is_file():
            commit = ref_file.read_text(encoding="utf-8").strip()
        elif revision:
            commit = revision
        else:
            return None
        if not commit or "/" in commit or commit.startswith("."):
            return None
        snapshot = repo / "snapshots" / commit / "config.json"
        return snapshot if snapshot.is_file() else None
    except (OSError, ValueError):
        return None
