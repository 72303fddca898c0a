"""``dlspec runs``: list saved runs, or compare several."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import OutputOption, app, err, fail, out, usage
from dlspec.diagnostics import SpecError


@app.command(short_help="List saved runs, or compare several.")
def runs(
    which: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[RUN]...",
            help="With --compare: the runs, each a directory, NAME/TIMESTAMP under --output, "
            "or NAME (its latest run).",
        ),
    ] = None,
    output: OutputOption = Path("runs"),
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="Show the runs named side by side: the spec fields that differ, every metric, "
            "and their learning curves on one PNG.",
        ),
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="PNG",
            help="Where --compare draws the learning curves (default: "
            "OUTPUT/compare-TIMESTAMP.png, a new file each time).",
        ),
    ] = None,
) -> None:
    """List the runs under --output: name, time, task, headline metric, state and verdict.

    Every run is checked (files present and readable, spec.yaml unedited since training); a
    damaged one is listed as such, with what is wrong, and never hides the others. With
    --compare RUN RUN..., the runs side by side instead. Exit status: 0 shown, 1 a run is
    missing or damaged, 2 usage error.
    """
    from dlspec.report import runs as listing
    from dlspec.train import rundir

    if not compare:
        if which:
            usage("name runs only with --compare: dlspec runs --compare RUN RUN...")
        out.print(listing.runs_table(rundir.find(output)), soft_wrap=False)
        return
    if len(which or []) < 2:
        usage("--compare takes two runs or more: dlspec runs --compare RUN RUN...")
    path = _plot_path(plot, output)
    chosen = []
    for name in which or []:
        found = rundir.locate(output, name)
        if found is None:
            err.print(f"dlspec runs: no run '{name}' (as a directory or under {output})")
            raise typer.Exit(1)
        try:
            rundir.verify(found.path)
        except SpecError as error:
            raise fail(error.diagnostics) from None
        chosen.append(found)
    out.print(listing.compare(chosen), soft_wrap=False)
    from dlspec.report import plots

    curves = []
    for label, run in zip(listing.letters(len(chosen)), chosen, strict=True):
        fits = rundir.read_history(run.path)
        first = next((fit for fit in fits.values() if "val_loss" in fit), None)
        curves.append((label, first or next(iter(fits.values()), {})))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        plots.compared_curves(curves, path)
    except OSError as error:
        usage(f"cannot write '{path}': {error.strerror or error}")
    out.print(f"learning curves of the {len(chosen)} runs: {path}", highlight=False)


def _plot_path(plot: Path | None, output: Path) -> Path:
    """The PNG to write: ``--plot`` if it is a new file, else a new name under ``output``."""
    if plot is not None:
        if plot.exists():
            usage(f"'{plot}' exists: --plot names a new file (nothing is overwritten)")
        return plot
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path, attempt = output / f"compare-{stamp}.png", 1
    while path.exists():
        attempt += 1
        path = output / f"compare-{stamp}-{attempt}.png"
    return path
