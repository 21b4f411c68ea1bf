"""The JSON Schema export: valid draft-07, accepts real configs, rejects typical mistakes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from mergelint.facts.methods import ALL_PARAMETER_NAMES, METHODS
from mergelint.facts.values import CHAT_TEMPLATES, DTYPES
from mergelint.grammar.compiled import GRAMMARS
from mergelint.grammar.spec import MapSpec
from mergelint.linter import lint_text
from mergelint.schema import build_schema, schema_json

jsonschema = pytest.importorskip("jsonschema")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# The corpus listing's `kind` values, and the schema kind each file is checked against.
CORPUS_KINDS = {"yaml": "merge", "moe": "moe"}

# Diagnostics about keys that mergekit ignores: the schema must reject each of these keys.
IGNORED_KEY_CODES = {"MK101", "MK303"}
# The schema allows every parameter name of every method, so it rejects only some of
# the parameters that this rule reports for one method.
UNKNOWN_PARAMETER_CODE = "MK302"

VALID = """\
merge_method: dare_ties
base_model: org/base
models:
  - model: org/model-a
    parameters:
      weight: [0.2, 0.5, 0.8]
      density:
        - filter: self_attn
          value: 0.5
        - value: 0.7
  - model:
      model: {path: org/model-b, revision: main}
      lora: org/adapter
    parameters:
      weight: 0.5
parameters:
  int8_mask: true
dtype: bfloat16
out_dtype: torch.float16
tokenizer:
  source: union
  tokens:
    <pad>:
      source: {kind: zero}
      force: true
chat_template: chatml
"""


def _validator(kind: str):
    return jsonschema.Draft7Validator(build_schema(kind))


def _load(text: str):
    return yaml.safe_load(text)


def _errors(kind: str, document) -> list:
    return list(_validator(kind).iter_errors(document))


def _corpus_rows() -> list[dict]:
    listing = CORPUS / "expected.jsonl"
    if not listing.is_file():
        return []
    rows = [json.loads(line) for line in listing.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if row["verdict"] == "accept" and row["kind"] in CORPUS_KINDS]


def _unexpected_keys(error) -> set[tuple[str, str]]:
    """Return (key path, key) of every key an ``additionalProperties`` error, or its sub-errors, rejects."""
    found = set()
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        for key in error.instance:
            if key not in known:
                found.add((_key_path([*error.absolute_path, key]), key))
    for sub_error in error.context or ():
        found |= _unexpected_keys(sub_error)
    return found


def _key_path(parts) -> str:
    """Spell a JSON path as mergelint's ``key_path`` does: ``models[0].parameters.weight``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text


def _error_paths(errors) -> set[str]:
    """Return the key paths of the errors and of all their sub-errors (``anyOf`` keeps those in ``context``)."""
    paths = set()
    for error in errors:
        paths.add(_key_path(list(error.absolute_path)))
        paths |= _error_paths(error.context or ())
    return paths


def _drop(document, key_path_parts: list) -> None:
    *parents, key = key_path_parts
    for part in parents:
        document = document[part]
    del document[key]


@pytest.mark.parametrize("kind", sorted(GRAMMARS))
def test_schema_is_valid_draft07(kind):
    schema = build_schema(kind)

    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("kind", sorted(GRAMMARS))
def test_schema_json_round_trips(kind):
    assert json.loads(schema_json(kind)) == build_schema(kind)


def test_schema_unknown_kind_raises():
    from mergelint.schema import NoGrammarError

    with pytest.raises(NoGrammarError, match="no grammar for the config kind `raw`"):
        build_schema("raw")


def test_valid_config_passes():
    assert _errors("merge", _load(VALID)) == []


def test_merge_method_enum_matches_methods():
    merge_method = build_schema("merge")["properties"]["merge_method"]

    assert merge_method["enum"] == list(METHODS)
    assert merge_method["enumDescriptions"] == [method.summary for method in METHODS.values()]
    assert merge_method["description"]


