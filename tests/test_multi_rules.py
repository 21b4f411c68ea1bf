"""mergekit-multi rules (MK7xx): each case is a file and its exact ``line:col CODE`` findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import findings

STAGE = """\
name: blend
merge_method: linear
models:
  - model: org/model-a
    parameters:
      weight: 1.0
"""

FINAL = """\
---
merge_method: linear
models:
  - model: blend
    parameters:
      weight: 1.0
"""

CASES = [
    pytest.param(STAGE + FINAL, [], id="two-stages"),
    pytest.param(STAGE.replace("name: blend\n", "") + FINAL, ["7:1 MK701"], id="two-unnamed"),
    pytest.param(STAGE + FINAL + FINAL, ["14:1 MK701"], id="three-one-named"),
    pytest.param(STAGE + FINAL.replace("---\n", "---\nname: blend\n"), ["11:12 MK703", "8:7 MK702"], id="duplicate-name"),
    pytest.param(STAGE.replace("org/model-a", "blend") + FINAL, ["4:12 MK703"], id="self-reference"),
    pytest.param(
        STAGE.replace("org/model-a", "other") + FINAL.replace("---\n", "---\nname: other\n"),
        ["11:12 MK703"],
        id="two-stage-cycle",
    ),
    pytest.param(STAGE + FINAL.replace("model: blend", "model: blend+org/lora@main"), [], id="reference-with-lora"),
    pytest.param(STAGE + FINAL.replace("model: blend", "model: blnd"), ["10:12 MK704"], id="misspelled-reference"),
    pytest.param(STAGE + FINAL.replace("model: blend", "model: gpt2"), [], id="bare-hub-id"),
    pytest.param(STAGE + FINAL + "---\n", ["13:1 MK705"], id="trailing-separator"),
    pytest.param(STAGE + "---\n" + FINAL, ["7:1 MK705"], id="double-separator"),
    pytest.param(STAGE.replace("name: blend", "name: linear") + FINAL, ["2:15 MK703", "2:15 MK706", "8:15 MK706"], id="stage-named-method"),
    pytest.param(
        STAGE + FINAL + "tokenizer_source: base\n" + "---\nname: base\nmerge_method: linear\nmodels:\n  - model: org/b\n"
        "    parameters:\n      weight: 1.0\n",
        ["13:19 MK706"],
        id="stage-named-base",
    ),
    pytest.param(
        STAGE + "chat_template: \"{{ a + b + c }}\"\n" + FINAL, ["7:16 MK707"], id="jinja-plus"
    ),
    pytest.param(
        STAGE + FINAL.replace("weight: 1.0", "weight: 1.0\n    filter: a@b@c"), ["13:13 MK707"], id="two-at-signs"
    ),
    pytest.param(STAGE + "chat_template: \"{{ a + b }}\"\n" + FINAL, [], id="one-plus"),
    pytest.param(
        STAGE + "merge_method: linear\nmodels:\n  - model: org/model-b\n    parameters:\n      weight: 1.0\n",
        ["7:1 MK708"],
        id="pasted-stages",
    ),
    pytest.param(
        STAGE + "---\nbase_model: blend\nexperts:\n  - source_model: org/a\n    positive_prompts: [code]\n",
        ["8:1 MK709"],
        id="moe-stage",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_multi_case(source, expected):
    assert findings(source, prefix="MK0") + findings(source, prefix="MK7") == expected


def test_stage_name_not_unknown_key():
    assert findings(STAGE + FINAL, prefix="MK101") == []


def test_stage_name_accepted_by_yaml():
    # mergekit-yaml ignores `name`, so one stage run alone merges the same.
    assert findings(STAGE, prefix="MK101") == []


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_multistage_corpus_positions():
    path = CORPUS / "multistage" / "neuralchat-wizardmath-concat.yml"
    if not path.exists():
        pytest.skip(f"the shared corpus is not checked out next to the repository ({path})")

    assert findings(path.read_text(encoding="utf-8"), prefix="MK7") == ["15:1 MK708"]


def test_moe_stage_gets_only_non_merge_stage():
    text = (
        "name: experts\nbase_model: org/a\ngate_mode: random\nexperts:\n  - source_model: org/b\n"
        "  - source_model: org/c\n---\nmerge_method: linear\nmodels:\n  - model: experts\n"
        "    parameters: {weight: 1}\n"
    )
    assert findings(text) == ["1:1 MK709"]
