"""MK4xx: slices and layer ranges."""

import json

import pytest
from helpers import findings, write_cached_model

from mergelint.local_models import hub_cache

CASES = [
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 2]}
          - sources:
              - {model: org/a, layer_range: [2, 2]}
        """,
        ["6:37 MK401"],
        id="empty-range",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - model: org/a
                layer_range: [16, 8]
        """,
        ["5:22 MK401"],
        id="reversed-range",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - model: org/a
                layer_range: [-1, 8]
        """,
        ["5:22 MK401"],
        id="negative-start",
    ),
    pytest.param(
        """\
        merge_method: linear
        slices:
          - sources:
              - model: org/a
                layer_range: [0, 16]
                parameters: {weight: 0.5}
              - model: org/b
                layer_range: [0, 20]
                parameters: {weight: 0.5}
        """,
        ["8:22 MK402"],
        id="unequal-lengths",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources: []
          - sources:
              - {model: org/a, layer_range: [0, 4]}
        """,
        ["3:14 MK403"],
        id="empty-sources",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - {model: org/a, layer_range: [1, 24]}
          - sources:
              - {model: org/b, layer_range: [24, 40]}
        """,
        ["4:37 MK404"],
        id="stack-starts-at-one",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 16]}
          - sources:
              - {model: org/a, layer_range: [17, 32]}
        """,
        ["6:37 MK404"],
        id="stack-skips-one-layer",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 24]}
          - sources:
              - {model: org/a, layer_range: [8, 32]}
          - sources:
              - {model: org/a, layer_range: [28, 32]}
        """,
        [],
        id="self-stack-with-overlaps-is-clean",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_layer_rules(source, expected):
    assert findings(source, "MK4") == expected


def test_clean_cases_have_no_findings_at_all():
    for case in CASES:
        source, expected = case.values
        if not expected:
            assert findings(source) == [], case.id


# MK405 reads model configs from the Hugging Face cache or a local folder.

LLAMA = {"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 32}
GPT2 = {"architectures": ["GPT2LMHeadModel"], "n_layer": 12, "num_hidden_layers": 99}

DEPTH_CASES = [
    pytest.param("org/llama", "[0, 40]", True, id="past-depth"),
    pytest.param("org/llama", "[0, 32]", False, id="whole-depth-clean"),
    pytest.param("org/llama@v2", "[0, 32]", True, id="revision-with-fewer-layers"),
    pytest.param("org/llama@0123abcd", "[0, 40]", False, id="revision-not-cached-clean"),
    pytest.param("org/gpt2", "[0, 16]", True, id="n-layer-architecture"),
    pytest.param("org/gpt2", "[0, 12]", False, id="n-layer-architecture-clean"),
    pytest.param("org/absent", "[0, 400]", False, id="model-not-on-this-machine"),
    pytest.param("gpt2", "[0, 13]", True, id="hub-id-without-organisation"),
    pytest.param("LOCAL", "[8, 40]", True, id="local-folder-past-depth"),
    pytest.param("LOCAL", "[8, 24]", False, id="local-folder-clean"),
]


@pytest.mark.parametrize(("model", "layer_range", "reported"), DEPTH_CASES)
def test_layer_range_past_depth_case(model, layer_range, reported, tmp_path, monkeypatch):
    cache = tmp_path / "hub"
    write_cached_model(cache, "org/llama", LLAMA)
    write_cached_model(cache, "org/llama", dict(LLAMA, num_hidden_layers=24), revision="v2", commit="1" * 40)
    write_cached_model(cache, "org/gpt2", GPT2)
    write_cached_model(cache, "gpt2", GPT2)
    local = tmp_path / "my-model"
    local.mkdir()
    (local / "config.json").write_text(json.dumps(LLAMA), encoding="utf-8")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    model = str(local) if model == "LOCAL" else model

    source = f"merge_method: passthrough\nslices:\n  - sources:\n      - {{model: {model}, layer_range: {layer_range}}}\n"

    column = source.splitlines()[3].index("[") + 1
    assert findings(source, prefix="MK405") == ([f"4:{column} MK405"] if reported else [])


def test_unreadable_model_config_is_skipped(tmp_path, monkeypatch):
    config = write_cached_model(tmp_path, "org/llama", LLAMA)
    config.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))

    source = "merge_method: passthrough\nslices:\n  - sources:\n      - {model: org/llama, layer_range: [0, 40]}\n"

    assert findings(source, prefix="MK4") == []


MIXED_DEPTH_CASES = [
    pytest.param(["org/llama", "org/gpt2"], "6:12 MK406", id="different-depths"),
    pytest.param(["org/llama", "org/absent", "org/llama@v2"], "9:12 MK406", id="revision-of-other-depth"),
    pytest.param(["org/llama", "org/absent"], None, id="one-depth-unknown-clean"),
    pytest.param(["org/llama", "org/llama-instruct"], None, id="same-depth-clean"),
]


@pytest.mark.parametrize(("models", "expected"), MIXED_DEPTH_CASES)
def test_model_depth_mismatch_case(models, expected, tmp_path, monkeypatch):
    write_cached_model(tmp_path, "org/llama", LLAMA)
    write_cached_model(tmp_path, "org/llama", dict(LLAMA, num_hidden_layers=24), revision="v2", commit="1" * 40)
    write_cached_model(tmp_path, "org/llama-instruct", LLAMA)
    write_cached_model(tmp_path, "org/gpt2", GPT2)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    entries = "".join(f"  - model: {model}\n    parameters:\n      weight: 0.5\n" for model in models)

    source = f"merge_method: linear\nmodels:\n{entries}"

    assert findings(source, prefix="MK406") == ([expected] if expected else [])


HUB_CACHE_CASES = [
    pytest.param((None, None, None, "/x"), "/x/huggingface/hub", id="xdg-cache-home"),
    pytest.param((None, None, "/h", "/x"), "/h/hub", id="hf-home"),
    pytest.param((None, "/legacy", "/h", "/x"), "/legacy", id="legacy-hub-variable"),
    pytest.param(("/hub", "/legacy", "/h", "/x"), "/hub", id="hf-hub-cache-first"),
]


@pytest.mark.parametrize(("environment", "expected"), HUB_CACHE_CASES)
def test_hub_cache_location_case(environment, expected):
    assert str(hub_cache(*environment)) == expected
