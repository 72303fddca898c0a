"""The ``dlspec`` command line: one thin function per command.

Importing this module stays light (no Keras, TensorFlow or scikit-learn): commands that build
or train import the heavy side inside their bodies.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from dlspec import __version__
from dlspec.diagnostics import MAX_SHOWN, Diagnostic, SpecError
from dlspec.train.stopping import Interrupted, Stop

if TYPE_CHECKING:
    from dlspec.train.resuming import Resume

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
    for diagnostic in diagnostics[:MAX_SHOWN]:
        err.out(diagnostic.format(), highlight=False)
    if len(diagnostics) > MAX_SHOWN:
        err.out(f"... and {len(diagnostics) - MAX_SHOWN} more", highlight=False)
    return typer.Exit(code)


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
    from dlspec import lint as lint_module

    if fmt not in ("text", "json", "github"):
        err.print(f"dlspec lint: unknown --format '{fmt}': expected text, json or github")
        raise typer.Exit(2)
    result = lint_module.run(paths, overrides or [])
    lint_module.render(result, fmt, out, err)
    raise typer.Exit(result.exit_code(strict))


@app.command(short_help="Show layers, output shapes and parameter counts.")
def summary(
    spec_file: Annotated[Path, typer.Argument(metavar="SPEC", help="The spec file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    with_keras: Annotated[
        bool,
        typer.Option(
            "--keras",
            help="Also build the Keras model (imports Keras) and show its output shapes and "
            "parameter counts beside the static ones; exit 1 on any difference.",
        ),
    ] = False,
    overrides: SetOption = None,
) -> None:
    """Show every layer's output shape and parameter count, inferred statically.

    The head from the task table is the last row. Exit status 1 when the spec has errors, or,
    with --keras, when Keras disagrees with static inference on any layer.
    """
    from dlspec import check
    from dlspec import summary as summary_module

    try:
        spec, _, inference = check.analyse(spec_file, overrides or [])
    except SpecError as error:
        raise _fail(error.diagnostics) from None
    keras_view = None
    if with_keras:
        if inference.input_shape is None or not inference.complete:
            err.print(
                f"dlspec summary: cannot build '{spec_file}' for --keras: its input shape or "
                "head width is known only once the data loads"
            )
            raise typer.Exit(1)
        from dlspec import compiler

        keras_view = summary_module.compare(inference, compiler.model(spec, inference))
    if as_json:
        out.out(json.dumps(summary_module.to_json(inference, keras_view)), highlight=False)
    else:
        out.print(summary_module.table(inference, f"{spec.name} ({spec.task.type})", keras_view))
    if not inference.complete:
        missing = "input shape" if inference.input_shape is None else "head width"
        err.print(
            f"note: the {missing} of '{spec.data.source if spec.data else spec_file}' is known "
            "only once the data loads; give model.input (and the task's head size) to see "
            "every layer here"
        )
    if keras_view is not None and not keras_view.agrees:
        raise typer.Exit(1)


@app.command(short_help="Print the JSON Schema of spec files.")
def schema() -> None:
    """Print the JSON Schema of spec files, for editors (yaml-language-server) and CI."""
    from dlspec.spec import schema as schema_module

    out.out(json.dumps(schema_module.generate(), indent=2), highlight=False)


def _use_backend(name: str | None, *, start: bool = True) -> None:
    """Choose the Keras backend and (with ``start``) import it; exit 2 on a bad choice."""
    from dlspec import backend

    try:
        backend.select(name)
    except SpecError as error:
        raise _fail(error.diagnostics, 2) from None
    if start:
        backend.start()


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
            _usage("give the SPEC to train, or --resume RUN to go on with an interrupted run")
        return None
    if spec_file is not None or overrides or output != Path("runs"):
        _usage(
            "--resume RUN goes on with the run's own spec and folder: "
            "give no SPEC, --set or --output"
        )
    from dlspec.train import resuming

    try:
        resumed = resuming.read(run)
    except SpecError as error:
        raise _fail(error.diagnostics) from None
    if backend is not None and backend != resumed.backend:
        _usage(
            f"the run trained on the {resumed.backend} backend; resume it there (drop --backend)"
        )
    return resumed


def _usage(message: str) -> NoReturn:
    """Exit 2 with a usage message, as typer does for a bad option."""
    err.print(f"error: {message}", highlight=False)
    raise typer.Exit(2)


def _verified(run: Path) -> None:
    """Refuse an incomplete, damaged or edited run in a second, before Keras is imported."""
    from dlspec.train import rundir

    try:
        rundir.verify(run)
    except SpecError as error:
        raise _fail(error.diagnostics) from None


@contextmanager
def _stopping(request: Stop) -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM ask ``request`` to stop after the batch.

    A second one exits at once, with 128 + the signal as a shell reports it.
    """

    def ask(number: int, frame: object) -> None:
        if request.requested:
            os.write(2, b"\nstopping at once\n")
            os._exit(128 + number)
        request.signal = number
        os.write(2, b"\nstopping after the current batch; again to stop at once\n")

    caught = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, ask) for number in caught}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        metavar="NAME",
        help="Keras backend: tensorflow, jax or torch (default: $KERAS_BACKEND, else tensorflow).",
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON object on stdout and nothing else."),
]
OutputOption = Annotated[
    Path,
    typer.Option("--output", metavar="DIR", help="Root folder of run directories."),
]


