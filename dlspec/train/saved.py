"""Opening a saved run: its resolved spec, model and preprocessing.

The model loads in Keras's safe mode; the preprocessing is the one fitted at training time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from dlspec.build import saving
from dlspec.data import Preprocessor
from dlspec.diagnostics import Span, SpecError, make
from dlspec.located import SourceMap
from dlspec.spec import Spec
from dlspec.spec import load as load_spec
from dlspec.train import rundir


@dataclass
class SavedRun:
    """A run directory opened for evaluation or prediction."""

    path: Path
    spec: Spec
    source_map: SourceMap
    model: keras.Model
    preprocessor: Preprocessor
    metrics: dict[str, Any]
    environment: dict[str, Any]

    @property
    def spec_file(self) -> Path:
        """The stored, resolved spec (data paths in it are absolute)."""
        return self.path / rundir.SPEC

    @property
    def class_names(self) -> list[str] | None:
        """The class names the model's outputs follow, as stored at training time."""
        return self.metrics.get("class_names")


def not_a_run(path: Path, missing: str) -> SpecError:
    """The DLS407 error for a run directory that does not exist or lacks a file."""
    return SpecError(
        [
            make(
                "DLS407",
                f"'{path}' is not a complete run directory: {missing}",
                Span.point(str(path)),
                "give a directory that 'dlspec train' made, e.g. runs/<name>/<timestamp>; "
                "'dlspec runs' lists them",
            )
        ]
    )


def open_run(path: str | Path) -> SavedRun:
    """Load a run's spec, model and preprocessing.

    Raises:
        SpecError: DLS407 when ``path`` is not a complete run directory; the stored spec's
            own diagnostics when it no longer parses.
    """
    path = Path(path)
    if not path.is_dir():
        raise not_a_run(path, "no such directory")
    for name in (rundir.SPEC, rundir.METRICS, rundir.MODEL):
        if not (path / name).exists():
            raise not_a_run(path, f"'{name}' is missing")
    spec, source_map = load_spec(path / rundir.SPEC)
    model = saving.load(path / rundir.MODEL)
    preprocessor = Preprocessor.load(path / rundir.PREPROCESSING)
    metrics = json.loads((path / rundir.METRICS).read_text())
    env_file = path / rundir.ENVIRONMENT
    environment = json.loads(env_file.read_text()) if env_file.is_file() else {}
    return SavedRun(path, spec, source_map, model, preprocessor, metrics, environment)
