"""Property tests: mergelint never raises, and its output is stable and points inside the file.

Inputs are arbitrary bytes, YAML-like text, YAML dumped from generated trees (with
aliases and merge keys), and the real configs of the shared corpus mutated by
deleting, duplicating, retyping and swapping keys, values and lines.

Set ``CI`` in the environment to run the "ci" profile (2,000 examples per property);
locally a smaller profile keeps the file fast.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mergelint.cli import cli
from mergelint.fixing import fix_text
from mergelint.linter import LintResult, lint_source, lint_text
from mergelint.output import render
from mergelint.output.positions import LineIndex
from mergelint.reading import decode

settings.register_profile(
    "ci",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "local",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Applied per test instead of with load_profile, so other test files keep their settings.
PROFILE = settings.get_profile("ci" if os.environ.get("CI") else "local")
# The CLI runs cost more per example (output rendering, Click), so they run a tenth as many.
CLI_PROFILE = settings(PROFILE, max_examples=max(PROFILE.max_examples // 10, 20))

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")

EXIT_CODES = {0, 1, 2}


# ---------------------------------------------------------------------------
# Checks applied to every input


def assert_positions_inside(text: str, result: LintResult) -> None:
    """Check that every reported position lies inside ``text``, as YAML counts lines."""
    index = LineIndex(text)
    line_count = len(index.starts)
    for diagnostic in result.diagnostics:
        spans = [("span", diagnostic.span)] + [(label, span) for label, span in diagnostic.related]
        for label, span in spans:
            where = f"{diagnostic.code} {label} {span} ({diagnostic.message!r})"
            assert 1 <= span.line <= line_count, f"{where}: line outside 1..{line_count}"
            length = len(index.line_text(span.line))
            assert 1 <= span.column <= length + 1, f"{where}: column outside 1..{length + 1}"
            assert 1 <= span.end_line <= line_count, f"{where}: end line outside 1..{line_count}"
            assert (span.end_line, span.end_column) >= (span.line, span.column), f"{where}: ends before it starts"


def assert_positions_inside_bytes(data: bytes, result: LintResult) -> None:
    """Check positions of a file that did not decode: lines of the raw bytes."""
    text = data.decode("utf-8", "replace")
    assert_positions_inside(text, result)


def lint_checked(text: str) -> LintResult:
    """Lint ``text`` twice, check that both runs agree and that positions are inside it."""
    first = lint_text(text, "input.yml")
    second = lint_text(text, "input.yml")
    assert first.diagnostics == second.diagnostics, "two runs on the same text reported different findings"
    assert first.kind == second.kind, "two runs on the same text detected different kinds"
    assert_positions_inside(text, first)
    for format_name in ("text", "json"):
        assert render(format_name, [first]) == render(format_name, [second]), f"{format_name} output differs"
    return first


def lint_bytes_checked(data: bytes) -> LintResult:
    """Decode and lint ``data`` as a file's bytes, with the same checks as ``lint_checked``."""
    source = decode(data, "input.yml")
    if source.text is None:
        result = lint_source(source)
        assert [d.code for d in result.diagnostics] == ["MK002"], "an undecodable file reports invalid-encoding"
        assert_positions_inside_bytes(data, result)
        render("text", [result])
        return result
    return lint_checked(source.text)


def run_cli(data: bytes, *options: str):
    """Run the command line on ``data`` given as standard input; return Click's result."""
    result = CliRunner().invoke(cli, [*options, "-"], input=data)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"mergelint raised {result.exception!r}") from result.exception
    assert result.exit_code in EXIT_CODES, f"exit code {result.exit_code}, output:\n{result.output}"
    assert "internal error" not in result.output, result.output
    return result


# ---------------------------------------------------------------------------
# Strategies

# Keys and words that mergekit configs use, so generated trees reach the rules.
CONFIG_KEYS = [
    "merge_method", "models", "model", "parameters", "weight", "density", "epsilon", "lambda",
    "slices", "sources", "layer_range", "base_model", "dtype", "out_dtype", "tokenizer_source",
    "tokenizer", "tokens", "source", "kind", "force", "chat_template", "modules", "filter", "value",
    "t", "normalize", "int8_mask", "rescale", "experts", "gate_mode", "positive_prompts",
    "negative_prompts", "source_model", "genome", "tasks", "name", "lora", "path", "revision",
    "residual_weight", "pad_to_multiple_of", "select_topk", "k", "<<", "models_", "y", "on",
]
CONFIG_WORDS = [
    "linear", "slerp", "ties", "dare_ties", "dare_linear", "task_arithmetic", "passthrough",
    "model_stock", "della", "breadcrumbs", "sce", "nuslerp", "karcher", "bfloat16", "float16",
    "float32", "union", "base", "chatml", "auto", "org/model-a", "org/model-b@main",
    "org/model-a+org/lora", "self_attn", "mlp", "hidden", "random", "yes", "no", "null", "~",
    "0x1F", "1e3", "0o17", "1_000", ".inf", "2001-12-14", "12:30:00", "",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(CONFIG_WORDS),
    st.text(max_size=20),
)
keys = st.one_of(st.sampled_from(CONFIG_KEYS), st.text(max_size=12), st.integers(-5, 5), st.booleans())


