"""mergelint's own settings: found, read and checked before any file is linted.

Settings live in ``[tool.mergelint]`` of a ``pyproject.toml`` or in ``[mergelint]`` of a
``setup.cfg``. For each linted file the closest directory upward that has either one
wins, and in one directory ``pyproject.toml`` wins over ``setup.cfg``. A file without
the table or section is passed over, as if it were not there. ``--config FILE``
replaces the search for every file.

Keys (TOML form; in setup.cfg lists are comma or newline separated):

```toml
[tool.mergelint]
select = ["MK1", "MK2"]            # codes, names or code prefixes; default: every rule
ignore = ["unknown-key"]           # wins over select
per-file-ignores = {"legacy/*.yml" = ["MK101"]}
severity = {MK101 = "error"}       # in setup.cfg: severity = MK101:error
exclude = ["drafts/", "**/*.tmpl.yml"]
```

Globs are relative to the directory of the settings file. A glob without ``/`` matches
a file or directory name at any depth. One with ``/`` matches the whole path from
that directory: ``*`` stays within one directory and ``**`` spans any number. A
trailing ``/`` only marks a directory, as in ``.gitignore``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from mergelint.diagnostics import Severity
from mergelint.engine import CODE_PATTERN, Registry
from mergelint.suggest import closest, quoted_list

KEYS = ("select", "ignore", "per-file-ignores", "severity", "exclude")
SEVERITIES = tuple(severity.value for severity in Severity)
# Codes that mean the file could not be read or loaded as YAML at all (MK001-MK006).
# ``select`` keeps them, because no other rule can check such a file; ``ignore`` can
# still turn them off.
ALWAYS_SELECTED = frozenset({"MK001", "MK002", "MK003", "MK004", "MK005", "MK006"})


class InvalidSettingsError(ValueError):
    """A settings file or option that cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class Settings:
    """Settings for the files below one directory, with selectors resolved to rule codes.

    ``select`` is None when every rule is selected. ``root`` is the directory that
    globs are relative to; ``source`` names the file the settings came from, or is
    empty for the defaults.
    """

    root: str
    source: str = ""
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()

    def is_excluded(self, path: str) -> bool:
        """Return whether an ``exclude`` glob matches the file or one of its directories."""
        relative = _relative(path, self.root)
        return any(_glob_matches(pattern, relative) for pattern in self.exclude)

    def ignored_codes(self, path: str) -> frozenset[str]:
        """Return the codes ``ignore`` and the matching ``per-file-ignores`` turn off for a file."""
        relative = _relative(path, self.root)
        codes = set(self.ignore)
        for pattern, pattern_codes in self.per_file_ignores:
            if _glob_matches(pattern, relative):
                codes |= pattern_codes
        return frozenset(codes)

    def selects(self, code: str) -> bool:
        """Return whether ``select`` keeps a code; ``ignored_codes`` is checked separately."""
        return self.select is None or code in self.select or code in ALWAYS_SELECTED


class SettingsFinder:
    """Finds the settings of each linted file, reading every settings file once.

    ``override_select`` and ``override_ignore`` come from the command line and replace
    the file's ``select`` and ``ignore`` when given.
    """

    def __init__(
        self,
        registry: Registry,
        config_file: str | None = None,
        override_select: Iterable[str] | None = None,
        override_ignore: Iterable[str] | None = None,
    ):
        self.registry = registry
        self.by_directory: dict[str, Settings] = {}
        self.select = None if override_select is None else resolve(list(override_select), registry, "--select", "")
        self.ignore = None if override_ignore is None else resolve(list(override_ignore), registry, "--ignore", "")
        self.fixed = None
        if config_file is not None:
            self.fixed = self._override(load_file(config_file, registry, required=True))

    def for_path(self, path: str) -> Settings:
        """Return the settings for a linted file (or the standard input's stand-in name)."""
        if self.fixed is not None:
            return self.fixed
        directory = os.path.dirname(os.path.abspath(path))
        return self._for_directory(directory)

    def _for_directory(self, directory: str) -> Settings:
        cached = self.by_directory.get(directory)
        if cached is not None:
            return cached
        settings = self._read_directory(directory)
        if settings is None:
            parent = os.path.dirname(directory)
            settings = self._for_directory(parent) if parent != directory else self._override(Settings(root=os.getcwd()))
        self.by_directory[directory] = settings
        return settings

    def _read_directory(self, directory: str) -> Settings | None:
        for name in ("pyproject.toml", "setup.cfg"):
            candidate = _display_path(os.path.join(directory, name))
            if os.path.isfile(candidate):
                settings = load_file(candidate, self.registry, required=False)
                if settings is not None:
                    return self._override(settings)
        return None

    def _override(self, settings: Settings) -> Settings:
        if self.select is not None:
            settings = replace(settings, select=self.select)
        if self.ignore is not None:
            settings = replace(settings, ignore=self.ignore)
        return settings


