"""Output formats and the output options of ``mergelint check``, run through the real CLI.

Each test runs the click command with ``CliRunner`` in a temporary directory and checks
exit code, standard output and standard error together.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from mergelint.cli import cli
from mergelint.diagnostics import Diagnostic, Severity, Span
from mergelint.output.github import annotation
from mergelint.registry import REGISTRY

DATA = Path(__file__).resolve().parent / "data"
DOCS = Path(__file__).resolve().parents[1] / "docs"

BROKEN = """\
merge_method: linear
models:
  - model: org/model-a
    paramters:
      weight: 0.5
  - model: org/model-b
    parameters:
      weight: 0.5
      weight: 0.7
"""

CLEAN = """\
merge_method: linear
models:
  - model: org/model-a
    parameters:
      weight: 0.5
  - model: org/model-b
    parameters:
      weight: 0.5
"""

# Errors come first, in the order mergekit would hit them, then warnings.
BROKEN_CONCISE = [
    "broken.yml:3:12: error MK301 missing-required-parameter: linear requires `weight` for `org/model-a`, and none is given: "
    "the entry's `paramters` is not `parameters`, so mergekit ignores what is under it",
    "broken.yml:9:7: error MK005 duplicate-key: duplicate key 'weight' under models[1].parameters; "
    "YAML keeps only the last one and silently drops the value from line 8",
    "broken.yml:4:5: warning MK101 unknown-key: unknown key `paramters` in a models entry; mergekit ignores it silently",
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yml").write_text(BROKEN)
    (tmp_path / "clean.yml").write_text(CLEAN)
    return tmp_path


def run(*args: str, input: str | None = None, github_actions: str | None = None):
    """Run ``mergelint`` as a user would, with GITHUB_ACTIONS unset unless given."""
    runner = CliRunner(env={"GITHUB_ACTIONS": github_actions, "NO_COLOR": "1"})
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def test_concise_lists_one_line_per_finding(workdir):
    result = run("--format", "concise", "broken.yml")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [*BROKEN_CONCISE, "Checked 1 file: 2 errors and 1 warning."]
    assert result.stderr == ""


def test_concise_quiet_drops_summary(workdir):
    result = run("--format", "concise", "--quiet", "broken.yml", "clean.yml")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == BROKEN_CONCISE
    assert result.stderr == ""


@pytest.mark.parametrize("format_name", ["text", "concise", "github"])
def test_quiet_prints_nothing_when_clean(workdir, format_name):
    result = run("--format", format_name, "--quiet", "clean.yml")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""


def test_text_quiet_keeps_findings_only(workdir):
    result = run("--quiet", "broken.yml")

    assert result.exit_code == 1
    assert result.stdout.startswith("broken.yml:3:12: MK301 missing-required-parameter:")
    assert "broken.yml:4:5: MK101 unknown-key:" in result.stdout
    assert "broken.yml:9:7: MK005 duplicate-key:" in result.stdout
    assert "Checked" not in result.stdout
    assert "mergekit-yaml config" not in result.stdout
    assert result.stderr == ""


def test_text_summary_without_quiet(workdir):
    result = run("clean.yml")

    assert result.exit_code == 0
    assert result.stdout == "clean.yml: mergekit-yaml config, run with mergekit-yaml: no problems.\n"
    assert result.stderr == ""


def test_exit_zero_keeps_output(workdir):
    result = run("--format", "concise", "--exit-zero", "broken.yml")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == BROKEN_CONCISE
    assert result.stderr == ""


def test_json_positions_and_version(workdir):
    result = run("--format", "json", "broken.yml")

    assert result.exit_code == 1
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["files"] == [{"path": "broken.yml", "kind": "merge", "errors": 2, "warnings": 1}]
    positions = [(d["code"], d["line"], d["column"], d["end_line"], d["end_column"]) for d in document["diagnostics"]]
    assert positions == [("MK301", 3, 12, 3, 23), ("MK005", 9, 7, 9, 13), ("MK101", 4, 5, 4, 14)]
    assert document["summary"] == {"files": 1, "errors": 2, "warnings": 1}


def _documented_fields(heading: str) -> list[str]:
    """Return the field names of the table under ``### heading`` in docs/json-format.md."""
    text = (DOCS / "json-format.md").read_text()
    section = text.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


def test_json_matches_documented_fields(workdir):
    result = run("--format", "json", "broken.yml")
    document = json.loads(result.stdout)

    assert list(document) == _documented_fields("Top level")
    assert list(document["tool"]) == _documented_fields("tool")
    assert list(document["files"][0]) == _documented_fields("files[]")
    assert list(document["diagnostics"][0]) == _documented_fields("diagnostics[]")
    assert list(document["summary"]) == _documented_fields("summary")
    assert _documented_fields("fix") == ["description", "safe", "edits"]
    assert _documented_fields("edits[]") == [
        "start",
        "end",
        "start_line",
        "start_column",
        "end_line",
        "end_column",
        "replacement",
    ]


def _sarif_schema() -> dict:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text())


def test_sarif_is_valid_against_schema(workdir):
    result = run("--format", "sarif", "broken.yml", "clean.yml")

    assert result.exit_code == 1
    assert result.stderr == ""
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)