def trees(leaves=scalars):
    """Nested lists and mappings of mergekit-like keys and values."""
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=6),
            st.dictionaries(keys, children, max_size=6),
        ),
        max_leaves=40,
    )


config_roots = st.one_of(
    st.dictionaries(st.sampled_from(CONFIG_KEYS), trees(), max_size=8),
    trees(),
)

YAML_ALPHABET = st.sampled_from(
    list("abz019 :-,[]{}&*!|>'\"#?%@`\t\n\r.\\") + ["\x85", "\u2028", "\ufeff", "é", "\U0001f600", "<<", "---", "..."]
)
yaml_like_text = st.lists(YAML_ALPHABET, max_size=120).map("".join)


def all_containers(data) -> list:
    """Every list and dict in ``data``, the root first, each object once."""
    found, stack, seen = [], [data], set()
    while stack:
        item = stack.pop()
        if not isinstance(item, (list, dict)) or id(item) in seen:
            continue
        seen.add(id(item))
        found.append(item)
        stack.extend(item.values() if isinstance(item, dict) else item)
    return found


@st.composite
def dumped_yaml(draw) -> str:
    """YAML text from ``yaml.safe_dump`` of a generated tree, sometimes with aliases and merge keys."""
    root = draw(config_roots)
    containers = all_containers(root)

    # Put one container in a second place: safe_dump writes an anchor and an alias.
    if draw(st.booleans()) and len(containers) > 1:
        shared = draw(st.sampled_from(containers[1:]))
        target = draw(st.sampled_from(containers))
        if target is not shared:
            if isinstance(target, dict):
                target[draw(st.sampled_from(CONFIG_KEYS))] = shared
            else:
                target.append(shared)

    merge_anchor = None
    if isinstance(root, dict) and draw(st.booleans()):
        merge_anchor = draw(trees())
        root = {"defaults": merge_anchor, **root}
        holders = [c for c in all_containers(root) if isinstance(c, dict) and c is not root]
        holder = draw(st.sampled_from(holders)) if holders and draw(st.booleans()) else root
        holder["MERGEKEYMARKER"] = "ALIASMARKER"

    text = yaml.safe_dump(
        root,
        default_flow_style=draw(st.sampled_from([False, True, None])),
        sort_keys=False,
        allow_unicode=draw(st.booleans()),
        width=draw(st.sampled_from([20, 80, 10_000])),
    )
    if merge_anchor is not None:
        text = text.replace("defaults:", "defaults: &defaults", 1)
        text = text.replace("MERGEKEYMARKER: ALIASMARKER", "<<: *defaults")
    return text


@lru_cache(maxsize=None)
def corpus_texts() -> tuple[tuple[str, str], ...]:
    """The corpus configs as (relative path, text), sorted by path."""
    return tuple(
        (str(path.relative_to(CORPUS)), path.read_text(encoding="utf-8"))
        for path in sorted(CORPUS.rglob("*.yml"))
    )


@lru_cache(maxsize=None)
def corpus_documents() -> tuple[tuple[str, object], ...]:
    """The corpus configs that ``yaml.safe_load_all`` reads, as (relative path, documents)."""
    loaded = []
    for name, text in corpus_texts():
        try:
            loaded.append((name, list(yaml.safe_load_all(text))))
        except yaml.YAMLError:
            continue
    return tuple(loaded)


def replacement_values():
    """Values of every YAML type, to put where another type was."""
    return st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3))


@st.composite
def mutated_corpus_data(draw) -> str:
    """A corpus config, loaded, changed by a few data operations and dumped again."""
    name, documents = draw(st.sampled_from(corpus_documents()))
    documents = copy.deepcopy(documents)
    for _ in range(draw(st.integers(1, 4))):
        containers = [c for c in all_containers(documents) if c]
        if not containers:
            break
        container = draw(st.sampled_from(containers))
        slots = list(container) if isinstance(container, dict) else list(range(len(container)))
        slot = draw(st.sampled_from(slots))
        operation = draw(st.sampled_from(["delete", "duplicate", "retype", "swap", "rename", "key-to-value"]))
        if operation == "delete":
            del container[slot]
        elif operation == "duplicate":
            if isinstance(container, list):
                container.insert(slot, copy.deepcopy(container[slot]))
            else:
                container[f"{slot}"] = copy.deepcopy(container[slot])
        elif operation == "retype":
            container[slot] = draw(replacement_values())
        elif operation == "swap":
            other = draw(st.sampled_from(containers))
            other_slot = draw(st.sampled_from(list(other) if isinstance(other, dict) else range(len(other))))
            container[slot], other[other_slot] = other[other_slot], container[slot]
        elif operation == "rename" and isinstance(container, dict):
            container[draw(keys)] = container.pop(slot)
        elif operation == "key-to-value" and isinstance(container, dict):
            value = container.pop(slot)
            if isinstance(value, (str, int, float, bool)) or value is None:
                container[value] = slot
    try:
        return yaml.safe_dump_all(documents, sort_keys=False, default_flow_style=draw(st.sampled_from([False, None])))
    except (yaml.YAMLError, RecursionError):
        # A swap can place a container inside itself; safe_dump writes such cycles with
        # aliases, but a cycle through a key cannot be dumped. Such cases fall back to
        # the original file.
        return dict(corpus_texts())[name]


