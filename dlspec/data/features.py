"""Features of examples: one array, or one array per named input (``model.inputs``).

A model without named inputs takes one array; a model with ``model.inputs`` takes a dict of
arrays by input name, all with one row per example. The helpers here treat both alike, so the
splits, the preprocessing, the fits and ``predict`` index rows without asking which it is.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Features = np.ndarray | dict[str, np.ndarray]


def count(x: Features) -> int:
    """The number of examples (rows)."""
    if isinstance(x, dict):
        return len(next(iter(x.values())))
    return len(x)


def take(x: Features, rows: np.ndarray | slice) -> Features:
    """The examples at ``rows``, in that order."""
    if isinstance(x, dict):
        return {name: array[rows] for name, array in x.items()}
    return x[rows]


def apply(function: Callable[[np.ndarray], np.ndarray], x: Features) -> Features:
    """``function`` applied to each array."""
    if isinstance(x, dict):
        return {name: function(array) for name, array in x.items()}
    return function(x)


def nbytes(x: Features | None) -> int:
    """Bytes held by the arrays."""
    if x is None:
        return 0
    if isinstance(x, dict):
        return sum(array.nbytes for array in x.values())
    return int(x.nbytes)


def shapes(x: Features) -> dict[str | None, tuple[int, ...]]:
    """One example's shape, by input name (None for the one array of a model without names)."""
    if isinstance(x, dict):
        return {name: tuple(array.shape[1:]) for name, array in x.items()}
    return {None: tuple(x.shape[1:])}
