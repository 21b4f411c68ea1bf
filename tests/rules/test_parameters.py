"""MK3xx: merge parameters."""

import pytest
from helpers import findings, lint_text

CASES = [
    pytest.param(
        """\
        merge_method: task_arithmetic
        base_model: org/base
        models:
          - model: org/a
            parameters:
            weight: 1.0
        """,
        ["6:5 MK301"],
        id="weight-beside-empty-parameters",
    ),
    pytest.param(
        """\
        merge_method: dare_ties
        base_model: org/base
        models:
          - model: org/a
            weight: 1.0
            parameters:
              density: 0.5
        """,
        ["5:5 MK301"],
        id="weight-beside-filled-parameters",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: org/base
        slices:
          - sources:
              - model: org/base
                layer_range: [0, 4]
              - model: org/a
                layer_range: [0, 4]
                weight: 0.7
        """,
        ["9:9 MK301"],
        id="weight-beside-source",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - model: org/a
                layer_range: [0, 4]
              - model: org/b
                layer_range: [0, 4]
                parameters:
                  t: 0.5
        """,
        ["10:11 MK301"],
        id="shared-t-given-per-model",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        t: 0.5
        """,
        ["7:1 MK301"],
        id="t-at-top-level",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters:
          t:
            - filter: self_attn
              value: 0.3
            - filter: mlp
              value: 0.7
        """,
        ["8:3 MK301"],
        id="t-without-catch-all",
    ),
    pytest.param(
        """\
        merge_method: linear
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 0.5}
        """,
        ["2:13 MK301"],
        id="linear-base-auto-added-needs-weight",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: //models/base
        models:
          - model: /models/base
          - model: org/a
            parameters: {weight: 1.0}
        """,
        ["4:12 MK301"],
        id="base-spelled-differently",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a
            parameters: {weight: 0.5, density: 0.5}
          - model: org/b
            parameters: {weight: 0.5, wieght: 0.5}
        """,
        ["4:31 MK302", "6:31 MK302"],
        id="parameters-not-read",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 0.5, normalize: true}
        """,
        ["5:31 MK302"],
        id="shared-parameter-under-model",
    ),
    pytest.param(
        """\
        merge_method: linear
        normalize: true
        models:
          - model: org/a
            parameters: {weight: 1.0}
        """,
        ["2:1 MK303"],
        id="normalize-at-top-level",
    ),
    pytest.param(
        """\
        merge_method: task_arithmetic
        base_model: org/base
        models:
          - model: org/a
            parameters:
              weight: [{filter: norm, value: 0.0}, {value: <whatever>}]
        """,
        ["6:52 MK304"],
        id="weight-not-a-number",
    ),
    pytest.param(
        """\
        merge_method: della
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 1.0, density: 0.1}
        """,
        ["5:40 MK304"],
        id="della-density-below-epsilon",
    ),
    pytest.param(
        """\
        merge_method: della_linear
        base_model: org/base
        parameters: {epsilon: 0.3}
        models:
          - model: org/a
            parameters: {weight: 1.0, density: 0.8}
        """,
        ["6:40 MK304"],
        id="della-density-plus-epsilon-above-one",
    ),
    pytest.param(
        """\
        merge_method: dare_linear
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 1.0, density: -0.2}
        """,
        ["5:40 MK304"],
        id="dare-negative-density",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters: {t: [0, 1.2]}
        """,
        ["7:21 MK305"],
        id="t-outside-unit-interval",
    ),
    pytest.param(
        """\
        merge_method: sce
        base_model: org/base
        parameters: {select_topk: 0}
        models:
          - model: org/a
        """,
        ["3:27 MK305"],
        id="select-topk-zero",
    ),
    pytest.param(
        """\
        merge_method: ties
        base_model: org/base
        parameters: {lambda: 0}
        models:
          - model: org/a
            parameters: {weight: 1.0, density: 0}
        """,
        ["3:22 MK305", "6:40 MK305"],
        id="lambda-and-density-zero",
    ),
    pytest.param(
        """\
        merge_method: breadcrumbs
        base_model: org/base
        models:
          - model: org/a
            parameters: {weight: 1.0, density: 0.95, gamma: 0.1}
        """,
        ["5:53 MK305"],
        id="density-plus-gamma-above-one",
    ),
    pytest.param(
        """\
        merge_method: linear
        models:
          - model: org/a
            parameters: {weight: 1.0}
          - model: org/b
            parameters: {weight: -1.0}
        """,
        ["1:15 MK306"],
        id="weights-cancel-out",
    ),
    pytest.param(
        """\
        merge_method: linear
        parameters: {normalize: false}
        models:
          - model: org/a
            parameters: {weight: 1.0}
          - model: org/b
            parameters: {weight: -1.0}
        """,
        [],
        id="weights-cancel-without-normalize",
    ),
    pytest.param(
        """\
        merge_method: linear
        parameters: {weight: 1.0}
        models:
          - model: org/a
            parameters: {weight: []}
          - model: org/b
        """,
        ["5:26 MK307"],
        id="empty-gradient",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters:
          t:
            - value: 0.5
            - filter: self_attn
              value: 0.3
            - filter: mlp.*
              value: 0.7
        """,
        ["10:7 MK308", "12:7 MK308"],
        id="entry-after-catch-all",
    ),
    pytest.param(
        """\
        merge_method: slerp
        base_model: org/a
        slices:
          - sources:
              - {model: org/a, layer_range: [0, 4]}
              - {model: org/b, layer_range: [0, 4]}
        parameters:
          t:
            - filter: self_attn|mlp
              value: 0.3
            - value: 0.5
        """,
        ["9:15 MK308"],
        id="regex-filter",
    ),
    pytest.param(
        """\
        merge_method: dare_ties
        base_model: org/base
        parameters:
          normalize: true
          int8_mask: true
        models:
          - model: org/a
            parameters:
              weight: [0.2, 0.5]
              density: 0.53
          - model: org/b
            parameters:
              weight:
                - filter: mlp
                  value: 0.5
                - value: 0.3
              density: 0.5
        """,
        [],
        id="dare-ties-clean",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_parameter_rules(source, expected):
    assert findings(source, "MK3") == expected


def test_clean_cases_have_no_findings_at_all():
    for case in CASES:
        source, expected = case.values
        if not expected:
            assert findings(source) == [], case.id


def test_misindented_weight_fix_indents_it():
    source = "merge_method: task_arithmetic\nbase_model: org/b\nmodels:\n  - model: org/a\n    parameters:\n    weight: 1.0\n"
    diagnostic = next(d for d in lint_text(source).diagnostics if d.code == "MK301")
    edit = diagnostic.fix.edits[0]
    fixed = source[: edit.start] + edit.replacement + source[edit.end :]
    assert fixed.endswith("    parameters:\n      weight: 1.0\n")
    assert [d.code for d in lint_text(fixed).diagnostics] == []


def test_far_method_name_is_not_assumed():
    source = """\
    merge_method: lrp
    models:
      - model: org/a
        parameters: {weight: 0.5, density: 0.5}
    """
    assert findings(source) == ["1:15 MK201"]


def test_close_method_name_is_checked_as_that_method():
    source = """\
    merge_method: dare_tie
    base_model: org/base
    models:
      - model: org/a
        parameters: {density: 0.5}
    """
    assert findings(source) == ["1:15 MK201", "4:12 MK301"]


def test_filter_typo_and_density_above_one():
    source = """\
    merge_method: dare_ties
    base_model: org/base
    parameters:
      weight:
        - filter: self_atn
          value: 0.3
        - filter: layers.1.
          value: 0.2
        - value: 0.5
    models:
      - model: org/a
        parameters: {density: 5}
    """
    assert findings(source) == ["12:27 MK305", "5:15 MK308"]


def test_boolean_word_is_fine_for_boolean_parameter():
    source = """\
    merge_method: ties
    base_model: org/base
    parameters: {normalize: no, weight: on}
    models:
      - model: org/a
    """
    assert findings(source) == ["3:37 MK901"]


def test_mixed_list_and_integer_gradient():
    mixed = """\
    merge_method: slerp
    base_model: org/a
    slices:
      - sources:
          - {model: org/a, layer_range: [0, 4]}
          - {model: org/b, layer_range: [0, 4]}
    parameters:
      t: [0.2, {filter: mlp, value: 0.5}]
    """
    gradient = """\
    merge_method: karcher
    models:
      - model: org/a
      - model: org/b
    parameters:
      max_iter: [5, 10]
    """
    assert findings(mixed, "MK3") == ["8:6 MK304"]
    assert findings(gradient, "MK3") == ["6:13 MK304"]


def test_weight_on_slice_is_named():
    source = """\
    merge_method: ties
    base_model: org/b
    slices:
      - sources:
          - {model: org/b, layer_range: [0, 4]}
          - {model: org/a, layer_range: [0, 4]}
        weight: 0.5
    """
    assert findings(source) == ["7:5 MK301"]


def test_silent_value_mistakes():
    row_wise = """\
    merge_method: nuslerp
    parameters: {nuslerp_row_wise: true}
    models:
      - model: org/a
        parameters: {weight: 1}
      - model: org/b
        parameters: {weight: 1}
    """

    restart = """\
    merge_method: slerp
    base_model: org/a
    slices:
      - sources:
          - {model: org/a, layer_range: [0, 16]}
          - {model: org/b, layer_range: [0, 16]}
      - sources:
          - {model: org/a, layer_range: [16, 32]}
          - {model: org/b, layer_range: [16, 32]}
    parameters:
      t: [0.0, 1.0]
    """

    bool_gradient = """\
    merge_method: ties
    base_model: org/base
    parameters: {normalize: [true, false]}
    models:
      - model: org/a
        parameters: {weight: 1}
    """

    assert findings(row_wise, "MK3") == ["2:32 MK305"]
    assert findings(restart, "MK3") == ["11:6 MK309"]
    assert findings(bool_gradient, "MK3") == ["3:25 MK305"]


def test_unknown_parameter_help_anchored_key():
    source = (
        "merge_method: slerp\nbase_model: org/a\nslices:\n  - sources:\n      - model: org/a\n        layer_range: [0, 2]\n"
        "      - model: org/b\n        layer_range: [0, 2]\nparameters:\n  x-t: &t 0.3\n  t: *t\n"
    )

    unknown = [d for d in lint_text(source, "case.yml").diagnostics if d.code == "MK302"]

    assert [(d.span.line, d.span.column) for d in unknown] == [(10, 3)]
    assert unknown[0].help.startswith("remove it, unless it only defines an anchor")
