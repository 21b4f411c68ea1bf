"""The command line: the only module that prints or exits.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 a usage or
settings error, 3 an internal error of mergelint itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

import click

from mergelint import __version__
from mergelint.output import FORMATS
from mergelint.reading import STDIN_PATH

EXIT_CLEAN = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

KIND_CHOICES = ("merge", "moe", "multi", "evolve")


class InternalError(click.ClickException):
    """A bug in mergelint; exits with code 3."""

    exit_code = EXIT_INTERNAL

    def show(self, file=None) -> None:
        click.echo(f"mergelint: internal error: {self.message}", err=True)
        click.echo(
            "This is a bug in mergelint, not in your config. Please report it with the file that triggers it.",
            err=True,
        )


class SettingsError(click.ClickException):
    """A bad option value or settings file; exits with code 2."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        click.echo(f"mergelint: {self.message}", err=True)


class LintFirstGroup(click.Group):
    """A group whose default command is ``check``: ``mergelint config.yml`` lints."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=LintFirstGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mergelint")
def cli() -> None:
    """Lint mergekit merge configs before any model is downloaded.

    `mergelint PATH...` checks files, folders (every *.yml and *.yaml below them) and
    `-` for standard input.
    """


@cli.command("check")
# readable=False: a file that cannot be read gets the unreadable-file finding, and the
# other files are still linted, instead of the whole run stopping with a usage error.
@click.argument("paths", nargs=-1, type=click.Path(exists=True, readable=False, allow_dash=True))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="Output format. Default: github when the GITHUB_ACTIONS environment variable is true, else text.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output: auto colours on a terminal unless NO_COLOR is set.",
)
@click.option(
    "--kind",
    type=click.Choice(KIND_CHOICES),
    default=None,
    help="Lint every file as this kind of config instead of detecting it.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Read settings from this pyproject.toml or setup.cfg instead of searching upward from each file.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Rules to check: comma-separated codes, names or code prefixes. Replaces `select` of the settings file.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULES",
    help="Rules not to check: comma-separated codes, names or code prefixes. Replaces `ignore` of the settings file.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    default=None,
    help="File name for the text read from `-`: shown in the output and used to find settings and apply globs.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the findings: no summary, and nothing when there are none.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes for batches of 64 files or more; 0 uses one per CPU, 1 lints in one process.",
)
@click.option("--exit-zero", is_flag=True, help="Exit with code 0 even when errors are found.")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply safe fixes to the files in place, then report what is left. With -, print the fixed text instead.",
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, also apply fixes that change what the merge does.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Print how often each rule was reported, most frequent first, instead of the findings.",
)
def check(
    paths: tuple[str, ...],
    format_name: str | None,
    color: str,
    kind: str | None,
    config_file: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    stdin_filename: str | None,
    quiet: bool,
    jobs: int,
    exit_zero: bool,
    fix: bool,
    unsafe_fixes: bool,
    statistics: bool,
) -> None:
    """Lint mergekit configs (the default command)."""
    if not paths:
        raise click.UsageError("give at least one config file, folder, or - for standard input")
    if stdin_filename is not None and STDIN_PATH not in paths:
        raise click.UsageError("--stdin-filename names standard input, so give - among the paths")
    if unsafe_fixes and not fix:
        raise click.UsageError("--unsafe-fixes only widens --fix, so give --fix as well")
    format_name = format_name or _default_format()
    if statistics and format_name not in ("text", "json"):
        raise click.UsageError(f"--statistics prints a text table or JSON, not --format {format_name}")

    try:
        from mergelint import output

        files = _collect_files(paths, config_file, select, ignore, stdin_filename, quiet)

        # Everything imported so far lives until exit: keep the garbage collector from
        # scanning it again for every file (about 15% of a 1,000-file run).
        gc.freeze()

        results, stdin_text = _lint_and_fix(files, kind, jobs, fix, unsafe_fixes)

        if fix and stdin_text is not None:
            # An editor piping a buffer through --fix expects the text back, changed or not.
            click.echo(stdin_text, nl=False)
            sys.exit(EXIT_ERRORS if any(r.errors for r in results) and not exit_zero else EXIT_CLEAN)

        if statistics:
            from mergelint.output import statistics as statistics_output

            rendered = statistics_output.render(results, as_json=format_name == "json")
        else:
            use_color = _use_color(color)
            rendered = output.render(format_name, results, color=use_color, summary=not quiet)
    except (KeyboardInterrupt, click.ClickException):
        raise
    except Exception as error:  # noqa: BLE001 - any other exception is a mergelint bug
        raise InternalError(f"{type(error).__name__}: {error}") from error

    if rendered:
        # click strips ANSI codes when stdout is not a terminal, unless color=True is passed.
        click.echo(rendered, color=not statistics and use_color)
    found_errors = any(result.errors for result in results)
    sys.exit(EXIT_ERRORS if found_errors and not exit_zero else EXIT_CLEAN)


def _collect_files(paths, config_file, select, ignore, stdin_filename, quiet) -> list:
    """Return (path, display name, settings) of each file to lint, exclusions applied."""
    from mergelint.reading import collect_paths
    from mergelint.registry import REGISTRY
    from mergelint.settings import InvalidSettingsError, SettingsFinder

    try:
        finder = SettingsFinder(REGISTRY, config_file, _rule_list(select), _rule_list(ignore))
        files = []
        for path in collect_paths(list(paths)):
            name = (stdin_filename or "<stdin>") if path == STDIN_PATH else path
            settings = finder.for_path(name)
            if not settings.is_excluded(name):
                files.append((path, name, settings))
            elif path in paths and not quiet:
                # Named on the command line, so report why it produced no output.
                click.echo(f"mergelint: {name} is excluded by `exclude` in {settings.source}", err=True)
    except InvalidSettingsError as error:
        raise SettingsError(str(error)) from error
    return files


def _lint_and_fix(files: list, kind: str | None, jobs: int, fix: bool, unsafe: bool) -> tuple[list, str | None]:
    """Lint, apply settings and suppressions, and fix when asked.

    Returns the results and, when standard input was among the files, its text after
    any fixes.
    """
    from mergelint import selection
    from mergelint.linter import lint_text
    from mergelint.registry import REGISTRY

    results = []
    stdin_text = None
    for (path, name, settings), result in zip(files, _lint_all(files, kind, jobs)):
        result = selection.select(result, settings, REGISTRY)
        if path == STDIN_PATH:
            stdin_text = result.text
        if fix and result.text is not None:
            fixed = _fix_file(path, name, result.text, kind, settings, unsafe)
            if fixed is not None:
                stdin_text = fixed.text if path == STDIN_PATH else stdin_text
                result = selection.select(lint_text(fixed.text, name, kind), settings, REGISTRY)
        results.append(result)
    return results, stdin_text


def _lint_all(files: list, kind: str | None, jobs: int) -> list:
    """Lint the collected files in order: files on disk in a batch, standard input here."""
    from mergelint.batch import lint_paths
    from mergelint.linter import lint_source
    from mergelint.reading import read_stdin

    on_disk = iter(lint_paths([path for path, _, _ in files if path != STDIN_PATH], kind, jobs))
    return [
        lint_source(read_stdin(sys.stdin.buffer, name), kind) if path == STDIN_PATH else next(on_disk)
        for path, name, _ in files
    ]


def _fix_file(path: str, name: str, text: str, kind, settings, unsafe: bool):
    """Fix one file's text and write it back (standard input is left to the caller).

    Returns the outcome, or None when no fix applied. The file is replaced atomically,
    keeping its byte order mark and permissions, so an interrupted run never leaves a
    half-written config.
    """
    from mergelint import selection
    from mergelint.fixing import fix_text
    from mergelint.linter import lint_text
    from mergelint.reading import STDIN_PATH
    from mergelint.registry import REGISTRY

    def lint(current: str):
        return selection.select(lint_text(current, name, kind), settings, REGISTRY).diagnostics

    outcome = fix_text(text, lint, unsafe)
    for description in outcome.rejected:
        click.echo(f"mergelint: did not apply a fix to {name}, as the file would no longer load: {description}", err=True)
    if outcome.applied == 0 or outcome.text == text:
        return None
    if path != STDIN_PATH:
        with open(path, "rb") as handle:
            bom = b"\xef\xbb\xbf" if handle.read(3) == b"\xef\xbb\xbf" else b""
        temporary = f"{path}.mergelint-fix"
        with open(temporary, "wb") as handle:
            handle.write(bom + outcome.text.encode("utf-8"))
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
        click.echo(f"mergelint: applied {outcome.applied} fix{'es' if outcome.applied != 1 else ''} to {path}:", err=True)
        for description in outcome.descriptions:
            click.echo(f"  {description}", err=True)
    return outcome


def _default_format() -> str:
    # GitHub sets GITHUB_ACTIONS=true in every workflow step.
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _rule_list(values: tuple[str, ...]) -> list[str] | None:
    """Split repeated, comma-separated rule options; None when the option was not given."""
    if not values:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@contextlib.contextmanager
def _bugs_as_internal_errors():
    """Turn any exception other than a click one into an InternalError, which exits with 3."""
    try:
        yield
    except (KeyboardInterrupt, click.ClickException):
        raise
    except Exception as error:  # noqa: BLE001 - any other exception is a mergelint bug
        raise InternalError(f"{type(error).__name__}: {error}") from error


@cli.command("rules", short_help="List every rule with its code, name and severity.")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format: an aligned table or a JSON array.",
)
def rules(format_name: str) -> None:
    """List every rule: code, name, severity, whether it has a fix, summary."""
    with _bugs_as_internal_errors():
        from mergelint import docs
        from mergelint.registry import REGISTRY

        text = docs.rules_json(REGISTRY) if format_name == "json" else docs.rules_table(REGISTRY)
    click.echo(text)


@cli.command("explain", short_help="Print the documentation of one rule.")
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of one rule, given by code (MK101) or name (unknown-key)."""
    with _bugs_as_internal_errors():
        from mergelint import docs
        from mergelint.registry import REGISTRY

        try:
            found = docs.find_rule(REGISTRY, rule)
        except docs.UnknownRuleError as error:
            raise SettingsError(str(error)) from error
        page = docs.explain_page(found)
    click.echo(page, nl=False)


@cli.command("schema", short_help="Print a JSON Schema of a config kind for editors.")
@click.option(
    "--kind",
    type=click.Choice(["merge", "moe", "multi", "evolve"]),
    default="merge",
    show_default=True,
    help="Config kind the schema describes: mergekit-yaml, mergekit-moe, one document of "
    "a mergekit-multi file, or mergekit-evolve.",
)
def schema(kind: str) -> None:
    """Print a JSON Schema (draft-07) of one config kind, for editors that check YAML."""
    with _bugs_as_internal_errors():
        from mergelint import schema as json_schema

        try:
            text = json_schema.schema_json(kind)
        except json_schema.NoGrammarError as error:
            raise SettingsError(str(error)) from error
    click.echo(text)


def main() -> None:
    """Run the command line; the console script ``mergelint`` calls this."""
    try:
        cli.main(prog_name="mergelint")
    except BrokenPipeError:
        # The reader of our output went away (``mergelint ... | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_ERRORS)
