"""The ``dlspec`` command line: one thin function per command.

Importing this module stays light (no Keras, TensorFlow or scikit-learn): commands that build
or train import the heavy side inside their bodies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dlspec import __version__
from dlspec.diagnostics import Diagnostic, SpecError

app = typer.Typer(
    name="dlspec",
    help="Deep-learning experiments as YAML specs: lint them, inspect them, train them.\n\n"
    "A spec file is the whole experiment: data, layers, task (output head and loss), "
    "optimizer, training and validation. See README.md for the spec language.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a spec field, e.g. --set training.epochs=5 (the value is YAML). Repeatable.",
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"dlspec {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Deep-learning experiments as YAML specs."""


def _fail(diagnostics: list[Diagnostic], code: int = 1) -> typer.Exit:
    for diagnostic in diagnostics[:50]:
        err.out(diagnostic.format(), highlight=False)
    if len(diagnostics) > 50:
        err.out(f"... and {len(diagnostics) - 50} more", highlight=False)
    return typer.Exit(code)


@app.command()
def lint(
    paths: Annotated[
        list[Path], typer.Argument(help="Spec files, or folders searched for *.yaml and *.yml.")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text (one line per finding; source excerpts on a terminal), json (one object "
            "per line) or github (GitHub Actions annotations).",
        ),
    ] = "text",
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    overrides: SetOption = None,
) -> None:
    """Check spec files statically: YAML, schema, shapes, task table, training settings.

    Never imports TensorFlow, so it is fast enough for CI and editors. Exit status: 0 clean
    (warnings allowed unless --strict), 1 findings, 2 usage error or unreadable input.
    """
    from dlspec import lint as lint_module

    if fmt not in ("text", "json", "github"):
        err.print(f"dlspec lint: unknown --format '{fmt}': expected text, json or github")
        raise typer.Exit(2)
    result = lint_module.run(paths, overrides or [])
    lint_module.render(result, fmt, out, err)
    raise typer.Exit(result.exit_code(strict))


@app.command()
def summary(
    spec_file: Annotated[Path, typer.Argument(metavar="SPEC", help="The spec file.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of a table.")
    ] = False,
    overrides: SetOption = None,
) -> None:
    """Show every layer's output shape and parameter count, inferred statically.

    The head from the task table is the last row. Exit status 1 when the spec has errors.
    """
    from dlspec import check
    from dlspec import summary as summary_module

    try:
        spec, _, inference = check.analyse(spec_file, overrides or [])
    except SpecError as error:
        raise _fail(error.diagnostics) from None
    if as_json:
        out.out(json.dumps(summary_module.to_json(inference)), highlight=False)
    else:
        out.print(summary_module.table(inference, f"{spec.name} ({spec.task.type})"))


@app.command()
def schema() -> None:
    """Print the JSON Schema of spec files, for editors (yaml-language-server) and CI."""
    from dlspec import schema as schema_module

    out.out(json.dumps(schema_module.generate(), indent=2), highlight=False)


@app.command()
def train(
    spec_file: Annotated[Path, typer.Argument(metavar="SPEC", help="The spec file.")],
) -> None:
    """Train a spec (not built yet in this release)."""
    err.print("dlspec train: training is not built yet in this release; see the README")
    raise typer.Exit(2)


def main() -> None:
    """Entry point of the ``dlspec`` console script."""
    app()
