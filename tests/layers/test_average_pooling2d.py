"""What ``average_pooling2d`` computes; its arguments, shapes and errors are in test_pooling.py."""

import numpy as np
import pytest
from pydantic import TypeAdapter

from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python

# A 4x4 image with two channels: GRID and -GRID, so each channel pools on its own.
GRID = np.array([[1, 5, 2, 0], [3, 4, 8, 6], [7, 0, 1, 2], [2, 9, 3, 4]], "float32")
IMAGE = np.stack([GRID, -GRID], axis=-1)[None]


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "means"),
    [
        # The 2x2 windows of GRID are [[1, 5], [3, 4]], [[2, 0], [8, 6]], ...
        ({}, [[13 / 4, 16 / 4], [18 / 4, 10 / 4]]),
        # same padding pads the bottom row and right column; the mean counts only real cells.
        ({"pool_size": 3, "strides": 2, "padding": "same"}, [[31 / 9, 19 / 6], [22 / 6, 10 / 4]]),
    ],
)
def test_keeps_the_mean_of_each_window(args, means):
    import keras

    out = keras.ops.convert_to_numpy(parse({"average_pooling2d": args}).build("x")(IMAGE))[0]
    np.testing.assert_allclose(out[..., 0], means, rtol=1e-6)
    np.testing.assert_allclose(out[..., 1], -np.array(means), rtol=1e-6)
