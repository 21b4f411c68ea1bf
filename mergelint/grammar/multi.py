"""Grammar of one document of a mergekit-multi config: a mergekit-yaml config plus ``name``.

mergekit-multi removes ``name`` from each document before it validates the rest as a
``MergeConfiguration`` (mergekit 0.1.5, ``scripts/multimerge.py``).
"""

from __future__ import annotations

from strictyaml import Map, Str

from mergelint.grammar.common import Key, named
from mergelint.grammar.merge import MERGE_CONFIG

STAGE_NAME = Key("name", "name of this stage; other stages use it as a model; absent on the final stage")

MULTI_STAGE = named(
    Map(
        {
            STAGE_NAME: Str(),
            **{key: value for key, value in MERGE_CONFIG._validator.items() if getattr(key, "key", key) != "name"},
        }
    ),
    "a mergekit-multi stage",
)
