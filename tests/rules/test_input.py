"""MK004-MK006: what yaml.safe_load rejects or silently drops, at exact positions."""

import pytest
from helpers import findings

BASE = """\
merge_method: linear
models:
  - model: org/a
    parameters: {weight: 1.0}
"""

CASES = [
    pytest.param(BASE, [], id="clean"),
    pytest.param(BASE + "models: []\n", ["5:1 MK005"], id="duplicate-top-level-key"),
    pytest.param(
        BASE.replace("{weight: 1.0}", "{weight: 1.0, weight: 0.5}"), ["4:31 MK005"], id="duplicate-key-in-flow"
    ),
    pytest.param(BASE + "models: [\n", ["6:1 MK004"], id="unclosed-bracket"),
    pytest.param(BASE + "dtype: *missing\n", ["5:8 MK004"], id="undefined-alias"),
    pytest.param("a: &x 1\nb: &x 2\n" + BASE, ["2:4 MK004"], id="duplicate-anchor"),
    pytest.param(BASE + "dtype:\n\tx: 1\n", ["6:1 MK004"], id="tab-indentation"),
    pytest.param(BASE + "dtype: !python/name:os.system x\n", ["5:8 MK006"], id="python-tag"),
    pytest.param(BASE + "dtype: !!int ten\n", ["5:14 MK006"], id="tagged-int-not-a-number"),
    pytest.param("x: &s [1, 2]\n" + BASE + "  - model: org/b\n    <<: *s\n", ["7:5 MK006"], id="merge-of-aliased-list"),
    pytest.param(BASE + "  - model: org/b\n    <<: [1]\n", ["6:9 MK006"], id="merge-of-inline-list"),
    pytest.param(
        "defaults: &d {weight: 1.0}\nmerge_method: linear\nmodels:\n  - model: org/a\n    parameters:\n      <<: *d\n",
        [],
        id="merge-of-aliased-mapping-clean",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_yaml_loader_problems_case(source, expected):
    assert findings(source, prefix="MK00") == expected
