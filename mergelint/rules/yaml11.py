"""MK9xx: values YAML 1.1 reads differently from what the author evidently meant.

mergekit reads configs with PyYAML, which follows YAML 1.1: ``yes``/``no``/``on``/
``off`` are booleans, ``010`` is octal 8, ``1:30`` is the base-60 number 90, and
``1e-5`` (no dot) is a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity, replace_node
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.methods import METHODS
from mergelint.nodes import ScalarNode
from mergelint.tree import BOOL_TAG, INT_TAG, STR_TAG, Value, format_path

BOOL_WORDS = re.compile(r"(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)")
OCTAL = re.compile(r"[-+]?0[0-7_]+")
SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
# A number in exponent form. YAML 1.1 reads it as a float only with a dot in the
# mantissa and a sign in the exponent (`1.0e-5`, `1.0e+5`), so `1e-5` and `1.0e5` are strings.
EXPONENT_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+")

# Parameters that are booleans in every method that reads them: `no` there means false.
BOOLEAN_PARAMETERS = frozenset(
    parameter.name
    for method in METHODS.values()
    for parameter in method.parameters
    if parameter.type == "bool"
) - {p.name for m in METHODS.values() for p in m.parameters if p.type != "bool"}

# Keys whose values are numbers or booleans, where a YAML 1.1 surprise changes a value.
NUMERIC_CONTEXT = re.compile(r"(^|\.)(parameters\.|layer_range|residual_weight|experts_per_token|noise_scale|residual_scale|weight|value|limit|num_fewshot)")


class Yaml11Surprise(Rule):
    """A plain value that YAML 1.1 reads as something other than it looks like.

    ## What it checks
    Plain (unquoted) scalars that YAML 1.1 reads otherwise than they look:

    - `yes`, `no`, `on`, `off`, `y`, `n` (booleans) as values of numeric parameters;
    - integers with a leading zero (`010` is octal 8);
    - colon-separated numbers (`1:30` is 90 in base 60);
    - numbers in exponent form without a dot or a signed exponent (`1e-5`, `1.0e5`),
      which are strings.

    ## Why it matters
    mergekit reads configs with PyYAML, a YAML 1.1 parser. A weight of `010` is 8,
    not 10; `on` is 1.0. Exponents without a dot still work in mergekit 0.1.5, which
    converts the string when it validates the parameter, but tools that read the
    config as YAML see a string.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 010
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 10
    ```

    ## Fix safety
    Writing `1e-5` as `1.0e-5` is safe: both mean the same number to mergekit. The
    other cases have no automatic fix, since the intended value is unclear.
    """

    code = "MK901"
    name = "yaml11-surprise"
    severity = Severity.WARNING
    phase = 8
    fixable = True
    kinds = frozenset({"merge", "moe", "evolve"})

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for node, chain in document.nodes:
            if not _candidate(node):
                continue
            path = format_path(chain)
            value = Value(node, path, document.index)
            text = node.value
            if node.tag == INT_TAG and OCTAL.fullmatch(text) and text.strip("+-0_"):
                yield self.report(
                    value,
                    f"`{text}` has a leading zero, so YAML 1.1 reads it as the octal number {value.value}",
                    f"write `{text.lstrip('+-0_') or '0'}` if you meant the decimal number",
                )
            elif node.tag == INT_TAG and SEXAGESIMAL.fullmatch(text):
                yield self.report(
                    value,
                    f"`{text}` is a base-60 number in YAML 1.1, so it reads as {value.value}",
                    "quote it if it is text, or write the number you mean",
                )
            elif node.tag == STR_TAG and EXPONENT_NUMBER.fullmatch(text) and NUMERIC_CONTEXT.search(path):
                fixed = _as_yaml11_float(text)
                yield self.report(
                    value,
                    f"YAML 1.1 reads `{text}` as a string: a number in exponent form needs a dot and a signed "
                    f"exponent, as in `{fixed}`. mergekit converts it when it validates the parameter, but other "
                    "YAML readers (your editor's schema, scripts) see a string",
                    f"write `{fixed}`",
                    fix=replace_node(node, fixed, f"write `{fixed}`"),
                )
            elif (
                node.tag == BOOL_TAG
                and BOOL_WORDS.fullmatch(text)
                and NUMERIC_CONTEXT.search(path)
                and _parameter_name(path) not in BOOLEAN_PARAMETERS
            ):
                yield self.report(
                    value,
                    f"`{text}` is the boolean {value.value} in YAML 1.1, which mergekit reads as "
                    f"{1.0 if value.value else 0.0} here",
                    f"write `{'true' if value.value else 'false'}`, or the number you mean",
                )


def _candidate(node) -> bool:
    """Tell whether a node is a plain scalar of a kind this rule looks at, cheaply."""
    if not isinstance(node, ScalarNode) or node.style not in (None, ""):
        return False
    if node.tag == STR_TAG:
        return EXPONENT_NUMBER.fullmatch(node.value) is not None
    return node.tag in (INT_TAG, BOOL_TAG)


def _parameter_name(path: str) -> str | None:
    """Return the parameter a value belongs to, from a path such as ``parameters.normalize``."""
    match = re.search(r"parameters\.([^.\[]+)", path)
    return match.group(1) if match else None


def _as_yaml11_float(text: str) -> str:
    """Rewrite `1e-5` or `1.0e5` as YAML 1.1 floats: `1.0e-5`, `1.0e+5`."""
    mantissa, exponent = re.split("[eE]", text, maxsplit=1)
    if "." not in mantissa:
        mantissa += ".0"
    if exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}"
