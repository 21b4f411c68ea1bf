"""Model configs already on this machine: a local model folder, or the Hugging Face cache.

mergelint never downloads anything. A model may already be here: mergekit and the
Hugging Face libraries keep downloaded models in the hub cache, and a config may name
a local folder. Then its ``config.json`` gives the model's layer count, so the layer
rules can check ranges against the real depth. A model found nowhere is not checked.
"""

from __future__ import annotations

import functools
import os
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
    """A model's layer count and architecture names from its config.json, and where that file is."""

    layers: int | None
    architectures: tuple[str, ...]
    where: str


def model_facts(ref: ModelRef) -> ModelFacts | None:
    """Return the facts of a model found on this machine, or None when it is not found."""
    environment = tuple(os.environ.get(name) for name in CACHE_VARIABLES)
    return _model_facts(ref.path, ref.revision, hub_cache(*environment))


def layer_count(ref: ModelRef) -> tuple[int, str] | None:
    """Return a model's layer count and where its config was found, or None when unknown."""
    facts = model_facts(ref)
    if facts is None or facts.layers is None:
        return None
    return facts.layers, facts.where


@functools.lru_cache(maxsize=8)
def hub_cache(hub: str | None, legacy_hub: str | None, home: str | None, xdg_cache: str | None) -> str:
    """Return the Hugging Face hub cache folder, as huggingface_hub resolves it from CACHE_VARIABLES."""
    if hub or legacy_hub:
        return os.path.expanduser(hub or legacy_hub)
    if home:
        return os.path.join(os.path.expanduser(home), "hub")
    return os.path.join(xdg_cache or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface", "hub")


@functools.lru_cache(maxsize=256)
def _model_facts(path: str, revision: str | None, cache: str) -> ModelFacts | None:
    config_path, cached = _config_path(path, revision, cache)
    if config_path is None:
        return None
    import json  # only when a model is found

    try:
        if os.path.getsize(config_path) > MAX_CONFIG_BYTES:
            return None
        with open(config_path, encoding="utf-8") as handle:
            config = json.load(handle)
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
    where = "its config.json in the Hugging Face cache" if cached else config_path
    return ModelFacts(count, tuple(architectures), where)


def _config_path(path: str, revision: str | None, cache: str) -> tuple[str | None, bool]:
    """Find the config.json of a model in a local folder or the hub cache; tell which it is in.

    Plain os.path calls, not pathlib: importing pathlib would cost a few milliseconds
    on every run.
    """
    try:
        local = os.path.join(path, "config.json")
        if os.path.isfile(local):
            return local, False

        # A hub id is "org/name", or a bare name for the oldest models ("gpt2").
        parts = path.split("/")
        if len(parts) > 2 or not all(parts) or ".." in parts or "." in parts:
            return None, False
        repo = os.path.join(cache, "models--" + "--".join(parts))
        ref_file = os.path.join(repo, "refs", revision or "main")
        if os.path.isfile(ref_file):
            with open(ref_file, encoding="utf-8") as handle:
                commit = handle.read().strip()
        elif revision:
            commit = revision
        else:
            return None, False
        if not commit or "/" in commit or commit.startswith("."):
            return None, False
        snapshot = os.path.join(repo, "snapshots", commit, "config.json")
        return (snapshot, True) if os.path.isfile(snapshot) else (None, False)
    except (OSError, ValueError):
        return None, False
