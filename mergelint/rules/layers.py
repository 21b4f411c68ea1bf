"""MK4xx: slices and layer ranges.

``layer_range: [start, end]`` is half-open: it takes layers start … end - 1. mergekit
checks neither that a range is non-empty nor that it fits the model. The output's
layer count is the sum of each slice's first source length, negative ones included.
"""

from __future__ import annotations

from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Severity
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.model import Slice
from mergelint.tree import INT_TAG, Value


def layer_bounds(layer_range: Value | None) -> tuple[int, int] | None:
    """Return (start, end) of a well-formed layer range of two integers, else None."""
    if layer_range is None or not layer_range.is_sequence or len(layer_range) != 2:
        return None
    items = layer_range.items()
    if not all(item.is_scalar and item.tag == INT_TAG for item in items):
        return None
    return int(items[0].value), int(items[1].value)


class EmptyLayerRange(Rule):
    """A `layer_range` that selects no layers, or starts below 0.

    ## What it checks
    Ranges whose end is not above their start (`[2, 2]`, `[8, 4]`), and negative
    starts. Ranges are half-open, `[start, end)`, so `[2, 2]` is empty; to take only
    layer 2, write `[2, 3]`.

    ## Why it matters
    mergekit accepts an empty or reversed range without a word: the slice contributes
    no layers, and its negative length is even added to the layer count written to
    the merged model's `config.json`, so the model is broken. A negative start fails
    only when the tensors are read, mid-merge.

    ## Failing example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 2]
      - sources:
          - model: org/model-a
            layer_range: [2, 2]
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 2]
      - sources:
          - model: org/model-a
            layer_range: [2, 3]
    ```

    ## Fix safety
    No automatic fix: an off-by-one may be in either bound.
    """

    code = "MK401"
    name = "empty-layer-range"
    severity = Severity.ERROR
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for slice_ in document.merge.slices:
            for item in slice_.inputs:
                bounds = layer_bounds(item.layer_range)
                if bounds is None:
                    continue
                start, end = bounds
                if start < 0:
                    yield self.report(
                        item.layer_range,
                        f"layer_range [{start}, {end}] starts at a negative layer; mergekit fails when it reads "
                        "the tensors, mid-merge",
                        "layers are numbered from 0; start the range at 0 or above",
                    )
                elif end == start:
                    yield self.report(
                        item.layer_range,
                        f"layer_range [{start}, {end}] is empty (ranges are half-open [start, end)), so the "
                        "slice adds no layer and mergekit silently writes a wrong layer count",
                        f"use [{start}, {start + 1}] to select layer {start}",
                    )
                elif end < start:
                    yield self.report(
                        item.layer_range,
                        f"layer_range [{start}, {end}] is reversed, so it selects no layer and subtracts "
                        f"{start - end} from the merged model's layer count",
                        f"write the smaller bound first: [{end}, {start}]",
                    )


