"""``dlspec runs``: list saved runs, or compare two."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import OutputOption, app, err, fail, out
from dlspec.diagnostics import SpecError


@app.command(short_help="List saved runs, or compare two.")
def runs(
    output: OutputOption = Path("runs"),
    compare: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--compare",
            metavar="A B",
            help="Show two runs side by side: the spec fields that differ and every metric. "
            "A run is a directory, NAME/TIMESTAMP under --output, or NAME (its latest run).",
        ),
    ] = None,
) -> None:
    """List the runs under --output: name, time, task, headline metric, state and verdict.

    Every run is checked (files present and readable, spec.yaml unedited since training); a
    damaged one is listed as such, with what is wrong, and never hides the others.
    """
    from dlspec.report import runs as listing
    from dlspec.train import rundir

    if not compare:
        out.print(listing.runs_table(rundir.find(output)), soft_wrap=False)
        return
    chosen = []
    for which in compare:
        found = rundir.locate(output, which)
        if found is None:
            err.print(f"dlspec runs: no run '{which}' (as a directory or under {output})")
            raise typer.Exit(1)
        try:
            rundir.verify(found.path)
        except SpecError as error:
            raise fail(error.diagnostics) from None
        chosen.append(found)
    out.print(listing.compare(*chosen), soft_wrap=False)