@st.composite
def mutated_corpus_text(draw) -> str:
    """A corpus config changed line by line: lines deleted, duplicated, swapped, re-indented, retyped."""
    _, text = draw(st.sampled_from(corpus_texts()))
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "retype", "ending"]))
        if operation == "delete" and len(lines) > 1:
            del lines[index]
        elif operation == "duplicate":
            # A duplicated "key: value" line is the commonest way a duplicate key appears.
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "indent":
            lines[index] = "  " + lines[index]
        elif operation == "dedent":
            lines[index] = lines[index][min(2, len(lines[index]) - len(lines[index].lstrip(" "))):]
        elif operation == "retype":
            head, separator, _ = lines[index].partition(": ")
            if separator:
                value = draw(st.sampled_from(CONFIG_WORDS + ["[1, 2]", "{a: 1}", "- x", "0.5", "-1", "*nope", "&a"]))
                lines[index] = f"{head}{separator}{value}\n"
        elif operation == "ending":
            ending = draw(st.sampled_from(["\r\n", "\r", "\n", "\x85", "\u2028", ""]))
            lines[index] = lines[index].rstrip("\r\n") + ending
    return "".join(lines)


# ---------------------------------------------------------------------------
# Properties


@PROFILE
@given(st.binary(max_size=300))
def test_arbitrary_bytes_lint_cleanly(data):
    lint_bytes_checked(data)


@PROFILE
@given(st.one_of(yaml_like_text, st.text(max_size=200)))
def test_yaml_like_text_lints_cleanly(text):
    lint_checked(text)


@PROFILE
@given(dumped_yaml())
def test_generated_yaml_lints_cleanly(text):
    lint_checked(text)


@needs_corpus
@PROFILE
@given(mutated_corpus_data())
def test_mutated_corpus_data_lints_cleanly(text):
    lint_checked(text)


@needs_corpus
@PROFILE
@given(mutated_corpus_text())
def test_mutated_corpus_lines_lint_cleanly(text):
    lint_checked(text)


def fix_lint(text: str):
    return lint_text(text, "fix.yml").diagnostics


@needs_corpus
@PROFILE
@given(st.one_of(mutated_corpus_text(), mutated_corpus_data()), st.booleans())
def test_fixes_keep_yaml_loadable_and_settle(text, unsafe):
    fixed = fix_text(text, fix_lint, unsafe=unsafe)
    unloadable = {"MK004", "MK005", "MK006"}
    before = sum(1 for d in fix_lint(text) if d.code in unloadable)
    after = sum(1 for d in fix_lint(fixed.text) if d.code in unloadable)
    assert after <= before, f"a fix made the YAML unloadable:\n{fixed.text}"
    assert fix_text(fixed.text, fix_lint, unsafe=unsafe).applied == 0, "a second --fix run changed the text again"


@CLI_PROFILE
@given(
    st.one_of(
        st.binary(max_size=200),
        dumped_yaml().map(lambda text: text.encode("utf-8")),
        yaml_like_text.map(lambda text: text.encode("utf-8")),
    ),
    st.sampled_from([(), ("--format", "json"), ("--color", "always"), ("--kind", "moe"), ("--kind", "multi")]),
)
def test_cli_exit_codes_generated(data, options):
    first = run_cli(data, *options)
    second = run_cli(data, *options)
    assert first.output == second.output, "two CLI runs on the same input printed different output"
    assert first.exit_code == second.exit_code, "two CLI runs on the same input exited differently"


@needs_corpus
@CLI_PROFILE
@given(st.one_of(mutated_corpus_text(), mutated_corpus_data()), st.sampled_from([(), ("--format", "json")]))
def test_cli_exit_codes_mutated_corpus(text, options):
    result = run_cli(text.encode("utf-8"), *options)
    assert result.exit_code in (0, 1), f"a config on standard input exited {result.exit_code}:\n{result.output}"


@needs_corpus
def test_corpus_files_lint_cleanly():
    for name, text in corpus_texts():
        result = lint_checked(text)
        assert result.kind is not None, f"{name}: no kind detected"


@needs_corpus
def test_output_same_across_hash_seeds():
    # Set and dict order of strings depends on PYTHONHASHSEED; output must not.
    outputs = []
    for seed in ("1", "2", "3"):
        environment = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        completed = subprocess.run(
            [sys.executable, "-m", "mergelint", "--format", "json", str(CORPUS)],
            capture_output=True,
            env=environment,
            timeout=300,
        )
        assert completed.returncode in (0, 1), completed.stderr.decode(errors="replace")
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1], "JSON output differs between PYTHONHASHSEED 1 and 2"
    assert outputs[0] == outputs[2], "JSON output differs between PYTHONHASHSEED 1 and 3"