def test_parameters_list_every_method_parameter():
    parameters = build_schema("merge")["definitions"]["parameters"]

    assert set(ALL_PARAMETER_NAMES) <= set(parameters["properties"])
    assert parameters["additionalProperties"] is False
    for name, schema in parameters["properties"].items():
        assert schema.get("description"), f"parameter {name} has no description"


def test_parameter_types_follow_methods():
    validator = _validator("merge")
    base = "merge_method: ties\nbase_model: org/base\nmodels:\n  - model: org/model-a\n"

    assert list(validator.iter_errors(_load(base + "parameters:\n  int8_mask: true\n"))) == []
    assert list(validator.iter_errors(_load(base + "parameters:\n  int8_mask: [true, false]\n"))) == []
    assert list(validator.iter_errors(_load(base + "parameters:\n  int8_mask: maybe\n"))) != []
    assert list(validator.iter_errors(_load(base + "parameters:\n  density: half\n"))) != []


def test_every_key_has_description():
    for kind, root in GRAMMARS.items():
        schema = build_schema(kind)
        objects = [schema, *schema["definitions"].values()]
        for spec_object in objects:
            for name, property_schema in spec_object.get("properties", {}).items():
                assert property_schema.get("description"), f"{kind}: key {name} has no description"
        assert isinstance(root, MapSpec)


def test_dtype_and_chat_template_enums():
    schema = build_schema("merge")
    dtype_options = schema["properties"]["dtype"]["anyOf"]
    template_options = schema["properties"]["chat_template"]["anyOf"]

    assert {"enum": list(DTYPES)} in dtype_options
    assert list(CHAT_TEMPLATES) in [option.get("enum") for option in template_options]


@pytest.mark.parametrize(
    "text",
    [
        "chat_template: llama3\n",
        "chat_template: \"{% for m in messages %}{{ m['content'] }}{% endfor %}\"\n",
        "dtype: torch.bfloat16\n",
        "parameters:\n  tol: 1e-9\n",
        "parameters:\n  weight: '0.5'\n",
        "parameters:\n",
        "base_model:\n",
        "slices:\n  - sources:\n      - model: org/model-a\n        layer_range: [0, 32.0]\n",
    ],
    ids=["template-name", "jinja-template", "torch-dtype", "yaml11-exponent", "numeric-string", "empty-parameters",
         "empty-base-model", "integral-float"],
)
def test_accepted_forms_pass(text):
    document = {"merge_method": "linear", "models": [{"model": "org/model-a"}], **_load(text)}

    assert _errors("merge", document) == []


@pytest.mark.parametrize(
    "text, where",
    [
        ("merge_method: frankenmerge\nmodels:\n  - model: org/a\n", "merge_method"),
        ("merge_method: Linear\nmodels:\n  - model: org/a\n", "merge_method"),
        ("merge_method: linear\nmodels:\n  - model: org/a\nparamters:\n  weight: 1\n", ""),
        ("merge_method: linear\nbase_modle: org/a\nmodels:\n  - model: org/a\n", ""),
        ("merge_method: linear\nmodels:\n  - org/a\n  - org/b\n", "models[0]"),
        ("merge_method: linear\nmodels:\n  - model: org/a\n    weight: 0.5\n", "models[0]"),
        ("merge_method: linear\nmodels:\n  - model: org/a\n    parameters:\n      wieght: 0.5\n", "models[0].parameters"),
        ("merge_method: linear\nmodels:\n  - model: org/a\n    parameters:\n      weight: heavy\n", "models[0].parameters.weight"),
        ("merge_method: linear\nmodels:\n  - model: org/a\nparameters:\n  - weight: 1\n", "parameters"),
        ("merge_method: linear\nmodels:\n  - model: org/a\ndtype: bf16\n", "dtype"),
        ("merge_method: linear\nmodels:\n  - model: org/a\nchat_template: vicuna\n", "chat_template"),
        ("merge_method: passthrough\nslices:\n  - sources:\n      - model: org/a\n        layer_range: [0, 8, 16]\n",
         "slices[0].sources[0].layer_range"),
        ("merge_method: passthrough\nslices:\n  - sources:\n      - model: org/a\n", "slices[0].sources[0]"),
        ("models:\n  - model: org/a\n", ""),
        ("merge_method: linear\nmodels:\n  - model: org/a\nparameters:\n  normalize:\n", "parameters.normalize"),
    ],
    ids=["unknown-method", "method-case", "misspelled-parameters", "misspelled-base-model", "bare-string-model",
         "parameter-outside-parameters", "misspelled-parameter", "word-for-number", "parameters-as-list", "dtype-alias",
         "unknown-template", "three-item-range", "missing-layer-range", "missing-merge-method",
         "empty-parameter-value"],
)
def test_typical_mistake_fails(text, where):
    errors = _errors("merge", _load(text))

    assert errors, "the schema accepts the mistake"
    paths = _error_paths(errors)
    assert where in paths, f"no error at `{where}`; errors at {sorted(paths)}"


