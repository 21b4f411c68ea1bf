"""--fix: safe fixes rewrite the file in place, unsafe ones only when asked."""

import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import FIXTURES

from mergelint.cli import cli
from mergelint.diagnostics import Diagnostic, Edit, Fix, Severity, Span
from mergelint.fixing import FixOutcome, fix_text

BROKEN = FIXTURES / "configs" / "ties-with-mistakes.yml"


def run(*args, input=None):
    result = CliRunner().invoke(cli, [*args, "--color", "never"], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_fix_rewrites_only_the_broken_spots(tmp_path):
    path = tmp_path / "merge.yml"
    original = BROKEN.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")

    code, out, err = run("--fix", str(path))

    fixed = path.read_text(encoding="utf-8")
    assert code == 0
    assert "applied 3 fixes" in err
    assert "MK302" in out
    assert fixed.splitlines()[:7] == original.splitlines()[:7]
    assert "    parameters:\n      weight: 0.5\n" in fixed
    assert "merge_method: ties\n" in fixed
    assert "dtype: bfloat16\n" in fixed


def test_fix_twice_changes_nothing_more(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_text(BROKEN.read_text(encoding="utf-8"), encoding="utf-8")
    run("--fix", str(path))
    once = path.read_bytes()

    code, _, err = run("--fix", str(path))

    assert code == 0
    assert err == ""
    assert path.read_bytes() == once


def test_unsafe_fixes_only_when_asked(tmp_path):
    path = tmp_path / "merge.yml"
    text = "merge_method: dare_tie\nbase_model: org/b\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\n"
    path.write_text(text, encoding="utf-8")

    run("--fix", str(path))
    assert path.read_text(encoding="utf-8") == text

    code, _, _ = run("--fix", "--unsafe-fixes", str(path))
    assert code == 0
    assert path.read_text(encoding="utf-8").startswith("merge_method: dare_ties\n")


def test_fix_keeps_byte_order_mark_and_line_endings(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_bytes(b"\xef\xbb\xbfmerge_method: linear\r\ndtype: fp16\r\nmodels:\r\n  - model: org/a\r\n    parameters: {weight: 1}\r\n")

    run("--fix", str(path))

    assert path.read_bytes() == (
        b"\xef\xbb\xbfmerge_method: linear\r\ndtype: float16\r\nmodels:\r\n  - model: org/a\r\n    parameters: {weight: 1}\r\n"
    )


def test_fix_on_standard_input_prints_the_fixed_text():
    code, out, _ = run("--fix", "-", input="merge_method: linear\ndtype: bf16\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\n")
    assert code == 0
    assert out == "merge_method: linear\ndtype: bfloat16\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\n"


def test_fix_never_touches_unreadable_input(tmp_path):
    path = tmp_path / "merge.yml"
    data = b"merge_method: linear\ndtype: bf16\n\xff\xfe\n"
    path.write_bytes(data)
    result = subprocess.run([sys.executable, "-m", "mergelint", "--fix", str(path)], capture_output=True)
    assert result.returncode == 1
    assert path.read_bytes() == data


def test_fix_inserts_missing_parameters_key(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_text(
        "merge_method: ties\nbase_model: org/b\nmodels:\n  - model: org/a\n    weight:\n      - 0.2\n      - 0.4\n"
        "    density: 0.5\n",
        encoding="utf-8",
    )

    code, _, _ = run("--fix", str(path))

    assert code == 0
    assert path.read_text(encoding="utf-8") == (
        "merge_method: ties\nbase_model: org/b\nmodels:\n  - model: org/a\n    parameters:\n      weight:\n"
        "        - 0.2\n        - 0.4\n      density: 0.5\n"
    )


def test_fix_renames_misspelled_required_key(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_text("merge_methd: linear\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\n", encoding="utf-8")

    code, _, _ = run("--fix", str(path))

    assert code == 0
    assert path.read_text(encoding="utf-8").startswith("merge_method: linear\n")


def test_unsafe_fix_renames_unknown_key(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_text("merge_method: linear\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\ndtpe: float16\n")

    run("--fix", str(path))
    assert path.read_text(encoding="utf-8").endswith("dtpe: float16\n")

    run("--fix", "--unsafe-fixes", str(path))
    assert path.read_text(encoding="utf-8").endswith("dtype: float16\n")


def test_fix_on_clean_standard_input_echoes_it():
    text = "merge_method: linear\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\n"
    code, out, _ = run("--fix", "-", input=text)
    assert code == 0
    assert out == text


def test_unsafe_fixes_without_fix_is_usage_error(tmp_path):
    path = tmp_path / "merge.yml"
    text = "merge_method: dare_tie\nbase_model: org/b\nmodels:\n  - model: org/a\n    parameters: {weight: 1}\n"
    path.write_text(text, encoding="utf-8")

    code, _, err = run("--unsafe-fixes", str(path))

    assert code == 2
    assert "--unsafe-fixes only widens --fix" in err
    assert path.read_text(encoding="utf-8") == text


def test_fix_keeps_anchor_and_tag(tmp_path):
    path = tmp_path / "merge.yml"
    path.write_text(
        "x-method: &m Ties\nbase_model: org/b\nmodels:\n  - model: org/a\n    parameters: {weight: 1, density: 1}\n"
        "merge_method: *m\ndtype: !!str bf16\nout_dtype: !<tag:yaml.org,2002:str> fp16\n",
        encoding="utf-8",
    )

    code, out, err = run("--fix", str(path))

    fixed = path.read_text(encoding="utf-8")
    assert "x-method: &m ties\n" in fixed
    assert "dtype: !!str bfloat16\n" in fixed
    assert "out_dtype: !<tag:yaml.org,2002:str> float16\n" in fixed
    assert "applied 3 fixes" in err
    assert "MK004" not in out


def test_fix_rollback_on_new_syntax_error():
    # A stand-in linter: the fix removes the duplicate key but leaves the text unparsable.
    duplicate = Diagnostic("MK005", "duplicate-key", Severity.ERROR, Span.point(2, 1), "duplicate", "remove it")
    syntax = Diagnostic("MK004", "yaml-syntax-error", Severity.ERROR, Span.point(1, 1), "invalid", "fix it")
    fixable = Diagnostic(
        "MK501", "unknown-dtype", Severity.ERROR, Span.point(1, 8), "unknown", "use bfloat16",
        fix=Fix("replace", (Edit(7, 11, "bfloat16"),)),
    )

    def lint(text):
        return [duplicate, fixable] if text == "dtype: bf16\n" else [syntax]

    outcome = fix_text("dtype: bf16\n", lint)

    assert outcome.text == "dtype: bf16\n"
    assert outcome.applied == 0
    assert outcome.rejected == ["line 1: replace"]


def test_fix_rejects_only_the_fix_that_breaks_loading():
    # A stand-in linter with two fixes in one round: the first is sound, the second
    # leaves an unclosed bracket.
    good = Diagnostic(
        "MK501", "unknown-dtype", Severity.ERROR, Span.point(1, 4), "unknown", "use X",
        fix=Fix("x to X", (Edit(3, 4, "X"),)),
    )
    bad = Diagnostic(
        "MK501", "unknown-dtype", Severity.ERROR, Span.point(2, 4), "unknown", "use [",
        fix=Fix("y to [", (Edit(8, 9, "["),)),
    )
    syntax = Diagnostic("MK004", "yaml-syntax-error", Severity.ERROR, Span.point(2, 4), "invalid", "fix it")

    def lint(text):
        if "[" in text:
            return [syntax]
        return [good, bad] if text == "a: x\nb: y\n" else [bad]

    outcome = fix_text("a: x\nb: y\n", lint)

    assert outcome.text == "a: X\nb: y\n"
    assert outcome.applied == 1
    assert outcome.descriptions == ["line 1: x to X"]
    assert outcome.rejected == ["line 2: y to ["]


def test_fix_reports_rejected_fix(tmp_path, monkeypatch):
    path = tmp_path / "merge.yml"
    path.write_text(BROKEN.read_text(encoding="utf-8"), encoding="utf-8")
    def rejecting(text, lint, unsafe=False):
        return FixOutcome(text, 0, [], ["line 5: replace `a` with `b`"])

    monkeypatch.setattr("mergelint.fixing.fix_text", rejecting)

    code, _, err = run("--fix", str(path))

    assert code == 1
    assert "did not apply a fix to " in err
    assert "as the file would no longer load: line 5: replace `a` with `b`" in err


MOVE_CASES = [
    pytest.param(
        "    parameters:\n      density: 0.5\n    weight: 0.5\n",
        "    parameters:\n      density: 0.5\n      weight: 0.5\n",
        id="after-block-parameters",
    ),
    pytest.param(
        "    weight: 0.5  # half\n    parameters:\n      density: 0.5\n",
        "    parameters:\n      density: 0.5\n      weight: 0.5  # half\n",
        id="before-block-parameters-with-comment",
    ),
    pytest.param(
        "    parameters: {density: 0.5}\n    weight: 0.5\n",
        "    parameters: {density: 0.5, weight: 0.5}\n",
        id="beside-flow-parameters",
    ),
    pytest.param(
        "    parameters: {density: 0.5}\n    weight: 0.5  # half\n",
        None,
        id="flow-parameters-comment-kept-in-place",
    ),
]

# The entry's first key shares its line with "- ": that line is never moved.
FIRST_KEY_ENTRY = "  - weight: 0.5\n    model: org/a\n    parameters:\n      density: 0.5\n"


@pytest.mark.parametrize(("entry", "expected"), MOVE_CASES)
def test_fix_moves_parameter_beside_parameters(entry, expected, tmp_path):
    head = "merge_method: linear\nmodels:\n  - model: org/a\n"
    tail = "  - model: org/b\n    parameters:\n      weight: 0.5\n"
    path = tmp_path / "merge.yml"
    path.write_text(head + entry + tail, encoding="utf-8")

    run("--fix", str(path))

    assert path.read_text(encoding="utf-8") == head + (expected or entry) + tail


def test_fix_keeps_parameter_on_dash_line(tmp_path):
    text = "merge_method: linear\nmodels:\n" + FIRST_KEY_ENTRY
    path = tmp_path / "merge.yml"
    path.write_text(text, encoding="utf-8")

    code, out, err = run("--fix", str(path))

    assert path.read_text(encoding="utf-8") == text
    assert code == 1
    assert "MK301" in out
    assert "did not apply a fix" not in err
