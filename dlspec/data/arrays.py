"""``npz:PATH`` sources: arrays ``x`` and ``y``, or the Keras layout with a test split.

The Keras layout is ``x_train``, ``y_train``, ``x_test``, ``y_test`` as in Keras's own dataset
files; its test arrays then are the test set.

A model with named inputs (``model.inputs``) reads one array per input name and ``y``, with a
test split ``NAME_test`` for every name and ``y_test``.

Features become float32, or int32 when the input's dtype is int32 (token ids). Integer class
labels are kept as they are (ids 0..K-1, as Keras sets store them); text labels are encoded over
their sorted names.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, overload

import numpy as np

from dlspec.data import windows
from dlspec.data.dataset import Dataset
from dlspec.data.features import Features
from dlspec.data.problems import Problems

if TYPE_CHECKING:
    from dlspec.spec import Spec
    from dlspec.spec.tasks import TaskSpec

LAYOUTS = (("x", "y"), ("x_train", "y_train"))


def read(path: Path, problems: Problems) -> dict[str, np.ndarray]:
    """Every array in an ``.npz`` file (never unpickling objects)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        problems.fail("DLS401", f"cannot read arrays from '{path}': {error}")


def load_npz(spec: Spec, path: Path, problems: Problems) -> Dataset:
    """Load an ``npz:`` source in either layout.

    Raises:
        SpecError: DLS401 for an unreadable file or missing arrays, DLS405 for NaNs.
    """
    assert spec.data is not None
    found = read(path, problems)
    if spec.model.inputs is not None:
        return _load_named(spec, found, path, problems)
    if spec.task.row.targets == "inputs":  # an autoencoder needs no y: its targets are its x
        for x_name, y_name in (*LAYOUTS, ("x_test", "y_test")):
            if x_name in found and y_name not in found:
                found[y_name] = np.zeros(len(found[x_name]), np.float32)
    layout = next((pair for pair in LAYOUTS if all(n in found for n in pair)), None)
    if layout is None:
        problems.fail(
            "DLS401",
            f"'{path.name}' holds arrays {', '.join(sorted(found)) or 'none'}, expected 'x' and "
            "'y', or 'x_train', 'y_train' (with 'x_test', 'y_test')",
            hint="a model of several inputs names them in model.inputs, one array each",
        )
    test = ("x_test", "y_test") if layout[0] == "x_train" and "x_test" in found else None
    if layout[0] == "x_train" and ("x_test" in found) != ("y_test" in found):
        problems.fail("DLS401", f"'{path.name}' has only one of 'x_test' and 'y_test'")
    names = [*layout, *(test or ())]
    for name in names:
        _check_usable(found[name], name, path, problems, features=name.startswith("x"))
    problems.check()
    for name in names:
        _check_finite(found[name], name, path, problems)
    for x_name, y_name in (layout, test) if test else (layout,):
        if len(found[x_name]) != len(found[y_name]):
            problems.add(
                "DLS401",
                f"'{x_name}' has {len(found[x_name])} examples but '{y_name}' has "
                f"{len(found[y_name])}",
            )
    problems.check()
    x = convert(spec, found[layout[0]])
    x_test = convert(spec, found[test[0]]) if test else None
    y_arrays = [found[layout[1]], *([found[test[1]]] if test else [])]
    ys, class_names = _targets(spec.task, y_arrays, path, problems)
    y, y_test = ys[0], (ys[1] if test else None)
    if spec.data.window is not None:
        if x.ndim != 2:
            problems.fail(
                "DLS401",
                f"'window' needs a series of shape (steps, features), got {x.shape[1:]} per step",
                ("data", "window"),
            )
        windows.check_length(len(x), spec.data.window, problems)
        x, windowed = windows.make(x, y.astype(np.float32), spec.data.window)
        assert windowed is not None  # a target was given, so every window has one
        y = windowed
        if x_test is not None and y_test is not None:
            x_test, y_test = windows.make(x_test, y_test.astype(np.float32), spec.data.window)
        class_names = None
    series = spec.data.window is not None
    vocabulary = int(max(x.max(initial=0), 0)) + 1 if x.dtype == np.int32 else None
    return Dataset.create(
        x, y, x_test, y_test, class_names=class_names, series=series, vocabulary=vocabulary
    )