def test_moe_schema_rejects_unknown_gate_mode():
    document = _load("base_model: org/base\ngate_mode: hiden\nexperts:\n  - source_model: org/a\n")

    paths = _error_paths(_errors("moe", document))

    assert "gate_mode" in paths


@pytest.mark.skipif(not _corpus_rows(), reason=f"no corpus listing at {CORPUS / 'expected.jsonl'}")
@pytest.mark.parametrize("row", _corpus_rows(), ids=lambda row: row["file"])
def test_accepted_corpus_file_validates(row):
    """Files mergekit accepted pass, except the keys mergekit ignores, which mergelint reports too.

    mergekit drops unknown keys silently, so some accepted files still carry typos. The
    schema must reject exactly the keys that mergelint reports as ignored, and the
    file must pass once those keys are removed.
    """
    text = (CORPUS / row["file"]).read_text(encoding="utf-8")
    result = lint_text(text, row["file"])
    kind = result.kind if result.kind in GRAMMARS else CORPUS_KINDS[row["kind"]]
    validator = _validator(kind)

    reported = {(d.document, d.key_path) for d in result.diagnostics if d.code in IGNORED_KEY_CODES}
    unknown_parameters = {(d.document, d.key_path) for d in result.diagnostics if d.code == UNKNOWN_PARAMETER_CODE}

    for index, document in enumerate(yaml.safe_load_all(text)):
        if document is None:
            continue
        errors = list(validator.iter_errors(document))
        rejected = {(index, path) for error in errors for path, _ in _unexpected_keys(error)}

        assert rejected - reported - unknown_parameters == set(), "the schema rejects keys mergelint accepts"
        assert {key for key in reported if key[0] == index} <= rejected, "mergelint reports keys the schema accepts"

        cleaned = copy.deepcopy(document)
        for error in errors:
            for path, key in _unexpected_keys(error):
                _drop(cleaned, [*_path_parts(error, key)])
        remaining = [error.message for error in validator.iter_errors(cleaned)]
        assert remaining == [], f"document {index} fails for more than ignored keys"


def _path_parts(error, key) -> list:
    """Return the JSON path of a rejected key, found in the error or one of its sub-errors."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict) and key in error.instance:
        return [*error.absolute_path, key]
    for sub_error in error.context or ():
        parts = _path_parts(sub_error, key)
        if parts:
            return parts
    return []


def test_evolve_schema_rejects_other_methods():
    document = _load("genome:\n  models: [org/a, org/b]\n  merge_method: della\ntasks: [arc_easy]\n")

    paths = _error_paths(_errors("evolve", document))

    assert "genome.merge_method" in paths


def test_evolve_schema_accepts_genome():
    document = _load("genome:\n  models: [org/a, org/b]\n  merge_method: ties\n  base_model: org/a\ntasks: [arc_easy]\n")

    assert _errors("evolve", document) == []
