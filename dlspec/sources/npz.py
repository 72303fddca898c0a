"""``npz:PATH``: arrays ``x`` and ``y``, or a ready split ``x_train, y_train, x_test, y_test``.

Nothing is known before loading: the arrays give the shape, the classes and the outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.sources.source import Source

if TYPE_CHECKING:
    from dlspec.data.dataset import Dataset
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec


class Npz(Source):
    """An ``.npz`` file; a predict input is an ``.npz`` with ``x`` (and ``y``)."""

    scheme = "npz"
    windowed = True

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import arrays

        assert path is not None
        return arrays.load_npz(spec, path, problems)
