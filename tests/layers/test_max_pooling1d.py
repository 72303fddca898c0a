"""What ``max_pooling1d`` computes; its arguments, shapes and errors are in test_pooling.py."""

import numpy as np
import pytest
from pydantic import TypeAdapter

from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python

# Five steps with two channels: STEPS and -STEPS, so each channel pools on its own.
STEPS = np.array([1, 5, 2, 0, 3], "float32")
SEQUENCE = np.stack([STEPS, -STEPS], axis=-1)[None]


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "first", "second"),
    [
        # Windows [1, 5] and [2, 0]; valid padding drops the last step.
        ({}, [5, 2], [-1, 0]),
        # same padding pads after the last step; padding is never the maximum.
        ({"padding": "same"}, [5, 2, 3], [-1, 0, -3]),
        ({"pool_size": 3, "strides": 1}, [5, 5, 3], [-1, 0, 0]),
    ],
)
def test_keeps_the_maximum_of_each_window(args, first, second):
    import keras

    out = keras.ops.convert_to_numpy(parse({"max_pooling1d": args}).build("x")(SEQUENCE))[0]
    np.testing.assert_array_equal(out[:, 0], first)
    np.testing.assert_array_equal(out[:, 1], second)
