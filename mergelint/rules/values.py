"""MK5xx: dtypes, the tokenizer settings and the chat template.

mergekit accepts any string for these when it loads the config and finds out that
a name is wrong only when it writes tensors or, for the tokenizer and chat
template, after the whole merge is computed.
"""

from __future__ import annotations

from collections.abc import Iterator

from mergelint.diagnostics import Diagnostic, Fix, Severity, replace_node
from mergelint.document import Document
from mergelint.engine import Rule
from mergelint.facts.values import (
    CHAT_TEMPLATES,
    DTYPE_ALIASES,
    DTYPES,
    MIN_TEMPLATE_LENGTH,
    NONSENSE_DTYPES,
    TOKENIZER_SOURCES,
)
from mergelint.suggest import closest, is_typo
from mergelint.tree import Value


def _replace_fix(value: Value, replacement: str, safe: bool) -> Fix:
    return replace_node(value.node, replacement, f"replace `{value.text}` with `{replacement}`", safe)


class UnknownDtype(Rule):
    """`dtype` or `out_dtype` is not a dtype mergekit can merge or save weights in.

    ## What it checks
    `dtype` and `out_dtype` against `bfloat16`, `float16`, `float32`, `float64`
    (mergekit 0.1.5 and later), with an optional `torch.` prefix. Common spellings
    such as `bf16`, `fp16`, `half` or `bfloat` get the name they stand for. `int64`
    is a name mergekit accepts, but as `dtype` it fails mid-merge and as `out_dtype` it
    truncates every weight, so it is an error too.

    ## Why it matters
    mergekit stores the string and fails with "Unimplemented dtype" only when it
    loads or saves the first tensor, after every model was downloaded.

    ## Failing example
    ```yaml
    merge_method: passthrough
    dtype: bfloat
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Corrected example
    ```yaml
    merge_method: passthrough
    dtype: bfloat16
    slices:
      - sources:
          - model: org/model-a
            layer_range: [0, 32]
    ```

    ## Fix safety
    Replacing a known spelling (`bf16` → `bfloat16`) is safe: the fix writes the name
    the spelling stands for.
    """

    code = "MK501"
    name = "unknown-dtype"
    severity = Severity.ERROR
    phase = 6
    fixable = True
    kinds = frozenset({"merge", "moe"})

    def check(self, document: Document) -> Iterator[Diagnostic]:
        root = document.root
        if not root.is_mapping:
            return
        for key in ("dtype", "out_dtype"):
            value = root.get(key)
            if value is None or not value.is_string:
                continue
            name = value.text.removeprefix("torch.")
            if name in NONSENSE_DTYPES:
                yield self.report(
                    value,
                    f"{key} `{value.text}` is an integer dtype: {NONSENSE_DTYPES[name][key]}",
                    "use bfloat16, float16 or float32",
                )
                continue
            if name in DTYPES:
                continue
            meant = DTYPE_ALIASES.get(name.lower()) or closest(name, DTYPES)
            if meant is not None:
                help = f"use `{meant}`"
                fix = _replace_fix(value, meant, safe=name.lower() in DTYPE_ALIASES)
            else:
                help, fix = "use bfloat16, float16 or float32", None
            yield self.report(
                value,
                f"{key} `{value.text}` is not recognised; mergekit fails with 'Unimplemented dtype' when it "
                "writes the first tensor",
                help,
                fix=fix,
            )


class UnknownChatTemplate(Rule):
    """`chat_template` is neither a built-in template name nor a Jinja template.

    ## What it checks
    `chat_template` against `auto` and the built-in templates (`alpaca`, `chatml`,
    `exaone`, `llama3`, `mistral`). Any other value must be a Jinja template, which
    mergekit recognises as at least 20 characters containing `{`.

    ## Why it matters
    mergekit uses the value only after the whole merge is computed, and then fails
    with "Invalid chat template" or just logs an error and writes no tokenizer.

    ## Failing example
    ```yaml
    merge_method: linear
    chat_template: chat-ml
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    chat_template: chatml
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    Replacing a name that differs from a built-in only in case, hyphens or spaces is
    safe; other suggestions are unsafe.
    """

    code = "MK502"
    name = "unknown-chat-template"
    severity = Severity.ERROR
    phase = 7
    fixable = True

    def check(self, document: Document) -> Iterator[Diagnostic]:
        value = document.root.get("chat_template") if document.root.is_mapping else None
        if value is None or not value.is_string or not value.text:
            return
        text = value.text
        if text in CHAT_TEMPLATES or (len(text) >= MIN_TEMPLATE_LENGTH and "{" in text):
            return
        suggestion = closest(text, CHAT_TEMPLATES, cutoff=0.6)
        fix = None
        if suggestion:
            help = f"did you mean `{suggestion}`?"
            fix = _replace_fix(value, suggestion, safe=text.lower().replace("-", "").replace("_", "") == suggestion)
        else:
            help = "use auto, alpaca, chatml, exaone, llama3 or mistral, or a full Jinja template"
        yield self.report(
            value,
            f"chat_template `{text}` is not a built-in template and not a Jinja template; mergekit fails with "
            "'Invalid chat template' after the merge is computed",
            help,
            fix=fix,
        )


