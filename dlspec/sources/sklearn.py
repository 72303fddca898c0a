"""``sklearn:NAME``: scikit-learn's bundled sets, which ship with it and load offline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.sources.source import BuiltinSource, DataInfo

if TYPE_CHECKING:
    from dlspec.data.dataset import Dataset
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.sections import DataSpec

_INFO = {
    "iris": DataInfo((4,), targets="multiclass", classes=3, examples=150),
    "digits": DataInfo((64,), targets="multiclass", classes=10, examples=1797),
    "wine": DataInfo((13,), targets="multiclass", classes=3, examples=178),
    "breast_cancer": DataInfo((30,), targets="binary", classes=2, examples=569),
    "diabetes": DataInfo((10,), targets="regression", outputs=1, examples=442),
}


class Sklearn(BuiltinSource):
    """Iris, digits, wine, breast cancer and diabetes, with their feature and class names.

    A predict input is a CSV whose header holds the set's feature names (and optionally
    'target'), or an ``.npz``.
    """

    scheme = "sklearn"
    datasets = tuple(_INFO)

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts; see ``Source.describe``."""
        return _INFO[data.location]

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import builtin

        assert spec.data is not None
        table = builtin.load_sklearn(spec.data.location)
        return builtin.dataset(spec.data, table, problems)
