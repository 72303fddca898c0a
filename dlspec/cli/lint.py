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
) -> None:
    """Check spec files statically: YAML, schema, shapes, task table, training settings.

    Never imports TensorFlow, so it is fast enough for CI and editors. Exit status: 0 clean
    (warnings allowed unless --strict), 1 findings, 2 usage error or unreadable input (a
    missing path, or a folder without spec files).
    """
    from dlspec.check import runner
    from dlspec.report import lint as findings

    if fmt not in ("text", "json", "github"):
        err.print(f"dlspec lint: unknown --format '{fmt}': expected text, json or github")
        raise typer.Exit(2)
    result = runner.run(paths, overrides or [])
    findings.render(result, fmt, out, err)
    raise typer.Exit(result.exit_code(strict))
