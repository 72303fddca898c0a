"""What sets ``lstm`` apart: four weight blocks (input, forget and output gates, candidate).

Its arguments, shapes and errors are tested with the other recurrent kinds in test_recurrent.py.
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
        ({"units": 16}, (10, 8), 4 * (8 * 16 + 16 * 16 + 16)),
        ({"units": 16, "return_sequences": True}, (10, 8), 1600),
        ({"units": 4, "use_bias": False}, (None, 3), 4 * (3 * 4 + 4 * 4)),
        ({"units": 4, "return_sequences": True}, (None, 3), 4 * (3 * 4 + 4 * 4 + 4)),
    ],
)
def test_params_by_hand(args, shape, params):
    assert parse({"lstm": args}).params(shape) == Params(params)


@pytest.mark.keras
@pytest.mark.parametrize(
    ("units", "features", "use_bias"), [(16, 8, True), (4, 3, False), (1, 1, True)]
)
def test_params_are_the_keras_weights(units, features, use_bias):
    spec = parse({"lstm": {"units": units, "use_bias": use_bias}})
    layer = spec.build("x")
    layer.build((None, 10, features))
    # Keras keeps the four blocks side by side: one kernel, one recurrent kernel, one bias.
    expected = {"kernel": (features, 4 * units), "recurrent_kernel": (units, 4 * units)}
    if use_bias:
        expected["bias"] = (4 * units,)
    assert {w.name: tuple(w.shape) for w in layer.weights} == expected
    total = sum(int(np.prod(shape)) for shape in expected.values())
    assert spec.params((10, features)) == Params(total)
