"""mergekit-moe rules (MK6xx): each case is a config and its exact ``line:col CODE`` findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import findings

from mergelint.cli import cli
from mergelint.linter import lint_text

GOOD = """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts: ["write a python function"]
  - source_model: org/mistral-chat
    positive_prompts: ["tell me about your day"]
"""

CASES = [
    pytest.param(
        GOOD,
        [],
        id='good',
    ),
    pytest.param(
        'gate_mode: hiden\n' + GOOD,
        ['1:12 MK601'],
        id='gate-typo',
    ),
    pytest.param(
        'gate_mode: router\n' + GOOD,
        ['1:12 MK601'],
        id='gate-unknown',
    ),
    pytest.param(
        'gate_mode: uniform_random\n' + GOOD,
        [],
        id='gate-uniform-ok',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts: ["write a python function"]
  - source_model: org/mistral-chat
  - source_model: org/mistral-math
    positive_prompts: []
""",
        ['2:1 MK610', '5:19 MK602', '7:23 MK602'],
        id='missing-prompts',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
gate_mode: uniform_random
experts:
  - source_model: org/mistral-code
  - source_model: org/mistral-chat
""",
        ['4:19 MK602', '5:19 MK602'],
        id='uniform-random-needs-prompts',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
gate_mode: random
experts:
  - source_model: org/mistral-code
  - source_model: org/mistral-chat
""",
        [],
        id='random-no-prompts',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
gate_mode: cheap_embed
experts:
  - source_model: org/mistral-code
    positive_prompts: ["hello", "world"]
  - source_model: org/mistral-chat
    positive_prompts: ["hello", "world"]
""",
        ['3:1 MK603'],
        id='identical-nonempty',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts: ["hello"]
    negative_prompts: ["math"]
  - source_model: org/mistral-chat
    positive_prompts: ["hello"]
""",
        [],
        id='identical-but-negatives-differ',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts:
      - ""
  - source_model: org/mistral-chat
    positive_prompts:
      - ''
  - source_model: org/mistral-math
    positive_prompts:
      - ""
  - source_model: org/mistral-bio
    positive_prompts:
      - ""
""",
        ['2:1 MK603'],
        id='identical-empty-block-list',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts: ["write a python function"]
  - source_model: org/mistral-chat
    positive_prompts: ["", " "]
""",
        ['6:23 MK604'],
        id='one-empty-prompt',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-chat
    positive_prompts: ["code"]
  - source_model: org/mistral-chat
    positive_prompts: ["chat"]
""",
        ['2:1 MK605'],
        id='same-model',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-chat
    positive_prompts: ["code"]
  - source_model: {model: org/mistral-chat}
    positive_prompts: ["chat"]
""",
        ['2:1 MK605'],
        id='same-model-string-and-mapping',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-chat
    positive_prompts: ["code"]
  - source_model: {org: 1, 0: 2}
    positive_prompts: ["chat"]
