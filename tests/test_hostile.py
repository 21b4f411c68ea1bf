"""Hostile inputs: each must end in bounded time with a clear diagnostic, never a traceback.

Every run is a ``python -m mergelint`` subprocess with a timeout, timed with
time.monotonic. The bounds are generous, to hold on a loaded 2-core CI machine;
they catch hangs and blow-ups, not slowdowns. Big inputs are generated in tmp_path;
small ones live in fixtures/hostile/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from mergelint.linter import lint_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"

# Seconds one run may take. Inputs of several megabytes or thousands of files get more.
BOUND = 20
BIG_BOUND = 90

CONFIG = """\
merge_method: linear
dtype: bfloat16
models:
  - model: org/model-a
    parameters:
      weight: 0.5
  - model: org/model-b
    parameters:
      weight: 0.5
"""


def run_mergelint(*args: str | Path, bound: float = BOUND, command: tuple[str, ...] = ()) -> tuple[int, str, float]:
    """Run mergelint in a subprocess; return (exit code, stdout and stderr, seconds taken)."""
    argv = [*command, sys.executable, "-m", "mergelint", "--color", "never", *map(str, args)]
    start = time.monotonic()
    try:
        completed = subprocess.run(argv, capture_output=True, timeout=bound, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mergelint {' '.join(map(str, args))} did not finish within {bound} s")
    elapsed = time.monotonic() - start
    output = completed.stdout.decode("utf-8", "replace") + completed.stderr.decode("utf-8", "replace")
    assert "Traceback" not in output, f"mergelint printed a traceback:\n{output[-3000:]}"
    assert "internal error" not in output, f"mergelint reported an internal error:\n{output[-3000:]}"
    assert completed.returncode in (0, 1, 2), f"exit code {completed.returncode}:\n{output[-3000:]}"
    return completed.returncode, output, elapsed


def run_json(*args: str | Path, bound: float = BOUND) -> tuple[int, dict]:
    """Run mergelint with JSON output; return (exit code, parsed output)."""
    code, output, _ = run_mergelint("--format", "json", *args, bound=bound)
    start = output.index("{")
    document, _ = json.JSONDecoder().raw_decode(output[start:])
    return code, document


def codes(document: dict) -> list[str]:
    return [d["code"] for d in document["diagnostics"]]


# ---------------------------------------------------------------------------
# Aliases and nesting


def test_alias_expansion_billion_laughs(tmp_path):
    # Ten levels of ten aliases each stand for 10**10 scalars in 1.5 kB of text.
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 11):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    lines += ["merge_method: linear", "models: *lol10"]
    path = tmp_path / "laughs.yml"
    path.write_text("\n".join(lines) + "\n")

    code, document = run_json(path)

    assert code == 1, "an alias bomb is an error"
    messages = [d["message"] for d in document["diagnostics"] if d["code"] == "MK004"]
    assert any("aliases expand the document" in m for m in messages), document["diagnostics"]


def test_alias_expansion_in_grammar_positions(tmp_path):
    # Every alias sits where the grammar descends into it (models entries, parameters,
    # conditional parameters, gradients), so a walk of the tree would take 60**4 steps.
    count = 60
    lines = [
        "v: &V [" + ", ".join(f"{i / count:.3f}" for i in range(count)) + "]",
        "c: &C {filter: self_attn, value: *V}",
        "g: &G [" + ", ".join(["*C"] * count) + "]",
        "p: &P {" + ", ".join(f"w{i}: *G" for i in range(count)) + "}",
        "e: &E {model: org/model-a, parameters: *P}",
        "merge_method: linear",
        "models: [" + ", ".join(["*E"] * count) + "]",
    ]
    path = tmp_path / "fan-out.yml"
    path.write_text("\n".join(lines) + "\n")

    code, document = run_json(path)

    assert code == 1, "an alias fan-out is an error"
    assert "MK004" in codes(document), document["diagnostics"]


def test_recursive_alias_reported(tmp_path):
    path = tmp_path / "recursive.yml"
    path.write_text("merge_method: linear\nmodels: &m\n  - model: org/model-a\n  - *m\n")

    code, document = run_json(path)

    assert code == 1
    problem = next(d for d in document["diagnostics"] if d["code"] == "MK004")
    assert "contains it" in problem["message"], problem


def test_nesting_10000_flow_levels(tmp_path):
    path = tmp_path / "deep-flow.yml"
    path.write_text("merge_method: linear\nmodels: " + "[" * 10_000 + "]" * 10_000 + "\n")

    code, document = run_json(path)

    assert code == 1
    problem = next(d for d in document["diagnostics"] if d["code"] == "MK004")
    assert "nest" in problem["message"], problem


def test_nesting_10000_block_levels(tmp_path):
    path = tmp_path / "deep-block.yml"
    path.write_text("merge_method: linear\n" + "".join(" " * level + f"k{level}:\n" for level in range(10_000)))

    code, document = run_json(path, bound=BIG_BOUND)

    # Ten thousand block levels need 50 MB of indentation, past the file size limit;
    # the flow-style test above checks the nesting limit itself.
    assert code == 1
    problem = next(d for d in document["diagnostics"] if d["code"] == "MK003")
    assert "more than the limit" in problem["message"], problem


# ---------------------------------------------------------------------------
# Size


def big_slices_config(target_bytes: int) -> str:
    """Build a passthrough config of one-layer slices, the shape of a large frankenmerge."""
    lines = ["merge_method: passthrough", "dtype: bfloat16", "slices:"]
    size, index = 0, 0
    while size < target_bytes:
        block = [
            "  - sources:",
            f"      - model: org/model-{index % 7}",
            f"        layer_range: [{index % 32}, {index % 32 + 1}]",
        ]
        lines += block
        size += sum(len(line) + 1 for line in block)
        index += 1
    return "\n".join(lines) + "\n"


def test_five_megabyte_config(tmp_path):
    path = tmp_path / "big.yml"
    path.write_text(big_slices_config(5 * 1024 * 1024))

    code, output, elapsed = run_mergelint(path, bound=BIG_BOUND)

    assert code in (0, 1), output[-2000:]
    assert "mergekit-yaml config" in output, output[-2000:]


def test_large_config_peak_memory():
    # Python's own allocations while linting, traced: the resident size that the
    # benchmark measures adds the interpreter and the allocator's slack to this.
    text = big_slices_config(256 * 1024)
    lint_text(CONFIG, "warm-up.yml")

    tracemalloc.start()
    try:
        result = lint_text(text, "big.yml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.kind == "merge"
    assert peak < 10 * len(text), f"linting took {peak / len(text):.1f} times the text's size"


def test_flow_list_200000_items(tmp_path):
    gradient = ", ".join(f"{(i % 10) / 10}" for i in range(200_000))
    path = tmp_path / "long-list.yml"
    path.write_text(
        "merge_method: linear\nmodels:\n"
        f"  - model: org/model-a\n    parameters:\n      weight: [{gradient}]\n"
        "  - model: org/model-b\n    parameters:\n      weight: 0.5\n"
    )

    code, output, _ = run_mergelint(path, bound=BIG_BOUND)

    assert code in (0, 1), output[-2000:]
    assert "mergekit-yaml config" in output, output[-2000:]


def test_one_megabyte_line(tmp_path):
    # A typo at the end of a 1 MB line: the position must be exact and the shown
    # source line cut down to a window around it.
    padding = "x" * (1024 * 1024)
    line = f"{{merge_method: linear, base_model: org/model-a, notes: {padding}, modles: []}}"
    path = tmp_path / "long-line.yml"
    path.write_text(line + "\n")

    code, output, _ = run_mergelint(path)
    _, document = run_json(path)

    typo = next(d for d in document["diagnostics"] if "modles" in d["message"])
    assert typo["line"] == 1
    assert typo["column"] == line.index("modles") + 1
    longest = max(len(shown) for shown in output.splitlines())
    assert longest < 1000, f"a printed line has {longest} characters; long source lines must be cut"


# ---------------------------------------------------------------------------
# Encoding and line breaks


def test_nul_byte_reported(tmp_path):
    path = tmp_path / "nul.yml"
    path.write_bytes(b"merge_method: linear\nmodels:\n  - model: org/a\0b\n")

    code, document = run_json(path)

    assert code == 1
    assert codes(document) == ["MK002"]
    problem = document["diagnostics"][0]
    assert "NUL" in problem["message"]
    assert (problem["line"], problem["column"]) == (3, 17)


def test_lone_surrogate_bytes_reported(tmp_path):
    # ED A0 80 would encode U+D800, a surrogate, which UTF-8 forbids.
    path = tmp_path / "surrogate.yml"
    path.write_bytes(b"merge_method: linear\nmodels:\n  - model: org/\xed\xa0\x80\n")

    code, document = run_json(path)

    assert code == 1
    assert codes(document) == ["MK002"]
    problem = document["diagnostics"][0]
    assert "0xed" in problem["message"]
    assert (problem["line"], problem["column"]) == (3, 16)


def test_mixed_line_endings_positions(tmp_path):
    # CR LF, CR alone and LF all end a line in YAML; the typo is on line 6.
    text = "merge_method: linear\r\nmodels:\r  - model: org/a\n    parameters:\r\n      weight: 1\rbase_modle: org/a\n"
    path = tmp_path / "mixed.yml"
    path.write_bytes(text.encode())

    code, document = run_json(path)

    typo = next(d for d in document["diagnostics"] if "base_modle" in d["message"])
    assert (typo["line"], typo["column"]) == (6, 1), typo


def test_mixed_line_endings_invalid_byte_position(tmp_path):
    path = tmp_path / "mixed-bad.yml"
    path.write_bytes(b"merge_method: linear\rmodels:\r\n  - model: \xff\n")

    _, document = run_json(path)

    problem = document["diagnostics"][0]
    assert problem["code"] == "MK002"
    assert (problem["line"], problem["column"]) == (3, 12), problem


def test_byte_order_mark_accepted(tmp_path):
    path = tmp_path / "bom.yml"
    path.write_bytes(b"\xef\xbb\xbfmerge_method: linear\nbase_modle: org/a\nmodels:\n  - model: org/a\n")

    _, document = run_json(path)

    assert "MK002" not in codes(document), "a UTF-8 byte order mark is valid"
    typo = next(d for d in document["diagnostics"] if "base_modle" in d["message"])
    assert (typo["line"], typo["column"]) == (2, 1), typo


def test_byte_order_mark_then_invalid_byte(tmp_path):
    path = tmp_path / "bom-bad.yml"
    path.write_bytes(b"\xef\xbb\xbfab\xff\n")

    _, document = run_json(path)

    problem = document["diagnostics"][0]
    assert problem["code"] == "MK002"
    assert "0xff at offset 5" in problem["message"], problem
    assert (problem["line"], problem["column"]) == (1, 3), problem


@pytest.mark.parametrize(
    ("name", "expected_code", "expected_exit"),
    [
        ("empty.yml", "MK007", 0),
        ("only-comments.yml", "MK007", 0),
        ("top-level-list.yml", "MK007", 0),
        ("invalid-yaml.yml", "MK004", 1),
        ("binary.yml", "MK002", 1),
        ("latin-1.yml", "MK002", 1),
    ],
)
def test_small_hostile_fixture(name, expected_code, expected_exit):
    code, document = run_json(FIXTURES / name)

    assert expected_code in codes(document), document["diagnostics"]
    assert code == expected_exit


# ---------------------------------------------------------------------------
# Files and folders


def test_symlink_loop_in_folder(tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "merge.yml").write_text(CONFIG)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "a.yml").symlink_to(folder / "b.yml")
    (folder / "b.yml").symlink_to(folder / "a.yml")

    code, document = run_json(folder)

    paths = [entry["path"] for entry in document["files"]]
    assert paths.count(str(folder / "merge.yml")) == 1, paths
    assert len(paths) == 3, f"the looping directory link must be walked once: {paths}"
    loops = [d for d in document["diagnostics"] if d["code"] == "MK001"]
    assert len(loops) == 2, document["diagnostics"]
    assert code == 1


def unprivileged_command() -> tuple[str, ...]:
    """Return a command prefix that runs without the capabilities that bypass file modes."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv, so chmod 000 cannot stop reading")
    probe = subprocess.run([setpriv, "--inh-caps=-all", "--bounding-set=-all", "--", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.decode(errors='replace').strip()}")
    return (setpriv, "--inh-caps=-all", "--bounding-set=-all", "--")


def test_unreadable_file_in_folder(tmp_path):
    command = unprivileged_command()
    folder = tmp_path / "configs"
    folder.mkdir()
    locked = folder / "locked.yml"
    locked.write_text(CONFIG)
    locked.chmod(0)
    try:
        code, output, _ = run_mergelint("--format", "json", folder, command=command)
    finally:
        locked.chmod(0o644)

    document = json.loads(output[output.index("{") :])
    problem = next(d for d in document["diagnostics"] if d["code"] == "MK001")
    assert "Permission denied" in problem["message"], problem
    assert code == 1


def test_unreadable_file_named(tmp_path):
    command = unprivileged_command()
    locked = tmp_path / "locked.yml"
    locked.write_text(CONFIG)
    locked.chmod(0)
    try:
        code, output, _ = run_mergelint(locked, command=command)
    finally:
        locked.chmod(0o644)

    # Click checks a named path before mergelint reads it, so this is a usage error.
    assert code in (1, 2), output
    assert "not readable" in output or "MK001" in output, output


def test_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.yml"
    os.mkfifo(fifo)
    folder = tmp_path / "with-fifo"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yml")

    for target in (fifo, folder):
        code, document = run_json(target)
        problem = next(d for d in document["diagnostics"] if d["code"] == "MK001")
        assert "not a regular file" in problem["message"], problem
        assert code == 1


def test_folder_of_10000_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(10_000):
        (folder / f"config-{index:05}.yml").write_text(CONFIG.replace("model-b", f"model-{index}"))

    code, output, elapsed = run_mergelint(folder, bound=BIG_BOUND)

    assert code == 0, output[-2000:]
    assert "Checked 10000 files" in output, output[-2000:]


# ---------------------------------------------------------------------------
# Cost grows linearly with input size


def models_config(count: int) -> str:
    entries = "".join(f"  - model: org/model-{i}\n    parameters:\n      weight: 0.5\n" for i in range(count))
    return f"merge_method: linear\ndtype: bfloat16\nmodels:\n{entries}"


def gradient_config(count: int) -> str:
    gradient = ", ".join(f"{(i % 10) / 10}" for i in range(count))
    return f"merge_method: linear\nmodels:\n  - model: org/a\n    parameters:\n      weight: [{gradient}]\n"


def duplicate_keys_config(count: int) -> str:
    return "merge_method: linear\nmodels:\n  - model: org/a\n    parameters:\n" + "      weight: 0.5\n" * count


def anchored_config(count: int) -> str:
    entries = "".join(f"  - model: org/model-{i}\n    parameters: *defaults\n" for i in range(count))
    return f"defaults: &defaults\n  weight: 0.5\n  density: 0.5\nmerge_method: ties\nbase_model: org/base\nmodels:\n{entries}"


def min_lint_seconds(text: str, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.monotonic()
        lint_text(text, "scaling.yml")
        best = min(best, time.monotonic() - start)
    return best


# The sizes keep the larger input to a few megabytes of heap. Far larger ones slow
# every step of CPython a little (cache misses), which would blur what this test is
# for: a quadratic step gives a ratio near 16, a linear one near 4.
@pytest.mark.parametrize(
    ("shape", "count"),
    [
        (models_config, 300),
        (big_slices_config, 20_000),
        (gradient_config, 1_500),
        (duplicate_keys_config, 1_000),
        (anchored_config, 300),
    ],
)
def test_cost_grows_linearly(shape, count):
    lint_text(shape(count), "warm-up.yml")
    small = min_lint_seconds(shape(count))
    large = min_lint_seconds(shape(4 * count))

    ratio = large / max(small, 1e-4)
    assert ratio < 8, f"{shape.__name__}: 4x the input took {ratio:.1f}x the time ({small:.3f} s, {large:.3f} s)"