class SliceLengthMismatch(Rule):
    """Sources of one slice span different numbers of layers.

    ## What it checks
    That every source of a slice has a `layer_range` of the same length
    (end - start), since the slice merges layer i of each source together.

    ## Why it matters
    mergekit fails with "All inputs to a slice must contain the same number of
    layers" when it plans that slice, after downloading every model.

    ## Failing example
    ```yaml
    merge_method: linear
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
            parameters:
              weight: 0.5
          - model: org/model-b
            layer_range: [0, 20]
            parameters:
              weight: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 16]
            parameters:
              weight: 0.5
          - model: org/model-b
            layer_range: [4, 20]
            parameters:
              weight: 0.5
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK402"
    name = "slice-length-mismatch"
    severity = Severity.ERROR
    phase = 5

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for slice_ in document.merge.slices:
            lengths = [(item, layer_bounds(item.layer_range)) for item in slice_.inputs]
            lengths = [(item, end - start) for item, bounds in lengths if bounds is not None for start, end in [bounds]]
            if len({length for _, length in lengths}) <= 1:
                continue
            described = ", ".join(str(length) for _, length in lengths)
            first_length = lengths[0][1]
            for item, length in lengths[1:]:
                if length != first_length:
                    yield self.report(
                        item.layer_range,
                        f"this source spans {length} layers, but the first source of the slice spans "
                        f"{first_length} (the slice mixes {described}); all sources of a slice must span the same "
                        "number of layers",
                        "make the ranges equally long; to stack layers with passthrough, put each range in its own slice",
                    )
                    break


class EmptySources(Rule):
    """A slice with an empty `sources` list.

    ## What it checks
    Slices whose `sources:` is an empty list.

    ## Why it matters
    mergekit fails with an IndexError while building the output config.

    ## Failing example
    ```yaml
    merge_method: passthrough
    slices:
      - sources: []
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK403"
    name = "empty-sources"
    severity = Severity.ERROR
    phase = 2

    def check(self, document: Document) -> Iterator[Diagnostic]:
        for slice_ in document.merge.slices:
            sources = slice_.value.get("sources") if slice_.form == "slices" else None
            if sources is not None and sources.is_sequence and len(sources) == 0:
                yield self.report(
                    sources,
                    "this slice has an empty `sources` list; mergekit fails with an IndexError",
                    "list at least one source with `model` and `layer_range`, or remove the slice",
                )


class LayerStackGap(Rule):
    """Stacked slices that drop a single layer: an off-by-one of half-open ranges.

    ## What it checks
    Configs whose slices each take one source, the layer stacks passthrough builds.
    It reports a stack whose first slice starts at layer 1, and two consecutive
    slices where the next one starts exactly one layer after the previous one ends
    (`[0, 16]` then `[17, 32]`). Both drop one layer, the usual sign of reading
    `[start, end]` as inclusive.

    ## Why it matters
    mergekit accepts the stack and writes a model without that layer. Larger gaps and
    overlaps are left alone: pruning and self-stacking use them on purpose.

    ## Failing example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [1, 25]
      - sources:
          - model: org/model-b
            layer_range: [25, 40]
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 25]
      - sources:
          - model: org/model-b
            layer_range: [25, 40]
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK404"
    name = "layer-stack-gap"
    severity = Severity.WARNING
    phase = 8

    def check(self, document: Document) -> Iterator[Diagnostic]:
        # Two passes over the stacked slices, so that a large config's slices are not
        # all held at once: the first makes sure each has one input and a valid range.
        stacked = 0
        for slice_ in _stacked(document):
            if len(slice_.inputs) != 1 or layer_bounds(slice_.inputs[0].layer_range) is None:
                return
            stacked += 1
        if not stacked:
            return

        previous_end = None
        for slice_ in _stacked(document):
            layer_range = slice_.inputs[0].layer_range
            start, end = layer_bounds(layer_range)
            if previous_end is None and start == 1:
                yield self.report(
                    layer_range,
                    "the stacked slices start at layer 1, so layer 0 of the model is dropped "
                    "(ranges are half-open [start, end) and layers count from 0)",
                    "start the first slice at 0",
                )
            elif previous_end is not None and start == previous_end + 1:
                yield self.report(
                    layer_range,
                    f"this slice starts at layer {start}, one after the previous slice ends ({previous_end}), so "
                    f"layer {previous_end} is dropped (ranges are half-open [start, end))",
                    f"start this slice at {previous_end}, or end the previous one at {start}",
                )
            previous_end = end


def _stacked(document: Document) -> Iterator[Slice]:
    return (slice_ for slice_ in document.merge.slices if slice_.form == "slices")



class LayerRangePastDepth(Rule):
    """A `layer_range` that ends past the model's last layer, for a model already on this machine.

    ## What it checks
    The end of each source's `layer_range` against the layer count in the model's
    `config.json` (`num_hidden_layers`, or `n_layer` for GPT-2-style models). mergelint
    works offline, so it looks only where the model is already: a local model folder,
    or the Hugging Face cache (`HF_HUB_CACHE`, `HF_HOME/hub`, or
    `~/.cache/huggingface/hub`), at the revision the config names. A model found
    nowhere is not checked, so this rule may report on one machine and not another.

    ## Why it matters
    mergekit checks ranges against the model only when it reads the tensors: it fails
    with "Tensor ... required but not present" in the middle of the merge, after
    every model has been downloaded.

    ## Failing example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a  # 32 layers
            layer_range: [0, 40]
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Fix safety
    No automatic fix: the range may have been meant for another model.
    """

    code = "MK405"
    name = "layer-range-past-depth"
    severity = Severity.ERROR
    phase = 6

    def check(self, document: Document) -> Iterator[Diagnostic]:
        from mergelint.local_models import layer_count

        for slice_ in document.merge.slices:
            for item in slice_.inputs:
                bounds = layer_bounds(item.layer_range)
                if bounds is None or item.ref is None:
                    continue
                found = layer_count(item.ref)
                if found is None or bounds[1] <= found[0]:
                    continue
                count, where = found
                yield self.report(
                    item.layer_range,
                    f"`{item.ref}` has {count} layers (0 to {count - 1}, per {where}), but this range ends at "
                    f"{bounds[1]}; mergekit fails mid-merge when it reaches the missing layers",
                    f"end the range at {count} or below; ranges are half-open, so [0, {count}] takes every layer",
                )


class ModelDepthMismatch(Rule):
    """Models of different depths in the `models:` form, for models already on this machine.

    ## What it checks
    In the `models:` form, the layer counts of the models whose `config.json` is on
    this machine (a local folder or the Hugging Face cache, as for
    layer-range-past-depth). Models found nowhere are not checked.

    ## Why it matters
    mergekit merges every layer of every model in the `models:` form, so they must all
    have the same depth. It stops with "All inputs to a slice must contain the same
    number of layers" when it plans the merge, after downloading the models.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/llama-8b  # 32 layers
        parameters: {weight: 0.5}
      - model: org/llama-70b  # 80 layers
        parameters: {weight: 0.5}
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/llama-8b
        parameters: {weight: 0.5}
      - model: org/llama-8b-instruct  # 32 layers
        parameters: {weight: 0.5}
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK406"
    name = "model-depth-mismatch"
    severity = Severity.ERROR
    phase = 4

    def check(self, document: Document) -> Iterator[Diagnostic]:
        from mergelint.local_models import layer_count

        for slice_ in document.merge.slices:
            if slice_.form != "models":
                continue
            first = None
            for item in slice_.inputs:
                found = layer_count(item.ref) if item.ref is not None else None
                if found is None:
                    continue
                if first is None:
                    first = item, found[0]
                    continue
                if found[0] != first[1]:
                    yield self.report(
                        item.model,
                        f"`{item.ref}` has {found[0]} layers but `{first[0].ref}` has {first[1]}; in the `models:` "
                        "form mergekit merges every layer of each model, so all must have the same number",
                        "merge models of one depth, or use `slices:` with equally long layer ranges",
                    )
                    break
