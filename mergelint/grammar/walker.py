"""Interpret the compiled grammar over a document's values, reporting every mismatch.

Compound values are walked all the way down, so one bad value never hides another,
and each diagnostic points at the node that is wrong. Scalars are judged by the
type YAML 1.1 gives them, as mergekit's pydantic models (lax mode) would accept them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from mergelint.diagnostics import Diagnostic, replace_node
from mergelint.grammar.spec import (
    AnySpec,
    EnumSpec,
    FixedSeqSpec,
    MapPatternSpec,
    MapSpec,
    OrSpec,
    ScalarSpec,
    SeqSpec,
    Spec,
)
from mergelint.rules.grammar import InvalidValue, MissingKey, UnknownKey, WrongType
from mergelint.suggest import closest, is_typo, quoted_list
from mergelint.tree import BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG, STR_TAG, Value

BOOL_STRINGS = frozenset({"0", "1", "true", "false", "yes", "no", "on", "off", "t", "f", "y", "n"})

DeferKey = Callable[[MapSpec, Value, str], bool]


def walk(value: Value, spec: Spec, defer_key: DeferKey | None = None) -> list[Diagnostic]:
    """Return the grammar diagnostics of ``value`` against ``spec``.

    ``defer_key(map_spec, mapping, key)`` may claim an unknown key for a later rule
    (a parameter written beside ``parameters:``, say), which then is not reported here.
    """
    return list(_walk(value, spec, defer_key))


def _walk(value: Value, spec: Spec, defer_key: DeferKey | None) -> Iterator[Diagnostic]:
    if isinstance(spec, AnySpec):
        return
    if isinstance(spec, OrSpec):
        spec = _choose(value, spec)
        if spec is None:
            return
    if isinstance(spec, MapSpec):
        yield from _walk_map(value, spec, defer_key)
    elif isinstance(spec, MapPatternSpec):
        if not value.is_mapping:
            yield _wrong_type(value, spec)
            return
        for _, child in value.entries():
            yield from _walk(child, spec.value, defer_key)
    elif isinstance(spec, SeqSpec):
        if not value.is_sequence:
            yield _wrong_type(value, spec)
            return
        for item in value.items():
            yield from _walk(item, spec.item, defer_key)
    elif isinstance(spec, FixedSeqSpec):
        if not value.is_sequence or len(value) != len(spec.items):
            yield _wrong_type(value, spec)
            return
        for item, item_spec in zip(value.items(), spec.items):
            yield from _walk(item, item_spec, defer_key)
    elif isinstance(spec, (ScalarSpec, EnumSpec)):
        problem = _scalar_problem(value, spec)
        if problem is not None:
            yield problem


def _walk_map(value: Value, spec: MapSpec, defer_key: DeferKey | None) -> Iterator[Diagnostic]:
    if not value.is_mapping:
        yield _wrong_type(value, spec)
        return

    names = [field.name for field in spec.fields]
    missing = [field for field in spec.fields if field.required and value.get(field.name) is None]
    for key, child in value.entries():
        field = spec.field(key)
        if field is None:
            if defer_key is not None and isinstance(key, str) and defer_key(spec, value, key):
                continue
            meant = next((f for f in missing if is_typo(key, f.name)), None)
            if meant is not None:
                # The misspelled key is why the required one is missing: one finding, at the typo.
                missing.remove(meant)
                yield _misspelled_required_key(child, key, meant, spec)
            else:
                yield _unknown_key(child, key, spec, names)
        elif child.is_null:
            if field.required:
                yield MissingKey.report(
                    child,
                    f"`{key}` is empty in {spec.what}",
                    f"give `{key}` a value: {field.doc}",
                )
            elif not field.nullable:
                yield WrongType.report(
                    child,
                    f"`{child.key_path}` is empty; mergekit does not fall back to the default for an empty value "
                    f"and rejects it, since it needs {_expected(field.spec)} here",
                    f"give `{key}` a value, or remove the key to get the default: {field.doc}",
                    span=child.key_span,
                )
        else:
            yield from _walk(child, field.spec, defer_key)

    for field in missing:
        help = f"add `{field.name}`: {field.doc}"
        above = value.parent.get(field.name) if value.parent is not None and value.parent.is_mapping else None
        if above is not None and value.key_node is not None:
            # The key was written one level too high, beside this mapping's own key.
            help = f"move `{field.name}` (line {above.key_span.line}) under `{value.key_node.value}:`"
        yield MissingKey.report(
            value,
            f"{spec.what} has no `{field.name}` key",
            help,
            span=value.key_span if value.key_node is not None else _first_key_span(value),
        )


def _misspelled_required_key(child: Value, key: str, field, spec: MapSpec) -> Diagnostic:
    return MissingKey.report(
        child,
        f"`{key}` is not `{field.name}`, so {spec.what} has no `{field.name}`, which mergekit requires",
        f"rename `{key}` to `{field.name}`",
        span=child.key_span,
        # Safe: mergekit rejects the config without the key, and the rename is what it evidently means.
        fix=replace_node(child.key_node, field.name, f"rename `{key}` to `{field.name}`"),
    )


def _first_key_span(value: Value):
    for _, child in value.entries():
        return child.key_span
    return value.span


def _choose(value: Value, spec: OrSpec) -> Spec | None:
    """Pick the alternative for the value's shape; report on the first if none fits."""
    if value.is_mapping:
        wanted = (MapSpec, MapPatternSpec)
    elif value.is_sequence:
        wanted = (SeqSpec, FixedSeqSpec)
    else:
        wanted = (ScalarSpec, EnumSpec)
    candidates = [option for option in spec.options if isinstance(option, wanted)]
    if not candidates:
        return spec.options[0] if spec.options else None
    if len(candidates) == 1 or not value.is_scalar:
        return candidates[0]
    for candidate in candidates:
        if _scalar_problem(value, candidate) is None:
            return None
    return candidates[0]


