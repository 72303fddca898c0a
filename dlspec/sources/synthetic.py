"""``synthetic:NAME``: generated two-dimensional problems and a noisy sine series.

Generators use ``spec.seed``, so a seed gives the same examples every time; ``data.samples``,
``data.noise`` and ``data.classes`` (blobs, spiral) shape them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.sources.source import BuiltinSource, DataInfo

if TYPE_CHECKING:
    from dlspec.data.dataset import Dataset
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.sections import DataSpec


class Synthetic(BuiltinSource):
    """Moons, circles, xor, spiral and blobs (classification) and sine (a series to window)."""

    scheme = "synthetic"
    datasets = ("moons", "circles", "xor", "spiral", "blobs", "sine")

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts; see ``Source.describe``."""
        samples = data.sample_count
        if data.location == "sine":
            return DataInfo((1,), targets="regression", outputs=1, examples=samples, series=True)
        if data.location in ("spiral", "blobs"):
            classes = data.classes or 3
            return DataInfo((2,), targets="multiclass", classes=classes, examples=samples)
        return DataInfo((2,), targets="binary", classes=2, examples=samples)

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import builtin

        assert spec.data is not None
        table = builtin.load_synthetic(spec.data, spec.seed, problems)
        return builtin.dataset(spec.data, table, problems)
