"""``dlspec export``: a saved run's model with its preprocessing, as keras, saved_model or onnx."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import RunBackendOption, app, err, fail, usage, use_backend, use_run_backend
from dlspec.cli.app import verified as verify_run
from dlspec.diagnostics import SpecError


class Format(StrEnum):
    """What ``dlspec export`` writes (``export.FORMATS``)."""

    keras = "keras"
    saved_model = "saved_model"
    onnx = "onnx"


@app.command(short_help="Export a run's model with its preprocessing: keras, saved_model, onnx.")
def export(
    run: Annotated[Path, typer.Argument(metavar="RUN", help="A run directory.")],
    format: Annotated[
        Format,
        typer.Option(
            "--format",
            help="keras (a .keras file), saved_model (a TensorFlow SavedModel folder) or onnx.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="PATH", help="Where to write the model.")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace PATH if it exists (never by default).")
    ] = False,
    backend: RunBackendOption = None,
) -> None:
    """Export a saved run's model for use outside dlspec, through Keras's own saving and export.

    The run's fitted scaling is the exported model's first layer, so it takes raw inputs as
    'dlspec predict' reads them and gives the same outputs. keras needs a PATH ending in
    .keras and loads in plain Keras; saved_model and onnx are written on the TensorFlow
    backend (onnx needs onnx and tf2onnx: pip install 'dlspec[export]'). Exit status: 0
    written, 1 the run cannot be exported (damaged, or raw text), 2 usage error.
    """
    import sys
    from contextlib import redirect_stdout

    if format is Format.keras and output.suffix != ".keras":
        usage(f"--format keras writes a .keras file: name it so ('{output}.keras'?)")
    if output.exists() and not force:
        usage(f"'{output}' exists; pass --force to replace it")
    if not output.parent.is_dir():
        usage(f"cannot write '{output}': there is no folder '{output.parent}' (create it first)")
    from dlspec.train import export as exporting

    try:
        exporting.require(format.value)
    except SpecError as error:
        raise fail(error.diagnostics) from None
    verify_run(run)
    if format is Format.keras:
        use_run_backend(run, backend)
    else:  # both are TensorFlow graphs: a model of any backend loads there
        if backend not in (None, "tensorflow"):
            usage(f"--format {format.value} is written on the tensorflow backend")
        use_backend("tensorflow")
    with redirect_stdout(sys.stderr):
        try:
            written = exporting.export(run, format.value, output)
        except SpecError as error:
            raise fail(error.diagnostics) from None
    err.print(f"wrote the {format.value} model of {run} to {written}: it takes raw inputs")
