"""The built-in in-memory sources: scikit-learn's bundled sets and the synthetic generators.

Generators use ``spec.seed``, so a seed gives the same examples every time. Default noise
(standard deviation): moons 0.1, circles 0.05, xor 0.1, spiral 0.2 (on the angle), blobs 1.0
(cluster spread), sine 0.1. Nothing here imports Keras or TensorFlow.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.data import tables, windows
from dlspec.data.dataset import Dataset
from dlspec.data.problems import Problems

if TYPE_CHECKING:
    from dlspec.spec import Spec
    from dlspec.spec.sections import DataSpec

Table = tuple[np.ndarray, np.ndarray, list[str] | None, list[str]]  # x, y, classes, features

_NOISE = {"moons": 0.1, "circles": 0.05, "xor": 0.1, "spiral": 0.2, "blobs": 1.0, "sine": 0.1}
XY = ["x1", "x2"]


def load_sklearn(name: str) -> Table:
    """One of scikit-learn's bundled sets (they ship with it, so this works offline)."""
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    x = np.asarray(bunch.data, dtype=np.float32)
    features = [str(f) for f in bunch.feature_names]
    if name == "diabetes":
        return x, np.asarray(bunch.target, np.float32), None, features
    classes = [str(c) for c in bunch.target_names]
    return x, np.asarray(bunch.target, np.int64), classes, features


def load_synthetic(data: DataSpec, seed: int, problems: Problems) -> Table:
    """The synthetic set ``data.location`` as a table (sine: the series, target = itself).

    Raises:
        SpecError: DLS401 for sine without ``data.window``: a series must be windowed.
    """
    name = data.location
    if name == "sine" and data.window is None:
        problems.fail(
            "DLS401",
            "synthetic:sine is a time series and needs 'window' to become examples",
            ("data",),
            "add 'window: {length: 24, horizon: 1}' under 'data'",
        )
    samples = data.sample_count
    noise = _NOISE[name] if data.noise is None else data.noise
    rng = np.random.default_rng(seed)
    if name in ("moons", "circles"):
        from sklearn import datasets

        if name == "moons":
            x, y = datasets.make_moons(samples, noise=noise, random_state=seed)
        else:
            x, y = datasets.make_circles(samples, noise=noise, factor=0.5, random_state=seed)
        return _table(x, y, 2)
    if name == "blobs":
        from sklearn import datasets

        classes = data.classes or 3
        x, y = datasets.make_blobs(
            samples, n_features=2, centers=classes, cluster_std=noise, random_state=seed
        )
        return _table(x, y, classes)
    if name == "xor":
        x = rng.uniform(-1.0, 1.0, (samples, 2))
        y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
        return _table(x + rng.normal(0.0, noise, x.shape), y, 2)
    if name == "spiral":
        return _spiral(samples, data.classes or 3, noise, rng)
    steps = np.arange(samples)
    series = np.sin(0.1 * steps) + rng.normal(0.0, noise, samples)
    return series.astype(np.float32).reshape(-1, 1), series.astype(np.float32), None, ["sine"]


def _spiral(samples: int, arms: int, noise: float, rng: np.random.Generator) -> Table:
    """Interleaved spiral arms, one class each (the classic CS231n set), shuffled."""
    sizes = [samples // arms + (arm < samples % arms) for arm in range(arms)]
    points, labels = [], []
    for arm, size in enumerate(sizes):
        radius = np.linspace(0.05, 1.0, size)
        angle = np.linspace(arm * 4.0, (arm + 1) * 4.0, size) + rng.normal(0.0, noise, size)
        points.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
        labels.append(np.full(size, arm, np.int64))
    order = rng.permutation(samples)
    return _table(np.concatenate(points)[order], np.concatenate(labels)[order], arms)


def _table(x: np.ndarray, y: np.ndarray, classes: int) -> Table:
    names = [str(c) for c in range(classes)]
    return np.asarray(x, np.float32), np.asarray(y, np.int64), names, list(XY)


def dataset(data: DataSpec, table: Table, problems: Problems) -> Dataset:
    """A built-in table as examples: as it is, or cut into windows when ``data.window`` is set."""
    x, y, names, features = table
    if data.window is None:
        return Dataset.create(x, y, class_names=names, feature_names=features)
    windows.check_length(len(x), data.window, problems)
    x, windowed = windows.make(x, y.astype(np.float32), data.window)
    assert windowed is not None
    return Dataset.create(x, windowed, feature_names=features, series=True)


def read_inputs(spec: Spec, dataset: Dataset, path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    """A predict CSV whose header holds the set's feature names, and optionally 'target'."""
    assert spec.data is not None
    features = dataset.feature_names or []
    found = Problems(path, lines=True)
    table = tables.read(path, found)
    for name in features:
        tables.column_name(table.header, name, found, (), path.name)
    found.check()
    x = np.stack([tables.numbers(table, n, found, ()) for n in features], axis=1)
    found.check()
    y = None
    if "target" in table.header:
        if dataset.class_names is not None and spec.data.window is None:
            y = tables.encode(table, "target", dataset.class_names, found, allow_ids=True)
        else:
            y = tables.numbers(table, "target", found, ()).astype(np.float32)
            found.check()
    x = x.astype(np.float32)
    if spec.data.window is not None:
        if y is None and spec.data.source == "synthetic:sine":
            y = x[:, 0]  # the sine series predicts itself: its one column is the target
        windows.check_length(len(x), spec.data.window, found)
        return windows.make(x, y, spec.data.window)
    return x, y
