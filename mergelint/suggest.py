"""Did-you-mean suggestions for misspelled keys and names."""

from __future__ import annotations

from collections.abc import Iterable


def _normal(word: str) -> str:
    return word.strip().lower().replace("-", "_").replace(" ", "_")


def closest(word: object, choices: Iterable[str], cutoff: float = 0.72) -> str | None:
    """Return the choice ``word`` most likely misspells, or None when none is close.

    Case, hyphens and spaces are ignored first (``Dare-Ties`` finds ``dare_ties``), then
    difflib's similarity ratio must reach ``cutoff``.
    """
    if not isinstance(word, str) or not word:
        return None
    choices = list(choices)
    normal = _normal(word)
    for choice in choices:
        if _normal(choice) == normal:
            return choice
    import difflib  # only when a name is unknown, so clean runs do not import it

    by_normal = {_normal(choice): choice for choice in choices}
    matches = difflib.get_close_matches(normal, list(by_normal), n=1, cutoff=cutoff)
    return by_normal[matches[0]] if matches else None


def is_typo(word: object, target: str) -> bool:
    """Tell whether ``word`` is ``target`` mistyped: case and separators aside, one or two
    letters added, dropped, changed or swapped (two only in names of nine letters or more).

    Stricter than ``closest``: it decides when a fix may rename a key on its own.
    """
    if not isinstance(word, str) or word == target:
        return False
    a, b = _normal(word), _normal(target)
    if a == b:
        return True
    return _edit_distance(a, b) <= (1 if len(b) <= 8 else 2)


def _edit_distance(a: str, b: str) -> int:
    """Return the optimal string alignment distance (Levenshtein with transpositions)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def quoted_list(names: Iterable[str], limit: int = 12) -> str:
    """Join names as `a`, `b` and `c`, cut after ``limit`` names."""
    names = [f"`{name}`" for name in names]
    if len(names) > limit:
        names = names[:limit] + [f"{len(names) - limit} more"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
