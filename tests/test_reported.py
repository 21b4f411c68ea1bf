"""Reported mergekit-yaml mistakes: each reduced case, and a variant of the same mistake."""

import re

import pytest
from helpers import REPORTED, lint_text

# Case file -> the rule its `# expect:` line describes.
MERGE_CASES = {
    "07-slice-sources-unequal-lengths.yml": "MK402",
    "08-empty-layer-range.yml": "MK401",
    "10-merge-method-typo.yml": "MK201",
    "11-invalid-dtype-bfloat.yml": "MK501",
    "13-parameters-misindented.yml": "MK301",
    "15-same-model-twice-linear.yml": "MK205",
    "22-slerp-base-not-among-sources.yml": "MK203",
    "25-duplicate-token-keys.yml": "MK005",
    "27-toplevel-normalize-ignored.yml": "MK303",
    "28-slices-skip-layer-zero.yml": "MK404",
}

# The same mistakes in another shape.
VARIANTS = {
    "MK402": """\
merge_method: linear
slices:
  - sources:
      - {model: org/a, layer_range: [0, 8], parameters: {weight: 1}}
      - {model: org/b, layer_range: [8, 24], parameters: {weight: 1}}
""",
    "MK401": """\
merge_method: passthrough
slices:
  - sources:
      - model: org/a
        layer_range: [30, 20]
""",
    "MK201": """\
merge_method: Task-Arithmetic
base_model: org/base
models:
  - model: org/a
    parameters: {weight: 1}
""",
    "MK501": """\
merge_method: linear
out_dtype: half
models:
  - model: org/a
    parameters: {weight: 1}
""",
    "MK301": """\
merge_method: della
base_model: org/base
slices:
  - sources:
      - model: org/base
        layer_range: [0, 8]
      - model: org/a
        layer_range: [0, 8]
        parameters:
        weight: 0.5
        density: 0.5
""",
    "MK205": """\
merge_method: ties
base_model: org/base
slices:
  - sources:
      - {model: org/base, layer_range: [0, 8]}
      - {model: org/a, layer_range: [0, 8], parameters: {weight: 1}}
      - {model: org/a, layer_range: [8, 16], parameters: {weight: 1}}
""",
    "MK203": """\
merge_method: nearswap
base_model: org/base
slices:
  - sources:
      - {model: org/a, layer_range: [0, 8]}
      - {model: org/b, layer_range: [0, 8]}
parameters: {t: 0.001}
""",
    "MK005": """\
merge_method: linear
models:
  - model: org/a
    parameters:
      weight: 0.3
      weight: 0.7
""",
    "MK303": """\
merge_method: ties
base_model: org/base
int8_mask: true
slices:
  - sources:
      - {model: org/base, layer_range: [0, 8]}
      - {model: org/a, layer_range: [0, 8], parameters: {weight: 1}}
    rescale: true
""",
    "MK404": """\
merge_method: passthrough
slices:
  - sources:
      - {model: org/a, layer_range: [0, 20]}
  - sources:
      - {model: org/a, layer_range: [21, 40]}
""",
}

SEVERITY = {"error": "error", "warning": "warning"}


@pytest.mark.skipif(not REPORTED.exists(), reason="the shared reported cases are not present")
@pytest.mark.parametrize(("name", "code"), sorted(MERGE_CASES.items()))
def test_reported_case_gets_its_diagnostic(name, code):
    text = (REPORTED / name).read_text(encoding="utf-8")
    severity = re.match(r"# expect: (\w+)", text).group(1)
    found = [d for d in lint_text(text, name).diagnostics if d.code == code]
    assert found, f"{name} should get {code}"
    assert found[0].severity.value == SEVERITY[severity]


@pytest.mark.parametrize(("code", "text"), sorted(VARIANTS.items()))
def test_variant_of_reported_case_gets_the_same_diagnostic(code, text):
    assert code in [d.code for d in lint_text(text).diagnostics]
