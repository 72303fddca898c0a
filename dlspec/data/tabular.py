"""``csv:PATH`` sources: a target column and numeric feature columns, optionally a series.

The target is ``data.target`` (a name, or an index from 0) or the last column; the features are
``data.features`` or every other column (with ``window``, every column: a series' own past
predicts its future). ``data.features`` as a mapping groups the columns into named inputs, one
array each. Classification targets become class ids over their sorted labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.data import tables, windows
from dlspec.data.dataset import Dataset
from dlspec.data.features import Features
from dlspec.data.problems import SOURCE, Problems

if TYPE_CHECKING:
    from dlspec.spec.sections import DataSpec


def columns(data: DataSpec, header: list[str], problems: Problems) -> tuple[list[str], list[str]]:
    """The target columns' names (one, or a list's) and the feature columns' names.

    Checked against ``header``.

    Raises:
        SpecError: DLS403 for every column the spec names that the header lacks.
    """
    file = Path(data.location).name
    where = ("data", "target") if data.target is not None else SOURCE
    wanted = data.target if data.target is not None else -1
    chosen = wanted if isinstance(wanted, list) else [wanted]
    found = [
        tables.column_name(
            header, name, problems, (*where, i) if isinstance(wanted, list) else where, file
        )
        for i, name in enumerate(chosen)
    ]
    if isinstance(data.features, dict):
        features = []
        for group, names in data.features.items():
            for index, name in enumerate(names):
                at = ("data", "features", group, index)
                tables.column_name(header, name, problems, at, file)
            features += names
    elif data.features is not None:
        for index, name in enumerate(data.features):
            tables.column_name(header, name, problems, ("data", "features", index), file)
        features = list(data.features)
    else:
        features = [c for c in header if c not in found or data.window is not None]
    problems.check()
    targets = [name for name in found if name is not None]
    if not features:
        problems.fail(
            "DLS403",
            f"'{file}' has no feature columns besides the target '{', '.join(targets)}'",
            where,
        )
    return targets, features


def features(table: tables.Table, names: list[str], problems: Problems, data: DataSpec) -> Features:
    """The named columns as a float32 ``(rows, features)`` array; DLS404/DLS405 on bad cells.

    With column groups (``data.features`` a mapping), one such array per group, by name.
    """
    at = ("data", "features") if data.features is not None else SOURCE
    columns = {name: tables.numbers(table, name, problems, at) for name in names}
    problems.check()
    if isinstance(data.features, dict):
        return {
            group: np.stack([columns[c] for c in chosen], axis=1).astype(np.float32)
            for group, chosen in data.features.items()
        }
    return np.stack([columns[name] for name in names], axis=1).astype(np.float32)


def target(
    table: tables.Table, names: list[str], classes: bool, problems: Problems, data: DataSpec
) -> tuple[np.ndarray, list[str] | None]:
    """The target columns: class ids and names, or float32 values.

    Classification takes one column; regression values are ``(rows,)`` for one column and
    ``(rows, columns)`` for a list of them.
    """
    at = ("data", "target") if data.target is not None else SOURCE
    if classes and data.window is None:
        if len(names) > 1:
            problems.fail(
                "DLS401",
                f"{len(names)} target columns, and a classifier predicts one class",
                at,
                "name one column, or use task regression for several values",
            )
        ids, labels = tables.labels(table, names[0], problems, at)
        problems.check()
        return ids, labels
    hint = "a regression target holds numbers; for classes use task binary or multiclass"
    values = [tables.numbers(table, name, problems, at, hint) for name in names]
    problems.check()
    stacked = values[0] if not isinstance(data.target, list) else np.stack(values, axis=1)
    return stacked.astype(np.float32), None


def load_csv(data: DataSpec, classes: bool, path: Path, problems: Problems) -> Dataset:
    """Load a ``csv:`` source (windowed when ``data.window`` is set).

    Raises:
        SpecError: DLS401 unreadable, DLS403 missing column, DLS404 text, DLS405 NaN.
    """
    table = tables.read(path, problems)
    target_names, feature_names = columns(data, table.header, problems)
    x = features(table, feature_names, problems, data)
    y, class_names = target(table, target_names, classes, problems, data)
    if data.window is None:
        return Dataset.create(
            x, y, class_names=class_names, feature_names=feature_names, target_names=target_names
        )
    if y.ndim > 1:
        problems.fail(
            "DLS401",
            "'window' predicts one series ahead; it takes one target column",
            ("data", "target"),
            "name one target column",
        )
    if isinstance(x, dict):
        problems.fail(
            "DLS401",
            "'window' turns one series into windows; it takes no column groups",
            ("data", "window"),
            "list the series' columns in data.features, or remove 'window'",
        )
    windows.check_length(len(x), data.window, problems)
    x, windowed = windows.make(x, y, data.window)
    assert windowed is not None  # a target was given, so every window has one
    return Dataset.create(x, windowed, feature_names=feature_names, series=True)


def read_csv_inputs(
    data: DataSpec, classes: bool, train: Path, path: Path, problems: Problems
) -> tuple[Features, np.ndarray | None]:
    """A predict input laid out like the training CSV: its features, and targets if present.

    Columns are resolved against the training file (so an index target means the same
    column); classification labels are encoded with the training file's classes.
    """
    train_table = tables.read(train, problems)
    target_names, feature_names = columns(data, train_table.header, problems)
    found = Problems(path, lines=True)
    table = tables.read(path, found)
    for name in feature_names:
        tables.column_name(table.header, name, found, SOURCE, path.name)
    found.check()
    x = features(table, feature_names, found, data)
    y = None
    if all(name in table.header for name in target_names):
        if classes and data.window is None:
            _, names = tables.labels(train_table, target_names[0], problems, SOURCE)
            y = tables.encode(table, target_names[0], names, found)
        else:
            y, _ = target(table, target_names, False, found, data)
    if data.window is not None and not isinstance(x, dict):
        windows.check_length(len(x), data.window, found)
        return windows.make(x, y, data.window)
    return x, y
