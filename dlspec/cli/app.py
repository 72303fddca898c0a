"""The ``dlspec`` Typer application and what its commands share: consoles, options, exits.

Light: importing it loads no Keras, TensorFlow or scikit-learn.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from dlspec import __version__
from dlspec.diagnostics import MAX_SHOWN, Diagnostic, SpecError

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


UNREADABLE = "DLS104"  # a path given on the command line cannot be read: a usage error


def fail(diagnostics: list[Diagnostic], code: int | None = None) -> typer.Exit:
    """Print the diagnostics (the first ``MAX_SHOWN``) on stderr; the exit to raise.

    ``code`` None: 2 when a file named on the command line cannot be read, else 1.
    """
    for diagnostic in diagnostics[:MAX_SHOWN]:
        err.out(diagnostic.format(), highlight=False)
    if len(diagnostics) > MAX_SHOWN:
        err.out(f"... and {len(diagnostics) - MAX_SHOWN} more", highlight=False)
    if code is None:
        code = 2 if any(d.code == UNREADABLE for d in diagnostics) else 1
    return typer.Exit(code)


def usage(message: str) -> NoReturn:
    """Exit 2 with a usage message, as typer does for a bad option."""
    err.print(f"error: {message}", highlight=False)
    raise typer.Exit(2)


def use_backend(
    name: str | None, *, start: bool = True, device: str = "auto", distribution: Any = None
) -> None:
    """Choose the Keras backend and device and (with ``start``) import it; exit 2 on a bad choice.

    A device other than ``auto`` is checked once the backend has started (``backend.require``).
    ``distribution`` (a spec's ``training.distribution``) says what must be made before the
    backend's runtime starts: logical CPU devices, a multi-worker strategy.
    """
    from dlspec import backend

    try:
        backend.select(name)
        backend.place(device)
        if start:
            cpus = getattr(distribution, "cpus", 0)
            multi_worker = getattr(distribution, "type", None) == "multi_worker"
            backend.start(cpus=cpus, multi_worker=multi_worker)
            backend.require(device)
    except SpecError as error:
        raise fail(error.diagnostics, 2) from None


def use_run_backend(run: Path, name: str | None) -> None:
    """Start ``name``, else the backend the run trained on where it is installed, else the default.

    A saved model loads on any backend, but its own one repeats its numbers exactly and needs
    nothing else imported: a JAX run is scored without importing TensorFlow.
    """
    if name is None:
        import importlib.util

        from dlspec.train import rundir

        recorded, _ = rundir.json_object(run / rundir.ENVIRONMENT, rundir.ENVIRONMENT)
        trained_on = (recorded or {}).get("backend")
        if isinstance(trained_on, str) and importlib.util.find_spec(trained_on) is not None:
            name = trained_on
    use_backend(name)


def verified(run: Path) -> None:
    """Refuse an incomplete, damaged or edited run in a second, before Keras is imported."""
    from dlspec.train import rundir

    try:
        rundir.verify(run)
    except SpecError as error:
        raise fail(error.diagnostics) from None


BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        metavar="NAME",
        help=(
            "Keras backend: tensorflow, jax or torch "
            "(default: $KERAS_BACKEND, else jax where installed, else tensorflow)."
        ),
    ),
]


class Device(StrEnum):
    """Where a command computes (``backend.DEVICES``)."""

    auto = "auto"
    cpu = "cpu"
    gpu = "gpu"


DeviceOption = Annotated[
    Device,
    typer.Option(
        "--device",
        help="Where to compute: auto (a GPU where the backend sees one), cpu, or gpu (exit 2 "
        "where there is none).",
    ),
]
RunBackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        metavar="NAME",
        help="Keras backend: tensorflow, jax or torch (default: the one the run trained on).",
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
