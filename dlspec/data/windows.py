"""Time series to supervised windows: ``length`` steps in, the target ``horizon`` steps later."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dlspec.data.problems import Problems

if TYPE_CHECKING:
    from dlspec.spec.sections import WindowSpec


def count(steps: int, window: WindowSpec) -> int:
    """How many windows a series of ``steps`` steps gives (as ``sources.describe`` counts them)."""
    return max(steps - window.length - window.horizon + 1, 0)


def make(
    series: np.ndarray, target: np.ndarray | None, window: WindowSpec
) -> tuple[np.ndarray, np.ndarray | None]:
    """Windows of ``series`` in time order, and the target after each.

    Args:
        series: ``(steps, features)`` (or ``(steps,)``, one feature), in time order.
        target: ``(steps,)`` values to predict, or None (a predict input without targets).
        window: the window's length and horizon.

    Returns:
        ``x`` of shape ``(n, length, features)``: window ``i`` is steps ``i .. i+length-1``;
        ``y`` of shape ``(n,)``: the target at step ``i + length - 1 + horizon``.
    """
    series = series.reshape(len(series), -1)
    n = count(len(series), window)
    starts = np.arange(n)[:, None] + np.arange(window.length)[None, :]
    x = series[starts] if n else np.empty((0, window.length, series.shape[1]), series.dtype)
    if target is None:
        return x, None
    first = window.length - 1 + window.horizon
    return x, target[first : first + n]


def check_length(steps: int, window: WindowSpec, problems: Problems) -> None:
    """Fail when a series is too short to give at least two windows."""
    if count(steps, window) < 2:
        problems.fail(
            "DLS401",
            f"the series has {steps} steps, too few for windows of length {window.length} "
            f"and horizon {window.horizon}",
            ("data", "window"),
            "use a shorter window or more data",
        )
