"""Every rule's documentation is complete and its examples do what they claim.

The failing example must trigger the rule, and the corrected example must trigger
neither the rule nor any error. Rules of the MK0xx family (the file and its bytes) may
describe their examples in prose, because an unreadable or undecodable file cannot be
written as a YAML block. The tests at the end build those files for real.
"""

from __future__ import annotations

import os
import re

import pytest

from helpers import write_cached_model

from mergelint.docs import YAML_BLOCK, example_yaml, missing_sections
from mergelint.engine import Rule
from mergelint.kinds import KINDS
from mergelint.linter import lint_path, lint_text
from mergelint.reading import MAX_FILE_BYTES
from mergelint.registry import REGISTRY
from mergelint.selection import select

INPUT_FAMILY = "MK0"

# When detection gives a kind the rule does not check, the example is linted as the
# first kind of this tuple (merge, moe, multi, ...) that the rule applies to.
KIND_PREFERENCE = KINDS

# An example's prose may name the kind to lint it as: "`mergelint --kind merge moe.yml`".
STATED_KIND = re.compile(r"--kind[ =]([a-z]+)")

RULES = list(REGISTRY)


@pytest.fixture(autouse=True)
def model_cache(tmp_path, monkeypatch):
    """Give the examples a Hugging Face cache of Llama models with 32 layers, org/llama-70b with 80,
    and org/mistral-7b, a Mistral model."""
    for name, layers in (("org/model-a", 32), ("org/llama-8b", 32), ("org/llama-8b-instruct", 32), ("org/llama-70b", 80)):
        write_cached_model(tmp_path, name, {"architectures": ["LlamaForCausalLM"], "num_hidden_layers": layers})
    write_cached_model(tmp_path, "org/mistral-7b", {"architectures": ["MistralForCausalLM"], "num_hidden_layers": 32})
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))


def _with_example(heading: str) -> list[type[Rule]]:
    return [rule for rule in RULES if example_yaml(rule, heading) is not None]


def _code(rule: type[Rule]) -> str:
    return f"{rule.code}-{rule.name}"


def stated_kind(rule: type[Rule], heading: str) -> str | None:
    """Return the kind an example section's prose names with `--kind NAME`, if any."""
    prose = YAML_BLOCK.sub("", rule.sections().get(heading, ""))
    match = STATED_KIND.search(prose)
    return match.group(1) if match else None


def lint_example(rule: type[Rule], heading: str):
    """Lint one example as its prose's `--kind`, else as detected, else as the rule's own kind.

    Both examples of a rule are linted the same way: detection is used when it finds,
    for the failing example, a kind the rule checks. Inline suppression comments
    apply, as on the command line, with no settings file.
    """
    path = f"{rule.code}-example.yml"
    text = example_yaml(rule, heading)

    kind = stated_kind(rule, heading)
    if kind is None:
        failing = lint_text(example_yaml(rule, "Failing example") or text, path)
        if failing.kind not in rule.kinds:
            kind = next(kind for kind in KIND_PREFERENCE if kind in rule.kinds)

    return select(lint_text(text, path, kind=kind))


def _listing(diagnostics) -> str:
    lines = [f"  {d.span.line}:{d.span.column} {d.code} {d.severity.value}: {d.message}" for d in diagnostics]
    return "\n".join(lines) or "  (no diagnostics)"


@pytest.mark.parametrize("rule", RULES, ids=_code)
def test_rule_has_every_section(rule):
    assert missing_sections(rule) == [], f"{rule.code} lacks documentation sections"


@pytest.mark.parametrize("rule", RULES, ids=_code)
def test_rule_has_summary_line(rule):
    assert rule.summary(), f"{rule.code} has no summary line"


@pytest.mark.parametrize("rule", RULES, ids=_code)
def test_rule_kinds_are_known(rule):
    assert rule.kinds, f"{rule.code} applies to no kind"
    assert set(rule.kinds) <= set(KIND_PREFERENCE), f"{rule.code} names an unknown kind"


