"""``dlspec sweep``: search a spec's hyperparameters (its ``search:`` section) on Optuna."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext, redirect_stdout
from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import (
    BackendOption,
    Device,
    DeviceOption,
    JsonOption,
    SetOption,
    app,
    err,
    fail,
    out,
    use_backend,
)
from dlspec.diagnostics import SpecError, make
from dlspec.train.stopping import Interrupted, Stop


@app.command(short_help="Search a spec's hyperparameters (its search: section) on Optuna.")
def sweep(
    spec_file: Annotated[Path, typer.Argument(metavar="SPEC", help="The spec file.")],
    overrides: SetOption = None,
    trials: Annotated[
        int | None,
        typer.Option(
            "--trials", metavar="N", min=1, help="Trials in all (default: search.trials)."
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option("--output", metavar="DIR", help="Root folder of sweeps (DIR/NAME/)."),
    ] = Path("sweeps"),
    storage: Annotated[
        str | None,
        typer.Option(
            "--storage",
            metavar="URL",
            help="An Optuna RDB storage URL (default: sqlite in the sweep's folder); several "
            "machines given the same URL work on one study.",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Go on with the study of this name.")
    ] = False,
    backend: BackendOption = None,
    device: DeviceOption = Device.auto,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar; the report still prints.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Search the spec's search: space: each trial a linted spec and a normal run folder.

    Trials are chosen on the validation score of search.objective (the mean over the folds);
    the test rows are scored once, for the best trial only, at the end. Writes OUTPUT/NAME/:
    study.db (the Optuna study, unless --storage), trials/ (a run folder per trial),
    best.yaml (the best trial's plain spec, trained again by 'dlspec train'), sweep.json and
    PNGs of the optimisation history and the parameter importances. Exit status: 0 done,
    1 the spec, a sweep that exists (without --resume) or no trial completed, 2 usage error,
    130 or 143 stopped (the study keeps the trials done: --resume goes on).
    """
    from dlspec import check
    from dlspec.cli.train import stopping
    from dlspec.train import sweep as sweeping

    use_backend(backend, start=False)
    try:
        sweeping.require()
        spec, source_map, _ = check.analyse(spec_file, overrides or [])
    except SpecError as error:
        raise fail(error.diagnostics) from None
    if spec.search is None:
        missing = make(
            "DLS202",
            "dlspec sweep needs a 'search' section: the space of values to try",
            source_map.locate(()),
            "add e.g. 'search: {space: {optimizer.learning_rate: {float: [0.001, 0.1], "
            "log: true}}}'",
        )
        raise fail([missing])
    request = Stop()
    with stopping(request):
        use_backend(backend, device=device.value)
        from dlspec.report.progress import TrainingProgress

        bar = nullcontext() if quiet or as_json else TrainingProgress(err)
        with bar as progress, redirect_stdout(sys.stderr):
            try:
                found = sweeping.run(
                    spec,
                    spec_file,
                    overrides=overrides or [],
                    output=output,
                    storage=storage,
                    trials=trials,
                    resume=resume,
                    progress=progress,
                    stop=request,
                    command=["dlspec", *sys.argv[1:]],
                )
            except SpecError as error:
                raise fail(error.diagnostics) from None
            except Interrupted as stopped:
                err.print(
                    f"{stopped.signal_name}: the sweep stopped in a trial; the trials done are "
                    f"kept. To go on: dlspec sweep {spec_file} --resume"
                )
                raise typer.Exit(stopped.exit_code) from None
    if as_json:
        out.out(json.dumps(found.to_json()), highlight=False)
    else:
        from dlspec.report import sweep as report

        out.print(report.render(found), soft_wrap=False)
