"""``keras:NAME``: Keras's own datasets, downloaded once into the Keras cache.

Offline and not cached, loading fails with DLS402 naming the file to put in the cache and the
URL Keras downloads it from (``dlspec.data.keras_sets``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.sources.source import DataInfo, Preprocessing, Source

if TYPE_CHECKING:
    from dlspec.data.dataset import Dataset
    from dlspec.data.features import Features
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.spec.sections import DataSpec

TEXT_SETS = ("imdb", "reuters")  # token ids below max_tokens, cut to sequence_length
_INFO = {
    "mnist": DataInfo((28, 28, 1), targets="multiclass", classes=10, examples=70_000),
    "fashion_mnist": DataInfo((28, 28, 1), targets="multiclass", classes=10, examples=70_000),
    "cifar10": DataInfo((32, 32, 3), targets="multiclass", classes=10, examples=60_000),
    "imdb": DataInfo(targets="binary", classes=2, examples=50_000),
    "reuters": DataInfo(targets="multiclass", classes=46, examples=11_228),
}


class Keras(Source):
    """MNIST, Fashion-MNIST and CIFAR-10 images, IMDB and Reuters token ids.

    A predict input is an ``.npz`` of raw arrays as the Keras loader gives them.
    """

    scheme = "keras"
    datasets = tuple(_INFO)

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts; see ``Source.describe``."""
        info = _INFO[data.location]
        if data.location in TEXT_SETS:
            shape = (data.tokens_per_example,)
            info = replace(info, shape=shape, dtype="int32", vocabulary=data.vocabulary_size)
        return info

    def preprocessing(self, data: DataSpec) -> Preprocessing:
        """The preprocessing; see ``Source.preprocessing``."""
        return "tokens" if data.location in TEXT_SETS else "scale"

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import keras_sets

        assert spec.data is not None
        tokens = spec.data.location in TEXT_SETS
        return keras_sets.load_keras(spec.data, problems, tokens=tokens)

    def prepare(self, spec: Spec, x: Features) -> Features:
        """Raw arrays as loaded; see ``Source.prepare``."""
        from dlspec.data import keras_sets

        assert spec.data is not None and not isinstance(x, dict)  # keras: sets are one array
        return keras_sets.prepare(spec.data, x, tokens=spec.data.location in TEXT_SETS)

    def class_names(
        self, spec: Spec, spec_file: str | Path, source_map: SourceMap | None
    ) -> list[str] | None:
        """The class names; see ``Source.class_names``."""
        from dlspec.data import keras_sets

        if not spec.task.row.classification or spec.data is None:
            return None
        return keras_sets.class_names(spec.data.location)