def _scalar_problem(value: Value, spec: ScalarSpec | EnumSpec) -> Diagnostic | None:
    if not value.is_scalar:
        return _wrong_type(value, spec)

    tag, text = value.tag, value.text
    if isinstance(spec, EnumSpec):
        if tag == STR_TAG and text in spec.values:
            return None
        suggestion = closest(text, spec.values)
        help = f"did you mean `{suggestion}`?" if suggestion else f"use one of {quoted_list(spec.values)}"
        return InvalidValue.report(
            value,
            f"`{_key_name(value)}` is {_describe(value)}, which is not one of {quoted_list(spec.values)}",
            help,
        )

    kind = spec.type
    if kind == "scalar":
        ok = tag in (STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG)
    elif kind == "int":
        ok = tag in (INT_TAG, BOOL_TAG) or (tag == FLOAT_TAG and _is_integral(value.value)) or (
            tag == STR_TAG and _parses(text, int)
        )
    elif kind == "float":
        ok = tag in (INT_TAG, FLOAT_TAG, BOOL_TAG) or (tag == STR_TAG and _parses(text, float))
    elif kind == "bool":
        ok = tag == BOOL_TAG or (tag in (INT_TAG, FLOAT_TAG) and value.value in (0, 1)) or (
            tag == STR_TAG and text.strip().lower() in BOOL_STRINGS
        )
    else:
        ok = tag == STR_TAG
    return None if ok else _wrong_type(value, spec)


def _is_integral(number: object) -> bool:
    return isinstance(number, float) and number.is_integer()


def _parses(text: str, convert) -> bool:
    try:
        convert(text.strip())
    except ValueError:
        return False
    return True


def _key_name(value: Value) -> str:
    return value.key_path or "the document"


def _describe(value: Value) -> str:
    """Describe a value in plain words, with its text: "the number 5", "a list"."""
    if value.is_mapping:
        return "a mapping"
    if value.is_sequence:
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    tag = value.tag
    if tag == NULL_TAG:
        return "empty"
    noun = {STR_TAG: "the string", INT_TAG: "the integer", FLOAT_TAG: "the number", BOOL_TAG: "the boolean"}.get(
        tag, "the value"
    )
    text = value.text if len(value.text) <= 60 else value.text[:57] + "..."
    return f"{noun} {text!r}"


def _expected(spec: Spec) -> str:
    if isinstance(spec, MapSpec):
        return f"{spec.what or 'a mapping'} (a mapping)"
    if isinstance(spec, MapPatternSpec):
        return f"{spec.what or 'a mapping'} (a mapping)"
    if isinstance(spec, SeqSpec):
        return f"{spec.what or 'a list'} (a list)"
    if isinstance(spec, FixedSeqSpec):
        return f"{spec.what or 'a list'} (a list of {len(spec.items)} items)"
    if isinstance(spec, EnumSpec):
        return f"one of {quoted_list(spec.values)}"
    if isinstance(spec, OrSpec):
        return " or ".join(dict.fromkeys(_expected(option) for option in spec.options))
    if isinstance(spec, ScalarSpec):
        return {
            "int": "an integer",
            "float": "a number",
            "bool": "true or false",
            "scalar": "a number, boolean or string",
        }.get(spec.type, "a string")
    return "something else"


def _wrong_type(value: Value, spec: Spec) -> Diagnostic:
    expected = _expected(spec)
    help = f"write {expected} here"
    if isinstance(spec, MapSpec) and value.is_string and spec.field("model") is not None:
        help = f"write the entry as a mapping: `- model: {value.text}`"
    elif isinstance(spec, FixedSeqSpec) and len(spec.items) == 2:
        help = "write the range as two integers, such as `layer_range: [0, 32]`"
    return WrongType.report(
        value,
        f"`{_key_name(value)}` must be {expected}, but it is {_describe(value)}",
        help,
    )


def _unknown_key(child: Value, key: object, spec: MapSpec, names: list[str]) -> Diagnostic:
    suggestion = closest(key, names)
    present = child.parent.get(suggestion) if suggestion is not None and child.parent is not None else None
    anchored = child.node.anchored
    fix = None
    if present is not None and not anchored:
        # Renaming would repeat a key the mapping has already.
        help = f"remove it: `{suggestion}` is already set on line {present.key_span.line}"
    elif suggestion is not None and not anchored:
        help = f"did you mean `{suggestion}`?"
        # Unsafe: the renamed key turns on a setting that was off, which changes the merge.
        fix = replace_node(child.key_node, suggestion, f"rename `{key}` to `{suggestion}`", safe=False)
    elif anchored or not child.is_scalar:
        # A key whose only purpose is to define an anchor for aliases is a common idiom.
        help = (
            f"remove it, unless it only defines an anchor (`&name`) that aliases use; "
            f"{spec.what} has the keys {quoted_list(names)}"
        )
    else:
        help = f"remove it, or use one of the keys {spec.what} has: {quoted_list(names)}"
    shown = key if isinstance(key, str) else repr(key)
    return UnknownKey.report(
        child,
        f"unknown key `{shown}` in {spec.what}; mergekit ignores it silently",
        help,
        span=child.key_span,
        fix=fix,
    )
