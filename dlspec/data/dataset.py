"""The loaded data every source yields, and its fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from dlspec.data.features import Features


@dataclass
class Dataset:
    """Examples as numpy arrays, plus what the model, the reports and ``predict`` need to know.

    ``x`` is float32 features, int32 token ids, or an object array of raw strings (text tables,
    which the Preprocessor vectorises); for a model with named inputs, a dict of such arrays by
    input name (``dlspec.data.features``). ``y`` is int64 class ids (binary, multiclass), float32
    values (regression: ``(n,)`` or ``(n, d)``) or int32 next-token ids ``(n, steps)``.
    """

    x: Features
    y: np.ndarray
    x_test: Features | None  # the source's own test split (npz x_test/y_test, keras: sets)
    y_test: np.ndarray | None
    class_names: list[str] | None  # classification: label names in class-id order
    feature_names: list[str] | None
    series: bool  # examples are in time order: never shuffle
    vocabulary: int | None  # token sources: every id is below it
    fingerprint: str  # sha256 over the arrays: a rerun on different data is told apart
    # Token corpora: the token of each id (0 padding, 1 '<unk>'), for the Preprocessor to save.
    tokens: list[str] | None = field(default=None, repr=False)
    # A table's target columns, when there are several: each output's name in the report.
    target_names: list[str] | None = None

    @classmethod
    def create(
        cls,
        x: Features,
        y: np.ndarray,
        x_test: Features | None = None,
        y_test: np.ndarray | None = None,
        *,
        class_names: list[str] | None = None,
        feature_names: list[str] | None = None,
        series: bool = False,
        vocabulary: int | None = None,
        tokens: list[str] | None = None,
        target_names: list[str] | None = None,
    ) -> Dataset:
        """A Dataset whose fingerprint is computed from its arrays."""
        return cls(
            x,
            y,
            x_test,
            y_test,
            class_names,
            feature_names,
            series,
            vocabulary,
            fingerprint(x, y, x_test, y_test),
            tokens,
            target_names,
        )


def fingerprint(*arrays: Features | None) -> str:
    """sha256 hex over the arrays' dtypes, shapes and contents (None counts as a value).

    Named inputs count by name, in name order.
    """
    digest = hashlib.sha256()
    for value in arrays:
        if isinstance(value, dict):
            for name in sorted(value):
                digest.update(f"[{name}]".encode())
                _update(digest, value[name])
        else:
            _update(digest, value)
    return digest.hexdigest()


def _update(digest: hashlib._Hash, array: np.ndarray | None) -> None:
    if array is None:
        digest.update(b"none;")
        return
    kind = "object" if array.dtype == object else array.dtype.str
    digest.update(f"{kind}{array.shape};".encode())
    if array.dtype == object:
        for item in array.ravel():
            digest.update(str(item).encode("utf-8") + b"\0")
    else:
        digest.update(np.ascontiguousarray(array).tobytes())
