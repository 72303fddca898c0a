"""``dlspec evaluate``: score a saved run again, on its test rows or another source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import (
    JsonOption,
    RunBackendOption,
    app,
    err,
    fail,
    out,
    use_run_backend,
    verified,
)
from dlspec.diagnostics import SpecError


@app.command(short_help="Score a saved run again.")
def evaluate(
    run: Annotated[Path, typer.Argument(metavar="RUN", help="A run directory.")],
    data_source: Annotated[
        str | None,
        typer.Option(
            "--data",
            metavar="SOURCE",
            help="Score on this data source instead (e.g. csv:new.csv, relative to the "
            "working folder): every example, or its own test split when it has one.",
        ),
    ] = None,
    backend: RunBackendOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score a saved run's model again, on its test rows or on another data source.

    The run is checked first: a missing, corrupt or edited file (spec.yaml against the SHA-256
    in environment.json) is refused. The test rows are recomputed from the stored spec and
    seed; the model loads in Keras's safe mode, and the saved preprocessing is applied.

    Exit status: 0 scored, 1 the run or the data has errors, 2 usage error.
    """
    import sys
    from contextlib import redirect_stdout

    verified(run)
    use_run_backend(run, backend)
    from dlspec.report import results as report
    from dlspec.train.evaluate import evaluate as evaluate_run

    with redirect_stdout(sys.stderr):
        try:
            result = evaluate_run(run, data_source)
        except SpecError as error:
            raise fail(error.diagnostics) from None
    for note in result.notes:
        err.print(f"warning: {note}")
    if as_json:
        payload = {
            "run_dir": str(run),
            "data": result.source,
            "examples": result.test.size,
            "metrics": result.test.metrics,
            "confusion_matrix": result.test.confusion,
        }
        out.out(json.dumps(payload), highlight=False)
    else:
        heading = f"run {run}, scored on {result.source}"
        title = "Test set" if data_source is None else "Scores"
        out.print(
            report.evaluation(result.test, result.task, result.class_names, heading, title),
            soft_wrap=False,
        )