def test_sarif_results_and_rules(workdir):
    log = json.loads(run("--format", "sarif", "broken.yml").stdout)
    run_object = log["runs"][0]
    rules = run_object["tool"]["driver"]["rules"]

    assert log["version"] == "2.1.0"
    assert run_object["columnKind"] == "unicodeCodePoints"
    assert [rule["id"] for rule in rules] == [rule.code for rule in REGISTRY]
    for result in run_object["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]

    regions = [
        (
            result["ruleId"],
            result["level"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"],
        )
        for result in run_object["results"]
    ]
    assert regions == [
        ("MK301", "error", "broken.yml", {"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 23}),
        ("MK005", "error", "broken.yml", {"startLine": 9, "startColumn": 7, "endLine": 9, "endColumn": 13}),
        ("MK101", "warning", "broken.yml", {"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 14}),
    ]
    assert run_object["results"][2]["message"]["text"] == (
        "unknown key `paramters` in a models entry; mergekit ignores it silently\nhelp: did you mean `parameters`?"
    )


def test_sarif_rule_descriptor(workdir):
    log = json.loads(run("--format", "sarif", "clean.yml").stdout)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    unknown_key = rules["MK101"]

    assert log["runs"][0]["results"] == []
    assert unknown_key["name"] == "unknown-key"
    assert unknown_key["shortDescription"]["text"] == REGISTRY.lookup("MK101").summary()
    assert unknown_key["fullDescription"]["text"]
    assert "## Why it matters" in unknown_key["help"]["markdown"]
    assert unknown_key["defaultConfiguration"] == {"level": "warning"}
    assert rules["MK005"]["defaultConfiguration"] == {"level": "error"}


def test_sarif_absolute_path_is_file_uri(workdir):
    path = workdir / "broken.yml"
    log = json.loads(run("--format", "sarif", str(path)).stdout)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]

    assert uri == path.as_uri()
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)


def test_github_annotations(workdir):
    result = run("--format", "github", "broken.yml")

    assert result.exit_code == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "::error file=broken.yml,line=3,col=12,endLine=3,endColumn=22,"
        "title=MK301 missing-required-parameter::linear requires `weight` for `org/model-a`, and none is given: "
    "the entry's `paramters` is not `parameters`, so mergekit ignores what is under it"
        "%0Ahelp: rename `paramters` to `parameters`",
        "::error file=broken.yml,line=9,col=7,endLine=9,endColumn=12,"
        "title=MK005 duplicate-key::duplicate key 'weight' under models[1].parameters; "
        "YAML keeps only the last one and silently drops the value from line 8"
        "%0Ahelp: remove one of the two 'weight' entries, or merge them into one",
        "::warning file=broken.yml,line=4,col=5,endLine=4,endColumn=13,"
        "title=MK101 unknown-key::unknown key `paramters` in a models entry; mergekit ignores it silently"
        "%0Ahelp: did you mean `parameters`?",
    ]


def test_github_chosen_under_github_actions(workdir):
    automatic = run("broken.yml", github_actions="true")
    explicit = run("--format", "concise", "broken.yml", github_actions="true")

    assert automatic.exit_code == 1
    assert automatic.stdout.startswith("::error file=broken.yml,line=3,col=12,")
    assert explicit.stdout.splitlines()[0] == BROKEN_CONCISE[0]


def test_github_escapes_properties_and_data():
    diagnostic = Diagnostic(
        code="MK101",
        name="unknown-key",
        severity=Severity.WARNING,
        span=Span(2, 3, 4, 5),
        message="100% sure\r\nsecond line",
        help="",
        path="dir,with:odd%name.yml",
    )

    assert annotation(diagnostic) == (
        "::warning file=dir%2Cwith%3Aodd%25name.yml,line=2,endLine=4,title=MK101 unknown-key::100%25 sure%0D%0Asecond line"
    )


def test_statistics_counts_per_rule(workdir):
    (workdir / "second.yml").write_text("merge_method: linear\nmodels:\n  - model: org/a\n    paramters: {}\n    wieght: 1\n")
    result = run("--statistics", "broken.yml", "second.yml")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "3  MK101  unknown-key",
        "2  MK301  missing-required-parameter",
        "1  MK005  duplicate-key",
    ]
    assert result.stderr == ""


def test_statistics_as_json(workdir):
    result = run("--statistics", "--format", "json", "broken.yml")

    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"code": "MK005", "name": "duplicate-key", "count": 1},
        {"code": "MK101", "name": "unknown-key", "count": 1},
        {"code": "MK301", "name": "missing-required-parameter", "count": 1},
    ]


def test_stdin_filename_names_the_input(workdir):
    result = run("--format", "concise", "--stdin-filename", "configs/merge.yml", "-", input=BROKEN)

    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == BROKEN_CONCISE[0].replace("broken.yml", "configs/merge.yml")
    assert result.stderr == ""


def test_stdin_without_filename(workdir):
    result = run("--format", "concise", "-", input=BROKEN)

    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == BROKEN_CONCISE[1].replace("broken.yml", "<stdin>")


def test_stdin_filename_needs_dash(workdir):
    result = run("--stdin-filename", "merge.yml", "clean.yml")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--stdin-filename names standard input, so give - among the paths" in result.stderr


def test_statistics_rejects_sarif(workdir):
    result = run("--statistics", "--format", "sarif", "broken.yml")
    assert result.exit_code == 2
    assert "--statistics prints a text table or JSON" in result.stderr