class TokenizerSourceSpelling(Rule):
    """A tokenizer source that looks like `union` or `base` but is read as a model path.

    ## What it checks
    `tokenizer_source` and `tokenizer.source`: only the exact words `union` and
    `base` have their special meaning. `Union`, `BASE`, `"union "`, a misspelling
    such as `unoin`, or the pre-0.0.5 syntax `model:org/name` are read as the path of a
    model with that name.

    ## Why it matters
    mergekit tries to load a model called `Union` or `model:org/name` when it builds
    the tokenizer, and fails after the merge is computed.

    ## Failing example
    ```yaml
    merge_method: linear
    tokenizer_source: Union
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    tokenizer_source: union
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    Lower-casing `Union` or `BASE`, and dropping the `model:` prefix, are safe fixes.
    Correcting a misspelling such as `unoin` is an unsafe fix: a local folder could
    have that name.
    """

    code = "MK503"
    name = "tokenizer-source-spelling"
    severity = Severity.ERROR
    phase = 7
    fixable = True

    def check(self, document: Document) -> Iterator[Diagnostic]:
        root = document.root
        if not root.is_mapping:
            return
        candidates = [root.get("tokenizer_source")]
        tokenizer = root.get("tokenizer")
        if tokenizer is not None and tokenizer.is_mapping:
            candidates.append(tokenizer.get("source"))
        for value in candidates:
            if value is None or not value.is_string or value.text in TOKENIZER_SOURCES:
                continue
            text = value.text
            word = text.strip().lower()
            if word in TOKENIZER_SOURCES:
                yield self.report(
                    value,
                    f"`{text}` is not the keyword `{word}`; mergekit matches it exactly and reads `{text}` as a "
                    "model path",
                    f"write `{word}`",
                    fix=_replace_fix(value, word, safe=True),
                )
            elif "/" not in text and (meant := next((w for w in TOKENIZER_SOURCES if is_typo(word, w)), None)):
                yield self.report(
                    value,
                    f"`{text}` is neither `union` nor `base`, so mergekit reads it as the path of a model named "
                    f"`{text}`; did you mean `{meant}`?",
                    f"write `{meant}`",
                    fix=_replace_fix(value, meant, safe=False),
                )
            elif text.startswith("model:"):
                yield self.report(
                    value,
                    f"`{text}` uses the `model:` prefix of mergekit before 0.0.5; it is now read as a model path "
                    "that includes `model:`",
                    f"write the model alone: `{text[6:]}`",
                    fix=_replace_fix(value, text[6:], safe=True),
                )


class TokenEmbeddingSource(Rule):
    """A `tokenizer.tokens` entry whose source mergekit reads differently, or cannot use.

    ## What it checks
    Each `tokens` entry. An entry needs a `source` (an error without one). A
    `kind: model_token` source needs `model` and exactly one of `token` and `token_id`. With both or neither, mergekit silently reads it as a
    plain model reference and copies that model's own embedding of the token. A
    `kind: zero` source takes no other keys. `pad_to_multiple_of` must be positive.

    ## Why it matters
    The embedding silently comes from somewhere other than the config describes. A
    model token without `model` fails when the config is loaded, and an entry without
    a source fails mid-merge.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    tokenizer:
      source: union
      tokens:
        <|im_start|>:
          source:
            kind: model_token
            model: org/model-a
            token: <s>
            token_id: 1
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    tokenizer:
      source: union
      tokens:
        <|im_start|>:
          source:
            kind: model_token
            model: org/model-a
            token: <s>
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK504"
    name = "token-embedding-source"
    severity = Severity.WARNING
    phase = 1

    def check(self, document: Document) -> Iterator[Diagnostic]:
        tokenizer = document.root.get("tokenizer") if document.root.is_mapping else None
        if tokenizer is None or not tokenizer.is_mapping:
            return
        pad = tokenizer.get("pad_to_multiple_of")
        if pad is not None and pad.is_number and pad.value is not None and pad.value <= 0:
            yield self.report(pad, f"pad_to_multiple_of {pad.text} is not positive", "use a positive multiple, such as 64")
        tokens = tokenizer.get("tokens")
        for token, entry in tokens.entries() if tokens is not None and tokens.is_mapping else []:
            source = entry.get("source") if entry.is_mapping else None
            if entry.is_mapping and (source is None or source.is_null):
                yield self.report(
                    entry,
                    f"the `tokens` entry for `{token}` has no `source`; mergekit 0.1.5 fails mid-merge with "
                    "NotImplementedError when it needs this entry's embedding",
                    "add `source:` with a model, `{kind: model_token, model: ..., token: ...}` or `{kind: zero}`",
                    severity=Severity.ERROR,
                    span=entry.key_span,
                )
                continue
            if source is None or not source.is_mapping:
                continue
            kind = source.get("kind")
            kind_name = kind.text if kind is not None else None
            if kind_name == "model_token":
                if source.get("model") is None:
                    yield self.report(
                        source,
                        f"the model_token source of `{token}` has no `model`; mergekit rejects it when it loads the config",
                        "add `model:` naming the model whose token embedding is copied",
                        severity=Severity.ERROR,
                    )
                    continue
                given = [key for key in ("token", "token_id") if source.get(key) is not None]
                if len(given) != 1:
                    yield self.report(
                        source,
                        f"the model_token source of `{token}` has {'both `token` and `token_id`' if given else 'neither `token` nor `token_id`'}, "
                        f"so mergekit silently reads it as a model reference and copies that model's own `{token}`",
                        "give exactly one of `token` or `token_id`",
                    )
            elif kind_name == "zero":
                extra = [key for key in source.keys() if key != "kind"]
                if extra:
                    yield self.report(
                        source,
                        f"a `kind: zero` source takes no other keys, but has {', '.join(f'`{k}`' for k in extra)}",
                        "remove the other keys, or use `kind: model_token` to copy a token's embedding",
                    )
