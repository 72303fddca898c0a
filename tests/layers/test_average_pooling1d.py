"""What ``average_pooling1d`` computes; its arguments, shapes and errors are in test_pooling.py."""

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
    ("args", "means"),
    [
        # Windows [1, 5] and [2, 0]; valid padding drops the last step.
        ({}, [3, 1]),
        # same padding pads after the last step; the mean counts only real steps.
        ({"padding": "same"}, [3, 1, 3]),
        ({"pool_size": 3, "strides": 1}, [8 / 3, 7 / 3, 5 / 3]),
    ],
)
def test_keeps_the_mean_of_each_window(args, means):
    import keras

    out = keras.ops.convert_to_numpy(parse({"average_pooling1d": args}).build("x")(SEQUENCE))[0]
    np.testing.assert_allclose(out[:, 0], means, rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], -np.array(means), rtol=1e-6)