""",
        ['5:20 MK101', '5:28 MK101', '5:5 MK103'],
        id='malformed-model-mixed-keys-no-crash',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
gate_mode: random
experts:
  - source_model: org/mistral-chat
  - source_model: org/mistral-chat
""",
        [],
        id='same-model-random-ok',
    ),
    pytest.param(
        'experts_per_token: 0\n' + GOOD,
        ['1:20 MK606'],
        id='ept-zero',
    ),
    pytest.param(
        'experts_per_token: 3\n' + GOOD,
        ['1:20 MK606'],
        id='ept-too-many',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
gate_mode: random
experts:
  - source_model: org/mistral-code
""",
        ['3:1 MK606'],
        id='ept-default-one-expert',
    ),
    pytest.param(
        'experts_per_token: 1\n' + GOOD,
        [],
        id='ept-one-ok',
    ),
    pytest.param(
        'architecture: llama\n' + GOOD,
        ['1:15 MK607'],
        id='arch-unknown',
    ),
    pytest.param(
        'architecture: qwen2\n' + GOOD,
        ['1:15 MK607'],
        id='arch-qwen2',
    ),
    pytest.param(
        'architecture: MIXTRAL\n' + GOOD,
        [],
        id='arch-mixtral-case',
    ),
    pytest.param(
        'architecture: mixtral\n' + GOOD + 'shared_experts:\n  - source_model: org/mistral-base\n',
        ['1:15 MK608'],
        id='mixtral-shared',
    ),
    pytest.param(
        'architecture: deepseek\n' + GOOD + 'shared_experts:\n  - source_model: org/mistral-base\n    positive_prompts: [hi]\n',
        ['1:15 MK608'],
        id='deepseek-shared-prompts',
    ),
    pytest.param(
        'architecture: deepseek\n' + GOOD + 'shared_experts:\n  - source_model: org/mistral-base\n',
        [],
        id='deepseek-one-shared-ok',
    ),
    pytest.param(
        'architecture: deepseek\n' + GOOD + 'shared_experts:\n  - source_model: org/mistral-base\n  - source_model: org/mistral-chat\n',
        ['1:15 MK608'],
        id='deepseek-two-shared',
    ),
    pytest.param(
        """\
base_model: Qwen/Qwen2.5-7B-Instruct
architecture: qwen
experts:
  - source_model: Qwen/Qwen2.5-Coder-7B-Instruct
    positive_prompts: ["code"]
  - source_model: Qwen/Qwen2.5-Math-7B-Instruct
    positive_prompts: ["math"]
shared_experts:
  - source_model: Qwen/Qwen2.5-7B-Instruct
""",
        ['2:15 MK608'],
        id='qwen-shared-no-prompts-hidden',
    ),
    pytest.param(
        """\
base_model: Qwen/Qwen3-8B
architecture: Qwen3
gate_mode: random
experts:
  - source_model: org/Qwen3-8B-code
  - source_model: org/Qwen3-8B-math
""",
        [],
        id='qwen3-no-shared-ok',
    ),
    pytest.param(
        """\
base_model: Qwen/Qwen3-8B
gate_mode: random
experts:
  - source_model: org/Qwen3-8B-code
  - source_model: org/Qwen3-8B-math
shared_experts:
  - source_model: Qwen/Qwen3-8B
""",
        ['6:1 MK608'],
        id='qwen3-models-no-arch',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
gate_mode: random
experts:
  - source_model: org/mistral-code
  - source_model: org/mistral-chat
shared_experts:
  - source_model: org/mistral-base
    positive_prompts: ["hello"]
  - source_model: org/mistral-math
""",
        ['6:1 MK608', '6:1 MK609'],
        id='mixed-shared-prompts',
    ),
    pytest.param(
        GOOD + '  - source_model: org/mistral-math\n    positive_prompts: ["solve"]\n',
        ['2:1 MK610'],
        id='three-experts',
    ),
    pytest.param(
        'architecture: deepseek\n' + GOOD + '  - source_model: org/mistral-math\n    positive_prompts: ["solve"]\n',
        [],
        id='three-experts-deepseek-ok',
    ),
    pytest.param(
        """\
base_model: org/mistral-base
experts:
  - source_model: org/mistral-code
    positive_prompts: "write code"
    noise_scale: loud
  - model: org/mistral-chat
    positive_prompts: ["chat"]
experts_per_tokens: 2
""",
        ['4:23 MK102', '5:18 MK102', '6:5 MK101', '6:5 MK103', '8:1 MK101'],
        id='grammar',
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_moe_case(source, expected):
    assert findings(source, prefix="MK") == expected


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
REPORTED = Path(__file__).resolve().parents[2] / "shared" / "cases" / "reported"

# What mergekit-moe 0.1.5 did with each file (expected.jsonl), and the error that explains it.
MOE_VERDICTS = {
    "moe/cosmosis-3x34b.yml": [],
    "moe/helion-4x34b.yml": [],
    "moe/metamodel-moex8-empty-prompts.yml": ["MK603"],
    "moe/mk-doc-moe-hidden-4x7b.yml": [],
    "moe/mk-doc-moe-random-clones.yml": [],
    "moe/moe-placeholder-same-expert.yml": ["MK603", "MK605"],
    "moe/moe-question-mark-placeholders.yml": ["MK603"],
    "moe/phi2-moe-2x-cheap-embed.yml": [],
    "moe/phi2-moe-cheap-embed-4x.yml": ["MK603"],
    "moe/qwen25-moe-shared-expert.yml": [],
    # Qwen3 models with a shared expert: Qwen MoE takes no qwen3 models, Qwen3 MoE no shared expert.
    "moe/qwen3-06b-moe-random.yml": ["MK608"],
    "moe/yuisekin-moe-1b-base-7b-experts.yml": [],
    "moe/yuisekin-moe-mistral-rakuten-math.yml": [],
    "moe/yuisekin-moe-tinyllama-deepseek.yml": [],
    "examples/moe-docs-mistral-clowncar.yml": [],
    "examples/moe-docs-smol-llama-upcycle.yml": [],
}


@pytest.mark.parametrize(("name", "expected"), MOE_VERDICTS.items())
def test_moe_corpus_errors(name, expected):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"the shared corpus is not checked out next to the repository ({path})")
    result = lint_text(path.read_text(encoding="utf-8"), str(path))

    assert result.kind == "moe"
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == expected


REPORTED_CASES = [
    ("03-moe-identical-empty-prompts.yml", ["5:1 MK603"]),
    ("05-moe-config-run-with-mergekit-yaml.yml", []),
    ("24-qwen-moe-missing-shared-expert.yml", ["3:15 MK608"]),
]


@pytest.mark.parametrize(("name", "expected"), REPORTED_CASES)
def test_moe_reported_cases(name, expected):
    path = REPORTED / name
    if not path.exists():
        pytest.skip(f"the shared cases are not checked out next to the repository ({path})")
    result = lint_text(path.read_text(encoding="utf-8"), str(path))

    assert result.kind == "moe"
    assert sorted(f"{d.span.line}:{d.span.column} {d.code}" for d in result.diagnostics) == expected


def test_moe_file_names_its_command():
    path = REPORTED / "05-moe-config-run-with-mergekit-yaml.yml"
    if not path.exists():
        pytest.skip(f"the shared cases are not checked out next to the repository ({path})")
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(cli, [str(path)])

    assert result.exit_code == 0
    assert "mergekit-moe config, run with mergekit-moe" in result.output


def test_moe_file_linted_as_merge():
    result = lint_text(GOOD, kind="merge")

    assert "MK021" in [d.code for d in result.diagnostics]
