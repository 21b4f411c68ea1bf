"""MK0xx: problems with the file itself, before it is read as a mergekit config.

The reading and parsing stages report these; the classes here carry their codes,
names and documentation.
"""

from mergelint.diagnostics import Severity
from mergelint.engine import Rule

ALL_KINDS = frozenset({"merge", "moe", "multi", "evolve", "unknown"})


class UnreadableFile(Rule):
    """The path cannot be read as a regular file.

    ## What it checks
    Files that do not exist any more, lack read permission, or are not regular files
    (FIFOs, sockets, devices). mergelint never opens anything but a regular file, so
    a FIFO cannot block a run.

    ## Why it matters
    mergekit cannot read the config either, and a hook or CI step that silently
    skipped the file would report a clean run.

    ## Failing example
    A config file with its read permission removed (`chmod 000 config.yml`).

    ## Corrected example
    The same file readable again (`chmod 644 config.yml`).

    ## Fix safety
    No automatic fix.
    """

    code = "MK001"
    name = "unreadable-file"
    severity = Severity.ERROR
    phase = 0
    kinds = ALL_KINDS


class InvalidEncoding(Rule):
    """The file is not UTF-8 text: invalid bytes, a NUL byte, or a UTF-16 byte order mark.

    ## What it checks
    That the bytes decode as UTF-8 (a UTF-8 byte order mark is accepted) and hold no
    NUL byte. The diagnostic points at the first offending byte.

    ## Why it matters
    PyYAML, and so mergekit, rejects such input, or the file is not a config at all
    (an image, a model shard) and was passed to mergelint by mistake.

    ## Failing example
    A config saved as Latin-1 with `# Modèle` in a comment, or a `.yml` file that is
    really a binary blob.

    ## Corrected example
    The same config saved as UTF-8.

    ## Fix safety
    No automatic fix: mergelint cannot know which encoding the bytes were meant in.
    """

    code = "MK002"
    name = "invalid-encoding"
    severity = Severity.ERROR
    phase = 0
    kinds = ALL_KINDS


class FileTooLarge(Rule):
    """The file is larger than 8 MiB, far beyond any mergekit config.

    ## What it checks
    The file size, before the file is read.

    ## Why it matters
    A real config is a few kilobytes. A file this large is almost certainly a model
    shard or a data file passed by mistake. Linting it would take a few seconds per
    megabyte.

    ## Failing example
    `mergelint model-00001-of-00004.safetensors.yml`

    ## Corrected example
    `mergelint config.yml`

    ## Fix safety
    No automatic fix.
    """

    code = "MK003"
    name = "file-too-large"
    severity = Severity.ERROR
    phase = 0
    kinds = ALL_KINDS


class YamlSyntaxError(Rule):
    """The text is not valid YAML, or nests deeper than the parser allows.

    ## What it checks
    What PyYAML's parser (the one mergekit uses) rejects: bad indentation, unclosed
    brackets or quotes, tabs used for indentation, a key without a value separator,
    and nesting deeper than 1,000 levels. Also aliases that refer to a node containing
    them, or that expand a document to more than 10 times the nodes written (and more
    than 10,000): later checks would walk that expanded tree.

    ## Why it matters
    mergekit stops with a parser error before it does anything else.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters: {weight: 0.5
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters: {weight: 0.5}
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK004"
    name = "yaml-syntax-error"
    severity = Severity.ERROR
    phase = 0
    kinds = ALL_KINDS


class DuplicateKey(Rule):
    """A mapping has the same key twice; YAML keeps only the last value.

    ## What it checks
    Keys written twice in one mapping, at any depth: top-level keys, `parameters`,
    `tokenizer.tokens` entries. Keys brought in by a merge key (`<<: *anchor`) may be
    overridden on purpose and are not reported.

    ## Why it matters
    PyYAML, and so mergekit, silently keeps the last value and drops the first. Two
    `parameters:` blocks, or two rules for one token, mean half of what the author
    wrote is ignored.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.3
          weight: 0.7
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 0.7
    ```

    ## Fix safety
    No automatic fix: only the author can tell which value was meant.
    """

    code = "MK005"
    name = "duplicate-key"
    severity = Severity.ERROR
    phase = 8
    kinds = ALL_KINDS


class YamlConstructorError(Rule):
    """YAML that parses but that `yaml.safe_load` cannot turn into data.

    ## What it checks
    Tags that the safe loader does not know (`!!python/object`, `!include`), a list or
    mapping used as a key, a merge key (`<<`) whose value is not a mapping, and values
    an explicit tag cannot convert (`!!int abc`).

    ## Why it matters
    mergekit loads configs with `yaml.safe_load`, which raises a constructor error on
    all of these before anything is merged.

    ## Failing example
    ```yaml
    merge_method: !include method.yml
    models:
      - model: org/model-a
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK006"
    name = "yaml-constructor-error"
    severity = Severity.ERROR
    phase = 0
    kinds = ALL_KINDS


class NotAMergekitConfig(Rule):
    """The YAML document is not a mergekit config of any kind.

    ## What it checks
    Documents that are empty, contain only comments, or are a list or a scalar at the
    top. Also mappings with none of the keys that mark a mergekit config:
    `merge_method`, `models`, `slices` or `modules` for mergekit-yaml, `experts` for
    mergekit-moe, `genome` for mergekit-evolve.

    ## Why it matters
    This is a warning, so that mergelint can run over every YAML file in a repository
    (as a pre-commit hook does) and pass over unrelated files. Given to mergekit, such a
    file fails at once.

    ## Failing example
    ```yaml
    name: my-ci-workflow
    on: push
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "MK007"
    name = "not-a-mergekit-config"
    severity = Severity.WARNING
    phase = 0
    kinds = ALL_KINDS
