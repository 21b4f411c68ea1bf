"""The command line: the only module that prints or exits.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 a usage or
settings error, 3 an internal error of mergelint itself.
"""

from __future__ import annotations

import os
import sys

import click

from mergelint import __version__

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
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
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
def check(paths: tuple[str, ...], format_name: str, color: str, kind: str | None) -> None:
    """Lint mergekit configs (the default command)."""
    if not paths:
        raise click.UsageError("give at least one config file, folder, or - for standard input")

    results = []
    try:
        from mergelint import output
        from mergelint.linter import lint_path, lint_source
        from mergelint.reading import STDIN_PATH, collect_paths, read_stdin

        for path in collect_paths(list(paths)):
            if path == STDIN_PATH:
                results.append(lint_source(read_stdin(sys.stdin.buffer), kind))
            else:
                results.append(lint_path(path, kind))
        rendered = output.render(format_name, results, color=_use_color(color))
    except (KeyboardInterrupt, click.ClickException):
        raise
    except Exception as error:  # noqa: BLE001 - any other exception is a mergelint bug
        raise InternalError(f"{type(error).__name__}: {error}") from error

    click.echo(rendered)
    sys.exit(EXIT_ERRORS if any(result.errors for result in results) else EXIT_CLEAN)


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def main() -> None:
    """Run the command line; the console script ``mergelint`` calls this."""
    try:
        cli.main(prog_name="mergelint")
    except BrokenPipeError:
        # The reader of our output went away (``mergelint ... | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_ERRORS)