def load_file(path: str, registry: Registry, required: bool) -> Settings | None:
    """Read and check one settings file; None when it has no mergelint table and none is required."""
    is_toml = path.endswith(".toml")
    table = _read_toml(path, required) if is_toml else _read_cfg(path, required)
    if table is None:
        return None
    section = "[tool.mergelint]" if is_toml else "[mergelint]"
    return from_table(table, registry, path, section, is_toml)


def from_table(table: dict, registry: Registry, path: str, section: str, is_toml: bool = True) -> Settings:
    """Check a settings table key by key and resolve every selector to rule codes."""
    where = f"{path}: {section}"
    unknown = [key for key in table if key not in KEYS]
    if unknown:
        key = unknown[0]
        guess = closest(key, KEYS)
        hint = f"did you mean `{guess}`? " if guess else ""
        raise InvalidSettingsError(f"{where}: unknown key `{key}`; {hint}valid keys are {quoted_list(KEYS)}")

    settings = Settings(root=os.path.dirname(os.path.abspath(path)), source=path)
    if "select" in table:
        selectors = _string_list(table["select"], where, "select", is_toml)
        if not selectors:
            raise InvalidSettingsError(
                f"{where}: `select` is empty, so no rule would run; remove the key to check every rule, "
                "or list rules such as `MK1` or `unknown-key`"
            )
        settings = replace(settings, select=resolve(selectors, registry, "select", where))
    if "ignore" in table:
        selectors = _string_list(table["ignore"], where, "ignore", is_toml)
        settings = replace(settings, ignore=resolve(selectors, registry, "ignore", where))
    if "per-file-ignores" in table:
        per_file_ignores = _per_file_ignores(table["per-file-ignores"], registry, where, is_toml)
        settings = replace(settings, per_file_ignores=per_file_ignores)
    if "severity" in table:
        settings = replace(settings, severity=_severity(table["severity"], registry, where, is_toml))
    if "exclude" in table:
        settings = replace(settings, exclude=tuple(_string_list(table["exclude"], where, "exclude", is_toml)))
    return settings


def resolve(selectors: list[str], registry: Registry, key: str, where: str) -> frozenset[str]:
    """Turn codes, names and code prefixes into the set of rule codes they name."""
    codes: set[str] = set()
    for selector in selectors:
        codes |= _codes_of(selector, registry, key, where)
    return frozenset(codes)


def _codes_of(selector: str, registry: Registry, key: str, where: str) -> set[str]:
    rules = registry.matching(selector)
    if rules:
        return {rule.code for rule in rules}
    text = selector.strip().upper()
    if text in registry.retired:
        return set()
    # A prefix that no rule has yet (``MK8``) is accepted: it selects future rules.
    if re.fullmatch(r"MK\d{0,2}", text):
        return set()
    prefix = f"{where}: " if where else ""
    guess = closest(selector, [rule.name for rule in registry])
    hint = f"did you mean `{guess}`? " if guess else ""
    kind = "code" if CODE_PATTERN.fullmatch(text) else "rule"
    raise InvalidSettingsError(
        f"{prefix}{key}: unknown {kind} `{selector}`; {hint}valid values are rule codes (MK101), "
        "rule names (unknown-key), code prefixes (MK1) and ALL; `mergelint rules` lists the rules"
    )


def _per_file_ignores(value, registry: Registry, where: str, is_toml: bool) -> tuple[tuple[str, frozenset[str]], ...]:
    key = "per-file-ignores"
    if is_toml:
        if not isinstance(value, dict):
            raise InvalidSettingsError(f'{where}: {key} must be a table of glob = [codes], as in {{"legacy/*.yml" = ["MK101"]}}')
        items = [(pattern, _string_list(codes, where, f"{key}.{pattern}", True)) for pattern, codes in value.items()]
    else:
        items = []
        # One ``glob: codes`` entry per line, because the codes are separated by commas.
        for entry in (line.strip() for line in value.splitlines() if line.strip()):
            pattern, colon, codes = entry.rpartition(":")
            if not colon or not pattern.strip():
                raise InvalidSettingsError(f"{where}: {key}: `{entry}` is not `glob: codes`, as in `legacy/*.yml: MK101, MK102`")
            items.append((pattern.strip(), [code for code in re.split(r"[\s,]+", codes) if code]))
    return tuple((pattern, resolve(codes, registry, f"{key}.{pattern}", where)) for pattern, codes in items)


