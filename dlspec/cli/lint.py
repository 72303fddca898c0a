"""``dlspec lint``: check spec files statically, for CI and editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import SetOption, app, err, out


@app.command(short_help="Check spec files statically, without TensorFlow.")
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
    disable: Annotated[
        list[str] | None,
        typer.Option(
            "--disable",
            metavar="CODE",
            help="Switch off a warning by code or name (DLS312, patience-too-long); "
            "repeatable or comma-separated. Also: '# dlspec: disable=CODE' in a spec (own line: "
            "whole file; end of a line: that line) and [tool.dlspec] disable in pyproject.toml. "
            "Errors are never switched off.",
        ),
    ] = None,
) -> None:
    """Check spec files statically: YAML, schema, shapes, task table, training settings.

    Never imports TensorFlow, so it is fast enough for CI and editors. Exit status: 0 clean
    (warnings allowed unless --strict; switched-off warnings do not count), 1 findings, 2 usage
    error or unreadable input (a missing path, a folder without spec files, an unknown code).
    """
    from dlspec.check import runner, suppress
    from dlspec.report import lint as findings

    if fmt not in ("text", "json", "github"):
        err.print(f"dlspec lint: unknown --format '{fmt}': expected text, json or github")
        raise typer.Exit(2)
    try:
        disabled = suppress.codes(disable or [], "--disable")
        result = runner.run(paths, overrides or [], disabled)
    except ValueError as error:  # suppress.UnknownCode too: a code that does not exist
        err.print(f"dlspec lint: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    findings.render(result, fmt, out, err)
    raise typer.Exit(result.exit_code(strict))
