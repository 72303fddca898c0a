"""``dlspec evaluate``: score a saved run's model again, on its test rows or other data.

The run's test rows are recomputed from the stored spec and seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from dlspec import sources
from dlspec.data.dataset import Dataset
from dlspec.data.features import Features
from dlspec.data.problems import Problems
from dlspec.diagnostics import Span, SpecError, make
from dlspec.spec import Spec
from dlspec.spec.sections import DataSpec
from dlspec.train import fit as fitting
from dlspec.train.experiment import test_set
from dlspec.train.results import Scores
from dlspec.train.saved import SavedRun, open_run


@dataclass
class Evaluation:
    """Scores of a saved model on some examples, and what they were."""

    test: Scores
    task: str
    class_names: list[str] | None
    source: str
    notes: list[str] = field(default_factory=list)


def with_source(spec: Spec, source: str) -> Spec:
    """The spec reading its examples from ``source`` (paths relative to the working folder).

    Raises:
        SpecError: DLS210 when ``source`` is not a data source.
    """
    scheme, _, location = source.partition(":")
    if scheme in sources.SOURCES and sources.SOURCES[scheme].takes_path and location:
        source = f"{scheme}:{Path(location).expanduser().resolve()}"
    fields = spec.data.model_dump(exclude_none=True) if spec.data is not None else {}
    try:
        new = DataSpec.model_validate({**fields, "source": source})
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise SpecError(
            [make("DLS210", message, Span("--data", 1, 1, 1, len(source) + 1))]
        ) from None
    return spec.model_copy(update={"data": new})


def same_classes(run: SavedRun, dataset: Dataset, y: np.ndarray) -> np.ndarray:
    """Targets as ids of the run's classes, where another source numbers its classes otherwise.

    Raises:
        SpecError: DLS406 when the source has classes the model never learned.
    """
    ours, theirs = run.class_names, dataset.class_names
    if not ours or not theirs or ours == theirs:
        return y
    index = {name: i for i, name in enumerate(ours)}
    unknown = [name for name in theirs if name not in index]
    if unknown:
        raise SpecError(
            [
                make(
                    "DLS406",
                    f"the data has classes the run never learned: {', '.join(unknown)}",
                    Span.point(str(run.spec_file)),
                    f"the run's classes are {', '.join(ours)}",
                )
            ]
        )
    return np.array([index[name] for name in theirs])[np.asarray(y, dtype=np.int64)]


def outputs(run: SavedRun, x: Features) -> np.ndarray:
    """The saved model's outputs for raw examples, with the saved preprocessing applied."""
    inputs = run.preprocessor.transform(x)
    return np.asarray(run.model.predict(inputs, batch_size=run.spec.training.batch_size, verbose=0))


def evaluate(path: str | Path, source: str | None = None) -> Evaluation:
    """Score the run at ``path`` on its test rows, or on every example of ``source``.

    A ``source`` with its own test split is scored on that split.

    Raises:
        SpecError: the run directory is incomplete or the data cannot be loaded.
    """
    run = open_run(path)
    spec = run.spec if source is None else with_source(run.spec, source)
    source_map = run.source_map if source is None else None
    dataset = sources.load(spec, run.spec_file, source_map=source_map)
    notes: list[str] = []
    if source is None:
        _, x, y = test_set(spec, dataset, Problems(run.spec_file, source_map))
        recorded = run.environment.get("data_fingerprint")
        if recorded and dataset.fingerprint and recorded != dataset.fingerprint:
            notes.append(
                "the data differs from the data the run was trained on (fingerprint "
                f"{dataset.fingerprint} != {recorded}), so its test rows may differ too"
            )
    elif dataset.x_test is not None and dataset.y_test is not None:
        x, y = dataset.x_test, dataset.y_test
    else:
        x, y = dataset.x, dataset.y
    y = same_classes(run, dataset, y)
    test = fitting.test_scores(
        run.model, run.preprocessor, spec, x, y, run.class_names, dataset.target_names
    )
    where = "test set" if source is None else source
    return Evaluation(test, spec.task.type, run.class_names, where, notes)
