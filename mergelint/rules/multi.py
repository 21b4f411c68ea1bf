"""MK7xx: mergekit-multi configs, checked as mergekit-multi 0.1.5 loads them.

mergekit-multi reads every document of the file, removes `name` from each and
validates the rest as a mergekit-yaml config. It then re-reads every string value of
every stage as a model reference. When the path of one (without `@revision` and
`+lora`) equals a stage name, the value becomes that stage's output folder, and the
stage depends on the other one. These rules run once per file, on the first
document, and reach the others through ``Document.siblings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mergelint import kinds
from mergelint.diagnostics import Diagnostic, Severity, Span
from mergelint.engine import Rule
from mergelint.suggest import closest
from mergelint.tree import Value

MULTI = frozenset({"multi"})

# Keys whose string value is meant as a model reference, so a stage name there is a
# dependency on that stage. `source` and `tokenizer_source` are references unless they
# are one of the tokenizer keywords.
MODEL_KEYS = frozenset({"model", "base_model", "lora", "path"})
TOKENIZER_KEYS = frozenset({"tokenizer_source", "source"})
TOKENIZER_KEYWORDS = frozenset({"base", "union"})


@dataclass
class Stage:
    """One document of a mergekit-multi file, with its `name` when it has one."""

    document: object
    root: Value
    name: str | None
    name_value: Value | None

    @property
    def number(self) -> int:
        return self.document.index + 1

    @property
    def label(self) -> str:
        return f"stage `{self.name}`" if self.name is not None else f"document {self.number}"


@dataclass
class StringValue:
    """A string scalar of a stage with the key it sits under."""

    value: Value
    key: str


def stages(document) -> list[Stage]:
    """Return the mapping documents of the file as stages, in file order."""
    found = []
    for sibling in document.siblings or [document]:
        root = sibling.root
        if not root.is_mapping:
            continue
        name_value = root.get("name")
        name = None
        if name_value is not None and not name_value.is_null:
            name = name_value.text if name_value.is_scalar else None
        found.append(Stage(sibling, root, name, name_value))
    return found


def string_values(root: Value) -> Iterator[StringValue]:
    """Yield every string value of a stage except `name`, as mergekit-multi visits them."""
    pending: list[tuple[Value, str]] = [(value, str(key)) for key, value in root.entries() if key != "name"]
    while pending:
        value, key = pending.pop()
        if value.is_string:
            yield StringValue(value, key)
        elif value.is_mapping:
            pending.extend((child, str(child_key)) for child_key, child in value.entries())
        elif value.is_sequence:
            pending.extend((item, key) for item in value.items())


def reference_path(text: str) -> str:
    """Return the model path of a reference string: without `+lora` and `@revision`."""
    return text.split("+")[0].split("@")[0]


def is_reference_position(item: StringValue) -> bool:
    if item.key in MODEL_KEYS:
        return True
    return item.key in TOKENIZER_KEYS and item.value.text not in TOKENIZER_KEYWORDS


def references(stage: Stage, names: set[str]) -> Iterator[tuple[StringValue, str]]:
    """Yield (value, stage name) for every string of ``stage`` that mergekit-multi rewrites."""
    for item in string_values(stage.root):
        if "+" in item.value.text and item.value.text.count("+") > 1:
            continue
        path = reference_path(item.value.text)
        if path in names:
            yield item, path


def named_stages(document) -> dict[str, Stage]:
    """Return the stages by name; of duplicate names, the last one, as mergekit keeps it."""
    return {stage.name: stage for stage in stages(document) if stage.name is not None}


class UnnamedStages(Rule):
    """More than one document of a mergekit-multi file has no `name`.

    ## What it checks
    Every document but at most one (the final merge, written to `--out-path`) has a
    `name`. Files in the old mergekit-mega format often name no stage at all,
    because mergekit-mega named an unnamed stage after the file.

    ## Why it matters
    mergekit-multi stops with "Multiple unnamed merge configurations are not
    supported" before any merge runs.

    ## Failing example
    ```yaml
    merge_method: slerp
    base_model: org/model-a
    models:
      - model: org/model-a
      - model: org/model-b
    parameters:
      t: 0.5
    ---
    merge_method: linear
    models:
      - model: org/model-c
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    name: blend
    merge_method: slerp
    base_model: org/model-a
    models:
      - model: org/model-a
      - model: org/model-b
    parameters:
      t: 0.5
    ---
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 0.5
      - model: org/model-c
        parameters:
          weight: 0.5
    ```

    ## Fix safety
    No automatic fix: the names are the author's to choose.
    """

    code = "MK701"
    name = "unnamed-stages"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        unnamed = [stage for stage in stages(document) if stage.name is None]
        if len(unnamed) < 2:
            return
        first = unnamed[0]
        for stage in unnamed[1:]:
            anchor = next(iter(value for _, value in stage.root.entries()), stage.root)
            yield self.report(
                anchor,
                f"document {stage.number} has no `name`, and neither has document {first.number}; "
                "mergekit-multi allows one unnamed stage, the final merge",
                "give every stage but the final one a `name:` (mergekit-mega named an unnamed stage after "
                "the file; mergekit-multi does not)",
                span=anchor.key_span,
            )


class DuplicateStageName(Rule):
    """Two documents of a mergekit-multi file have the same `name`.

    ## What it checks
    That every `name` is used by one document only.

    ## Why it matters
    mergekit-multi stops with "Duplicate merge name" before any merge runs.

    ## Failing example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ---
    name: blend
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 0.5
      - model: org/model-c
        parameters:
          weight: 0.5
    ```

    ## Corrected example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ---
    name: blend-2
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 0.5
      - model: org/model-c
        parameters:
          weight: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK702"
    name = "duplicate-stage-name"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        seen: dict[str, Stage] = {}
        for stage in stages(document):
            if stage.name is None:
                continue
            if stage.name in seen:
                yield self.report(
                    stage.name_value,
                    f"stage name `{stage.name}` is used by document {seen[stage.name].number} already",
                    "give each stage its own `name`, and update the references to it",
                    related=[("first use", seen[stage.name].name_value.span)],
                )
            else:
                seen[stage.name] = stage


class StageReferenceCycle(Rule):
    """Stages of a mergekit-multi file that depend on each other in a cycle, or on themselves.

    ## What it checks
    The dependencies between stages: a stage depends on every stage whose name it
    uses as a string value. A stage that uses its own name, or a chain of stages that
    leads back to where it started, is reported once per cycle.

    ## Why it matters
    mergekit-multi stops with "Circular dependency" before any merge runs. A stage
    cannot use its own output as an input.

    ## Failing example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ---
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ---
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK703"
    name = "stage-reference-cycle"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        by_name = named_stages(document)
        names = set(by_name)
        edges: dict[str, list[tuple[str, Value]]] = {}
        for name, stage in by_name.items():
            edges[name] = [(target, item.value) for item, target in references(stage, names)]

        reported: set[frozenset[str]] = set()
        for start in sorted(names):
            for path, value in self._cycles_from(start, edges):
                members = frozenset(path)
                if members in reported:
                    continue
                reported.add(members)
                if len(path) == 1:
                    message = f"stage `{start}` uses itself (`{value.text}`) as a model"
                else:
                    chain = " -> ".join(f"`{name}`" for name in [*path, path[0]])
                    message = f"stages depend on each other in a cycle: {chain}"
                yield self.report(value, message, "a stage can only use stages that do not depend on it; "
                                  "refer to the original model instead")

    @staticmethod
    def _cycles_from(start: str, edges: dict[str, list[tuple[str, Value]]]) -> Iterator[tuple[list[str], Value]]:
        """Yield (stages of the cycle, the value that closes it) for cycles through ``start``."""
        pending: list[tuple[str, list[str]]] = [(start, [start])]
        while pending:
            current, path = pending.pop()
            for target, value in edges.get(current, []):
                if target == start:
                    yield path, value
                elif target not in path and target > start:
                    pending.append((target, [*path, target]))


class UnknownStageReference(Rule):
    """A model name without an organisation that is close to, but not, a stage name.

    ## What it checks
    Model references (`model`, `base_model`, `tokenizer_source`, ...) that contain
    no `/`, are no stage name, and are close to one: `first_merge` where a stage is
    named `first-merge`.

    ## Why it matters
    mergekit-multi replaces only exact stage names with the stage's output folder.
    A misspelled one is looked up on the Hugging Face Hub as a model, which fails
    after the earlier stages have run.

    ## Failing example
    ```yaml
    name: first-merge
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ---
    merge_method: linear
    models:
      - model: first_merge
        parameters:
          weight: 0.5
      - model: org/model-c
        parameters:
          weight: 0.5
    ```

    ## Corrected example
    ```yaml
    name: first-merge
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.5
      - model: org/model-b
        parameters:
          weight: 0.5
    ---
    merge_method: linear
    models:
      - model: first-merge
        parameters:
          weight: 0.5
      - model: org/model-c
        parameters:
          weight: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK704"
    name = "unknown-stage-reference"
    severity = Severity.WARNING
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        names = set(named_stages(document))
        if not names:
            return
        for stage in stages(document):
            for item in string_values(stage.root):
                if not is_reference_position(item):
                    continue
                path = reference_path(item.value.text)
                if path in names or "/" in path or "\\" in path or ":" in path:
                    continue
                suggestion = closest(path, sorted(names))
                if suggestion is None:
                    continue
                yield self.report(
                    item.value,
                    f"`{path}` is no stage name, so mergekit-multi looks it up as a Hugging Face model",
                    f"did you mean the stage `{suggestion}`?",
                )


