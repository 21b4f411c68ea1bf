"""The command line end to end: exit codes, output formats, colour and bad input."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import FIXTURES

from mergelint.cli import cli

CLEAN = str(FIXTURES / "configs" / "slerp-gradient.yml")
BROKEN = str(FIXTURES / "configs" / "ties-with-mistakes.yml")


def run(*args, input=None, env=None):
    result = CliRunner().invoke(cli, list(args), input=input, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_clean_config_exits_zero_and_names_the_kind():
    code, out, err = run(CLEAN)
    assert (code, err) == (0, "")
    assert out.strip().endswith("slerp-gradient.yml: mergekit-yaml config, run with mergekit-yaml: no problems.")


def test_broken_config_shows_caret_and_help():
    code, out, _ = run(BROKEN, "--color", "never")
    assert code == 1
    assert "ties-with-mistakes.yml:14:15: MK201 unknown-merge-method: unknown merge_method `Ties`" in out
    assert "  14 | merge_method: Ties\n     |               ^^^^ error\n     = help: did you mean `ties`?" in out


def test_json_output_lists_every_finding():
    code, out, _ = run(BROKEN, "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["version"] == 1
    assert document["files"][0]["kind"] == "merge"
    found = sorted((d["line"], d["column"], d["code"]) for d in document["diagnostics"])
    assert found == [(8, 5, "MK301"), (13, 7, "MK302"), (14, 15, "MK201"), (18, 8, "MK501")]
    dtype = next(d for d in document["diagnostics"] if d["code"] == "MK501")
    assert dtype["fix"]["safe"] is True
    assert dtype["fix"]["edits"][0]["replacement"] == "bfloat16"


def test_standard_input_is_linted():
    text = open(BROKEN, encoding="utf-8").read()
    code, out, _ = run("-", "--format", "json", input=text)
    assert code == 1
    assert {d["code"] for d in json.loads(out)["diagnostics"]} >= {"MK201", "MK501"}


def test_colour_is_drawn_only_when_asked():
    _, plain, _ = run(BROKEN, "--color", "never")
    _, coloured, _ = run(BROKEN, "--color", "always")
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured


def test_no_color_environment_turns_auto_colour_off():
    _, out, _ = run(BROKEN, env={"NO_COLOR": "1"})
    assert "\x1b[" not in out


def test_unknown_option_is_a_usage_error():
    code, _, err = run(CLEAN, "--format", "yaml")
    assert code == 2
    assert "--format" in err


def test_missing_path_is_a_usage_error():
    code, _, err = run("does-not-exist.yml")
    assert code == 2
    assert "does-not-exist.yml" in err


def test_folder_is_searched_for_yaml_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_text(open(BROKEN, encoding="utf-8").read())
    (tmp_path / "b.yml").write_text(open(CLEAN, encoding="utf-8").read())
    (tmp_path / "notes.txt").write_text("merge_method: nonsense\n")
    code, out, _ = run(str(tmp_path), "--format", "json")
    paths = sorted(os.path.relpath(f["path"], tmp_path) for f in json.loads(out)["files"])
    assert (code, paths) == (1, ["b.yml", os.path.join("sub", "a.yaml")])


BAD_INPUTS = [
    pytest.param(b"", "MK007", 0, id="empty-file"),
    pytest.param(b"# only a comment\n# and another\n", "MK007", 0, id="only-comments"),
    pytest.param(b"- merge_method: linear\n", "MK007", 0, id="top-level-list"),
    pytest.param(b"merge_method: linear\nmodels: [\n", "MK004", 1, id="invalid-yaml"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "MK002", 1, id="binary-bytes"),
    pytest.param("merge_method: linear  # Modèle\n".encode("latin-1"), "MK002", 1, id="latin-1-text"),
    pytest.param(b"merge_method: linear\nmodels: " + b"[" * 10000 + b"]" * 10000 + b"\n", "MK004", 1, id="10000-levels-flow"),
    # Ten thousand levels of block indentation take 100 MB of spaces: past the size limit.
    pytest.param(
        "".join(f"{'  ' * i}k{i}:\n" for i in range(10000)).encode(), "MK003", 1, id="10000-levels-block"
    ),
    pytest.param(
        ("merge_method: linear\nmodels:\n" + "".join(f"{' ' * (i + 1)}k{i}:\n" for i in range(1500))).encode(),
        "MK004",
        1,
        id="1500-levels-block",
    ),
]


@pytest.mark.parametrize(("data", "code", "exit_code"), BAD_INPUTS)
def test_bad_input_gets_a_diagnostic_not_a_traceback(tmp_path, data, code, exit_code):
    path = tmp_path / "config.yml"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "mergelint", "--format", "json", str(path)], capture_output=True, timeout=60
    )
    assert result.stderr == b""
    assert result.returncode == exit_code
    assert code in [d["code"] for d in json.loads(result.stdout)["diagnostics"]]
    assert path.read_bytes() == data


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "mergelint", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("mergelint, version ")


def test_unrelated_yaml_only_warned(tmp_path):
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    environment:\n      DEBUG: 1\n      DEBUG: 2\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1,\nb: 2\n")

    code, out, _ = run(str(compose), str(broken), "--format", "json")

    assert code == 0
    assert [(d["path"], d["code"], d["severity"]) for d in json.loads(out)["diagnostics"]] == [
        (str(compose), "MK007", "warning"),
        (str(broken), "MK007", "warning"),
    ]


def test_tab_indentation_is_named(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_text("merge_method: linear\nmodels:\n\t- model: org/a\n")

    code, out, _ = run(str(path), "--format", "json")

    diagnostic = json.loads(out)["diagnostics"][0]
    assert code == 1
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("MK004", 3, 1)
    assert "indented with a tab" in diagnostic["message"]


def _without_file_permission_bypass() -> list[str]:
    """Return a command prefix under which chmod 000 stops reading, even for root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv, so chmod 000 cannot stop reading")
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]


def test_unreadable_named_file_is_finding(tmp_path):
    prefix = _without_file_permission_bypass()
    locked = tmp_path / "locked.yml"
    locked.write_text("merge_method: linear\n")
    locked.chmod(0)
    other = tmp_path / "other.yml"
    other.write_text(open(CLEAN, encoding="utf-8").read())

    result = subprocess.run(
        [*prefix, sys.executable, "-m", "mergelint", "--format", "json", str(locked), str(other)],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert [d["code"] for d in document["diagnostics"]] == ["MK001"]
    assert len(document["files"]) == 2
