"""Run the pipeline on one text: parse, detect the kind, walk the grammar, apply the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from mergelint import kinds
from mergelint.diagnostics import Diagnostic, Severity, Span
from mergelint.document import Document
from mergelint.engine import Registry
from mergelint.grammar.walker import walk
from mergelint.nodes import MappingNode
from mergelint.parsing import parse
from mergelint.reading import Source, read_file
from mergelint.rules.input import NotAMergekitConfig, YamlSyntaxError
from mergelint.tree import Value, span_of


@dataclass
class LintResult:
    """The outcome of linting one file: its detected kind, its text and its diagnostics."""

    path: str
    kind: str | None
    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)


def lint_path(path: str, kind: str | None = None, registry: Registry | None = None) -> LintResult:
    """Read and lint one file."""
    return lint_source(read_file(path), kind, registry)


def lint_source(source: Source, kind: str | None = None, registry: Registry | None = None) -> LintResult:
    """Lint text that was read already; a source that could not be read keeps its problem."""
    if source.text is None:
        problems = [source.problem] if source.problem is not None else []
        return LintResult(source.path, None, None, problems)
    return lint_text(source.text, source.path, kind, registry)


def lint_text(text: str, path: str = "<stdin>", kind: str | None = None, registry: Registry | None = None) -> LintResult:
    """Lint one file's text; ``kind`` overrides the detected kind."""
    if registry is None:
        from mergelint.registry import REGISTRY as registry

    parsed = parse(text)
    diagnostics = list(parsed.diagnostics)
    file_kind = kind or kinds.detect(parsed.documents)
    if not parsed.complete and file_kind == "unknown" and kind is None:
        file_kind = kinds.detect_from_text(text)

    if parsed.complete:
        documents = _documents(parsed, file_kind, text)
        diagnostics.extend(_check(documents, file_kind, registry))
        # Each document refers to this list as its siblings: emptying it breaks the
        # cycle, so the node trees are freed now rather than at the next collection.
        documents.clear()

    if file_kind == "unknown":
        diagnostics = _unrelated_file(diagnostics)

    end = _end_of_text(text)
    diagnostics = [_inside(replace(d, path=path), end) for d in diagnostics]
    diagnostics.sort(key=lambda d: order_key(d, registry))
    return LintResult(path, file_kind, text, _unique(_drop_explained(diagnostics)))


def _end_of_text(text: str) -> tuple[int, int]:
    """Return the line and column just after the last character, as YAML counts lines."""
    from mergelint.output.positions import LineIndex

    index = LineIndex(text)
    return index.position(len(text))


def _inside(diagnostic: Diagnostic, end: tuple[int, int]) -> Diagnostic:
    """Move positions past the end of the text back to its end.

    libyaml puts the end of a stream that lacks a final line break at the start of
    the line after the last one, so marks there would point outside the file.
    """
    spans = [diagnostic.span, *(span for _, span in diagnostic.related)]
    if all((span.end_line, span.end_column) <= (end[0], end[1] + 1) for span in spans):
        return diagnostic
    return replace(
        diagnostic,
        span=_clamp(diagnostic.span, end),
        related=tuple((label, _clamp(span, end)) for label, span in diagnostic.related),
    )


def _clamp(span: Span, end: tuple[int, int]) -> Span:
    line, column = min((span.line, span.column), end)
    end_line, end_column = min((span.end_line, span.end_column), (end[0], end[1] + 1))
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return Span(line, column, end_line, end_column)


def _documents(parsed, file_kind: str, text: str) -> list[Document]:
    documents: list[Document] = []
    for index, root in enumerate(parsed.documents):
        document_kind = file_kind
        if file_kind == "multi":
            # A stage of another tool's kind gets non-merge-stage from the multi rules;
            # checking it against the mergekit-yaml grammar as well would only repeat that.
            document_kind = "merge" if kinds.document_kind(root) in ("merge", "unknown") else "other-stage"
        document = Document(Value(root, "", index), document_kind, index, text, documents)
        if index < len(parsed.walks) and parsed.walks[index] is not None:
            document.memo("nodes", lambda _, walked=parsed.walks[index]: walked)
        documents.append(document)
    return documents


