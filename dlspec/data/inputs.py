"""Reading ``predict`` inputs laid out like a spec's training source."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.check.data import resolve_path
from dlspec.data import arrays, images, keras_sets, tables, tabular, text, windows
from dlspec.data.problems import Problems
from dlspec.data.sources import load
from dlspec.spec import Spec
from dlspec.tasks import CLASSIFICATION

if TYPE_CHECKING:
    from dlspec.located import SourceMap


def read_inputs(
    spec: Spec,
    spec_file: str | Path,
    path: Path,
    *,
    source_map: SourceMap | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Read a ``predict`` input laid out like the training source, before preprocessing.

    ``csv:`` sources read a CSV with the training file's columns; ``sklearn:`` and
    ``synthetic:`` sources a CSV whose header holds their ``feature_names`` (and optionally
    'target'); ``text:`` tables a table with the text column (and the label column); ``npz:``
    and ``keras:`` sources an ``.npz`` with ``x`` (and ``y``); ``images:`` an image, a folder of
    images or a folder of class folders. Any source accepts an ``.npz`` with ``x`` (and ``y``).

    Returns:
        The features (as ``load`` gives them) and the targets, or None when the input has none.

    Raises:
        SpecError: the problems found, pointing at the input file (or at the spec).
    """
    path = Path(path)
    problems = Problems(spec_file, source_map)
    data = spec.data
    if data is None:
        problems.fail("DLS401", "the spec has no 'data' section to read inputs for", ())
    if not path.exists():
        Problems(path, lines=True).fail("DLS401", f"input '{path}' does not exist")
    scheme = data.scheme
    if scheme == "images":
        root = resolve_path(data, str(spec_file))
        names = [folder.name for folder in images.class_folders(root)] if root.is_dir() else []
        return images.read_image_inputs(data, path, names)
    if path.suffix.lower() == ".npz":
        names = _class_names_if_needed(spec, spec_file, source_map)
        x, y = arrays.read_npz_inputs(spec, path, names)
        if scheme == "keras":
            return keras_sets.prepare(data, x), y
        return arrays.convert(spec, x), y
    if scheme == "csv":
        train = resolve_path(data, str(spec_file))
        return tabular.read_csv_inputs(data, spec.task.type, train, path, problems)
    if scheme == "text":
        return _text_inputs(spec, spec_file, path, source_map)
    if scheme in ("sklearn", "synthetic"):
        return _builtin_inputs(spec, spec_file, path, source_map)
    Problems(path, lines=True).fail(
        "DLS401", f"inputs for {scheme}: data are read from an .npz file with an array 'x'"
    )


def _class_names_if_needed(
    spec: Spec, spec_file: str | Path, source_map: SourceMap | None
) -> list[str] | None:
    if spec.task.type not in CLASSIFICATION or spec.data is None:
        return None
    if spec.data.scheme == "keras":
        return keras_sets.class_names(spec.data.location)
    return load(spec, spec_file, source_map=source_map).class_names


def _text_inputs(
    spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
) -> tuple[np.ndarray, np.ndarray | None]:
    assert spec.data is not None
    found = Problems(path, lines=True)
    if not text.is_table(path):
        # A corpus: ids with the training vocabulary, cut like the training sequences.
        dataset = load(spec, spec_file, source_map=source_map)
        assert dataset.tokens is not None
        ids = text.encode(text.read_corpus(path, found), dataset.tokens)
        length = dataset.x.shape[1] + 1
        ids = ids[: len(ids) // length * length].reshape(-1, length)
        return ids[:, :-1], ids[:, 1:]
    train = tables.read(resolve_path(spec.data, str(spec_file)), Problems(spec_file, source_map))
    column, label = text.text_and_label(spec, train.header, Problems(spec_file, source_map))
    table = tables.read(path, found)
    tables.column_name(table.header, column, found, (), path.name)
    found.check()
    x = np.array(table.columns[column], dtype=object)
    if label not in table.header:
        return x, None
    if spec.task.row.targets == "values":
        y = tables.numbers(table, label, found, ())
        found.check()
        return x, y.astype(np.float32)
    _, names = tables.labels(train, label, Problems(spec_file, source_map), ())
    return x, tables.encode(table, label, names, found)


def _builtin_inputs(
    spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
) -> tuple[np.ndarray, np.ndarray | None]:
    assert spec.data is not None
    dataset = load(spec, spec_file, source_map=source_map)
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
