"""MK5xx: dtypes, tokenizer settings and chat template; MK9xx: YAML 1.1 surprises."""

import pytest
from helpers import findings, lint_text

BASE = """\
merge_method: linear
models:
  - model: org/a
    parameters: {weight: 1.0}
"""

CASES = [
    pytest.param(BASE + "dtype: bfloat\n", ["5:8 MK501"], id="dtype-bfloat"),
    pytest.param(BASE + "out_dtype: fp16\n", ["5:12 MK501"], id="out-dtype-fp16"),
    pytest.param(BASE + "dtype: int64\n", ["5:8 MK501"], id="dtype-int64"),
    pytest.param(BASE + "dtype: torch.float32\nout_dtype: float64\n", [], id="dtypes-clean"),
    pytest.param(BASE + "chat_template: chat-ml\n", ["5:16 MK502"], id="chat-template-typo"),
    pytest.param(BASE + "chat_template: vicuna\n", ["5:16 MK502"], id="chat-template-unknown"),
    pytest.param(
        BASE + 'chat_template: "{% for m in messages %}{{ m.content }}{% endfor %}"\n', [], id="jinja-template-clean"
    ),
    pytest.param(BASE + "tokenizer_source: Union\n", ["5:19 MK503"], id="tokenizer-source-case"),
    pytest.param(BASE + "tokenizer:\n  source: model:org/a\n", ["6:11 MK503"], id="tokenizer-model-prefix"),
    pytest.param(
        BASE
        + "tokenizer:\n  source: union\n  tokens:\n    <|im_start|>:\n      source:\n"
        + "        kind: model_token\n        model: org/a\n        token: <s>\n        token_id: 1\n",
        ["10:9 MK504"],
        id="model-token-with-both",
    ),
    pytest.param(
        BASE + "tokenizer:\n  source: union\n  tokens:\n    <pad>:\n      source: {kind: zero}\n      force: true\n",
        [],
        id="zero-token-clean",
    ),
]

YAML11_CASES = [
    pytest.param(BASE.replace("weight: 1.0", "weight: 010"), ["4:26 MK901"], id="octal"),
    pytest.param(BASE.replace("weight: 1.0", "weight: 1e-3"), ["4:26 MK901"], id="exponent-without-dot"),
    pytest.param(BASE.replace("weight: 1.0", "weight: on"), ["4:26 MK901"], id="boolean-word"),
    pytest.param(BASE.replace("weight: 1.0", "weight: 1:30"), ["4:26 MK901"], id="sexagesimal"),
    pytest.param(BASE.replace("weight: 1.0", 'weight: "010"'), [], id="quoted-is-clean"),
    pytest.param(BASE.replace("weight: 1.0", "weight: 1.0e-3"), [], id="exponent-with-dot-clean"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_value_rules(source, expected):
    assert findings(source, "MK5") == expected


@pytest.mark.parametrize(("source", "expected"), YAML11_CASES)
def test_yaml11_rule(source, expected):
    assert findings(source, "MK9") == expected


def test_clean_cases_have_no_findings_at_all():
    for case in CASES + YAML11_CASES:
        source, expected = case.values
        if not expected:
            assert findings(source) == [], case.id


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        (BASE + "dtype: bf16\n", BASE + "dtype: bfloat16\n"),
        (BASE + "tokenizer_source: BASE\n", BASE + "tokenizer_source: base\n"),
        (BASE.replace("weight: 1.0", "weight: 1e-3"), BASE.replace("weight: 1.0", "weight: 1.0e-3")),
    ],
)
def test_safe_fixes_produce_a_clean_config(source, fixed):
    diagnostic = next(d for d in lint_text(source).diagnostics if d.fix is not None)
    assert diagnostic.fix.safe
    edit = diagnostic.fix.edits[0]
    assert source[: edit.start] + edit.replacement + source[edit.end :] == fixed
    assert lint_text(fixed).diagnostics == []


def test_exponent_with_dot_but_unsigned_is_a_string():
    source = BASE.replace("weight: 1.0", "weight: 1.0e5")
    diagnostic = next(d for d in lint_text(source).diagnostics if d.code == "MK901")
    edit = diagnostic.fix.edits[0]
    assert source[: edit.start] + edit.replacement + source[edit.end :] == BASE.replace("weight: 1.0", "weight: 1.0e+5")


def test_integer_dtypes_and_token_without_source():
    source = BASE + "dtype: int64\nout_dtype: int64\ntokenizer:\n  source: union\n  tokens:\n    <pad>:\n      force: true\n"
    assert findings(source, "MK5") == ["10:5 MK504", "5:8 MK501", "6:12 MK501"]


def test_block_scalar_value_reported_without_fix():
    result = lint_text(BASE + "dtype: |\n  bf16\n", "case.yml")
    unknown = [d for d in result.diagnostics if d.code == "MK501"]

    assert [(d.span.line, d.span.column) for d in unknown] == [(5, 8)]
    assert "`bf16\\n`" in unknown[0].message
    assert unknown[0].fix is None
