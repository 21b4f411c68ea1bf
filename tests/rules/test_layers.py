"""MK4xx: slices and layer ranges."""

import pytest
from helpers import findings

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
