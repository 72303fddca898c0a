"""What ``max_pooling2d`` computes; its arguments, shapes and errors are in test_pooling.py."""

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
    ("args", "first", "second"),
    [
        # The 2x2 windows of GRID are [[1, 5], [3, 4]], [[2, 0], [8, 6]], ...
        ({}, [[5, 8], [9, 4]], [[-1, 0], [0, -1]]),
        # same padding pads the bottom row and right column; padding is never the maximum.
        ({"pool_size": 3, "strides": 2, "padding": "same"}, [[8, 8], [9, 4]], [[0, 0], [0, -1]]),
    ],
)
def test_keeps_the_maximum_of_each_window(args, first, second):
    import keras

    out = keras.ops.convert_to_numpy(parse({"max_pooling2d": args}).build("x")(IMAGE))[0]
    np.testing.assert_array_equal(out[..., 0], first)
    np.testing.assert_array_equal(out[..., 1], second)
