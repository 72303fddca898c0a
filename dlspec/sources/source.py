"""One scheme of ``data.source``: what it tells statically, and how it loads.

A scheme's file subclasses ``Source``. The light half (``datasets``, ``describe``) runs in lint
and imports nothing heavy; the loading half imports its reader from ``dlspec.data`` inside the
method, so numpy, scikit-learn and Keras load only when data does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from dlspec.base import Shape

if TYPE_CHECKING:
    import numpy as np

    from dlspec.data.dataset import Dataset
    from dlspec.data.features import Features
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.spec.sections import DataSpec

Targets = Literal["regression", "binary", "multiclass", "next_token"]  # the task they suit
Preprocessing = Literal["scale", "text", "tokens"]  # the kinds of ``Preprocessor``


@dataclass(frozen=True)
class DataInfo:
    """Static facts about a data source; None where the source cannot tell without loading."""

    shape: Shape | None = None
    dtype: str = "float32"
    targets: Targets | None = None
    classes: int | None = None
    outputs: int | None = None
    vocabulary: int | None = None
    examples: int | None = None
    series: bool = False  # examples are in time order
    # Sizes left None here are read when the data loads (a CSV's classes, an npz's arrays).
    known_at_load: bool = False
    columns: tuple[str, ...] | None = None  # a table's column names, from its header line
    # Named inputs' shapes and dtypes, where the source groups its features by name (a CSV's
    # 'features' mapping); ``shape`` is None then.
    inputs: dict[str, tuple[Shape, str]] | None = None


class Source:
    """A scheme: ``SCHEME:NAME`` for the sets it knows, ``SCHEME:PATH`` when it knows none."""

    scheme: ClassVar[str]
    datasets: ClassVar[tuple[str, ...]] = ()  # the names after the colon; none: a path
    folder: ClassVar[bool] = False  # the path names a folder, not a file
    windowed: ClassVar[bool] = False  # 'data.window' applies: the source can be a series
    targets: ClassVar[bool] = False  # 'data.target' may list several columns, one output each

    @property
    def takes_path(self) -> bool:
        """Whether a path, relative to the spec file, follows the colon."""
        return not self.datasets

    @property
    def usage(self) -> str:
        """How it is written, for the schema and messages: ``sklearn:iris|wine``, ``csv:PATH``."""
        if self.datasets:
            return f"{self.scheme}:{'|'.join(self.datasets)}"
        return f"{self.scheme}:{'DIR' if self.folder else 'PATH'}"

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts from the spec alone, or from the existing ``path``'s header or folders."""
        return DataInfo()

    def column_fields(self, data: DataSpec) -> tuple[str, ...]:
        """The ``data`` fields that choose columns of this source's table; none without one."""
        return ()

    def pairs(self, data: DataSpec) -> bool:
        """Whether it gives (source, target) text pairs, the data of task seq2seq."""
        return False

    def preprocessing(self, data: DataSpec) -> Preprocessing:
        """The preprocessing its examples need: scaling, text vectorising or token ids."""
        return "scale"

    def dataset(
        self, spec: Spec, spec_file: str | Path, source_map: SourceMap | None = None
    ) -> Dataset:
        """The examples of ``spec.data`` (which uses this scheme), not yet preprocessed.

        Raises:
            SpecError: DLS401 when ``window`` does not apply or the file is missing, and the
                loader's own problems (see ``dlspec.sources.load``).
        """
        from dlspec.data.problems import Problems

        problems = Problems(spec_file, source_map)
        data = spec.data
        assert data is not None
        if data.window is not None and not self.windowed:
            problems.fail(
                "DLS401",
                f"'window' applies to series (csv, npz, synthetic:sine), not to {self.scheme} data",
                ("data", "window"),
                "remove 'window'",
            )
        path = data.path(spec_file) if self.takes_path else None
        if path is not None and not self.folder and not path.is_file():
            problems.fail(
                "DLS401",
                f"data file '{data.location}' does not exist",
                hint=f"paths are relative to the spec file's folder ({path.parent})",
            )
        return self.load(spec, path, problems)

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; ``path`` is the checked path of a path scheme, else None."""
        raise NotImplementedError(self.scheme)

    def inputs(
        self, spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
    ) -> tuple[Features, np.ndarray | None]:
        """A ``predict`` input laid out like this source, and its targets when it has them.

        Any scheme reads an ``.npz`` with ``x`` (and ``y``), or with an array per named input;
        other files go to ``table_inputs``.
        """
        if path.suffix.lower() != ".npz":
            return self.table_inputs(spec, spec_file, path, source_map)
        from dlspec.data import arrays

        names = self.class_names(spec, spec_file, source_map)
        x, y = arrays.read_npz_inputs(spec, path, names)
        return self.prepare(spec, x), y

    def table_inputs(
        self, spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
    ) -> tuple[Features, np.ndarray | None]:
        """A ``predict`` input that is not an ``.npz``: only schemes that read tables take one."""
        from dlspec.data.problems import Problems

        Problems(path, lines=True).fail(
            "DLS401", f"inputs for {self.scheme}: data are read from an .npz file with an array 'x'"
        )

    def prepare(self, spec: Spec, x: Features) -> Features:
        """Raw input arrays as ``load`` gives them: float32, or int32 token ids."""
        from dlspec.data import arrays

        return arrays.convert(spec, x)

    def class_names(
        self, spec: Spec, spec_file: str | Path, source_map: SourceMap | None
    ) -> list[str] | None:
        """The training data's class names, which an input's text labels are encoded over."""
        if not spec.task.row.classification:
            return None
        return self.dataset(spec, spec_file, source_map).class_names


class BuiltinSource(Source):
    """A scheme of built-in tables (sklearn, synthetic): windowable, read by ``data.builtin``.

    A predict input is a CSV whose header holds the set's feature names (and optionally
    'target'), or an ``.npz``.
    """

    windowed = True

    def table_inputs(
        self, spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """A CSV with the set's feature columns, read against the loaded set's names."""
        from dlspec.data import builtin

        return builtin.read_inputs(spec, self.dataset(spec, spec_file, source_map), path)
