"""Kind detection: every corpus file, and hand-written mixed or ambiguous files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from mergelint.cli import cli
from mergelint.linter import lint_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

FOLDER_KINDS = {"moe": "moe", "multistage": "multi", "evolve": "evolve"}

# Files whose kind is not the one their folder suggests, and why.
EXCEPTIONS = {
    # mergekit's docs examples for mergekit-moe sit among the other examples.
    "examples/moe-docs-mistral-clowncar.yml": "moe",
    "examples/moe-docs-smol-llama-upcycle.yml": "moe",
    # Top-level anchors only, no mergekit key: a snippet, not a config.
    "fragment/frankenmerge-anchor-scale-env.yml": "unknown",
    # One YAML document with `merge_method`, `models`, `base_model` twice: two stages
    # pasted without `---`. mergekit-yaml keeps the second; it is linted as a
    # mergekit-multi file so that MK708 explains the lost stage.
    "multistage/neuralchat-wizardmath-concat.yml": "multi",
}


def corpus_files() -> list[str]:
    if not CORPUS.exists():
        return []
    return sorted(str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*.yml"))


def expected_kind(name: str) -> str:
    if name in EXCEPTIONS:
        return EXCEPTIONS[name]
    return FOLDER_KINDS.get(name.split("/")[0], "merge")


@pytest.mark.parametrize("name", corpus_files() or ["<missing>"])
def test_corpus_file_kind(name):
    if not CORPUS.exists():
        pytest.skip(f"the shared corpus is not checked out next to the repository ({CORPUS})")
    path = CORPUS / name
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(cli, ["--format", "json", str(path)])

    assert result.exit_code in (0, 1), result.output
    assert f'"kind": "{expected_kind(name)}"' in result.output


# Multistage and evolve files carry no error unless listed here with the reason.
REAL_MISTAKES = {
    # Two stages pasted without `---` (MK708, which also stands for the duplicate keys).
    "multistage/neuralchat-wizardmath-concat.yml": {"MK708"},
    # NOTE: evolve/yuisekin-evolve-mixed-arch.yml mixes Gemma, Phi-3 and Mistral models,
    # which mergekit-evolve cannot merge; mergelint cannot see architectures, so it
    # reports nothing there.
}


@pytest.mark.parametrize("name", [n for n in corpus_files() if n.split("/")[0] in ("multistage", "evolve")])
def test_multistage_and_evolve_errors(name):
    result = lint_text((CORPUS / name).read_text(encoding="utf-8"), name)

    errors = {d.code for d in result.diagnostics if d.severity.value == "error"}
    assert errors == REAL_MISTAKES.get(name, set())


MERGE = """\
merge_method: linear
models:
  - model: org/model-a
    parameters:
      weight: 1.0
"""

MOE = """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts: ["write a python function"]
  - source_model: org/mistral-chat
    positive_prompts: ["tell me about your day"]
"""

EVOLVE = """\
genome:
  models: [org/model-a, org/model-b]
  merge_method: linear
tasks: [my_task_train]
"""

BAKLLAMA = """\
layer_slices:
  - model: org/llama-a
    start: 0
    end: 16
"""

# (id, text, detected kind, the kind-related findings as `line:col CODE`)
KIND_CASES = [
    ("merge", MERGE, "merge", []),
    ("moe", MOE, "moe", []),
    ("moe-partial", "base_model: org/a\ngate_mode: hidden\n", "moe", []),
    ("evolve", EVOLVE, "evolve", []),
    ("evolve-without-genome", "tasks: [my_task_train]\nnum_fewshot: 5\n", "evolve", []),
    ("bakllama", BAKLLAMA, "bakllama", ["1:1 MK022"]),
    ("merge-with-name", "name: stage-one\n" + MERGE, "merge", []),
    ("multi", "name: a\n" + MERGE + "---\n" + MERGE, "multi", []),
    ("mega-unnamed", MERGE + "---\n" + MERGE, "multi", ["7:1 MK701"]),
    ("trailing-separator", MERGE + "---\n", "multi", ["6:1 MK705"]),
    ("moe-with-merge-method", "merge_method: linear\n" + MOE, "merge", ["1:1 MK020"]),
    ("moe-with-genome", EVOLVE + "experts: []\n", "evolve", ["1:1 MK020"]),
    ("merge-with-gate-mode", MERGE + "gate_mode: hidden\n", "merge", ["1:1 MK020"]),
    ("moe-stage-in-multi", "name: a\n" + MERGE + "---\n" + MOE, "multi", ["8:1 MK709"]),
    ("repeated-merge-method-line", MERGE + "merge_method: linear\n", "merge", []),
    ("ci-workflow", "name: ci\non: push\n", "unknown", ["1:1 MK007"]),
    ("list", "- a\n- b\n", "unknown", ["1:1 MK007"]),
]


@pytest.mark.parametrize(("source", "kind", "expected"), [pytest.param(*c[1:], id=c[0]) for c in KIND_CASES])
def test_kind_of_hand_written_file(source, kind, expected):
    result = lint_text(textwrap.dedent(source), "case.yml")

    kind_codes = {"MK007", "MK020", "MK021", "MK022", "MK701", "MK705", "MK709"}
    assert result.kind == kind
    assert sorted(f"{d.span.line}:{d.span.column} {d.code}" for d in result.diagnostics if d.code in kind_codes) == expected


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"])
def test_kind_of_invalid_yaml_any_line_break(line_break):
    lines = ["name: my-merge", "merge_method: linear", "models:", "  - model: org/a", "    parameters: {weight: 1", "x: 1"]
    result = lint_text(line_break.join(lines) + line_break, "broken.yml")

    assert result.kind == "merge"
    assert [f"{d.span.line}:{d.span.column} {d.code}" for d in result.diagnostics] == ["6:2 MK004"]


@pytest.mark.parametrize(
    ("source", "forced", "detected"),
    [(MOE, "merge", "moe"), (MERGE, "moe", "merge"), (EVOLVE, "merge", "evolve"), (MOE, "evolve", "moe")],
)
def test_forced_kind_names_real_one(source, forced, detected):
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(cli, ["--kind", forced, "-"], input=source)

    assert result.exit_code == 1
    assert "MK021" in result.output
    assert f"kind `{detected}`" in result.output
