"""Apply the fixes attached to diagnostics by patching the source text at node positions.

Only the characters a fix names change: quotes, indentation and comments elsewhere
stay as written. Fixes are applied from the end of the text backwards, an edit that
overlaps one already taken is left for the next round, and the text is linted again
after each round, so a fix never lands on stale positions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from mergelint.diagnostics import Diagnostic, Edit

# Rounds of fix-then-lint before giving up; each round applies every non-overlapping fix.
MAX_ROUNDS = 10


# Findings a fix must not add: syntax errors, duplicate keys, values safe_load cannot
# construct, and a file no longer taken for a mergekit config.
UNLOADABLE_CODES = frozenset({"MK004", "MK005", "MK006", "MK007"})


@dataclass
class FixOutcome:
    """The fixed text, how many fixes went into it, what each one did, and those rejected."""

    text: str
    applied: int
    descriptions: list[str] = field(default_factory=list)
    # Fixes left out because they would have made the text unloadable.
    rejected: list[str] = field(default_factory=list)


def apply_once(
    text: str,
    diagnostics: list[Diagnostic],
    unsafe: bool = False,
    rejected: frozenset[str] = frozenset(),
    only: str | None = None,
) -> FixOutcome:
    """Apply every fix that does not overlap an earlier-taken one; unsafe fixes only if asked.

    A fix is named by its description, such as ``line 3: replace `Ties` with `ties```.
    Fixes named in ``rejected`` are left out; with ``only``, just the fix of that name applies.
    """
    chosen: list[tuple[Edit, ...]] = []
    descriptions: list[str] = []
    taken: list[tuple[int, int]] = []
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or (not fix.safe and not unsafe):
            continue
        description = f"line {diagnostic.span.line}: {fix.description}"
        if description in rejected or (only is not None and description != only):
            continue
        ranges = [(edit.start, edit.end) for edit in fix.edits]
        if any(_overlaps(r, t) for r in ranges for t in taken):
            continue
        taken.extend(ranges)
        chosen.append(fix.edits)
        descriptions.append(description)

    edits = sorted((edit for edits in chosen for edit in edits), key=lambda e: (e.start, e.end), reverse=True)
    for edit in edits:
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return FixOutcome(text, len(chosen), descriptions)


def fix_text(text: str, lint: Callable[[str], list[Diagnostic]], unsafe: bool = False) -> FixOutcome:
    """Fix and re-lint until no fix applies; ``lint`` returns the diagnostics of a text."""
    total = 0
    descriptions: list[str] = []
    rejected: list[str] = []
    diagnostics = lint(text)
    for _ in range(MAX_ROUNDS):
        outcome = apply_once(text, diagnostics, unsafe, frozenset(rejected))
        if outcome.applied == 0 or outcome.text == text:
            break
        fixed_diagnostics = lint(outcome.text)
        if _breaks(diagnostics, fixed_diagnostics):
            # A fix that makes the YAML unloadable is a bug in that fix. Try each of the
            # round's fixes alone to find it, reject it, and apply the others.
            breaking = [
                name
                for name in outcome.descriptions
                if _breaks(diagnostics, lint(apply_once(text, diagnostics, unsafe, only=name).text))
            ]
            rejected.extend(breaking or outcome.descriptions)
            continue
        text, diagnostics, total = outcome.text, fixed_diagnostics, total + outcome.applied
        descriptions.extend(outcome.descriptions)
    return FixOutcome(text, total, sorted(descriptions, key=_line_of), rejected)


def _line_of(description: str) -> int:
    """Return N of a fix named ``line N: ...``."""
    return int(description.split(":", 1)[0].removeprefix("line "))


def _breaks(before: list[Diagnostic], after: list[Diagnostic]) -> bool:
    """Tell whether a fix made the text less loadable: more findings of any unloadable code.

    Counted per code, so that a removed duplicate key cannot hide a new syntax error.
    """
    counts_before = Counter(d.code for d in before if d.code in UNLOADABLE_CODES)
    counts_after = Counter(d.code for d in after if d.code in UNLOADABLE_CODES)
    return any(counts_after[code] > counts_before[code] for code in counts_after)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Two insertions at one point also conflict: their order would be arbitrary.
    return a[0] < b[1] and b[0] < a[1] or a == b
