"""Settings from pyproject.toml, setup.cfg and options, run through the real CLI.

Every test builds its own project tree in a temporary directory and lints it from there.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from mergelint.cli import cli

# MK301 at 3:12 (error: no weight for model-a) and MK101 at 4:5 (warning: unknown key).
CONFIG = """\
merge_method: linear
models:
  - model: org/model-a
    paramters:
      weight: 0.5
"""


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: str, text: str) -> None:
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text), encoding="utf-8")


def run(*args: str, input: str | None = None):
    runner = CliRunner(env={"GITHUB_ACTIONS": None})
    return runner.invoke(cli, ["--format", "concise", "--quiet", *args], input=input, catch_exceptions=False)


def rows(result) -> list[str]:
    """Return ``path:line:col severity CODE`` of each finding in concise output."""
    found = []
    for line in result.stdout.splitlines():
        location, rest = line.split(": ", 1)
        severity, code = rest.split()[:2]
        found.append(f"{location} {severity} {code}")
    return found


def test_no_settings_reports_everything():
    write("merge.yml", CONFIG)
    result = run("merge.yml")

    assert result.exit_code == 1
    assert rows(result) == ["merge.yml:3:12 error MK301", "merge.yml:4:5 warning MK101"]


def test_pyproject_ignore_found_upward():
    write("pyproject.toml", '[tool.mergelint]\nignore = ["unknown-key"]\n')
    write("configs/deep/merge.yml", CONFIG)
    result = run("configs/deep/merge.yml")

    assert result.exit_code == 1
    assert rows(result) == ["configs/deep/merge.yml:3:12 error MK301"]
    assert result.stderr == ""


def test_closest_settings_file_wins():
    write("pyproject.toml", '[tool.mergelint]\nignore = ["MK101"]\n')
    write("configs/setup.cfg", "[mergelint]\nignore = MK301\n")
    write("configs/merge.yml", CONFIG)
    write("top.yml", CONFIG)
    result = run("configs/merge.yml", "top.yml")

    assert rows(result) == ["configs/merge.yml:4:5 warning MK101", "top.yml:3:12 error MK301"]


def test_pyproject_without_table_is_passed_over():
    write("setup.cfg", "[mergelint]\nignore = MK101\n")
    write("sub/pyproject.toml", "[project]\nname = 'other'\n")
    write("sub/merge.yml", CONFIG)
    result = run("sub/merge.yml")

    assert rows(result) == ["sub/merge.yml:3:12 error MK301"]


def test_pyproject_wins_over_setup_cfg_in_one_directory():
    write("pyproject.toml", '[tool.mergelint]\nignore = ["MK101"]\n')
    write("setup.cfg", "[mergelint]\nignore = MK301\n")
    write("merge.yml", CONFIG)
    result = run("merge.yml")

    assert rows(result) == ["merge.yml:3:12 error MK301"]


def test_select_prefix_keeps_syntax_errors():
    write("pyproject.toml", '[tool.mergelint]\nselect = ["MK3"]\n')
    write("merge.yml", CONFIG)
    write("broken.yml", "models: [\n")
    result = run("merge.yml", "broken.yml")

    assert rows(result) == ["merge.yml:3:12 error MK301", "broken.yml:2:1 error MK004"]


def test_setup_cfg_lists_and_severity():
    write(
        "setup.cfg",
        """\
        [mergelint]
        select =
            MK1,
            MK3
        severity = MK101:error, MK301:warning
        """,
    )
    write("merge.yml", CONFIG)
    result = run("merge.yml")

    assert result.exit_code == 1
    assert rows(result) == ["merge.yml:4:5 error MK101", "merge.yml:3:12 warning MK301"]


def test_toml_severity_narrower_selector_wins():
    write("pyproject.toml", '[tool.mergelint.severity]\nMK101 = "warning"\nMK1 = "error"\n')
    write("merge.yml", CONFIG.replace("org/model-a", "org/model-a\n    unknown_thing: 1"))
    result = run("merge.yml")

    assert rows(result) == ["merge.yml:3:12 error MK301", "merge.yml:4:5 warning MK101", "merge.yml:5:5 warning MK101"]


def test_severity_override_in_sarif():
    write("pyproject.toml", '[tool.mergelint]\nseverity = {MK101 = "error"}\n')
    write("merge.yml", CONFIG)
    runner = CliRunner(env={"GITHUB_ACTIONS": None})
    result = runner.invoke(cli, ["--format", "sarif", "merge.yml"], catch_exceptions=False)
    run_object = json.loads(result.stdout)["runs"][0]
    rules = run_object["tool"]["driver"]["rules"]
    unknown_key = next(r for r in run_object["results"] if r["ruleId"] == "MK101")

    assert result.exit_code == 1
    assert unknown_key["level"] == "error"
    assert rules[unknown_key["ruleIndex"]]["defaultConfiguration"] == {"level": "warning"}


def test_warning_override_makes_exit_zero():
    write("pyproject.toml", '[tool.mergelint]\nseverity = {missing-required-parameter = "warning"}\n')
    write("merge.yml", CONFIG)
    result = run("merge.yml")

    assert result.exit_code == 0
    assert rows(result) == ["merge.yml:3:12 warning MK301", "merge.yml:4:5 warning MK101"]


def test_per_file_ignores_toml():
    write("pyproject.toml", '[tool.mergelint.per-file-ignores]\n"legacy/*.yml" = ["MK101"]\n"*-draft.yml" = ["MK3"]\n')
    write("legacy/old.yml", CONFIG)
    write("legacy/nested/deeper.yml", CONFIG)
    write("new-draft.yml", CONFIG)
    result = run("legacy", "new-draft.yml")

    assert rows(result) == [
        "legacy/old.yml:3:12 error MK301",
        "legacy/nested/deeper.yml:3:12 error MK301",
        "legacy/nested/deeper.yml:4:5 warning MK101",
        "new-draft.yml:4:5 warning MK101",
    ]


def test_per_file_ignores_setup_cfg():
    write("setup.cfg", "[mergelint]\nper-file-ignores =\n    legacy/**: MK101, MK301\n")
    write("legacy/nested/old.yml", CONFIG)
    write("merge.yml", CONFIG)
    result = run("legacy", "merge.yml")

    assert result.exit_code == 1
    assert rows(result) == ["merge.yml:3:12 error MK301", "merge.yml:4:5 warning MK101"]


def test_exclude_skips_files_and_directories():
    write("pyproject.toml", '[tool.mergelint]\nexclude = ["drafts/", "**/*.tmpl.yml", "scratch.yml"]\n')
    write("drafts/a.yml", CONFIG)
    write("configs/b.tmpl.yml", CONFIG)
    write("configs/sub/scratch.yml", CONFIG)
    write("configs/merge.yml", CONFIG)
    result = run(".", "drafts/a.yml")

    assert rows(result) == ["./configs/merge.yml:3:12 error MK301", "./configs/merge.yml:4:5 warning MK101"]


def test_everything_excluded():
    write("pyproject.toml", '[tool.mergelint]\nexclude = ["*.yml"]\n')
    write("merge.yml", CONFIG)
    runner = CliRunner(env={"GITHUB_ACTIONS": None})
    result = runner.invoke(cli, ["merge.yml"], catch_exceptions=False)

    assert result.exit_code == 0
    assert result.stdout == "No YAML files to check.\n"


def test_config_option_replaces_search():
    write("pyproject.toml", '[tool.mergelint]\nignore = ["MK101"]\n')
    write("ci/strict.toml", '[tool.mergelint]\nignore = ["MK301"]\n')
    write("merge.yml", CONFIG)
    result = run("--config", "ci/strict.toml", "merge.yml")

    assert rows(result) == ["merge.yml:4:5 warning MK101"]


def test_command_line_select_and_ignore_replace_file():
    write("pyproject.toml", '[tool.mergelint]\nselect = ["MK1"]\nignore = ["MK101"]\n')
    write("merge.yml", CONFIG)

    assert rows(run("merge.yml")) == []
    assert rows(run("--select", "MK3", "merge.yml")) == ["merge.yml:3:12 error MK301"]
    assert rows(run("--ignore", "MK2", "merge.yml")) == ["merge.yml:4:5 warning MK101"]
    assert rows(run("--select", "MK1,MK3", "--ignore", "", "merge.yml")) == [
        "merge.yml:3:12 error MK301",
        "merge.yml:4:5 warning MK101",
    ]


def test_stdin_filename_finds_settings():
    write("configs/pyproject.toml", '[tool.mergelint.per-file-ignores]\n"merge.yml" = ["MK101"]\n')
    result = run("--stdin-filename", "configs/merge.yml", "-", input=CONFIG)

    assert rows(result) == ["configs/merge.yml:3:12 error MK301"]


def test_stdin_filename_excluded():
    write("pyproject.toml", '[tool.mergelint]\nexclude = ["drafts"]\n')
    result = run("--stdin-filename", "drafts/merge.yml", "-", input=CONFIG)

    assert result.exit_code == 0
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        (
            "pyproject.toml",
            '[tool.mergelint]\nignroe = ["MK101"]\n',
            "mergelint: pyproject.toml: [tool.mergelint]: unknown key `ignroe`; did you mean `ignore`? "
            "valid keys are `select`, `ignore`, `per-file-ignores`, `severity` and `exclude`",
        ),
        (
            "pyproject.toml",
            '[tool.mergelint]\nselect = ["MK999"]\n',
            "mergelint: pyproject.toml: [tool.mergelint]: select: unknown code `MK999`; valid values are rule codes "
            "(MK101), rule names (unknown-key), code prefixes (MK1) and ALL; `mergelint rules` lists the rules",
        ),
        (
            "pyproject.toml",
            '[tool.mergelint]\nignore = ["unknwn-key"]\n',
            "mergelint: pyproject.toml: [tool.mergelint]: ignore: unknown rule `unknwn-key`; did you mean `unknown-key`?",
        ),
        (
            "pyproject.toml",
            '[tool.mergelint]\nselect = "MK101"\n',
            "mergelint: pyproject.toml: [tool.mergelint]: select must be a list of strings, "
            "as in [\"MK101\", \"unknown-key\"], not 'MK101'",
        ),
        (
            "pyproject.toml",
            '[tool.mergelint]\nseverity = {MK101 = "fatal"}\n',
            "mergelint: pyproject.toml: [tool.mergelint]: severity.MK101: invalid level `fatal`; "
            "valid levels are `error` and `warning`",
        ),
        (
            "pyproject.toml",
            '[tool.mergelint]\nper-file-ignores = ["legacy"]\n',
            "mergelint: pyproject.toml: [tool.mergelint]: per-file-ignores must be a table of glob = [codes]",
        ),
        (
            "pyproject.toml",
            "[tool.mergelint\nselect = []\n",
            "mergelint: pyproject.toml: invalid TOML:",
        ),
        (
            "setup.cfg",
            "[mergelint]\nper_file_ignores = a.yml: MK101\n",
            "mergelint: setup.cfg: [mergelint]: unknown key `per_file_ignores`; did you mean `per-file-ignores`?",
        ),
        (
            "setup.cfg",
            "[mergelint]\nseverity = MK101=error\n",
            "mergelint: setup.cfg: [mergelint]: severity: `MK101=error` is not `CODE:level`, as in `MK101:error`",
        ),
    ],
)
def test_bad_settings_exit_2(file, text, message):
    write(file, text)
    write("merge.yml", CONFIG)
    result = run("merge.yml")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


def test_bad_command_line_rule_exit_2():
    write("merge.yml", CONFIG)
    result = run("--select", "MK1,nope", "merge.yml")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("mergelint: --select: unknown rule `nope`; valid values are rule codes")


def test_config_file_without_section_exit_2():
    write("other.cfg", "[flake8]\nmax-line-length = 100\n")
    write("merge.yml", CONFIG)
    result = run("--config", "other.cfg", "merge.yml")

    assert result.exit_code == 2
    assert result.stderr == "mergelint: other.cfg: no [mergelint] section; add one, or give another file to --config\n"


def test_missing_config_file_exit_2():
    write("merge.yml", CONFIG)
    result = run("--config", "missing.toml", "merge.yml")

    assert result.exit_code == 2
    assert "'missing.toml' does not exist" in result.stderr


def test_excluded_file_named_on_command_line_says_so():
    write("pyproject.toml", '[tool.mergelint]\nexclude = ["old/*"]\n')
    write("old/merge.yml", CONFIG)

    result = CliRunner(env={"GITHUB_ACTIONS": None}).invoke(cli, ["old/merge.yml"])

    assert result.exit_code == 0
    assert result.stderr == "mergelint: old/merge.yml is excluded by `exclude` in pyproject.toml\n"
    assert result.stdout == "No YAML files to check.\n"


def test_empty_select_is_a_settings_error():
    write("pyproject.toml", "[tool.mergelint]\nselect = []\n")
    write("merge.yml", CONFIG)

    result = run("merge.yml")

    assert result.exit_code == 2
    assert "`select` is empty" in result.stderr
