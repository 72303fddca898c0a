"""``dlspec summary``: every layer's output shape and parameter count, inferred statically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dlspec.cli.app import SetOption, app, err, fail, out
from dlspec.diagnostics import SpecError


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
    from dlspec.report import summary as summary_module

    try:
        spec, _, inference = check.analyse(spec_file, overrides or [])
    except SpecError as error:
        raise fail(error.diagnostics) from None
    keras_view = None
    if with_keras:
        if inference.inputs is None or not inference.complete:
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
        missing = "input shape" if inference.inputs is None else "head width"
        err.print(
            f"note: the {missing} of '{spec.data.source if spec.data else spec_file}' is known "
            "only once the data loads; give model.input (and the task's head size) to see "
            "every layer here"
        )
    if keras_view is not None and not keras_view.agrees:
        raise typer.Exit(1)
