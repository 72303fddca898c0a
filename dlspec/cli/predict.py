"""``dlspec predict``: a saved run's predictions for new examples, as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import RunBackendOption, app, err, fail, use_run_backend, verified
from dlspec.diagnostics import SpecError


@app.command(short_help="Predict with a saved run, as CSV.")
def predict(
    run: Annotated[Path, typer.Argument(metavar="RUN", help="A run directory.")],
    inputs: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="Examples to predict, in the format of the run's data (e.g. a CSV with the "
            "feature columns; a target column is ignored).",
        ),
    ],
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="OUT.csv", help="Where to write the CSV (default stdout)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT.csv if it exists (never by default).")
    ] = False,
    backend: RunBackendOption = None,
) -> None:
    """Predict with a saved run and write the predictions as CSV.

    Classification gives one probability column per class and the predicted label, regression
    the predicted values, seq2seq the greedy translation of each source text (a table with the
    source column). The saved preprocessing is applied first. A damaged or edited run is
    refused. Exit status: 0 written, 1 the run or the inputs have errors, 2 usage error.
    """
    import csv
    import sys
    from contextlib import redirect_stdout

    if output_file is not None and output_file.exists() and not force:
        err.print(f"dlspec predict: '{output_file}' exists; pass --force to replace it")
        raise typer.Exit(2)
    if output_file is not None and not output_file.parent.is_dir():
        err.print(
            f"dlspec predict: cannot write '{output_file}': there is no folder "
            f"'{output_file.parent}' (create it first)"
        )
        raise typer.Exit(2)
    verified(run)
    use_run_backend(run, backend)
    from dlspec.train import predict as predicting

    with redirect_stdout(sys.stderr):
        try:
            header, rows = predicting.predict(run, inputs)
        except SpecError as error:
            raise fail(error.diagnostics) from None
    if output_file is None:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    try:
        predicting.write(output_file, header, rows, replace=force)
    except FileExistsError:  # created while we predicted
        err.print(f"dlspec predict: '{output_file}' exists; pass --force to replace it")
        raise typer.Exit(2) from None
    except OSError as error:  # a folder, no permission, a full disk
        err.print(f"dlspec predict: cannot write '{output_file}': {error.strerror or error}")
        raise typer.Exit(2) from None
    err.print(f"wrote {len(rows)} predictions to {output_file}")
