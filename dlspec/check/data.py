"""What a data source tells statically: example shape, targets, head size, example count.

Nothing here loads data: built-in sets are described by a table, a CSV by its header line and an
image folder by its class sub-folders. Paths are relative to the spec file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from dlspec.base import Shape
from dlspec.diagnostics import Diagnostic, make
from dlspec.located import SourceMap
from dlspec.sections import DataSpec

Targets = Literal["regression", "binary", "multiclass", "next_token"]  # the task they suit

DEFAULT_SAMPLES = 500
DEFAULT_MAX_TOKENS = 10_000
DEFAULT_SEQUENCE_LENGTH = 200
DEFAULT_IMAGE_SIZE = (64, 64)


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


# name -> (shape, targets, classes or outputs, examples)
_BUILTIN: dict[str, DataInfo] = {
    "sklearn:iris": DataInfo((4,), targets="multiclass", classes=3, examples=150),
    "sklearn:digits": DataInfo((64,), targets="multiclass", classes=10, examples=1797),
    "sklearn:wine": DataInfo((13,), targets="multiclass", classes=3, examples=178),
    "sklearn:breast_cancer": DataInfo((30,), targets="binary", classes=2, examples=569),
    "sklearn:diabetes": DataInfo((10,), targets="regression", outputs=1, examples=442),
    "keras:mnist": DataInfo((28, 28, 1), targets="multiclass", classes=10, examples=70_000),
    "keras:fashion_mnist": DataInfo((28, 28, 1), targets="multiclass", classes=10, examples=70_000),
    "keras:cifar10": DataInfo((32, 32, 3), targets="multiclass", classes=10, examples=60_000),
    "keras:imdb": DataInfo(targets="binary", classes=2, examples=50_000),
    "keras:reuters": DataInfo(targets="multiclass", classes=46, examples=11_228),
}


def resolve_path(data: DataSpec, spec_file: str) -> Path:
    """The file or folder a path source names, relative to the spec file's folder."""
    path = Path(data.location).expanduser()
    return path if path.is_absolute() else Path(spec_file).parent / path


def describe(data: DataSpec | None, source_map: SourceMap) -> tuple[DataInfo, list[Diagnostic]]:
    """Static facts about ``data`` and any problems found on the way (missing files)."""
    if data is None:
        return DataInfo(), []
    scheme, name = data.scheme, data.location
    diagnostics: list[Diagnostic] = []
    tokens = (data.sequence_length or DEFAULT_SEQUENCE_LENGTH,)
    vocabulary = data.max_tokens or DEFAULT_MAX_TOKENS
    if data.source in _BUILTIN:
        info = _BUILTIN[data.source]
        if name in ("imdb", "reuters"):
            info = replace(info, shape=tokens, dtype="int32", vocabulary=vocabulary)
    elif scheme == "synthetic":
        info = _synthetic(data)
    else:
        path = resolve_path(data, source_map.doc.file)
        if not path.exists():
            diagnostics.append(
                make(
                    "DLS313",
                    f"data {'folder' if scheme == 'images' else 'file'} '{name}' does not exist",
                    source_map.locate(("data", "source")),
                    f"paths are relative to the spec file's folder ({path.parent})",
                )
            )
            # The file would tell the sizes: do not also report them as unknown.
            return DataInfo(known_at_load=True), diagnostics
        info = replace(_from_file(data, path, tokens, vocabulary), known_at_load=True)
    if data.window is not None:
        info = _windowed(info, data)
    return info, diagnostics


def _synthetic(data: DataSpec) -> DataInfo:
    samples = data.samples or DEFAULT_SAMPLES
    if data.location == "sine":
        return DataInfo((1,), targets="regression", outputs=1, examples=samples, series=True)
    if data.location in ("spiral", "blobs"):
        classes = data.classes or 3
        return DataInfo((2,), targets="multiclass", classes=classes, examples=samples)
    return DataInfo((2,), targets="binary", classes=2, examples=samples)


def _from_file(data: DataSpec, path: Path, tokens: Shape, vocabulary: int) -> DataInfo:
    if data.scheme == "images" and path.is_dir():
        classes = sum(1 for p in path.iterdir() if p.is_dir())
        height, width = data.image_size or DEFAULT_IMAGE_SIZE
        channels = 1 if data.color_mode == "grayscale" else 3
        return DataInfo((height, width, channels), targets="multiclass", classes=classes or None)
    if data.scheme == "text":
        if path.suffix.lower() in (".csv", ".tsv"):
            return DataInfo(tokens, dtype="int32", vocabulary=vocabulary)
        return DataInfo(tokens, dtype="int32", targets="next_token", vocabulary=vocabulary)
    if data.scheme == "csv" and path.is_file():
        header = _header(path)
        if header is None:
            return DataInfo()
        # A windowed series reads the target's own history too; a table predicts it.
        others = len(header) if data.window else len(header) - 1
        features = len(data.features) if data.features else max(others, 0)
        return DataInfo((features,), outputs=1)
    return DataInfo()


def _header(path: Path) -> list[str] | None:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError):
        return None  # the data stage reports unreadable files with their reason


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
