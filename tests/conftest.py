import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    """Keep a CI runner's GitHub Actions variable from switching the default output format."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