@pytest.mark.parametrize("rule", RULES, ids=_code)
def test_examples_are_yaml_outside_input_family(rule):
    if rule.code.startswith(INPUT_FAMILY):
        pytest.skip("MK0xx rules may describe their examples in prose")
    assert example_yaml(rule, "Failing example") is not None, f"{rule.code}: failing example has no ```yaml block"
    assert example_yaml(rule, "Corrected example") is not None, f"{rule.code}: corrected example has no ```yaml block"


@pytest.mark.parametrize("rule", _with_example("Failing example"), ids=_code)
def test_failing_example_triggers_rule(rule):
    result = lint_example(rule, "Failing example")

    codes = {d.code for d in result.diagnostics}
    assert rule.code in codes, (
        f"{rule.code} failing example (linted as {result.kind}) does not trigger {rule.code}; "
        f"diagnostics:\n{_listing(result.diagnostics)}"
    )


@pytest.mark.parametrize("rule", _with_example("Corrected example"), ids=_code)
def test_corrected_example_is_clean(rule):
    result = lint_example(rule, "Corrected example")

    own = [d for d in result.diagnostics if d.code == rule.code]
    assert own == [], f"{rule.code} corrected example still triggers it:\n{_listing(own)}"
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert errors == [], f"{rule.code} corrected example (linted as {result.kind}) has errors:\n{_listing(errors)}"


# Prose examples of the MK0xx family, built as real files.

CORRECT_CONFIG = "merge_method: linear\nmodels:\n  - model: org/model-a\n    parameters:\n      weight: 1.0\n"


def _codes_of(path) -> set[str]:
    return {d.code for d in lint_path(str(path)).diagnostics}


def test_prose_examples_have_real_checks():
    prose = [
        rule.code
        for rule in RULES
        if rule.code.startswith(INPUT_FAMILY) and example_yaml(rule, "Failing example") is None
    ]
    unchecked = sorted(set(prose) - PROSE_CHECKED)
    assert unchecked == [], "MK0xx rules with prose examples need a real-file test here"


def test_unreadable_file_fifo(tmp_path):
    fifo = tmp_path / "config.yml"
    os.mkfifo(fifo)

    assert "MK001" in _codes_of(fifo)


def test_unreadable_file_missing(tmp_path):
    assert "MK001" in _codes_of(tmp_path / "deleted.yml")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files without read permission")
def test_unreadable_file_chmod(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(CORRECT_CONFIG, encoding="utf-8")

    config.chmod(0o000)
    try:
        assert "MK001" in _codes_of(config)
    finally:
        config.chmod(0o644)
    assert "MK001" not in _codes_of(config)


def test_invalid_encoding_latin1(tmp_path):
    config = tmp_path / "config.yml"
    config.write_bytes(("# Modèle\n" + CORRECT_CONFIG).encode("latin-1"))

    result = lint_path(str(config))

    found = [d for d in result.diagnostics if d.code == "MK002"]
    assert len(found) == 1
    assert (found[0].span.line, found[0].span.column) == (1, 6)


def test_invalid_encoding_fixed_as_utf8(tmp_path):
    config = tmp_path / "config.yml"
    config.write_bytes(("# Modèle\n" + CORRECT_CONFIG).encode("utf-8"))

    result = lint_path(str(config))

    assert result.diagnostics == []


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xfe" + "merge_method: linear\n".encode("utf-16-le")],
    ids=["binary-blob", "utf16-bom"],
)
def test_invalid_encoding_binary(tmp_path, data):
    config = tmp_path / "config.yml"
    config.write_bytes(data)

    assert "MK002" in _codes_of(config)


def test_file_too_large(tmp_path):
    shard = tmp_path / "model-00001-of-00004.safetensors.yml"
    with open(shard, "wb") as handle:
        # A sparse file: the size counts, no data is written.
        handle.truncate(MAX_FILE_BYTES + 1)

    assert "MK003" in _codes_of(shard)


def test_file_too_large_fixed(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(CORRECT_CONFIG, encoding="utf-8")

    assert _codes_of(config) == set()


PROSE_CHECKED = {"MK001", "MK002", "MK003"}
