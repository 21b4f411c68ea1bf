"""The pre-commit hook, run by the real pre-commit in a temporary git repository.

``pre-commit try-repo`` installs mergelint into pre-commit's own virtualenv with pip,
which needs the package index. The hook definition is read from a committed copy of
this repository's working tree (tracked and untracked files, minus what .gitignore
excludes), because try-repo leaves out untracked files of the repository it is given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = shutil.which("pre-commit") or (
    str(Path(sys.executable).parent / "pre-commit") if (Path(sys.executable).parent / "pre-commit").exists() else None
)

pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")

CLEAN = """\
merge_method: linear
models:
  - model: org/model-a
    parameters:
      weight: 0.5
  - model: org/model-b
    parameters:
      weight: 0.5
"""

BROKEN = """\
merge_method: linear
models:
  - model: org/model-a
    parameters:
      weight: 0.5
      weight: 0.7
"""

UNRELATED = """\
name: ci
on: push
jobs: {}
"""


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def snapshot_of_repository(target: Path) -> Path:
    """Commit the working tree of this repository into a new git repository at ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "snapshot", cwd=target)
    return target


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory) -> Path:
    if not (REPO / ".git").exists():
        pytest.skip("the tests run outside a git checkout of mergelint")
    return snapshot_of_repository(tmp_path_factory.mktemp("mergelint-snapshot"))


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # One home for the module, so pip installs mergelint into the hook environment once.
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(project: Path, hook_repository: Path, pre_commit_home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(hook_repository), "mergelint", "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def project_with(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text)
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    return project


def test_hook_passes_clean_config_and_unrelated_yaml(tmp_path, hook_repository, pre_commit_home):
    project = project_with(tmp_path, {"merge.yml": CLEAN, "workflow.yml": UNRELATED})
    result = try_repo(project, hook_repository, pre_commit_home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "mergelint" in result.stdout
    assert "Passed" in result.stdout
    assert "workflow.yml:1:1: MK007 not-a-mergekit-config" not in result.stdout


def test_hook_fails_broken_config(tmp_path, hook_repository, pre_commit_home):
    project = project_with(tmp_path, {"merge.yml": BROKEN, "workflow.yml": UNRELATED})
    result = try_repo(project, hook_repository, pre_commit_home)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "- exit code: 1" in result.stdout
    assert "merge.yml:6:7: MK005 duplicate-key: duplicate key 'weight'" in result.stdout
    assert "6 |       weight: 0.7" in result.stdout


def test_hook_passes_unrelated_yaml_alone(tmp_path, hook_repository, pre_commit_home):
    project = project_with(tmp_path, {".github-workflow.yaml": UNRELATED})
    result = try_repo(project, hook_repository, pre_commit_home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "mergelint" in result.stdout
    assert "Passed" in result.stdout
