"""MK2xx: merge method, base model and input counts."""

import pytest
from helpers import findings, write_cached_model

CASES = [
    pytest.param(
        """\
        merge_method: dare-ties
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 0.5}
        """,
        ["1:15 MK201"],
        id="method-typo",
    ),
    pytest.param(
        """\
        merge_method: SLERP
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters: {t: 0.5}
        """,
        ["1:15 MK201"],
        id="method-wrong-case",
    ),
    pytest.param(
        """\
        merge_method: consensus_ties
        base_model: org/base
        models:
          - model: org/a
        """,
        ["1:15 MK201"],
        id="method-retired",
    ),
    pytest.param(
        """\
        merge_method: ties
        models:
          - model: org/a
            parameters: {weight: 0.5}
          - model: org/b
            parameters: {weight: 0.5}
        """,
        ["1:15 MK202"],
        id="ties-without-base",
    ),
    pytest.param(
        """\
        merge_method: slerp
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters: {t: 0.5}
        """,
        ["1:15 MK202"],
        id="slerp-without-base",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/base
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters: {t: 0.5}
        """,
        ["2:13 MK203"],
        id="slerp-base-not-a-source",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: org/base
        slices:
          - sources:
              - {model: org/base, layer_range: [0, 4]}
              - {model: org/a, layer_range: [0, 4], parameters: {weight: 1.0}}
          - base_model: org/other
            sources:
              - {model: org/base, layer_range: [4, 8]}
              - {model: org/a, layer_range: [4, 8], parameters: {weight: 1.0}}
        """,
        ["7:17 MK203"],
        id="slice-base-not-a-source",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/base
        models:
          - model: org/a
          - model: org/b
        parameters: {t: 0.5}
        """,
        ["3:1 MK204"],
        id="slerp-base-auto-added-makes-three",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        """,
        ["3:5 MK204"],
        id="passthrough-two-sources",
    ),
    pytest.param(
        """\
        merge_method: model_stock
        base_model: org/base
        models:
          - model: org/a
        """,
        ["3:1 MK204"],
        id="model-stock-one-besides-base",
    ),
    pytest.param(
        """\
        merge_method: nuslerp
        models:
          - model: org/a
            parameters: {weight: 0.5}
          - model: org/b
            parameters: {weight: 0.5}
          - model: org/c
            parameters: {weight: 0.5}
        """,
        ["2:1 MK204"],
        id="nuslerp-three",
    ),
    pytest.param(
        """\
        merge_method: nearswap
        base_model: org/base
        models:
          - model: org/a
          - model: org/b
        parameters: {t: 0.001}
        """,
        ["3:1 MK204"],
        id="nearswap-two-besides-base",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a
            parameters: {weight: 0.1}
          - model: org/a
            parameters: {weight: 1.0}
        """,
        ["5:12 MK205"],
        id="same-model-twice",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - model: org/a
                layer_range: [0, 4]
              - model: org/a
                layer_range: [4, 8]
        """,
        ["6:16 MK205"],
        id="same-model-twice-in-slice",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a
            parameters: {weight: 0.5}
          - model: org/a@main
            parameters: {weight: 0.5}
        """,
        [],
        id="revision-makes-distinct-model",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 0.5, density: 0.5}
          - model: org/b
            parameters: {weight: 0.5, density: 0.5}
        """,
        [],
        id="ties-clean",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters: {t: [0, 0.5, 1]}
        """,
        [],
        id="slerp-clean",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_method_rules(source, expected):
    assert findings(source, "MK2") == expected


def test_clean_cases_have_no_findings_at_all():
    for case in CASES:
        source, expected = case.values
        if not expected:
            assert findings(source) == [], case.id


def test_base_averaged_in_for_karcher_and_linear():
    karcher = """\
    merge_method: karcher
    base_model: org/base
    models:
      - model: org/a
      - model: org/b
    """
    linear_without_weight = """\
    merge_method: linear
    base_model: org/base
    models:
      - model: org/a
        parameters: {weight: 1}
    """
    assert findings(karcher, "MK2") == ["2:13 MK206"]
    assert findings(linear_without_weight, "MK2") == []


ARCHITECTURE_CASES = [
    pytest.param(["org/llama", "org/mistral"], None, "6:12 MK207", id="llama-and-mistral"),
    pytest.param(["org/llama", "org/llama-alias"], None, None, id="names-of-one-definition-clean"),
    pytest.param(["org/llama", "org/llama"], "org/mistral", "2:13 MK207", id="base-model-differs"),
    pytest.param(["org/llama", "org/mistral", "org/absent"], None, None, id="model-not-on-this-machine"),
    pytest.param(["org/llama", "org/custom"], None, None, id="architecture-mergekit-infers"),
]


@pytest.mark.parametrize(("models", "base", "expected"), ARCHITECTURE_CASES)
def test_mixed_architectures_case(models, base, expected, tmp_path, monkeypatch):
    for name, architecture in (
        ("org/llama", "LlamaForCausalLM"),
        ("org/llama-alias", "LLaMaForCausalLM"),
        ("org/mistral", "MistralForCausalLM"),
        ("org/custom", "MyCustomForCausalLM"),
    ):
        write_cached_model(tmp_path, name, {"architectures": [architecture], "num_hidden_layers": 32})
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    entries = "".join(f"  - model: {model}\n    parameters:\n      weight: 0.5\n" for model in models)
    base_line = f"base_model: {base}\n" if base else ""

    source = f"merge_method: linear\n{base_line}models:\n{entries}"

    assert findings(source, prefix="MK207") == ([expected] if expected else [])
