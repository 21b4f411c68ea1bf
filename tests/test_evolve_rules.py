"""mergekit-evolve rules (MK8xx): each case is a config and its exact ``line:col CODE`` findings."""

from __future__ import annotations

import pytest
from helpers import findings, lint_text, write_cached_model

GOOD = """\
genome:
  models:
    - org/model-a
    - org/model-b
  merge_method: linear
tasks:
  - my_task_train
"""

CASES = [
    pytest.param(GOOD, [], id="good"),
    pytest.param(GOOD.replace("linear", "dare_linear"), ["5:17 MK801"], id="method-not-evolvable"),
    pytest.param(GOOD.replace("linear", "Task-Arithmetic") + "", ["5:17 MK801"], id="method-typo"),
    pytest.param(GOOD.replace("linear", "ties"), ["5:3 MK802"], id="ties-without-base"),
    pytest.param(GOOD.replace("linear", "ties\n  base_model: org/base"), [], id="ties-with-base"),
    pytest.param(GOOD.replace("linear", "slerp\n  smooth: true"), ["6:11 MK803"], id="slerp-smooth"),
    pytest.param(GOOD.replace("linear", "slerp\n  filters: [mlp]"), ["6:3 MK803"], id="slerp-filters"),
    pytest.param(GOOD.replace("linear", "slerp\n  smooth: false\n  filters: []"), [], id="slerp-empty-filters"),
    pytest.param(GOOD.replace("linear", "linear\n  smooth: true\n  filters: [mlp]"), [], id="linear-smooth"),
    pytest.param(GOOD.replace("linear", "linear\n  layer_granularity: -8"), ["6:22 MK804"], id="negative-granularity"),
    pytest.param(GOOD.replace("my_task_train", "gsm8k"), ["7:5 MK805"], id="benchmark-task"),
    pytest.param(GOOD.replace("my_task_train", "name: arc_easy\n    weight: 0.5"), ["7:11 MK805"], id="benchmark-mapping"),
    pytest.param(GOOD.replace("my_task_train", "mmlu_train"), [], id="benchmark-train-split"),
    pytest.param("genome:\n  models: []\n  merge_method: linear\ntasks: [my_task_train]\n", ["2:3 MK806"], id="no-models"),
    pytest.param(GOOD.replace("tasks:\n  - my_task_train", "tasks: []"), ["6:1 MK806"], id="no-tasks"),
    pytest.param(
        GOOD + "limit: many\nshuffle: maybe\nrandom_init: true\n", ["8:8 MK102", "9:10 MK102"], id="option-types"
    ),
    pytest.param(GOOD.replace("  merge_method: linear\n", ""), ["1:1 MK103"], id="missing-method"),
    pytest.param(GOOD.replace("my_task_train", "metric: acc"), ["7:5 MK103"], id="task-without-name"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_evolve_case(source, expected):
    assert findings(source, prefix="MK1") + findings(source, prefix="MK8") == expected


def test_key_written_above_genome_is_pointed_at():
    text = "genome:\n  models: [org/a, org/b]\n  base_model: org/a\nmerge_method: ties\ntasks:\n  - name: my_task_train\n"
    result = lint_text(text, "evolve.yml")
    missing = next(d for d in result.diagnostics if d.code == "MK103")
    assert (missing.span.line, missing.span.column) == (1, 1)
    assert missing.help == "move `merge_method` (line 4) under `genome:`"


GRANULARITY_CASES = [
    pytest.param("6", ["6:22 MK807"], id="not-a-divisor"),
    pytest.param("8", [], id="divisor-clean"),
    pytest.param("0", [], id="zero-clean"),
]


@pytest.mark.parametrize(("granularity", "expected"), GRANULARITY_CASES)
def test_layer_granularity_divides_cached_model(granularity, expected, tmp_path, monkeypatch):
    write_cached_model(tmp_path, "org/model-a", {"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 32})
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))

    source = GOOD.replace("linear", f"linear\n  layer_granularity: {granularity}")

    assert findings(source, prefix="MK8") == expected


def test_layer_granularity_unchecked_without_model(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))

    source = GOOD.replace("linear", "linear\n  layer_granularity: 6")

    assert findings(source, prefix="MK8") == []