def document_start(document) -> Span:
    """Return the span of the `---` line that opens an empty document."""
    lines = document.text.splitlines()
    line = document.root.node.start_mark.line
    for index in range(min(line, len(lines)) - 1, -1, -1):
        if lines[index].startswith("---"):
            return Span(index + 1, 1, index + 1, 4)
    return document.root.span


class EmptyStageDocument(Rule):
    """An empty document in a mergekit-multi file, such as one after a trailing `---`.

    ## What it checks
    Documents with nothing but comments: a `---` at the end of the file, or two
    `---` lines in a row.

    ## Why it matters
    mergekit-multi reads the empty document as `None` and fails with a TypeError
    before any merge runs.

    ## Failing example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ---
    ```

    ## Corrected example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK705"
    name = "empty-stage-document"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        for sibling in document.siblings or [document]:
            if not kinds.is_empty(sibling.root.node):
                continue
            yield self.report(
                document_start(sibling),
                f"document {sibling.index + 1} is empty, and mergekit-multi fails on an empty document",
                "remove the extra `---` line",
            )


class StageNameShadowsValue(Rule):
    """A stage name that also occurs as a string value that is not a model, such as `slerp`.

    ## What it checks
    String values outside model references (`merge_method`, `dtype`,
    `chat_template`, `filter`, `tokenizer_source: base`, ...) whose text equals the
    name of a stage.

    ## Why it matters
    mergekit-multi rewrites every string value that equals a stage name into the
    path of that stage's output folder. A stage named `slerp` turns
    `merge_method: slerp` into a folder path, which fails as an unknown merge method
    after the earlier stages have run. A stage named `base` or `union` changes
    `tokenizer_source`.

    ## Failing example
    ```yaml
    name: slerp
    merge_method: slerp
    base_model: org/model-a
    models:
      - model: org/model-a
      - model: org/model-b
    parameters:
      t: 0.5
    ---
    merge_method: linear
    models:
      - model: slerp
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    name: slerp-blend
    merge_method: slerp
    base_model: org/model-a
    models:
      - model: org/model-a
      - model: org/model-b
    parameters:
      t: 0.5
    ---
    merge_method: linear
    models:
      - model: slerp-blend
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix: renaming a stage means updating every reference to it.
    """

    code = "MK706"
    name = "stage-name-shadows-value"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        names = set(named_stages(document))
        for stage in stages(document):
            for item, target in references(stage, names):
                if is_reference_position(item):
                    continue
                yield self.report(
                    item.value,
                    f"`{item.key}: {item.value.text}` equals the stage name `{target}`, so mergekit-multi "
                    "replaces it with that stage's output folder",
                    f"rename the stage `{target}` to a name that no value of the file uses",
                )


def unparseable(text: str) -> bool:
    """Tell whether mergekit's model reference parser raises on ``text`` (two `+`, or two `@` in a part)."""
    parts = text.split("+")
    return len(parts) > 2 or any(part.count("@") > 1 for part in parts)


class UnparseableStringValue(Rule):
    """A string value with two or more `+` or `@`, which crashes mergekit-multi's loader.

    ## What it checks
    Every string value of every stage, such as a Jinja `chat_template` that joins
    strings with `+`, or a filter or parameter text with two `@`.

    ## Why it matters
    mergekit-multi parses every string value as a model reference. The parser
    raises on two `+` (model, adapter, and what?) or two `@` in one part, and
    mergekit-multi stops with "Can't parse" or "Invalid model path" before any merge
    runs. mergekit-yaml reads the same stage without trouble.

    ## Failing example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    chat_template: "{{ bos_token + messages[0]['content'] + eos_token }}"
    ---
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    chat_template: "{{ bos_token }}{{ messages[0]['content'] }}{{ eos_token }}"
    ---
    merge_method: linear
    models:
      - model: blend
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK707"
    name = "unparseable-string-value"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        for stage in stages(document):
            for item in string_values(stage.root):
                text = item.value.text
                if not unparseable(text):
                    continue
                shown = text if len(text) <= 40 else text[:37] + "..."
                yield self.report(
                    item.value,
                    f"`{item.key}` has {text.count('+')} `+` and {text.count('@')} `@` (`{shown}`), "
                    "and mergekit-multi fails to parse it as a model reference",
                    "use at most one `+` and one `@` in each string value of a mergekit-multi file; in a Jinja "
                    "template, write `{{ a }}{{ b }}` or `~` instead of `+`",
                )


class StagesWithoutSeparator(Rule):
    """Two stages pasted into one document without a `---` line between them.

    ## What it checks
    A document that writes `merge_method` twice at the top level, together with a
    second `models`, `slices`, `modules` or `base_model`.

    ## Why it matters
    YAML keeps the last value of each repeated key, so the first stage silently
    disappears, and what remains is a mix of both stages' keys. A later reference to
    the lost stage's name is looked up as a Hugging Face model and fails.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    merge_method: task_arithmetic
    base_model: org/model-a
    models:
      - model: org/model-b
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    name: first
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ---
    merge_method: task_arithmetic
    base_model: org/model-a
    models:
      - model: first
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK708"
    name = "stages-without-separator"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        for sibling in document.siblings or [document]:
            root = sibling.root
            if not kinds.pasted_stages(root.node):
                continue
            keys = [key for key, _ in root.own_pairs() if getattr(key, "value", None) == "merge_method"]
            second = _second_stage_start(root)
            yield self.report(
                Span(second.start_mark.line + 1, second.start_mark.column + 1, second.end_mark.line + 1,
                     second.end_mark.column + 1),
                f"`merge_method` appears {len(keys)} times in document {sibling.index + 1}: stages pasted "
                "without `---`, so YAML keeps only the last stage's keys",
                "put a `---` line before this stage, and give the stage before it a `name:` for mergekit-multi",
            )


def _second_stage_start(root) -> object:
    """Return the first key of the second pasted stage.

    That is the earliest second use of any key, or the `name` right above it, which
    starts a stage written for mergekit-multi.
    """
    pairs = [key for key, _ in root.own_pairs() if isinstance(getattr(key, "value", None), str)]
    seen: set[str] = set()
    for index, key in enumerate(pairs):
        if key.value in seen:
            if index > 0 and pairs[index - 1].value == "name":
                return pairs[index - 1]
            return key
        seen.add(key.value)
    return pairs[0]


class NonMergeStage(Rule):
    """A document of a mergekit-multi file that is a config for another tool.

    ## What it checks
    Documents that are a mergekit-moe, mergekit-evolve or bakllama config.

    ## Why it matters
    mergekit-multi runs only mergekit-yaml merges. It validates each document as one,
    and stops with "merge_method Field required" on any other kind.

    ## Failing example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/mistral-a
        parameters:
          weight: 1.0
    ---
    base_model: blend
    experts:
      - source_model: org/mistral-code
        positive_prompts: ["write a python function"]
      - source_model: org/mistral-chat
        positive_prompts: ["tell me about your day"]
    ```

    ## Corrected example
    ```yaml
    name: blend
    merge_method: linear
    models:
      - model: org/mistral-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix. Run the other config with its own command, after
    mergekit-multi, with the stage's output folder as its model.
    """

    code = "MK709"
    name = "non-merge-stage"
    severity = Severity.ERROR
    kinds = MULTI

    def check(self, document) -> Iterator[Diagnostic]:
        for sibling in document.siblings or [document]:
            kind = kinds.document_kind(sibling.root.node)
            if kind in ("merge", "unknown"):
                continue
            anchor = next(iter(value for _, value in sibling.root.entries()), sibling.root)
            yield self.report(
                anchor,
                f"document {sibling.index + 1} is a {kinds.COMMANDS[kind]} config, but mergekit-multi runs only "
                "mergekit-yaml stages",
                f"move it to its own file and run it with `{kinds.COMMANDS[kind]}`",
                span=anchor.key_span,
            )
