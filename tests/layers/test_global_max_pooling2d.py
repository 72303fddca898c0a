"""What ``global_max_pooling2d`` computes.

Its arguments, shapes and rank errors are tested with its sister kinds in test_global_pooling.py.
"""

import numpy as np
import pytest
from pydantic import TypeAdapter

from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python

# A 2x2 image with two channels: [[1, 5], [3, 4]] and [[-4, 0], [2, -1]].
X = np.array([[[[1, -4], [5, 0]], [[3, 2], [4, -1]]]], "float32")


@pytest.mark.keras
@pytest.mark.parametrize("keepdims", [False, True])
def test_keeps_the_maximum_of_each_channel(keepdims):
    import keras

    layer = parse({"global_max_pooling2d": {"keepdims": keepdims}}).build("x")
    out = keras.ops.convert_to_numpy(layer(X))[0]
    # The maximum over all positions, per channel: 5 and 2.
    expected = np.array([5, 2], "float32")
    if keepdims:  # the pooled axes stay, with size 1
        expected = expected.reshape(1, 1, 2)
    np.testing.assert_array_equal(out, expected)
