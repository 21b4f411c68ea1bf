"""The `rules`, `explain` and `schema` commands, run through the click command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mergelint.cli import EXIT_CLEAN, EXIT_INTERNAL, EXIT_USAGE, cli
from mergelint.docs import UnknownRuleError, explain_page, find_rule
from mergelint.engine import DOC_SECTIONS
from mergelint.registry import REGISTRY
from mergelint.schema import build_schema


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_rules_table_lists_every_rule():
    result = run("rules")

    assert result.exit_code == EXIT_CLEAN
    lines = result.output.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "SEVERITY", "FIXABLE", "SUMMARY"]
    assert len(lines) == len(REGISTRY.rules) + 1
    for line, rule in zip(lines[1:], REGISTRY):
        assert line.split()[:4] == [rule.code, rule.name, rule.severity.value, "yes" if rule.fixable else "no"]
        assert line.endswith(rule.summary())


def test_rules_json_lists_every_rule():
    result = run("rules", "--format", "json")

    assert result.exit_code == EXIT_CLEAN
    rows = json.loads(result.output)
    assert [row["code"] for row in rows] == [rule.code for rule in REGISTRY]
    first = rows[0]
    assert set(first) == {"code", "name", "severity", "fixable", "kinds", "summary"}
    assert isinstance(first["fixable"], bool)


@pytest.mark.parametrize("query", ["MK101", "mk101", "unknown-key", " Unknown-Key "])
def test_explain_by_code_or_name(query):
    result = run("explain", query)

    assert result.exit_code == EXIT_CLEAN
    assert result.output.startswith("MK101 unknown-key\n")
    assert "Severity: warning" in result.output


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda rule: rule.code)
def test_explain_page_has_every_section(rule):
    page = explain_page(rule)

    assert page.startswith(f"{rule.code} {rule.name}\n")
    assert f"Severity: {rule.severity.value}" in page
    applies_to = next(line for line in page.splitlines() if line.startswith("Applies to: "))
    assert applies_to == f"Applies to: {', '.join(sorted(rule.kinds))}"
    positions = [page.find(f"## {heading}") for heading in DOC_SECTIONS]
    assert -1 not in positions, f"{rule.code} page lacks a section"
    assert positions == sorted(positions), f"{rule.code} page has its sections out of order"


def test_explain_unknown_rule_suggests_name():
    result = run("explain", "unknwn-key")

    assert result.exit_code == EXIT_USAGE
    assert "no rule has the code or name `unknwn-key`" in result.output
    assert "did you mean `unknown-key`?" in result.output


def test_explain_unknown_code_suggests_code():
    result = run("explain", "MK11")

    assert result.exit_code == EXIT_USAGE
    assert "did you mean `MK101`?" in result.output


def test_explain_nonsense_has_no_suggestion():
    result = run("explain", "zzzzzz")

    assert result.exit_code == EXIT_USAGE
    assert "did you mean" not in result.output
    assert "`mergelint rules` lists them all" in result.output


def test_find_rule_error_carries_suggestion():
    with pytest.raises(UnknownRuleError) as caught:
        find_rule(REGISTRY, "duplicate-keys")

    assert caught.value.suggestion == "duplicate-key"


def test_schema_prints_merge_schema():
    result = run("schema")

    assert result.exit_code == EXIT_CLEAN
    assert json.loads(result.output) == build_schema("merge")


@pytest.mark.parametrize("kind", ["moe", "multi", "evolve"])
def test_schema_other_kinds(kind):
    result = run("schema", "--kind", kind)

    assert result.exit_code == EXIT_CLEAN
    assert json.loads(result.output) == build_schema(kind)


def test_schema_rejects_unknown_kind():
    result = run("schema", "--kind", "yaml")

    assert result.exit_code == EXIT_USAGE
    assert "yaml" in result.output


def test_find_rule_retired_code():
    registry = type(REGISTRY)(REGISTRY.rules, retired=["MK099"])

    with pytest.raises(UnknownRuleError, match="rule MK099 was removed"):
        find_rule(registry, "mk099")


def test_schema_bug_exits_internal(monkeypatch):
    import mergelint.schema

    def broken(kind):
        raise TypeError("no JSON Schema form for the compiled spec")

    monkeypatch.setattr(mergelint.schema, "schema_json", broken)
    result = run("schema")

    assert result.exit_code == EXIT_INTERNAL
    assert "internal error: TypeError" in result.output