@app.command(short_help="Train, validate and test a spec; save a run.")
def train(
    spec_file: Annotated[
        Path | None,
        typer.Argument(metavar="SPEC", help="The spec file (not with --resume)."),
    ] = None,
    overrides: SetOption = None,
    output: OutputOption = Path("runs"),
    backend: BackendOption = None,
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
    trained, 1 the spec, its data, the output or training failed, 2 usage error, 130 or 143
    stopped by SIGINT or SIGTERM.
    """
    import sys
    from contextlib import nullcontext, redirect_stdout

    from dlspec import check
    from dlspec.train import rundir

    resumed = _resumable(spec_file, resume, overrides, output, backend)
    _use_backend(resumed.backend if resumed else backend, start=False)
    try:
        if resumed is not None:
            spec_file = resumed.directory / rundir.SPEC
        assert spec_file is not None
        spec, source_map, inference = check.analyse(spec_file, overrides or [])
        # So is an output that cannot be written: the run's folder comes first.
        directory = resumed.directory if resumed else rundir.start(output, spec, spec_file)
    except SpecError as error:
        raise _fail(error.diagnostics) from None
    request = Stop()
    with _stopping(request):
        _use_backend(resumed.backend if resumed else backend)
        from dlspec import report
        from dlspec import train as training
        from dlspec.train.progress import TrainingProgress

        bar = nullcontext() if quiet or as_json else TrainingProgress(err)
        # Whatever a library prints goes to stderr: stdout carries only the report or the JSON.
        with bar as progress, redirect_stdout(sys.stderr):
            try:
                results = training.run(
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
                raise _fail(error.diagnostics) from None
            except Interrupted as stopped:
                err.print(
                    f"{stopped.signal_name}: stopped {stopped.where}; the history and a "
                    f"checkpoint are saved in {stopped.directory} (status: interrupted). "
                    f"To go on from there: dlspec train --resume {stopped.directory}"
                )
                raise typer.Exit(stopped.exit_code) from None
    if as_json:
        out.out(json.dumps(results.summary_json()), highlight=False)
    else:
        out.print(report.render(results), soft_wrap=False)


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
    backend: BackendOption = None,
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

    _verified(run)
    _use_backend(backend)
    from dlspec import report
    from dlspec.train.evaluate import evaluate as evaluate_run

    with redirect_stdout(sys.stderr):
        try:
            result = evaluate_run(run, data_source)
        except SpecError as error:
            raise _fail(error.diagnostics) from None
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
    backend: BackendOption = None,
) -> None:
    """Predict with a saved run and write the predictions as CSV.

    Classification gives one probability column per class and the predicted label, regression
    the predicted values. The saved preprocessing is applied first. A damaged or edited run is
    refused. Exit status: 0 written, 1 the run or the inputs have errors, 2 usage error.
    """
    import csv
    import sys
    from contextlib import redirect_stdout

    if output_file is not None and output_file.exists() and not force:
        err.print(f"dlspec predict: '{output_file}' exists; pass --force to replace it")
        raise typer.Exit(2)
    _verified(run)
    _use_backend(backend)
    from dlspec.train import predict as predicting

    with redirect_stdout(sys.stderr):
        try:
            header, rows = predicting.predict(run, inputs)
        except SpecError as error:
            raise _fail(error.diagnostics) from None
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
    err.print(f"wrote {len(rows)} predictions to {output_file}")


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
    from dlspec import report
    from dlspec.train import rundir

    if not compare:
        out.print(report.runs_table(rundir.find(output)), soft_wrap=False)
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
            raise _fail(error.diagnostics) from None
        chosen.append(found)
    out.print(report.compare(*chosen), soft_wrap=False)


@app.command(short_help="Sample text from a next_token run.")
def generate(
    run: Annotated[Path, typer.Argument(metavar="RUN", help="A next_token run directory.")],
    prompt: Annotated[
        str, typer.Option("--prompt", "-p", help="Text to continue (default: a random word).")
    ] = "",
    length: Annotated[int, typer.Option(min=1, help="Tokens to sample after the prompt.")] = 30,
    temperature: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Below 1 sharpens the distribution (0: always the likeliest token); above 1 "
            "flattens it.",
        ),
    ] = 1.0,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many texts.")] = 1,
    seed: Annotated[
        int | None, typer.Option(help="Sampling seed (default: the run's seed).")
    ] = None,
    backend: BackendOption = None,
) -> None:
    """Generate text by sampling from a next_token run, one token at a time.

    Each step feeds the text so far to the model and draws the next token from its predicted
    distribution, rescaled by the temperature. Exit status: 0 generated, 1 the run cannot
    generate (not a run, damaged or edited, not a next_token model), 2 usage error.
    """
    import sys
    from contextlib import redirect_stdout

    _verified(run)
    _use_backend(backend)
    from dlspec import generate as generating

    with redirect_stdout(sys.stderr):
        try:
            texts = generating.from_run(
                run, prompt, length=length, temperature=temperature, seed=seed, count=count
            )
        except SpecError as error:
            raise _fail(error.diagnostics) from None
    for text in texts:
        out.out(text, highlight=False)


def main() -> None:
    """Entry point of the ``dlspec`` console script."""
    app()
