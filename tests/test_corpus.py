"""The real configs of the shared corpus against what mergekit 0.1.5 did with each."""

import json

import pytest
from helpers import CORPUS

from mergelint.linter import lint_path

pytestmark = pytest.mark.skipif(not (CORPUS / "expected.jsonl").exists(), reason="the shared corpus is not present")

# Files mergekit merged without an error that still get an error from mergelint, with the
# reason the merged model is broken or would fail on the real models.
ACCEPTED_BUT_BROKEN = {
    "dare_linear/llama2-deepseek-coder-dare-linear.yml": (
        {"MK503"},
        "tokenizer_source `model:llama2-uncensored` uses the pre-0.0.5 prefix and is now a model path named "
        "`model:llama2-uncensored`; the stand-in models hid that no such model exists",
    ),
    "multistage/neuralchat-wizardmath-concat.yml": (
        {"MK708"},
        "two stages pasted into one document: every top-level key is duplicated and YAML silently drops "
        "the first stage",
    ),
}

# The rule whose error must come first for each rejected mergekit-yaml file, by what mergekit raised.
FAILURE_RULES = {
    "Unimplemented merge method": "MK201",
    "Duplicate merge inputs": "MK205",
    "Merge method requires a base input": "MK202",
    "Base input is not present": "MK203",
    "Missing required parameter": "MK301",
    "Unimplemented dtype": "MK501",
    "merge_method\n  Field required": "MK103",
    "Input should be a valid number": "MK304",
}


def _expectations():
    with open(CORPUS / "expected.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _entries(verdict):
    if not (CORPUS / "expected.jsonl").exists():
        return []
    return [pytest.param(e, id=e["file"]) for e in _expectations() if e["verdict"] == verdict and e["kind"] == "yaml"]


@pytest.mark.parametrize("entry", _entries("reject"))
def test_rejected_config_gets_the_failing_error_first(entry):
    result = lint_path(str(CORPUS / entry["file"]))
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert errors, f"mergekit rejected it: {entry.get('parse_error') or entry.get('merge_error')}"

    failure = entry.get("parse_error") or entry.get("merge_error") or ""
    expected = [code for text, code in FAILURE_RULES.items() if text in failure]
    assert expected, f"no rule is mapped to mergekit's failure {failure!r}"
    assert errors[0].code == expected[0]


@pytest.mark.parametrize("entry", _entries("accept"))
def test_accepted_config_gets_no_error(entry):
    result = lint_path(str(CORPUS / entry["file"]))
    codes = sorted({d.code for d in result.diagnostics if d.severity.value == "error"})
    if entry["file"] in ACCEPTED_BUT_BROKEN:
        assert set(codes) == ACCEPTED_BUT_BROKEN[entry["file"]][0]
    else:
        assert codes == []


def test_every_corpus_file_lints_without_crashing():
    for entry in _expectations():
        result = lint_path(str(CORPUS / entry["file"]))
        assert result.kind is not None
