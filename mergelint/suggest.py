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


def quoted_list(names: Iterable[str], limit: int = 12) -> str:
    """Join names as `a`, `b` and `c`, cut after ``limit`` names."""
    names = [f"`{name}`" for name in names]
    if len(names) > limit:
        names = names[:limit] + [f"{len(names) - limit} more"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