def _load_named(
    spec: Spec, found: dict[str, np.ndarray], path: Path, problems: Problems
) -> Dataset:
    """The named-inputs layout: an array per name of ``model.inputs``, ``y``; ``*_test``."""
    assert spec.model.inputs is not None and spec.data is not None
    inputs = list(spec.model.inputs)
    train = [*inputs, "y"]
    test = [f"{name}_test" for name in train]
    missing = [name for name in train if name not in found]
    if missing:
        problems.fail(
            "DLS401",
            f"'{path.name}' holds arrays {', '.join(sorted(found)) or 'none'}; model.inputs "
            f"needs {', '.join(train)} (one array per input, and y): "
            f"{', '.join(repr(n) for n in missing)} {'is' if len(missing) == 1 else 'are'} missing",
            ("model", "inputs", missing[0]) if missing[0] in inputs else ("model", "inputs"),
            "name each array after its input: np.savez(path, "
            + ", ".join(f"{name}={name}" for name in train)
            + ")",
        )
    present = [name for name in test if name in found]
    if present and len(present) != len(test):
        absent = [name for name in test if name not in found]
        problems.fail(
            "DLS401",
            f"'{path.name}' has a test split for some arrays only: "
            f"{', '.join(absent)} {'is' if len(absent) == 1 else 'are'} not there",
            hint="give every input's test array and y_test, or none of them",
        )
    if spec.data.window is not None:
        problems.fail(
            "DLS401",
            "'window' turns one series into windows; it takes no named inputs",
            ("data", "window"),
            "save the windows as the input arrays and remove 'window'",
        )
    names = [*train, *present]
    for name in names:
        _check_usable(found[name], name, path, problems, features=name not in ("y", "y_test"))
    problems.check()
    for name in names:
        _check_finite(found[name], name, path, problems)
    for group in (train, test) if present else (train,):
        counts = {name: len(found[name]) for name in group}
        if len(set(counts.values())) > 1:
            problems.add(
                "DLS401",
                "arrays of one split hold different numbers of examples: "
                + ", ".join(f"'{name}' {count}" for name, count in counts.items()),
            )
    problems.check()
    x = convert(spec, {name: found[name] for name in inputs})
    x_test = convert(spec, {name: found[f"{name}_test"] for name in inputs}) if present else None
    y_arrays = [found["y"], *([found["y_test"]] if present else [])]
    ys, class_names = _targets(spec.task, y_arrays, path, problems)
    return Dataset.create(x, ys[0], x_test, ys[1] if present else None, class_names=class_names)


def _check_usable(
    array: np.ndarray, name: str, path: Path, problems: Problems, *, features: bool
) -> None:
    """An array of examples: at least one axis, and numbers (labels may be text)."""
    if array.ndim == 0:
        problems.add(
            "DLS401",
            f"array '{name}' of '{path.name}' is a single value, not one entry per example",
            hint="save an array whose first axis runs over the examples",
        )
    elif features and array.dtype.kind not in "biuf":
        problems.add(
            "DLS404",
            f"array '{name}' of '{path.name}' holds "
            f"{'text' if array.dtype.kind in 'US' else array.dtype.name + ' values'}, not numbers",
            hint="features are numbers: encode text or categories as numbers before saving",
        )


def _check_finite(array: np.ndarray, name: str, path: Path, problems: Problems) -> None:
    if array.dtype.kind != "f":
        return
    per_example = array.reshape(len(array), -1) if array.size else None
    missing = int(np.isnan(per_example).any(axis=1).sum()) if per_example is not None else 0
    if missing:
        problems.add(
            "DLS405",
            f"array '{name}' of '{path.name}' has missing (NaN) values in {missing} "
            f"example{'s' if missing > 1 else ''}",
            hint="fill or drop those examples before training",
        )
    limit = np.finfo(np.float32).max
    infinite = (
        int((np.abs(np.nan_to_num(per_example)) > limit).any(axis=1).sum())
        if per_example is not None
        else 0
    )
    if infinite:
        problems.add(
            "DLS404",
            f"array '{name}' of '{path.name}' has infinite or too large values in {infinite} "
            f"example{'s' if infinite > 1 else ''}",
            hint="replace them with finite numbers (at most about 3.4e38), or drop them",
        )


@overload
def convert(spec: Spec, x: np.ndarray) -> np.ndarray: ...
@overload
def convert(spec: Spec, x: Features) -> Features: ...


