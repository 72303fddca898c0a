"""Write the example specs' generated arrays: frames to label and ramps to draw.

``frames.npz``: 600 sequences of 12 frames of three signals; each frame's label is the signal
whose running sum is largest so far (``frames_gru.yaml`` labels every frame).
``ramps.npz``: 600 pairs of (start, slope), each with the 10 values of its ramp
``start + slope * t`` (``ramps_one_to_many.yaml`` draws a sequence from one vector).

Drawn from a fixed seed: running this script again writes the same arrays::

    python specs/data/make_sequences.py specs/data
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED, ROWS, FRAMES, STEPS = 11, 600, 12, 10


def frames(rows: int = ROWS, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Signals ``(rows, 12, 3)`` and each frame's label ``(rows, 12)``: the leading signal."""
    signals = np.random.default_rng(seed).normal(size=(rows, FRAMES, 3)).astype(np.float32)
    return signals, np.cumsum(signals, axis=1).argmax(axis=-1).astype(np.int64)


def ramps(rows: int = ROWS, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(start, slope) pairs ``(rows, 2)`` and their ramps ``(rows, 10)``."""
    draw = np.random.default_rng(seed + 1)
    start_slope = np.stack([draw.uniform(-1, 1, rows), draw.uniform(-0.3, 0.3, rows)], axis=1)
    steps = np.arange(STEPS)
    values = start_slope[:, :1] + start_slope[:, 1:] * steps
    return start_slope.astype(np.float32), values.astype(np.float32)


def write(folder: Path) -> None:
    """``frames.npz`` and ``ramps.npz`` in ``folder``."""
    x, y = frames()
    np.savez_compressed(folder / "frames.npz", x=x, y=y)
    x, y = ramps()
    np.savez_compressed(folder / "ramps.npz", x=x, y=y)


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
