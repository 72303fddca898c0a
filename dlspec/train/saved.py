"""Opening a saved run: its resolved spec, model and preprocessing.

The model loads in Keras's safe mode; the preprocessing is the one fitted at training time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from dlspec.compiler import saving
from dlspec.data.preprocessing import Preprocessor
from dlspec.spec import Spec
from dlspec.spec import load as load_spec
from dlspec.spec.document import SourceMap
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


def open_run(path: str | Path) -> SavedRun:
    """Check a run, then load its spec, model and preprocessing.

    Raises:
        SpecError: DLS407 or DLS410 when the run is incomplete, damaged or edited
            (``rundir.verify``); the stored spec's own diagnostics when it no longer parses.
    """
    path = Path(path)
    rundir.verify(path)
    spec, source_map = load_spec(path / rundir.SPEC)
    model = saving.load(path / rundir.MODEL)
    try:
        preprocessor = Preprocessor.load(path / rundir.PREPROCESSING)
    except (OSError, ValueError, KeyError, TypeError) as error:
        # The JSON parsed (rundir.check) but does not hold what Preprocessor.save writes.
        reason = f"does not hold a saved preprocessing ({error.__class__.__name__}: {error})"
        raise rundir.refuse(path, rundir.Damage(rundir.PREPROCESSING, reason)) from None
    metrics = json.loads((path / rundir.METRICS).read_text())
    environment = json.loads((path / rundir.ENVIRONMENT).read_text())
    return SavedRun(path, spec, source_map, model, preprocessor, metrics, environment)
