"""What sets ``gru`` apart: three weight blocks (update and reset gates, candidate).

With Keras's ``reset_after=True`` each block has an input and a recurrent bias. Its arguments,
shapes and errors are tested with the other recurrent kinds in test_recurrent.py.
"""

import numpy as np
import pytest
from pydantic import TypeAdapter

from dlspec.base import Params
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


@pytest.mark.parametrize(
    ("args", "shape", "params"),
    [
        ({"units": 16}, (10, 8), 3 * (8 * 16 + 16 * 16) + 6 * 16),
        ({"units": 16, "return_sequences": True}, (10, 8), 1248),
        ({"units": 4, "use_bias": False}, (None, 3), 3 * (3 * 4 + 4 * 4)),
        ({"units": 4, "return_sequences": True}, (None, 3), 3 * (3 * 4 + 4 * 4) + 6 * 4),
    ],
)
def test_params_by_hand(args, shape, params):
    assert parse({"gru": args}).params(shape) == Params(params)


@pytest.mark.keras
@pytest.mark.parametrize(
    ("units", "features", "use_bias"), [(16, 8, True), (4, 3, False), (1, 1, True)]
)
def test_params_are_the_keras_weights(units, features, use_bias):
    spec = parse({"gru": {"units": units, "use_bias": use_bias}})
    layer = spec.build("x")
    layer.build((None, 10, features))
    # Keras keeps the three blocks side by side; the bias holds an input and a recurrent row.
    expected = {"kernel": (features, 3 * units), "recurrent_kernel": (units, 3 * units)}
    if use_bias:
        expected["bias"] = (2, 3 * units)
    assert {w.name: tuple(w.shape) for w in layer.weights} == expected
    total = sum(int(np.prod(shape)) for shape in expected.values())
    assert spec.params((10, features)) == Params(total)
