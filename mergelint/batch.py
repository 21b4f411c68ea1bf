"""Lint many files, in parallel worker processes when the batch is large enough.

Linting is CPU-bound and files are independent, so a large batch is split into chunks
that forked workers lint while the parent keeps their order. Small batches, and
platforms without ``fork``, are linted in this process: starting workers costs more
than it saves below a few dozen files.
"""

from __future__ import annotations

import os
import sys

from mergelint.linter import LintResult, lint_path

# Fewer files than this are linted in this process.
MIN_PARALLEL_FILES = 64
# Files per task sent to a worker: large enough to amortise the round trip.
CHUNK_FILES = 32


def default_jobs() -> int:
    """Return the number of worker processes to use: one per available CPU."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not available on macOS and Windows
        return os.cpu_count() or 1


def lint_paths(paths: list[str], kind: str | None = None, jobs: int = 0) -> list[LintResult]:
    """Lint files in order; ``jobs`` 0 picks a worker count, 1 keeps everything in this process."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(paths) < MIN_PARALLEL_FILES or not _can_fork():
        return [lint_path(path, kind) for path in paths]

    import multiprocessing

    chunks = [paths[start : start + CHUNK_FILES] for start in range(0, len(paths), CHUNK_FILES)]
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(chunks))) as pool:
        batches = pool.map(_lint_chunk, [(chunk, kind) for chunk in chunks])
    return [result for batch in batches for result in batch]


def _lint_chunk(task: tuple[list[str], str | None]) -> list[LintResult]:
    paths, kind = task
    return [lint_path(path, kind) for path in paths]


def _can_fork() -> bool:
    # fork is the only start method that shares the parent's imports for free; macOS
    # offers it but makes it unsafe with some system libraries, so only Linux uses it.
    return sys.platform.startswith("linux")
