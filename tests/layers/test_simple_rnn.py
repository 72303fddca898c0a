"""What sets ``simple_rnn`` apart: one weight block and no gates.

Its arguments, shapes and errors are tested with the other recurrent kinds in test_recurrent.py.
"""

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


@pytest.mark.parametrize(
    ("args", "shape", "params"),
    [
        ({"units": 16}, (10, 8), 8 * 16 + 16 * 16 + 16),
        ({"units": 16, "return_sequences": True}, (10, 8), 400),
        ({"units": 4, "use_bias": False}, (None, 3), 12 + 16),
        ({"units": 4, "return_sequences": True}, (None, 3), 32),
    ],
)
def test_params_by_hand(args, shape, params):
    assert parse({"simple_rnn": args}).params(shape) == Params(params)


@pytest.mark.keras
@pytest.mark.parametrize(
    ("units", "features", "use_bias"), [(16, 8, True), (4, 3, False), (1, 1, True)]
)
def test_params_are_the_keras_weights(units, features, use_bias):
    spec = parse({"simple_rnn": {"units": units, "use_bias": use_bias}})
    layer = spec.build("x")
    layer.build((None, 10, features))
    # One block: the input kernel, the recurrent kernel and the bias.
    expected = {"kernel": (features, units), "recurrent_kernel": (units, units)}
    if use_bias:
        expected["bias"] = (units,)
    assert {w.name: tuple(w.shape) for w in layer.weights} == expected
    total = sum(int(np.prod(shape)) for shape in expected.values())
    assert spec.params((10, features)) == Params(total)


def test_has_no_gates():
    # Only the gated kinds (gru, lstm) have a recurrent_activation.
    with pytest.raises(ValidationError):
        parse({"simple_rnn": {"units": 8, "recurrent_activation": "sigmoid"}})
