"""Data sources: one unit per scheme of ``data.source``, and the registry that lists them.

``SOURCES`` is the only list of schemes: the spec's validation, the schema, lint's static
facts (``describe``), loading (``load``), ``predict`` inputs (``read_inputs``) and the saved
spec's absolute paths all read it. A new scheme is one file here and one line below.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.diagnostics import Diagnostic, make
from dlspec.sources.csv import Csv
from dlspec.sources.images import Images
from dlspec.sources.keras import Keras
from dlspec.sources.npz import Npz
from dlspec.sources.sklearn import Sklearn
from dlspec.sources.source import DataInfo, Source
from dlspec.sources.synthetic import Synthetic
from dlspec.sources.text import Text

if TYPE_CHECKING:
    import numpy as np

    from dlspec.data.dataset import Dataset
    from dlspec.data.features import Features
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.spec.sections import DataSpec

SOURCES: dict[str, Source] = {
    source.scheme: source
    for source in (Sklearn(), Synthetic(), Keras(), Csv(), Npz(), Images(), Text())
}

__all__ = ["SOURCES", "DataInfo", "Source", "describe", "load", "read_inputs"]


def describe(data: DataSpec | None, source_map: SourceMap) -> tuple[DataInfo, list[Diagnostic]]:
    """Static facts about ``data`` and any problems found on the way (a missing file).

    Nothing is loaded: built-in sets are described by their table, a CSV by its header line
    and an image folder by its class sub-folders. Paths are relative to the spec file.
    """
    if data is None:
        return DataInfo(), []
    source = SOURCES[data.scheme]
    if not source.takes_path:
        info = source.describe(data, None)
    else:
        path = data.path(source_map.doc.file)
        if not path.exists():
            missing = make(
                "DLS313",
                f"data {'folder' if source.folder else 'file'} '{data.location}' does not exist",
                source_map.locate(("data", "source")),
                f"paths are relative to the spec file's folder ({path.parent})",
            )
            # The file would tell the sizes: do not also report them as unknown.
            return DataInfo(known_at_load=True), [missing]
        info = replace(source.describe(data, path), known_at_load=True)
    if data.window is not None:
        info = _windowed(info, data)
    return info, []


def _windowed(info: DataInfo, data: DataSpec) -> DataInfo:
    assert data.window is not None
    features = info.shape[-1] if info.shape else None
    examples = info.examples
    if examples is not None:
        examples = max(examples - data.window.length - data.window.horizon + 1, 0)
    return replace(
        info,
        shape=(data.window.length, features) if features is not None else None,
        targets="regression",
        outputs=1,
        examples=examples,
        series=True,
    )


def load(spec: Spec, spec_file: str | Path, *, source_map: SourceMap | None = None) -> Dataset:
    """Load the examples of ``spec.data``.

    Args:
        spec: the experiment.
        spec_file: the spec's file; data paths are relative to its folder.
        source_map: locates problems at the spec value at fault (else at the file's start).

    Returns:
        The examples, windowed when ``data.window`` is set, not yet preprocessed.

    Raises:
        SpecError: DLS401 unreadable or unusable data, DLS402 a keras: set offline and not
            cached, DLS403 a missing column, DLS404 a non-numeric feature, DLS405 NaNs.
    """
    if spec.data is None:
        from dlspec.data.problems import Problems

        Problems(spec_file, source_map).fail(
            "DLS401",
            "the spec has no 'data' section to train on",
            (),
            "add e.g. 'data: {source: sklearn:iris}'",
        )
    dataset = SOURCES[spec.data.scheme].dataset(spec, spec_file, source_map)
    if len(dataset.y) == 0:
        from dlspec.data.problems import Problems

        Problems(spec_file, source_map).fail(
            "DLS401",
            f"'{spec.data.location}' holds no examples",
            ("data", "source"),
            "a header line alone is not data: add rows",
        )
    return dataset


def read_inputs(
    spec: Spec,
    spec_file: str | Path,
    path: str | Path,
    *,
    source_map: SourceMap | None = None,
) -> tuple[Features, np.ndarray | None]:
    """Read a ``predict`` input laid out like the training source, before preprocessing.

    Each scheme's ``inputs`` says what it reads; any scheme reads an ``.npz`` with ``x``
    (and ``y``).

    Returns:
        The features (as ``load`` gives them) and the targets, or None when the input has none.

    Raises:
        SpecError: the problems found, pointing at the input file (or at the spec).
    """
    from dlspec.data.problems import Problems

    path = Path(path)
    if spec.data is None:
        Problems(spec_file, source_map).fail(
            "DLS401", "the spec has no 'data' section to read inputs for", ()
        )
    if not path.exists():
        Problems(path, lines=True).fail("DLS401", f"input '{path}' does not exist")
    return SOURCES[spec.data.scheme].inputs(spec, spec_file, path, source_map)


def saved_location(data: DataSpec, spec_file: str | Path) -> str:
    """``data.source`` as a saved spec writes it: a path scheme's path made absolute."""
    if not SOURCES[data.scheme].takes_path:
        return data.source
    return f"{data.scheme}:{data.path(spec_file).resolve()}"
