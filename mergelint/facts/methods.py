"""mergekit 0.1.5's merge methods as data: the one place that spells a method's facts.

Read from mergekit 0.1.5's ``merge_methods`` package (``registry.py``, each method's
parameter declarations and input contract). Rules, messages, ``explain`` and the
JSON Schema read this table; nothing else hard-codes a method.

Base policy: ``required`` means the base model must be one of each slice's inputs;
``optional`` means it may be; ``ignored`` means a base model is not treated specially
(if listed it is just another input).

Parameter scope: ``shared`` parameters are read once per tensor from the global,
module or slice ``parameters`` and never from a single model's; ``input`` parameters
are read per model, the base included; ``non_base`` parameters are read per model,
the base excluded.
"""

from __future__ import annotations

from typing import NamedTuple


REQUIRED = object()


class Parameter(NamedTuple):
    """One parameter a merge method reads."""

    name: str
    type: str
    scope: str
    default: object = REQUIRED
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


class Method(NamedTuple):
    """One merge method: its base policy, input-count contract and parameters."""

    name: str
    summary: str
    base: str
    parameters: tuple[Parameter, ...] = ()
    min_inputs: int = 1
    max_inputs: int | None = None
    min_non_base: int | None = None
    max_non_base: int | None = None
    sparsifier: str | None = None
    since: str = "0.0.1"

    def parameter(self, name: str) -> Parameter | None:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        return None

    @property
    def shared(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.scope == "shared")

    @property
    def per_model(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.scope != "shared")


def _p(name: str, type: str, scope: str, default: object = REQUIRED, doc: str = "") -> Parameter:
    return Parameter(name, type, scope, default, doc)


WEIGHT_INPUT = _p("weight", "float", "input", doc="relative weight of this model")
WEIGHT_NON_BASE = _p("weight", "float", "non_base", doc="relative weight of this model")
INT8_MASK = _p("int8_mask", "bool", "shared", False, "store intermediate masks in int8 to save memory")
LAMBDA = _p("lambda", "float", "shared", 1.0, "scaling factor applied to the merged task vector")
DENSITY = _p("density", "float", "non_base", 1.0, "fraction of the task vector's entries kept")


def _gta(name: str, summary: str, sparsifier: str | None, normalize: bool, rescale: bool, since: str, extra=()) -> Method:
    """A method of the generalized task arithmetic family (one shared implementation)."""
    parameters = (
        INT8_MASK,
        _p("normalize", "bool", "shared", normalize, "divide by the sum of the weights"),
        _p("rescale", "bool", "shared", rescale, "rescale kept entries to preserve the task vector's norm"),
        LAMBDA,
        _p("weight", "float", "non_base", doc="weight of this model's task vector"),
        DENSITY,
        *extra,
    )
    return Method(name, summary, "required", parameters, sparsifier=sparsifier, since=since)


METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        Method(
            "linear",
            "weighted average of the models",
            "ignored",
            (_p("normalize", "bool", "shared", True, "divide by the sum of the weights"), WEIGHT_INPUT),
        ),
        Method(
            "slerp",
            "spherical interpolation between the base model and one other model",
            "required",
            (_p("t", "float", "shared", doc="interpolation factor: 0 gives the base model, 1 the other model"),),
            min_inputs=2,
            max_inputs=2,
        ),
        Method(
            "nuslerp",
            "spherical interpolation of two models by weight, optionally as task vectors over a base",
            "optional",
            (
                _p("nuslerp_row_wise", "bool", "shared", False, "interpolate rows (or columns) separately"),
                _p("nuslerp_flatten", "bool", "shared", True, "treat each tensor as one flat vector"),
                WEIGHT_NON_BASE,
            ),
            min_non_base=2,
            max_non_base=2,
            since="0.0.6",
        ),
        Method(
            "multislerp",
            "spherical weighted mean of any number of models",
            "optional",
            (
                _p("normalize_weights", "bool", "shared", True, "divide by the sum of the weights"),
                _p("eps", "float", "shared", 1e-8, "numerical tolerance"),
                WEIGHT_NON_BASE,
            ),
            min_non_base=1,
            since="0.0.6",
        ),
        Method(
            "karcher",
            "Riemannian (Karcher) mean of the models",
            "ignored",
            (
                _p("max_iter", "int", "shared", 10, "maximum number of iterations"),
                _p("tol", "float", "shared", 1e-5, "convergence tolerance"),
            ),
            since="0.1.3",
        ),
        Method(
            "passthrough",
            "copy tensors from a single model unchanged (for layer stacking)",
            "ignored",
            (_p("scale", "float", "input", None, "multiply the copied tensor by this factor"),),
            max_inputs=1,
        ),
        Method(
            "model_stock",
            "Model Stock: average fine-tunes and interpolate toward the base by their geometry",
            "required",
            (_p("filter_wise", "bool", "shared", False, "compute the interpolation per row instead of per tensor"),),
            min_inputs=3,
            since="0.0.4.2",
        ),
        Method(
            "nearswap",
            "take the other model's values where they are close to the base model's",
            "required",
            (_p("t", "float", "shared", doc="similarity threshold; values at or below 0 leave the base unchanged"),),
            min_inputs=2,
            max_inputs=2,
            since="0.0.6",
        ),
        Method(
            "arcee_fusion",
            "Arcee Fusion: merge only the parameters that changed most from the base",
            "required",
            (),
            min_inputs=2,
            max_inputs=2,
            since="0.1.0",
        ),
        Method(
            "sce",
            "SCE: select, calculate and erase task-vector entries by variance",
            "required",
            (
                INT8_MASK,
                _p("select_topk", "float", "shared", 1.0, "fraction of highest-variance entries kept, in (0, 1]"),
            ),
            since="0.0.6",
        ),
        Method(
            "ram",
            "Reinforced Agent Merging",
            "required",
            (_p("epsilon", "float", "shared", 1e-5, "threshold above which an entry counts as changed"),),
            since="0.1.5",
        ),
        Method(
            "ramplus_tl",
            "Reinforced Agent Merging with overlap-aware rescaling",
            "required",
            (
                _p("r", "float", "shared", 0.1, "rescaling strength"),
                _p("alpha", "float", "shared", 0.2, "rescaling clamp"),
                _p("epsilon", "float", "shared", 1e-5, "threshold above which an entry counts as changed"),
            ),
            since="0.1.5",
        ),
        _gta("task_arithmetic", "add weighted task vectors to the base model", None, False, False, "0.0.2.2"),
        _gta("ties", "TIES: trim task vectors by magnitude, elect signs, merge", "magnitude", True, False, "0.0.1"),
        _gta("dare_ties", "DARE with TIES sign election: drop entries at random and rescale", "bernoulli", False, True, "0.0.3.1"),
        _gta("dare_linear", "DARE without sign election: drop entries at random and rescale", "bernoulli", False, True, "0.0.3.1"),
        _gta(
            "breadcrumbs",
            "Model Breadcrumbs: drop the smallest and the largest task-vector entries",
            "magnitude_outliers",
            False,
            False,
            "0.0.4.4",
            (_p("gamma", "float", "non_base", 0.01, "fraction of the largest-magnitude entries removed"),),
        ),
        _gta(
            "breadcrumbs_ties",
            "Model Breadcrumbs with TIES sign election",
            "magnitude_outliers",
            False,
            False,
            "0.0.4.4",
            (_p("gamma", "float", "non_base", 0.01, "fraction of the largest-magnitude entries removed"),),
        ),
        _gta(
            "della",
            "DELLA: drop entries with magnitude-ranked probabilities, with TIES sign election",
            "della_magprune",
            True,
            True,
            "0.0.5",
            (_p("epsilon", "float", "non_base", 0.15, "spread of drop probabilities around 1 - density"),),
        ),
        _gta(
            "della_linear",
            "DELLA without sign election",
            "della_magprune",
            False,
            True,
            "0.0.5",
            (_p("epsilon", "float", "non_base", 0.15, "spread of drop probabilities around 1 - density"),),
        ),
    )
}

# Methods that combine task vectors with sign election ("sum" consensus in mergekit).
SIGN_CONSENSUS = frozenset({"ties", "dare_ties", "breadcrumbs_ties", "della"})

# Every parameter name any method reads, to recognise parameters written out of place.
ALL_PARAMETER_NAMES = frozenset(p.name for m in METHODS.values() for p in m.parameters)

# Parameter names that only old mergekit releases read.
RETIRED_PARAMETERS = {
    "embed_slerp": "read only by mergekit 0.0.3 to 0.0.4.4",
    "consensus_method": "read only by ties in mergekit 0.0.1 to 0.0.3",
    "k": "read only by consensus_ta and consensus_ties, removed in mergekit 0.1.0",
}

# Method names of other tools or of mergekit releases that dropped them.
RETIRED_METHODS = {
    "consensus_ta": "removed in mergekit 0.1.0",
    "consensus_ties": "removed in mergekit 0.1.0",
}