def _severity(value, registry: Registry, where: str, is_toml: bool) -> dict[str, Severity]:
    if is_toml:
        if not isinstance(value, dict):
            raise InvalidSettingsError(f'{where}: severity must be a table of code = "error" or "warning", as in {{MK101 = "error"}}')
        items = list(value.items())
    else:
        items = []
        for entry in _split_list(value):
            selector, colon, level = entry.partition(":")
            if not colon:
                raise InvalidSettingsError(f"{where}: severity: `{entry}` is not `CODE:level`, as in `MK101:error`")
            items.append((selector.strip(), level.strip()))

    resolved: list[tuple[frozenset[str], Severity]] = []
    for selector, level in items:
        if level not in SEVERITIES:
            raise InvalidSettingsError(
                f"{where}: severity.{selector}: invalid level `{level}`; valid levels are {quoted_list(SEVERITIES)}"
            )
        resolved.append((resolve([selector], registry, f"severity.{selector}", where), Severity(level)))

    # A narrower selector wins over a wider one, whatever the order in the file: an
    # exact code overrides its prefix.
    severity: dict[str, Severity] = {}
    for codes, level in sorted(resolved, key=lambda item: -len(item[0])):
        for code in codes:
            severity[code] = level
    return severity


def _string_list(value, where: str, key: str, is_toml: bool) -> list[str]:
    if not is_toml and isinstance(value, str):
        return _split_list(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    example = '["MK101", "unknown-key"]' if key != "exclude" else '["drafts/"]'
    raise InvalidSettingsError(f"{where}: {key} must be a list of strings, as in {example}, not {value!r}")


def _split_list(value: str) -> list[str]:
    """Split a setup.cfg value at commas and line breaks."""
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def _read_toml(path: str, required: bool) -> dict | None:
    # Imported here: most runs find no settings file and should not pay for the parser.
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise InvalidSettingsError(f"{path}: cannot read the settings file: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise InvalidSettingsError(f"{path}: invalid TOML: {error}") from error
    tool = data.get("tool")
    table = tool.get("mergelint") if isinstance(tool, dict) else None
    if table is None:
        if required:
            raise InvalidSettingsError(f"{path}: no [tool.mergelint] table; add one, or give another file to --config")
        return None
    if not isinstance(table, dict):
        raise InvalidSettingsError(f"{path}: tool.mergelint must be a table, as in [tool.mergelint]")
    return table


def _read_cfg(path: str, required: bool) -> dict | None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as error:
        raise InvalidSettingsError(f"{path}: cannot read the settings file: {error.strerror or error}") from error
    except (configparser.Error, UnicodeDecodeError) as error:
        raise InvalidSettingsError(f"{path}: invalid INI syntax: {error}") from error
    if not parser.has_section("mergelint"):
        if required:
            raise InvalidSettingsError(f"{path}: no [mergelint] section; add one, or give another file to --config")
        return None
    return dict(parser.items("mergelint"))


def _display_path(path: str) -> str:
    """Shorten an absolute path below the working directory to a relative one, for messages."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        # On Windows a path on another drive has no relative form.
        return path
    return path if relative.startswith("..") else relative


def _relative(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    try:
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    except ValueError:
        # On Windows a path on another drive has no relative form.
        return absolute.replace(os.sep, "/")


def _glob_matches(pattern: str, relative: str) -> bool:
    """Match a settings glob against a path relative to the settings directory."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    parts = tuple(part for part in relative.split("/") if part and part != ".")
    if "/" not in pattern:
        regex = _glob_regex(pattern)
        return any(regex.fullmatch(part) for part in parts)
    regex = _glob_regex(pattern.lstrip("/"))
    # Matching a leading run of components as well excludes everything in a matched directory.
    return any(regex.fullmatch("/".join(parts[:end])) for end in range(1, len(parts) + 1))


def _glob_regex(pattern: str) -> re.Pattern:
    regex = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            regex += ".*"
            index += 2
        elif pattern[index] == "*":
            regex += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            regex += "[^/]"
            index += 1
        else:
            regex += re.escape(pattern[index])
            index += 1
    return re.compile(regex)
