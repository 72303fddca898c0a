"""``csv:PATH``: a table of numeric feature columns and a target column, or a series.

Lint reads only the header line: the feature count (``data.features``, or every column but the
target; with ``window`` every column), or with ``features`` as a mapping of input names to
columns, each named input's. Classes are counted when the data loads.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.base import Shape
from dlspec.sources.source import DataInfo, Source

if TYPE_CHECKING:
    import numpy as np

    from dlspec.data.dataset import Dataset
    from dlspec.data.features import Features
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.spec.sections import DataSpec


class Csv(Source):
    """A CSV file; a predict input is a CSV with the training file's columns, or an ``.npz``."""

    scheme = "csv"
    windowed = True
    targets = True

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts; see ``Source.describe``."""
        if path is None or not path.is_file():
            return DataInfo()
        header = _header(path)
        if header is None:
            return DataInfo()
        if isinstance(data.features, dict):  # column groups: one named input each
            inputs: dict[str, tuple[Shape, str]] = {
                name: ((len(group),), "float32") for name, group in data.features.items()
            }
            return DataInfo(None, outputs=1, columns=tuple(header), inputs=inputs)
        # A windowed series reads the target's own history too; a table predicts it.
        outputs = len(data.target) if isinstance(data.target, list) else 1
        others = len(header) if data.window else len(header) - outputs
        features = len(data.features) if data.features else max(others, 0)
        return DataInfo((features,), outputs=outputs, columns=tuple(header))

    def column_fields(self, data: DataSpec) -> tuple[str, ...]:
        """The target and the features; see ``Source.column_fields``."""
        return ("target", "features")

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import tabular

        assert spec.data is not None and path is not None
        return tabular.load_csv(spec.data, spec.task.row.classification, path, problems)

    def table_inputs(
        self, spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
    ) -> tuple[Features, np.ndarray | None]:
        """A predict table; see ``Source.table_inputs``."""
        from dlspec.data import tabular
        from dlspec.data.problems import Problems

        assert spec.data is not None
        train = spec.data.path(spec_file)
        problems = Problems(spec_file, source_map)
        classes = spec.task.row.classification
        return tabular.read_csv_inputs(spec.data, classes, train, path, problems)


def _header(path: Path) -> list[str] | None:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError):
        return None  # the data stage reports unreadable files with their reason
