"""MK1xx: keys, types and how the parts of a config fit together."""

import pytest
from helpers import findings, lint_text

CASES = [
    pytest.param(
        """\
        merge_method: slerp
        base_modle: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters: {t: 0.5}
        """,
        ["1:15 MK202", "2:1 MK101"],
        id="misspelled-top-level-key",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - model: org/a
                layer_ranges: [0, 4]
        """,
        ["5:9 MK103"],
        id="misspelled-layer-range",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - org/a
          - model: org/b
            parameters: {weight: 1.0}
        parameters: [weight, 1.0]
        """,
        ["3:5 MK102", "6:13 MK102"],
        id="wrong-types",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - model: org/a
                layer_range: [0, 4, 8]
              - model: org/b
                layer_range: 0-4
        """,
        ["5:22 MK102", "7:22 MK102"],
        id="layer-range-shapes",
    ),
    pytest.param(
        """\
        models:
          - model: org/a
            parameters: {weight: 1.0}
        """,
        ["1:1 MK103"],
        id="missing-merge-method",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a
            parameters: {weight: 1.0}
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4], parameters: {weight: 1.0}}
        """,
        ["5:1 MK105"],
        id="models-and-slices",
    ),
    pytest.param(
        """\
        merge_method: linear
        models: []
        """,
        ["2:1 MK105"],
        id="empty-models",
    ),
    pytest.param(
        """\
        merge_method: linear
        tokenizer_source: union
        tokenizer: {source: union}
        models:
          - model: org/a
            parameters: {weight: 1.0}
        """,
        ["2:1 MK105"],
        id="tokenizer-and-tokenizer-source",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a+org/l1+org/l2
            parameters: {weight: 1.0}
          - model: org/b@v1@v2
            parameters: {weight: 1.0}
          - model: org/c@
            parameters: {weight: 1.0}
        """,
        ["3:12 MK106", "5:12 MK106", "7:12 MK106"],
        id="model-reference-syntax",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a
            layer_range: [0, 8]
            parameters: {weight: 1.0}
        """,
        ["4:5 MK107"],
        id="layer-range-on-models-entry",
    ),
    pytest.param(
        """\
        merge_method: passthrough
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
            residual_weight: 0.5
        """,
        ["5:5 MK107"],
        id="residual-weight",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: {model: org/base, lora: org/lora}
        models:
          - model: {model: {path: org/a, revision: main}}
            parameters: {weight: 1.0}
        tokenizer:
          source: base
          pad_to_multiple_of: 64
        chat_template: chatml
        dtype: torch.bfloat16
        out_dtype: float16
        """,
        [],
        id="mapping-form-references-clean",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_structure_rules(source, expected):
    found = findings(source, "MK1") + [f for f in findings(source, "MK2") if f.endswith("MK202")]
    assert sorted(found) == expected


def test_clean_cases_have_no_findings_at_all():
    for case in CASES:
        source, expected = case.values
        if not expected:
            assert findings(source) == [], case.id


def test_distant_key_is_not_taken_for_required_one():
    source = """\
    metric_method: all
    models:
      - model: org/a
    """
    assert findings(source, "MK1") == ["1:1 MK101", "1:1 MK103"]


def test_empty_non_optional_value_errors():
    source = """\
    base_model: org/base
    gate_mode:
    experts_per_token:
    experts:
      - source_model: org/a
        positive_prompts: [chat]
      - source_model: org/b
        positive_prompts: [code]
    """
    assert findings(source, "MK1") == ["2:1 MK102", "3:1 MK102"]


def test_module_names():
    misspelled = """\
    merge_method: linear
    modules:
      text_decoder:
        models:
          - model: org/a
            parameters: {weight: 1}
      vision_towr:
        models:
          - model: org/a
            parameters: {weight: 1}
      multi_modal_projector:
        models:
          - model: org/a
            parameters: {weight: 1}
    """

    partial = """\
    merge_method: linear
    modules:
      text_decoder:
        models:
          - model: org/a
            parameters: {weight: 1}
    """

    single = """\
    merge_method: linear
    modules:
      default:
        models:
          - model: org/a
            parameters: {weight: 1}
    """

    assert findings(misspelled, "MK108") == ["7:3 MK108"]
    assert findings(partial, "MK108") == ["2:1 MK108"]
    assert findings(single) == []


UNKNOWN_KEY_HELP_CASES = [
    pytest.param("dtyp: float16\n", "did you mean `dtype`?", True, id="typo-renamed"),
    pytest.param(
        "dtyp: float16\ndtype: bfloat16\n", "remove it: `dtype` is already set on line 6", False, id="typo-of-key-present"
    ),
    pytest.param("x-dtype: &dt bf16\n", "unless it only defines an anchor", False, id="anchored-scalar"),
    pytest.param("defaults: &d {weight: 1}\n", "unless it only defines an anchor", False, id="anchored-mapping"),
]


@pytest.mark.parametrize(("extra", "help_text", "has_fix"), UNKNOWN_KEY_HELP_CASES)
def test_unknown_key_help_case(extra, help_text, has_fix):
    source = "merge_method: linear\nmodels:\n  - model: org/a\n    parameters: {weight: 1.0}\n" + extra
    result = lint_text(source, "case.yml")
    unknown = [d for d in result.diagnostics if d.code == "MK101"]

    assert len(unknown) == 1
    assert unknown[0].span.line == 5
    assert help_text in unknown[0].help
    assert (unknown[0].fix is not None) == has_fix
