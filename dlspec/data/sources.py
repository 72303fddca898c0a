"""Loading a spec's data: one function that dispatches on the source's scheme."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.check.data import resolve_path
from dlspec.data import arrays, builtin, images, keras_sets, tabular, text, windows
from dlspec.data.dataset import Dataset
from dlspec.data.problems import Problems
from dlspec.spec import Spec

if TYPE_CHECKING:
    from dlspec.located import SourceMap

_WINDOWED = ("sklearn", "synthetic", "csv", "npz")


def load(spec: Spec, spec_file: str | Path, *, source_map: SourceMap | None = None) -> Dataset:
    """Load the examples of ``spec.data``.

    Args:
        spec: the experiment.
        spec_file: the spec's file; data paths are relative to its folder.
        source_map: locates problems at the spec value at fault (else at the file's start).

    Returns:
        The examples, windowed when ``data.window`` is set, not yet preprocessed.

    Raises:
        SpecError: DLS401 unreadable or unusable data, DLS402 a keras: set offline and not
            cached, DLS403 a missing column, DLS404 a non-numeric feature, DLS405 NaNs.
    """
    problems = Problems(spec_file, source_map)
    data = spec.data
    if data is None:
        problems.fail(
            "DLS401",
            "the spec has no 'data' section to train on",
            (),
            "add e.g. 'data: {source: sklearn:iris}'",
        )
    if data.window is not None and data.scheme not in _WINDOWED:
        problems.fail(
            "DLS401",
            f"'window' applies to series (csv, npz, synthetic:sine), not to {data.scheme} data",
            ("data", "window"),
            "remove 'window'",
        )
    scheme = data.scheme
    if scheme == "keras":
        return keras_sets.load_keras(data, problems)
    if scheme in ("sklearn", "synthetic"):
        if scheme == "sklearn":
            x, y, names, features = builtin.load_sklearn(data.location)
        else:
            x, y, names, features = builtin.load_synthetic(data, spec.seed, problems)
        if data.window is None:
            return Dataset.create(x, y, class_names=names, feature_names=features)
        windows.check_length(len(x), data.window, problems)
        x, windowed = windows.make(x, y.astype(np.float32), data.window)
        assert windowed is not None
        return Dataset.create(x, windowed, feature_names=features, series=True)
    path = resolve_path(data, str(spec_file))
    if scheme == "images":
        return images.load_images(data, path, problems)
    if not path.is_file():
        problems.fail(
            "DLS401",
            f"data file '{data.location}' does not exist",
            hint=f"paths are relative to the spec file's folder ({path.parent})",
        )
    if scheme == "csv":
        return tabular.load_csv(data, spec.task.type, path, problems)
    if scheme == "npz":
        return arrays.load_npz(spec, path, problems)
    if text.is_table(path):
        return text.load_table(spec, path, problems)
    return text.load_corpus(spec, path, problems)