def _check(documents: list[Document], file_kind: str, registry: Registry) -> Iterable[Diagnostic]:
    if file_kind == "unknown" or not documents:
        yield _not_a_config(documents)
        return

    from mergelint.grammar.compiled import GRAMMARS
    from mergelint.rules.parameters import defer_parameter_key

    for document in documents:
        # A document of a mergekit-multi file is a mergekit-yaml config plus `name`.
        grammar = GRAMMARS.get("multi" if file_kind == "multi" and document.kind == "merge" else document.kind)
        if grammar is not None and isinstance(document.root.node, MappingNode):
            yield from walk(document.root, grammar, defer_parameter_key)

    # Rules for a kind run once per document of that kind. Rules for "multi" look at
    # the whole file: they run once, on the first document, and reach the others
    # through Document.siblings.
    for rule in registry:
        checker = rule()
        if file_kind == "multi" and "multi" in rule.kinds:
            yield from checker.check(documents[0])
        for document in documents:
            if document.kind in rule.kinds:
                yield from checker.check(document)


def _unrelated_file(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Keep only ``not-a-mergekit-config`` for a file that is no mergekit config.

    mergelint is not a general YAML linter. The YAML problems of an unrelated file
    (duplicate keys in a compose file, say) are left to the tools for that file. So a
    hook that runs over every YAML file of a repository fails only on merge configs,
    and on files the reading stage rejects (not UTF-8, unreadable, too large).
    """
    kept = [d for d in diagnostics if d.code == NotAMergekitConfig.code]
    problems = [d for d in diagnostics if d.code == YamlSyntaxError.code]
    if not kept:
        detail = f" and is not valid YAML ({problems[0].message})" if problems else ""
        kept.append(
            NotAMergekitConfig.report(
                problems[0].span if problems else Span.point(1, 1),
                f"the file has none of the keys that mark a mergekit config{detail}",
                "if this is meant to be a mergekit config, start with `merge_method:` and `models:` or `slices:`",
            )
        )
    return kept


def _not_a_config(documents: list[Document]) -> Diagnostic:
    if not documents:
        return NotAMergekitConfig.report(
            Span.point(1, 1),
            "the file holds no YAML document (it is empty or has only comments)",
            "if this is meant to be a mergekit config, start with `merge_method:` and `models:` or `slices:`",
        )
    root = documents[0].root
    if not root.is_mapping:
        what = "a list" if root.is_sequence else "a single value"
        return NotAMergekitConfig.report(
            root,
            f"the document is {what}, not a mapping, so it is no mergekit config",
            "a mergekit config is a mapping with `merge_method` and `models`, `slices` or `modules`",
            span=span_of(root.node),
        )
    keys = ", ".join(f"`{k}`" for k in list(root.keys())[:5])
    return NotAMergekitConfig.report(
        root,
        f"no mergekit config keys found (the top-level keys are {keys})",
        "a mergekit-yaml config has `merge_method` and `models`, `slices` or `modules`; "
        "a mergekit-moe config has `base_model` and `experts`",
        span=span_of(next(iter(root.own_pairs()))[0]) if len(root) else root.span,
    )


def order_key(diagnostic: Diagnostic, registry: Registry) -> tuple:
    """Sort key of a file's findings: errors first, in the order mergekit would hit them
    (the first error is where mergekit itself stops), then warnings by position."""
    if diagnostic.severity is Severity.ERROR:
        rule = registry.by_code.get(diagnostic.code)
        return (0, rule.phase if rule is not None else 5, diagnostic.span, diagnostic.code, diagnostic.message)
    return (1, 0, diagnostic.span, diagnostic.code, diagnostic.message)


# (code, explained code): where a document has the first finding, the second one at the
# top level of that document reports the same mistake again and is left out.
EXPLAINED_BY = (
    # Stages pasted without `---` repeat every top-level key of the stage.
    ("MK708", "MK005"),
)


def _drop_explained(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    present = {(d.code, d.document) for d in diagnostics}
    return [
        d
        for d in diagnostics
        if not any(
            d.code == explained and d.key_path == "" and (code, d.document) in present
            for code, explained in EXPLAINED_BY
        )
    ]


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    unique = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.span, diagnostic.message)
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique
