"""``dlspec train``: fit, validate and test a spec, saving a run; ``--resume`` goes on with one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dlspec.cli.app import (
    BackendOption,
    Device,
    DeviceOption,
    JsonOption,
    OutputOption,
    SetOption,
    app,
    err,
    fail,
    out,
    usage,
    use_backend,
)
from dlspec.diagnostics import SpecError
from dlspec.train.stopping import Interrupted, Stop

if TYPE_CHECKING:
    from dlspec.check import Inference
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.train.results import Results
    from dlspec.train.resuming import Resume


@app.command(short_help="Train, validate and test a spec; save a run.")
def train(
    spec_file: Annotated[
        Path | None,
        typer.Argument(metavar="SPEC", help="The spec file (not with --resume)."),
    ] = None,
    overrides: SetOption = None,
    output: OutputOption = Path("runs"),
    backend: BackendOption = None,
    device: DeviceOption = Device.auto,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            metavar="RUN",
            help="Go on with an interrupted run, in its folder, from its checkpoint.",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar; the report still prints.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Train a spec: fit every validation split and the final model, score the test set once.

    Saves runs/<name>/<timestamp>/ (resolved spec, metrics.json, history.csv, model.keras,
    preprocessing, plots, environment.json) and prints the report: per-fold and test metrics,
    the confusion matrix, a learning curve and the bias-variance verdict. Ctrl-C or SIGTERM
    stops after the current batch and keeps the history and a checkpoint; --resume RUN goes
    on from it to the numbers an uninterrupted run would have reached. Exit status: 0
    trained, 1 the spec, its data, the output or training failed, 2 usage error (or --device
    gpu where there is none), 130 or 143 stopped by SIGINT or SIGTERM.
    """
    from dlspec import check
    from dlspec.train import distribution, memory, rundir, tensorboard

    resumed = _resumable(spec_file, resume, overrides, output, backend)
    place = resumed.backend if resumed else backend
    use_backend(place, start=False)
    try:
        if resumed is not None:
            spec_file = resumed.directory / rundir.SPEC
        assert spec_file is not None
        spec, source_map, inference = check.analyse(spec_file, overrides or [])
        memory.check(spec, inference, source_map)  # before a folder or a model is made
        distribution.check(spec, source_map)
        tensorboard.check(spec, source_map)
    except SpecError as error:
        raise fail(error.diagnostics) from None
    # A GPU that is not there is refused before a run folder is made.
    distributed = spec.training.distribution
    if device is Device.gpu:
        use_backend(place, device=device.value, distribution=distributed)
    # A multi-worker run's workers other than the chief train in a folder of their own, removed
    # at the end: the chief writes the run.
    worker = not distribution.chief(spec)
    if worker:
        output = Path(tempfile.mkdtemp(prefix="dlspec-worker-"))
    try:  # so is an output that cannot be written: the run's folder comes first
        directory = resumed.directory if resumed else rundir.start(output, spec, spec_file)
    except SpecError as error:
        raise fail(error.diagnostics) from None
    try:
        results = _fitted(
            spec,
            spec_file,
            inference,
            source_map,
            directory,
            resumed,
            use=lambda: use_backend(place, device=device.value, distribution=distributed),
            bare=quiet or as_json,
        )
    finally:
        if worker:
            shutil.rmtree(output, ignore_errors=True)
    if worker:
        results.run_dir = None
        err.print("a multi-worker run's worker: the chief writes the run", highlight=False)
    if as_json:
        out.out(json.dumps(results.summary_json()), highlight=False)
    else:
        from dlspec.report import results as report

        out.print(report.render(results), soft_wrap=False)


def _fitted(
    spec: Spec,
    spec_file: Path,
    inference: Inference,
    source_map: SourceMap,
    directory: Path,
    resumed: Resume | None,
    *,
    use: Callable[[], None],
    bare: bool,
) -> Results:
    """Start the backend (``use``) and train into ``directory``, stopping on SIGINT or SIGTERM.

    ``bare``: no progress bar.
    """
    import sys
    from contextlib import nullcontext, redirect_stdout

    request = Stop()
    with stopping(request):
        use()
        from dlspec import train as training
        from dlspec.report.progress import TrainingProgress

        bar = nullcontext() if bare else TrainingProgress(err)
        # Whatever a library prints goes to stderr: stdout carries only the report or the JSON.
        with bar as progress, redirect_stdout(sys.stderr):
            try:
                return training.run(
                    spec,
                    spec_file,
                    inference,
                    source_map=source_map,
                    directory=directory,
                    command=["dlspec", *sys.argv[1:]],
                    progress=progress,
                    stop=request,
                    resume=resumed,
                )
            except SpecError as error:
                raise fail(error.diagnostics) from None
            except Interrupted as stopped:
                err.print(
                    f"{stopped.signal_name}: stopped {stopped.where}; the history and a "
                    f"checkpoint are saved in {stopped.directory} (status: interrupted). "
                    f"To go on from there: dlspec train --resume {stopped.directory}"
                )
                raise typer.Exit(stopped.exit_code) from None


def _resumable(
    spec_file: Path | None,
    run: Path | None,
    overrides: list[str] | None,
    output: Path,
    backend: str | None,
) -> Resume | None:
    """The run ``--resume`` names, checked (None without it); exit 2 on clashing arguments."""
    if run is None:
        if spec_file is None:
            usage("give the SPEC to train, or --resume RUN to go on with an interrupted run")
        return None
    if spec_file is not None or overrides or output != Path("runs"):
        usage(
            "--resume RUN goes on with the run's own spec and folder: "
            "give no SPEC, --set or --output"
        )
    from dlspec.train import resuming

    try:
        resumed = resuming.read(run)
    except SpecError as error:
        raise fail(error.diagnostics) from None
    if backend is not None and backend != resumed.backend:
        usage(f"the run trained on the {resumed.backend} backend; resume it there (drop --backend)")
    return resumed


@contextmanager
def stopping(request: Stop) -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM ask ``request`` to stop after the current step.

    A second one exits at once, with 128 + the signal as a shell reports it.
    """

    def ask(number: int, frame: object) -> None:
        if request.requested:
            os.write(2, b"\nstopping at once\n")
            os._exit(128 + number)
        request.signal = number
        os.write(2, b"\nstopping after the current step; again to stop at once\n")

    caught = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, ask) for number in caught}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