def convert(spec: Spec, x: Features) -> Features:
    """Features as float32, or int32 token ids where the (named) input says int32."""
    if isinstance(x, dict):
        given = spec.model.inputs or {}
        return {
            name: array.astype(
                np.int32 if name in given and given[name].dtype == "int32" else np.float32
            )
            for name, array in x.items()
        }
    tokens = spec.model.input is not None and spec.model.input.dtype == "int32"
    if tokens:
        return x.astype(np.int32)
    return x.astype(np.float32)


def _targets(
    task: TaskSpec,
    arrays: list[np.ndarray],
    path: Path,
    problems: Problems,
    known: list[str] | None = None,
) -> tuple[list[np.ndarray], list[str] | None]:
    """Targets of the task row's kind (values, labels or tokens), with class names for labels.

    Labels are one per example, or one per position ``(examples, steps)`` for a ``per_step``
    task. Text labels are encoded over the first array's sorted labels, or over ``known`` names.
    """
    kind = task.row.targets
    if kind in ("values", "inputs"):  # an autoencoder's y is unused: its targets are its inputs
        return [a.astype(np.float32) for a in arrays], None
    if kind == "tokens":
        return [a.astype(np.int32) for a in arrays], None
    rank = 2 if task.every_step else 1  # (examples,) or (examples, steps)
    arrays = [
        a.reshape(a.shape[:-1]) if a.ndim == rank + 1 and a.shape[-1] == 1 else a for a in arrays
    ]
    if any(a.ndim != rank for a in arrays):
        each = "one per position, (examples, steps)" if task.every_step else "one per example"
        problems.fail(
            "DLS401",
            f"class labels in '{path.name}' must be {each}, got {arrays[0].shape}",
        )
    if all(a.dtype.kind in "iub" for a in arrays):
        top = max(int(a.max(initial=0)) for a in arrays)
        return [a.astype(np.int64) for a in arrays], [str(i) for i in range(top + 1)]
    if all(a.dtype.kind == "f" and np.all(a == np.round(a)) for a in arrays):
        return _targets(task, [a.astype(np.int64) for a in arrays], path, problems)
    names = known if known is not None else sorted({str(v) for v in arrays[0].ravel()})
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted(
        {str(v) for a in arrays[1 if known is None else 0 :] for v in a.ravel()} - set(names)
    )
    if unknown:
        problems.fail(
            "DLS401",
            f"labels {', '.join(unknown)} of '{path.name}' are not classes of the training data",
        )
    return [
        np.array([index[str(v)] for v in a.ravel()], np.int64).reshape(a.shape) for a in arrays
    ], names


def read_npz_inputs(
    spec: Spec, path: Path, class_names: list[str] | None
) -> tuple[Features, np.ndarray | None]:
    """A predict input ``.npz``: ``x`` (or ``x_test``, ``x_train``) and its ``y`` if present.

    For named inputs, an array per input name (or each ``NAME_test``) and ``y`` (``y_test``).
    Features are returned as stored (the caller converts them like its source does); text
    labels are encoded with the training data's ``class_names``.
    """
    problems = Problems(path, lines=True)
    found = read(path, problems)
    if spec.model.inputs is not None:
        inputs = list(spec.model.inputs)
        for suffix in ("", "_test"):
            if all(name + suffix in found for name in inputs):
                named = {name: found[name + suffix] for name in inputs}
                counts = {len(array) for array in named.values()}
                y = found.get("y" + suffix)
                if len(counts) > 1 or (y is not None and len(y) not in counts):
                    problems.fail(
                        "DLS401",
                        f"the arrays of '{path.name}' hold different numbers of examples",
                    )
                if y is None:
                    return named, None
                ys, _ = _targets(spec.task, [y], path, problems, class_names)
                return named, ys[0]
        problems.fail(
            "DLS401",
            f"'{path.name}' holds arrays {', '.join(sorted(found)) or 'none'}: the model takes "
            f"{', '.join(inputs)}, one array each",
            hint="name each array after its input (and the targets, if any, y)",
        )
    for x_name, y_name in (("x", "y"), ("x_test", "y_test"), ("x_train", "y_train")):
        if x_name in found:
            x = found[x_name]
            if y_name not in found:
                return x, None
            ys, _ = _targets(spec.task, [found[y_name]], path, problems, class_names)
            return x, ys[0]
    problems.fail("DLS401", f"'{path.name}' has no array 'x' (or 'x_test')")
